//go:build duckdb_arrow

package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
)

// publishDemoRun runs and publishes one run at a fixed clock, with
// durations (and load times) zeroed, and returns the published run's folder. It is the
// one place the golden test touches the pipeline's API.
func publishDemoRun(t *testing.T, cfg *config.Config, runID string, now time.Time) string {
	t.Helper()
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := Run(context.Background(), p, Options{RunID: runID, Now: func() time.Time { return now }, ToolVersion: "golden"})
	require.NoError(t, err)
	for _, c := range out.Cards {
		for _, d := range c.Datasets {
			d.DurationMS = 0
			// The load time reachable reports is a duration too, in the
			// dataset and in each of its groups.
			zero := 0.0
			timed := map[string]bool{}
			for _, ch := range d.Checks {
				if ch.Kind == "reachable" && ch.Unit == "seconds" {
					timed[ch.ID] = true
					ch.Value, ch.Details["load_seconds"] = &zero, zero
				}
			}
			if d.Groups == nil {
				continue
			}
			for _, g := range d.Groups.Values {
				for _, gc := range g.Checks {
					if timed[gc.ID] {
						gc.Value = &zero
					}
				}
			}
		}
	}
	pub, err := Publish(context.Background(), p, out, nil)
	require.NoError(t, err)
	return pub.Dir
}
