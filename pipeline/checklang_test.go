//go:build duckdb_arrow

package pipeline

import (
	"context"

	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/scorecard"
)

// langRows are the planted rows of checks/records_test.go (see the table
// there), as a VALUES list every engine reads alike.
const langRows = `(1, '001', DATE '1990-01-01', '2010-05-01', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-02 08:00:00', 10000000, '7.5', '01', 'M', NULL, 'Nguyễn Văn An', NULL),
 (2, '002', DATE '1985-03-03', '1984-01-01', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-01 08:00:00', 12000000, '8', '01', 'F', '', 'Trần Thị Bình', ''),
 (3, '003', DATE '2000-07-07', 'N/A', DATE '2020-01-01', TIMESTAMP '2026-01-03 08:00:00', TIMESTAMP '2026-01-02 08:00:00', 8000000, 'abc', '79', 'M', 'N/A', 'Test User', 'N/A'),
 (4, '004', NULL, '2015-01-01', NULL, NULL, TIMESTAMP '2026-01-05 08:00:00', NULL, '', '79', 'f', '123456789', 'Lê Văn Cường', NULL),
 (5, '005', DATE '1970-02-02', 'not a date', DATE '1969-12-31', TIMESTAMP '2026-01-01 08:00:00', NULL, 15000000, '9', '02', 'F', NULL, 'XXX', NULL),
 (6, '006', DATE '1999-09-09', '2017-09-09', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-04 08:00:00', 9000000, '6.5', 'ZZ', NULL, NULL, 'Phạm Thị Dung', NULL),
 (7, '006', DATE '1999-09-09', '2017-09-09', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-04 08:00:00', 9000000, '6.5', '01 ', 'M', '987654321', 'Phạm Thị Dung', '  '),
 (8, NULL, DATE '2001-01-01', '2019-01-01', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-01 09:00:00', 11000000, '7', NULL, 'M', NULL, 'Hoàng Mai', NULL)`

const langColumns = "id, cccd, birth_date, issued_date, death_date, start_ts, end_ts, wage, score, province, gender, old_cmnd, name, note"

// popRows are another registry to count against: four of six alive.
const popRows = `(1, 'alive'), (2, 'alive'), (3, 'dead'), (4, 'alive'), (5, 'dead'), (6, 'alive')`

// langChecks use every new kind and option on the planted rows.
const langChecks = `
      - {id: no_placeholder, kind: not_in_set, column: name, values: [XXX, Test User]}
      - {id: gender_exact, kind: in_set, column: gender, values: [M, F]}
      - {id: no_test_name, kind: not_regex, column: name, patterns: ['^Test', '^X+$']}
      - {id: family_all, kind: regex, column: name, patterns: ['^P', 'Dung$'], match: all}
      - {id: cmnd_retired, kind: is_null, column: old_cmnd}
      - {id: wage_strict, kind: between, column: wage, min: 8000000, max: 12000000, strict_min: true, strict_max: true}
      - {id: name_len_strict, kind: length, column: name, min: 3, max: 13, strict_max: true}
      - {id: issued_after_birth, kind: compare, column: issued_date, op: '>=', with: birth_date}
      - {id: issued_never, kind: compare, column: issued_date, op: '>=', with: birth_date, ignore_rows_if: never}
      - {id: ends_after_start, kind: compare, column: end_ts, op: '>', with: start_ts}
      - {id: name_after_gender, kind: compare, column: name, op: '>', with: gender}
      - {id: score_vs_wage, kind: compare, column: score, op: '<', with: wage}
      - {id: death_after_birth, kind: expression, valid_if: "death_date IS NULL OR death_date >= birth_date", columns: [death_date, birth_date]}
      - {id: low_wage, kind: failed_rows, query: "SELECT cccd FROM _dq WHERE wage < 9500000"}
      - {id: mean_wage, kind: sql_metric, sql: "AVG(wage)", max: 10000000}
      - {id: men, kind: sql_metric, sql: "SUM(CASE WHEN gender = 'M' THEN 1 ELSE 0 END)", min: 4, max: 4}
      - {id: min_wage, kind: metric, column: wage, metric: min, min: 8000000, strict_min: true}
      - {id: mean_score, kind: metric, column: score, metric: mean, min: 7}
      - {id: sd_wage, kind: metric, column: wage, metric: stddev, max: 2000000}
      - {id: median_wage, kind: metric, column: wage, metric: median, min: 10000000, max: 10000000}
      - {id: p90_wage, kind: metric, column: wage, metric: percentile, percentile: 0.9, max: 13000000}
      - {id: oldest, kind: metric, column: birth_date, metric: min, min: 1980-01-01}
      - {id: latest_end, kind: metric, column: end_ts, metric: max, max: now}
      - {id: issued_latest, kind: metric, column: issued_date, metric: max, max: today}
      - {id: provinces, kind: metric, column: province, metric: distinct_count, min: 5, max: 5}
      - {id: genders, kind: metric, column: gender, metric: distinct_count, max: 2}
      - {id: keys_dup, kind: metric, column: cccd, metric: duplicate_share, max: 0}
      - {id: cmnd_missing, kind: metric, column: old_cmnd, metric: missing_share, min: 0.5}
      - {id: listed, kind: distinct_values, column: province, equals: ['01', '02', '79', '48']}
      - {id: code_list_used, kind: distinct_values, column: province, contains: ['01', '02', '48']}
      - {id: pair_unique_never, kind: unique, columns: [birth_date, death_date], ignore_rows_if: never}
      - {id: pair_unique_any, kind: unique, columns: [birth_date, death_date], ignore_rows_if: any_missing}
      - {id: cccd_unique, kind: unique, column: cccd}
      - {id: vs_pop, kind: row_count_compare, dataset: pop, other_where: "status = 'alive'", min: 2, max: 2}
      - {id: men_vs_pop, kind: row_count_compare, dataset: pop, where: "gender = 'M'", other_where: "status = 'alive'", max: 1}
`

// langYAML is a config reading records and pop from source (a source's
// YAML) as files (path:) or tables (table:), with engine and sample.
func langYAML(t *testing.T, source, records, pop, engine, sample string) string {
	return `
output: {dir: ` + filepath.Join(t.TempDir(), "out") + `}
history: {off: true}
examples: {limit: 5}
ministries: [{id: M, name: M}]
sources: {src: ` + source + `}
datasets:
  - id: pop
    ministry: M
    source: src
    ` + pop + `
    key: id
    engine: ` + engine + `
    checks:
      - {id: volume, kind: row_count, min: 1}
  - id: records
    ministry: M
    source: src
    ` + records + `
    key: cccd
    group_by: gender
    engine: ` + engine + `
    ` + sample + `
    mask: {gender: none}
    checks:` + langChecks
}

// langRun runs a config and returns the records dataset.
func langRun(t *testing.T, cfgYAML string) *scorecard.Dataset {
	t.Helper()
	cfg, err := config.Parse("lang.yaml", []byte(cfgYAML), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := Run(context.Background(), p, Options{})
	require.NoError(t, err)
	d := out.Cards[0].Datasets[1]
	require.Equal(t, "records", d.ID)
	require.Empty(t, d.Error)
	return d
}

// requireSameResults compares every check and group of two runs of the
// same checks: what an engine computes must not depend on which it is.
func requireSameResults(t *testing.T, name string, want, got *scorecard.Dataset) {
	t.Helper()
	byID := func(d *scorecard.Dataset) map[string]*scorecard.Check {
		m := map[string]*scorecard.Check{}
		for _, c := range d.Checks {
			m[c.ID] = c
		}
		return m
	}
	w, g := byID(want), byID(got)
	require.Len(t, g, len(w), name)
	for id, wc := range w {
		gc := g[id]
		require.NotNil(t, gc, "%s: %s", name, id)
		require.NotEqual(t, scorecard.Error, gc.Status, "%s %s: %s", name, id, gc.Message)
		require.Equal(t, wc.Status, gc.Status, "%s %s: %s / %s", name, id, wc.Message, gc.Message)
		require.Equal(t, wc.Rows, gc.Rows, "%s %s", name, id)
		require.Equal(t, wc.Evaluated, gc.Evaluated, "%s %s", name, id)
		require.Equal(t, wc.Failed, gc.Failed, "%s %s", name, id)
		require.Equal(t, wc.Estimate, gc.Estimate, "%s %s", name, id)
		require.Equal(t, len(wc.Examples), len(gc.Examples), "%s %s", name, id)
		if wc.Kind == "unique" {
			// Ranked: most copies first, then by key, on every engine;
			// the totals beside them.
			require.Equal(t, wc.Examples, gc.Examples, "%s %s", name, id)
			require.Equal(t, wc.Details, gc.Details, "%s %s", name, id)
		}
		if wc.Value != nil {
			require.NotNil(t, gc.Value, "%s %s", name, id)
			require.InDelta(t, *wc.Value, *gc.Value, 1e-9*max(1, *wc.Value), "%s %s", name, id)
		}
		require.Len(t, gc.Interval95, len(wc.Interval95), "%s %s", name, id)
		for i := range wc.Interval95 {
			require.InDelta(t, wc.Interval95[i], gc.Interval95[i], 1e-9, "%s %s", name, id)
		}
	}
	require.NotNil(t, got.Groups, name)
	require.Len(t, got.Groups.Values, len(want.Groups.Values), name)
	for i, wg := range want.Groups.Values {
		gg := got.Groups.Values[i]
		require.Equal(t, wg.Value, gg.Value, name)
		require.Equal(t, wg.Rows, gg.Rows, name)
		have := map[string]*scorecard.GroupCheck{}
		for _, gc := range gg.Checks {
			have[gc.ID] = gc
		}
		for _, wc := range wg.Checks {
			gc, ok := have[wc.ID]
			if !ok && strings.HasPrefix(name, "mariadb") && strings.HasSuffix(name, "in source") && (wc.ID == "median_wage" || wc.ID == "p90_wage") {
				// MySQL and MariaDB have no aggregate percentile: a query
				// of its own, so not per group.
				continue
			}
			require.True(t, ok, "%s group %s %s", name, wg.Value, wc.ID)
			require.Equal(t, wc.Status, gc.Status, "%s group %s %s", name, wg.Value, wc.ID)
			require.Equal(t, wc.Failed, gc.Failed, "%s group %s %s", name, wg.Value, wc.ID)
			if wc.Value != nil {
				require.InDelta(t, *wc.Value, *gc.Value, 1e-9*max(1, *wc.Value), "%s group %s %s", name, wg.Value, wc.ID)
			}
		}
	}
}

// Every new kind gives the same results on files, on extracts from
// PostgreSQL and MariaDB, and compiled into both servers' SQL
// (engine: source), in full, per group and on a hash sample.
func TestCheckLanguageEverywhereIntegration(t *testing.T) {
	servers := inSourceServers(t)
	ctx := context.Background()

	// Files: Parquet written by DuckDB keeps the column types.
	dir := t.TempDir()
	conn := enginetest.Conn(t, engine.Options{})
	for name, q := range map[string]string{
		"records": "SELECT * FROM (VALUES " + langRows + ") AS t(" + langColumns + ")",
		"pop":     "SELECT * FROM (VALUES " + popRows + ") AS t(id, status)",
	} {
		require.NoError(t, conn.Exec(ctx, "COPY ("+q+") TO '"+filepath.Join(dir, name+".parquet")+"' (FORMAT parquet)"))
	}
	files := langRun(t, langYAML(t, "{kind: file, root: "+dir+"}", "path: records.parquet", "path: pop.parquet", config.EngineDuckDB, ""))
	checkLanguageTruth(t, files)

	for server, s := range servers {
		t.Run(server, func(t *testing.T) {
			schema := strings.TrimSuffix(s.table, ".events")
			stamp, text := "TIMESTAMP", "VARCHAR(40)"
			if server == "mariadb" {
				stamp = "DATETIME"
			}
			for _, q := range []string{
				"CREATE TABLE " + schema + ".records (id INTEGER, cccd " + text + " NULL, birth_date DATE NULL, issued_date " + text +
					" NULL, death_date DATE NULL, start_ts " + stamp + " NULL, end_ts " + stamp + " NULL, wage INTEGER NULL, score " + text +
					" NULL, province " + text + " NULL, gender " + text + " NULL, old_cmnd " + text + " NULL, name " + text + " NULL, note " + text + " NULL)",
				"INSERT INTO " + schema + ".records VALUES " + langRows,
				"CREATE TABLE " + schema + ".pop (id INTEGER, status " + text + ")",
				"INSERT INTO " + schema + ".pop VALUES " + popRows,
			} {
				_, err := s.db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			at := func(engine, sample string) string {
				return langYAML(t, s.source, "table: "+schema+".records", "table: "+schema+".pop", engine, sample)
			}
			requireSameResults(t, server+" extract", files, langRun(t, at(config.EngineDuckDB, "")))
			requireSameResults(t, server+" in source", files, langRun(t, at(config.EngineSource, "")))

			const half = "sample: {method: hash, fraction: 0.5}"
			extract := langRun(t, at(config.EngineDuckDB, half))
			require.Less(t, *extract.RowsSampled, int64(8))
			requireSameResults(t, server+" sampled in source", extract, langRun(t, at(config.EngineSource, half)))
		})
	}
}

// checkLanguageTruth spot-checks the files run against the planted
// counts (checks/*_test.go has them all): the servers are then compared
// with it.
func checkLanguageTruth(t *testing.T, d *scorecard.Dataset) {
	t.Helper()
	c := map[string]*scorecard.Check{}
	for _, ch := range d.Checks {
		c[ch.ID] = ch
	}
	counts := func(id string) [3]int64 { return [3]int64{*c[id].Rows, *c[id].Evaluated, *c[id].Failed} }
	require.Equal(t, [3]int64{8, 7, 1}, counts("gender_exact"))
	require.Equal(t, [3]int64{8, 6, 2}, counts("issued_after_birth"))
	require.Equal(t, [3]int64{8, 7, 2}, counts("name_after_gender"))
	require.Equal(t, [3]int64{8, 8, 3}, counts("low_wage"))
	require.Equal(t, [3]int64{8, 6, 3}, counts("listed"))
	require.Equal(t, 3.0, *c["genders"].Value)
	require.InDelta(t, 13.2e6, *c["p90_wage"].Value, 1e-6)
	require.Equal(t, 2.0, *c["vs_pop"].Value)
	require.Equal(t, 1.0, *c["men_vs_pop"].Value)
	for _, ch := range d.Checks {
		require.NotEqual(t, scorecard.Error, ch.Status, "%s: %s", ch.ID, ch.Message)
		require.NotContains(t, ch.Details, "examples_error", ch.ID)
	}
}

// User SQL runs inside the read-only transaction of engine: source: a
// predicate or a query that would write (a sequence advanced here) fails
// its check, names the reason, and leaves the source as it was.
func TestUserSQLCannotWriteIntegration(t *testing.T) {
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			ctx := context.Background()
			schema := strings.TrimSuffix(s.table, ".events")
			for _, q := range []string{
				"CREATE TABLE " + schema + ".pop (id INTEGER, status VARCHAR(10))",
				"INSERT INTO " + schema + ".pop VALUES " + popRows,
				"CREATE SEQUENCE " + schema + ".seq",
			} {
				_, err := s.db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			next := "nextval('" + schema + ".seq')"
			if server == "mariadb" {
				next = "NEXTVAL(" + schema + ".seq)"
			}
			cfg := `
output: {dir: ` + filepath.Join(t.TempDir(), "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {src: ` + s.source + `}
datasets:
  - id: pop
    ministry: M
    source: src
    table: ` + schema + `.pop
    key: id
    engine: source
    checks:
      - {id: rule, kind: expression, valid_if: "` + next + ` > 0"}
      - {id: metric, kind: sql_metric, sql: "MAX(` + next + `)", min: 0}
      - {id: rows, kind: failed_rows, query: "SELECT id FROM _dq WHERE ` + next + ` > 0"}
      - {id: alive, kind: sql_metric, sql: "SUM(CASE WHEN status = 'alive' THEN 1 ELSE 0 END)", min: 4, max: 4}
`
			parsed, err := config.Parse("w.yaml", []byte(cfg), nil)
			require.NoError(t, err)
			p, err := Prepare(parsed, nil)
			require.NoError(t, err)
			defer p.Close()
			out, err := Run(ctx, p, Options{})
			require.NoError(t, err)
			d := out.Cards[0].Datasets[0]
			for _, c := range d.Checks {
				if c.ID == "alive" {
					require.Equal(t, scorecard.Pass, c.Status, c.Message)
					continue
				}
				require.Equal(t, scorecard.Error, c.Status, c.ID)
				require.Regexp(t, "(?i)read[- ]only transaction", c.Message, c.ID)
			}
			var n int64
			q := "SELECT last_value FROM " + schema + ".seq"
			if server == "mariadb" {
				q = "SELECT next_not_cached_value FROM " + schema + ".seq"
			}
			require.NoError(t, s.db.QueryRowContext(ctx, q).Scan(&n))
			require.Equal(t, int64(1), n, "the sequence never advanced")
		})
	}
}
