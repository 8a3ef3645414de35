//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// Two columns of a row, of the same or different types, with each way of
// counting a row with a missing side.
func TestCompareExactCounts(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: issued_after_birth, kind: compare, column: issued_date, op: '>=', with: birth_date}
- {id: issued_all_missing, kind: compare, column: issued_date, op: '>=', with: birth_date, ignore_rows_if: all_missing}
- {id: issued_never, kind: compare, column: issued_date, op: '>=', with: birth_date, ignore_rows_if: never}
- {id: issued_nulls_fail, kind: compare, column: issued_date, op: '>=', with: birth_date, nulls: fail}
- {id: ends_after_start, kind: compare, column: end_ts, op: '>=', with: start_ts}
- {id: ends_strictly_after, kind: compare, column: end_ts, op: '>', with: start_ts}
- {id: death_after_birth, kind: compare, column: death_date, op: '>=', with: birth_date}
- {id: name_after_gender, kind: compare, column: name, op: '>', with: gender}
- {id: same_day, kind: compare, column: issued_date, op: '=', with: birth_date, as: text}
- {id: score_vs_wage, kind: compare, column: score, op: '<', with: wage}
`)
	// N/A (row 3) and NULL (row 4) are not evaluated; 1984 < 1985 (row 2)
	// and 'not a date' (row 5) fail.
	requireCounts(t, res, "issued_after_birth", counts{8, 6, 2}, result.Fail)
	require.Contains(t, res["issued_after_birth"].Message, "2 rows of 6 evaluated where issued_date >= birth_date does not hold")
	// Rows 3 and 4 miss one side only: evaluated, and they fail.
	requireCounts(t, res, "issued_all_missing", counts{8, 8, 4}, result.Fail)
	requireCounts(t, res, "issued_never", counts{8, 8, 4}, result.Fail)
	requireCounts(t, res, "issued_nulls_fail", counts{8, 8, 4}, result.Fail)
	// Row 3 ends before it starts; row 2 ends as it starts.
	requireCounts(t, res, "ends_after_start", counts{8, 6, 1}, result.Fail)
	requireCounts(t, res, "ends_strictly_after", counts{8, 6, 2}, result.Fail)
	requireCounts(t, res, "death_after_birth", counts{8, 2, 1}, result.Fail)
	// Text against text by bytes: 'L' and 'H' sort before 'f' and 'M'.
	requireCounts(t, res, "name_after_gender", counts{8, 7, 2}, result.Fail)
	requireCounts(t, res, "same_day", counts{8, 6, 6}, result.Fail)
	// Row 4 misses both; a score that does not read as a number (row 3)
	// fails; the others are below every wage.
	requireCounts(t, res, "score_vs_wage", counts{8, 7, 1}, result.Fail)
	require.Len(t, plan.SQL(), 1)

	ex := outcome(plan.Run(f.ctx, f.conn, plannerOptions(5)), "death_after_birth")
	require.Equal(t, []string{"death_date", "birth_date"}, ex.Examples.Values)
	require.Len(t, ex.Rows, 1)
	require.Equal(t, "005", ex.Rows[0][0])
}

func TestCompareConfigErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{`- {id: a, kind: compare, column: x, op: '=>', with: y}`, "check a.op: op must be one of"},
		{`- {id: a, kind: compare, column: x, op: '='}`, "compare needs with:"},
		{`- {id: a, kind: compare, columns: [x, y], op: '='}`, "compare needs column:"},
		{`- {id: a, kind: compare, column: x, op: '=', with: y, as: money}`, "as must be number, date, timestamp or text"},
		{`- {id: a, kind: compare, column: x, op: '=', with: y, ignore_rows_if: sometimes}`, "ignore_rows_if must be any_missing, all_missing or never"},
		{`- {id: a, kind: compare, column: x, op: '=', with: y, ignore_rows_if: never, nulls: fail}`, "not both"},
	} {
		require.Contains(t, initError(t, c.yaml), c.want, c.yaml)
	}
	f := newRecords(t)
	res, _ := f.records(`
- {id: date_vs_number, kind: compare, column: birth_date, op: '<', with: wage}
- {id: ghost, kind: compare, column: birth_date, op: '<', with: nope}
`)
	require.Equal(t, result.Error, res["date_vs_number"].Status)
	require.Contains(t, res["date_vs_number"].Message, "compare cannot compare birth_date (DATE) with wage (INTEGER)")
	require.Equal(t, result.Error, res["ghost"].Status)
}
