//go:build duckdb_arrow

package load_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/demo/load"
	"github.com/vn-registries/dq/pipeline"
	"github.com/vn-registries/dq/scorecard"
)

// BenchmarkExtractPathIntegration measures dq's extract path end to end
// (prepare, extract from PostgreSQL into the embedded engine, check) on
// the demo population registry, with six checks (row count, missing,
// duplicates, format, freshness, date range), against what the server
// alone takes to answer them or to send the columns they need:
//
//   - dq: the columns the checks name are extracted (4 of 10);
//   - dq_all: the same checks and a sql_metric counting the rows, which
//     makes the extract read every column, as before pruning;
//   - sql: a hand-written fused pair of queries in PostgreSQL (one
//     aggregate for the counts, one GROUP BY for the duplicates);
//   - copy: COPY (SELECT the 4 columns) TO STDOUT (FORMAT binary) into
//     io.Discard, the least an extract can cost.
//
// Each iteration runs the four in turn, so a load from the other users of
// the machine falls on all of them. Peak RSS is the high-water mark of a
// process running only that dq run (the test binary run again,
// TestExtractPathChild), twice each, after the timed runs.
//
//	DQ_BENCH_ROWS=1000000 go test -tags duckdb_arrow -run '^$' -bench ExtractPath -benchtime 5x -timeout 30m ./demo/load/
func BenchmarkExtractPathIntegration(b *testing.B) {
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		b.Skip("DQ_SKIP_DB_TESTS=1")
	}
	rows := 1_000_000
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		var err error
		rows, err = strconv.Atoi(s)
		require.NoError(b, err, "DQ_BENCH_ROWS")
	}
	ctx := context.Background()
	dir := b.TempDir()
	asOf := time.Now().UTC().Truncate(time.Hour)
	_, err := demo.Generate(dir, demo.Options{Rows: rows, Seed: 5, AsOf: asOf})
	require.NoError(b, err)
	schema := fmt.Sprintf("bench_ext_%d", rand.Uint32())
	pg, err := pgx.Connect(ctx, pgURL)
	require.NoError(b, err)
	b.Cleanup(func() { pg.Close(context.Background()) })
	_, err = pg.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(b, err)
	b.Cleanup(func() { pg.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	t0 := time.Now()
	_, err = load.Load(ctx, dir, pgURL, schema+".")
	require.NoError(b, err)
	table := schema + ".citizens"
	_, err = pg.Exec(ctx, "VACUUM ANALYZE "+table)
	require.NoError(b, err)
	var n int64
	require.NoError(b, pg.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
	b.Logf("loaded %d citizens into PostgreSQL in %v", n, time.Since(t0).Round(time.Millisecond))

	checksYAML := `
      - {id: volume, kind: row_count, min: 1000}
      - {id: present, kind: not_null, columns: [cccd, full_name, birth_date]}
      - {id: cccd_unique, kind: unique, columns: [cccd]}
      - {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
      - {id: updated, kind: freshness, column: updated_at, max_age: 48h}
      - {id: birth_range, kind: between, column: birth_date, min: 1900-01-01, max: today}`
	configYAML := func(extra string) string {
		return `
output: {dir: ` + filepath.Join(dir, "out") + `}
history: {off: true}
ministries: [{id: MPS, name: MPS}]
sources: {pg: {kind: postgres, dsn: "` + pgURL + `", read_only: true}}
datasets:
  - id: citizens
    ministry: MPS
    source: pg
    table: ` + table + `
    key: cccd
    checks:` + checksYAML + extra + "\n"
	}
	// A check of SQL from the config (a count, computed in the fused scan
	// at no cost) makes the extract read every column, as before pruning.
	const allColumns = "\n      - {id: n, kind: sql_metric, sql: \"COUNT(*)\", min: 0}"
	configs := map[string]string{"dq": configYAML(""), "dq_all": configYAML(allColumns)}
	// The pruned run's own steps: connect + extract + load, and checks.
	var loadSteps, checkSteps time.Duration
	dq := func(name string) map[string]*scorecard.Check {
		got, t := runBenchConfig(b, configs[name])
		if name == "dq" {
			d := t.Datasets[0]
			loadSteps += d.Connect + d.Extract + d.Load
			checkSteps += d.Checks
		}
		return got
	}

	// The hand-written baseline: what a person who knows the data would
	// write for the same six answers.
	missing := func(c string) string {
		return fmt.Sprintf("count(*) FILTER (WHERE %s IS NULL OR upper(btrim(%s)) IN ('', 'N/A', 'NULL', '0000-00-00'))", c, c)
	}
	aggSQL := `SELECT count(*), ` + missing("cccd") + `, ` + missing("full_name") + `, count(*) FILTER (WHERE birth_date IS NULL),
  count(*) FILTER (WHERE cccd !~ '^[0-9]{12}$'), max(updated_at),
  count(*) FILTER (WHERE birth_date < DATE '1900-01-01' OR birth_date > CURRENT_DATE)
FROM ` + table
	dupSQL := `SELECT count(*), coalesce(sum(n), 0) FROM (SELECT cccd, count(*) AS n FROM ` + table + `
  WHERE cccd IS NOT NULL GROUP BY cccd HAVING count(*) > 1) d`
	type baseline struct{ rows, dupRows, formatFailed int64 }
	handSQL := func() baseline {
		var (
			r                                     baseline
			missCCCD, missName, missBorn, badBorn int64
			newest                                time.Time
			groups                                int64
		)
		require.NoError(b, pg.QueryRow(ctx, aggSQL).Scan(&r.rows, &missCCCD, &missName, &missBorn, &r.formatFailed, &newest, &badBorn))
		require.NoError(b, pg.QueryRow(ctx, dupSQL).Scan(&groups, &r.dupRows))
		return r
	}
	copyBinary := func() int64 {
		tag, err := pg.PgConn().CopyTo(ctx, io.Discard,
			"COPY (SELECT cccd, full_name, birth_date, updated_at FROM "+table+") TO STDOUT (FORMAT binary)")
		require.NoError(b, err)
		return tag.RowsAffected()
	}

	times := map[string]time.Duration{}
	peakKB := map[string]int64{}
	measure := func(name string, fn func()) {
		t0 := time.Now()
		fn()
		times[name] += time.Since(t0)
	}
	for b.Loop() {
		var pruned, all map[string]*scorecard.Check
		var hand baseline
		var copied int64
		measure("dq", func() { pruned = dq("dq") })
		measure("dq_all", func() { all = dq("dq_all") })
		measure("sql", func() { hand = handSQL() })
		measure("copy", func() { copied = copyBinary() })
		// Both dq runs give the same answers, and the baseline's counts
		// are dq's.
		for id, c := range pruned {
			require.Equal(b, c.Failed, all[id].Failed, id)
			require.Equal(b, c.Evaluated, all[id].Evaluated, id)
		}
		require.Equal(b, n, copied)
		require.Equal(b, hand.rows, *pruned["cccd_format"].Rows)
		require.Equal(b, hand.formatFailed, *pruned["cccd_format"].Failed)
		require.Equal(b, hand.dupRows, *pruned["cccd_unique"].Failed)
	}
	// Memory apart, each run in a process of its own: in one process the
	// second run reuses what the first left resident.
	for range 2 {
		for _, name := range []string{"dq", "dq_all"} {
			path := filepath.Join(dir, name+".yaml")
			require.NoError(b, os.WriteFile(path, []byte(configs[name]), 0o600))
			cmd := exec.Command(os.Args[0], "-test.run", "^TestExtractPathChild$")
			cmd.Env = append(os.Environ(), "DQ_BENCH_CHILD_CONFIG="+path)
			// Not the child's rusage: Linux counts in it what the parent
			// held when it forked.
			out, err := cmd.CombinedOutput()
			require.NoError(b, err, "%s", out)
			m := peakLine.FindSubmatch(out)
			require.NotNil(b, m, "%s", out)
			kb, err := strconv.ParseInt(string(m[1]), 10, 64)
			require.NoError(b, err)
			peakKB[name] = max(peakKB[name], kb)
		}
	}
	per := func(name string) float64 { return times[name].Seconds() / float64(b.N) }
	for _, name := range []string{"dq", "dq_all", "sql", "copy"} {
		b.ReportMetric(per(name), "s/"+name)
	}
	for _, name := range []string{"dq", "dq_all"} {
		b.ReportMetric(float64(peakKB[name])/1024, "MB_peak_rss/"+name)
	}
	b.ReportMetric(loadSteps.Seconds()/float64(b.N), "s/dq_load_steps")
	b.ReportMetric(checkSteps.Seconds()/float64(b.N), "s/dq_check_steps")
	b.ReportMetric(loadSteps.Seconds()/times["copy"].Seconds(), "x_dq_load_steps/copy")
	b.ReportMetric(per("dq")/per("sql"), "x_dq/sql")
	b.ReportMetric(per("dq")/per("copy"), "x_dq/copy")
	b.ReportMetric(per("dq_all")/per("dq"), "x_all/pruned")
}

// runBenchConfig runs a config's one dataset and returns its checks.
func runBenchConfig(tb testing.TB, yaml string) (map[string]*scorecard.Check, *pipeline.Timings) {
	cfg, err := config.Parse("bench.yaml", []byte(yaml), nil)
	require.NoError(tb, err)
	p, err := pipeline.Prepare(cfg, nil)
	require.NoError(tb, err)
	defer p.Close()
	out, err := pipeline.Run(context.Background(), p, pipeline.Options{})
	require.NoError(tb, err)
	got := map[string]*scorecard.Check{}
	for _, c := range out.Cards[0].Datasets[0].Checks {
		require.NotEqual(tb, "error", string(c.Status), "%s: %s", c.ID, c.Message)
		got[c.ID] = c
	}
	return got, out.Timings
}

// TestExtractPathChild is BenchmarkExtractPathIntegration's run in a
// process of its own, whose peak RSS the benchmark reads; it does nothing
// otherwise.
func TestExtractPathChild(t *testing.T) {
	path := os.Getenv("DQ_BENCH_CHILD_CONFIG")
	if path == "" {
		t.Skip("run by BenchmarkExtractPathIntegration")
	}
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	runBenchConfig(t, string(raw))
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status)
	require.NotNil(t, m)
	fmt.Printf("peak_rss_kb=%s\n", m[1])
}

// peakLine is how TestExtractPathChild tells its peak RSS.
var peakLine = regexp.MustCompile(`peak_rss_kb=(\d+)`)
