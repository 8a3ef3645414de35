//go:build duckdb_arrow

package load_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/demo/load"
	"github.com/vn-registries/dq/scorecard"
)

// BenchmarkInSourceVsExtractIntegration checks the demo population
// registry held in PostgreSQL, in full, twice in the same run: extracted
// into the embedded engine (engine: duckdb), and with the same plan run
// inside PostgreSQL (engine: source). Both must give the same numbers.
//
//	DQ_BENCH_ROWS=1000000 go test -tags duckdb_arrow -run '^$' -bench InSourceVsExtract -benchtime 3x -timeout 30m ./demo/load/
func BenchmarkInSourceVsExtractIntegration(b *testing.B) {
	name := benchSchema(b)
	b.Setenv("DQ_DEMO_PG_DSN", pgURL)

	// The population registry alone, its checks that run on both engines.
	only := func(engine string) func(*config.Config) {
		return func(cfg *config.Config) {
			for _, ds := range cfg.Datasets {
				if ds.ID != "population.citizens" {
					continue
				}
				ds.Engine = engine
				kept := ds.Checks[:0]
				for _, c := range ds.Checks {
					// normalize: is DuckDB's; a join with a reference
					// list runs in the embedded engine only.
					if c.ID != "person_unique_normalized" && c.Kind != "references" {
						kept = append(kept, c)
					}
				}
				b.Logf("%d checks", len(kept))
				ds.Checks = kept
				cfg.Datasets = []config.Dataset{ds}
				break
			}
			cfg.History.Off = true
		}
	}
	run := func(engine string) (map[string]*scorecard.Check, time.Duration) {
		t0 := time.Now()
		got := runConfigWith(b, "../../configs/demo-postgres.yaml", func(s string) string {
			return tableRef.ReplaceAllString(s, "table: "+name+".$1")
		}, only(engine))
		return got, time.Since(t0)
	}
	var extract, inSource time.Duration
	for b.Loop() {
		want, d1 := run(config.EngineDuckDB)
		got, d2 := run(config.EngineSource)
		extract += d1
		inSource += d2
		require.Len(b, got, len(want))
		for id, w := range want {
			require.Equal(b, w.Failed, got[id].Failed, id)
			require.Equal(b, w.Evaluated, got[id].Evaluated, id)
		}
	}
	n := float64(b.N)
	b.ReportMetric(extract.Seconds()/n, "s/extract")
	b.ReportMetric(inSource.Seconds()/n, "s/in_source")
	b.ReportMetric(extract.Seconds()/inSource.Seconds(), "x_faster_in_source")
}

// benchSchema is a PostgreSQL schema holding the demo registries of
// DQ_BENCH_ROWS citizens (1M by default), generated and loaded for the
// benchmark and dropped after it; DQ_BENCH_PG_SCHEMA names one already
// loaded (dq demo load --prefix SCHEMA.) to skip the minute that takes.
func benchSchema(b *testing.B) string {
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		b.Skip("DQ_SKIP_DB_TESTS=1")
	}
	if s := os.Getenv("DQ_BENCH_PG_SCHEMA"); s != "" {
		return s
	}
	rows := 1_000_000
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	dir := b.TempDir()
	_, err := demo.Generate(dir, demo.Options{Rows: rows, Seed: 5, AsOf: time.Now().UTC().Truncate(time.Hour)})
	require.NoError(b, err)
	name := fmt.Sprintf("bench_src_%d", rand.Uint32())
	pg, err := pgx.Connect(ctx, pgURL)
	require.NoError(b, err)
	// Cleanups run last first: the drop below, then this close.
	b.Cleanup(func() { pg.Close(context.Background()) })
	_, err = pg.Exec(ctx, "CREATE SCHEMA "+name)
	require.NoError(b, err)
	b.Cleanup(func() { pg.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE") })
	t0 := time.Now()
	_, err = load.Load(ctx, dir, pgURL, name+".")
	require.NoError(b, err)
	_, err = pg.Exec(ctx, "ANALYZE "+name+".citizens")
	require.NoError(b, err)
	b.Logf("loaded %d citizens into PostgreSQL in %v", rows, time.Since(t0).Round(time.Millisecond))
	return name
}
