//go:build duckdb_arrow

package checks_test

import (
	"context"
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
//	row cccd            name            dob         gender grade updated_at
//	1   001099012345    Nguyễn Văn An   1990-01-02  M      10
//	2   001099012345    Trần Thị Bình   1985-05-05  F      3      <- cccd dup of 1
//	3   00109901234     Lê Văn Cường    1970-07-07  X      13     <- 11 digits, gender, grade
//	4   NULL            N/A             NULL        M      abc    <- missing x3, grade not a number
//	5   ''              ''              1850-01-01  NULL   NULL   <- blank x2, dob too old
//	6   079185000001    Nguyễn Văn An   1990-01-02  M      12     <- person dup of 1
//	7   079185000002    Phạm Minh Đức   2030-01-01  F      1      <- future dob
//	8   079185000003    A               2000-02-02  F      7      <- name too short
//	9   079185000004    Hoàng Thị Mai   2001-03-03  f      5      <- gender lower case
//	10  079185000004    Hoàng Thị Mai   2001-03-03  f      5      <- exact copy of 9
const people = `CREATE TABLE people AS SELECT * FROM (VALUES
 (1, '001099012345', 'Nguyễn Văn An', DATE '1990-01-02', 'M', '10', TIMESTAMP '2026-11-23 08:00:00'),
 (2, '001099012345', 'Trần Thị Bình', DATE '1985-05-05', 'F', '3', TIMESTAMP '2026-11-20 08:00:00'),
 (3, '00109901234', 'Lê Văn Cường', DATE '1970-07-07', 'X', '13', TIMESTAMP '2026-11-20 08:00:00'),
 (4, NULL, 'N/A', NULL, 'M', 'abc', TIMESTAMP '2026-11-20 08:00:00'),
 (5, '', '', DATE '1850-01-01', NULL, NULL, TIMESTAMP '2026-11-20 08:00:00'),
 (6, '079185000001', 'Nguyễn Văn An', DATE '1990-01-02', 'M', '12', TIMESTAMP '2026-11-20 08:00:00'),
 (7, '079185000002', 'Phạm Minh Đức', DATE '2030-01-01', 'F', '1', TIMESTAMP '2026-11-20 08:00:00'),
 (8, '079185000003', 'A', DATE '2000-02-02', 'F', '7', TIMESTAMP '2026-11-20 08:00:00'),
 (9, '079185000004', 'Hoàng Thị Mai', DATE '2001-03-03', 'f', '5', NULL),
 (10, '079185000004', 'Hoàng Thị Mai', DATE '2001-03-03', 'f', '5', NULL)
) AS t(id, cccd, full_name, dob, gender, grade, updated_at)`

// runStart is 10:00 in Hanoi: the newest updated_at (08:00 Hanoi wall
// clock) is 2 hours old. Read as UTC it would be 3 hours in the future.
var runStart = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)

type fixture struct {
	t    *testing.T
	conn *engine.Conn
	ctx  context.Context
	// history is each check's value in earlier runs, for anomaly checks.
	history map[string][]float64
	// built are the checks of the last run, by id: the result has no
	// dimension, Build resolves it.
	built map[string]*checks.Built
	// loadTime is how long reading the table took, for reachable checks.
	loadTime time.Duration
	// details are each check's details in earlier runs.
	details map[string][]map[string]any
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "512MB", Threads: 1})
	require.NoError(t, conn.Exec(ctx, people))
	return &fixture{t: t, conn: conn, ctx: ctx}
}

// run plans the checks written in YAML (a list) against the people table
// and returns results by check id, with the plan.
func (f *fixture) run(checksYAML string, opts planner.Options) (map[string]*result.Check, *planner.Plan) {
	f.t.Helper()
	return f.runTable(dataset{table: "people", key: "cccd", rows: 10}, checksYAML, opts)
}

// dataset is a table of the fixture's engine as a dataset: its key, its
// N, how it was sampled, the counts of other datasets it is compared with.
type dataset struct {
	table, key string
	rows       int64
	sample     sampling.Design
	tallies    map[checks.TallyRequest]planner.TallyResult
	// readAt is when its values were read (runStart when zero).
	readAt time.Time
	// dialect renders its SQL (DuckDB's when nil).
	dialect dialect.Dialect
}

// runTable is run on any table of the fixture.
func (f *fixture) runTable(dt dataset, checksYAML string, opts planner.Options) (map[string]*result.Check, *planner.Plan) {
	f.t.Helper()
	keyLine := ""
	if dt.key != "" {
		keyLine = "    key: " + dt.key + "\n"
	}
	cfgYAML := "ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: " + dt.table + "\n    ministry: M\n    source: s\n" + keyLine + "    checks:\n" + indent(checksYAML, "      ")
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML), nil)
	require.NoError(f.t, err)
	ds := &cfg.Datasets[0]
	built := f.build(cfg, ds)
	desc, err := f.conn.Describe(f.ctx, dt.table)
	require.NoError(f.t, err)
	d := dialect.DuckDB{}
	var cols []checks.Column
	for _, c := range desc {
		cols = append(cols, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	require.NoError(f.t, err)
	readAt := dt.readAt
	if readAt.IsZero() {
		readAt = runStart
	}
	var dl dialect.Dialect = d
	if dt.dialect != nil {
		dl = dt.dialect
	}
	plan := planner.New(planner.Dataset{
		Dialect: dl, Table: d.Ident(dt.table), Columns: cols, Key: dt.key, Now: runStart.In(loc),
		Tokens:    func(c *config.Check) []string { return cfg.MissingTokens(ds, c) },
		RowsTotal: dt.rows, Sampled: !dt.sample.Full(), Sample: dt.sample,
		History:        func(id string) ([]float64, error) { return f.history[id], nil },
		HistoryDetails: func(id string) ([]map[string]any, error) { return f.details[id], nil },
		LoadTime:       f.loadTime,
		Tallies:        dt.tallies,
		Clock:          func() time.Time { return readAt },
	}, built)
	return byID(plan.Run(f.ctx, f.conn, opts)), plan
}

// build builds every check of ds and keeps them by id in f.built.
func (f *fixture) build(cfg *config.Config, ds *config.Dataset) []*checks.Built {
	f.t.Helper()
	var built []*checks.Built
	f.built = map[string]*checks.Built{}
	for i := range ds.Checks {
		b, err := checks.Build(cfg, &ds.Checks[i])
		require.NoError(f.t, err)
		built = append(built, b)
		f.built[b.Spec.ID] = b
	}
	return built
}

// byID keys results by their check's id.
func byID(outs []planner.Outcome) map[string]*result.Check {
	out := map[string]*result.Check{}
	for _, oc := range outs {
		out[oc.Built.Spec.ID] = oc.Result
	}
	return out
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

func requireCounts(t *testing.T, res map[string]*result.Check, id string, want counts, status result.Status) {
	t.Helper()
	r := res[id]
	require.NotNil(t, r, id)
	require.Equal(t, status, r.Status, "status of %s: %s", id, r.Message)
	require.NotNil(t, r.Rows, id)
	require.Equal(t, want, counts{*r.Rows, *r.Evaluated, *r.Failed}, id)
	require.InDelta(t, 1-float64(want[2])/float64(want[1]), *r.PassRate, 1e-12, id)
}

func TestRowChecksExactCounts(t *testing.T) {
	f := newFixture(t)
	res, _ := f.run(`
- {id: complete, kind: not_null, columns: [cccd, full_name, dob]}
- {id: cccd_unique, kind: unique, column: cccd}
- {id: person_unique, kind: unique, columns: [full_name, dob]}
- {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
- {id: cccd_format_mostly, kind: regex, column: cccd, pattern: '^[0-9]{12}$', mostly: 0.8}
- {id: cccd_format_warn, kind: regex, column: cccd, pattern: '^[0-9]{12}$', mostly: 0.8, warn: {mostly: 0.9}}
- {id: gender, kind: in_set, column: gender, values: [M, F]}
- {id: gender_nulls_fail, kind: in_set, column: gender, values: [M, F], nulls: fail}
- {id: dob_range, kind: between, column: dob, min: 1900-01-01, max: today}
- {id: dob_relative, kind: between, column: dob, min: -120y, max: now}
- {id: grade_range, kind: between, column: grade, min: 1, max: 12}
- {id: name_length, kind: length, column: full_name, min: 2, max: 100}
- {id: name_not_na, kind: regex, column: full_name, pattern: '.', null_values: [A]}
`, planner.Options{})

	requireCounts(t, res, "complete", counts{10, 10, 2}, result.Fail)
	require.Equal(t, map[string]any{"cccd": int64(2), "full_name": int64(2), "dob": int64(1)}, res["complete"].Details["missing"])

	// cccd: NULL and '' are not evaluated; two keys repeated, four rows.
	requireCounts(t, res, "cccd_unique", counts{10, 8, 4}, result.Fail)
	require.Equal(t, int64(2), res["cccd_unique"].Details["duplicate_keys"])
	require.Equal(t, int64(2), res["cccd_unique"].Details["extra_rows"])

	// Row 4 (N/A, NULL) has every key column missing: skipped. Row 5 is
	// evaluated (its dob is there).
	requireCounts(t, res, "person_unique", counts{10, 9, 4}, result.Fail)
	require.Equal(t, int64(2), res["person_unique"].Details["duplicate_keys"])

	requireCounts(t, res, "cccd_format", counts{10, 8, 1}, result.Fail)
	requireCounts(t, res, "cccd_format_mostly", counts{10, 8, 1}, result.Pass)
	requireCounts(t, res, "cccd_format_warn", counts{10, 8, 1}, result.Warn)
	require.Equal(t, map[string]any{"mostly": 0.8, "warn": map[string]any{"mostly": 0.9}}, res["cccd_format_warn"].Threshold)

	// A NULL gender is a completeness defect, not a validity one...
	requireCounts(t, res, "gender", counts{10, 9, 3}, result.Fail)
	// ...unless the check says nulls: fail.
	requireCounts(t, res, "gender_nulls_fail", counts{10, 10, 4}, result.Fail)

	requireCounts(t, res, "dob_range", counts{10, 9, 2}, result.Fail)
	requireCounts(t, res, "dob_relative", counts{10, 9, 2}, result.Fail)
	// grade is text: 'abc' does not cast and fails; '13' is out of range.
	requireCounts(t, res, "grade_range", counts{10, 9, 2}, result.Fail)
	// N/A and '' are missing, not too short; 'A' is too short.
	requireCounts(t, res, "name_length", counts{10, 8, 1}, result.Fail)
	// A check's own null_values extend the defaults.
	requireCounts(t, res, "name_not_na", counts{10, 7, 0}, result.Pass)
}

func TestExamplesCarryKeyAndValue(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	_ = ctx
	res, plan := f.run(`- {id: gender, kind: in_set, column: gender, values: [M, F]}`, planner.Options{})
	require.Equal(t, result.Fail, res["gender"].Status)
	outs := plan.Run(f.ctx, f.conn, planner.Options{ExampleLimit: 2})
	require.Len(t, outs[0].Rows, 2, "the limit caps examples")
	require.Equal(t, "cccd", outs[0].Examples.Key)
	require.Equal(t, []string{"gender"}, outs[0].Examples.Values)
	require.Len(t, outs[0].Rows[0], 2, "key and value only, never the whole row")
}

func TestTableChecks(t *testing.T) {
	f := newFixture(t)
	res, _ := f.run(`
- {id: volume, kind: row_count, min: 5}
- {id: volume_low, kind: row_count, min: 20}
- {id: volume_warn, kind: row_count, min: 5, warn: {min: 12}}
- {id: fresh, kind: freshness, column: updated_at, max_age: 48h}
- {id: stale, kind: freshness, column: updated_at, max_age: 1h}
- {id: fresh_warn, kind: freshness, column: updated_at, max_age: 2d, warn: {max_age: 90m}}
- {id: columns_ok, kind: schema, require: {cccd: VARCHAR, dob: DATE, updated_at: TIMESTAMP, id: integer}}
- {id: columns_bad, kind: schema, require: {cccd: TEXT, grade: INTEGER, nope: ANY}}
`, planner.Options{})
	require.Equal(t, result.Pass, res["volume"].Status)
	require.Equal(t, 10.0, *res["volume"].Value)
	require.Equal(t, result.Fail, res["volume_low"].Status)
	require.Equal(t, result.Warn, res["volume_warn"].Status)

	// 08:00 Hanoi wall clock, measured at 10:00 Hanoi: two hours.
	require.Equal(t, result.Pass, res["fresh"].Status)
	require.InDelta(t, 2.0, *res["fresh"].Value, 1e-9)
	require.Equal(t, "2026-11-23T08:00:00+07:00", res["fresh"].Details["latest"])
	require.Equal(t, result.Fail, res["stale"].Status)
	require.Equal(t, result.Warn, res["fresh_warn"].Status)

	require.Equal(t, result.Pass, res["columns_ok"].Status, res["columns_ok"].Message)
	require.Equal(t, result.Fail, res["columns_bad"].Status)
	require.Equal(t, 2.0, *res["columns_bad"].Value)
	require.Equal(t, "grade is VARCHAR, expected INTEGER; nope is missing", res["columns_bad"].Message)
}

func TestCheckErrorsDoNotSinkTheDataset(t *testing.T) {
	f := newFixture(t)
	res, _ := f.run(`
- {id: ghost, kind: not_null, column: nope}
- {id: dob_numbers, kind: between, column: dob, min: 0, max: 10}
- {id: grade_dates, kind: between, column: id, min: 2000-01-01}
- {id: ok, kind: in_set, column: gender, values: [M, F]}
`, planner.Options{})
	require.Equal(t, result.Error, res["ghost"].Status)
	require.Contains(t, res["ghost"].Message, `column "nope" not found`)
	require.Contains(t, res["ghost"].Message, "cccd")
	require.Equal(t, result.Error, res["dob_numbers"].Status)
	require.Contains(t, res["dob_numbers"].Message, "column dob is DATE but the bounds are numbers")
	require.Equal(t, result.Error, res["grade_dates"].Status)
	require.Contains(t, res["grade_dates"].Message, "bounds are dates")
	requireCounts(t, res, "ok", counts{10, 9, 3}, result.Fail)
}

// boom is a kind whose metric fails inside the engine, to show that a
// failing fused scan falls back to one query per metric.
type boom struct{ m checks.Metric }

func (b *boom) Init(*config.Check) error { return nil }
func (b *boom) Plan(s checks.Scope) error {
	b.m = s.Aggregate("SUM(CAST('not a number' AS INTEGER))")
	return nil
}
func (b *boom) Evaluate(checks.Values, *result.Check) {}

func init() {
	checks.Register(checks.Kind{Name: "test_boom", Dimension: "correct", New: func() checks.Check { return &boom{} }})
}

func TestFusedScanFallsBack(t *testing.T) {
	f := newFixture(t)
	res, plan := f.run(`
- {id: boom, kind: test_boom}
- {id: gender, kind: in_set, column: gender, values: [M, F]}
- {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
`, planner.Options{})
	require.Len(t, plan.SQL(), 1, "one fused scan, no other query")
	require.Equal(t, result.Error, res["boom"].Status)
	require.Contains(t, res["boom"].Message, "metric failed")
	requireCounts(t, res, "gender", counts{10, 9, 3}, result.Fail)
	requireCounts(t, res, "cccd_format", counts{10, 8, 1}, result.Fail)
}

func TestMetricsAreShared(t *testing.T) {
	f := newFixture(t)
	_, plan := f.run(`
- {id: a, kind: in_set, column: gender, values: [M, F]}
- {id: b, kind: in_set, column: gender, values: [M, F, U]}
- {id: c, kind: not_null, column: gender}
- {id: d, kind: unique, column: cccd}
`, planner.Options{})
	// COUNT(*), gender's non-missing count (shared by a, b), a's and b's
	// failures, gender's missing count (c), cccd's non-missing count (d).
	require.Equal(t, 6, plan.Metrics())
	require.Len(t, plan.SQL(), 2, "fused scan plus the group-by of unique")
}

func TestUnfusedGivesTheSameResults(t *testing.T) {
	f := newFixture(t)
	y := `
- {id: gender, kind: in_set, column: gender, values: [M, F]}
- {id: dob_range, kind: between, column: dob, min: 1900-01-01, max: today}
- {id: cccd_unique, kind: unique, column: cccd}
`
	fused, _ := f.run(y, planner.Options{})
	unfused, _ := f.run(y, planner.Options{Unfused: true})
	require.Equal(t, fused, unfused)
}
