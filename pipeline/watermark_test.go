//go:build duckdb_arrow

package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/watermark"
)

func TestIncrementalWatermark(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "events.csv")
	require.NoError(t, os.WriteFile(csv, []byte("id,updated_at\n1,2026-11-01 10:00:00\n2,2026-11-02 10:00:00\n3,2026-11-03 10:00:00\n"), 0o644))
	cfgYAML := `
output: {dir: ` + filepath.Join(dir, "out") + `}
ministries: [{id: M, name: M}]
sources: {files: {kind: file, root: ` + dir + `}}
datasets:
  - id: events
    ministry: M
    source: files
    path: events.csv
    key: id
    incremental: {column: updated_at}
    checks:
      - {id: volume, kind: row_count, min: 1}
`
	run := func() *Outcome { return runYAML(t, cfgYAML) }
	rows := func(o *Outcome) int64 { return *o.Cards[0].Datasets[0].RowsSampled }

	first := run()
	require.Equal(t, int64(3), rows(first), "first run reads everything")
	require.Equal(t, "2026-11-03 10:00:00", first.Watermarks["events"].Value)

	// Two rows change after the watermark, one before it.
	require.NoError(t, os.WriteFile(csv, []byte("id,updated_at\n1,2026-11-01 10:00:00\n2,2026-11-02 10:00:00\n3,2026-11-03 10:00:00\n4,2026-11-04 09:00:00\n5,2026-11-05 09:00:00\n6,2026-10-01 00:00:00\n"), 0o644))
	second := run()
	require.Equal(t, int64(2), rows(second), "only rows changed since the last successful run")
	require.Equal(t, "2026-11-05 09:00:00", second.Watermarks["events"].Value)

	third := run()
	require.Equal(t, int64(0), rows(third))
	require.Equal(t, "fail", string(third.Cards[0].Datasets[0].Checks[0].Status), "nothing new: volume fails")
	marks, err := watermark.Load(filepath.Join(dir, "out"))
	require.NoError(t, err)
	require.Equal(t, "2026-11-05 09:00:00", marks["events"].Value, "an empty increment keeps the watermark")
}
