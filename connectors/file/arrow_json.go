package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/connectors/jsonkind"
)

// JSON lines: one object per line; blank lines are skipped.
//
// The columns and their types come from the first jsonInferLines
// non-blank lines (of the first files, in order), as many as DuckDB's
// read_json samples by default, keys in order of first appearance:
//   - strings are text;
//   - numbers are BIGINT if every one is a whole number within int64,
//     else DOUBLE;
//   - true/false are BOOLEAN;
//   - objects and arrays are text holding their compact JSON;
//   - a key that is only ever null is text;
//   - a key whose values have different types is text, each value as
//     its text (a string without its quotes).
//
// A value in a text column reads as in DuckDB's read_json (json_text.go),
// which the direct path gives the same columns and types.
//
// Past those lines, nothing is guessed and nothing is dropped: a value
// that does not fit its column's type, or a key with a non-null value that
// those lines did not have, fails the read with the file and line. A
// missing key is NULL. Strings that look like dates stay text. (DuckDB's
// read_json, told the columns, is not as strict past them: it ignores a
// new key, and reads 2.5 as a BIGINT or "yes" as a BOOLEAN; a string in
// a number column fails there too.)
const jsonInferLines = 20480

// jsonMaxLine bounds a line's size, so a file without newlines cannot
// take all memory.
const jsonMaxLine = 64 << 20

// typeOf is the column type for the kinds a key's values had.
func typeOf(kinds jsonkind.Kind) arrow.DataType {
	switch kinds &^ jsonkind.Null {
	case jsonkind.Int:
		return arrow.PrimitiveTypes.Int64
	case jsonkind.Int | jsonkind.Float, jsonkind.Float:
		return arrow.PrimitiveTypes.Float64
	case jsonkind.Bool:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

type jsonPlan struct {
	files  []string
	schema *arrow.Schema
	index  map[string]int
	mem    memory.Allocator
}

func planJSON(ctx context.Context, files []string, mem memory.Allocator) (*jsonPlan, error) {
	var (
		names []string
		kinds []jsonkind.Kind
		index = map[string]int{}
		seen  int
		row   []jsonField
		raw   []rawField
	)
	add := func(key []byte, raw []byte) {
		i, ok := index[string(key)]
		if !ok {
			i = len(names)
			index[string(key)] = i
			names = append(names, string(key))
			kinds = append(kinds, 0)
		}
		kinds[i] |= jsonkind.Of(raw)
	}
	for _, name := range files {
		if seen == jsonInferLines {
			break
		}
		err := func() error {
			t, err := openText(ctx, name)
			if err != nil {
				return err
			}
			defer t.Close()
			lr := &lineReader{name: name, br: t.Reader}
			for seen < jsonInferLines {
				line, err := lr.next()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				seen++
				var simple bool
				if raw, simple = scanFields(line, raw[:0]); simple {
					for _, f := range raw {
						add(f.key, f.raw)
					}
					continue
				}
				if row, err = splitObject(line, row[:0]); err != nil {
					return lr.errorf("%w", err)
				}
				for _, f := range row {
					add([]byte(f.key), f.raw)
				}
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	if len(names) == 0 {
		// A table needs a column.
		return nil, fmt.Errorf("read %s: no object with a key in the first %d lines", files[0], jsonInferLines)
	}
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: typeOf(kinds[i]), Nullable: true}
	}
	return &jsonPlan{files: files, schema: arrow.NewSchema(fields, nil), index: index, mem: mem}, nil
}

// jsonField is one key of an object with its raw value.
type jsonField struct {
	key string
	raw json.RawMessage
}

// splitObject splits a line holding one JSON object into its keys, in
// order, and raw values.
func splitObject(line []byte, out []jsonField) ([]jsonField, error) {
	if len(line) == 0 || line[0] != '{' {
		return out, errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return out, fmt.Errorf("invalid JSON: %w", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out, fmt.Errorf("invalid JSON: %w", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out, fmt.Errorf("invalid JSON: %w", err)
		}
		out = append(out, jsonField{key: key, raw: raw})
	}
	if _, err := dec.Token(); err != nil {
		return out, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return out, errors.New("invalid JSON: more after the object")
	}
	return out, nil
}

// lineReader yields the non-blank lines of a file with their numbers.
type lineReader struct {
	name string
	br   *bufio.Reader
	line int
	buf  []byte
}

func (l *lineReader) next() ([]byte, error) {
	for {
		l.buf = l.buf[:0]
		for {
			chunk, err := l.br.ReadSlice('\n')
			l.buf = append(l.buf, chunk...)
			if len(l.buf) > jsonMaxLine {
				return nil, l.errorf("longer than %d MiB", jsonMaxLine>>20)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				if len(l.buf) == 0 {
					return nil, io.EOF
				}
				break
			}
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", l.name, err)
			}
			break
		}
		l.line++
		if line := bytes.TrimSpace(l.buf); len(line) > 0 {
			return line, nil
		}
	}
}

func (l *lineReader) errorf(format string, args ...any) error {
	return fmt.Errorf("read %s: line %d: %w", l.name, l.line, fmt.Errorf(format, args...))
}

func (p *jsonPlan) open(ctx context.Context, i int) (source, error) {
	name := p.files[i]
	t, err := openText(ctx, name)
	if err != nil {
		return nil, err
	}
	return &jsonSource{
		plan: p,
		t:    t,
		lr:   &lineReader{name: name, br: t.Reader},
		b:    array.NewRecordBuilder(p.mem, p.schema),
		vals: make([]json.RawMessage, p.schema.NumFields()),
	}, nil
}

type jsonSource struct {
	plan *jsonPlan
	t    *textFile
	lr   *lineReader
	b    *array.RecordBuilder
	row  []jsonField
	vals []json.RawMessage
	text []byte // a text value, reused
}

func (s *jsonSource) next() (arrow.RecordBatch, error) {
	n := 0
	for n < batchRows {
		line, err := s.lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := s.append(line); err != nil {
			return nil, s.lr.errorf("%w", err)
		}
		n++
	}
	if n == 0 {
		return nil, nil
	}
	return s.b.NewRecordBatch(), nil
}

// append adds one line's object as a row.
func (s *jsonSource) append(line []byte) error {
	var err error
	if s.row, err = splitObject(line, s.row[:0]); err != nil {
		return err
	}
	clear(s.vals)
	for _, f := range s.row {
		i, ok := s.plan.index[f.key]
		if !ok {
			if jsonkind.Of(f.raw) == jsonkind.Null {
				continue
			}
			return fmt.Errorf("key %q was not in the first %d lines, from which the columns are inferred", f.key, jsonInferLines)
		}
		s.vals[i] = f.raw // a repeated key: the last value wins
	}
	// Check every value before appending any, so a bad row adds nothing.
	for i, raw := range s.vals {
		if raw == nil {
			continue
		}
		k := jsonkind.Of(raw)
		if k == jsonkind.Null {
			s.vals[i] = nil
			continue
		}
		var fits bool
		switch s.plan.schema.Field(i).Type.ID() {
		case arrow.STRING:
			fits = true
		case arrow.INT64:
			fits = k == jsonkind.Int
		case arrow.FLOAT64:
			fits = k == jsonkind.Int || k == jsonkind.Float
			if fits {
				_, perr := strconv.ParseFloat(string(raw), 64)
				fits = perr == nil
			}
		case arrow.BOOL:
			fits = k == jsonkind.Bool
		}
		if !fits {
			return fmt.Errorf("column %q: %s is not %s, the type inferred from the first %d lines",
				s.plan.schema.Field(i).Name, shorten(raw), typeName(s.plan.schema.Field(i).Type), jsonInferLines)
		}
	}
	for i, raw := range s.vals {
		fb := s.b.Field(i)
		if raw == nil {
			fb.AppendNull()
			continue
		}
		switch fb := fb.(type) {
		case *array.StringBuilder:
			if s.text, err = appendJSONText(s.text[:0], raw); err != nil {
				return fmt.Errorf("column %q: %w", s.plan.schema.Field(i).Name, err)
			}
			fb.BinaryBuilder.Append(s.text)
		case *array.Int64Builder:
			v, _ := strconv.ParseInt(string(raw), 10, 64)
			fb.Append(v)
		case *array.Float64Builder:
			v, _ := strconv.ParseFloat(string(raw), 64)
			fb.Append(v)
		case *array.BooleanBuilder:
			fb.Append(raw[0] == 't')
		}
	}
	return nil
}

func typeName(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.INT64:
		return "a whole number (BIGINT)"
	case arrow.FLOAT64:
		return "a number (DOUBLE)"
	case arrow.BOOL:
		return "true or false (BOOLEAN)"
	}
	return dt.String()
}

// shorten quotes a raw value for an error message.
func shorten(raw []byte) string {
	const max = 40
	if len(raw) > max {
		return string(raw[:max]) + "..."
	}
	return string(raw)
}

func (s *jsonSource) close() {
	s.b.Release()
	s.t.Close()
}
