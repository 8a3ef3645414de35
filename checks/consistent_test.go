//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// Three datasets of one ministry code gender, with planted differences:
//
//	cccd  here  pop2  schools.sex
//	001   M     M     M
//	002   F     M     -          <- the same citizen coded otherwise
//	003   1     M     -          <- 1/2 coding, and a different citizen's code
//	004   f     F     F          <- lower case: differs as written, not as a code
//	005   NULL  F     -          <- missing here: not compared
//	006   F     F     F
//	777   M     -     -          <- in neither: not compared by key
//	008   M     NULL  -          <- missing there: not compared
//	009   -     -     X          <- a code only schools uses
var codedAlike = []string{
	`CREATE TABLE here AS SELECT * FROM (VALUES
	 ('001', 'M'), ('002', 'F'), ('003', '1'), ('004', 'f'), ('005', NULL), ('006', 'F'), ('777', 'M'), ('008', 'M')
	) AS t(cccd, gender)`,
	`CREATE TABLE pop2 AS SELECT * FROM (VALUES
	 ('001', 'M'), ('002', 'M'), ('003', 'M'), ('004', 'F'), ('005', 'F'), ('006', 'F'), ('008', NULL)
	) AS t(cccd, gender)`,
	`CREATE TABLE schools AS SELECT * FROM (VALUES ('001', 'M'), ('004', 'F'), ('006', 'F'), ('009', 'X')) AS t(cccd, sex)`,
}

func (f *fixture) runHere(checksYAML string, pop2 sampling.Design) ([]planner.Outcome, map[string]*result.Check) {
	f.t.Helper()
	cfg, err := config.Parse("test.yaml", []byte("ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: here\n    ministry: M\n    source: s\n    key: cccd\n    checks:\n"+indent(checksYAML, "      ")), nil)
	require.NoError(f.t, err)
	ds := &cfg.Datasets[0]
	me := f.relation("here", "cccd", full)
	plan := planner.New(planner.Dataset{
		Dialect: dialect.DuckDB{}, Table: me.Table, Columns: me.Columns, Key: "cccd", Now: runStart,
		Tokens: func(c *config.Check) []string { return cfg.MissingTokens(ds, c) }, RowsTotal: 8,
		Others: map[string]planner.OtherResult{
			"pop2":    {Relation: f.relation("pop2", "cccd", pop2)},
			"schools": {Relation: f.relation("schools", "cccd", full)},
		},
	}, f.build(cfg, ds))
	outs := plan.Run(f.ctx, f.conn, planner.Options{ExampleLimit: 5})
	return outs, byID(outs)
}

func TestConsistentExactCounts(t *testing.T) {
	f := newFixture(t)
	for _, q := range codedAlike {
		require.NoError(t, f.conn.Exec(f.ctx, q))
	}
	outs, res := f.runHere(`
- {id: by_key, kind: consistent, column: gender, on: {cccd: cccd}, with: [{dataset: pop2}, {dataset: schools, column: sex}]}
- {id: by_key_code, kind: consistent, column: gender, on: {cccd: cccd}, compare: code, with: [{dataset: pop2}, {dataset: schools, column: sex}]}
- {id: values, kind: consistent, column: gender, with: [pop2, {dataset: schools, column: sex}]}
- {id: values_code, kind: consistent, column: gender, compare: code, with: [{dataset: pop2}, {dataset: schools, column: sex}]}
`, full)

	// Compared by key: 001 002 003 004 006 are found with a code on both
	// sides; 002, 003 and 004 (f, as written) differ.
	requireCounts(t, res, "by_key", counts{8, 5, 3}, result.Fail)
	require.Equal(t, map[string]any{
		"pop2":    map[string]any{"matched": int64(5), "failed": int64(3)},
		"schools": map[string]any{"matched": int64(3), "failed": int64(1)},
	}, res["by_key"].Details["with"])
	require.Equal(t, "keys", res["by_key"].Details["compared"])
	require.Equal(t, "3 rows of 5 are coded otherwise elsewhere (3 differ from pop2; 1 differ from schools)", res["by_key"].Message)
	require.Equal(t, "unified", f.built["by_key"].Dimension)
	require.Equal(t, []string{"gender", "gender", "gender"}, outs[0].Examples.Values)
	require.Len(t, outs[0].Rows, 3)
	requireCounts(t, res, "by_key_code", counts{8, 5, 2}, result.Fail)

	// Value sets: 1 and f are used by neither pop2 (M, F) nor schools (M,
	// F, X); X is used only by schools.
	requireCounts(t, res, "values", counts{8, 7, 2}, result.Fail)
	require.Equal(t, map[string]any{
		"pop2":    map[string]any{"failed": int64(2), "codes_only_here": int64(2), "codes_only_there": int64(0)},
		"schools": map[string]any{"failed": int64(2), "codes_only_here": int64(2), "codes_only_there": int64(1)},
	}, res["values"].Details["with"])
	require.Equal(t, "2 rows of 7 have a code another dataset never uses (pop2: 2 codes used only here, 0 only there; schools: 2 codes used only here, 1 only there)", res["values"].Message)
	require.Equal(t, [][]any{{"1", int64(1)}, {"f", int64(1)}}, outs[2].Rows, "the codes, with their rows; no record")
	requireCounts(t, res, "values_code", counts{8, 7, 1}, result.Fail)

	// The other side sampled on another column: refused, with the reason.
	_, res = f.runHere(`
- {id: values, kind: consistent, column: gender, with: [{dataset: pop2}]}
- {id: by_key, kind: consistent, column: gender, on: {cccd: cccd}, with: [{dataset: pop2}]}
`, sampling.Design{Method: "hash", Fraction: 0.5, Key: "cccd"})
	require.Equal(t, result.Error, res["values"].Status)
	require.Contains(t, res["values"].Message, "uncoordinated samples")
	require.Equal(t, result.Error, res["by_key"].Status, "this side is read in full, pop2 is not")
}

func TestConsistentConfig(t *testing.T) {
	for y, want := range map[string]string{
		`{id: x, kind: consistent, with: [{dataset: a}]}`:                              "consistent needs the column: whose codes are compared",
		`{id: x, kind: consistent, column: c}`:                                         "consistent needs with: [other_dataset, {dataset: another, column: its_column}, ...]",
		`{id: x, kind: consistent, column: c, with: [{column: d}]}`:                    "with[0] needs dataset:",
		`{id: x, kind: consistent, column: c, with: [{dataset: a}, {dataset: a}]}`:     "dataset a is listed twice in with:",
		`{id: x, kind: consistent, column: c, with: [{dataset: a}], compare: name}`:    `compare must be exact or code, got "name"`,
		`{id: x, kind: consistent, column: c, with: [{dataset: a}], on: {a: b, c: d}}`: "on: must name one column pair",
		`{id: x, kind: consistent, column: c, with: [{dataset: a, colour: blue}]}`:     "colour",
		`{id: x, kind: consistent, column: c, columns: [d], with: [{dataset: a}]}`:     "consistent compares one column:, not columns:",
	} {
		require.ErrorContains(t, buildErr(t, "- "+y), want, y)
	}
}
