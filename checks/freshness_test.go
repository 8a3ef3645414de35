//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// The newest update is 13:00 Hanoi wall clock, read at 10:00 Hanoi: three
// hours ahead, as when UTC is written where local time was meant.
func TestFreshnessAhead(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.conn.Exec(f.ctx, `CREATE TABLE future AS SELECT * FROM (VALUES
	  (1, TIMESTAMP '2026-11-23 13:00:00'), (2, TIMESTAMP '2026-11-20 08:00:00')) AS t(id, updated_at)`))
	res, _ := f.runTable(dataset{table: "future", rows: 2}, `
- {id: by_default, kind: freshness, column: updated_at, max_age: 48h}
- {id: bounded, kind: freshness, column: updated_at, max_age: 48h, max_future: 1h}
- {id: none_ahead, kind: freshness, column: updated_at, max_age: 48h, max_future: 0}
- {id: tolerated, kind: freshness, column: updated_at, max_age: 48h, max_future: 4h}
- {id: tolerated_warn, kind: freshness, column: updated_at, max_age: 48h, max_future: 4h, warn: {max_future: 2h}}
`, plannerOptions(0))
	r := res["by_default"]
	require.Equal(t, result.Warn, r.Status)
	require.InDelta(t, -3.0, *r.Value, 1e-9, "an age below zero")
	require.InDelta(t, 3.0, r.Details["lead_hours"], 1e-9)
	require.Equal(t, "newest updated_at is 3h0m0s ahead of now: a time-zone mistake or a wrong clock?", r.Message)
	require.Equal(t, map[string]any{"max_age_hours": 48.0}, r.Threshold)
	require.Equal(t, result.Fail, res["bounded"].Status)
	require.Equal(t, map[string]any{"max_age_hours": 48.0, "max_future_hours": 1.0}, res["bounded"].Threshold)
	require.Equal(t, result.Fail, res["none_ahead"].Status)
	require.Equal(t, result.Pass, res["tolerated"].Status)
	require.Empty(t, res["tolerated"].Message)
	require.Equal(t, result.Warn, res["tolerated_warn"].Status)

	// Read three hours later, the same value is not ahead any more: rows
	// written while a long run reached this dataset are no mistake.
	later := dataset{table: "future", rows: 2, readAt: runStart.Add(3 * 3600e9)}
	res, _ = f.runTable(later, `- {id: f, kind: freshness, column: updated_at, max_age: 48h}`, plannerOptions(0))
	require.Equal(t, result.Pass, res["f"].Status)

	for _, c := range []struct{ yaml, want string }{
		{`- {id: a, kind: freshness, column: x, max_age: 1h, max_future: soon}`, "check a.max_future: \"soon\" is not a positive duration"},
		{`- {id: a, kind: freshness, column: x, max_age: 1h, warn: {max_future: 1h}}`, "warn.max_future needs a longer max_future:"},
		{`- {id: a, kind: freshness, column: x, max_age: 1h, max_future: 1h, warn: {max_future: 2h}}`, "warn.max_future needs a longer max_future:"},
	} {
		require.Contains(t, initError(t, c.yaml), c.want, c.yaml)
	}
}
