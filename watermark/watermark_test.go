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
