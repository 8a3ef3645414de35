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
// durations zeroed, and returns the published run's folder. It is the
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
		}
	}
	pub, err := Publish(context.Background(), p, out, nil)
	require.NoError(t, err)
	return pub.Dir
}
