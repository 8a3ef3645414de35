//go:build duckdb_arrow

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/validators"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// dqBinary builds the real binary once for the whole test run (linking
// DuckDB takes a while); every end-to-end test runs that one.
func dqBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "dq-e2e-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dq")
		out, err := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// demoConfig rewrites configs/demo.yaml to use dir for data and output.
func demoConfig(t *testing.T, dir string, rows int) string {
	t.Helper()
	raw, err := os.ReadFile("../../configs/demo.yaml")
	require.NoError(t, err)
	s := string(raw)
	s = strings.Replace(s, "output: {dir: ../out/scorecards}", "output: {dir: "+filepath.Join(dir, "out")+"}", 1)
	s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}", "demo: {dir: "+filepath.Join(dir, "data")+", rows: "+strconv.Itoa(rows)+", seed: 7}", 1)
	s = strings.Replace(s, "root: ../testdata/demo", "root: "+filepath.Join(dir, "data"), 1)
	require.NotEqual(t, string(raw), s)
	path := filepath.Join(dir, "demo.yaml")
	require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
	return path
}

type runResult struct {
	code           int
	stdout, stderr string
}

func runDQ(t *testing.T, bin string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return runResult{code, out.String(), errb.String()}
}

func readCards(t *testing.T, dir string) (*scorecard.Index, map[string]*scorecard.Card) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var idx scorecard.Index
	cards := map[string]*scorecard.Card{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, scorecard.Validate(raw), "%s must match scorecard.schema.json", f)
		if filepath.Base(f) == "index.json" {
			require.NoError(t, json.Unmarshal(raw, &idx))
			continue
		}
		var c scorecard.Card
		require.NoError(t, json.Unmarshal(raw, &c))
		cards[c.Ministry.ID] = &c
	}
	return &idx, cards
}

func check(t *testing.T, c *scorecard.Card, dataset, id string) *scorecard.Check {
	t.Helper()
	for _, d := range c.Datasets {
		if d.ID != dataset {
			continue
		}
		for _, ch := range d.Checks {
			if ch.ID == id {
				return ch
			}
		}
	}
	t.Fatalf("no check %s in %s", id, dataset)
	return nil
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	cfg := demoConfig(t, dir, 5000)

	r := runDQ(t, bin, "run", "--config", cfg, "--log-format", "json")
	require.Equal(t, 1, r.code, "planted defects fail checks: exit 1\n%s", r.stderr)
	require.Contains(t, r.stdout, "MINISTRY")
	sc := bufio.NewScanner(strings.NewReader(r.stderr))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "every log line is JSON: %s", sc.Text())
	}

	truth, err := demo.ReadTruth(filepath.Join(dir, "data"))
	require.NoError(t, err)
	idx, cards := readCards(t, filepath.Join(dir, "out", "latest"))
	require.Len(t, cards, 7)
	require.Len(t, idx.Ministries, 7)
	require.Equal(t, scorecard.Fail, idx.Status)

	pop := truth.Datasets["citizens"]
	mps := cards["MPS"]
	rows := pop.Rows
	n := func(name string) int64 {
		v, ok := pop.Counts[name]
		require.True(t, ok, "truth has %s", name)
		return v
	}
	c := check(t, mps, "population.citizens", "cccd_format")
	require.Equal(t, rows, *c.Rows)
	require.Equal(t, rows, *c.Evaluated)
	require.Equal(t, n("cccd_malformed"), *c.Failed)
	// Failing a 99% bar: 0.5 - 10 x (0.99 - pass rate) (docs/methodology.md).
	require.InDelta(t, 100*math.Max(0, 0.5-10*(0.99-(1-float64(n("cccd_malformed"))/float64(rows)))), *c.Score, 0.006)

	c = check(t, mps, "population.citizens", "cccd_unique")
	require.Equal(t, n("cccd_duplicate_rows"), *c.Failed)
	require.EqualValues(t, n("cccd_duplicate_keys"), c.Details["duplicate_keys"])
	require.EqualValues(t, n("cccd_extra_rows"), c.Details["extra_rows"])

	c = check(t, mps, "population.citizens", "person_unique")
	require.Equal(t, n("person_duplicate_rows"), *c.Failed)
	require.EqualValues(t, n("person_duplicate_keys"), c.Details["duplicate_keys"])

	c = check(t, mps, "population.citizens", "cccd_present")
	require.Equal(t, n("full_name_missing")+n("birth_date_null"), *c.Failed)

	c = check(t, mps, "population.citizens", "gender_known")
	require.Equal(t, n("gender_invalid"), *c.Failed)

	c = check(t, mps, "population.citizens", "birth_range")
	require.Equal(t, rows-n("birth_date_null"), *c.Evaluated, "a null birth date is not evaluated for range")
	require.Equal(t, n("birth_date_out_of_range"), *c.Failed)

	c = check(t, mps, "population.citizens", "name_length")
	require.Equal(t, rows-n("full_name_missing"), *c.Evaluated)
	require.Equal(t, n("name_too_short"), *c.Failed)
	require.Equal(t, scorecard.Warn, c.Status, "above mostly 0.99, below warn 0.999")

	c = check(t, mps, "population.citizens", "updated")
	require.Equal(t, scorecard.Pass, c.Status)

	// The land registry is stale by construction: alive earns
	// 0.5 x (2 - age / 168 h), the freshness check's score.
	land := cards["MAE"]
	fresh := check(t, land, "land.parcels", "updated")
	require.Equal(t, scorecard.Fail, fresh.Status)
	require.InDelta(t, 100*0.5*(2-*fresh.Value/168), land.Dimensions["alive"], 0.006)
	require.Less(t, land.Dimensions["alive"], 50.0)

	students := truth.Datasets["students"]
	c = check(t, cards["MOET"], "education.students", "grade_range")
	require.Equal(t, students.Counts["grade_out_of_range"], *c.Failed)

	// Cross-registry defects planted in the insurance registry.
	ins := truth.Datasets["insurance"].Counts
	vss := cards["VSS"]
	c = check(t, vss, "insurance.participants", "in_population")
	require.Equal(t, ins["cccd_not_in_population"], *c.Failed)
	c = check(t, vss, "insurance.participants", "agrees_with_population")
	cols := c.Details["columns"].(map[string]any)
	require.EqualValues(t, ins["name_mismatch"], cols["full_name"].(map[string]any)["failed"])
	require.EqualValues(t, ins["birth_date_mismatch"], cols["birth_date"].(map[string]any)["failed"])
	require.EqualValues(t, 0, cols["gender"].(map[string]any)["failed"])
	require.Equal(t, ins["name_mismatch"]+ins["birth_date_mismatch"], *c.Failed)
	c = check(t, vss, "insurance.participants", "deceased_still_active")
	require.Equal(t, ins["deceased_active"], *c.Failed)
	require.Equal(t, "alive", c.Dimension)
	c = check(t, land, "land.parcels", "commune_known")
	require.Equal(t, truth.Datasets["land_parcels"].Counts["commune_stale_code"], *c.Failed)

	// Vietnamese validators and normalized duplicates.
	c = check(t, mps, "population.citizens", "cccd_valid")
	require.EqualValues(t, n("cccd_malformed"), c.Details["invalid_format"])
	require.EqualValues(t, n("birth_date_out_of_range"), c.Details["contradicts_birth_year"], "the planted dates no longer match the ID's birth year")
	require.Equal(t, n("cccd_malformed")+n("birth_date_out_of_range"), *c.Failed)
	c = check(t, mps, "population.citizens", "person_unique_normalized")
	require.EqualValues(t, n("person_duplicate_keys")+n("nfd_twins"), c.Details["duplicate_keys"], "NFD twins count once normalized")
	c = check(t, land, "land.parcels", "commune_2025")
	require.EqualValues(t, truth.Datasets["land_parcels"].Counts["commune_stale_code"], c.Details["stale_pre2025"])
	c = check(t, cards["MOF"], "enterprise.registry", "mst_valid")
	require.Equal(t, truth.Datasets["enterprises"].Counts["mst_bad_check_digit"], *c.Failed)

	// Thống nhất (unified): agreement with the master registries, codes
	// from the shared lists (a stale one named with its successor), one
	// coding within a ministry.
	res := truth.Datasets["residence"].Counts
	for _, id := range []string{"in_population", "agrees_with_population", "population_covered", "employer_registered"} {
		require.Equal(t, "unified", check(t, vss, "insurance.participants", id).Dimension, id)
	}
	require.Equal(t, "unified", check(t, cards["MOJ"], "civil_status.deaths", "known_person").Dimension)
	require.EqualValues(t, 3, check(t, vss, "insurance.participants", "agrees_with_population").Details["recollected"], "three attributes held again")
	c = check(t, cards["MOET"], "education.students", "agrees_with_population")
	require.EqualValues(t, 3, c.Details["recollected"])
	require.Equal(t, students.Counts["birth_date_invalid_text"], *c.Failed, "a birth date that is no date disagrees with the master")
	require.Equal(t, int64(0), *check(t, cards["MOH"], "health.cards", "agrees_with_population").Failed)
	requireStale := func(c *scorecard.Check, n int64) {
		t.Helper()
		require.Equal(t, "unified", c.Dimension)
		require.Equal(t, n, *c.Failed)
		require.EqualValues(t, n, c.Details["stale"], "every unknown code is a retired one")
		succ := c.Details["successors"].([]any)
		require.Len(t, succ, int(min(n, 10)))
		for _, s := range succ {
			old, next, ok := strings.Cut(s.(string), " → ")
			require.True(t, ok, s)
			var want []string
			for _, m := range validators.Successors(old) {
				want = append(want, m.NewCode)
			}
			require.ElementsMatch(t, want, strings.Split(next, ", "), "the reform's successors of %s", old)
		}
	}
	requireStale(check(t, land, "land.parcels", "commune_known"), truth.Datasets["land_parcels"].Counts["commune_stale_code"])
	requireStale(check(t, mps, "population.residence", "commune_shared_list"), res["commune_stale_code"])
	require.Equal(t, int64(0), *check(t, mps, "population.citizens", "commune_shared_list").Failed)
	c = check(t, mps, "population.residence", "commune_as_population")
	require.Equal(t, truth.Datasets["residence"].Rows-res["cccd_missing"], *c.Evaluated)
	require.Equal(t, res["commune_differs"]+res["commune_stale_code"], *c.Failed)
	c = check(t, mps, "population.residence", "gender_coded_as_population")
	require.Equal(t, res["gender_coded_1_2"], *c.Failed)
	with := c.Details["with"].(map[string]any)["population.citizens"].(map[string]any)
	require.EqualValues(t, 2, with["codes_only_here"], "1 and 2")
	require.EqualValues(t, min(3, n("gender_invalid")), with["codes_only_there"], "X, Nam and u")

	// Dùng chung (shared): keyed by the national identifiers, answering
	// as declared, the same columns from run to run.
	for _, k := range []struct {
		card        *scorecard.Card
		dataset, id string
		want        int64
	}{
		{mps, "population.citizens", "national_key", n("cccd_malformed")},
		{mps, "population.residence", "national_key", res["cccd_missing"]},
		{vss, "insurance.participants", "national_key", ins["cccd_missing"]},
		{land, "land.parcels", "owner_key", truth.Datasets["land_parcels"].Counts["owner_cccd_missing"]},
		{land, "land.parcels", "place_key", truth.Datasets["land_parcels"].Counts["commune_stale_code"]},
		{cards["MOET"], "education.students", "national_key", students.Counts["cccd_missing"]},
		{cards["MOF"], "enterprise.registry", "national_key", truth.Datasets["enterprises"].Counts["mst_bad_check_digit"]},
		{cards["MOJ"], "civil_status.deaths", "national_key", 0},
	} {
		c = check(t, k.card, k.dataset, k.id)
		require.Equal(t, "shared", c.Dimension, k.dataset)
		require.Equal(t, *c.Rows, *c.Evaluated, "%s: every record is judged", k.dataset)
		require.Equal(t, k.want, *c.Failed, "%s/%s", k.dataset, k.id)
	}
	c = check(t, mps, "population.citizens", "service")
	require.Equal(t, scorecard.Pass, c.Status, c.Message)
	require.Less(t, *c.Value, 60.0, "load seconds")
	require.Equal(t, false, check(t, cards["MOET"], "education.students", "columns_stable").Details["judged"], "nothing to compare with yet")

	// The check language (issue 12): a share of the fused scan, a user
	// SQL metric, row counts between registries, a code list fully used,
	// and the dates of a death record against each other.
	c = check(t, mps, "population.citizens", "name_missing_share")
	require.InDelta(t, float64(n("full_name_missing"))/float64(rows), *c.Value, 1e-12)
	insRows := float64(truth.Datasets["insurance"].Rows)
	c = check(t, vss, "insurance.participants", "negative_wage_share")
	require.InDelta(t, float64(ins["wage_out_of_range"])/insRows, *c.Value, 1e-12)
	require.Equal(t, scorecard.Fail, c.Status, "above 0.1%")
	c = check(t, vss, "insurance.participants", "insured_within_living")
	require.InDelta(t, float64(ins["status_active"])/float64(n("status_active")), *c.Value, 1e-12)
	require.Equal(t, scorecard.Pass, c.Status)
	c = check(t, land, "land.parcels", "land_use_codes_used")
	require.Equal(t, int64(7), *c.Evaluated)
	require.Equal(t, 7-truth.Datasets["land_parcels"].Counts["land_use_codes_used"], *c.Failed)
	require.Equal(t, []any{"NTS"}, c.Details["missing_values"])
	deaths := truth.Datasets["deaths"]
	c = check(t, cards["MOJ"], "civil_status.deaths", "death_after_birth_date")
	require.Equal(t, deaths.Rows, *c.Evaluated)
	require.Equal(t, deaths.Counts["death_before_birth"], *c.Failed)
	c = check(t, cards["MOJ"], "civil_status.deaths", "birth_before_registration")
	require.Equal(t, deaths.Rows, *c.Evaluated)
	require.Equal(t, deaths.Counts["birth_after_registration"], *c.Failed)
	c = check(t, cards["MOJ"], "civil_status.deaths", "deaths_match_population")
	require.InDelta(t, float64(deaths.Rows)/float64(n("status_deceased")), *c.Value, 1e-12)

	// Six ministries are measured on all six criteria; justice has no
	// check of "alive", which is not measured rather than scored.
	for id, card := range cards {
		want := []string{"alive", "clean", "correct", "shared", "sufficient", "unified"}
		if id == "MOJ" {
			want = []string{"clean", "correct", "shared", "sufficient", "unified"}
		}
		require.ElementsMatch(t, want, slices.Collect(maps.Keys(card.Dimensions)), id)
	}

	// Scores roll up as README says: the dataset score is the mean of its
	// dimension scores (equal weights), the ministry's of its datasets.
	for _, card := range cards {
		for _, d := range card.Datasets {
			var sum float64
			for _, s := range d.Dimensions {
				sum += s
			}
			require.InDelta(t, sum/float64(len(d.Dimensions)), *d.Score, 0.011, d.ID)
		}
	}

	// No identifier leaves in clear: no 12-digit CCCD in any output.
	// Twelve digits standing alone; the decimals of a rate (0.336018514015)
	// and digits inside a hex digest are not an identifier, nor is the
	// config's digest itself (the page shows its first 12 hex digits,
	// which are all decimal digits now and then), nor twelve nines: the
	// shape of a malformed value (mask.Explain writes every digit as 9).
	cccd := regexp.MustCompile(`(^|[^0-9A-Za-z.])(\d{12})([^0-9A-Za-z]|$)`)
	leak := func(b []byte) []byte {
		for _, m := range cccd.FindAllSubmatch(b, -1) {
			if string(m[2]) != "999999999999" {
				return m[2]
			}
		}
		return nil
	}
	latestIdx, _ := readCards(t, filepath.Join(dir, "out", "latest"))
	digest := []byte(latestIdx.Run.ConfigSHA256)
	require.Len(t, digest, 64)
	err = filepath.Walk(filepath.Join(dir, "out"), func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		raw = bytes.ReplaceAll(bytes.ReplaceAll(raw, digest, nil), digest[:12], nil)
		require.Nil(t, leak(raw), "%s leaks an identifier", p)
		return nil
	})
	require.NoError(t, err)
	require.NotRegexp(t, cccd, r.stdout+r.stderr, "logs and summary name no identifier")

	// A second run keeps the first complete and shows the trend. Between
	// the two, the school registry renames a column its consumers read.
	first, err := os.Readlink(filepath.Join(dir, "out", "latest"))
	require.NoError(t, err)
	studentsCSV := filepath.Join(dir, "data", "students.csv")
	raw, err := os.ReadFile(studentsCSV)
	require.NoError(t, err)
	header, rest, _ := bytes.Cut(raw, []byte("\n"))
	require.Contains(t, string(header), ",school_code,")
	renamed := append(bytes.Replace(header, []byte(",school_code,"), []byte(",school_id,"), 1), '\n')
	require.NoError(t, os.WriteFile(studentsCSV, append(renamed, rest...), 0o644))
	time.Sleep(1100 * time.Millisecond)
	r = runDQ(t, bin, "run", "--config", cfg, "--fail-on", "never")
	require.Equal(t, 0, r.code, r.stderr)
	second, err := os.Readlink(filepath.Join(dir, "out", "latest"))
	require.NoError(t, err)
	require.NotEqual(t, first, second)
	_, cards2 := readCards(t, filepath.Join(dir, "out", "latest"))
	require.NotNil(t, cards2["MPS"].Trend)
	require.Equal(t, *mps.Score, *cards2["MPS"].Trend.PreviousScore)
	_, err = os.Stat(filepath.Join(dir, "out", first))
	require.NoError(t, err, "earlier runs are kept")
	require.Len(t, cards2["MPS"].Trend.Series, 2, "the trend comes from the run history")
	c = check(t, cards2["MOET"], "education.students", "columns_stable")
	require.Equal(t, scorecard.Fail, c.Status)
	require.Equal(t, []any{"school_code → school_id"}, c.Details["renamed"])
	require.Equal(t, 1.0, *c.Value)
	c = check(t, cards2["MPS"], "population.citizens", "columns_stable")
	require.Equal(t, scorecard.Pass, c.Status)
	require.Equal(t, true, c.Details["judged"], "compared with the first run's columns")

	// dq history lists both runs and a check's series.
	r = runDQ(t, bin, "history", "--config", cfg)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, 3, len(strings.Split(strings.TrimSpace(r.stdout), "\n")), r.stdout)
	r = runDQ(t, bin, "history", "--config", cfg, "--dataset", "population.citizens", "--check", "cccd_format", "--field", "failed")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, 2, strings.Count(r.stdout, fmt.Sprintf(" %d\n", pop.Counts["cccd_malformed"])), r.stdout)
}

func TestExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	cfg := demoConfig(t, dir, 2000)

	r := runDQ(t, bin, "validate", "--config", cfg)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "ok (7 ministries, 1 sources, 8 datasets")

	r = runDQ(t, bin, "validate", "--config", "../../pipeline/testdata/bad/unknown_param.bad.yaml")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `unknown_param.bad.yaml:10: dataset a: check x.patern: unknown key "patern"`)

	r = runDQ(t, bin, "run", "--config", filepath.Join(dir, "missing.yaml"))
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "missing.yaml: cannot read config")

	r = runDQ(t, bin, "run", "--config", cfg, "--fail-on", "sometimes")
	require.Equal(t, 2, r.code)

	r = runDQ(t, bin, "run", "--config", cfg, "--color", "sometimes")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `dq: --color must be auto, always or never, got "sometimes"`)

	r = runDQ(t, bin, "validate", "--config", cfg, "--log-level", "verbose")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `dq: --log-level must be debug, info, warn or error, got "verbose"`)

	// A format: the file connector does not read and an unknown source
	// mode: are caught by dq validate, with file, line and field.
	bad := filepath.Join(dir, "format.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(`ministries: [{id: M, name: M}]
sources:
  files: {kind: file, root: data, mode: stream}
datasets:
  - id: a
    ministry: M
    source: files
    path: a.xlsx
    format: xlsx
    checks: [{id: x, kind: not_null, column: c}]
`), 0o644))
	r = runDQ(t, bin, "validate", "--config", bad)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, bad+`:3: sources.files.mode: unknown mode "stream" (direct, arrow)`)
	require.Contains(t, r.stderr, bad+`:5: dataset a.format: unknown format "xlsx" (csv, parquet, json, jsonl, ndjson)`)

	r = runDQ(t, bin, "run", "--config", cfg, "--explain")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "-- dataset population.citizens")
	require.Contains(t, r.stdout, "GROUP BY")
	require.Equal(t, 8, strings.Count(r.stdout, "distinct aggregate metrics in one scan"))

	// One dataset whose file is missing: it is error, the others are
	// scored, the exit code is 3 and the scorecards are complete.
	raw, err := os.ReadFile(cfg)
	require.NoError(t, err)
	broken := strings.Replace(string(raw), "path: land_parcels.parquet", "path: no_such_file.parquet", 1)
	bcfg := filepath.Join(dir, "broken.yaml")
	require.NoError(t, os.WriteFile(bcfg, []byte(broken), 0o644))
	r = runDQ(t, bin, "run", "--config", bcfg, "--explain")
	require.Equal(t, 3, r.code, "explain cannot plan one dataset: %s", r.stderr)
	require.Equal(t, 7, strings.Count(r.stdout, "distinct aggregate metrics in one scan"), "the others are explained")
	require.Contains(t, r.stdout, "-- cannot plan:")
	require.Contains(t, r.stderr, "1 of 8 datasets could not be planned")
	r = runDQ(t, bin, "run", "--config", bcfg)
	require.Equal(t, 3, r.code, r.stderr)
	_, cards := readCards(t, filepath.Join(dir, "out", "latest"))
	require.Equal(t, scorecard.Error, cards["MAE"].Status)
	land := cards["MAE"].Datasets[0]
	require.Equal(t, scorecard.Error, land.Status)
	require.Contains(t, land.Error, "no_such_file.parquet")
	require.Len(t, land.Checks, 12, "every check still appears")
	require.NotNil(t, cards["MPS"].Score)
}

// A database that refuses the password: that dataset is error, the others
// are scored, exit 3, and the password appears in no output at all.
func TestSecretsNeverLeakIntegration(t *testing.T) {
	if testing.Short() || os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("needs the binary and the local databases")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	const secret = "Sup3rS3cretPW"
	cfg := filepath.Join(dir, "dq.yaml")
	csv := filepath.Join(dir, "people.csv")
	require.NoError(t, os.WriteFile(csv, []byte("id,name\n1,An\n2,Bình\n"), 0o644))
	require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
ministries: [{id: M, name: M}]
sources:
  files: {kind: file, root: `+dir+`}
  pg: {kind: postgres, dsn: "${DQ_TEST_PG_DSN}"}
  my: {kind: mysql, dsn: "${DQ_TEST_MY_DSN}"}
datasets:
  - {id: people, ministry: M, source: files, path: people.csv, checks: [{id: n, kind: not_null, column: name}]}
  - {id: pg_people, ministry: M, source: pg, table: people, checks: [{id: n, kind: not_null, column: name}]}
  - {id: my_people, ministry: M, source: my, table: people, checks: [{id: n, kind: not_null, column: name}]}
`), 0o644))
	cmd := exec.Command(bin, "run", "--config", cfg, "--log-format", "json", "--log-level", "debug")
	cmd.Env = append(os.Environ(),
		"DQ_TEST_PG_DSN=postgres://nobody:"+secret+"@127.0.0.1:5432/test?connect_timeout=3",
		"DQ_TEST_MY_DSN=mysql://nobody:"+secret+"@127.0.0.1:3306/test")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 3, ee.ExitCode(), errb.String())

	_, cards := readCards(t, filepath.Join(dir, "out", "latest"))
	ds := map[string]*scorecard.Dataset{}
	for _, d := range cards["M"].Datasets {
		ds[d.ID] = d
	}
	require.Equal(t, scorecard.Pass, ds["people"].Status)
	require.Equal(t, scorecard.Error, ds["pg_people"].Status)
	require.Equal(t, scorecard.Error, ds["my_people"].Status)
	require.Contains(t, ds["pg_people"].Error, "nobody@127.0.0.1:5432/test")

	all := out.String() + errb.String()
	err = filepath.Walk(filepath.Join(dir, "out"), func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		raw, err := os.ReadFile(p)
		all += string(raw)
		return err
	})
	require.NoError(t, err)
	require.NotContains(t, all, secret)
}
