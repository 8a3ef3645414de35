//go:build duckdb_arrow

package load_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/pipeline"
)

// BenchmarkInSourceVsHandSQLIntegration runs the checks (row
// count, missing, duplicates, format, freshness, date range) on the demo's
// 1M citizens in PostgreSQL with engine: source, and the fused two-query
// SQL a person would write for them (one aggregate, one GROUP BY for the
// duplicates, with dq's notion of missing), interleaved run by run. Both
// must find the same numbers.
//
//	DQ_BENCH_ROWS=1000000 go test -tags duckdb_arrow -run '^$' -bench InSourceVsHandSQL -benchtime 5x -timeout 30m ./demo/load/
func BenchmarkInSourceVsHandSQLIntegration(b *testing.B) {
	schema := benchSchema(b)
	ctx := context.Background()
	table := schema + ".citizens"
	yaml := fmt.Sprintf(`
history: {off: true}
ministries: [{id: MPS, name: MPS}]
sources:
  pg: {kind: postgres, dsn: %q, read_only: true}
datasets:
  - id: citizens
    ministry: MPS
    source: pg
    table: %s
    key: cccd
    engine: source
    checks:
      - {id: volume, kind: row_count, min: 1000}
      - {id: cccd_present, kind: not_null, column: cccd}
      - {id: cccd_unique, kind: unique, column: cccd}
      - {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
      - {id: updated, kind: freshness, column: updated_at, max_age: 48h}
      - {id: birth_range, kind: between, column: birth_date, min: 1900-01-01, max: today}
`, pgURL, table)
	cfg, err := config.Parse("bench.yaml", []byte(yaml), nil)
	require.NoError(b, err)
	cfg.Output.Dir = b.TempDir()
	p, err := pipeline.Prepare(cfg, nil)
	require.NoError(b, err)
	defer p.Close()
	runDQ := func() map[string]int64 {
		out, err := pipeline.Run(ctx, p, pipeline.Options{})
		require.NoError(b, err)
		got := map[string]int64{}
		for _, c := range out.Cards {
			for _, d := range c.Datasets {
				require.Empty(b, d.Error)
				got["rows"] = *d.RowsSampled
				for _, ch := range d.Checks {
					if ch.Failed != nil {
						got[ch.ID] = *ch.Failed
					}
				}
			}
		}
		return got
	}

	pg, err := pgx.Connect(ctx, pgURL)
	require.NoError(b, err)
	defer pg.Close(ctx)
	missing := `(cccd IS NULL OR cccd ~* '^\s*(|N/A|NULL|0000-00-00)\s*$')`
	hand := func() map[string]int64 {
		var rows, miss, badFormat, badBirth, dupRows int64
		var newest time.Time
		require.NoError(b, pg.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*),
  COUNT(*) FILTER (WHERE %[1]s),
  COUNT(*) FILTER (WHERE NOT %[1]s AND cccd !~ '^[0-9]{12}$'),
  MAX(updated_at),
  COUNT(*) FILTER (WHERE birth_date NOT BETWEEN DATE '1900-01-01' AND current_date)
FROM %[2]s`, missing, table)).Scan(&rows, &miss, &badFormat, &newest, &badBirth))
		require.NoError(b, pg.QueryRow(ctx, fmt.Sprintf(`SELECT COALESCE(SUM(n), 0) FROM (
  SELECT COUNT(*) AS n FROM %s WHERE NOT %s GROUP BY cccd HAVING COUNT(*) > 1) d`, table, missing)).Scan(&dupRows))
		return map[string]int64{"rows": rows, "cccd_present": miss, "cccd_format": badFormat, "birth_range": badBirth, "cccd_unique": dupRows}
	}

	var dq, sql time.Duration
	for b.Loop() {
		t0 := time.Now()
		got := runDQ()
		dq += time.Since(t0)
		t0 = time.Now()
		want := hand()
		sql += time.Since(t0)
		for k, v := range want {
			require.Equal(b, v, got[k], k)
		}
	}
	n := float64(b.N)
	b.ReportMetric(dq.Seconds()/n, "s/dq_source")
	b.ReportMetric(sql.Seconds()/n, "s/hand_sql")
	b.ReportMetric(dq.Seconds()/sql.Seconds(), "x_hand_sql")
}
