//go:build duckdb_arrow

package pipeline

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors/connectortest"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/scorecard"
)

// chCluster creates, on both servers of the test cluster, a MergeTree
// table per name (name_local) and a Distributed table over them (name),
// dropped when the test ends, and inserts rows[i] into shard i%2: copies
// of a key planted on neighbouring rows sit on different shards.
func chCluster(t *testing.T, urls []string, name, columns string, rows []string) string {
	t.Helper()
	for _, u := range urls {
		connectortest.ClickHouseExec(t, u,
			"CREATE TABLE default."+name+"_local ("+columns+") ENGINE = MergeTree ORDER BY tuple()",
			"CREATE TABLE default."+name+" AS default."+name+"_local ENGINE = Distributed(dq_cluster, default, "+name+"_local, rand())")
		t.Cleanup(func() {
			connectortest.ClickHouseExec(t, u, "DROP TABLE IF EXISTS default."+name, "DROP TABLE IF EXISTS default."+name+"_local")
		})
	}
	for shard := range urls {
		var mine []string
		for i := shard; i < len(rows); i += len(urls) {
			mine = append(mine, rows[i])
		}
		if len(mine) > 0 {
			connectortest.ClickHouseExec(t, urls[shard], "INSERT INTO default."+name+"_local VALUES "+strings.Join(mine, ", "))
		}
	}
	return "default." + name
}

// chRows are the planted rows of langRows in ClickHouse's VALUES syntax
// (no DATE or TIMESTAMP keyword: the column's type reads the text).
func chRows(values string) []string {
	v := strings.NewReplacer("DATE '", "'", "TIMESTAMP '", "'").Replace(values)
	parts := strings.Split(v, "),\n (")
	for i, p := range parts {
		parts[i] = "(" + strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(p), "("), ")") + ")"
	}
	return parts
}

// Every check kind of the check language gives on the two-shard cluster,
// pushed down to the Distributed table (engine: source), what the DuckDB
// path gives on the same rows extracted from it: in full, per group, and
// on a hash sample; and the duplicate whose copies sit on different
// shards is counted.
func TestCheckLanguageClickHouseIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	prefix := fmt.Sprintf("bench_ch_lang_%d", rand.Uint32())
	records := chCluster(t, urls, prefix+"_records",
		"id Int64, cccd Nullable(String), birth_date Nullable(Date), issued_date Nullable(String), death_date Nullable(Date), "+
			"start_ts Nullable(DateTime), end_ts Nullable(DateTime), wage Nullable(Int64), score Nullable(String), province Nullable(String), "+
			"gender Nullable(String), old_cmnd Nullable(String), name Nullable(String), note Nullable(String)", chRows(langRows))
	pop := chCluster(t, urls, prefix+"_pop", "id Int64, status String", chRows(strings.ReplaceAll(popRows, "), (", "),\n (")))
	// The two copies of cccd '006' are on different shards.
	for _, u := range urls {
		require.Equal(t, "1\n", connectortest.ClickHouseExec(t, u, "SELECT count() FROM "+records+"_local WHERE cccd = '006'"))
	}
	source := `{kind: clickhouse, url: "` + urls[0] + `"}`
	at := func(engine, sample string) string {
		return langYAML(t, source, "table: "+records, "table: "+pop, engine, sample)
	}
	extract := langRun(t, at(config.EngineDuckDB, ""))
	checkLanguageTruthClickHouse(t, extract)
	requireSameResults(t, "clickhouse in source", extract, langRun(t, at(config.EngineSource, "")))

	const half = "sample: {method: hash, fraction: 0.5}"
	sampled := langRun(t, at(config.EngineDuckDB, half))
	require.Less(t, *sampled.RowsSampled, int64(8))
	requireSameResults(t, "clickhouse sampled in source", sampled, langRun(t, at(config.EngineSource, half)))
}

// checkLanguageTruthClickHouse: the planted counts that do not depend on
// the dates ClickHouse cannot hold (1969-12-31 is stored as 1970-01-01).
func checkLanguageTruthClickHouse(t *testing.T, d *scorecard.Dataset) {
	t.Helper()
	c := checksByID(d)
	counts := func(id string) [3]int64 { return [3]int64{*c[id].Rows, *c[id].Evaluated, *c[id].Failed} }
	require.Equal(t, [3]int64{8, 7, 1}, counts("gender_exact"))
	require.Equal(t, [3]int64{8, 8, 3}, counts("low_wage"))
	require.Equal(t, [3]int64{8, 6, 3}, counts("listed"))
	require.Equal(t, 3.0, *c["genders"].Value)
	require.InDelta(t, 13.2e6, *c["p90_wage"].Value, 1e-6)
	require.Equal(t, 2.0, *c["vs_pop"].Value)
	// cccd 006 twice, on different shards.
	require.InDelta(t, 1.0/7, *c["keys_dup"].Value, 1e-12)
	require.Equal(t, [3]int64{8, 7, 2}, counts("cccd_unique"))
	require.Len(t, c["cccd_unique"].Examples, 1, "the repeated key, with its count")
	require.Equal(t, map[string]any{"duplicate_keys": int64(1), "extra_rows": int64(1)}, c["cccd_unique"].Details)
}

// Cross-registry checks between two ClickHouse datasets run on
// coordinated hash samples extracted into the embedded engine: the
// samples keep the same people on both sides, whichever engine drew
// them, so the counts equal those of the same samples drawn from files.
// With both datasets engine: source, references joins them inside
// ClickHouse: the same counts on the same samples, and in full.
func TestClickHouseCrossRegistryOnCoordinatedSamplesIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	ctx := t.Context()
	var people, insured []string
	for i := 0; i < 400; i++ {
		people = append(people, fmt.Sprintf("('%012d', 'P%d')", i, i))
	}
	orphans := 0
	for i := 0; i < 300; i++ {
		key := i * 2 // half of them past the population's 400
		if key >= 400 {
			orphans++
		}
		insured = append(insured, fmt.Sprintf("('%012d', 'I%d')", key, i))
	}
	prefix := fmt.Sprintf("bench_ch_xreg_%d", rand.Uint32())
	cols := "cccd String, name String"
	pop := chCluster(t, urls, prefix+"_people", cols, people)
	ins := chCluster(t, urls, prefix+"_insured", cols, insured)

	dir := t.TempDir()
	conn := enginetest.Conn(t, engine.Options{})
	for name, rows := range map[string][]string{"people": people, "insured": insured} {
		require.NoError(t, conn.Exec(ctx, "COPY (SELECT * FROM (VALUES "+strings.Join(rows, ", ")+") AS t(cccd, name)) TO '"+
			filepath.Join(dir, name+".parquet")+"' (FORMAT parquet)"))
	}
	cfg := func(source, people, insured string) string {
		return `
output: {dir: ` + filepath.Join(t.TempDir(), "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {src: ` + source + `}
datasets:
  - id: people
    ministry: M
    source: src
    ` + people + `
    key: cccd
    sample: {method: hash, fraction: 0.5}
    checks:
      - {id: volume, kind: row_count, min: 1}
  - id: insured
    ministry: M
    source: src
    ` + insured + `
    key: cccd
    sample: {method: hash, fraction: 0.5}
    checks:
      - {id: in_population, kind: references, column: cccd, dataset: people, key: cccd}
      - {id: covers_population, kind: coverage, dataset: people, on: {cccd: cccd}}
`
	}
	var covered []*scorecard.Check // coverage, in the order of the runs
	run := func(y string) *scorecard.Check {
		out := runYAML(t, y)
		d := out.Cards[0].Datasets[1]
		require.Equal(t, "insured", d.ID)
		require.Empty(t, d.Error)
		covered = append(covered, checksByID(d)["covers_population"])
		return checksByID(d)["in_population"]
	}
	files := run(cfg("{kind: file, root: "+dir+"}", "path: people.parquet", "path: insured.parquet"))
	ch := run(cfg(`{kind: clickhouse, url: "`+urls[1]+`"}`, "table: "+pop, "table: "+ins))
	require.NotEqual(t, scorecard.Error, ch.Status, ch.Message)
	require.Equal(t, files.Evaluated, ch.Evaluated)
	require.Equal(t, files.Failed, ch.Failed)
	require.Equal(t, files.Status, ch.Status)
	// The orphans the sample keeps, counted independently.
	want, err := conn.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM range(0, 300) AS t(i) WHERE i * 2 >= 400 AND %s < 0.5",
		dialect.DuckDB{}.HashUnit("lpad(CAST(i * 2 AS VARCHAR), 12, '0')")))
	require.NoError(t, err)
	require.Equal(t, want[0], *ch.Failed)
	require.Greater(t, *ch.Failed, int64(0))
	require.Less(t, *ch.Failed, int64(orphans))

	// Both datasets kept in the cluster (engine: source): references joins
	// them inside ClickHouse, on the same coordinated samples, and in full.
	inCluster := func(table string) string { return "table: " + table + "\n    engine: source" }
	chSource := `{kind: clickhouse, url: "` + urls[0] + `"}`
	src := run(cfg(chSource, inCluster(pop), inCluster(ins)))
	require.Equal(t, scorecard.Fail, src.Status, src.Message)
	require.Equal(t, *files.Evaluated, *src.Evaluated)
	require.Equal(t, *files.Failed, *src.Failed)
	full := run(strings.ReplaceAll(cfg(chSource, inCluster(pop), inCluster(ins)), "    sample: {method: hash, fraction: 0.5}\n", ""))
	require.Equal(t, int64(300), *full.Evaluated)
	require.Equal(t, int64(orphans), *full.Failed, full.Message)
	require.Len(t, full.Examples, 5)

	// coverage: the share of the population the insured hold, joined in
	// the cluster as in the engine; in full, the 200 even keys of the
	// 400 people are insured.
	require.Len(t, covered, 4) // files, ClickHouse extracted, in the cluster, in full there
	fileCov, srcCov, fullCov := covered[0], covered[2], covered[3]
	require.Equal(t, *fileCov.Evaluated, *srcCov.Evaluated)
	require.Equal(t, *fileCov.Failed, *srcCov.Failed, srcCov.Message)
	require.Equal(t, *covered[1].Failed, *srcCov.Failed)
	require.Equal(t, int64(400), *fullCov.Evaluated)
	require.Equal(t, int64(200), *fullCov.Failed, fullCov.Message)
}
