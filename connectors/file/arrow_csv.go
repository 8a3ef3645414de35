package file

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CSV files are read as DuckDB's read_csv(header = true, all_varchar =
// true, union_by_name = true) reads them, which is the direct path:
//   - every column is nullable text, so identifiers keep leading zeros;
//   - an empty field, quoted or not, is NULL (DuckDB's default; Go's
//     encoding/csv cannot tell "" from nothing);
//   - the delimiter is sniffed from the header line: , tab ; or |;
//   - duplicate header names get _1, _2... and an empty one columnN;
//   - files are united by column name (case-insensitive, as SQL names
//     are), in order of first appearance; a column a file lacks is NULL;
//   - a row with another number of fields than its header fails the read.
//
// Leading and trailing spaces are kept, and null_values: is not applied
// here, as the direct path does not either.
type csvPlan struct {
	files  []string
	heads  []csvHeader
	schema *arrow.Schema
	mem    memory.Allocator
}

// csvHeader is one file's header line.
type csvHeader struct {
	comma rune
	cols  []int // stream column of each field
}

func planCSV(ctx context.Context, files []string, mem memory.Allocator) (*csvPlan, error) {
	p := &csvPlan{files: files, mem: mem}
	index := map[string]int{}
	var fields []arrow.Field
	for _, name := range files {
		comma, names, err := readCSVHeader(ctx, name)
		if err != nil {
			return nil, err
		}
		h := csvHeader{comma: comma, cols: make([]int, len(names))}
		for j, n := range names {
			key := strings.ToLower(n)
			c, ok := index[key]
			if !ok {
				c = len(fields)
				index[key] = c
				fields = append(fields, arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true})
			}
			h.cols[j] = c
		}
		p.heads = append(p.heads, h)
	}
	p.schema = arrow.NewSchema(fields, nil)
	return p, nil
}

// readCSVHeader sniffs a file's delimiter and reads its column names.
func readCSVHeader(ctx context.Context, name string) (rune, []string, error) {
	t, err := openText(ctx, name)
	if err != nil {
		return 0, nil, err
	}
	defer t.Close()
	head, _ := t.Peek(64 * 1024)
	comma := sniffComma(head)
	r := stdcsv.NewReader(t)
	r.Comma = comma
	rec, err := r.Read()
	if errors.Is(err, io.EOF) {
		return 0, nil, fmt.Errorf("read %s: empty file, a CSV file needs a header line", name)
	}
	if err != nil {
		return 0, nil, csvError(name, err, 0)
	}
	return comma, uniqueNames(rec), nil
}

// sniffComma picks the delimiter that occurs most often, outside quotes,
// in the first line; a comma if none does.
func sniffComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	candidates := []byte{',', '\t', ';', '|'}
	counts := make([]int, len(candidates))
	quoted := false
	for _, b := range head {
		if b == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if i := bytes.IndexByte(candidates, b); i >= 0 {
			counts[i]++
		}
	}
	best := 0
	for i, n := range counts {
		if n > counts[best] {
			best = i
		}
	}
	return rune(candidates[best])
}

// uniqueNames makes header names usable as column names: an empty name
// becomes columnN (N from 0), and a repeated one (case-insensitive) gets
// _1, _2...
func uniqueNames(header []string) []string {
	out := make([]string, len(header))
	seen := map[string]bool{}
	for i, n := range header {
		if n == "" {
			n = "column" + strconv.Itoa(i)
		}
		base := n
		for k := 1; seen[strings.ToLower(n)]; k++ {
			n = base + "_" + strconv.Itoa(k)
		}
		seen[strings.ToLower(n)] = true
		out[i] = n
	}
	return out
}

// csvError names the file and line of a parse error.
func csvError(name string, err error, width int) error {
	var pe *stdcsv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if errors.Is(pe.Err, stdcsv.ErrFieldCount) {
		return fmt.Errorf("read %s: line %d: %w (the header has %d)", name, pe.StartLine, pe.Err, width)
	}
	return fmt.Errorf("read %s: line %d, column %d: %w", name, pe.Line, pe.Column, pe.Err)
}

// firstRaggedRow reads a CSV file up to its first row with another
// number of fields than its header, and returns the error the Arrow path
// gives for it; nil if the read ends or fails otherwise first.
func firstRaggedRow(name string, comma rune) error {
	t, err := openText(context.Background(), name)
	if err != nil {
		return nil
	}
	defer t.Close()
	r := stdcsv.NewReader(t)
	r.Comma = comma
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil
	}
	width := len(header)
	for {
		_, err := r.Read()
		if errors.Is(err, stdcsv.ErrFieldCount) {
			return csvError(name, err, width)
		}
		if err != nil {
			return nil
		}
	}
}

func (p *csvPlan) open(ctx context.Context, i int) (source, error) {
	name, h := p.files[i], p.heads[i]
	t, err := openText(ctx, name)
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(h.cols))
	for j, c := range h.cols {
		fields[j] = p.schema.Field(c)
	}
	r := csv.NewReader(t, arrow.NewSchema(fields, nil),
		csv.WithHeader(true),
		csv.WithComma(h.comma),
		csv.WithChunk(batchRows),
		csv.WithNullReader(true, ""),
		csv.WithAllocator(p.mem),
	)
	return &csvSource{name: name, t: t, r: r, cols: h.cols, schema: p.schema, mem: p.mem}, nil
}

type csvSource struct {
	name   string
	t      *textFile
	r      *csv.Reader
	cols   []int
	schema *arrow.Schema
	mem    memory.Allocator
}

func (s *csvSource) next() (arrow.RecordBatch, error) {
	ok := s.r.Next()
	// On a bad row the reader still returns the rows before it: the whole
	// read fails instead.
	if err := s.r.Err(); err != nil {
		return nil, csvError(s.name, err, len(s.cols))
	}
	if !ok {
		return nil, nil
	}
	rec := s.r.RecordBatch()
	n := rec.NumRows()
	cols := make([]arrow.Array, s.schema.NumFields())
	for j, c := range s.cols {
		cols[c] = rec.Column(j)
	}
	for c := range cols {
		if cols[c] == nil {
			nulls := array.MakeArrayOfNull(s.mem, arrow.BinaryTypes.String, int(n))
			defer nulls.Release()
			cols[c] = nulls
		}
	}
	return array.NewRecordBatch(s.schema, cols, n), nil
}

func (s *csvSource) close() {
	s.r.Release()
	s.t.Close()
}
