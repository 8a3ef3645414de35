//go:build duckdb_arrow

package scaling_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/scaling"
)

// TestScaling runs the real dq binary on growing file datasets from the
// demo generator and records wall time, CPU time and peak RSS in
// docs/scaling.csv, then redraws docs/scaling-*.svg from it. It is a
// benchmark, so it runs only when asked:
//
//	DQ_SCALING=all go test -tags duckdb_arrow -run TestScaling -timeout 3h -v ./scaling/
//
// DQ_SCALING names the series (rows, datasets, sample, shard, or all;
// prepare writes the files the series read and measures nothing);
// DQ_SCALING_ROUNDS (default 2) how many times each point runs, points of
// a series taking turns (1M, 3M, 10M, 30M, 1M, ...) so that other work on a
// shared machine falls on all of them; DQ_SCALING_ROWS (default
// 1M,3M,10M,30M), DQ_SCALING_DATASETS (default 1,5,10,25,50),
// DQ_SCALING_TOTAL (default 3M: the rows the datasets series splits) and
// DQ_SCALING_SAMPLE (default 100M) change the sizes; DQ_BIN uses a dq binary
// built elsewhere. Generated files are cached under the user cache
// directory (dq-bench/), as planner/bench_test.go's are.
func TestScaling(t *testing.T) {
	want := os.Getenv("DQ_SCALING")
	if want == "" {
		t.Skip("a benchmark: DQ_SCALING=all (or rows,datasets,sample,shard) runs it")
	}
	series := map[string]bool{}
	for _, s := range strings.Split(want, ",") {
		series[strings.TrimSpace(s)] = true
	}
	all := series["all"]
	h := newHarness(t)
	if series["prepare"] {
		// Only the files, so that a later run measures without writing them.
		for _, n := range sizes(t, "DQ_SCALING_ROWS", "1M,3M,10M,30M") {
			h.population(n)
		}
		for _, k := range sizes(t, "DQ_SCALING_DATASETS", "1,5,10,25,50") {
			if k > 1 {
				h.split(h.population(sizes(t, "DQ_SCALING_TOTAL", "3M")[0]), k)
			}
		}
		h.population(sizes(t, "DQ_SCALING_SAMPLE", "100M")[0])
		return
	}
	var fresh []scaling.Measurement
	if all || series["rows"] {
		fresh = append(fresh, h.rowsSeries()...)
	}
	if all || series["datasets"] {
		fresh = append(fresh, h.datasetsSeries()...)
	}
	if all || series["shard"] {
		fresh = append(fresh, h.shardSeries()...)
	}
	if all || series["sample"] {
		fresh = append(fresh, h.sampleSeries()...)
	}
	require.NotEmpty(t, fresh, "DQ_SCALING=%q names no series (rows, datasets, sample, shard, all)", want)

	// Keep the series not run this time; then redraw every chart.
	var old []scaling.Measurement
	if f, err := os.Open(csvPath); err == nil {
		old, err = scaling.ReadCSV(f)
		f.Close()
		require.NoError(t, err, csvPath)
	}
	ms := scaling.Replace(old, fresh)
	var buf bytes.Buffer
	require.NoError(t, scaling.WriteCSV(&buf, ms))
	require.NoError(t, os.WriteFile(csvPath, buf.Bytes(), 0o644))
	// The charts are drawn from the file as written (its rounding), as
	// TestChartsMatchMeasurements draws them.
	ms, err := scaling.ReadCSV(&buf)
	require.NoError(t, err)
	writeCharts(t, ms)
	for _, name := range []string{"rows", "datasets", "shard", "sample"} {
		for _, s := range scaling.Summarize(ms, name) {
			t.Logf("%-8s %-14s datasets=%-3d rows=%-10d runs=%d wall=%.2fs cpu=%.2fs peak=%.0fMB  %.3f s wall / 1M rows",
				name, s.Point, s.Datasets, s.Rows, s.Runs, s.WallS, s.CPUS, s.PeakMB, s.WallS/float64(s.Rows)*1e6)
		}
	}
}

const csvPath = "../docs/scaling.csv"

type harness struct {
	t      *testing.T
	ctx    context.Context
	bin    string
	cache  string
	rounds int
	conn   *engine.Conn // DuckDB, for writing the derived Parquet files
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, ctx: context.Background(), rounds: 2}
	if s := os.Getenv("DQ_SCALING_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "DQ_SCALING_ROUNDS")
		h.rounds = n
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	h.cache = filepath.Join(base, "dq-bench")
	h.bin = os.Getenv("DQ_BIN")
	if h.bin == "" {
		h.bin = filepath.Join(t.TempDir(), "dq")
		build := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", h.bin, "./cmd/dq")
		build.Dir = ".."
		out, err := build.CombinedOutput()
		require.NoError(t, err, "go build: %s", out)
	}
	// Bounded, and streaming: writing a file does not keep its rows in
	// order in memory (the 100M file took 11 GB with the default settings),
	// on a machine other work shares.
	h.conn = enginetest.Conn(t, engine.Options{MemoryLimit: "3GB"})
	require.NoError(t, h.conn.Exec(h.ctx, "SET preserve_insertion_order = false"))
	return h
}

// sizes reads a list such as "1M,3M,10M" or "20000,60000".
func sizes(t *testing.T, env, def string) []int {
	s := os.Getenv(env)
	if s == "" {
		s = def
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		mult := 1
		if n, ok := strings.CutSuffix(f, "M"); ok {
			f, mult = n, 1_000_000
		} else if n, ok := strings.CutSuffix(f, "k"); ok {
			f, mult = n, 1_000
		}
		n, err := strconv.Atoi(f)
		require.NoError(t, err, "%s: %q is not a size such as 3M, 60k or 20000", env, s)
		out = append(out, n*mult)
	}
	return out
}

func label(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n%1_000 == 0:
		return strconv.Itoa(n/1_000) + "k"
	}
	return strconv.Itoa(n)
}

// population is the demo population registry of n people (n plus 2% of
// planted copies rows), generated once into the cache. Above the
// generator's limit (demo.MaxRows) it is the 10M registry written k times
// (replicated).
func (h *harness) population(n int) string {
	if n > demo.MaxRows {
		const base = 10_000_000
		require.Zero(h.t, n%base, "a population above %d must be a multiple of %d", demo.MaxRows, base)
		return h.replicated(h.population(base), n/base)
	}
	dir := filepath.Join(h.cache, fmt.Sprintf("demo-%d", n))
	_, _, err := demo.Ensure(dir, demo.Options{Rows: n, Seed: 1, AsOf: time.Now().UTC().Truncate(24 * time.Hour)}, 30*24*time.Hour)
	require.NoError(h.t, err)
	return filepath.Join(dir, "citizens.parquet")
}

// replicated writes src k times into one file, each copy of other people:
// copy c > 0 has c for the first digit of the CCCD (0 in every valid one,
// whose first three digits are a birthplace code 001..096) and a birth
// date c days earlier, so the copies duplicate neither the keys nor the
// [name, birth date, commune] of one another, and each copy keeps the
// planted defects of the original at their rates.
func (h *harness) replicated(src string, k int) string {
	dst := filepath.Join(h.cache, "scaling", fmt.Sprintf("%s-x%d.parquet", filepath.Base(filepath.Dir(src)), k))
	if _, err := os.Stat(dst); err == nil {
		return dst
	}
	d := dialect.DuckDB{}
	var parts []string
	for c := range k {
		if c == 0 {
			parts = append(parts, "SELECT * FROM read_parquet("+d.String(src)+")")
			continue
		}
		parts = append(parts, fmt.Sprintf("SELECT * REPLACE (CASE WHEN cccd IS NULL OR cccd = '' THEN cccd ELSE '%d' || substr(cccd, 2) END AS cccd, birth_date - %d AS birth_date) FROM read_parquet(%s)",
			c, c, d.String(src)))
	}
	h.copyTo(strings.Join(parts, " UNION ALL "), dst)
	return dst
}

// split writes src as k files of about the same size, every k-th row in
// each, so each part keeps the registry's defects at their rates.
func (h *harness) split(src string, k int) []string {
	dir := filepath.Join(h.cache, "scaling", fmt.Sprintf("%s-split%d", filepath.Base(filepath.Dir(src)), k))
	d := dialect.DuckDB{}
	var out []string
	for i := range k {
		dst := filepath.Join(dir, fmt.Sprintf("part-%02d.parquet", i+1))
		out = append(out, dst)
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		h.copyTo(fmt.Sprintf("SELECT * EXCLUDE (file_row_number) FROM read_parquet(%s, file_row_number = true) WHERE file_row_number %% %d = %d ORDER BY file_row_number",
			d.String(src), k, i), dst)
	}
	return out
}

// copyTo writes a query's rows to a Parquet file, through a temporary name
// so that a cut run leaves no file a later run would take as complete.
func (h *harness) copyTo(query, dst string) {
	require.NoError(h.t, os.MkdirAll(filepath.Dir(dst), 0o755))
	tmp := dst + ".tmp"
	d := dialect.DuckDB{}
	require.NoError(h.t, h.conn.Exec(h.ctx, "COPY ("+query+") TO "+d.String(tmp)+" (FORMAT parquet)"))
	require.NoError(h.t, os.Rename(tmp, dst))
}

func (h *harness) rowCount(files ...string) int64 {
	var n int64
	d := dialect.DuckDB{}
	for _, f := range files {
		row, err := h.conn.QueryRow(h.ctx, "SELECT count(*) FROM read_parquet("+d.String(f)+")")
		require.NoError(h.t, err)
		n += row[0].(int64)
	}
	return n
}

// checks are the same 20 checks on every dataset of every run: the mix of
// planner/bench_test.go (completeness, two uniqueness GROUP BYs, formats,
// domains, ranges, lengths, volume, freshness, schema).
const checks = `
      - {id: c01, kind: not_null, column: cccd}
      - {id: c02, kind: not_null, column: full_name}
      - {id: c03, kind: not_null, column: birth_date}
      - {id: c04, kind: not_null, columns: [phone, commune_code]}
      - {id: c05, kind: unique, column: cccd}
      - {id: c06, kind: unique, columns: [full_name, birth_date, commune_code]}
      - {id: c07, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
      - {id: c08, kind: regex, column: phone, pattern: '^0[35789][0-9]{8}$'}
      - {id: c09, kind: regex, column: commune_code, pattern: '^[0-9]{5}$'}
      - {id: c10, kind: regex, column: province_code, pattern: '^[0-9]{2}$'}
      - {id: c11, kind: in_set, column: gender, values: [M, F]}
      - {id: c12, kind: in_set, column: status, values: [active, deceased, moved]}
      - {id: c13, kind: between, column: birth_date, min: 1900-01-01, max: today}
      - {id: c14, kind: between, column: updated_at, min: -5y, max: now}
      - {id: c15, kind: length, column: full_name, min: 2, max: 100}
      - {id: c16, kind: length, column: cccd, min: 12, max: 12}
      - {id: c17, kind: regex, column: full_name, pattern: '^[^0-9]+$'}
      - {id: c18, kind: row_count, min: 1000}
      - {id: c19, kind: freshness, column: updated_at, max_age: 48h}
      - {id: c20, kind: schema, require: {cccd: VARCHAR, birth_date: DATE}}
`

// config writes a config of one dataset per file, each with the checks
// (and sample, when given), and returns its folder. Engine settings are
// dq's defaults: what a user who writes none gets.
func (h *harness) config(files []string, sample string) string {
	dir := h.t.TempDir()
	var b strings.Builder
	b.WriteString("output: {dir: out}\nministries: [{id: MPS, name: MPS}]\nsources: {files: {kind: file}}\ndatasets:\n")
	for i, f := range files {
		fmt.Fprintf(&b, "  - id: citizens_%02d\n    ministry: MPS\n    source: files\n    path: %s\n    key: cccd\n", i+1, f)
		if sample != "" {
			fmt.Fprintf(&b, "    sample: %s\n", sample)
		}
		b.WriteString("    checks:" + checks)
	}
	require.NoError(h.t, os.WriteFile(filepath.Join(dir, "dq.yaml"), []byte(b.String()), 0o644))
	return dir
}

// run runs dq in dir and measures it; exit 0 or 1 (a planted defect
// failed a check) are the outcomes of a run that completed.
func (h *harness) run(dir string, m scaling.Measurement, args ...string) scaling.Measurement {
	m.Load1 = scaling.Load1()
	u := h.measure(dir, args...)
	require.Contains(h.t, []int{0, 1}, u.Exit, "dq %s: exit %d\n%s%s", strings.Join(args, " "), u.Exit, u.Stdout, u.Stderr)
	m.WallS, m.CPUS, m.PeakMB = u.Wall.Seconds(), u.CPU.Seconds(), u.PeakMB
	h.t.Logf("%s %s round %d: wall %.2fs cpu %.2fs peak %.0fMB (load %.2f)", m.Series, m.Point, m.Round, m.WallS, m.CPUS, m.PeakMB, m.Load1)
	return m
}

// measure runs dq through a fresh copy of this test binary
// (TestMeasureChild), not from this process: Linux gives a child the
// peak RSS of the memory it was started from (a vfork shares the parent's,
// and exec keeps its high-water mark in ru_maxrss), and this process holds
// DuckDB's buffers of the files it wrote. The copy is small when it starts
// dq, so dq's peak is dq's own.
func (h *harness) measure(dir string, args ...string) scaling.Usage {
	out := filepath.Join(h.t.TempDir(), "usage.json")
	req, err := json.Marshal(childRequest{Dir: dir, Bin: h.bin, Args: args, Out: out})
	require.NoError(h.t, err)
	cmd := exec.CommandContext(h.ctx, os.Args[0], "-test.run", "^TestMeasureChild$")
	cmd.Env = append(os.Environ(), "DQ_SCALING_CHILD="+string(req))
	b, err := cmd.CombinedOutput()
	require.NoError(h.t, err, "%s", b)
	b, err = os.ReadFile(out)
	require.NoError(h.t, err)
	var u scaling.Usage
	require.NoError(h.t, json.Unmarshal(b, &u))
	return u
}

type childRequest struct {
	Dir, Bin, Out string
	Args          []string
}

// TestMeasureChild is TestScaling's launcher of dq (see measure); it does
// nothing unless TestScaling started it.
func TestMeasureChild(t *testing.T) {
	spec := os.Getenv("DQ_SCALING_CHILD")
	if spec == "" {
		t.Skip("started by TestScaling only")
	}
	var req childRequest
	require.NoError(t, json.Unmarshal([]byte(spec), &req))
	u, err := scaling.Run(context.Background(), req.Dir, req.Bin, req.Args...)
	require.NoError(t, err)
	b, err := json.Marshal(u)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(req.Out, b, 0o644))
}

// rowsSeries: one dataset, the same checks, growing rows.
func (h *harness) rowsSeries() []scaling.Measurement {
	type point struct {
		label string
		file  string
		rows  int64
	}
	var pts []point
	for _, n := range sizes(h.t, "DQ_SCALING_ROWS", "1M,3M,10M,30M") {
		f := h.population(n)
		pts = append(pts, point{label(n), f, h.rowCount(f)})
	}
	var out []scaling.Measurement
	for r := 1; r <= h.rounds; r++ {
		for _, p := range pts {
			dir := h.config([]string{p.file}, "")
			out = append(out, h.run(dir, scaling.Measurement{Series: "rows", Point: p.label, Datasets: 1, Rows: p.rows, Round: r},
				"run", "--config", "dq.yaml", "-q"))
		}
	}
	return out
}

// datasetsSeries: the same population split into 1..50 datasets, so the
// rows read and the checks per row stay the same and what grows is the
// per-dataset cost alone (the reference point: 50 datasets of 60k
// rows against one of 3M).
func (h *harness) datasetsSeries() []scaling.Measurement {
	total := sizes(h.t, "DQ_SCALING_TOTAL", "3M")[0]
	src := h.population(total)
	rows := h.rowCount(src)
	type point struct {
		k     int
		files []string
	}
	var pts []point
	for _, k := range sizes(h.t, "DQ_SCALING_DATASETS", "1,5,10,25,50") {
		files := []string{src}
		if k > 1 {
			files = h.split(src, k)
		}
		pts = append(pts, point{k, files})
	}
	var out []scaling.Measurement
	for r := 1; r <= h.rounds; r++ {
		for _, p := range pts {
			dir := h.config(p.files, "")
			out = append(out, h.run(dir, scaling.Measurement{Series: "datasets", Point: strconv.Itoa(p.k), Datasets: p.k, Rows: rows, Round: r},
				"run", "--config", "dq.yaml", "-q"))
		}
	}
	return out
}

// shardSeries: ten datasets (the datasets series' population split in
// ten) checked by one run, and by two shards and a merge on the same
// output, in turns. On two machines the shards run at once: the run then
// takes the slower shard plus the merge.
func (h *harness) shardSeries() []scaling.Measurement {
	total := sizes(h.t, "DQ_SCALING_TOTAL", "3M")[0]
	src := h.population(total)
	rows := h.rowCount(src)
	files := h.split(src, 10)
	var out []scaling.Measurement
	for r := 1; r <= h.rounds; r++ {
		one := h.config(files, "")
		m := scaling.Measurement{Series: "shard", Datasets: 10, Rows: rows, Round: r}
		m.Point = "one-run"
		out = append(out, h.run(one, m, "run", "--config", "dq.yaml", "-q"))
		dir := h.config(files, "")
		id := fmt.Sprintf("bench-%d", r)
		for i := 1; i <= 2; i++ {
			m.Point = fmt.Sprintf("shard-%d-of-2", i)
			out = append(out, h.run(dir, m, "run", "--config", "dq.yaml", "-q", "--shard", fmt.Sprintf("%d/2", i), "--run-id", id))
		}
		m.Point = "merge"
		out = append(out, h.run(dir, m, "merge", "--config", "dq.yaml", "-q", "--run-id", id, "--shards", "2"))
		// The merged run is the one run's: the same checks, the same counts.
		require.Equal(h.t, checkCounts(h.t, filepath.Join(one, "out", "latest", "MPS.json")),
			checkCounts(h.t, filepath.Join(dir, "out", "latest", "MPS.json")))
	}
	return out
}

// sampleSeries: a 1% coordinated hash sample of the large registry
// (DQ_SCALING_SAMPLE, default 100M people), and of the 10M registry next
// to the full 10M run, whose exact pass rates the sample's intervals
// should hold.
func (h *harness) sampleSeries() []scaling.Measurement {
	const sample = "{method: hash, fraction: 0.01}"
	big := sizes(h.t, "DQ_SCALING_SAMPLE", "100M")[0]
	bigFile := h.population(big)
	bigRows := h.rowCount(bigFile)
	tenFile := h.population(10_000_000)
	tenRows := h.rowCount(tenFile)
	var out []scaling.Measurement
	for r := 1; r <= h.rounds; r++ {
		dir := h.config([]string{bigFile}, sample)
		m := h.run(dir, scaling.Measurement{Series: "sample", Point: label(big) + "-hash-1%", Datasets: 1, Rows: bigRows, Round: r},
			"run", "--config", "dq.yaml", "-q")
		m.Detail = intervalDetail(readChecks(h.t, filepath.Join(dir, "out", "latest", "MPS.json")), nil)
		out = append(out, m)

		sdir := h.config([]string{tenFile}, sample)
		ms := h.run(sdir, scaling.Measurement{Series: "sample", Point: "10M-hash-1%", Datasets: 1, Rows: tenRows, Round: r},
			"run", "--config", "dq.yaml", "-q")
		fdir := h.config([]string{tenFile}, "")
		mf := h.run(fdir, scaling.Measurement{Series: "sample", Point: "10M-full", Datasets: 1, Rows: tenRows, Round: r},
			"run", "--config", "dq.yaml", "-q")
		full := readChecks(h.t, filepath.Join(fdir, "out", "latest", "MPS.json"))
		ms.Detail = intervalDetail(readChecks(h.t, filepath.Join(sdir, "out", "latest", "MPS.json")), full)
		out = append(out, ms, mf)
	}
	return out
}

// check is what the benchmark reads of a published check.
type check struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	Evaluated  *int64    `json:"evaluated"`
	Failed     *int64    `json:"failed"`
	PassRate   *float64  `json:"pass_rate"`
	Interval95 []float64 `json:"interval95"`
}

func readChecks(t *testing.T, path string) []check {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var sc struct {
		Datasets []struct {
			ID          string  `json:"id"`
			RowsSampled int64   `json:"rows_sampled"`
			Checks      []check `json:"checks"`
		} `json:"datasets"`
	}
	require.NoError(t, json.Unmarshal(b, &sc), path)
	var out []check
	for _, d := range sc.Datasets {
		for _, c := range d.Checks {
			c.ID = d.ID + "/" + c.ID
			out = append(out, c)
		}
	}
	return out
}

// checkCounts is every check's status, evaluated and failed rows.
func checkCounts(t *testing.T, path string) map[string]string {
	out := map[string]string{}
	for _, c := range readChecks(t, path) {
		var e, f int64 = -1, -1
		if c.Evaluated != nil {
			e = *c.Evaluated
		}
		if c.Failed != nil {
			f = *c.Failed
		}
		out[c.ID] = fmt.Sprintf("%s %d/%d", c.Status, f, e)
	}
	return out
}

// intervalDetail sums up the 95% intervals a sampled run published: how
// many row checks have one, the median and widest width (in percentage
// points of pass rate), and, given the full run, how many hold its exact
// pass rate.
func intervalDetail(sampled, full []check) string {
	exact := map[string]float64{}
	for _, c := range full {
		if c.PassRate != nil {
			exact[strings.SplitN(c.ID, "/", 2)[1]] = *c.PassRate
		}
	}
	var widths []float64
	held, compared := 0, 0
	for _, c := range sampled {
		if len(c.Interval95) != 2 {
			continue
		}
		widths = append(widths, (c.Interval95[1]-c.Interval95[0])*100)
		if v, ok := exact[strings.SplitN(c.ID, "/", 2)[1]]; ok {
			compared++
			// The bounds are computed in floating point: an upper bound of
			// 1 reads 0.9999999999999999.
			if v >= c.Interval95[0]-1e-9 && v <= c.Interval95[1]+1e-9 {
				held++
			}
		}
	}
	if len(widths) == 0 {
		return "no interval95"
	}
	slices.Sort(widths)
	s := fmt.Sprintf("%d row checks with interval95; width median %.3f pp, widest %.3f pp", len(widths), widths[len(widths)/2], widths[len(widths)-1])
	if compared > 0 {
		s += fmt.Sprintf("; exact pass rate inside %d of %d", held, compared)
	}
	return s
}

func writeCharts(t *testing.T, ms []scaling.Measurement) {
	for name, svg := range scaling.Charts(ms) {
		require.NoError(t, os.WriteFile(filepath.Join("..", "docs", name), svg, 0o644))
	}
}
