//go:build duckdb_arrow

package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
)

func writeRows(t *testing.T, path string, n int) {
	var b strings.Builder
	b.WriteString("id,name\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d,Name %d\n", i, i)
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

// Runs append to the history; trends and anomaly checks read it back.
func TestHistoryTrendsAndAnomaly(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "people.csv")
	cfgYAML := `
output: {dir: ` + filepath.Join(dir, "out") + `}
ministries: [{id: M, name: M}]
dimensions: [{id: sufficient}]
sources: {files: {kind: file, root: ` + dir + `}}
datasets:
  - id: people
    ministry: M
    source: files
    path: people.csv
    checks:
      - {id: volume_anomaly, kind: anomaly, metric: row_count, min_history: 3}
      - {id: volume, kind: row_count, min: 150}
`
	clock := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	run := func(rows int) *scorecard.Card {
		writeRows(t, csv, rows)
		cfg, err := config.Parse("h.yaml", []byte(cfgYAML), nil)
		require.NoError(t, err)
		p, err := Prepare(cfg, nil)
		require.NoError(t, err)
		defer p.Close()
		clock = clock.Add(24 * time.Hour)
		now := clock
		out, err := Run(context.Background(), p, Options{Now: func() time.Time { return now }})
		require.NoError(t, err)
		_, err = Publish(context.Background(), p, out, nil)
		require.NoError(t, err)
		return out.Cards[0]
	}
	checkOf := func(c *scorecard.Card, id string) *scorecard.Check {
		for _, ch := range c.Datasets[0].Checks {
			if ch.ID == id {
				return ch
			}
		}
		t.Fatalf("no %s", id)
		return nil
	}

	first := run(200)
	require.Nil(t, first.Trend, "no history yet")
	require.Equal(t, false, checkOf(first, "volume_anomaly").Details["judged"])
	run(202)
	run(198)
	steady := run(201)
	a := checkOf(steady, "volume_anomaly")
	require.Equal(t, true, a.Details["judged"])
	require.Equal(t, scorecard.Pass, a.Status, a.Message)
	require.Len(t, steady.Trend.Series, 4)
	require.Equal(t, 100.0, *steady.Trend.PreviousScore)

	// The volume halves: still above the fixed minimum, but an anomaly.
	dropped := run(100)
	a = checkOf(dropped, "volume_anomaly")
	require.Equal(t, scorecard.Fail, a.Status)
	require.Equal(t, 100.0, *a.Value)
	require.Equal(t, scorecard.Fail, checkOf(dropped, "volume").Status)
	// Both checks fail: the volume (critical, 3) a third below its minimum
	// earns 0.5 x (1 - 50/150) = 1/3, the anomaly (minor, 1) 0:
	// (1/3 x 3 + 0) / 4 = 25.
	require.Equal(t, -75.0, *dropped.Trend.Change)
	require.Len(t, dropped.Trend.Series, 5)
	require.Equal(t, 25.0, *dropped.Trend.Series[4].Score)
	// A failing check has its own trend, since when it fails; a passing
	// one has none.
	require.Nil(t, checkOf(steady, "volume").Trend)
	vt := checkOf(dropped, "volume").Trend
	require.Len(t, vt.Series, 5)
	require.Equal(t, 100.0, *vt.PreviousScore)
	require.Equal(t, 33.33, *vt.Series[4].Score)
	require.Equal(t, "20261106T000000Z", vt.Series[4].RunID[:16], "this run last")

	// The store reads back with any Parquet reader; here DuckDB.
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{})
	hdir := filepath.Join(dir, "out", "history")
	runs, err := history.Runs(ctx, conn, hdir, 100)
	require.NoError(t, err)
	require.Len(t, runs, 5)
	series, err := history.CheckSeries(ctx, conn, hdir, "people", "volume_anomaly", "value", 10)
	require.NoError(t, err)
	var vals []float64
	for _, p := range series {
		vals = append(vals, *p.Value)
	}
	require.Equal(t, []float64{200, 202, 198, 201, 100}, vals)

	// A crashed run leaves a temporary folder that readers ignore.
	require.NoError(t, os.MkdirAll(filepath.Join(hdir, ".tmp-crashed"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(hdir, ".tmp-crashed", history.ChecksFile), []byte("garbage"), 0o644))
	runs, err = history.Runs(ctx, conn, hdir, 100)
	require.NoError(t, err)
	require.Len(t, runs, 5)
}

// A run reads its history once, from the rollup, when the rollup matches
// the store: a run file changed without changing its size or time is not
// read again. Once the rollup is gone, the next run rebuilds it from the
// files, and reports and skips the one that no longer reads.
func TestRunReadsTheRollupOnce(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "people.csv")
	writeRows(t, csv, 200)
	cfgYAML := `
output: {dir: ` + filepath.Join(dir, "out") + `}
ministries: [{id: M, name: M}]
dimensions: [{id: sufficient}]
sources: {files: {kind: file, root: ` + dir + `}}
datasets:
  - id: people
    ministry: M
    source: files
    path: people.csv
    checks:
      - {id: volume_anomaly, kind: anomaly, metric: row_count, min_history: 3}
`
	clock := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	run := func() (*scorecard.Card, string) {
		cfg, err := config.Parse("h.yaml", []byte(cfgYAML), nil)
		require.NoError(t, err)
		p, err := Prepare(cfg, nil)
		require.NoError(t, err)
		defer p.Close()
		clock = clock.Add(24 * time.Hour)
		now := clock
		var log strings.Builder
		out, err := Run(context.Background(), p, Options{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		require.NoError(t, err)
		_, err = Publish(context.Background(), p, out, nil)
		require.NoError(t, err)
		return out.Cards[0], log.String()
	}
	for i := 0; i < 3; i++ {
		run()
	}
	hdir := filepath.Join(dir, "out", "history")
	entries, err := os.ReadDir(hdir)
	require.NoError(t, err)
	var runs []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "run=") {
			runs = append(runs, e.Name())
		}
	}
	require.Len(t, runs, 3)
	first := filepath.Join(hdir, runs[0], history.ChecksFile)
	for _, f := range []string{first, filepath.Join(hdir, runs[0], history.ScoresFile)} {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(f, []byte(strings.Repeat("x", int(fi.Size()))), 0o644))
		require.NoError(t, os.Chtimes(f, fi.ModTime(), fi.ModTime()))
	}

	card, log := run()
	require.Len(t, card.Trend.Series, 4, "three runs from the rollup, and this one")
	anomaly := card.Datasets[0].Checks[0]
	require.Equal(t, true, anomaly.Details["judged"], "three values of history, from the rollup")
	require.NotContains(t, log, "cannot be read")

	require.NoError(t, os.Remove(filepath.Join(hdir, history.RollupFile)))
	card, log = run()
	require.Contains(t, log, "rebuilt from the runs' files: the rollup is missing")
	require.Contains(t, log, "run history: a file cannot be read")
	require.Contains(t, log, first)
	require.Len(t, card.Trend.Series, 4, "the first run skipped: runs 2 to 4, and this one")
	require.Equal(t, "20261103", card.Trend.Series[0].RunID[:8])
}

// A trend longer than the rollup keeps (history.series above
// history.Keep + 1) is read from the runs' files.
func TestTrendLongerThanTheRollup(t *testing.T) {
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "people.csv"), 200)
	hdir := filepath.Join(dir, "out", "history")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	past := history.Keep + 3
	for i := 0; i < past; i++ {
		score := float64(i % 100)
		require.NoError(t, history.Append(hdir, scorecard.Run{ID: fmt.Sprintf("past-%03d", i), StartedAt: start.Add(time.Duration(i) * time.Hour)},
			[]*scorecard.Card{{Ministry: scorecard.Ref{ID: "M"}, Score: &score, Status: scorecard.Pass,
				Datasets: []*scorecard.Dataset{{ID: "people", Score: &score, Status: scorecard.Pass}}}}))
	}
	cfg, err := config.Parse("h.yaml", []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
history: {series: 200}
ministries: [{id: M, name: M}]
dimensions: [{id: sufficient}]
sources: {files: {kind: file, root: `+dir+`}}
datasets:
  - id: people
    ministry: M
    source: files
    path: people.csv
    checks:
      - {id: volume, kind: row_count, min: 150}
`), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	now := start.Add(1000 * time.Hour)
	out, err := Run(context.Background(), p, Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	series := out.Cards[0].Trend.Series
	require.Len(t, series, past+1, "every past run, beyond the %d the rollup keeps, and this one", history.Keep)
	require.Equal(t, "past-000", series[0].RunID)
	require.Equal(t, 0.0, *series[0].Score)
	require.Equal(t, 2.0, *series[past-1].Score)
	require.Len(t, out.Cards[0].Datasets[0].Trend.Series, past+1)
}
