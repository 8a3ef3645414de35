//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// The distinct provinces found (01, 79, 02, ZZ and '01 ', exact text)
// against a list: within, contains, equals.
func TestDistinctValuesExactCounts(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: within, kind: distinct_values, column: province, within: ['01', '02', '79']}
- {id: contains, kind: distinct_values, column: province, contains: ['01', '02', '48']}
- {id: equals, kind: distinct_values, column: province, equals: ['01', '02', '79', '48']}
- {id: contains_all, kind: distinct_values, column: province, contains: ['01', '79']}
- {id: within_mostly, kind: distinct_values, column: province, within: ['01', '02', '79'], mostly: 0.6}
- {id: note_within, kind: distinct_values, column: note, within: ['a']}
- {id: note_contains, kind: distinct_values, column: note, contains: ['a']}
`)
	requireCounts(t, res, "within", counts{8, 5, 2}, result.Fail)
	require.Equal(t, int64(2), res["within"].Details["outside_values"])
	require.Equal(t, "2 distinct values found outside the list", res["within"].Message)
	requireCounts(t, res, "contains", counts{8, 3, 1}, result.Fail)
	require.Equal(t, []string{"48"}, res["contains"].Details["missing_values"])
	require.Equal(t, "1 of 3 listed values never found (48)", res["contains"].Message)
	require.Equal(t, "1 of 4 listed values never found (48); 2 distinct values found outside the list", res["equals"].Message)
	requireCounts(t, res, "equals", counts{8, 6, 3}, result.Fail)
	requireCounts(t, res, "contains_all", counts{8, 2, 0}, result.Pass)
	requireCounts(t, res, "within_mostly", counts{8, 5, 2}, result.Pass)
	// A column with no value: nothing found outside, every listed value
	// missing.
	require.Equal(t, result.Pass, res["note_within"].Status)
	require.Equal(t, counts{8, 0, 0}, counts{*res["note_within"].Rows, *res["note_within"].Evaluated, *res["note_within"].Failed})
	require.Equal(t, "no values found", res["note_within"].Message)
	requireCounts(t, res, "note_contains", counts{8, 1, 1}, result.Fail)
	require.Len(t, plan.SQL(), 1)

	ex := outcome(plan.Run(f.ctx, f.conn, plannerOptions(5)), "within")
	require.Equal(t, []string{"province"}, ex.Examples.Values)
	require.True(t, ex.Examples.HasCount)
	require.ElementsMatch(t, [][]any{{"01 ", int64(1)}, {"ZZ", int64(1)}}, ex.Rows)
}

// On a sample a rare value may be missed: the set is an estimate, with
// no Wilson interval pretending otherwise.
func TestDistinctValuesSampledIsAnEstimate(t *testing.T) {
	f := newRecords(t)
	half := dataset{table: "records", key: "cccd", rows: 16, sample: sampling.Design{Method: "hash", Fraction: 0.5, Key: "cccd"}}
	res, _ := f.runTable(half, `- {id: c, kind: distinct_values, column: province, contains: ['01']}`, plannerOptions(0))
	require.True(t, res["c"].Estimate)
	require.Nil(t, res["c"].Interval95)
}

func TestDistinctValuesConfigErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{`- {id: a, kind: distinct_values, column: x}`, "distinct_values needs one of within:, contains: or equals:"},
		{`- {id: a, kind: distinct_values, column: x, within: [a], contains: [b]}`, "distinct_values needs one of"},
		{`- {id: a, kind: distinct_values, column: x, contains: []}`, "check a.contains: contains: is an empty list; list the values (a column that must stay empty is kind: is_null)"},
		{`- {id: a, kind: distinct_values, column: x, equals: [a, ' ']}`, "a blank value is a missing one"},
		{`- {id: a, kind: distinct_values, columns: [x, y], within: [a]}`, "one column:"},
	} {
		require.Contains(t, initError(t, c.yaml), c.want, c.yaml)
	}
}
