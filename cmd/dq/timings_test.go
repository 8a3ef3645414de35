package main

import (
	"bufio"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dq run --timings prints where the time went per dataset and per run
// step on stderr; the JSON log records the same at debug level, with or
// without the flag.
func TestRunTimings(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	cfg := demoConfig(t, dir, 2000)
	datasets := []string{"population.citizens", "population.residence", "insurance.participants", "land.parcels",
		"education.students", "health.cards", "enterprise.registry", "civil_status.deaths"}

	r := runDQ(t, bin, "run", "--config", cfg, "--timings", "--memory-limit", "1GB", "--log-format", "json", "--log-level", "debug")
	require.Equal(t, 1, r.code, r.stderr) // the demo's planted defects fail checks

	// The table: a header, one row per dataset with four durations, then
	// the run's steps.
	require.Regexp(t, `(?m)^\s+dataset\s+connect s\s+extract s\s+load s\s+checks s\s*$`, r.stderr)
	for _, id := range datasets {
		require.Regexp(t, `(?m)^\s+`+regexp.QuoteMeta(id)+`(\s+\d+\.\d{3}){4}\s*$`, r.stderr)
	}
	require.Regexp(t, `(?m)^\s+run step\s+s\s*$`, r.stderr)
	for _, step := range []string{"scoring", "trends", "pages", "history", "watermarks", "commit"} {
		require.Regexp(t, `(?m)^\s+`+step+`\s+\d+\.\d{3}\s*$`, r.stderr)
	}

	// The log, in JSON: one line per dataset, one for the run.
	logged := timingLines(t, r.stderr)
	require.Len(t, logged["dataset timings"], len(datasets))
	for i, line := range logged["dataset timings"] {
		require.Equal(t, datasets[i], line["dataset"])
		for _, k := range []string{"connect_ms", "extract_ms", "load_ms", "checks_ms"} {
			require.GreaterOrEqual(t, line[k].(float64), 0.0, k)
		}
		require.Greater(t, line["checks_ms"].(float64), 0.0)
	}
	require.Len(t, logged["run timings"], 1)
	require.Greater(t, logged["run timings"][0]["pages_ms"].(float64), 0.0)
	require.Contains(t, logged["run timings"][0], "history_ms")

	// Without --timings: no table, the same log lines.
	r = runDQ(t, bin, "run", "--config", cfg, "--log-format", "json", "--log-level", "debug")
	require.Equal(t, 1, r.code, r.stderr)
	require.NotContains(t, r.stderr, "connect s")
	require.Len(t, timingLines(t, r.stderr)["dataset timings"], len(datasets))

	// A memory limit DuckDB cannot read is refused before anything runs.
	r = runDQ(t, bin, "run", "--config", cfg, "--memory-limit", "lots")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `"lots" is not a size`)
}

// timingLines are the JSON log lines about timings, by message.
func timingLines(t *testing.T, stderr string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "{") {
			continue
		}
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), sc.Text())
		if msg, _ := line["msg"].(string); strings.HasSuffix(msg, " timings") {
			out[msg] = append(out[msg], line)
		}
	}
	return out
}
