//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/scorecard"
)

// The soak test: DQ_SOAK=N runs dq N times (100 for the numbers in
// docs/reliability.md) on one output, against an API that fails at
// random, with SIGTERM sent at random moments, and checks after every run
// that latest is a complete run and nothing staged is left once a run
// finishes. It reports each process's peak memory and its open files
// while reading the API, so growth shows:
//
//	DQ_SOAK=100 go test -tags duckdb_arrow -run TestSoak -v -timeout 30m ./cmd/dq
func TestSoak(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DQ_SOAK"))
	if n <= 0 {
		t.Skip("set DQ_SOAK=N to run N interrupted and failing runs")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(n), 7))

	var mode atomic.Int32 // 0 answer, 1 fail with 500, 2 hold until the client leaves
	var fds atomic.Int64
	var pid atomic.Int64
	reached := make(chan struct{}, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := pid.Load(); p > 0 {
			if entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p)); err == nil {
				fds.Store(int64(len(entries)))
			}
		}
		select {
		case reached <- struct{}{}:
		default:
		}
		switch mode.Load() {
		case 1:
			http.Error(w, "registry down", http.StatusInternalServerError)
		case 2:
			<-r.Context().Done()
		default:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode([]map[string]any{{"id": 1, "name": "An"}, {"id": 2, "name": nil}})
		}
	}))
	defer api.Close()
	cfg := lifecycleConfig(t, dir, api.URL, "")
	out := filepath.Join(dir, "out")

	type sample struct {
		rssKB int64
		fds   int64
	}
	var samples []sample
	codes := map[int]int{}
	for i := 0; i < n; i++ {
		m := rng.IntN(10)
		interrupt := m >= 7
		switch {
		case m < 5:
			mode.Store(0)
		case m < 7:
			mode.Store(1)
		default:
			mode.Store(2)
		}
		fds.Store(0)
		cmd, stderr, wait := startDQ(t, bin, "run", "--config", cfg)
		pid.Store(int64(cmd.Process.Pid))
		if interrupt {
			if rng.IntN(3) == 0 {
				time.Sleep(time.Duration(rng.IntN(50)) * time.Millisecond) // anywhere, even before the API
			} else {
				select {
				case <-reached:
				case <-time.After(30 * time.Second):
					t.Fatalf("run %d never reached the API: %s", i, stderr)
				}
			}
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
		code := wait()
		select {
		case <-reached:
		default:
		}
		codes[code]++
		switch {
		case interrupt:
			require.Contains(t, []int{1, 3, 5, -1}, code, "run %d: %s", i, stderr)
		case mode.Load() == 1:
			require.Equal(t, 3, code, "run %d: %s", i, stderr)
		default:
			require.Equal(t, 1, code, "run %d: %s", i, stderr)
		}
		if !interrupt || code != -1 { // a process killed before it could stop cleanly may leave staged files for the next run
			requireNoStaged(t, out)
		}
		requireCompleteLatest(t, out, i)
		if us := cmd.ProcessState.SysUsage(); us != nil {
			samples = append(samples, sample{rssKB: us.(*syscall.Rusage).Maxrss, fds: fds.Load()})
		}
	}
	var rss, fd []float64
	for _, x := range samples {
		rss = append(rss, float64(x.rssKB)/1024)
		if x.fds > 0 { // the runs that reached the API
			fd = append(fd, float64(x.fds))
		}
	}
	firstRSS, lastRSS := ends(rss)
	firstFD, lastFD := ends(fd)
	t.Logf("runs %d, exit codes %v", n, codes)
	t.Logf("peak RSS per process (MB): first tenth of the runs %.0f, last tenth %.0f", firstRSS, lastRSS)
	t.Logf("open files while reading the API: first tenth %.1f, last tenth %.1f", firstFD, lastFD)
	require.Less(t, lastRSS, firstRSS*1.5+50, "peak memory grows with the runs")
	require.LessOrEqual(t, lastFD, firstFD+4, "open files grow with the runs")
}

// ends are the means of the first and the last tenth of xs.
func ends(xs []float64) (first, last float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	k := max(1, len(xs)/10)
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	return mean(xs[:k]), mean(xs[len(xs)-k:])
}

// requireCompleteLatest fails unless latest shows a whole run: an index
// and every ministry's scorecard, each matching the schema.
func requireCompleteLatest(t *testing.T, out string, i int) {
	t.Helper()
	target, err := os.Readlink(filepath.Join(out, "latest"))
	if os.IsNotExist(err) {
		return // nothing published yet
	}
	require.NoError(t, err, "run %d", i)
	runDir := filepath.Join(out, target)
	raw, err := os.ReadFile(filepath.Join(runDir, "index.json"))
	require.NoError(t, err, "run %d: latest has no index", i)
	require.NoError(t, scorecard.Validate(raw), "run %d", i)
	var idx scorecard.Index
	require.NoError(t, json.Unmarshal(raw, &idx))
	for _, e := range idx.Ministries {
		raw, err := os.ReadFile(filepath.Join(runDir, e.File))
		require.NoError(t, err, "run %d: latest lacks %s", i, e.File)
		require.NoError(t, scorecard.Validate(raw), "run %d: %s", i, e.File)
	}
}
