package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A run split over three processes and merged publishes the same
// scorecards as one process; a merge before every part is in publishes
// nothing and can be repeated.
func TestShardedRunMatchesOneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	cfg := demoConfig(t, dir, 3000)
	one := filepath.Join(dir, "one")
	split := filepath.Join(dir, "split")

	r := runDQ(t, bin, "run", "--config", cfg, "-o", one)
	require.Equal(t, 1, r.code, r.stderr)

	for _, bad := range [][]string{
		{"--shard", "2/3"},                        // no run id
		{"--shard", "4/3", "--run-id", "S1"},      // no such shard
		{"--shard", "1/3", "--run-id", "../up"},   // not a folder name
		{"--shard", "one/3", "--run-id", "S1"},    // not a number
		{"--shard", "1/3", "--run-id", "a/b/c"},   // not a folder name
		{"--shard", "0/3", "--run-id", "S1"},      // shards count from 1
		{"--shard", "1/0", "--run-id", "S1"},      // at least one shard
		{"--shard", "1/3", "--run-id", "S 1"},     // no spaces
		{"--shard", "1/3", "--run-id", ".hidden"}, // no leading dot
	} {
		r := runDQ(t, bin, append([]string{"run", "--config", cfg, "-o", split}, bad...)...)
		require.Equal(t, 2, r.code, "%v: %s", bad, r.stderr)
	}
	_, err := os.Stat(split)
	require.True(t, os.IsNotExist(err), "a refused shard writes nothing")

	seen := map[string]bool{}
	for _, s := range []string{"1/3", "2/3"} {
		r := runDQ(t, bin, "run", "--config", cfg, "-o", split, "--shard", s, "--run-id", "S1")
		require.Contains(t, []int{0, 1}, r.code, r.stderr)
		line := strings.TrimSpace(r.stdout)
		require.True(t, strings.HasPrefix(line, "shard "+s+" of run S1: "), line)
		for _, id := range strings.Split(line[strings.Index(line, "(")+1:strings.Index(line, ")")], ", ") {
			require.False(t, seen[id], "%s checked by two shards", id)
			seen[id] = true
		}
	}
	// The population and every registry joined to it share one shard.
	require.True(t, seen["population.citizens"] && seen["insurance.participants"] && seen["civil_status.deaths"])

	r = runDQ(t, bin, "merge", "--config", cfg, "-o", split, "--run-id", "S1", "--shards", "3")
	require.Equal(t, 3, r.code, r.stderr)
	require.Contains(t, r.stderr, "run S1 has no part from shard 3/3 yet")
	_, err = os.Stat(filepath.Join(split, "latest"))
	require.True(t, os.IsNotExist(err), "nothing is published before every part is in")

	r = runDQ(t, bin, "run", "--config", cfg, "-o", split, "--shard", "3/3", "--run-id", "S1")
	require.Contains(t, []int{0, 1}, r.code, r.stderr)
	r = runDQ(t, bin, "merge", "--config", cfg, "-o", split, "--run-id", "S1", "--shards", "2")
	require.Equal(t, 3, r.code, "parts of a 3-way split are not a 2-way split: %s", r.stderr)

	r = runDQ(t, bin, "merge", "--config", cfg, "-o", split, "--run-id", "S1", "--shards", "3")
	require.Equal(t, 1, r.code, "the demo's planted defects fail checks: %s", r.stderr)
	require.Contains(t, r.stdout, "MINISTRY")
	_, err = os.Stat(filepath.Join(split, "parts", "S1"))
	require.True(t, os.IsNotExist(err), "parts are removed once published")

	wantIdx, want := readCards(t, filepath.Join(one, "latest"))
	gotIdx, got := readCards(t, filepath.Join(split, "latest"))
	require.Equal(t, "S1", gotIdx.Run.ID)
	require.Equal(t, wantIdx.Status, gotIdx.Status)
	require.Len(t, got, len(want))
	for m, w := range want {
		g := got[m]
		require.NotNil(t, g, m)
		require.Len(t, g.Datasets, len(w.Datasets), m)
		for i, wd := range w.Datasets {
			gd := g.Datasets[i]
			require.Equal(t, wd.ID, gd.ID)
			require.Equal(t, wd.RowsSampled, gd.RowsSampled, wd.ID)
			require.Len(t, gd.Checks, len(wd.Checks), wd.ID)
			for j, wc := range wd.Checks {
				gc := gd.Checks[j]
				require.Equal(t, wc.ID, gc.ID)
				require.Equal(t, wc.Status, gc.Status, "%s/%s", wd.ID, wc.ID)
				require.Equal(t, wc.Evaluated, gc.Evaluated, "%s/%s", wd.ID, wc.ID)
				require.Equal(t, wc.Failed, gc.Failed, "%s/%s", wd.ID, wc.ID)
				// A failing freshness check earns less as its data ages, so
				// two runs seconds apart may differ in the last decimal.
				requireScore(t, wc.Score, gc.Score, "%s/%s: %s / %s", wd.ID, wc.ID, wc.Message, gc.Message)
			}
			requireScore(t, wd.Score, gd.Score, wd.ID)
		}
	}
	for m, w := range want {
		requireScore(t, w.Score, got[m].Score, m)
		// The dimensions move with a failing freshness check's age too.
		require.Len(t, got[m].Dimensions, len(w.Dimensions), m)
		for dim, wv := range w.Dimensions {
			gv, ok := got[m].Dimensions[dim]
			require.True(t, ok, "%s %s", m, dim)
			requireScore(t, &wv, &gv, "%s %s", m, dim)
		}
	}
	// A second merge of the same run (a scheduler's retry) answers with
	// the published run, as its exit code, and records nothing twice.
	r = runDQ(t, bin, "merge", "--config", cfg, "-o", split, "--run-id", "S1", "--shards", "3")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "run S1 is already published")
	r = runDQ(t, bin, "history", "--config", cfg, "-o", split)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, 1, strings.Count(r.stdout, "S1 "), r.stdout)
}

// requireScore compares two scores to the hundredth's rounding.
func requireScore(t *testing.T, want, got *float64, msg string, args ...any) {
	t.Helper()
	if want == nil || got == nil {
		require.Equal(t, want, got, append([]any{msg}, args...)...)
		return
	}
	require.InDelta(t, *want, *got, 0.011, append([]any{msg}, args...)...)
}
