//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// The new row and aggregate kinds are scored per group from the same
// grouped scan; a comparison with another dataset's row count is not
// (a group is no dataset).
func TestNewKindsPerGroup(t *testing.T) {
	f := newRecords(t)
	ds := recordsSet
	ds.tallies = map[checks.TallyRequest]planner.TallyResult{{Dataset: "pop"}: {Tally: checks.Tally{Matching: 4, Read: 4, Total: 4}}}
	_, plan := f.runTable(ds, `
- {id: issued, kind: compare, column: issued_date, op: '>=', with: birth_date}
- {id: rule, kind: expression, valid_if: "wage > 9000000"}
- {id: low_wage, kind: failed_rows, query: "SELECT cccd FROM _dq WHERE wage < 9500000"}
- {id: max_wage, kind: metric, column: wage, metric: max, max: 11000000}
- {id: men, kind: sql_metric, sql: "COUNT(*)", min: 2}
- {id: listed, kind: distinct_values, column: province, within: ['01', '02', '79']}
- {id: no_x, kind: not_in_set, column: name, values: [XXX]}
- {id: vs_pop, kind: row_count_compare, dataset: pop, max: 10}
`, plannerOptions(0))
	groups, truncated, err := plan.RunGroups(f.ctx, f.conn, `"gender"`, 10)
	require.NoError(t, err)
	require.False(t, truncated)
	got := map[string]map[string]*result.Check{}
	for _, g := range groups {
		got[g.Value] = map[string]*result.Check{}
		for _, c := range g.Checks {
			got[g.Value][c.Built.Spec.ID] = c.Result
		}
	}
	require.Len(t, got, 4, "F, M, f and NULL")
	// M: rows 1, 3, 7, 8.
	m := got["M"]
	require.NotContains(t, m, "vs_pop")
	requireCounts(t, m, "issued", counts{4, 3, 0}, result.Pass)
	requireCounts(t, m, "rule", counts{4, 4, 2}, result.Fail)
	requireCounts(t, m, "low_wage", counts{4, 4, 2}, result.Fail)
	requireValue(t, m, "max_wage", 11e6, result.Pass)
	requireValue(t, m, "men", 4, result.Pass)
	// 01, 79 and '01 ' found; '01 ' is not listed.
	requireCounts(t, m, "listed", counts{4, 3, 1}, result.Fail)
	// F: rows 2 and 5.
	f2 := got["F"]
	requireCounts(t, f2, "issued", counts{2, 2, 2}, result.Fail)
	requireCounts(t, f2, "no_x", counts{2, 2, 1}, result.Fail)
	requireValue(t, f2, "max_wage", 15e6, result.Fail)
	requireValue(t, f2, "men", 2, result.Pass)
}
