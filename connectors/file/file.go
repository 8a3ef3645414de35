// Package file reads CSV, Parquet and JSON-lines files, by path or glob
// under the source's root. DuckDB reads them directly (Relation); the same
// files can be streamed through Arrow (Extract) when the source says
// mode: arrow, which is the path database and HTTP sources take.
package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

func init() { connectors.Register("file", New) }

// Connector is a folder of files.
type Connector struct {
	root string
}

var (
	_ connectors.Connector    = (*Connector)(nil)
	_ connectors.DirectReader = (*Connector)(nil)
)

// New validates a file source.
func New(src config.Source) (connectors.Connector, error) {
	if src.DSN != "" {
		return nil, fmt.Errorf("source %s: a file source takes root:, not dsn:", src.Name)
	}
	return &Connector{root: src.Root}, nil
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
		return "", fmt.Errorf("dataset %s: unknown format %q (csv, parquet, json)", ds.ID, ds.Format)
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
	return "", fmt.Errorf("dataset %s: cannot tell the format of %q from its extension; set format: csv, parquet or json", ds.ID, ds.Path)
}

// Files resolves the dataset's path or glob under the root; an empty match
// is an error that names the pattern.
func (c *Connector) Files(ds *config.Dataset) ([]string, error) {
	if ds.Path == "" {
		return nil, fmt.Errorf("dataset %s: a file dataset needs path:", ds.ID)
	}
	pattern := ds.Path
	if !filepath.IsAbs(pattern) && c.root != "" {
		pattern = filepath.Join(c.root, pattern)
	}
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: bad path pattern %q: %w", ds.ID, pattern, err)
	}
	if len(matches) == 0 {
		if _, err := os.Stat(pattern); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dataset %s: file not found: %s", ds.ID, pattern)
		}
		matches = []string{pattern}
	}
	sort.Strings(matches)
	return matches, nil
}

// Relation is the DuckDB table function reading the files. CSV columns are
// read as text: identifiers keep their leading zeros, and a value that is
// not a valid date or number is there for a check to find, instead of
// making the whole file fail to load.
func (c *Connector) Relation(ds *config.Dataset) (string, error) {
	format, err := FormatOf(ds)
	if err != nil {
		return "", err
	}
	files, err := c.Files(ds)
	if err != nil {
		return "", err
	}
	d := dialect.DuckDB{}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = d.String(f)
	}
	list := "[" + strings.Join(quoted, ", ") + "]"
	switch format {
	case CSV:
		return fmt.Sprintf("read_csv(%s, header = true, all_varchar = true, union_by_name = true)", list), nil
	case Parquet:
		return fmt.Sprintf("read_parquet(%s, union_by_name = true)", list), nil
	default:
		return fmt.Sprintf("read_json(%s, format = 'newline_delimited', union_by_name = true)", list), nil
	}
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
	return openArrow(ctx, format, files, req)
}
