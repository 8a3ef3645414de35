//go:build duckdb_arrow

package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
)

// benchEnvInt reads a positive count from the environment, or def.
func benchEnvInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	require.NoError(b, err, name)
	require.Positive(b, v, name)
	return v
}

// BenchmarkDemoRunHistory is a demo run (configs/demo.yaml's data, 20,000
// people, through Prepare, Run and Publish at a fixed clock) with an empty
// history against the same run with DQ_BENCH_HISTORY_RUNS (default 1,000)
// earlier runs recorded, interleaved (empty, full, empty, full, ...)
// DQ_BENCH_ROUNDS times (default 5), after one untimed run of each.
// The earlier runs are the demo run's own scorecards recorded under other
// run ids and start times by history.Append, dq's writer of the store, so
// they are in exactly the format dq writes. Reproduce with
//
//	go test -tags duckdb_arrow -run '^$' -bench DemoRunHistory -benchtime 1x -timeout 30m ./pipeline
//
// and read the medians and the ratios it reports, of wall time and of the
// process's CPU time.
func BenchmarkDemoRunHistory(b *testing.B) {
	runs := benchEnvInt(b, "DQ_BENCH_HISTORY_RUNS", 1000)
	rounds := benchEnvInt(b, "DQ_BENCH_ROUNDS", 5)
	asOf := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	tmp := b.TempDir()
	data := filepath.Join(tmp, "data")
	_, err := demo.Generate(data, demo.Options{Rows: 20000, Seed: 1, AsOf: asOf})
	require.NoError(b, err)
	raw, err := os.ReadFile("../configs/demo.yaml")
	require.NoError(b, err)
	cfgFor := func(out string) *config.Config {
		s := strings.Replace(string(raw), "root: ../testdata/demo", "root: "+data, 1)
		s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
		s = strings.Replace(s, "output: {dir: ../out/scorecards}", "output: {dir: "+out+"}", 1)
		cfg, err := config.Parse("demo.yaml", []byte(s), nil)
		require.NoError(b, err)
		return cfg
	}
	seq := 0
	// cpu is the process's CPU time (user and system, every thread,
	// DuckDB's included): unlike wall time it hardly moves when other
	// work shares the machine.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var lastCPU time.Duration
	demoRun := func(out string) (time.Duration, *Outcome) {
		seq++
		now := asOf.Add(time.Duration(seq) * time.Minute)
		t0, c0 := time.Now(), cpu()
		defer func() { lastCPU = cpu() - c0 }()
		p, err := Prepare(cfgFor(out), nil)
		require.NoError(b, err)
		defer p.Close()
		o, err := Run(context.Background(), p, Options{RunID: fmt.Sprintf("bench-%04d", seq), Now: func() time.Time { return now }})
		require.NoError(b, err)
		_, err = Publish(context.Background(), p, o, nil)
		require.NoError(b, err)
		return time.Since(t0), o
	}

	// The earlier runs, an hour apart before the clock of the timed runs.
	full := filepath.Join(tmp, "full")
	_, first := demoRun(filepath.Join(tmp, "seed"))
	hdir := filepath.Join(full, "history")
	t0 := time.Now()
	for i := 0; i < runs; i++ {
		run := scorecard.Run{ID: fmt.Sprintf("past-%04d", i), StartedAt: asOf.Add(-time.Duration(runs-i) * time.Hour)}
		require.NoError(b, history.Append(hdir, run, first.Cards))
	}
	b.Logf("%d earlier runs recorded in %s", runs, time.Since(t0).Round(time.Millisecond))

	empty := func() time.Duration {
		d, _ := demoRun(filepath.Join(b.TempDir(), "out"))
		return d
	}
	withHistory := func() time.Duration {
		d, o := demoRun(full)
		require.NotNil(b, o.Cards[0].Trend, "the run reads its history")
		return d
	}
	empty()
	withHistory()
	b.ResetTimer()
	var e, h, ratios, ce, ch, cratios []float64
	for i := 0; i < rounds; i++ {
		de := empty().Seconds()
		cde := lastCPU.Seconds()
		dh := withHistory().Seconds()
		cdh := lastCPU.Seconds()
		e, h, ratios = append(e, de), append(h, dh), append(ratios, dh/de)
		ce, ch, cratios = append(ce, cde), append(ch, cdh), append(cratios, cdh/cde)
		b.Logf("round %d: empty %.3f s (CPU %.3f s), %d runs of history %.3f s (CPU %.3f s): %.2f× wall, %.2f× CPU",
			i+1, de, cde, runs, dh, cdh, dh/de, cdh/cde)
	}
	b.StopTimer()
	med := func(v []float64) float64 {
		v = slices.Clone(v)
		slices.Sort(v)
		return v[len(v)/2]
	}
	b.Logf("median wall: empty %.3f s, with %d runs %.3f s, ratio of medians %.3f×, median ratio %.3f×",
		med(e), runs, med(h), med(h)/med(e), med(ratios))
	b.Logf("median CPU: empty %.3f s, with %d runs %.3f s, ratio of medians %.3f×, median ratio %.3f×",
		med(ce), runs, med(ch), med(ch)/med(ce), med(cratios))
	b.ReportMetric(med(e), "empty-s")
	b.ReportMetric(med(h), "history-s")
	b.ReportMetric(med(ratios), "ratio")
	b.ReportMetric(med(cratios), "cpu-ratio")
}
