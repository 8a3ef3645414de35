//go:build duckdb_arrow

package checks_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// A registry (reg, key bhxh) and a population (pop, key cccd) with planted
// defects, in table order:
//
//	reg  bhxh cccd  full_name            dob
//	     R1   001   Nguyễn Văn An (NFD)  1990-01-01  agrees (NFC)
//	     R2   002   TRẦN  THỊ   BÌNH     1985-02-02  agrees (case, spaces)
//	     R3   003   Le Van Cuong         1970-03-03  name disagrees (accents)
//	     R4   999   Ghost                2000-01-01  orphan
//	     R5   NULL  No Id                NULL        not evaluated
//	     R6   N/A   Token Id             NULL        missing (token), matches nothing
//	     R7   005   Hoàng Minh           2015-05-05  005 twice in pop: MIN name agrees
//	     R8   888   Ghost Two            NULL        orphan
//	     R9   006   Đặng Thu             1999-06-07  birth date disagrees
//
// pop holds 001, 002, 003, 005 (twice when dup), 006, 777 (matched by
// nothing), an N/A key (missing: matched by nothing either) and two NULL
// keys (which leave the other keys unique).
func pairRegistries(dup bool) []string {
	pop005 := `('005', 'Hoàng Minh', DATE '2015-05-05'),`
	if dup {
		pop005 += `('005', 'Hoàng Minh Tuấn', DATE '2015-05-06'),`
	}
	return []string{
		`CREATE TABLE reg AS SELECT * FROM (VALUES
		 ('R1', '001', '` + norm.NFD.String("Nguyễn Văn An") + `', DATE '1990-01-01'),
		 ('R2', '002', ' TRẦN  THỊ   BÌNH ', DATE '1985-02-02'),
		 ('R3', '003', 'Le Van Cuong', DATE '1970-03-03'),
		 ('R4', '999', 'Ghost', DATE '2000-01-01'),
		 ('R5', NULL, 'No Id', NULL),
		 ('R6', 'N/A', 'Token Id', NULL),
		 ('R7', '005', 'Hoàng Minh', DATE '2015-05-05'),
		 ('R8', '888', 'Ghost Two', NULL),
		 ('R9', '006', 'Đặng Thu', DATE '1999-06-07')
		) AS t(bhxh, cccd, full_name, dob)`,
		`CREATE TABLE pop AS SELECT * FROM (VALUES
		 ('001', 'Nguyễn Văn An', DATE '1990-01-01'),
		 (NULL, 'Nobody', DATE '1990-01-01'),
		 ('002', 'Trần Thị Bình', DATE '1985-02-02'),
		 ('003', 'Lê Văn Cường', DATE '1970-03-03'),
		 ('N/A', 'Placeholder', NULL),
		 ('777', 'Seven', NULL),
		 ` + pop005 + `
		 (NULL, 'Nobody Else', NULL),
		 ('006', 'Đặng Thu', DATE '1999-06-06')
		) AS t(cccd, full_name, dob)`,
	}
}

// counting is an executor that records every query it runs.
type counting struct {
	conn planner.Executor
	sql  []string
}

func (c *counting) QueryRow(ctx context.Context, q string) ([]any, error) {
	c.sql = append(c.sql, q)
	return c.conn.QueryRow(ctx, q)
}

func (c *counting) QueryRows(ctx context.Context, q string) ([][]any, error) {
	c.sql = append(c.sql, q)
	return c.conn.QueryRows(ctx, q)
}

const pairChecks = `
- {id: in_pop, kind: references, column: cccd, dataset: pop, key: cccd, examples: 1}
- {id: agrees, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {full_name: {compare: name}, dob: {compare: date}}}
- {id: agrees_no_accents, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {full_name: {compare: name, diacritics: false}}}
`

// pairFixture is a fixture with reg and pop.
func pairFixture(t *testing.T, dup bool) *fixture {
	f := newFixture(t)
	for _, q := range pairRegistries(dup) {
		require.NoError(t, f.conn.Exec(f.ctx, q))
	}
	return f
}

// runPair plans pairChecks on reg against pop and runs them through a
// counting executor; keys is what the run knows of keys (nil: nothing
// shared).
func runPair(t *testing.T, f *fixture, keys *planner.UniqueKeys) (map[string]planner.Outcome, *counting) {
	return runPairChecks(t, f, keys, pairChecks, nil)
}

// runPairChecks is runPair with other checks, and before (nil: nothing)
// run between planning and running.
func runPairChecks(t *testing.T, f *fixture, keys *planner.UniqueKeys, checksYAML string, before func()) (map[string]planner.Outcome, *counting) {
	cfg, err := config.Parse("test.yaml", []byte("ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: reg\n    ministry: M\n    source: s\n    key: bhxh\n    checks:\n"+indent(checksYAML, "      ")), nil)
	require.NoError(t, err)
	ds := &cfg.Datasets[0]
	me := f.relation("reg", "bhxh", full)
	plan := planner.New(planner.Dataset{
		Dialect: dialect.DuckDB{}, Table: me.Table, Columns: me.Columns, Key: "bhxh", Now: runStart,
		Tokens: func(c *config.Check) []string { return cfg.MissingTokens(ds, c) }, RowsTotal: 9, Sample: full,
		Others:     map[string]planner.OtherResult{"pop": {Relation: f.relation("pop", "cccd", full)}},
		UniqueKeys: keys,
	}, f.build(cfg, ds))
	if before != nil {
		before()
	}
	ex := &counting{conn: f.conn}
	out := map[string]planner.Outcome{}
	for _, oc := range plan.Run(f.ctx, ex, planner.Options{ExampleLimit: 5}) {
		out[oc.Built.Spec.ID] = oc
	}
	return out, ex
}

func TestPairOneJoinForEveryCheck(t *testing.T) {
	for _, dup := range []bool{false, true} {
		out, ex := runPair(t, pairFixture(t, dup), nil)
		res := map[string]*result.Check{}
		for id, oc := range out {
			res[id] = oc.Result
		}
		// R4 and R8 are not in pop; R5 (NULL) and R6 (N/A) are not
		// evaluated, and N/A in pop matches nothing either.
		requireCounts(t, res, "in_pop", counts{9, 7, 2}, result.Fail)
		// Matched: R1 R2 R3 R7 R9. R1's NFD name and R2's case and spaces
		// agree; R3 without accents and R9's birth date do not. R7's
		// 005 repeats in pop (dup): its first name (MIN) agrees.
		requireCounts(t, res, "agrees", counts{9, 5, 2}, result.Fail)
		require.Equal(t, map[string]any{
			"dob":       map[string]any{"evaluated": int64(5), "failed": int64(1)},
			"full_name": map[string]any{"evaluated": int64(5), "failed": int64(1)},
		}, res["agrees"].Details["columns"])
		require.Equal(t, int64(5), res["agrees"].Details["matched"])
		requireCounts(t, res, "agrees_no_accents", counts{9, 5, 0}, result.Pass)

		// The first failing rows in reg's order, collected in the join's
		// pass: key and checked column, as many as the check shows.
		require.Equal(t, [][]any{{"R4", "999"}}, out["in_pop"].Rows)
		require.Equal(t, "bhxh", out["in_pop"].Examples.Key)
		require.Equal(t, []string{"cccd"}, out["in_pop"].Examples.Values)
		require.Equal(t, [][]any{{"R3", "003"}, {"R9", "006"}}, out["agrees"].Rows)
		require.Nil(t, out["agrees_no_accents"].Rows, "a passing check lists none")

		// One fused scan, whether pop's keys are unique, and one join for
		// the three checks: pop as it is, or grouped by key when a key
		// repeats (005).
		require.Len(t, ex.sql, 3, strings.Join(ex.sql, "\n---\n"))
		require.Contains(t, ex.sql[1], `COUNT(DISTINCT CAST(o."cccd" AS VARCHAR))`)
		require.Contains(t, ex.sql[2], `LEFT JOIN (SELECT CAST(o."cccd" AS VARCHAR) AS _dq_k`)
		require.Equal(t, dup, strings.Contains(ex.sql[2], "GROUP BY"), ex.sql[2])
	}
}

// A run measures whether a dataset's key repeats once, whichever of its
// datasets join it.
func TestPairUniquenessMeasuredOncePerRun(t *testing.T) {
	f := pairFixture(t, true)
	var keys planner.UniqueKeys
	_, first := runPair(t, f, &keys)
	out, second := runPair(t, f, &keys)
	require.Len(t, first.sql, 3)
	require.Contains(t, first.sql[1], "COUNT(DISTINCT")
	require.Len(t, second.sql, 2, "fused scan and the join, grouped as the run learnt")
	require.Contains(t, second.sql[1], "GROUP BY")
	requireCounts(t, map[string]*result.Check{"agrees": out["agrees"].Result}, "agrees", counts{9, 5, 2}, result.Fail)
}

// A join that fails makes its checks error, and only them.
func TestPairErrorFailsItsChecksOnly(t *testing.T) {
	f := pairFixture(t, false)
	out, _ := runPairChecks(t, f, nil, `
- {id: in_pop, kind: references, column: cccd, dataset: pop, key: cccd}
- {id: agrees, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {dob: {compare: date}}}
- {id: bhxh_complete, kind: not_null, column: bhxh}
`, func() { require.NoError(t, f.conn.Exec(f.ctx, "DROP TABLE pop")) })
	for _, id := range []string{"in_pop", "agrees"} {
		require.Equal(t, result.Error, out[id].Result.Status, id)
		require.Contains(t, out[id].Result.Message, "join with pop failed: are the keys of pop unique: ", id)
	}
	requireCounts(t, map[string]*result.Check{"c": out["bhxh_complete"].Result}, "c", counts{9, 9, 0}, result.Pass)
}

// On several threads the examples are still the first failing rows in
// the dataset's order: a pass collects them by rowid, where a query with
// a LIMIT would list whichever rows a thread reached first.
func TestPairExamplesInDatasetOrderOnThreads(t *testing.T) {
	ctx := context.Background()
	f := &fixture{t: t, ctx: ctx, conn: enginetest.Conn(t, engine.Options{Threads: 2})}
	// Every 1000th row of reg (from row 500 on) is unknown to pop.
	for _, q := range []string{
		`CREATE TABLE reg AS SELECT 'R' || i AS bhxh, lpad(CAST(CASE WHEN i % 1000 = 500 THEN 1000000 + i ELSE i END AS VARCHAR), 12, '0') AS cccd,
		   'Name ' || i AS full_name, DATE '2000-01-01' AS dob FROM range(300000) t(i)`,
		`CREATE TABLE pop AS SELECT lpad(CAST(i AS VARCHAR), 12, '0') AS cccd, 'Name ' || i AS full_name, DATE '2000-01-01' AS dob FROM range(300000) t(i)`,
	} {
		require.NoError(t, f.conn.Exec(ctx, q))
	}
	out, _ := runPairChecks(t, f, nil, `- {id: in_pop, kind: references, column: cccd, dataset: pop, key: cccd}`, nil)
	require.Equal(t, int64(300), *out["in_pop"].Result.Failed)
	require.Equal(t, [][]any{
		{"R500", "000001000500"}, {"R1500", "000001001500"}, {"R2500", "000001002500"},
		{"R3500", "000001003500"}, {"R4500", "000001004500"},
	}, out["in_pop"].Rows)
}
