package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// A format: the file connector does not read and a source mode: other than
// direct or arrow are configuration errors, with file, line and field.
func TestUnknownFormatAndMode(t *testing.T) {
	const bad = `
ministries: [{id: MPS, name: Public Security}]
sources:
  files: {kind: file, root: data, mode: stream}
datasets:
  - id: a
    ministry: MPS
    source: files
    path: a.xlsx
    format: xlsx
    checks:
      - {id: x, kind: not_null, column: c}
`
	_, err := Parse("c.yaml", []byte(bad), nil)
	require.True(t, errors.Is(err, ErrInvalid))
	require.Equal(t, `c.yaml:4: sources.files.mode: unknown mode "stream" (direct, arrow)`+"\n"+
		`c.yaml:6: dataset a.format: unknown format "xlsx" (csv, parquet, json, jsonl, ndjson)`, err.Error())
}

func TestKnownFormatsAndModes(t *testing.T) {
	for _, mode := range []string{"", "direct", "arrow"} {
		for _, format := range []string{"", "csv", "parquet", "json", "jsonl", "ndjson", "CSV"} {
			cfg := `
ministries: [{id: MPS, name: Public Security}]
sources: {files: {kind: file, root: data, mode: "` + mode + `"}}
datasets:
  - {id: a, ministry: MPS, source: files, path: a.csv, format: "` + format + `", checks: [{id: x, kind: not_null, column: c}]}
`
			_, err := Parse("c.yaml", []byte(cfg), nil)
			require.NoError(t, err, "mode %q format %q", mode, format)
		}
	}
}
