package demo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/vn-registries/dq/refdata"
)

// Options controls one generation.
type Options struct {
	Rows int       // size of the population registry; other registries are derived fractions of it. Default 20000.
	Seed uint64    // default 1
	AsOf time.Time // reference "now" for updated_at and ages; required (callers pass time.Now().UTC().Truncate(time.Hour))
}

// MaxRows bounds Options.Rows: enterprise tax codes draw from a million
// six-digit sequences and CCCD serials from 63 birthplaces × a million.
const MaxRows = 20_000_000

// DefaultRows is used when Options.Rows is 0.
const DefaultRows = 20000

// personKeyCountLimit is the largest population for which the truth of
// uniqueness on [full_name, birth_date, commune_code] is counted; above it
// those counts are -1.
const personKeyCountLimit = 2_000_000

func (o Options) normalize() (Options, error) {
	if o.Rows == 0 {
		o.Rows = DefaultRows
	}
	if o.Rows < 0 || o.Rows > MaxRows {
		return o, fmt.Errorf("demo: Rows %d out of range 1..%d", o.Rows, MaxRows)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.AsOf.IsZero() {
		return o, errors.New("demo: Options.AsOf is required")
	}
	o.AsOf = o.AsOf.UTC()
	return o, nil
}

// Seed streams: each keys its own PCG sequence or permutation.
const (
	streamPerson uint64 = iota + 0x5eed0000
	streamPopPlan
	streamSerial
	streamBirthplace
	streamBHXH
	streamInsurance
	streamInsPlan
	streamInsPick
	streamLand
	streamLandPlan
	streamParcelID
	streamStudents
	streamStudentPlan
	streamStudentPick
	streamStudentID
	streamHealth
	streamHealthPlan
	streamHealthPick
	streamEnterprise
	streamEntPlan
	streamMST
	streamResidence
	streamResPlan
	streamResPick
	streamRegNo
	streamDeathBirth
)

const (
	wallOffset = 7 * time.Hour // Asia/Ho_Chi_Minh, no daylight saving
	day        = 24 * time.Hour
)

type birthplace struct {
	code string // 3-digit CCCD code
	prov int    // index of the 2025 province
}

type province struct {
	code  string
	wards []string
}

// refs is the reference data the generator draws from.
type refs struct {
	provinces   []province
	provIndex   map[string]int
	birthplaces []birthplace
	prefixes    []string // 10-digit mobile prefixes, "032"
	staleWards  []string // pre-2025 ward codes that are not 2025 codes
	allWards    []string // 2025 ward codes
}

var (
	refsOnce sync.Once
	refsVal  *refs
	refsErr  error
)

func loadRefs() (*refs, error) {
	refsOnce.Do(func() { refsVal, refsErr = readRefs() })
	return refsVal, refsErr
}

func readRefs() (*refs, error) {
	load := func(name string, cols ...string) ([][]string, error) {
		t, err := refdata.Load(name)
		if err != nil {
			return nil, err
		}
		out := make([][]string, len(cols))
		for i, c := range cols {
			if out[i] = t.Values(c); out[i] == nil {
				return nil, fmt.Errorf("demo: %s has no column %s", name, c)
			}
		}
		return out, nil
	}
	r := &refs{provIndex: map[string]int{}}
	p, err := load(refdata.Provinces2025, "province_code")
	if err != nil {
		return nil, err
	}
	for i, c := range p[0] {
		r.provinces = append(r.provinces, province{code: c})
		r.provIndex[c] = i
	}
	w, err := load(refdata.Wards2025, "ward_code", "province_code")
	if err != nil {
		return nil, err
	}
	is2025 := map[string]bool{}
	for i, code := range w[0] {
		pi, ok := r.provIndex[w[1][i]]
		if !ok {
			return nil, fmt.Errorf("demo: ward %s has unknown province %s", code, w[1][i])
		}
		r.provinces[pi].wards = append(r.provinces[pi].wards, code)
		r.allWards = append(r.allWards, code)
		is2025[code] = true
	}
	for _, pv := range r.provinces {
		if len(pv.wards) == 0 {
			return nil, fmt.Errorf("demo: province %s has no wards", pv.code)
		}
	}
	old, err := load(refdata.WardsPre2025, "ward_code")
	if err != nil {
		return nil, err
	}
	for _, c := range old[0] {
		if !is2025[c] {
			r.staleWards = append(r.staleWards, c)
		}
	}
	b, err := load(refdata.CCCDBirthplaces, "cccd_code", "province_code_2025")
	if err != nil {
		return nil, err
	}
	for i, c := range b[0] {
		pi, ok := r.provIndex[b[1][i]]
		if !ok {
			return nil, fmt.Errorf("demo: birthplace %s has unknown province %s", c, b[1][i])
		}
		r.birthplaces = append(r.birthplaces, birthplace{code: c, prov: pi})
	}
	m, err := load(refdata.MobilePrefixes, "prefix_10digit")
	if err != nil {
		return nil, err
	}
	r.prefixes = m[0]
	if len(r.birthplaces) == 0 || len(r.prefixes) == 0 || len(r.staleWards) == 0 {
		return nil, errors.New("demo: reference data is incomplete")
	}
	return r, nil
}

// gen holds everything derived from Options. Person i and row j of every
// registry are pure functions of (seed, i) and (seed, j), so a registry can
// revisit any person without keeping the population in memory.
type gen struct {
	o    Options
	seed uint64
	ref  *refs

	psrc rand.PCG // person stream, reseeded per person
	pr   *rand.Rand
	rsrc rand.PCG // row stream, reseeded per row
	rr   *rand.Rand

	asOfWall int64 // AsOf as wall-clock microseconds
	asOfDay  int32 // wall-clock date of AsOf, days since epoch
	dobMin   int32
	dobMax   int32
	kidMin   int32 // students are born kidMin..kidMax
	kidMax   int32
	adultMax int32 // born on or before this day: 18 or older

	serial  perm // CCCD serials
	bhxhP   perm // BHXH numbers
	pop     *plan
	nTwins  int
	nNFD    int
	phantom int // first person index that is in no registry's population

	mstP perm  // six-digit tax-code sequences
	ent  *plan // enterprise registry plan (needed by insurance employers)
}

func newGen(o Options, ref *refs) *gen {
	g := &gen{o: o, seed: o.Seed, ref: ref}
	g.pr = rand.New(&g.psrc)
	g.rr = rand.New(&g.rsrc)
	wall := o.AsOf.Add(wallOffset)
	g.asOfWall = wall.UnixMicro()
	g.asOfDay = dayOf(wall)
	g.dobMin = dayOf(time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC))
	g.dobMax = dayOf(wall.AddDate(-1, 0, 0))
	g.kidMin = dayOf(wall.AddDate(-19, 0, 0))
	g.kidMax = dayOf(wall.AddDate(-6, 0, 0))
	g.adultMax = dayOf(wall.AddDate(-18, 0, 0))
	g.serial = newPerm(cccdSerialSpace, o.Seed^streamSerial)
	g.bhxhP = newPerm(10_000_000_000, o.Seed^streamBHXH)
	n := o.Rows
	g.pop = newPlan(n, o.Seed^streamPopPlan,
		seg{"cccd_malformed", rate(0.02, n)},
		seg{"full_name_missing", rate(0.01, n)},
		seg{"birth_date_null", rate(0.005, n)},
		seg{"birth_date_out_of_range", rate(0.003, n)},
		seg{"gender_invalid", rate(0.005, n)},
		seg{"name_too_short", rate(0.002, n)},
		seg{"orig_duplicate", rate(0.01, n)},
		seg{"orig_twin", rate(0.005, n)},
		seg{"orig_nfd_twin", rate(0.005, n)},
	)
	g.nTwins = g.pop.count("orig_twin")
	g.nNFD = g.pop.count("orig_nfd_twin")
	g.phantom = n + g.nTwins + g.nNFD
	g.mstP = newPerm(1_000_000, o.Seed^streamMST)
	g.ent = g.entPlan()
	return g
}

// clone returns a copy with random streams of its own, for use on another goroutine.
func (g *gen) clone() *gen {
	c := *g
	c.pr = rand.New(&c.psrc)
	c.rr = rand.New(&c.rsrc)
	return &c
}

// rate is round(r*n), the exact size of a planted defect.
func rate(r float64, n int) int { return int(math.Round(r * float64(n))) }

func dayOf(t time.Time) int32 {
	return int32(math.Floor(float64(t.Unix()) / 86400))
}

func yearOf(d int32) int { return time.Unix(int64(d)*86400, 0).UTC().Year() }

func addYears(d int32, years int) int32 {
	return dayOf(time.Unix(int64(d)*86400, 0).UTC().AddDate(years, 0, 0))
}

// rowRand reseeds and returns the row stream for row j of a registry.
func (g *gen) rowRand(stream uint64, j int) *rand.Rand {
	g.rsrc.Seed(g.seed^stream, mix64(uint64(j)+stream<<32))
	return g.rr
}

// recent returns a wall-clock timestamp (µs) uniform in [AsOf-oldest, AsOf-newest].
func (g *gen) recent(r *rand.Rand, oldest, newest time.Duration) int64 {
	span := int64((oldest - newest) / time.Second)
	return g.asOfWall - newest.Microseconds() - r.Int64N(span+1)*1e6
}

func (g *gen) between(r *rand.Rand, lo, hi int32) int32 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int32N(hi-lo+1)
}

// ageMinutes is the distance in whole minutes from the newest timestamp to AsOf.
func (g *gen) ageMinutes(newest int64) int64 { return (g.asOfWall - newest) / 60e6 }

// tally accumulates planted-defect counts; a nil tally counts nothing.
type tally map[string]int64

func (t tally) add(k string) {
	if t != nil {
		t[k]++
	}
}

// Generate writes every registry file into dir (created if missing), plus
// truth.json, and returns the Truth. Files are written into a temporary
// folder inside dir and renamed into place one by one, truth.json last.
// The same Options always produce byte-identical files.
func Generate(dir string, o Options) (*Truth, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	ref, err := loadRefs()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	g := newGen(o, ref)
	t := &Truth{GeneratorVersion: GeneratorVersion, Rows: o.Rows, Seed: o.Seed, AsOf: o.AsOf,
		Datasets: map[string]*DatasetTruth{}}
	ds := func(stem, file string) *DatasetTruth {
		d := newDataset(file)
		t.Datasets[stem] = d
		return d
	}
	cit, dea := ds("citizens", "citizens.parquet"), ds("deaths", "deaths.parquet")
	ins, land := ds("insurance", "insurance.parquet"), ds("land_parcels", "land_parcels.parquet")
	stu, hea := ds("students", "students.csv"), ds("health_cards", "health_cards.jsonl")
	ent := ds("enterprises", "enterprises.parquet")
	res := ds("residence", "residence.parquet")
	// Every registry is a pure function of the options, so they are written
	// concurrently, each with its own random streams.
	steps := []func(g *gen) error{
		func(g *gen) error { return g.writePopulation(tmp, cit, dea) },
		func(g *gen) error { return g.writeInsurance(tmp, ins) },
		func(g *gen) error { return g.writeLand(tmp, land) },
		func(g *gen) error { return g.writeStudents(tmp, stu) },
		func(g *gen) error { return g.writeHealth(tmp, hea) },
		func(g *gen) error { return g.writeEnterprises(tmp, ent) },
		func(g *gen) error { return g.writeResidence(tmp, res) },
	}
	errs := make([]error, len(steps))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, step := range steps {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = step(g.clone())
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, d := range t.Datasets {
		if err := os.Rename(filepath.Join(tmp, d.File), filepath.Join(dir, d.File)); err != nil {
			return nil, err
		}
	}
	if err := writeTruth(filepath.Join(tmp, TruthFile), t); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(tmp, TruthFile), filepath.Join(dir, TruthFile)); err != nil {
		return nil, err
	}
	return t, nil
}

// table wraps a rowWriter with the bookkeeping every registry needs.
type table struct {
	w      rowWriter
	d      *DatasetTruth
	row    []cell
	newest int64 // newest updated_at, wall µs
	tsCol  int   // index of updated_at, -1 if none
	closed bool
}

func (g *gen) openTable(dir string, d *DatasetTruth, cols []column) (*table, error) {
	w, err := newRowWriter(filepath.Join(dir, d.File), cols)
	if err != nil {
		return nil, err
	}
	tb := &table{w: w, d: d, row: make([]cell, len(cols)), newest: math.MinInt64, tsCol: -1}
	for i, c := range cols {
		if c.name == "updated_at" {
			tb.tsCol = i
		}
	}
	return tb, nil
}

func (tb *table) write() error {
	if tb.tsCol >= 0 && !tb.row[tb.tsCol].null && tb.row[tb.tsCol].i > tb.newest {
		tb.newest = tb.row[tb.tsCol].i
	}
	tb.d.Rows++
	return tb.w.Write(tb.row)
}

// abort closes a table that an error left open; deferred, it is a no-op
// after closeTable.
func (tb *table) abort() {
	if !tb.closed {
		tb.closed = true
		tb.w.Close()
	}
}

func (g *gen) closeTable(tb *table) error {
	tb.closed = true
	if tb.tsCol >= 0 && tb.d.Rows > 0 {
		tb.d.Counts["updated_at_max_age_minutes"] = g.ageMinutes(tb.newest)
	}
	return tb.w.Close()
}
