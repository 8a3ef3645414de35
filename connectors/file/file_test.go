package file_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/file"
)

// parse reads a config with one file source, files, and one dataset.
func parse(t *testing.T, source, dataset string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(`
ministries: [{id: MPS, name: Public Security}]
sources:
  files: {kind: file, `+source+`}
datasets:
  - id: a
    ministry: MPS
    source: files
    path: a.csv
    `+dataset+`
    checks:
      - {id: x, kind: not_null, column: c}
`), nil)
	require.NoError(t, err)
	return cfg
}

// A mode: other than direct or arrow, a format: the connector does not
// read and a key it does not have are configuration errors, with file,
// line and field.
func TestBadSettings(t *testing.T) {
	for _, tt := range []struct{ source, dataset, want string }{
		{"root: data, mode: stream", "", `c.yaml:4: sources.files.mode: unknown mode "stream" (direct, arrow)`},
		{"root: data, dsn: x", "", `c.yaml:4: sources.files: unknown key "dsn" (allowed: kind, timezone, root, mode)`},
		{"root: data", "format: xlsx", `c.yaml:6: dataset a.format: unknown format "xlsx" (csv, parquet, json, jsonl, ndjson)`},
	} {
		cfg := parse(t, tt.source, tt.dataset)
		_, err := connectors.Open(cfg.Sources["files"], connectors.Deps{})
		if err == nil {
			err = connectors.CheckDataset("file", &cfg.Datasets[0])
		}
		require.EqualError(t, err, tt.want)
		require.ErrorIs(t, err, config.ErrInvalid)
		require.ErrorIs(t, err, connectors.ErrConfig)
	}
}

func TestKnownFormatsAndModes(t *testing.T) {
	for _, mode := range []string{"", "direct", "arrow"} {
		for _, format := range []string{"", "csv", "parquet", "json", "jsonl", "ndjson", "CSV"} {
			cfg := parse(t, `root: data, mode: "`+mode+`"`, `format: "`+format+`"`)
			c, err := connectors.Open(cfg.Sources["files"], connectors.Deps{})
			require.NoError(t, err, "mode %q", mode)
			require.NoError(t, connectors.CheckDataset("file", &cfg.Datasets[0]), "format %q", format)
			// Only a direct source is read by DuckDB itself.
			_, direct := c.(connectors.DirectReader)
			require.Equal(t, mode != "arrow", direct, "mode %q", mode)
		}
	}
}

// dq validate accepts exactly the formats the connector reads.
func TestFormatsMatchFormatOf(t *testing.T) {
	for _, f := range file.Formats {
		_, err := file.FormatOf(&config.Dataset{ID: "a", Format: f})
		require.NoError(t, err, f)
	}
	_, err := file.FormatOf(&config.Dataset{ID: "a", Format: "xlsx"})
	require.ErrorIs(t, err, connectors.ErrConfig)
}

func TestErrorKinds(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.json", "{\"a\": 1}\nnot json\n")
	for _, tt := range []struct {
		path string
		kind error
	}{
		{"missing.csv", connectors.ErrConnect},
		{"a.xlsx", connectors.ErrConfig},
		{"bad.json", connectors.ErrStream},
	} {
		_, err := tryExtract(memory.DefaultAllocator, dir, tt.path)
		require.ErrorIs(t, err, tt.kind, tt.path)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	writeFile(t, dir, "short.csv", "a,b\n1,2\n3\n")
	r, err := tryExtract(mem, dir, "short.csv")
	require.NoError(t, err)
	defer r.Release()
	for r.Next() {
	}
	require.ErrorIs(t, r.Err(), connectors.ErrStream)
}

// What the connector does is logged at debug level through the logger it
// is given, named after the source.
func TestLogs(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", "{\"id\": 1, \"name\": \"x\"}\n")
	var logs bytes.Buffer
	deps := connectors.Deps{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, mode := range []string{file.ModeDirect, file.ModeArrow} {
		c, err := connectors.Open(config.NewSource("files", "file", file.Settings{Root: dir, Mode: mode}), deps)
		require.NoError(t, err)
		ds := &config.Dataset{ID: "ds", Path: "a.jsonl"}
		if d, ok := c.(connectors.DirectReader); ok {
			_, _, err = d.Relation(ds)
			require.NoError(t, err)
			continue
		}
		r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
		require.NoError(t, err)
		r.Release()
	}
	require.Contains(t, logs.String(), `level=DEBUG msg="file: read by DuckDB" source=files dataset=ds format=json files=1`)
	require.Contains(t, logs.String(), `level=DEBUG msg="file: streamed through Arrow" source=files dataset=ds format=json files=1 columns="id int64, name utf8"`)
}

// A relative root is taken under the config's folder, a dataset path
// without a root too; a missing file says where it was looked for.
func TestPathsUnderTheConfigFolder(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ source, under string }{
		{"root: data, mode: arrow", filepath.Join(dir, "data")},
		{"mode: arrow", dir},
	} {
		cfg, err := config.Parse(filepath.Join(dir, "c.yaml"), []byte(`
ministries: [{id: MPS}]
sources: {files: {kind: file, `+tt.source+`}}
datasets: [{id: a, ministry: MPS, source: files, path: a.csv, checks: [{id: x, kind: not_null, column: c}]}]
`), nil)
		require.NoError(t, err)
		c, err := connectors.Open(cfg.Sources["files"], connectors.Deps{})
		require.NoError(t, err)
		_, err = c.Extract(context.Background(), connectors.Request{Dataset: &cfg.Datasets[0]})
		require.ErrorIs(t, err, connectors.ErrConnect)
		require.EqualError(t, err, "dataset a: file not found: "+filepath.Join(tt.under, "a.csv")+" (path a.csv under "+tt.under+")")
	}
}
