//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// A user predicate is a row check like the others: every row evaluated,
// NULL (unknown) fails, mostly and examples as usual.
func TestExpressionExactCounts(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: death_after_birth, kind: expression, valid_if: "death_date IS NULL OR death_date >= birth_date", columns: [death_date, birth_date]}
- {id: wage_floor, kind: expression, valid_if: "wage > 9000000"}
- {id: wage_floor_mostly, kind: expression, valid_if: "wage > 9000000", mostly: 0.5}
`)
	requireCounts(t, res, "death_after_birth", counts{8, 8, 1}, result.Fail)
	require.Contains(t, res["death_after_birth"].Message, "1 row of 8 where death_date IS NULL OR death_date >= birth_date is not true")
	// 8M, 9M twice, and NULL (unknown) fail.
	requireCounts(t, res, "wage_floor", counts{8, 8, 4}, result.Fail)
	requireCounts(t, res, "wage_floor_mostly", counts{8, 8, 4}, result.Pass)
	require.Len(t, plan.SQL(), 1, "the predicate is one more aggregate of the fused scan")

	outs := plan.Run(f.ctx, f.conn, plannerOptions(5))
	ex := outcome(outs, "death_after_birth")
	require.Equal(t, [][]any{{"005", "1969-12-31", "1970-02-02"}}, ex.Rows)
	// Without columns: the key alone tells which rows.
	ex = outcome(outs, "wage_floor")
	require.Equal(t, []string{"cccd"}, ex.Examples.Values)
	require.Len(t, ex.Rows, 4)

	empty, _ := f.runTable(dataset{table: "nothing", key: "cccd", rows: 0}, `- {id: e, kind: expression, valid_if: "wage > 0"}`, plannerOptions(0))
	requireCounts0(t, empty, "e")
	require.Equal(t, "no rows to evaluate", empty["e"].Message)
}

func TestExpressionConfigErrors(t *testing.T) {
	require.Contains(t, initError(t, `- {id: a, kind: expression}`), "check a.valid_if: expression needs valid_if:")
	require.Contains(t, initError(t, `- {id: a, kind: expression, column: x, valid_if: "x > 0"}`), "takes columns:")
}
