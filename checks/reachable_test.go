//go:build duckdb_arrow

package checks_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// The people table's newest updated_at is 2 hours old at the run's start;
// reading it took 1.5s.
func TestReachableAsDeclared(t *testing.T) {
	f := newFixture(t)
	f.loadTime = 1500 * time.Millisecond
	res, _ := f.run(`
- {id: fast, kind: reachable, max_seconds: 5}
- {id: slow, kind: reachable, max_seconds: 1}
- {id: daily, kind: reachable, every: 24h, column: updated_at}
- {id: hourly, kind: reachable, every: 1h, column: updated_at}
- {id: both, kind: reachable, max_seconds: 1, every: 1h, column: updated_at}
`, planner.Options{})

	require.Equal(t, result.Pass, res["fast"].Status)
	require.Equal(t, 1.5, *res["fast"].Value)
	require.Equal(t, "seconds", res["fast"].Unit)
	require.Equal(t, map[string]any{"max_seconds": 5.0}, res["fast"].Threshold)

	require.Equal(t, result.Fail, res["slow"].Status)
	require.Equal(t, "reading it took 1.5s (declared at most 1s)", res["slow"].Message)

	require.Equal(t, result.Pass, res["daily"].Status)
	require.InDelta(t, 2.0, *res["daily"].Value, 1e-9)
	require.Equal(t, "hours", res["daily"].Unit)
	require.Equal(t, "2026-11-23T08:00:00+07:00", res["daily"].Details["latest"])

	require.Equal(t, result.Fail, res["hourly"].Status)
	require.Equal(t, "the newest updated_at is 2h0m0s old (declared every 1h0m0s)", res["hourly"].Message)

	require.Equal(t, result.Fail, res["both"].Status)
	require.Equal(t, "reading it took 1.5s (declared at most 1s); the newest updated_at is 2h0m0s old (declared every 1h0m0s)", res["both"].Message)
	require.Equal(t, 1.5, *res["both"].Value, "the load time, when declared")
	require.Equal(t, "shared", f.built["both"].Dimension)

	// A run that did not time the read cannot judge max_seconds.
	f.loadTime = 0
	res, _ = f.run(`- {id: fast, kind: reachable, max_seconds: 5}`, planner.Options{})
	require.Equal(t, result.Error, res["fast"].Status)
	require.Equal(t, "the run did not measure how long reading this dataset took", res["fast"].Message)
}

func TestReachableConfig(t *testing.T) {
	for y, want := range map[string]string{
		`{id: x, kind: reachable}`:                                     "reachable needs max_seconds: (the longest a read may take) or every:",
		`{id: x, kind: reachable, max_seconds: 0}`:                     "max_seconds must be a positive number of seconds, got 0",
		`{id: x, kind: reachable, every: 24h}`:                         "every: needs the column: recording each change",
		`{id: x, kind: reachable, max_seconds: 2, column: updated_at}`: "column: goes with every:",
		`{id: x, kind: reachable, every: daily, column: updated_at}`:   `"daily" is not a positive duration`,
		`{id: x, kind: reachable, max_seconds: 2, mostly: 0.5}`:        "reachable takes max_seconds and every, not mostly or warn",
	} {
		require.ErrorContains(t, buildErr(t, "- "+y), want, y)
	}
}
