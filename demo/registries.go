package demo

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// recordDups stores the truth for n exact copies, each of a distinct clean
// original: n duplicated keys, 2n rows in those groups, n extra rows.
func recordDups(c tally, name, key string, n int) {
	c[name] = int64(n)
	c[key+"_duplicate_keys"] = int64(n)
	c[key+"_duplicate_rows"] = 2 * int64(n)
	c[key+"_extra_rows"] = int64(n)
}

// zero makes sure every named count is present, even when nothing was planted.
func zero(c tally, names ...string) {
	for _, n := range names {
		c[n] += 0
	}
}

// writeSimple writes n rows from fill, then one exact copy of each
// "orig_duplicate" row of pl, and records the duplicate truth.
func (g *gen) writeSimple(dir string, d *DatasetTruth, cols []column, pl *plan, dupName, dupKey string,
	fill func(row []cell, j int, c tally)) error {
	tb, err := g.openTable(dir, d, cols)
	if err != nil {
		return err
	}
	defer tb.abort()
	c := tally(d.Counts)
	zero(c, pl.names...)
	delete(c, "orig_duplicate")
	for j := 0; j < pl.n; j++ {
		fill(tb.row, j, c)
		if err := tb.write(); err != nil {
			return err
		}
	}
	nd := pl.count("orig_duplicate")
	for k := 0; k < nd; k++ {
		fill(tb.row, pl.row("orig_duplicate", k), nil)
		if err := tb.write(); err != nil {
			return err
		}
	}
	recordDups(c, dupName, dupKey, nd)
	return g.closeTable(tb)
}

// ---- VSS social insurance ----

var insuranceCols = []column{
	{"bhxh", kStr}, {"cccd", kStr}, {"full_name", kStr}, {"birth_date", kDate}, {"gender", kStr},
	{"employer_mst", kStr}, {"status", kStr}, {"monthly_wage_vnd", kInt}, {"updated_at", kTS},
}

func (g *gen) writeInsurance(dir string, d *DatasetTruth) error {
	n := rate(0.6, g.o.Rows)
	pl := newPlan(n, g.seed^streamInsPlan,
		seg{"cccd_not_in_population", rate(0.01, n)},
		seg{"name_mismatch", rate(0.01, n)},
		seg{"birth_date_mismatch", rate(0.005, n)},
		seg{"bhxh_missing", rate(0.005, n)},
		seg{"bhxh_malformed", rate(0.005, n)},
		seg{"wage_out_of_range", rate(0.003, n)},
		seg{"cccd_missing", rate(0.005, n)},
		seg{"orig_duplicate", rate(0.005, n)},
	)
	m := g.pop.clean()
	pick := newPerm(m, g.seed^streamInsPick)
	zero(d.Counts, "deceased_active")
	// status_active counts every row written active, copies included.
	var active int64
	defer func() { d.Counts["status_active"] = active }()
	return g.writeSimple(dir, d, insuranceCols, pl, "bhxh_duplicates", "bhxh", func(row []cell, j int, c tally) {
		sg, off := pl.seg(j)
		var p person
		if sg == "cccd_not_in_population" {
			p = g.person(g.phantom + off) // a valid CCCD nobody in the population has
		} else {
			p = g.cleanPerson(pick.enc(j % m)) // distinct people while n <= m
		}
		r := g.rowRand(streamInsurance, j)
		status := "active"
		switch {
		case sg != "cccd_not_in_population" && p.status == "deceased":
			// Only clean rows may keep a dead person active, so the count stays exact.
			if sg == "" && r.IntN(10) < 7 {
				c.add("deceased_active")
			} else {
				status = "suspended"
			}
		case r.IntN(20) == 0:
			status = "suspended"
		}
		if status == "active" {
			active++
		}
		bhxh, name, dob := g.bhxh(p.idx), p.name, p.dob
		wage := int64(5000+r.IntN(55000)) * 1000
		row[0], row[1], row[2], row[3], row[4] = str(bhxh), str(p.cccd), str(name), date(dob), str(gender(p.male))
		row[5], row[6], row[7], row[8] = str(g.employerMST(r)), str(status), i64(wage), ts(g.recent(r, 90*day, 2*time.Hour))
		switch sg {
		case "name_mismatch":
			row[2] = str(p.family + " " + p.middle + " " + otherGiven(r, p.male, p.given))
		case "birth_date_mismatch":
			shifted := dob - 1 - r.Int32N(28)
			if off%2 == 1 {
				shifted = addYears(dob, -1-r.IntN(5))
			}
			row[3] = date(shifted)
		case "bhxh_missing":
			row[0] = nullCell()
		case "bhxh_malformed":
			row[0] = str(bhxh[1:])
		case "wage_out_of_range":
			row[7] = i64(-wage)
		case "cccd_missing":
			row[1] = nullCell() // only the sector's own number
		}
		if sg != "" && sg != "orig_duplicate" {
			c.add(sg)
		}
	})
}

// ---- MAE land parcels ----

var landCols = []column{
	{"parcel_id", kStr}, {"owner_cccd", kStr}, {"commune_code", kStr}, {"area_m2", kFloat},
	{"land_use", kStr}, {"certificate_no", kStr}, {"issued_on", kDate}, {"updated_at", kTS},
}

var (
	landUses      = []string{"ODT", "ONT", "LUC", "CLN", "BHK", "RSX"}
	certSeries    = []string{"CS", "CT", "CH", "BY", "DA", "AO"}
	landEpochFrom = dayOf(time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC))
)

func (g *gen) writeLand(dir string, d *DatasetTruth) error {
	n := rate(0.3, g.o.Rows)
	pl := newPlan(n, g.seed^streamLandPlan,
		seg{"commune_stale_code", rate(0.01, n)},
		seg{"area_out_of_range", rate(0.005, n)},
		seg{"land_use_invalid", rate(0.005, n)},
		seg{"owner_cccd_missing", rate(0.01, n)},
		seg{"certificate_missing", rate(0.01, n)},
		seg{"orig_duplicate", rate(0.003, n)},
	)
	ids := newPerm(10_000_000_000, g.seed^streamParcelID)
	m := g.pop.clean()
	zero(d.Counts, "certificate_null", "certificate_blank")
	// land_use_codes_used: how many of the six codes appear at all.
	used := map[string]bool{}
	defer func() { d.Counts["land_use_codes_used"] = int64(len(used)) }()
	return g.writeSimple(dir, d, landCols, pl, "parcel_duplicates", "parcel_id", func(row []cell, j int, c tally) {
		sg, off := pl.seg(j)
		r := g.rowRand(streamLand, j)
		owner := g.cleanPerson(r.IntN(m))
		commune := owner.commune
		if r.IntN(5) == 0 {
			commune = g.ref.allWards[r.IntN(len(g.ref.allWards))]
		}
		u := r.Float64()
		area := math.Round((20+4980*u*u*u)*10) / 10
		updated := g.recent(r, 400*day, 10*day)
		issued := g.between(r, landEpochFrom, int32((updated/1e6)/86400))
		cert := certSeries[r.IntN(len(certSeries))] + " " + digits(uint64(r.IntN(1_000_000)), 6)
		row[0], row[1], row[2], row[3] = str("P"+digits(uint64(ids.enc(j)), 10)), str(owner.cccd), str(commune), f64(area)
		row[4], row[5], row[6], row[7] = str(landUses[r.IntN(len(landUses))]), str(cert), date(issued), ts(updated)
		switch sg {
		case "commune_stale_code":
			row[2] = str(g.ref.staleWards[r.IntN(len(g.ref.staleWards))])
		case "area_out_of_range":
			if off%2 == 0 {
				row[3] = f64(0)
			} else {
				row[3] = f64(math.Round(1e7 + 1 + r.Float64()*9e7))
			}
		case "land_use_invalid":
			row[4] = str([]string{"XXX", "N/A"}[off%2])
		default:
			used[row[4].s] = true
		case "owner_cccd_missing":
			row[1] = nullCell()
		case "certificate_missing":
			if off%2 == 0 {
				row[5] = nullCell()
				c.add("certificate_null")
			} else {
				row[5] = str("")
				c.add("certificate_blank")
			}
		}
		if sg != "" && sg != "orig_duplicate" {
			c.add(sg)
		}
	})
}

// ---- MOET students (CSV) ----

var studentCols = []column{
	{"student_id", kStr}, {"cccd", kStr}, {"full_name", kStr}, {"birth_date", kStr}, {"gender", kStr},
	{"school_code", kStr}, {"grade", kInt}, {"commune_code", kStr}, {"updated_at", kTS},
}

// kidPicker walks the clean population in a keyed order and returns living
// people born kidMin..kidMax, each once while any remain.
type kidPicker struct {
	g     *gen
	order perm
	m     int
	t     int
	found int
}

func (k *kidPicker) next() person {
	g := k.g
	for tries := 0; tries < k.m; tries++ {
		p := g.cleanPerson(k.order.enc(k.t % k.m))
		k.t++
		if p.dob >= g.kidMin && p.dob <= g.kidMax && p.status != "deceased" {
			k.found++
			return p
		}
	}
	// A population too small to hold a school child: make one up from a
	// fresh index that no other registry uses.
	p := g.person(g.phantom + 1<<24 + k.t)
	k.t++
	p.dob = g.kidMin + int32(k.t%int(g.kidMax-g.kidMin+1))
	p.cccd = makeCCCD(p.bp, yearOf(p.dob), p.male, p.serial)
	return p
}

// ageAt is the age in whole years on day at of someone born on dob.
func ageAt(dob, at int32) int {
	b, a := time.Unix(int64(dob)*86400, 0).UTC(), time.Unix(int64(at)*86400, 0).UTC()
	age := a.Year() - b.Year()
	if a.YearDay() < b.YearDay() {
		age--
	}
	return age
}

func (g *gen) writeStudents(dir string, d *DatasetTruth) error {
	n := rate(0.2, g.o.Rows)
	pl := newPlan(n, g.seed^streamStudentPlan,
		seg{"grade_out_of_range", rate(0.005, n)},
		seg{"cccd_missing", rate(0.01, n)},
		seg{"birth_date_invalid_text", rate(0.003, n)},
		seg{"name_placeholder", rate(0.005, n)},
		seg{"orig_duplicate", rate(0.005, n)},
	)
	ids := newPerm(100_000_000, g.seed^streamStudentID)
	kids := &kidPicker{g: g, order: newPerm(g.pop.clean(), g.seed^streamStudentPick), m: g.pop.clean()}
	// Rows follow the walk, so they cannot be regenerated by index: keep the
	// few originals of the planted copies.
	origs := make([][]cell, pl.count("orig_duplicate"))
	tb, err := g.openTable(dir, d, studentCols)
	if err != nil {
		return err
	}
	defer tb.abort()
	c := tally(d.Counts)
	zero(c, "grade_out_of_range", "cccd_missing", "birth_date_invalid_text", "name_placeholder")
	for j := 0; j < n; j++ {
		p := kids.next()
		r := g.rowRand(streamStudents, j)
		grade := min(max(ageAt(p.dob, g.asOfDay)-5, 1), 12)
		row := tb.row
		row[0], row[1], row[2], row[3] = str("HS"+digits(uint64(ids.enc(j)), 8)), str(p.cccd), str(p.name), str(formatDate(int64(p.dob)))
		row[4], row[5], row[6], row[7] = str(gender(p.male)), str(p.prov+digits(uint64(r.IntN(10000)), 4)), i64(int64(grade)), str(p.commune)
		row[8] = ts(g.recent(r, 60*day, time.Hour))
		sg, off := pl.seg(j)
		switch sg {
		case "grade_out_of_range":
			if off%4 == 0 {
				row[6] = i64(0)
			} else {
				row[6] = i64(int64(13 + r.IntN(3)))
			}
		case "cccd_missing":
			row[1] = nullCell()
		case "birth_date_invalid_text":
			t := time.Unix(int64(p.dob)*86400, 0).UTC()
			switch off % 3 {
			case 0:
				row[3] = str("31/02/" + t.Format("2006")) // no such day
			case 1:
				row[3] = str(t.Format("02/01/2006"))
			case 2:
				row[3] = str(t.Format("02012006"))
			}
		case "name_placeholder":
			row[2] = str("N/A")
		case "orig_duplicate":
			origs[off] = append([]cell(nil), row...)
		}
		if sg != "" && sg != "orig_duplicate" {
			c.add(sg)
		}
		if err := tb.write(); err != nil {
			return err
		}
	}
	for _, o := range origs {
		copy(tb.row, o)
		if err := tb.write(); err != nil {
			return err
		}
	}
	recordDups(c, "student_duplicates", "student_id", len(origs))
	return g.closeTable(tb)
}

// ---- MOH health insurance cards (JSON lines) ----

var healthCols = []column{
	{"card_no", kStr}, {"cccd", kStr}, {"full_name", kStr}, {"birth_date", kDate},
	{"hospital_code", kStr}, {"valid_to", kDate}, {"updated_at", kTS},
}

// cardGroups are beneficiary groups with the benefit level they carry.
var cardGroups = []struct{ code, levels string }{
	{"DN", "4"}, {"HC", "4"}, {"HT", "23"}, {"TE", "1"}, {"HS", "4"}, {"SV", "4"},
	{"HN", "23"}, {"CN", "3"}, {"GD", "4"}, {"CC", "1"}, {"QN", "5"}, {"CA", "5"}, {"CY", "5"}, {"TN", "4"},
}

func (g *gen) writeHealth(dir string, d *DatasetTruth) error {
	n := rate(0.5, g.o.Rows)
	pl := newPlan(n, g.seed^streamHealthPlan,
		seg{"card_malformed", rate(0.01, n)},
		seg{"valid_to_missing", rate(0.01, n)},
		seg{"hospital_code_missing", rate(0.005, n)},
		seg{"orig_duplicate", rate(0.005, n)},
	)
	m := g.pop.clean()
	pick := newPerm(m, g.seed^streamHealthPick)
	zero(d.Counts, "card_old_form", "card_new_form")
	return g.writeSimple(dir, d, healthCols, pl, "card_duplicates", "card_no", func(row []cell, j int, c tally) {
		sg, off := pl.seg(j)
		p := g.cleanPerson(pick.enc(j % m))
		r := g.rowRand(streamHealth, j)
		bhxh := g.bhxh(p.idx)
		grp := cardGroups[r.IntN(len(cardGroups))]
		level := grp.levels[r.IntN(len(grp.levels))]
		old := grp.code + string(level) + p.prov + bhxh
		card := bhxh
		if r.IntN(2) == 0 {
			card = old
		}
		row[0], row[1], row[2], row[3] = str(card), str(p.cccd), str(p.name), date(p.dob)
		row[4], row[5], row[6] = str(p.prov+digits(uint64(r.IntN(1000)), 3)), date(g.asOfDay+30+r.Int32N(335)), ts(g.recent(r, 180*day, time.Hour))
		switch sg {
		case "card_malformed":
			switch off % 4 {
			case 0:
				row[0] = str(grp.code + "7" + p.prov + bhxh) // benefit level out of 1..5
			case 1:
				row[0] = str(strings.ToLower(grp.code) + string(level) + p.prov + bhxh)
			case 2:
				row[0] = str(bhxh + digits(uint64(r.IntN(10)), 1)) // 11 digits
			case 3:
				row[0] = str(bhxh[:5] + "O" + bhxh[5:]) // letter O for a zero
			}
		case "valid_to_missing":
			row[5] = nullCell()
		case "hospital_code_missing":
			row[4] = str("N/A")
		}
		if sg != "card_malformed" {
			if len(card) == 10 {
				c.add("card_new_form")
			} else {
				c.add("card_old_form")
			}
		}
		if sg != "" && sg != "orig_duplicate" {
			c.add(sg)
		}
	})
}

// ---- MOF business registry ----

var enterpriseCols = []column{
	{"mst", kStr}, {"name", kStr}, {"legal_rep_cccd", kStr}, {"province_code", kStr},
	{"registered_on", kDate}, {"status", kStr}, {"capital_vnd", kInt}, {"updated_at", kTS},
}

// taxPrefixes are the 2-digit leading pairs used for synthetic tax codes.
var taxPrefixes = func() []string {
	var out []string
	for i := 1; i <= 63; i++ {
		out = append(out, digits(uint64(i), 2))
	}
	return out
}()

// entPlan is the enterprise registry's plan; branches sit after the
// defects so the clean rows are exactly the valid head offices.
func (g *gen) entPlan() *plan {
	n := max(1000, rate(0.05, g.o.Rows))
	return newPlan(n, g.seed^streamEntPlan,
		seg{"mst_bad_check_digit", rate(0.01, n)},
		seg{"name_missing", rate(0.005, n)},
		seg{"capital_out_of_range", rate(0.003, n)},
		seg{"orig_duplicate", rate(0.005, n)},
		seg{"branch", rate(0.05, n)},
	)
}

// mst10 is enterprise e's valid 10-digit tax code, unique per e (e < 10^6).
func (g *gen) mst10(e int) string {
	h := mix64(g.seed ^ streamMST ^ uint64(e)*0x9e3779b97f4a7c15)
	return makeMST(taxPrefixes[h%uint64(len(taxPrefixes))], g.mstP.enc(e), int(h>>32%10))
}

// employerMST draws the tax code of a clean head-office enterprise.
func (g *gen) employerMST(r *rand.Rand) string {
	return g.mst10(g.ent.cleanRow(r.IntN(g.ent.clean())))
}

func (g *gen) writeEnterprises(dir string, d *DatasetTruth) error {
	pl := g.ent
	m := g.pop.clean()
	zero(d.Counts, "mst_branches", "name_null", "name_blank")
	err := g.writeSimple(dir, d, enterpriseCols, pl, "mst_duplicates", "mst", func(row []cell, e int, c tally) {
		sg, off := pl.seg(e)
		r := g.rowRand(streamEnterprise, e)
		mst := g.mst10(e)
		var rep person
		for t := 0; t < 10; t++ {
			if rep = g.cleanPerson(r.IntN(m)); rep.dob <= g.adultMax {
				break
			}
		}
		prov := rep.prov
		if r.IntN(5) < 2 {
			prov = g.ref.provinces[r.IntN(len(g.ref.provinces))].code
		}
		status := "active"
		switch x := r.IntN(100); {
		case x < 10:
			status = "dissolved"
		case x < 15:
			status = "suspended"
		}
		capital := int64(1+r.IntN(500)) * 100_000_000
		row[0], row[1], row[2], row[3] = str(mst), str(companyName(r)), str(rep.cccd), str(prov)
		row[4], row[5], row[6], row[7] = date(g.between(r, landEpochFrom, g.asOfDay-1)), str(status), i64(capital), ts(g.recent(r, 365*day, time.Hour))
		switch sg {
		case "branch":
			row[0] = str(mst + "-" + digits(uint64(1+r.IntN(999)), 3))
			c.add("mst_branches")
		case "mst_bad_check_digit":
			row[0] = str(breakMST(mst, r.IntN(9)))
		case "name_missing":
			if off%2 == 0 {
				row[1] = nullCell()
				c.add("name_null")
			} else {
				row[1] = str("")
				c.add("name_blank")
			}
		case "capital_out_of_range":
			row[6] = i64(-capital)
		}
		if sg != "" && sg != "orig_duplicate" && sg != "branch" {
			c.add(sg)
		}
	})
	delete(d.Counts, "branch")
	return err
}

// ---- MPS residence registry ----

var residenceCols = []column{
	{"registration_no", kStr}, {"cccd", kStr}, {"gender", kStr}, {"commune_code", kStr},
	{"registered_on", kDate}, {"updated_at", kTS},
}

// writeResidence writes the residence registry, MPS's second dataset: the
// same ministry codes gender and communes otherwise in some records than
// in the population registry, which is what "unified" looks for.
func (g *gen) writeResidence(dir string, d *DatasetTruth) error {
	n := rate(0.4, g.o.Rows)
	pl := newPlan(n, g.seed^streamResPlan,
		seg{"cccd_missing", rate(0.01, n)},
		seg{"gender_coded_1_2", rate(0.02, n)},
		seg{"commune_differs", rate(0.01, n)},
		seg{"commune_stale_code", rate(0.005, n)},
		seg{"orig_duplicate", rate(0.003, n)},
	)
	m := g.pop.clean()
	pick := newPerm(m, g.seed^streamResPick)
	ids := newPerm(10_000_000_000, g.seed^streamRegNo)
	zero(d.Counts, "gender_coded_1", "gender_coded_2")
	return g.writeSimple(dir, d, residenceCols, pl, "registration_duplicates", "registration_no", func(row []cell, j int, c tally) {
		sg, _ := pl.seg(j)
		p := g.cleanPerson(pick.enc(j % m))
		r := g.rowRand(streamResidence, j)
		row[0], row[1], row[2], row[3] = str("CT"+digits(uint64(ids.enc(j)), 10)), str(p.cccd), str(gender(p.male)), str(p.commune)
		row[4], row[5] = date(g.between(r, landEpochFrom, g.asOfDay-1)), ts(g.recent(r, 30*day, time.Hour))
		switch sg {
		case "cccd_missing":
			row[1] = nullCell()
		case "gender_coded_1_2":
			// The old forms' coding: 1 male, 2 female.
			if p.male {
				row[2] = str("1")
				c.add("gender_coded_1")
			} else {
				row[2] = str("2")
				c.add("gender_coded_2")
			}
		case "commune_differs":
			other := p.commune
			for other == p.commune {
				other = g.ref.allWards[r.IntN(len(g.ref.allWards))]
			}
			row[3] = str(other)
		case "commune_stale_code":
			row[3] = str(g.ref.staleWards[r.IntN(len(g.ref.staleWards))])
		}
		if sg != "" && sg != "orig_duplicate" {
			c.add(sg)
		}
	})
}
