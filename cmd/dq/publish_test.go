//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHTTPDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	t.Setenv("DQ_TEST_TOKEN", "tok") // an unset token_env is refused
	var mu sync.Mutex
	attempts := map[string]int{}
	failFirst := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		key := r.Header.Get("Idempotency-Key")
		attempts[key]++
		if attempts[key] <= failFirst {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.csv"), []byte("id,name\n1,An\n2,Bình\n"), 0o644))
	write := func(retries int) string {
		cfg := filepath.Join(dir, "dq.yaml")
		require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
publish: {http: {url: "`+srv.URL+`/scorecards", token_env: DQ_TEST_TOKEN, max_retries: `+itoa(retries)+`, timeout: 2s, total_timeout: 20s}}
ministries: [{id: MPS, name: P}, {id: MOH, name: H}]
sources: {f: {kind: file, root: `+dir+`}}
datasets:
  - {id: a, ministry: MPS, source: f, path: p.csv, checks: [{id: n, kind: not_null, column: name}]}
  - {id: b, ministry: MOH, source: f, path: p.csv, checks: [{id: n, kind: not_null, column: name}]}
`), 0o644))
		return cfg
	}

	r := runDQ(t, bin, "run", "--config", write(3))
	require.Equal(t, 0, r.code, r.stderr)
	latest, err := filepath.EvalSymlinks(filepath.Join(dir, "out", "latest"))
	require.NoError(t, err)
	runID := filepath.Base(latest)
	require.Equal(t, map[string]int{runID + "/MPS": 2, runID + "/MOH": 2}, attempts)

	// The endpoint keeps failing: files are written, delivery.json says
	// what happened, exit code 4.
	mu.Lock()
	failFirst = 1000
	mu.Unlock()
	r = runDQ(t, bin, "run", "--config", write(1))
	require.Equal(t, 4, r.code, r.stderr)
	require.Contains(t, r.stderr, "delivery of MPS")
	latest, err = filepath.EvalSymlinks(filepath.Join(dir, "out", "latest"))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(latest, "MPS.json"))
	require.NoError(t, err, "the files are still written")
	raw, err := os.ReadFile(filepath.Join(latest, "delivery.json"))
	require.NoError(t, err)
	var ds []map[string]any
	require.NoError(t, json.Unmarshal(raw, &ds))
	require.Len(t, ds, 2)
	require.Equal(t, false, ds[0]["delivered"])
	require.EqualValues(t, 2, ds[0]["attempts"])
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
