// Package file reads CSV, Parquet and JSON-lines files, by path or glob
// under the source's root. DuckDB reads them directly (Relation); the same
// files can be streamed through Arrow (Extract) when the source says
// mode: arrow, which is the path database and HTTP sources take.
//
// Source settings: root, mode. Dataset keys: path, format.
package file

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

func init() {
	connectors.Register("file", connectors.Kind{New: newConnector, CheckDataset: checkDataset})
}

// Settings are a file source's keys.
type Settings struct {
	// Root is the folder dataset paths are relative to; itself relative
	// to the config's folder. Without it, dataset paths are relative to
	// the config's folder.
	Root string `yaml:"root"`
	// Mode is direct (DuckDB reads the files, the default) or arrow
	// (streamed through Arrow like a database extract).
	Mode string `yaml:"mode"`
}

// Source modes.
const (
	ModeDirect = "direct"
	ModeArrow  = "arrow"
)

// Connector is a folder of files, streamed through Arrow.
type Connector struct {
	root string
	log  *slog.Logger
	mem  memory.Allocator
}

// direct is a Connector in mode: direct, whose files DuckDB reads itself.
// Only it is a DirectReader, so the pipeline needs no notion of modes.
type direct struct{ *Connector }

var (
	_ connectors.Connector    = (*Connector)(nil)
	_ connectors.DirectReader = direct{}
)

// newConnector decodes and validates a file source.
func newConnector(src config.Source, deps connectors.Deps) (connectors.Connector, error) {
	var s Settings
	if err := src.Decode(&s); err != nil {
		return nil, connectors.Misconfigured(err)
	}
	root := src.Dir
	if s.Root != "" {
		root = src.Path(s.Root)
	}
	c := &Connector{root: root, log: deps.Logger, mem: deps.Mem}
	switch s.Mode {
	case "", ModeDirect:
		return direct{c}, nil
	case ModeArrow:
		return c, nil
	}
	return nil, connectors.Misconfigured(src.Errorf("mode", "unknown mode %q (%s, %s)", s.Mode, ModeDirect, ModeArrow))
}

// Close does nothing: files are opened per extract.
func (c *Connector) Close() error { return nil }

// Format is a file format.
type Format string

const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
	JSON    Format = "json"
)

// Formats are the values of a dataset's format: (any case); jsonl and
// ndjson are JSON lines, like json.
var Formats = []string{"csv", "parquet", "json", "jsonl", "ndjson"}

// FormatOf returns the dataset's format: format: if given, else from the
// path's extension.
func FormatOf(ds *config.Dataset) (Format, error) {
	if ds.Format != "" {
		switch f := Format(strings.ToLower(ds.Format)); f {
		case CSV, Parquet, JSON:
			return f, nil
		case "jsonl", "ndjson":
			return JSON, nil
		}
		return "", connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: unknown format %q (csv, parquet, json)", ds.ID, ds.Format))
	}
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(ds.Path, ".gz")))
	switch ext {
	case ".csv", ".tsv", ".txt":
		return CSV, nil
	case ".parquet", ".pq":
		return Parquet, nil
	case ".json", ".jsonl", ".ndjson":
		return JSON, nil
	}
	return "", connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: cannot tell the format of %q from its extension; set format: csv, parquet or json", ds.ID, ds.Path))
}

// checkDataset checks the dataset's format:, for dq validate. The path is
// not looked at: the files may appear by the time of the run.
func checkDataset(ds *config.Dataset) error {
	if ds.Format == "" {
		return nil
	}
	if _, err := FormatOf(ds); err != nil {
		return connectors.Misconfigured(ds.Errorf("format", "unknown format %q (%s)", ds.Format, strings.Join(Formats, ", ")))
	}
	return nil
}

// pattern is the dataset's path or glob under the root.
func (c *Connector) pattern(ds *config.Dataset) string {
	if !filepath.IsAbs(ds.Path) && c.root != "" {
		return filepath.Join(c.root, ds.Path)
	}
	return ds.Path
}

// Files resolves the dataset's path or glob under the root; an empty match
// is an error that names the pattern.
func (c *Connector) Files(ds *config.Dataset) ([]string, error) {
	if ds.Path == "" {
		return nil, connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: a file dataset needs path:", ds.ID))
	}
	pattern := c.pattern(ds)
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: bad path pattern %q: %w", ds.ID, pattern, err))
	}
	if len(matches) == 0 {
		if _, err := os.Stat(pattern); errors.Is(err, os.ErrNotExist) {
			return nil, connectors.Mark(connectors.ErrConnect, fmt.Errorf("dataset %s: file not found: %s", ds.ID, c.lookedAt(pattern, ds.Path)))
		}
		matches = []string{pattern}
	}
	sort.Strings(matches)
	return matches, nil
}

// lookedAt says where a missing file was looked for: the absolute path
// and, for a relative path, the folder it was taken under (the root, or
// the config's folder), so a user sees which of the two to fix.
func (c *Connector) lookedAt(pattern, written string) string {
	abs, err := filepath.Abs(pattern)
	if err != nil {
		abs = pattern
	}
	if filepath.IsAbs(written) {
		return abs
	}
	dir, err := filepath.Abs(c.root)
	if err != nil {
		dir = c.root
	}
	return fmt.Sprintf("%s (path %s under %s)", abs, written, dir)
}

// Extract streams the files through Arrow.
func (c *Connector) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	format, err := FormatOf(req.Dataset)
	if err != nil {
		return nil, err
	}
	files, err := c.Files(req.Dataset)
	if err != nil {
		return nil, err
	}
	r, err := openArrow(ctx, format, files, c.mem)
	if err != nil {
		return nil, err
	}
	c.log.Debug("file: streamed through Arrow", "dataset", req.Dataset.ID, "format", format, "files", len(files),
		"columns", columns(r.Schema()))
	return r, nil
}

// columns is a schema as one line for logs: `id utf8, born date32`.
func columns(s *arrow.Schema) string {
	parts := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		parts[i] = f.Name + " " + f.Type.String()
	}
	return strings.Join(parts, ", ")
}
