//go:build duckdb_arrow

package history_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
)

func card(score float64) *scorecard.Card {
	rows, failed := int64(100), int64(100-int64(score))
	rate := score / 100
	return &scorecard.Card{Ministry: scorecard.Ref{ID: "MPS"}, Score: &score, Status: scorecard.Pass,
		Dimensions: map[string]float64{"correct": score},
		Datasets: []*scorecard.Dataset{{ID: "pop", Score: &score, Status: scorecard.Pass, RowsTotal: &rows, RowsSampled: &rows,
			Dimensions: map[string]float64{"correct": score},
			Checks: []*scorecard.Check{{ID: "fmt", Kind: "regex", Dimension: "correct", Status: scorecard.Pass,
				Score: &score, PassRate: &rate, Rows: &rows, Evaluated: &rows, Failed: &failed}}}},
	}
}

// Runs appended at the same time all land, whole, and read back in order.
func TestConcurrentAppends(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			run := scorecard.Run{ID: fmt.Sprintf("run-%02d", i), StartedAt: base.Add(time.Duration(i) * time.Hour)}
			errs <- history.Append(dir, run, []*scorecard.Card{card(90 + float64(i))})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Error(t, history.Append(dir, scorecard.Run{ID: "run-03", StartedAt: base}, nil), "a run is recorded once")

	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	runs, err := history.Runs(ctx, conn, dir, 100)
	require.NoError(t, err)
	require.Len(t, runs, 8)
	require.Equal(t, "run-07", runs[0].RunID)
	pts, err := history.ScoreSeries(ctx, conn, dir, "MPS", "", 3)
	require.NoError(t, err)
	require.Len(t, pts, 3)
	require.Equal(t, []float64{95, 96, 97}, []float64{*pts[0].Value, *pts[1].Value, *pts[2].Value})
	fails, err := history.CheckSeries(ctx, conn, dir, "pop", "fmt", "failed", 2)
	require.NoError(t, err)
	require.Equal(t, 4.0, *fails[0].Value)
	_, err = history.CheckSeries(ctx, conn, dir, "pop", "fmt", "drop table", 2)
	require.Error(t, err, "only known fields")
	all, err := history.CheckScores(ctx, conn, dir, 3)
	require.NoError(t, err)
	require.Equal(t, []history.Point{
		{RunID: "run-05", At: base.Add(5 * time.Hour), Value: ptr(95.0)},
		{RunID: "run-06", At: base.Add(6 * time.Hour), Value: ptr(96.0)},
		{RunID: "run-07", At: base.Add(7 * time.Hour), Value: ptr(97.0)},
	}, all[history.CheckRef{Dataset: "pop", Check: "fmt"}], "every check's last scores in one scan, as CheckSeries gives one's")
}

func ptr[T any](v T) *T { return &v }

// One damaged file (a disk that filled up, a file overwritten by hand)
// is reported and skipped; every other run still reads.
func TestUnreadableRunIsSkipped(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		run := scorecard.Run{ID: fmt.Sprintf("run-%d", i), StartedAt: base.Add(time.Duration(i) * time.Hour)}
		require.NoError(t, history.Append(dir, run, []*scorecard.Card{card(90 + float64(i))}))
	}
	damaged := filepath.Join(history.RunDir(dir, "run-1"), history.ChecksFile)
	raw, err := os.ReadFile(damaged)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(damaged, raw[:len(raw)/2], 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(history.RunDir(dir, "run-2"), history.ScoresFile), []byte("not parquet"), 0o644))

	bad := history.Check(dir)
	require.Len(t, bad, 2)
	require.Equal(t, damaged, bad[0].Path)
	require.Equal(t, filepath.Join(history.RunDir(dir, "run-2"), history.ScoresFile), bad[1].Path)

	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	runs, err := history.Runs(ctx, conn, dir, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"run-2", "run-0"}, []string{runs[0].RunID, runs[1].RunID})
	vals, err := history.CheckSeries(ctx, conn, dir, "pop", "fmt", "value", 10)
	require.NoError(t, err)
	require.Len(t, vals, 2)
	scores, err := history.ScoreSeries(ctx, conn, dir, "MPS", "", 10)
	require.NoError(t, err)
	require.Equal(t, []string{"run-0", "run-1"}, []string{scores[0].RunID, scores[1].RunID})
	require.False(t, history.Empty(dir))
}

// Details are kept with each check, and a store written before they were
// (no details column) still reads: its runs have none.
func TestCheckDetailsAcrossFormats(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	// A run of the earlier format: every column but details.
	old := history.RunDir(dir, "run-0")
	require.NoError(t, os.MkdirAll(old, 0o755))
	require.NoError(t, conn.Exec(ctx, fmt.Sprintf(`COPY (SELECT 'run-0' AS run_id, TIMESTAMPTZ '2026-10-31 00:00:00+00' AS started_at,
		'MPS' AS ministry, 'pop' AS dataset, 'fmt' AS check_id, 'regex' AS kind, 'correct' AS dimension, 'pass' AS status,
		100.0 AS score, 1.0 AS pass_rate, 7.0 AS value, 100::BIGINT AS rows, 100::BIGINT AS evaluated, 0::BIGINT AS failed,
		100::BIGINT AS rows_total, 100::BIGINT AS rows_sampled) TO '%s' (FORMAT parquet)`, filepath.Join(old, history.ChecksFile))))
	got, err := history.CheckDetails(ctx, conn, dir, "pop", "fmt", 10)
	require.NoError(t, err)
	require.Empty(t, got, "no run recorded details yet")

	withDetails := card(90)
	withDetails.Datasets[0].Checks[0].Details = map[string]any{"columns": []map[string]string{{"name": "cccd", "type": "VARCHAR"}}}
	require.NoError(t, history.Append(dir, scorecard.Run{ID: "run-1", StartedAt: base}, []*scorecard.Card{withDetails}))
	require.NoError(t, history.Append(dir, scorecard.Run{ID: "run-2", StartedAt: base.Add(time.Hour)}, []*scorecard.Card{card(91)}))

	got, err = history.CheckDetails(ctx, conn, dir, "pop", "fmt", 10)
	require.NoError(t, err)
	require.Equal(t, []map[string]any{{"columns": []any{map[string]any{"name": "cccd", "type": "VARCHAR"}}}}, got)
	vals, err := history.CheckSeries(ctx, conn, dir, "pop", "fmt", "score", 10)
	require.NoError(t, err)
	require.Len(t, vals, 3, "old and new files read together")
}
