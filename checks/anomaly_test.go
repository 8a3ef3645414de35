//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

func TestAnomaly(t *testing.T) {
	f := newFixture(t)
	f.history = map[string][]float64{
		"volume_flat":     {10, 10, 10, 10, 10},
		"volume_dropped":  {100, 101, 99, 100, 102, 98},
		"volume_young":    {10, 10},
		"nulls_usual":     {0.2, 0.21, 0.19, 0.2, 0.2},
		"nulls_jump":      {0.01, 0.01, 0.02, 0.01, 0.01},
		"change_big":      {9},
		"change_small":    {10},
		"dups":            {0.25, 0.24, 0.26, 0.25, 0.25},
		"lag":             {2, 2, 2, 2, 2},
		"lag_grew":        {0.5, 0.4, 0.6, 0.5, 0.5},
		"volume_windowed": {1000, 1000, 1000, 10, 10, 10, 10, 10},
	}
	res, _ := f.run(`
- {id: volume_flat, kind: anomaly, metric: row_count}
- {id: volume_dropped, kind: anomaly, metric: row_count}
- {id: volume_young, kind: anomaly, metric: row_count}
- {id: nulls_usual, kind: anomaly, metric: null_rate, column: full_name}
- {id: nulls_jump, kind: anomaly, metric: null_rate, column: full_name}
- {id: change_big, kind: anomaly, metric: row_count, method: change, max_change: 0.1}
- {id: change_small, kind: anomaly, metric: row_count, method: change, max_change: 0.1}
- {id: dups, kind: anomaly, metric: duplicate_rate, column: cccd}
- {id: lag, kind: anomaly, metric: freshness_lag, column: updated_at}
- {id: lag_grew, kind: anomaly, metric: freshness_lag, column: updated_at}
- {id: volume_windowed, kind: anomaly, metric: row_count, window: 5}
`, planner.Options{})

	status := func(id string) result.Status { return res[id].Status }
	require.Equal(t, result.Pass, status("volume_flat"), res["volume_flat"].Message)
	require.Equal(t, 10.0, *res["volume_flat"].Value)
	require.Equal(t, result.Fail, status("volume_dropped"))
	require.Equal(t, 100.0, res["volume_dropped"].Details["median"])
	require.Equal(t, result.Pass, status("volume_young"))
	require.Equal(t, false, res["volume_young"].Details["judged"])
	require.Equal(t, "not judged: needs 5 earlier runs of history, has 2", res["volume_young"].Message)

	// full_name is missing in 2 of 10 rows.
	require.InDelta(t, 0.2, *res["nulls_usual"].Value, 1e-12)
	require.Equal(t, result.Pass, status("nulls_usual"))
	require.Equal(t, result.Fail, status("nulls_jump"))
	require.Equal(t, "null_rate is 0.2, outside the expected 0.0097–0.0103 from the last 5 runs", res["nulls_jump"].Message)

	require.Equal(t, result.Fail, status("change_big"), "10 vs 9 is +11%")
	require.Equal(t, result.Pass, status("change_small"))

	// cccd: 2 extra copies among 8 evaluated.
	require.InDelta(t, 0.25, *res["dups"].Value, 1e-12)
	require.Equal(t, result.Pass, status("dups"))
	require.Equal(t, "clean", f.built["dups"].Dimension)

	require.InDelta(t, 2.0, *res["lag"].Value, 1e-9)
	require.Equal(t, result.Pass, status("lag"))
	require.Equal(t, result.Fail, status("lag_grew"))
	require.Equal(t, "alive", f.built["lag"].Dimension)

	// Only the last 5 runs count: the old 1000s are out of the window.
	require.Equal(t, result.Pass, status("volume_windowed"))
}
