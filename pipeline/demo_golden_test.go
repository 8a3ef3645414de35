//go:build duckdb_arrow

package pipeline

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
)

var updateGolden = flag.Bool("update", false, "rewrite pipeline/testdata/demo.golden from this run")

// The demo's published scorecards (every JSON file and page of two runs,
// the second with the first in its history) are pinned byte for byte: a
// change of structure must not change what a dashboard or a person reads.
// The clock, the data's date and the run ids are fixed; durations are
// zeroed, as they are the only thing that differs between two runs.
func TestDemoScorecardsGolden(t *testing.T) {
	asOf := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	data := t.TempDir()
	_, err := demo.Generate(data, demo.Options{Rows: 4000, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	raw, err := os.ReadFile("../configs/demo.yaml")
	require.NoError(t, err)
	out := t.TempDir()
	s := strings.Replace(string(raw), "root: ../testdata/demo", "root: "+data, 1)
	s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
	s = strings.Replace(s, "output: {dir: ../out/scorecards}", "output: {dir: "+out+"}", 1)
	// One engine thread: a parallel join returns its failing examples in
	// any order, and the golden pins which five are shown.
	s = strings.Replace(s, "threads: 0,", "threads: 1,", 1)

	for i, runID := range []string{"golden-1", "golden-2"} {
		now := asOf.Add(time.Duration(i*24+1) * time.Hour)
		cfg, err := config.Parse("demo.yaml", []byte(s), nil)
		require.NoError(t, err)
		cfg.SHA256 = strings.Repeat("0", 64) // the text holds the temporary folders' paths
		published := publishDemoRun(t, cfg, runID, now)
		compareGoldenDir(t, published, filepath.Join("testdata", "demo.golden", runID))
	}
}

// firstDifference finds the first line where two texts differ.
func firstDifference(want, got string) (line int, w, g string, differ bool) {
	if want == got {
		return 0, "", "", false
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		if i >= len(wl) || i >= len(gl) || wl[i] != gl[i] {
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			return i + 1, w, g, true
		}
	}
	return 0, "", "", true
}

// compareGoldenDir requires every file of dir to equal its golden, and
// the golden folder to hold no other file.
func compareGoldenDir(t *testing.T, dir, golden string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	if *updateGolden {
		require.NoError(t, os.RemoveAll(golden))
		require.NoError(t, os.MkdirAll(golden, 0o755))
	}
	names := map[string]bool{}
	for _, e := range entries {
		got, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		names[e.Name()] = true
		if *updateGolden {
			require.NoError(t, os.WriteFile(filepath.Join(golden, e.Name()), got, 0o644))
			continue
		}
		want, err := os.ReadFile(filepath.Join(golden, e.Name()))
		require.NoError(t, err, "no golden for %s: go test -tags duckdb_arrow ./pipeline -run TestDemoScorecardsGolden -update", e.Name())
		if line, w, g, differ := firstDifference(string(want), string(got)); differ {
			t.Fatalf("%s/%s changed at line %d:\nwant: %s\ngot:  %s\nif that is intended: go test -tags duckdb_arrow ./pipeline -run TestDemoScorecardsGolden -update",
				golden, e.Name(), line, w, g)
		}
	}
	wanted, err := os.ReadDir(golden)
	require.NoError(t, err)
	for _, e := range wanted {
		require.True(t, names[e.Name()], "the run no longer writes %s", e.Name())
	}
}
