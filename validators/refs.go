package validators

import (
	"sort"
	"sync"

	"github.com/vn-registries/dq/refdata"
)

// set is a sorted list with a membership index.
type set struct {
	list []string
	has  map[string]bool
}

func newSet(values []string) set {
	s := set{has: map[string]bool{}}
	for _, v := range values {
		if v != "" && !s.has[v] {
			s.has[v] = true
			s.list = append(s.list, v)
		}
	}
	sort.Strings(s.list)
	return s
}

func (s set) minus(o set) set {
	var out []string
	for _, v := range s.list {
		if !o.has[v] {
			out = append(out, v)
		}
	}
	return newSet(out)
}

// column loads one column of an embedded table; the tables are compiled
// in, so a failure is a build defect.
func column(table, name string) []string {
	t, err := refdata.Load(table)
	if err != nil {
		panic(err)
	}
	v := t.Values(name)
	if v == nil {
		panic("validators: " + table + " has no column " + name)
	}
	return v
}

// Mapping is where a pre-2025 commune went on 1 July 2025.
type Mapping struct {
	NewCode string
	// Partial is true when the old commune was split: the new one holds
	// only part of its territory.
	Partial bool
}

type refs struct {
	birthplaces set // CCCD digits 1–3
	mobile      set // 3-digit national prefixes of 10-digit mobiles
	oldMobile   set // 4-digit prefixes of 11-digit mobiles before 2018
	oldToNew    map[string]string
	wards       set // 2025 commune codes
	staleWards  set // pre-2025 codes that no 2025 commune has
	provinces   set // 2025 province codes
	staleProvs  set
	provinceTo  map[string]string
	wardMapping map[string][]Mapping
}

var loadRefs = sync.OnceValue(func() *refs {
	r := &refs{
		birthplaces: newSet(column(refdata.CCCDBirthplaces, "cccd_code")),
		mobile:      newSet(column(refdata.MobilePrefixes, "prefix_10digit")),
		oldMobile:   newSet(column(refdata.MobilePrefixes, "old_11digit_prefix_before_2018")),
		oldToNew:    map[string]string{},
		wards:       newSet(column(refdata.Wards2025, "ward_code")),
		provinces:   newSet(column(refdata.Provinces2025, "province_code")),
		provinceTo:  map[string]string{},
		wardMapping: map[string][]Mapping{},
	}
	newP, oldP := column(refdata.MobilePrefixes, "prefix_10digit"), column(refdata.MobilePrefixes, "old_11digit_prefix_before_2018")
	for i := range newP {
		if oldP[i] != "" {
			r.oldToNew[oldP[i]] = newP[i]
		}
	}
	r.staleWards = newSet(column(refdata.WardsPre2025, "ward_code")).minus(r.wards)
	pre, to := column(refdata.ProvincesPre2025, "province_code"), column(refdata.ProvincesPre2025, "new_province_code_2025")
	for i := range pre {
		r.provinceTo[pre[i]] = to[i]
	}
	r.staleProvs = newSet(pre).minus(r.provinces)
	m, err := refdata.Load(refdata.WardMapping2025)
	if err != nil {
		panic(err)
	}
	oldC, newC, cov := m.Column("old_ward_code"), m.Column("new_ward_code"), m.Column("coverage")
	for _, row := range m.Rows {
		if row[oldC] == "" { // island districts without communes
			continue
		}
		r.wardMapping[row[oldC]] = append(r.wardMapping[row[oldC]], Mapping{NewCode: row[newC], Partial: row[cov] == "partial"})
	}
	return r
})
