//go:build duckdb_arrow

package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/scorecard"
)

// demoLikeCards is a run of 7 ministries, 8 datasets and 101 checks, the
// demo's shape.
func demoLikeCards(i int) []*scorecard.Card {
	var cards []*scorecard.Card
	n := 0
	for m := 0; m < 7; m++ {
		c := &scorecard.Card{Ministry: scorecard.Ref{ID: fmt.Sprintf("M%d", m)}, Score: ptr(90.0 + float64(i%7)), Status: scorecard.Pass,
			Dimensions: map[string]float64{"correct": 90, "complete": 80}}
		for d := 0; d < 2 && (m < 1 || d < 1); d++ {
			ds := &scorecard.Dataset{ID: fmt.Sprintf("ds%d.%d", m, d), Score: ptr(88.0), Status: scorecard.Pass, RowsTotal: ptr(int64(20000 + i)), RowsSampled: ptr(int64(20000)),
				Dimensions: map[string]float64{"correct": 90, "complete": 80}}
			for k := 0; k < 13 && n < 101; k++ {
				n++
				ch := &scorecard.Check{ID: fmt.Sprintf("check_%d", k), Kind: "regex", Dimension: "correct", Status: scorecard.Fail,
					Score: ptr(97.5), PassRate: ptr(0.975), Value: ptr(float64(i)), Rows: ptr(int64(20000)), Evaluated: ptr(int64(20000)), Failed: ptr(int64(500 + i%9))}
				if k == 12 {
					ch.Details = map[string]any{"columns": []map[string]string{{"name": "cccd", "type": "VARCHAR"}, {"name": "birth_date", "type": "DATE"}}}
				}
				ds.Checks = append(ds.Checks, ch)
			}
			c.Datasets = append(c.Datasets, ds)
		}
		cards = append(cards, c)
	}
	return cards
}

// BenchmarkRollup measures what a run pays for a history of
// DQ_BENCH_HISTORY_RUNS (default 1,000) runs of the demo's shape: Load
// of a rollup that matches the store, and the rollup's part of Stage.
//
//	go test -tags duckdb_arrow -run '^$' -bench Rollup -benchtime 20x ./history
func BenchmarkRollup(b *testing.B) {
	runs := 1000
	if s := os.Getenv("DQ_BENCH_HISTORY_RUNS"); s != "" {
		_, err := fmt.Sscan(s, &runs)
		require.NoError(b, err)
	}
	dir := b.TempDir()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < runs; i++ {
		// The runs' files only, as fast as they can be written: the
		// rollup is built once, below.
		checks, scores := records(scorecard.Run{ID: runID(i), StartedAt: base.Add(time.Duration(i) * time.Hour)}, demoLikeCards(i))
		d := RunDir(dir, runID(i))
		require.NoError(b, os.MkdirAll(d, 0o755))
		require.NoError(b, writeParquet(filepath.Join(d, ChecksFile), checks))
		require.NoError(b, writeParquet(filepath.Join(d, ScoresFile), scores))
		checks.Release()
		scores.Release()
	}
	t0 := time.Now()
	r, err := Load(context.Background(), dir)
	require.NoError(b, err)
	b.Logf("rebuilt from %d runs in %s", runs, time.Since(t0))
	raw, err := r.encode()
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(filepath.Join(dir, RollupFile), raw, 0o644))
	b.Logf("rollup: %d bytes", len(raw))
	b.Run("Load", func(b *testing.B) {
		for b.Loop() {
			r, err := Load(context.Background(), dir)
			require.NoError(b, err)
			require.Empty(b, r.Repair())
		}
	})
	b.Run("Encode", func(b *testing.B) {
		for b.Loop() {
			_, err := r.encode()
			require.NoError(b, err)
		}
	})
	b.Run("Scan", func(b *testing.B) {
		for b.Loop() {
			_, err := scan(dir)
			require.NoError(b, err)
		}
	})
}
