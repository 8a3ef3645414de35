//go:build duckdb_arrow

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stallingAPI serves /people; while stall is set, it holds each request
// open (telling started) until the client goes away, like a registry API
// that takes its time.
type stallingAPI struct {
	*httptest.Server
	stall   atomic.Bool
	started chan struct{}
}

func newStallingAPI(t *testing.T) *stallingAPI {
	a := &stallingAPI{started: make(chan struct{}, 16)}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.stall.Load() {
			a.started <- struct{}{}
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode([]map[string]any{{"id": 1, "name": "An"}, {"id": 2, "name": nil}})
	}))
	t.Cleanup(a.Close)
	return a
}

// lifecycleConfig writes a config of one API dataset and one file
// dataset, output under dir/out.
func lifecycleConfig(t *testing.T, dir, apiURL, extra string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.csv"), []byte("id,name\n1,An\n2,Bình\n"), 0o644))
	cfg := filepath.Join(dir, "dq.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
ministries: [{id: MPS, name: P}, {id: MOH, name: H}]
sources:
  api: {kind: http, http: {base_url: "`+apiURL+`", max_retries: -1, timeout: 60s}}
  files: {kind: file, root: `+dir+`}
datasets:
  - {id: people_api, ministry: MPS, source: api, http: {path: people}, checks: [{id: n, kind: not_null, column: name}]}
  - {id: people_file, ministry: MOH, source: files, path: p.csv, checks: [{id: n, kind: not_null, column: name}]}
`+extra), 0o644))
	return cfg
}

// startDQ starts dq in the background; wait returns its exit code.
func startDQ(t *testing.T, bin string, args ...string) (cmd *exec.Cmd, stderr *bytes.Buffer, wait func() int) {
	t.Helper()
	cmd = exec.Command(bin, args...)
	stderr = &bytes.Buffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	var once sync.Once
	code := 0
	wait = func() int {
		once.Do(func() {
			err := cmd.Wait()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
		})
		return code
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); wait() })
	return cmd, stderr, wait
}

// published lists the run folders and history records of an output.
func published(t *testing.T, out string) (runs, recorded []string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(out, "runs"))
	for _, e := range entries {
		runs = append(runs, e.Name())
	}
	entries, _ = os.ReadDir(filepath.Join(out, "history"))
	for _, e := range entries {
		if e.IsDir() {
			recorded = append(recorded, e.Name())
		}
	}
	return runs, recorded
}

func waitStarted(t *testing.T, a *stallingAPI) {
	t.Helper()
	select {
	case <-a.started:
	case <-time.After(30 * time.Second):
		t.Fatal("dq never reached the API")
	}
}

// A scheduler's SIGTERM (or a Ctrl-C) in the middle of a run publishes
// nothing, records nothing, leaves latest on the last complete run and no
// staged file behind, and exits 5.
func TestSignalDuringRunPublishesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			api := newStallingAPI(t)
			cfg := lifecycleConfig(t, dir, api.URL, "")
			out := filepath.Join(dir, "out")
			first := runDQ(t, bin, "run", "--config", cfg)
			require.Equal(t, 1, first.code, first.stderr)
			runs, recorded := published(t, out)
			require.Len(t, runs, 1)
			require.Len(t, recorded, 1)
			latest, err := os.Readlink(filepath.Join(out, "latest"))
			require.NoError(t, err)

			api.stall.Store(true)
			cmd, stderr, wait := startDQ(t, bin, "run", "--config", cfg)
			waitStarted(t, api)
			require.NoError(t, cmd.Process.Signal(sig))
			code := wait()
			require.Equal(t, 5, code, stderr.String())
			require.Contains(t, stderr.String(), "cancelled before the run was published")
			runs2, recorded2 := published(t, out)
			require.Equal(t, runs, runs2, "no run folder")
			require.Equal(t, recorded, recorded2, "nothing recorded in the history")
			latest2, err := os.Readlink(filepath.Join(out, "latest"))
			require.NoError(t, err)
			require.Equal(t, latest, latest2)
			requireNoStaged(t, out)
		})
	}
}

// requireNoStaged fails when an output holds a staged name or a journal.
func requireNoStaged(t *testing.T, out string) {
	t.Helper()
	for _, d := range []string{out, filepath.Join(out, "runs"), filepath.Join(out, "history"), filepath.Join(out, "state")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			require.False(t, strings.HasPrefix(e.Name(), ".tmp-") || strings.HasPrefix(e.Name(), "publishing-"), "%s left in %s", e.Name(), d)
		}
	}
}

// Two runs on one output: the second is refused at once, naming the
// first; what a killed process left is cleaned up by the next run.
func TestConcurrentRunsAndLeftovers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	api := newStallingAPI(t)
	cfg := lifecycleConfig(t, dir, api.URL, "")
	out := filepath.Join(dir, "out")

	api.stall.Store(true)
	first, firstErr, wait := startDQ(t, bin, "run", "--config", cfg)
	waitStarted(t, api)
	second := runDQ(t, bin, "run", "--config", cfg)
	require.Equal(t, 6, second.code, second.stderr)
	require.Contains(t, second.stderr, "another dq process is using this folder")
	require.Contains(t, second.stderr, "is held by dq run (pid ")
	require.Contains(t, second.stderr, strings.TrimSpace(itoa(first.Process.Pid)))
	// Killed outright: no chance to clean up.
	require.NoError(t, first.Process.Kill())
	wait()
	_ = firstErr

	for _, p := range []string{filepath.Join(out, "runs", ".tmp-r-1"), filepath.Join(out, "history", ".tmp-r-2")} {
		require.NoError(t, os.MkdirAll(p, 0o755))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(out, "state"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "state", ".tmp-watermarks-1.json"), []byte("{"), 0o644))
	api.stall.Store(false)
	r := runDQ(t, bin, "run", "--config", cfg, "--log-format", "json")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "left by a process that was stopped")
	requireNoStaged(t, out)
}

// A scheduler that retries a run with the same --run-id gets the
// published run back: not checked again, not recorded twice, same exit
// code.
func TestRetryWithTheSameRunID(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	api := newStallingAPI(t)
	cfg := lifecycleConfig(t, dir, api.URL, "")
	first := runDQ(t, bin, "run", "--config", cfg, "--run-id", "nightly-1")
	require.Equal(t, 1, first.code, first.stderr)
	api.stall.Store(true) // a second check would hang: it must not happen
	again := runDQ(t, bin, "run", "--config", cfg, "--run-id", "nightly-1")
	require.Equal(t, 1, again.code, again.stderr)
	require.Contains(t, again.stderr, "run nightly-1 is already published")
	require.Equal(t, first.stdout, again.stdout, "the same summary")
	_, recorded := published(t, filepath.Join(dir, "out"))
	require.Equal(t, []string{"run=nightly-1"}, recorded)
}

// A delivery that failed is sent again by dq deliver, with the run's
// idempotency keys, only for what was not delivered.
func TestDeliverLater(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	var mu sync.Mutex
	down := true
	got := map[string]int{}
	dash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		got[r.Header.Get("Idempotency-Key")]++
		if down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer dash.Close()
	dir := t.TempDir()
	api := newStallingAPI(t)
	cfg := lifecycleConfig(t, dir, api.URL, `publish: {http: {url: "`+dash.URL+`", max_retries: 1, timeout: 2s, total_timeout: 10s}}
`)
	r := runDQ(t, bin, "run", "--config", cfg, "--run-id", "r1")
	require.Equal(t, 4, r.code, r.stderr)
	require.Contains(t, r.stderr, "deliver them later with: dq deliver --config "+cfg+" --run r1")

	mu.Lock()
	down = false
	got = map[string]int{}
	mu.Unlock()
	r = runDQ(t, bin, "deliver", "--config", cfg, "--run", "r1")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "MPS\tdelivered\nMOH\tdelivered\n", r.stdout)
	require.Equal(t, map[string]int{"r1/MPS": 1, "r1/MOH": 1}, got)
	// Nothing is left: a second deliver sends nothing.
	r = runDQ(t, bin, "deliver", "--config", cfg, "--run", "r1")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, map[string]int{"r1/MPS": 1, "r1/MOH": 1}, got)
	r = runDQ(t, bin, "deliver", "--config", cfg, "--run", "r9")
	require.Equal(t, 2, r.code, r.stderr)
	require.Contains(t, r.stderr, "no such published run")
}

// The history on a full disk: the run is not published at all, rather
// than published without its history and watermarks.
func TestFullDiskPublishesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	hist := filepath.Join(dir, "hist")
	require.NoError(t, os.MkdirAll(hist, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", hist).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (needs root): %v %s", err, out)
	}
	defer exec.Command("umount", hist).Run()
	api := newStallingAPI(t)
	cfg := lifecycleConfig(t, dir, api.URL, "history: {dir: "+hist+"}\n")
	first := runDQ(t, bin, "run", "--config", cfg)
	require.Equal(t, 1, first.code, first.stderr)
	out := filepath.Join(dir, "out")
	latest, err := os.Readlink(filepath.Join(out, "latest"))
	require.NoError(t, err)
	// Fill the disk.
	big := make([]byte, 1<<20)
	f, err := os.Create(filepath.Join(hist, "filler"))
	require.NoError(t, err)
	_, _ = f.Write(big)
	f.Close()

	r := runDQ(t, bin, "run", "--config", cfg)
	require.Equal(t, 3, r.code, r.stderr)
	require.Contains(t, r.stderr, "record run history")
	runs, _ := published(t, out)
	require.Len(t, runs, 1, "no second run folder")
	latest2, err := os.Readlink(filepath.Join(out, "latest"))
	require.NoError(t, err)
	require.Equal(t, latest, latest2)
	requireNoStaged(t, out)
	entries, err := os.ReadDir(hist)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasPrefix(e.Name(), ".tmp-"), "staged history left: %s", e.Name())
	}
}

// One unreadable history file is reported and skipped; the run goes on.
func TestDamagedHistoryFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	api := newStallingAPI(t)
	cfg := lifecycleConfig(t, dir, api.URL, "")
	for i := 0; i < 2; i++ {
		r := runDQ(t, bin, "run", "--config", cfg)
		require.Equal(t, 1, r.code, r.stderr)
	}
	_, recorded := published(t, filepath.Join(dir, "out"))
	damaged := filepath.Join(dir, "out", "history", recorded[0], "checks.parquet")
	require.NoError(t, os.WriteFile(damaged, []byte("PAR1 torn"), 0o644))
	r := runDQ(t, bin, "run", "--config", cfg)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "run history: a file cannot be read")
	require.Contains(t, r.stderr, damaged)
	h := runDQ(t, bin, "history", "--config", cfg)
	require.Equal(t, 0, h.code, h.stderr)
	require.Contains(t, h.stderr, "skipped, cannot be read: "+damaged)
	require.Equal(t, 3, strings.Count(h.stdout, "\n"), "a header and the two readable runs:\n%s", h.stdout)
}
