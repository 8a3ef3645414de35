package watermark

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSaveMergesAndLoadReadsBack(t *testing.T) {
	dir := t.TempDir()
	none, err := Load(dir)
	require.NoError(t, err)
	require.Empty(t, none)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, Save(dir, Marks{"a": {Column: "updated_at", Value: "2026-10-31 23:00:00", RunID: "r1", At: at}}))
	require.NoError(t, Save(dir, Marks{"b": {Column: "id", Value: "42", RunID: "r2", At: at}}))
	require.NoError(t, Save(dir, nil))
	m, err := Load(dir)
	require.NoError(t, err)
	require.Equal(t, Marks{
		"a": {Column: "updated_at", Value: "2026-10-31 23:00:00", RunID: "r1", At: at},
		"b": {Column: "id", Value: "42", RunID: "r2", At: at},
	}, m)
}

func TestCorruptStoreSaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Save(dir, Marks{"a": {Column: "c", Value: "1"}}))
	require.NoError(t, os.WriteFile(File(dir), []byte("{not json"), 0o644))
	_, err := Load(dir)
	require.ErrorContains(t, err, "watermarks.json")
	require.ErrorContains(t, err, "delete it to read every incremental dataset in full")
	require.Error(t, Save(dir, Marks{"b": {}}), "a corrupt store is never overwritten blindly")
}

// Publishing an older run (a late merge) never moves a window back.
func TestOlderRunDoesNotMoveAWindowBack(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	require.NoError(t, Save(dir, Marks{"a": {Column: "u", Value: "2026-11-02", RunID: "new", At: day}}))
	require.NoError(t, Save(dir, Marks{"a": {Column: "u", Value: "2026-11-01", RunID: "old", At: day.Add(-24 * time.Hour)}}))
	m, err := Load(dir)
	require.NoError(t, err)
	require.Equal(t, "new", m["a"].RunID)
	// A new column starts a new window whatever the dates.
	require.NoError(t, Save(dir, Marks{"a": {Column: "v", Value: "1", RunID: "old", At: day.Add(-24 * time.Hour)}}))
	m, err = Load(dir)
	require.NoError(t, err)
	require.Equal(t, "v", m["a"].Column)
}

func TestStagedStoreIsInvisibleUntilCommitted(t *testing.T) {
	dir := t.TempDir()
	tmp, err := Stage(dir, Marks{"a": {Column: "u", Value: "1"}})
	require.NoError(t, err)
	m, err := Load(dir)
	require.NoError(t, err)
	require.Empty(t, m)
	require.NoError(t, Commit(dir, tmp))
	m, err = Load(dir)
	require.NoError(t, err)
	require.Equal(t, "1", m["a"].Value)
	none, err := Stage(dir, nil)
	require.NoError(t, err)
	require.Empty(t, none)
}
