//go:build duckdb_arrow

package planner_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// people has planted defects whose exact counts every test below knows:
//
//	row province cccd          gender grade
//	1   01       001099012345  M      10
//	2   01       001099012345  F      3     <- cccd dup of 1
//	3   01       00109901234   X      13    <- 11 digits, gender, grade
//	4   02       NULL          M      abc   <- cccd missing, grade not a number
//	5   02       ''            NULL   NULL  <- cccd blank, gender missing
//	6   02       079185000001  f      12    <- gender lower case
//	7   NULL     079185000002  F      1
//	8   NULL     07918500000A  F      7     <- cccd with a letter
const people = `CREATE TABLE people AS SELECT * FROM (VALUES
 (1, '01', '001099012345', 'M', '10'),
 (2, '01', '001099012345', 'F', '3'),
 (3, '01', '00109901234', 'X', '13'),
 (4, '02', NULL, 'M', 'abc'),
 (5, '02', '', NULL, NULL),
 (6, '02', '079185000001', 'f', '12'),
 (7, NULL, '079185000002', 'F', '1'),
 (8, NULL, '07918500000A', 'F', '7')
) AS t(id, province, cccd, gender, grade)`

// defects are checks of every shape on people: aggregate row checks
// sharing metrics, a table check and a check with a query of its own.
const defects = `
- {id: cccd_complete, kind: not_null, column: cccd}
- {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
- {id: cccd_format_mostly, kind: regex, column: cccd, pattern: '^[0-9]{12}$', mostly: 0.5}
- {id: gender, kind: in_set, column: gender, values: [M, F]}
- {id: grade_range, kind: between, column: grade, min: 1, max: 12}
- {id: volume, kind: row_count, min: 5}
- {id: cccd_unique, kind: unique, column: cccd}
`

// castSum sums a column as integers: its one metric fails inside the
// engine on a value that is not a number, as a metric can at run time
// although the check planned fine.
type castSum struct {
	column string
	sum    checks.Metric
}

var _ checks.Check = (*castSum)(nil)

func (c *castSum) Init(spec *config.Check) error {
	c.column = spec.Column
	return nil
}

func (c *castSum) Plan(s checks.Scope) error {
	col, err := s.Column(c.column)
	if err != nil {
		return err
	}
	c.sum = s.Aggregate(fmt.Sprintf("SUM(CAST(%s AS INTEGER))", col.SQL))
	return nil
}

func (c *castSum) Evaluate(v checks.Values, r *result.Check) {
	sum, _ := v.Float(c.sum)
	r.Value, r.Status = &sum, result.Pass
}

func init() {
	checks.Register(checks.Kind{Name: "test_cast_sum", Dimension: "correct", New: func() checks.Check { return &castSum{} }})
}

// recorder runs queries on a real engine and keeps them, so a test sees
// which queries a plan ran.
type recorder struct {
	conn    *engine.Conn
	queries []string
}

var _ planner.Executor = (*recorder)(nil)

func (r *recorder) QueryRow(ctx context.Context, query string) ([]any, error) {
	r.queries = append(r.queries, query)
	return r.conn.QueryRow(ctx, query)
}

func (r *recorder) QueryRows(ctx context.Context, query string) ([][]any, error) {
	r.queries = append(r.queries, query)
	return r.conn.QueryRows(ctx, query)
}

// fixture is the people table in a private engine.
type fixture struct {
	t   *testing.T
	ctx context.Context
	rec *recorder
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "512MB", Threads: 1})
	require.NoError(t, conn.Exec(ctx, people))
	return &fixture{t: t, ctx: ctx, rec: &recorder{conn: conn}}
}

// plan plans the checks written in YAML (a list) on people, keyed by
// cccd; sampled says the 8 rows are a sample of 80.
func (f *fixture) plan(checksYAML string, sampled bool) *planner.Plan {
	f.t.Helper()
	cfgYAML := "ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: people\n    ministry: M\n    source: s\n    key: cccd\n    checks:\n" + indent(checksYAML, "      ")
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML), nil)
	require.NoError(f.t, err)
	ds := &cfg.Datasets[0]
	var built []*checks.Built
	for i := range ds.Checks {
		b, err := checks.Build(cfg, &ds.Checks[i])
		require.NoError(f.t, err)
		built = append(built, b)
	}
	desc, err := f.rec.conn.Describe(f.ctx, "people")
	require.NoError(f.t, err)
	d := dialect.DuckDB{}
	var cols []checks.Column
	for _, c := range desc {
		cols = append(cols, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
	}
	pds := planner.Dataset{
		Dialect: d, Table: d.Ident("people"), Columns: cols, Key: "cccd",
		Now:       time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC),
		Tokens:    func(c *config.Check) []string { return cfg.MissingTokens(ds, c) },
		RowsTotal: -1,
	}
	if sampled {
		pds.RowsTotal, pds.Sampled = 80, true
		pds.Sample = sampling.Design{Method: "hash", Fraction: 0.1, Key: "cccd"}
	}
	return planner.New(pds, built)
}

// run runs the plan and keys its outcomes by check id, keeping the order.
func (f *fixture) run(p *planner.Plan, o planner.Options) (map[string]planner.Outcome, []string) {
	f.t.Helper()
	out := map[string]planner.Outcome{}
	var ids []string
	for _, oc := range p.Run(f.ctx, f.rec, o) {
		id := oc.Built.Spec.ID
		require.NotContains(f.t, out, id)
		out[id] = oc
		ids = append(ids, id)
	}
	return out, ids
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = pre + strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n") + "\n"
}

// counts is rows, evaluated, failed.
type counts [3]int64

func requireCounts(t *testing.T, res map[string]planner.Outcome, id string, want counts, status result.Status) {
	t.Helper()
	oc, ok := res[id]
	require.True(t, ok, "no outcome for %s", id)
	r := oc.Result
	require.Equal(t, status, r.Status, "status of %s: %s", id, r.Message)
	require.NotNil(t, r.Rows, id)
	require.Equal(t, want, counts{*r.Rows, *r.Evaluated, *r.Failed}, id)
	require.InDelta(t, 1-float64(want[2])/float64(want[1]), *r.PassRate, 1e-12, id)
}

// requireDefects asserts the exact results of the defects checks; volume
// is the population size when known, else the rows checked.
func requireDefects(t *testing.T, res map[string]planner.Outcome, volume float64) {
	t.Helper()
	requireCounts(t, res, "cccd_complete", counts{8, 8, 2}, result.Fail)
	requireCounts(t, res, "cccd_format", counts{8, 6, 2}, result.Fail)
	requireCounts(t, res, "cccd_format_mostly", counts{8, 6, 2}, result.Pass)
	requireCounts(t, res, "gender", counts{8, 7, 2}, result.Fail)
	requireCounts(t, res, "grade_range", counts{8, 7, 2}, result.Fail)
	requireCounts(t, res, "cccd_unique", counts{8, 6, 2}, result.Fail)
	require.Equal(t, map[string]any{"duplicate_keys": int64(1), "extra_rows": int64(1)}, res["cccd_unique"].Result.Details)
	vol := res["volume"].Result
	require.Equal(t, result.Pass, vol.Status, vol.Message)
	require.Equal(t, volume, *vol.Value)
	require.Nil(t, vol.PassRate, "a table check has no pass rate")
}

func TestFusedScanSharesMetrics(t *testing.T) {
	f := newFixture(t)
	p := f.plan(defects, false)
	// 17 metrics asked for, 8 distinct: COUNT(*) (every check); cccd's
	// missing count (not_null); cccd's non-missing count (both regexes and
	// unique); the pattern's failures (both regexes); gender's and grade's
	// non-missing and failing counts.
	require.Equal(t, 8, p.Metrics())
	fused := p.FusedSQL()
	require.Contains(t, fused, " AS m7")
	require.NotContains(t, fused, " AS m8")
	require.Equal(t, 1, strings.Count(fused, "COUNT(*)"), "COUNT(*) computed once")
	require.Len(t, p.SQL(), 2, "the fused scan, then unique's own query")
	require.Equal(t, fused, p.SQL()[0])
	require.Contains(t, p.SQL()[1], "GROUP BY")
	require.Empty(t, p.PlanErrors())

	res, ids := f.run(p, planner.Options{})
	require.Equal(t, []string{"cccd_complete", "cccd_format", "cccd_format_mostly", "gender", "grade_range", "volume", "cccd_unique"}, ids,
		"outcomes in the checks' order")
	require.Equal(t, p.SQLFor(planner.Options{}), f.rec.queries, "one fused scan and one query, no example without a limit")
	requireDefects(t, res, 8)
	for id, oc := range res {
		require.Nil(t, oc.Examples, id)
		require.Nil(t, oc.Result.Interval95, "%s: the rows are not a sample", id)
	}
	require.Equal(t, map[string]any{"cccd": int64(2)}, res["cccd_complete"].Result.Details["missing"])

	// Unfused, the same results from one query per check with metrics
	// (all seven) plus unique's own.
	f.rec.queries = nil
	unfused, _ := f.run(f.plan(defects, false), planner.Options{Unfused: true})
	require.Len(t, f.rec.queries, 8)
	for id, oc := range res {
		require.Equal(t, oc.Result, unfused[id].Result, id)
	}
}

func TestFailingMetricFallsBackToOneAtATime(t *testing.T) {
	f := newFixture(t)
	p := f.plan(`
- {id: grade_sum, kind: test_cast_sum, column: grade}
- {id: id_sum, kind: test_cast_sum, column: id}
- {id: cccd_complete, kind: not_null, column: cccd}
- {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
- {id: gender, kind: in_set, column: gender, values: [M, F]}
- {id: volume, kind: row_count, min: 5}
`, false)
	require.Empty(t, p.PlanErrors(), "the cast fails on the data, not while planning")
	res, _ := f.run(p, planner.Options{})

	// The fused scan fails on 'abc', then each metric runs on its own.
	require.Len(t, f.rec.queries, 1+p.Metrics())
	require.Equal(t, p.FusedSQL(), f.rec.queries[0])
	for _, q := range f.rec.queries[1:] {
		require.NotContains(t, q, " AS m0", "one metric per query")
	}

	g := res["grade_sum"].Result
	require.Equal(t, result.Error, g.Status)
	require.Contains(t, g.Message, "metric failed")
	require.Contains(t, g.Message, "abc", "the engine's reason")
	require.Nil(t, g.Value)

	// The same kind on a column that casts, and every other check, are
	// scored as if nothing had failed.
	id := res["id_sum"].Result
	require.Equal(t, result.Pass, id.Status, id.Message)
	require.Equal(t, 36.0, *id.Value)
	requireCounts(t, res, "cccd_complete", counts{8, 8, 2}, result.Fail)
	requireCounts(t, res, "cccd_format", counts{8, 6, 2}, result.Fail)
	requireCounts(t, res, "gender", counts{8, 7, 2}, result.Fail)
	require.Equal(t, 8.0, *res["volume"].Result.Value)
}

func TestExamplesOnlyForFailingChecks(t *testing.T) {
	f := newFixture(t)
	const y = defects + `
- {id: cccd_format_warn, kind: regex, column: cccd, pattern: '^[0-9]{12}$', mostly: 0.5, warn: {mostly: 0.9}}
- {id: gender_one, kind: in_set, column: gender, values: [M, F], examples: 1}
- {id: gender_none, kind: in_set, column: gender, values: [M, F], examples: 0}
`
	p := f.plan(y, false)
	res, _ := f.run(p, planner.Options{ExampleLimit: 5})
	requireCounts(t, res, "cccd_format_warn", counts{8, 6, 2}, result.Warn)
	// The duplicates' counts and examples come from one GROUP BY.
	grouped := 0
	for _, q := range f.rec.queries {
		grouped += strings.Count(q, `GROUP BY CAST("cccd" AS VARCHAR)`)
	}
	require.Equal(t, 1, grouped, "unique groups the table once, for its counts and its examples")
	require.Equal(t, map[string]any{"duplicate_keys": int64(1), "extra_rows": int64(1)}, res["cccd_unique"].Result.Details)

	// Failing and warning checks get examples (key and value only, the key
	// left out when it is the checked column); passing ones do not, even
	// with failed rows (cccd_format_mostly).
	want := map[string][][]any{
		"cccd_complete":    {{nil}, {""}},
		"cccd_format":      {{"00109901234"}, {"07918500000A"}},
		"cccd_format_warn": {{"00109901234"}, {"07918500000A"}},
		"gender":           {{"00109901234", "X"}, {"079185000001", "f"}},
		"grade_range":      {{"00109901234", "13"}, {nil, "abc"}},
		"cccd_unique":      {{"001099012345", int64(2)}},
	}
	for id, oc := range res {
		rows, failing := want[id]
		switch {
		case id == "gender_one":
			require.NotNil(t, oc.Examples, id)
			require.Len(t, oc.Rows, 1, "the check's own examples: cap the run's limit")
		case !failing:
			require.Nil(t, oc.Examples, id)
			require.Nil(t, oc.Rows, id)
		default:
			require.NotNil(t, oc.Examples, id)
			require.ElementsMatch(t, rows, oc.Rows, id)
		}
	}
	require.Equal(t, "cccd", res["gender"].Examples.Key)
	require.Equal(t, []string{"gender"}, res["gender"].Examples.Values)
	require.True(t, res["cccd_unique"].Examples.HasCount)

	// One example query per check that got examples, capped by the limit.
	var examples []string
	for _, q := range f.rec.queries {
		if strings.HasSuffix(q, " LIMIT 5") || strings.HasSuffix(q, " LIMIT 1") {
			examples = append(examples, q)
		}
	}
	require.Len(t, examples, len(want)+1)

	// The run's limit caps every check.
	res, _ = f.run(f.plan(y, false), planner.Options{ExampleLimit: 1})
	for id := range want {
		require.Len(t, res[id].Rows, 1, id)
	}

	// No limit, no example query.
	f.rec.queries = nil
	p = f.plan(y, false)
	res, _ = f.run(p, planner.Options{})
	require.Equal(t, p.SQLFor(planner.Options{}), f.rec.queries)
	for id, oc := range res {
		require.Nil(t, oc.Examples, id)
		require.Nil(t, oc.Rows, id)
	}
}

func TestRunGroupsAddUpToTotals(t *testing.T) {
	f := newFixture(t)
	p := f.plan(defects+"- {id: ghost, kind: not_null, column: nope}\n", false)
	totals, _ := f.run(p, planner.Options{})

	f.rec.queries = nil
	groups, truncated, err := p.RunGroups(f.ctx, f.rec, dialect.DuckDB{}.Ident("province"), 0)
	require.NoError(t, err)
	require.False(t, truncated)
	require.Len(t, f.rec.queries, 1, "one query for every group")

	require.Len(t, groups, 3)
	var values []string
	var rows int64
	for _, g := range groups {
		values = append(values, g.Value)
		rows += g.Rows
	}
	require.Equal(t, []string{"01", "02", "NULL"}, values, "key order, the NULL group last")
	require.Equal(t, []int64{3, 3, 2}, []int64{groups[0].Rows, groups[1].Rows, groups[2].Rows})
	require.Equal(t, int64(8), rows)

	// Checks with a query of their own (unique) or no plan (ghost) are not
	// grouped; the others add up to their totals.
	sum := map[string]*counts{}
	var volume float64
	for _, g := range groups {
		var ids []string
		for _, gc := range g.Checks {
			id := gc.Built.Spec.ID
			ids = append(ids, id)
			r := gc.Result
			if r.Value != nil {
				volume += *r.Value
				continue
			}
			if sum[id] == nil {
				sum[id] = &counts{}
			}
			sum[id][0] += *r.Rows
			sum[id][1] += *r.Evaluated
			sum[id][2] += *r.Failed
		}
		// volume judges the dataset as a whole: no group has it.
		require.Equal(t, []string{"cccd_complete", "cccd_format", "cccd_format_mostly", "gender", "grade_range"}, ids, g.Value)
	}
	require.Len(t, sum, 5)
	for id, s := range sum {
		r := totals[id].Result
		require.Equal(t, counts{*r.Rows, *r.Evaluated, *r.Failed}, *s, id)
	}
	require.Zero(t, volume)

	// Per group, the planted defects: gender X in 01, f in 02.
	gender := func(g planner.Group) counts {
		for _, gc := range g.Checks {
			if gc.Built.Spec.ID == "gender" {
				return counts{*gc.Result.Rows, *gc.Result.Evaluated, *gc.Result.Failed}
			}
		}
		return counts{}
	}
	require.Equal(t, []counts{{3, 3, 1}, {3, 2, 1}, {2, 2, 0}}, []counts{gender(groups[0]), gender(groups[1]), gender(groups[2])})

	groups, truncated, err = p.RunGroups(f.ctx, f.rec, dialect.DuckDB{}.Ident("province"), 2)
	require.NoError(t, err)
	require.True(t, truncated)
	require.Len(t, groups, 2)
	require.Equal(t, "02", groups[1].Value)
}

func TestPlanErrorIsReported(t *testing.T) {
	f := newFixture(t)
	p := f.plan(`
- {id: ghost, kind: not_null, column: nope}
- {id: half_ghost, kind: unique, columns: [cccd, nope]}
- {id: gender, kind: in_set, column: gender, values: [M, F]}
`, false)
	errs := p.PlanErrors()
	require.Len(t, errs, 2)
	require.ErrorContains(t, errs["ghost"], `column "nope" not found in the dataset (columns: id, province, cccd, gender, grade)`)
	require.Equal(t, 3, p.Metrics(), "gender's alone")

	res, _ := f.run(p, planner.Options{ExampleLimit: 5})
	for _, id := range []string{"ghost", "half_ghost"} {
		r := res[id].Result
		require.Equal(t, result.Error, r.Status, id)
		require.Equal(t, errs[id].Error(), r.Message, id)
		require.Nil(t, r.Rows, id)
		require.Nil(t, r.PassRate, id)
		require.Nil(t, res[id].Examples, id)
	}
	requireCounts(t, res, "gender", counts{8, 7, 2}, result.Fail)
}

func TestSampledRowChecksGetAnInterval(t *testing.T) {
	f := newFixture(t)
	res, _ := f.run(f.plan(defects, true), planner.Options{})
	requireDefects(t, res, 80)
	for id, oc := range res {
		r := oc.Result
		if r.PassRate == nil {
			require.Nil(t, r.Interval95, "%s: a table check has no interval", id)
			continue
		}
		// n = 8 rows in the sample, N = 80 in the population.
		lo, hi := sampling.Wilson(*r.Evaluated-*r.Failed, *r.Evaluated, 80, 8)
		require.Equal(t, []float64{lo, hi}, r.Interval95, id)
		require.LessOrEqual(t, lo, *r.PassRate, id)
		require.GreaterOrEqual(t, hi, *r.PassRate, id)
	}
	require.NotNil(t, res["gender"].Result.Interval95)
}

// gone is a source that answers no query.
type gone struct{ queries int }

func (g *gone) QueryRow(context.Context, string) ([]any, error) {
	g.queries++
	return nil, errors.New("connection refused")
}

func (g *gone) QueryRows(context.Context, string) ([][]any, error) {
	g.queries++
	return nil, errors.New("connection refused")
}

// TestRowsCountedByTheFusedScan: the rows read come from the fused
// scan's COUNT(*), which every plan has, not from a query of their own;
// when the fused scan fails, the count runs first and, failing too, stops
// the metric-by-metric retry.
func TestRowsCountedByTheFusedScan(t *testing.T) {
	f := newFixture(t)
	p := f.plan("- {id: id_sum, kind: test_cast_sum, column: id}\n", false)
	_, err := p.RowsRead()
	require.Error(t, err, "not before the plan ran")
	require.Equal(t, 2, p.Metrics(), "the check's sum and the plan's count")
	res, _ := f.run(p, planner.Options{})
	require.Equal(t, []string{p.FusedSQL()}, f.rec.queries, "one query")
	rows, err := p.RowsRead()
	require.NoError(t, err)
	require.Equal(t, int64(8), rows)
	require.Equal(t, 36.0, *res["id_sum"].Result.Value)

	// Unfused, the count is one more query when no check has it.
	f.rec.queries = nil
	p = f.plan("- {id: id_sum, kind: test_cast_sum, column: id}\n", false)
	f.run(p, planner.Options{Unfused: true})
	require.Len(t, f.rec.queries, 2)
	rows, err = p.RowsRead()
	require.NoError(t, err)
	require.Equal(t, int64(8), rows)

	// A source that is gone: the fused scan, the count, and no more.
	p = f.plan(defects, false)
	g := &gone{}
	for _, oc := range p.Run(f.ctx, g, planner.Options{ExampleLimit: 5}) {
		require.Equal(t, result.Error, oc.Result.Status, oc.Built.Spec.ID)
	}
	_, err = p.RowsRead()
	require.ErrorContains(t, err, "connection refused")
	require.Equal(t, 3, g.queries, "fused scan, count, unique's own query")
}

// TestGroupedRunReadsOnce: with a group_by, the fused scan runs grouped
// and the dataset's counts are the sums of the groups', so the rows are
// read once for both (plus unique's own query); a metric that does not
// combine (a sum of casts) gets a scan of its own, and only it.
func TestGroupedRunReadsOnce(t *testing.T) {
	f := newFixture(t)
	province := dialect.DuckDB{}.Ident("province")
	p := f.plan(defects, false)
	want, _ := f.run(p, planner.Options{ExampleLimit: 5})
	wantGroups, _, err := p.RunGroups(f.ctx, f.rec, province, 0)
	require.NoError(t, err)

	f.rec.queries = nil
	p = f.plan(defects, false)
	got, _ := f.run(p, planner.Options{ExampleLimit: 5, GroupBy: province})
	var reads []string
	for _, q := range f.rec.queries {
		if !strings.HasSuffix(q, " LIMIT 5") { // not an example's query
			reads = append(reads, q)
		}
	}
	require.Len(t, reads, 1, "the grouped scan, and unique's query with its examples")
	require.Contains(t, reads[0], "GROUP BY 1")
	requireDefects(t, got, 8)
	for id, oc := range want {
		require.Equal(t, oc.Result, got[id].Result, id)
		require.Equal(t, oc.Rows, got[id].Rows, "%s: the same examples", id)
	}
	groups, truncated, err := p.Groups()
	require.NoError(t, err)
	require.False(t, truncated)
	require.Len(t, groups, 3)
	require.Equal(t, groupResults(wantGroups), groupResults(groups))
	rows, err := p.RowsRead()
	require.NoError(t, err)
	require.Equal(t, int64(8), rows)

	// A sum of casts does not combine: one scan for it alone.
	f.rec.queries = nil
	p = f.plan(defects+"- {id: id_sum, kind: test_cast_sum, column: id}\n", false)
	got, _ = f.run(p, planner.Options{GroupBy: province})
	require.Len(t, f.rec.queries, 3)
	require.Contains(t, f.rec.queries[1], "\nSELECT SUM(CAST(\"id\" AS INTEGER)) AS m")
	require.NotContains(t, f.rec.queries[1], "COUNT(*)")
	require.Equal(t, 36.0, *got["id_sum"].Result.Value)
	requireDefects(t, got, 8)

	// A grouped scan that fails leaves the groups' error and the
	// dataset's results from the plain fused scan.
	f.rec.queries = nil
	p = f.plan(defects, false)
	got, _ = f.run(p, planner.Options{GroupBy: `"no_such_column"`})
	requireDefects(t, got, 8)
	_, _, err = p.Groups()
	require.ErrorContains(t, err, "no_such_column")
}

// groupResults are groups' values, sizes and results by check id.
func groupResults(groups []planner.Group) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, g := range groups {
		m := map[string]any{"rows": g.Rows}
		for _, gc := range g.Checks {
			m[gc.Built.Spec.ID] = *gc.Result
		}
		out[g.Value] = m
	}
	return out
}
