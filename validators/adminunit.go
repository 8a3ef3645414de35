package validators

import (
	"sync"

	"github.com/vn-registries/dq/dialect"
)

var loadRegexes = sync.OnceValue(func() (r struct{ wards, staleWards string }) {
	r.wards = trieRegex(loadRefs().wards.list)
	r.staleWards = trieRegex(loadRefs().staleWards.list)
	return r
})

// AdminUnit checks a commune-level unit code (mã xã/phường/đặc khu) against
// the 3,321 units in force since 1 July 2025. A code that existed only
// before the reform is invalid and stale; Successor says where it went.
// Codes were reused: a valid code may have meant another commune before
// (DOMAIN §4), which a code alone cannot show.
type AdminUnit struct{}

func (AdminUnit) Name() string { return "admin_unit" }

func (AdminUnit) Valid(s string) bool { return loadRefs().wards.has[s] }

// Predicate is, in DuckDB, one regular expression over the codes' prefix
// tree rather than an IN list (see trieRegex); elsewhere an IN list, since
// MariaDB's PCRE refuses a pattern that large and PostgreSQL hashes the
// list.
func (AdminUnit) Predicate(d dialect.Dialect, x string) string {
	return codeSet(d, x, loadRefs().wards.list, loadRegexes().wards)
}

func codeSet(d dialect.Dialect, x string, codes []string, trie string) string {
	if d.Name() == (dialect.DuckDB{}).Name() {
		return d.RegexFullMatch(x, trie)
	}
	return "(" + inList(d, x, codes) + ")"
}

func (AdminUnit) Stale(s string) bool { return loadRefs().staleWards.has[s] }

func (AdminUnit) StalePredicate(d dialect.Dialect, x string) string {
	return codeSet(d, x, loadRefs().staleWards.list, loadRegexes().staleWards)
}

func (AdminUnit) StaleLabel() string { return "stale_pre2025" }

// Successor returns the 2025 commune a pre-2025 commune code went into.
// For a commune split across several (partial), it is the first listed in
// ward_mapping_2025.csv and partial is true; Successors lists them all.
// ok is false for a code that is not a pre-2025 commune.
func Successor(code string) (newCode string, partial bool, ok bool) {
	m := loadRefs().wardMapping[code]
	if len(m) == 0 {
		return "", false, false
	}
	return m[0].NewCode, m[0].Partial || len(m) > 1, true
}

// Successors lists every 2025 commune a pre-2025 commune code went into.
func Successors(code string) []Mapping {
	return append([]Mapping(nil), loadRefs().wardMapping[code]...)
}

// Province2025 checks a provincial unit code against the 34 units in
// force since 1 July 2025. A code of one of the 29 provinces merged away
// is invalid and stale.
type Province2025 struct{}

func (Province2025) Name() string { return "province_2025" }

func (Province2025) Valid(s string) bool { return loadRefs().provinces.has[s] }

func (Province2025) Predicate(d dialect.Dialect, x string) string {
	return "(" + inList(d, x, loadRefs().provinces.list) + ")"
}

func (Province2025) Stale(s string) bool { return loadRefs().staleProvs.has[s] }

func (Province2025) StalePredicate(d dialect.Dialect, x string) string {
	return "(" + inList(d, x, loadRefs().staleProvs.list) + ")"
}

func (Province2025) StaleLabel() string { return "stale_pre2025" }

// ProvinceSuccessor returns the 2025 province a pre-2025 province code
// went into (itself for a survivor).
func ProvinceSuccessor(code string) (string, bool) {
	p, ok := loadRefs().provinceTo[code]
	return p, ok
}
