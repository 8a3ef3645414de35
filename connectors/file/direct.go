package file

import (
	"context"
	stdcsv "encoding/csv"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// Relation is the DuckDB table function reading the files, told what the
// Arrow path infers (arrow_csv.go, arrow_json.go) rather than left to
// sniff, so that a file reads the same in both modes:
//   - CSV: every column is text (identifiers keep their leading zeros,
//     and a value that is not a valid date or number is there for a check
//     to find), with the delimiter and names of each file's header line
//     and no sniffing, which gives up on a ragged row in its sample and
//     reads each line as one column; a ragged row fails the read with its
//     line, as it does in the Arrow path;
//   - JSON lines: the columns and types the Arrow path infers from as
//     many lines as DuckDB would sample, so a key of mixed types is text
//     holding each value without JSON quotes;
//   - Parquet: the files' own types.
//
// The files' stamps are taken before DuckDB reads them and compared by
// done afterwards (stamp.go).
func (c direct) Relation(ds *config.Dataset) (string, func(error) error, error) {
	format, err := FormatOf(ds)
	if err != nil {
		return "", nil, err
	}
	files, err := c.Files(ds)
	if err != nil {
		return "", nil, err
	}
	stamps, err := stampFiles(files)
	if err != nil {
		return "", nil, readError(err, false)
	}
	c.log.Debug("file: read by DuckDB", "dataset", ds.ID, "format", format, "files", len(files))
	var (
		from   string
		commas map[string]rune
	)
	switch format {
	case CSV:
		from, commas, err = csvRelation(files)
	case Parquet:
		from = fmt.Sprintf("read_parquet(%s, union_by_name = true)", fileList(files))
	default:
		from, err = c.jsonRelation(files)
	}
	if err != nil {
		return "", nil, readError(err, false)
	}
	done := func(readErr error) error {
		for i, f := range files {
			if err := unchanged(f, stamps[i]); err != nil {
				if readErr != nil {
					// The change explains the failure; DuckDB's text
					// stays in the chain.
					return connectors.Mark(readErr, err)
				}
				return err
			}
		}
		if readErr != nil && format == CSV {
			return retellCSVError(readErr, commas)
		}
		return readErr
	}
	return from, done, nil
}

// Folders is the one folder every file the dataset's path can match is
// under: the path's folder, up to its first wildcard.
func (c direct) Folders(ds *config.Dataset) []string {
	if ds.Path == "" {
		return nil
	}
	magic := "*?["
	if filepath.Separator != '\\' {
		magic += `\`
	}
	dir := filepath.Dir(c.pattern(ds))
	for strings.ContainsAny(dir, magic) {
		dir = filepath.Dir(dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	return []string{abs}
}

// fileList is a DuckDB list of file names.
func fileList(files []string) string {
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = dialect.DuckDB{}.String(f)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// csvRelation reads each run of files with the same header line in one
// read_csv, and unites the runs by name, in file order, as the Arrow path
// does. It returns each file's delimiter too.
func csvRelation(files []string) (string, map[string]rune, error) {
	type run struct {
		comma rune
		names []string
		files []string
	}
	var runs []run
	commas := map[string]rune{}
	for _, f := range files {
		comma, names, err := readCSVHeader(context.Background(), f)
		if err != nil {
			return "", nil, err
		}
		commas[f] = comma
		if n := len(runs); n > 0 && runs[n-1].comma == comma && slices.Equal(runs[n-1].names, names) {
			runs[n-1].files = append(runs[n-1].files, f)
			continue
		}
		runs = append(runs, run{comma: comma, names: names, files: []string{f}})
	}
	d := dialect.DuckDB{}
	reads := make([]string, len(runs))
	for i, r := range runs {
		cols := make([]string, len(r.names))
		for j, n := range r.names {
			cols[j] = d.String(n) + ": 'VARCHAR'"
		}
		reads[i] = fmt.Sprintf(`read_csv(%s, auto_detect = false, header = true, delim = %s, quote = '"', escape = '"', columns = {%s})`,
			fileList(r.files), d.String(string(r.comma)), strings.Join(cols, ", "))
	}
	if len(reads) == 1 {
		return reads[0], commas, nil
	}
	return "(SELECT * FROM " + strings.Join(reads, " UNION ALL BY NAME SELECT * FROM ") + ")", commas, nil
}

// jsonRelation reads JSON lines with the columns and types the Arrow path
// infers from the first lines.
func (c direct) jsonRelation(files []string) (string, error) {
	p, err := planJSON(context.Background(), files, c.mem)
	if err != nil {
		return "", err
	}
	d := dialect.DuckDB{}
	cols := make([]string, p.schema.NumFields())
	for i, f := range p.schema.Fields() {
		cols[i] = d.String(f.Name) + ": " + d.String(duckType(f.Type))
	}
	return fmt.Sprintf("read_json(%s, format = 'newline_delimited', columns = {%s})", fileList(files), strings.Join(cols, ", ")), nil
}

// duckType is DuckDB's name of a type typeOf infers.
func duckType(t arrow.DataType) string {
	switch t.ID() {
	case arrow.INT64:
		return "BIGINT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.BOOL:
		return "BOOLEAN"
	}
	return "VARCHAR"
}

// DuckDB's message for a ragged CSV row: the row's number (counting
// rows, not lines, so a quoted line break shifts it), the row itself
// (which may hold personal data), the counts, advice about settings dq
// does not offer, and the file among its settings.
var (
	csvRowRe   = regexp.MustCompile(`CSV Error on Line: (\d+)`)
	csvCountRe = regexp.MustCompile(`Expected Number of Columns: (\d+) Found: \d+`)
	csvFileRe  = regexp.MustCompile(`(?m)^\s*file = (.+)$`)
)

// retellCSVError tells DuckDB's ragged row as the Arrow path does, "read
// <file>: line <n>: wrong number of fields (the header has <k>)", with
// DuckDB's error in the chain. The line is found by reading the file up
// to that row, as the Arrow path would: only a failed read pays for it.
// Other errors are returned as they are.
func retellCSVError(err error, commas map[string]rune) error {
	msg := err.Error()
	row, count, file := csvRowRe.FindStringSubmatch(msg), csvCountRe.FindStringSubmatch(msg), csvFileRe.FindStringSubmatch(msg)
	if row == nil || count == nil || file == nil {
		return err
	}
	name := strings.TrimSpace(file[1])
	told := firstRaggedRow(name, commas[name])
	if told == nil {
		told = fmt.Errorf("read %s: row %s: %w (the header has %s)", name, row[1], stdcsv.ErrFieldCount, count[1])
	}
	return connectors.Mark(connectors.ErrStream, connectors.Mark(err, told))
}
