package demo

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

var testAsOf = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func testOptions(rows int) Options { return Options{Rows: rows, Seed: 7, AsOf: testAsOf} }

// generated caches one 5000-row generation shared by the read-back tests.
func generated(t *testing.T) (string, *Truth) {
	t.Helper()
	dir := t.TempDir()
	tr, err := Generate(dir, testOptions(5000))
	require.NoError(t, err)
	return dir, tr
}

func hashDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range ents {
		require.False(t, e.IsDir(), "leftover folder %s", e.Name())
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		s := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(s[:])
	}
	return out
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	_, err := Generate(a, testOptions(5000))
	require.NoError(t, err)
	_, err = Generate(b, testOptions(5000))
	require.NoError(t, err)
	ha, hb := hashDir(t, a), hashDir(t, b)
	require.Len(t, ha, 9) // eight registries and truth.json
	require.Equal(t, ha, hb)

	c := t.TempDir()
	o := testOptions(5000)
	o.Seed = 8
	_, err = Generate(c, o)
	require.NoError(t, err)
	require.NotEqual(t, ha["citizens.parquet"], hashDir(t, c)["citizens.parquet"])
}

// ---- reading files back ----

type pqTable struct {
	tbl arrow.Table
}

func readParquet(t *testing.T, path string) *pqTable {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, parquet.NewReaderProperties(memory.DefaultAllocator),
		pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	require.NoError(t, err)
	t.Cleanup(tbl.Release)
	return &pqTable{tbl}
}

func (p *pqTable) col(t *testing.T, name string) *arrow.Chunked {
	t.Helper()
	idx := p.tbl.Schema().FieldIndices(name)
	require.Len(t, idx, 1, name)
	return p.tbl.Column(idx[0]).Data()
}

// strs returns a column of strings; a NULL is nil.
func (p *pqTable) strs(t *testing.T, name string) []*string {
	var out []*string
	for _, ch := range p.col(t, name).Chunks() {
		a := ch.(*array.String)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				out = append(out, nil)
			} else {
				s := a.Value(i)
				out = append(out, &s)
			}
		}
	}
	return out
}

// dates returns a date32 column; a NULL is nil.
func (p *pqTable) dates(t *testing.T, name string) []*time.Time {
	var out []*time.Time
	for _, ch := range p.col(t, name).Chunks() {
		a := ch.(*array.Date32)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				out = append(out, nil)
			} else {
				d := a.Value(i).ToTime()
				out = append(out, &d)
			}
		}
	}
	return out
}

func dupStats(keys []*string) (groups, rows, extra int64) {
	n := map[string]int64{}
	for _, k := range keys {
		if k != nil {
			n[*k]++
		}
	}
	for _, c := range n {
		if c > 1 {
			groups++
			rows += c
		}
	}
	return groups, rows, rows - groups
}

var (
	reCCCD = regexp.MustCompile(`^\d{12}$`)
	reBHXH = regexp.MustCompile(`^\d{10}$`)
	reCard = regexp.MustCompile(`^(?:[A-Z]{2}[1-5]\d{2}\d{10}|\d{10})$`)
)

func TestCitizensMatchTruth(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["citizens"]
	p := readParquet(t, filepath.Join(dir, "citizens.parquet"))
	require.EqualValues(t, want.Rows, p.tbl.NumRows())

	// Arrow types as promised.
	sc := p.tbl.Schema()
	typ := func(n string) arrow.DataType { return sc.Field(sc.FieldIndices(n)[0]).Type }
	require.Equal(t, arrow.STRING, typ("cccd").ID())
	require.Equal(t, arrow.DATE32, typ("birth_date").ID())
	ts := typ("updated_at").(*arrow.TimestampType)
	require.Equal(t, arrow.Microsecond, ts.Unit)
	require.Empty(t, ts.TimeZone)

	cccd := p.strs(t, "cccd")
	var malformed int64
	for _, c := range cccd {
		require.NotNil(t, c)
		if !reCCCD.MatchString(*c) {
			malformed++
		}
	}
	require.Equal(t, want.Counts["cccd_malformed"], malformed)
	k, r, x := dupStats(cccd)
	require.Equal(t, want.Counts["cccd_duplicate_keys"], k)
	require.Equal(t, want.Counts["cccd_duplicate_rows"], r)
	require.Equal(t, want.Counts["cccd_extra_rows"], x)
	require.Equal(t, k, want.Counts["exact_duplicates"])

	names := p.strs(t, "full_name")
	var null, blank, placeholder, short, nfd int64
	for _, n := range names {
		switch {
		case n == nil:
			null++
		case strings.TrimSpace(*n) == "":
			blank++
		case *n == "N/A":
			placeholder++
		case utf8.RuneCountInString(*n) == 1:
			short++
		case !norm.NFC.IsNormalString(*n):
			nfd++
		}
	}
	require.Equal(t, want.Counts["full_name_null"], null)
	require.Equal(t, want.Counts["full_name_blank"], blank)
	require.Equal(t, want.Counts["full_name_placeholder"], placeholder)
	require.Equal(t, want.Counts["full_name_missing"], null+blank+placeholder)
	require.Equal(t, want.Counts["name_too_short"], short)
	require.Equal(t, want.Counts["nfd_twins"], nfd)

	dobs := p.dates(t, "birth_date")
	var dobNull, dobOut int64
	lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range dobs {
		switch {
		case d == nil:
			dobNull++
		case d.Before(lo) || d.After(testAsOf):
			dobOut++
		}
	}
	require.Equal(t, want.Counts["birth_date_null"], dobNull)
	require.Equal(t, want.Counts["birth_date_out_of_range"], dobOut)

	var badGender int64
	for _, g := range p.strs(t, "gender") {
		if *g != "M" && *g != "F" {
			badGender++
		}
	}
	require.Equal(t, want.Counts["gender_invalid"], badGender)

	// Uniqueness on [full_name, birth_date, commune_code], NULLs skipped.
	communes := p.strs(t, "commune_code")
	keys := make([]*string, len(names))
	for i := range names {
		if names[i] != nil && dobs[i] != nil {
			s := *names[i] + "\x00" + dobs[i].Format(time.DateOnly) + "\x00" + *communes[i]
			keys[i] = &s
		}
	}
	k, r, x = dupStats(keys)
	require.Equal(t, want.Counts["person_duplicate_keys"], k)
	require.Equal(t, want.Counts["person_duplicate_rows"], r)
	require.Equal(t, want.Counts["person_extra_rows"], x)
	require.GreaterOrEqual(t, k, want.Counts["exact_duplicates"]+want.Counts["person_twins"])

	var active, deceased int64
	for _, s := range p.strs(t, "status") {
		switch *s {
		case "active":
			active++
		case "deceased":
			deceased++
		}
	}
	require.Equal(t, want.Counts["status_active"], active)
	require.Equal(t, want.Counts["status_deceased"], deceased)

	// Valid rows: CCCD structure agrees with birth year and sex.
	genders := p.strs(t, "gender")
	for i, c := range cccd {
		if !reCCCD.MatchString(*c) || dobs[i] == nil || dobs[i].Year() < 1900 || dobs[i].After(testAsOf) {
			continue
		}
		d4 := int((*c)[3] - '0')
		year := 1900 + 100*(d4/2) + int((*c)[4]-'0')*10 + int((*c)[5]-'0')
		require.Equal(t, dobs[i].Year(), year, *c)
		if *genders[i] == "M" || *genders[i] == "F" {
			require.Equal(t, *genders[i] == "M", d4%2 == 0, *c)
		}
	}

	deaths := readParquet(t, filepath.Join(dir, "deaths.parquet"))
	require.EqualValues(t, tr.Datasets["deaths"].Rows, deaths.tbl.NumRows())
	require.Greater(t, tr.Datasets["deaths"].Rows, int64(0))
}

func TestInsuranceMatchesTruth(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["insurance"].Counts
	pop := map[string]bool{}
	for _, c := range readParquet(t, filepath.Join(dir, "citizens.parquet")).strs(t, "cccd") {
		pop[*c] = true
	}
	ents := map[string]bool{}
	for _, m := range readParquet(t, filepath.Join(dir, "enterprises.parquet")).strs(t, "mst") {
		ents[*m] = true
	}
	p := readParquet(t, filepath.Join(dir, "insurance.parquet"))
	require.EqualValues(t, tr.Datasets["insurance"].Rows, p.tbl.NumRows())
	var missing, malformed, notInPop int64
	bhxh := p.strs(t, "bhxh")
	for _, b := range bhxh {
		switch {
		case b == nil:
			missing++
		case !reBHXH.MatchString(*b):
			malformed++
		}
	}
	var noCCCD int64
	for _, c := range p.strs(t, "cccd") {
		switch {
		case c == nil:
			noCCCD++
		case !pop[*c]:
			notInPop++
		}
	}
	require.Equal(t, want["cccd_missing"], noCCCD)
	for _, m := range p.strs(t, "employer_mst") {
		require.True(t, ValidMST(*m), *m)
		require.True(t, ents[*m], *m)
	}
	require.Equal(t, want["bhxh_missing"], missing)
	require.Equal(t, want["bhxh_malformed"], malformed)
	require.Equal(t, want["cccd_not_in_population"], notInPop)
	k, r, x := dupStats(bhxh)
	require.Equal(t, want["bhxh_duplicate_keys"], k)
	require.Equal(t, want["bhxh_duplicate_rows"], r)
	require.Equal(t, want["bhxh_extra_rows"], x)
}

func TestStudentsMatchTruth(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["students"]
	f, err := os.Open(filepath.Join(dir, "students.csv"))
	require.NoError(t, err)
	defer f.Close()
	cr := csv.NewReader(f)
	head, err := cr.Read()
	require.NoError(t, err)
	col := func(n string) int {
		for i, h := range head {
			if h == n {
				return i
			}
		}
		t.Fatalf("no column %s", n)
		return -1
	}
	gi, ci, ni, bi, si := col("grade"), col("cccd"), col("full_name"), col("birth_date"), col("student_id")
	var rows, badGrade, noCCCD, placeholder, badDate int64
	var ids []*string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		rows++
		g, err := strconv.Atoi(rec[gi])
		require.NoError(t, err)
		if g < 1 || g > 12 {
			badGrade++
		}
		if rec[ci] == "" {
			noCCCD++
		}
		if rec[ni] == "N/A" {
			placeholder++
		}
		if _, err := time.Parse(time.DateOnly, rec[bi]); err != nil {
			badDate++
		}
		ids = append(ids, &rec[si])
	}
	require.Equal(t, want.Rows, rows)
	require.Equal(t, want.Counts["grade_out_of_range"], badGrade)
	require.Equal(t, want.Counts["cccd_missing"], noCCCD)
	require.Equal(t, want.Counts["name_placeholder"], placeholder)
	require.Equal(t, want.Counts["birth_date_invalid_text"], badDate)
	k, _, x := dupStats(ids)
	require.Equal(t, want.Counts["student_duplicates"], x)
	require.Equal(t, want.Counts["student_id_duplicate_keys"], k)
}

func TestHealthCardsMatchTruth(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["health_cards"]
	b, err := os.ReadFile(filepath.Join(dir, "health_cards.jsonl"))
	require.NoError(t, err)
	var rows, malformed, noValid, noHospital int64
	var cards []*string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var rec map[string]*string
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		rows++
		if !reCard.MatchString(*rec["card_no"]) {
			malformed++
		}
		if rec["valid_to"] == nil {
			noValid++
		}
		if *rec["hospital_code"] == "N/A" {
			noHospital++
		}
		cards = append(cards, rec["card_no"])
	}
	require.Equal(t, want.Rows, rows)
	require.Equal(t, want.Counts["card_malformed"], malformed)
	require.Equal(t, want.Counts["valid_to_missing"], noValid)
	require.Equal(t, want.Counts["hospital_code_missing"], noHospital)
	k, r, x := dupStats(cards)
	require.Equal(t, want.Counts["card_no_duplicate_keys"], k)
	require.Equal(t, want.Counts["card_no_duplicate_rows"], r)
	require.Equal(t, want.Counts["card_duplicates"], x)
}

func TestValidMST(t *testing.T) {
	for _, s := range []string{"0100233488", "0314409058", "0314409058-002", "0100112437", "0312687878-001"} {
		require.True(t, ValidMST(s), s)
	}
	for _, s := range []string{"0100233480", "0314409058-000", "010023348", "01002334888", "0100233488-02", "A100233488", "0000000000"} {
		require.False(t, ValidMST(s), s)
	}
	for six := 0; six < 2000; six++ {
		m := makeMST("03", six, six%10)
		require.True(t, ValidMST(m), m)
		for d := 0; d < 9; d++ {
			require.False(t, ValidMST(breakMST(m, d)), breakMST(m, d))
		}
	}
}

func TestEnterpriseMST(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["enterprises"]
	p := readParquet(t, filepath.Join(dir, "enterprises.parquet"))
	require.EqualValues(t, want.Rows, p.tbl.NumRows())
	var bad, branches int64
	for _, m := range p.strs(t, "mst") {
		if !ValidMST(*m) {
			bad++
			require.Len(t, *m, 10)
			require.True(t, allDigits(*m))
		} else if len(*m) == 14 {
			branches++
		}
	}
	require.Equal(t, want.Counts["mst_bad_check_digit"], bad)
	require.Equal(t, want.Counts["mst_branches"], branches)
	k, _, x := dupStats(p.strs(t, "mst"))
	require.Equal(t, want.Counts["mst_duplicate_keys"], k)
	require.Equal(t, want.Counts["mst_duplicates"], x)
}

func TestLandMatchesTruth(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["land_parcels"]
	p := readParquet(t, filepath.Join(dir, "land_parcels.parquet"))
	require.EqualValues(t, want.Rows, p.tbl.NumRows())
	var noOwner int64
	for _, o := range p.strs(t, "owner_cccd") {
		if o == nil {
			noOwner++
		}
	}
	require.Equal(t, want.Counts["owner_cccd_missing"], noOwner)
	k, _, x := dupStats(p.strs(t, "parcel_id"))
	require.Equal(t, want.Counts["parcel_id_duplicate_keys"], k)
	require.Equal(t, want.Counts["parcel_duplicates"], x)
	require.GreaterOrEqual(t, want.Counts["updated_at_max_age_minutes"], int64(10*24*60))
}

// The residence registry codes some records otherwise than the
// population registry does, each defect counted in truth.json.
func TestResidenceMatchesTruth(t *testing.T) {
	dir, tr := generated(t)
	want := tr.Datasets["residence"]
	cit := readParquet(t, filepath.Join(dir, "citizens.parquet"))
	type rec struct{ gender, commune string }
	pop := map[string]rec{}
	cc, cg, cm := cit.strs(t, "cccd"), cit.strs(t, "gender"), cit.strs(t, "commune_code")
	for i := range cc {
		pop[*cc[i]] = rec{*cg[i], *cm[i]}
	}
	ref, err := loadRefs()
	require.NoError(t, err)
	is2025 := map[string]bool{}
	for _, w := range ref.allWards {
		is2025[w] = true
	}
	p := readParquet(t, filepath.Join(dir, "residence.parquet"))
	require.EqualValues(t, want.Rows, p.tbl.NumRows())
	got := map[string]int64{}
	rc, rg, rm := p.strs(t, "cccd"), p.strs(t, "gender"), p.strs(t, "commune_code")
	for i := range rc {
		if rc[i] == nil {
			got["cccd_missing"]++
			continue
		}
		o, ok := pop[*rc[i]]
		require.True(t, ok, "every resident is in the population")
		switch g := *rg[i]; {
		case g == "1" || g == "2":
			got["gender_coded_"+g]++
			got["gender_coded_1_2"]++
		default:
			require.Equal(t, o.gender, g)
		}
		switch c := *rm[i]; {
		case !is2025[c]:
			got["commune_stale_code"]++
		case c != o.commune:
			got["commune_differs"]++
		}
	}
	for _, k := range []string{"cccd_missing", "gender_coded_1_2", "gender_coded_1", "gender_coded_2", "commune_differs", "commune_stale_code"} {
		require.Equal(t, want.Counts[k], got[k], k)
		require.Positive(t, got[k], k)
	}
	k, _, x := dupStats(p.strs(t, "registration_no"))
	require.Equal(t, want.Counts["registration_no_duplicate_keys"], k)
	require.Equal(t, want.Counts["registration_duplicates"], x)
}

func TestEnsure(t *testing.T) {
	dir := t.TempDir()
	o := testOptions(500)
	_, gen, err := Ensure(dir, o, 24*time.Hour)
	require.NoError(t, err)
	require.True(t, gen)
	_, gen, err = Ensure(dir, o, 24*time.Hour)
	require.NoError(t, err)
	require.False(t, gen)

	later := o
	later.AsOf = o.AsOf.Add(2 * time.Hour)
	_, gen, err = Ensure(dir, later, 24*time.Hour)
	require.NoError(t, err)
	require.False(t, gen, "within maxAge")
	_, gen, err = Ensure(dir, later, time.Hour)
	require.NoError(t, err)
	require.True(t, gen, "older than maxAge")

	other := later
	other.Seed = 99
	tr, gen, err := Ensure(dir, other, 24*time.Hour)
	require.NoError(t, err)
	require.True(t, gen)
	require.Equal(t, uint64(99), tr.Seed)
	rt, err := ReadTruth(dir)
	require.NoError(t, err)
	require.Equal(t, tr, rt)
}

func TestOptions(t *testing.T) {
	_, err := Generate(t.TempDir(), Options{Rows: 10})
	require.Error(t, err, "AsOf is required")
	_, err = Generate(t.TempDir(), Options{Rows: MaxRows + 1, AsOf: testAsOf})
	require.Error(t, err)
	tr, err := Generate(t.TempDir(), Options{Rows: 3, AsOf: testAsOf})
	require.NoError(t, err)
	require.EqualValues(t, 3, tr.Datasets["citizens"].Rows)
	require.Equal(t, uint64(1), tr.Seed)
}

func TestPermIsBijection(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 1000, 4097} {
		p := newPerm(n, uint64(n))
		seen := make([]bool, n)
		for i := 0; i < n; i++ {
			y := p.enc(i)
			require.False(t, seen[y])
			seen[y] = true
			require.Equal(t, i, p.dec(y))
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(b.TempDir(), Options{Rows: 100_000, Seed: 1, AsOf: testAsOf}); err != nil {
			b.Fatal(err)
		}
	}
}
