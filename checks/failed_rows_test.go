//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// A query names the failing rows by key: every row holding a returned key
// fails, once, whatever the query repeats; unknown keys count for nothing.
func TestFailedRowsExactCounts(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: low_wage, kind: failed_rows, query: "SELECT cccd FROM _dq WHERE wage < 9500000"}
- {id: unknown_keys, kind: failed_rows, query: "SELECT 'zzz' AS cccd, 1 AS other UNION ALL SELECT NULL, 2"}
- {id: with_cte, kind: failed_rows, query: "WITH old AS (SELECT cccd, birth_date FROM _dq) SELECT cccd FROM old WHERE birth_date < DATE '1980-01-01' LIMIT 10", mostly: 0.8}
`)
	// '003' and '006' (twice) come back: rows 3, 6 and 7 fail.
	requireCounts(t, res, "low_wage", counts{8, 8, 3}, result.Fail)
	requireCounts(t, res, "unknown_keys", counts{8, 8, 0}, result.Pass)
	requireCounts(t, res, "with_cte", counts{8, 8, 1}, result.Pass)
	require.Len(t, plan.SQL(), 1, "the query is a subquery of the fused scan")
	ex := outcome(plan.Run(f.ctx, f.conn, plannerOptions(5)), "low_wage")
	require.ElementsMatch(t, [][]any{{"003"}, {"006"}, {"006"}}, ex.Rows)

	unkeyed, _ := f.runTable(dataset{table: "records", rows: 8}, `- {id: k, kind: failed_rows, query: "SELECT cccd FROM _dq"}`, plannerOptions(0))
	require.Equal(t, result.Error, unkeyed["k"].Status)
	require.Contains(t, unkeyed["k"].Message, "failed_rows needs the dataset's key")
}

func TestFailedRowsConfigErrors(t *testing.T) {
	require.Contains(t, initError(t, `- {id: a, kind: failed_rows}`), "check a.query: failed_rows needs query:")
	require.Contains(t, initError(t, `- {id: a, kind: failed_rows, column: x, query: "SELECT 1"}`), "takes no column")
}
