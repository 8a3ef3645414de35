//go:build duckdb_arrow

package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors/connectortest"
)

// BenchmarkClickHousePushdownVsExtract runs the same checks on a table of
// DQ_BENCH_CH_ROWS rows spread over the two-shard cluster, extracted into
// DuckDB and pushed down to the Distributed table, alternately
// (extract, pushdown, extract, ...) for DQ_BENCH_ROUNDS rounds (default
// 3), and reports the medians and their ratio. The rows are generated
// inside ClickHouse (numbers()), with planted defects: 1 in 1000 CCCDs
// repeated on the other shard, 1 in 500 malformed, 1 in 200 missing.
//
//	DQ_BENCH_CH_ROWS=10000000 go test -tags duckdb_arrow ./pipeline -run '^$' -bench ClickHousePushdownVsExtract -benchtime 1x -timeout 60m
func BenchmarkClickHousePushdownVsExtract(b *testing.B) {
	rows, _ := strconv.Atoi(os.Getenv("DQ_BENCH_CH_ROWS"))
	if rows <= 0 {
		b.Skip("set DQ_BENCH_CH_ROWS (e.g. 10000000)")
	}
	rounds, _ := strconv.Atoi(os.Getenv("DQ_BENCH_ROUNDS"))
	if rounds <= 0 {
		rounds = 3
	}
	urls := connectortest.ClickHouseURLs(b)
	const name = "bench_ch_pushdown"
	cols := "id UInt64, cccd Nullable(String), gender Nullable(String), province Nullable(String), phone Nullable(String), updated_at DateTime"
	for shard, u := range urls {
		connectortest.ClickHouseExec(b, u,
			"DROP TABLE IF EXISTS default."+name,
			"DROP TABLE IF EXISTS default."+name+"_local",
			"CREATE TABLE default."+name+"_local ("+cols+") ENGINE = MergeTree ORDER BY id",
			"CREATE TABLE default."+name+" AS default."+name+"_local ENGINE = Distributed(dq_cluster, default, "+name+"_local, rand())",
			// Shard s holds the ids ≡ s (mod 2); a duplicate copies the
			// CCCD of the id before it, which is on the other shard.
			"INSERT INTO default."+name+"_local SELECT number AS id, "+
				"multiIf(number % 200 = 7, NULL, number % 500 = 3, concat('x', toString(number)), "+
				"number % 1000 = 1, toString(100000000000 + number - 1), toString(100000000000 + number)) AS cccd, "+
				"if(number % 97 = 0, 'X', if(number % 2 = 0, 'M', 'F')) AS gender, "+
				"toString(number % 63) AS province, concat('09', toString(10000000 + number % 90000000)) AS phone, "+
				"toDateTime('2026-11-01 00:00:00') - (number % 86400) AS updated_at "+
				"FROM numbers("+strconv.Itoa(rows)+") WHERE number % 2 = "+strconv.Itoa(shard))
		b.Cleanup(func() {
			connectortest.ClickHouseExec(b, u, "DROP TABLE IF EXISTS default."+name, "DROP TABLE IF EXISTS default."+name+"_local")
		})
	}
	yaml := func(engine string) string {
		return `
output: {dir: ` + filepath.Join(b.TempDir(), "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {ch: {kind: clickhouse, url: "` + urls[0] + `"}}
datasets:
  - id: people
    ministry: M
    source: ch
    table: default.` + name + `
    key: cccd
    engine: ` + engine + `
    checks:
      - {id: volume, kind: row_count, min: 1}
      - {id: present, kind: not_null, column: cccd}
      - {id: unique, kind: unique, column: cccd}
      - {id: shape, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
      - {id: gender, kind: in_set, column: gender, values: [M, F]}
      - {id: fresh, kind: freshness, column: updated_at, max_age: 36500d}
`
	}
	me, ms := alternateEngines(b, rounds, yaml, "pushdown", func(oe, os *Outcome) {
		e, s := oe.Cards[0].Datasets[0], os.Cards[0].Datasets[0]
		require.Empty(b, e.Error)
		require.Empty(b, s.Error)
		for i := range e.Checks {
			require.Equal(b, e.Checks[i].Failed, s.Checks[i].Failed, e.Checks[i].ID)
		}
	})
	b.Logf("%d rows, %d rounds: extract %v, pushdown %v (medians)", rows, rounds, me, ms)
}

// BenchmarkClickHouseReferencesInClusterVsExtract: references from one
// ClickHouse registry to another on the two-shard cluster, in full,
// joined inside ClickHouse (both datasets engine: source) against both
// extracted and joined in the embedded engine; the same failures.
//
//	DQ_BENCH_CH_ROWS=4000000 go test -tags duckdb_arrow -run '^$' -bench ClickHouseReferences -benchtime 1x -timeout 60m ./pipeline/
func BenchmarkClickHouseReferencesInClusterVsExtract(b *testing.B) {
	rows, _ := strconv.Atoi(os.Getenv("DQ_BENCH_CH_ROWS"))
	if rows <= 0 {
		b.Skip("set DQ_BENCH_CH_ROWS (e.g. 4000000)")
	}
	rounds, _ := strconv.Atoi(os.Getenv("DQ_BENCH_ROUNDS"))
	if rounds <= 0 {
		rounds = 3
	}
	urls := connectortest.ClickHouseURLs(b)
	const people, insured = "bench_ch_ref_people", "bench_ch_ref_insured"
	for shard, u := range urls {
		for name, sel := range map[string]string{
			people: "SELECT toString(100000000000 + number) AS cccd, concat('P', toString(number)) AS name FROM numbers(" + strconv.Itoa(rows) + ")",
			// Half the population insured, one in 50 of them unknown to it.
			insured: "SELECT toString(100000000000 + if(number % 50 = 7, " + strconv.Itoa(rows) + " + number, number * 2)) AS cccd, concat('I', toString(number)) AS name FROM numbers(" + strconv.Itoa(rows/2) + ")",
		} {
			connectortest.ClickHouseExec(b, u,
				"DROP TABLE IF EXISTS default."+name,
				"DROP TABLE IF EXISTS default."+name+"_local",
				"CREATE TABLE default."+name+"_local (cccd String, name String) ENGINE = MergeTree ORDER BY cccd",
				"CREATE TABLE default."+name+" AS default."+name+"_local ENGINE = Distributed(dq_cluster, default, "+name+"_local, rand())",
				"INSERT INTO default."+name+"_local SELECT * FROM ("+sel+") WHERE cityHash64(cccd) % 2 = "+strconv.Itoa(shard))
			b.Cleanup(func() {
				connectortest.ClickHouseExec(b, u, "DROP TABLE IF EXISTS default."+name, "DROP TABLE IF EXISTS default."+name+"_local")
			})
		}
	}
	yaml := func(engine string) string {
		return `
output: {dir: ` + filepath.Join(b.TempDir(), "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {ch: {kind: clickhouse, url: "` + urls[0] + `"}}
datasets:
  - {id: people, ministry: M, source: ch, table: default.` + people + `, key: cccd, engine: ` + engine + `, checks: [{id: volume, kind: row_count, min: 1}]}
  - {id: insured, ministry: M, source: ch, table: default.` + insured + `, key: cccd, engine: ` + engine + `,
     checks: [{id: known, kind: references, column: cccd, dataset: people, key: cccd}]}
`
	}
	me, ms := alternateEngines(b, rounds, yaml, "in-cluster", func(oe, os *Outcome) {
		e, s := oe.Cards[0].Datasets[1].Checks[0], os.Cards[0].Datasets[1].Checks[0]
		require.Equal(b, int64(rows/2), *s.Evaluated)
		require.Equal(b, *e.Failed, *s.Failed)
		require.Equal(b, int64(rows/100), *s.Failed, s.Message)
	})
	b.Logf("%d + %d rows, %d rounds: extract %v, in cluster %v (medians)", rows, rows/2, rounds, me, ms)
}

// alternateEngines runs the config yaml gives for each engine, extracted
// then in the source, rounds times per iteration, hands each pair of
// outcomes to same, and reports the medians (the source's as name).
func alternateEngines(b *testing.B, rounds int, yaml func(engine string) string, name string, same func(extracted, inSource *Outcome)) (extract, source time.Duration) {
	run := func(engine string) (time.Duration, *Outcome) {
		cfg, err := config.Parse("bench.yaml", []byte(yaml(engine)), nil)
		require.NoError(b, err)
		p, err := Prepare(cfg, nil)
		require.NoError(b, err)
		defer p.Close()
		start := time.Now()
		out, err := Run(b.Context(), p, Options{})
		require.NoError(b, err)
		return time.Since(start), out
	}
	var ext, src []time.Duration
	b.ResetTimer()
	for range b.N {
		for range rounds {
			de, oe := run(config.EngineDuckDB)
			ds, os := run(config.EngineSource)
			ext, src = append(ext, de), append(src, ds)
			same(oe, os)
		}
	}
	b.StopTimer()
	b.Logf("all runs: extract %v, %s %v", ext, name, src)
	slices.Sort(ext)
	slices.Sort(src)
	me, ms := ext[len(ext)/2], src[len(src)/2]
	b.ReportMetric(me.Seconds(), "extract-s")
	b.ReportMetric(ms.Seconds(), name+"-s")
	b.ReportMetric(me.Seconds()/ms.Seconds(), "extract/"+name)
	return me, ms
}
