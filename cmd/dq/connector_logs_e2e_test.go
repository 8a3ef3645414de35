//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dq run --log-level debug shows what the connectors do, named after the
// source, and never the token they send.
func TestConnectorLogsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	const token = "e2e-T0KEN-never-logged"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode([]map[string]any{{"id": 1, "name": "An"}, {"id": 2, "name": "Bình"}})
	}))
	defer api.Close()
	bin := dqBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dq.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
ministries: [{id: M, name: M}]
sources:
  api: {kind: http, http: {base_url: "`+api.URL+`", token_env: DQ_E2E_TOKEN}}
datasets:
  - {id: people, ministry: M, source: api, http: {path: people}, checks: [{id: n, kind: not_null, column: name}]}
`), 0o644))
	cmd := exec.Command(bin, "run", "--config", cfg, "--log-level", "debug")
	cmd.Env = append(os.Environ(), "DQ_E2E_TOKEN="+token)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), errb.String())
	require.Contains(t, errb.String(), `level=DEBUG msg="http: page read" source=api dataset=people page="page 1 (GET `+api.URL+`/people)" records=2`)
	require.Contains(t, errb.String(), `level=INFO msg="http: inferred schema" source=api dataset=people records=2 columns="id int64, name string"`)
	require.NotContains(t, out.String()+errb.String(), token)
}
