//go:build duckdb_arrow

package load_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
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
//   - dq_all: the same checks and a schema check, which makes the
//     extract read every column, as before pruning;
//   - sql: a hand-written fused pair of queries in PostgreSQL (one
//     aggregate for the counts, one GROUP BY for the duplicates);
//   - copy: COPY (SELECT the 4 columns) TO STDOUT (FORMAT binary) into
//     io.Discard, the least an extract can cost.
//
// Each iteration runs the four in turn, so a load from the other users of
// the machine falls on all of them. Peak RSS is the process's high-water
// mark during a variant (reset with clear_refs) above the resident set
// at its start: what the variant itself added.
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
	prepare := func(extra string) *pipeline.Prepared {
		yaml := `
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
		cfg, err := config.Parse("bench.yaml", []byte(yaml), nil)
		require.NoError(b, err)
		p, err := pipeline.Prepare(cfg, nil)
		require.NoError(b, err)
		return p
	}
	dq := func(extra string) map[string]*scorecard.Check {
		p := prepare(extra)
		defer p.Close()
		out, err := pipeline.Run(ctx, p, pipeline.Options{})
		require.NoError(b, err)
		got := map[string]*scorecard.Check{}
		for _, c := range out.Cards[0].Datasets[0].Checks {
			require.NotEqual(b, "error", string(c.Status), "%s: %s", c.ID, c.Message)
			got[c.ID] = c
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
	peaks := map[string]int64{}
	measure := func(name string, fn func()) {
		debug.FreeOSMemory()
		resetPeakRSS(b)
		before := procStatus(b, "VmRSS:")
		t0 := time.Now()
		fn()
		times[name] += time.Since(t0)
		peaks[name] = max(peaks[name], procStatus(b, "VmHWM:")-before)
	}
	for b.Loop() {
		var pruned, all map[string]*scorecard.Check
		var hand baseline
		var copied int64
		measure("dq", func() { pruned = dq("") })
		measure("dq_all", func() {
			all = dq("\n      - {id: columns, kind: schema, require: {cccd: VARCHAR}}")
		})
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
	per := func(name string) float64 { return times[name].Seconds() / float64(b.N) }
	for _, name := range []string{"dq", "dq_all", "sql", "copy"} {
		b.ReportMetric(per(name), "s/"+name)
		b.ReportMetric(float64(peaks[name])/(1<<20), "MB_rss_growth/"+name)
	}
	b.ReportMetric(per("dq")/per("sql"), "x_dq/sql")
	b.ReportMetric(per("dq")/per("copy"), "x_dq/copy")
	b.ReportMetric(per("dq_all")/per("dq"), "x_all/pruned")
}

// resetPeakRSS resets the process's peak resident set size (Linux).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("peak RSS not reset: %v", err)
	}
}

// procStatus is a size /proc/self/status gives (VmRSS:, VmHWM:), in
// bytes.
func procStatus(b *testing.B, key string) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			require.NoError(b, err)
			return kb << 10
		}
	}
	return 0
}
