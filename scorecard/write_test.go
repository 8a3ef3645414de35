package scorecard

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// runOf is a small valid run: one card per ministry id, and its index.
func runOf(id string, ministries ...string) (*Index, []*Card) {
	r := testRun
	r.ID = id
	idx := &Index{SchemaVersion: SchemaVersion, Run: r, Status: Pass}
	var cards []*Card
	for i, m := range ministries {
		score := float64(80 + i)
		c := &Card{SchemaVersion: SchemaVersion, Run: r, Ministry: Ref{ID: m, Name: "Ministry " + m},
			Score: &score, Band: "yellow", Status: Pass, Dimensions: map[string]float64{"correct": score},
			Datasets: []*Dataset{{ID: "d", Source: "s", Sample: Sample{Method: "full"}, Score: &score, Band: "yellow",
				Status: Pass, Dimensions: map[string]float64{"correct": score}, Weight: 1,
				Checks: []*Check{{ID: "c", Kind: "format", Dimension: "correct", Status: Pass, Score: &score, Weight: 1}}}}}
		cards = append(cards, c)
		idx.Ministries = append(idx.Ministries, IndexEntry{ID: m, Name: c.Ministry.Name, Score: &score, Band: "yellow",
			Status: Pass, Dimensions: c.Dimensions, Datasets: 1, Checks: 1})
	}
	return idx, cards
}

func latestTarget(t *testing.T, dir string) string {
	t.Helper()
	target, err := os.Readlink(filepath.Join(dir, LatestLink))
	require.NoError(t, err)
	return target
}

// requireClean asserts that no temporary directory or link is left.
func requireClean(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{dir, filepath.Join(dir, RunsDir)} {
		entries, err := os.ReadDir(d)
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			continue
		}
		require.NoError(t, err)
		for _, e := range entries {
			require.NotContains(t, e.Name(), ".tmp-", "left behind in %s", d)
		}
	}
}

func TestWriteRun(t *testing.T) {
	dir := t.TempDir()
	_, _, err := ReadLatest(dir)
	require.ErrorIs(t, err, os.ErrNotExist)

	idx, cards := runOf("run-1", "MPS", "MOH/2")
	runDir, err := WriteRun(dir, idx, cards, map[string][]byte{"index.html": []byte("<html>"), "assets/app.css": []byte("p{}")})
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "runs", "run-1"), runDir)

	for _, name := range []string{"index.json", "MPS.json", "MOH_2.json", "index.html", "assets/app.css"} {
		b, err := os.ReadFile(filepath.Join(runDir, name))
		require.NoError(t, err, name)
		if strings.HasSuffix(name, ".json") {
			require.NoError(t, Validate(b), name)
			require.True(t, strings.HasSuffix(string(b), "}\n"), "%s ends with a newline", name)
			require.Contains(t, string(b), "\n  \"schema_version\": \""+SchemaVersion+"\"", "%s is indented", name)
		}
	}
	fi, err := os.Stat(runDir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o755), fi.Mode().Perm())

	var onDisk Index
	b, err := os.ReadFile(filepath.Join(dir, "latest", "index.json")) // resolves through the link
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &onDisk))
	require.Equal(t, "MPS.json", onDisk.Ministries[0].File)
	require.Equal(t, "MOH_2.json", onDisk.Ministries[1].File)
	require.Equal(t, "runs/run-1", latestTarget(t, dir))

	gotIdx, gotCards, err := ReadLatest(dir)
	require.NoError(t, err)
	require.Equal(t, "run-1", gotIdx.Run.ID)
	require.Len(t, gotCards, 2)
	require.Equal(t, 81.0, *gotCards["MOH/2"].Score)

	// A second run switches latest and keeps the first.
	idx2, cards2 := runOf("run-2", "MPS")
	_, err = WriteRun(dir, idx2, cards2, nil)
	require.NoError(t, err)
	require.Equal(t, "runs/run-2", latestTarget(t, dir))
	require.DirExists(t, filepath.Join(dir, "runs", "run-1"))
	gotIdx, gotCards, err = ReadLatest(dir)
	require.NoError(t, err)
	require.Equal(t, "run-2", gotIdx.Run.ID)
	require.Len(t, gotCards, 1)
	requireClean(t, dir)
}

func TestWriteRunFailureKeepsLatest(t *testing.T) {
	dir := t.TempDir()
	idx, cards := runOf("run-1", "MPS")
	_, err := WriteRun(dir, idx, cards, nil)
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		runID string
		edit  func(idx *Index, cards []*Card) map[string][]byte
		msg   string
	}{
		{"extra name escaping the run", "run-2", func(*Index, []*Card) map[string][]byte {
			return map[string][]byte{"../x": []byte("x")}
		}, "../x"},
		{"hidden extra name", "run-2", func(*Index, []*Card) map[string][]byte {
			return map[string][]byte{".htaccess": []byte("x")}
		}, ".htaccess"},
		{"extra name taken by a card", "run-2", func(*Index, []*Card) map[string][]byte {
			return map[string][]byte{"mps.json": []byte("{}")}
		}, "both want"},
		// "a" is written as a file, then "a/b" needs it as a directory:
		// the failure comes after the temporary directory has been filled.
		{"write fails half way", "run-2", func(*Index, []*Card) map[string][]byte {
			return map[string][]byte{"a": []byte("1"), "a/b": []byte("2")}
		}, "not a directory"},
		{"card breaks the schema", "run-2", func(_ *Index, cards []*Card) map[string][]byte {
			cards[0].Score = f64(101)
			return nil
		}, "/score"},
		{"card without index entry", "run-2", func(idx *Index, _ []*Card) map[string][]byte {
			idx.Ministries = nil
			return nil
		}, "no index entry"},
		{"run already published", "run-1", func(*Index, []*Card) map[string][]byte { return nil }, "already exists"},
		{"unsafe run id", "../run", func(*Index, []*Card) map[string][]byte { return nil }, "run id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, cards := runOf(tc.runID, "MPS")
			extra := tc.edit(idx, cards)
			_, err := WriteRun(dir, idx, cards, extra)
			require.ErrorContains(t, err, tc.msg)
			require.Equal(t, "runs/run-1", latestTarget(t, dir))
			require.NoDirExists(t, filepath.Join(dir, "runs", "run-2"))
			requireClean(t, dir)
			got, _, err := ReadLatest(dir)
			require.NoError(t, err)
			require.Equal(t, "run-1", got.Run.ID)
		})
	}
}

func TestWriteRunRunsIsAFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "runs"), []byte("x"), 0o644))
	idx, cards := runOf("run-1", "MPS")
	_, err := WriteRun(dir, idx, cards, nil)
	require.Error(t, err)
	_, err = os.Lstat(filepath.Join(dir, LatestLink))
	require.ErrorIs(t, err, os.ErrNotExist)
	requireClean(t, dir)
}

func TestWriteRunLatestNotALink(t *testing.T) {
	// A directory where the link should be: the run is complete and kept,
	// the directory is left alone and the error says so.
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, LatestLink, "x"), 0o755))
	idx, cards := runOf("run-1", "MPS")
	runDir, err := WriteRun(dir, idx, cards, nil)
	require.ErrorContains(t, err, "latest not switched")
	require.FileExists(t, filepath.Join(runDir, "index.json"))
	require.DirExists(t, filepath.Join(dir, LatestLink, "x"))
	requireClean(t, dir)
}

func TestReadLatestBrokenRun(t *testing.T) {
	dir := t.TempDir()
	idx, cards := runOf("run-1", "MPS")
	runDir, err := WriteRun(dir, idx, cards, nil)
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(runDir, "MPS.json")))
	_, _, err = ReadLatest(dir)
	require.ErrorContains(t, err, "MPS.json")

	require.NoError(t, os.RemoveAll(runDir)) // dangling link
	_, _, err = ReadLatest(dir)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestFileName(t *testing.T) {
	for id, want := range map[string]string{
		"MPS": "MPS.json", "moh-2.x": "moh-2.x.json", "MOH/2": "MOH_2.json", "../etc": "_._etc.json", ".x": "_x.json",
		"": "_.json", "Bộ Y tế": "B__Y_t_.json",
	} {
		require.Equal(t, want, FileName(id), id)
	}
}
