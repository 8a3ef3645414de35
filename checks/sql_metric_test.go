//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// A user aggregate is a bounded metric of the fused scan.
func TestSQLMetricValues(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: mean_wage, kind: sql_metric, sql: "AVG(wage)", max: 10000000}
- {id: men, kind: sql_metric, sql: "SUM(CASE WHEN gender = 'M' THEN 1 ELSE 0 END)", min: 4, max: 4}
- {id: men_strict, kind: sql_metric, sql: "SUM(CASE WHEN gender = 'M' THEN 1 ELSE 0 END)", min: 4, strict_min: true}
- {id: men_warn, kind: sql_metric, sql: "SUM(CASE WHEN gender = 'M' THEN 1 ELSE 0 END)", min: 1, warn: {min: 5}}
- {id: share_active, kind: sql_metric, sql: "AVG(CASE WHEN death_date IS NULL THEN 1.0 ELSE 0 END)", min: 0.7}
`)
	requireValue(t, res, "mean_wage", 74e6/7, result.Fail)
	require.Equal(t, map[string]any{"max": 1e7}, res["mean_wage"].Threshold)
	require.Contains(t, res["mean_wage"].Message, "AVG(wage) is 1.05714e+07, outside max 10000000")
	requireValue(t, res, "men", 4, result.Pass)
	requireValue(t, res, "men_strict", 4, result.Fail)
	require.Equal(t, map[string]any{"min": 4.0, "strict_min": true}, res["men_strict"].Threshold)
	requireValue(t, res, "men_warn", 4, result.Warn)
	requireValue(t, res, "share_active", 0.75, result.Pass)
	require.Len(t, plan.SQL(), 1)

	empty, _ := f.runTable(dataset{table: "nothing", key: "cccd", rows: 0}, `
- {id: mean, kind: sql_metric, sql: "AVG(wage)", min: 0}
- {id: n, kind: sql_metric, sql: "COUNT(*)", min: 1}
`, plannerOptions(0))
	requireNoValue(t, empty, "mean")
	requireValue(t, empty, "n", 0, result.Fail)

	bad, _ := f.records(`- {id: not_aggregate, kind: sql_metric, sql: "wage", max: 1}`)
	require.Equal(t, result.Error, bad["not_aggregate"].Status)
}

func TestSQLMetricConfigErrors(t *testing.T) {
	require.Contains(t, initError(t, `- {id: a, kind: sql_metric, max: 1}`), "check a.sql: sql_metric needs sql:")
	require.Contains(t, initError(t, `- {id: a, kind: sql_metric, sql: "COUNT(*)"}`), "sql_metric needs min:, max: or both")
	require.Contains(t, initError(t, `- {id: a, kind: sql_metric, sql: "COUNT(*)", min: today}`), "min must be a number")
}
