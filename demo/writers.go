package demo

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

const (
	batchRows    = 65536  // rows buffered before they are handed to a writer
	rowGroupRows = 131072 // Parquet row-group length
)

// kind is the logical type of a column.
type kind uint8

const (
	kStr   kind = iota // utf8
	kDate              // days since 1970-01-01 in cell.i
	kTS                // wall-clock microseconds (Asia/Ho_Chi_Minh) since 1970-01-01 in cell.i
	kInt               // int64 in cell.i
	kFloat             // float64 in cell.f
)

type column struct {
	name string
	kind kind
}

// cell is one value; null marks SQL NULL.
type cell struct {
	s    string
	i    int64
	f    float64
	null bool
}

func str(s string) cell    { return cell{s: s} }
func i64(v int64) cell     { return cell{i: v} }
func f64(v float64) cell   { return cell{f: v} }
func date(d int32) cell    { return cell{i: int64(d)} }
func nullCell() cell       { return cell{null: true} }
func ts(micros int64) cell { return cell{i: micros} }

// rowWriter streams rows of a fixed schema to one file.
type rowWriter interface {
	Write(row []cell) error
	Close() error
}

func newRowWriter(path string, cols []column) (rowWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	switch ext := path[len(path)-4:]; ext {
	case ".csv":
		return newCSVWriter(f, bw, cols)
	case "sonl":
		return &jsonlWriter{f: f, bw: bw, cols: cols}, nil
	default:
		pw, err := newParquetWriter(f, bw, cols)
		if err != nil {
			f.Close()
		}
		return pw, err
	}
}

func closeFile(f *os.File, bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func formatDate(d int64) string {
	return time.Unix(d*86400, 0).UTC().Format(time.DateOnly)
}

func formatTS(us int64) string {
	return time.UnixMicro(us).UTC().Format(time.DateTime)
}

// ---- Parquet ----

type parquetWriter struct {
	f    *os.File
	bw   *bufio.Writer
	cols []column
	rb   *array.RecordBuilder
	fw   *pqarrow.FileWriter
	n    int
}

func arrowType(k kind) arrow.DataType {
	switch k {
	case kDate:
		return arrow.FixedWidthTypes.Date32
	case kTS:
		return &arrow.TimestampType{Unit: arrow.Microsecond} // no time zone: local wall time
	case kInt:
		return arrow.PrimitiveTypes.Int64
	case kFloat:
		return arrow.PrimitiveTypes.Float64
	default:
		return arrow.BinaryTypes.String
	}
}

func newParquetWriter(f *os.File, bw *bufio.Writer, cols []column) (*parquetWriter, error) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: arrowType(c.kind), Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(rowGroupRows),
		parquet.WithCreatedBy("github.com/vn-registries/dq/demo"),
	)
	// bw is not an io.Closer, so the parquet writer leaves the file to us.
	fw, err := pqarrow.NewFileWriter(schema, bw, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, err
	}
	return &parquetWriter{f: f, bw: bw, cols: cols, rb: array.NewRecordBuilder(memory.DefaultAllocator, schema), fw: fw}, nil
}

func (w *parquetWriter) Write(row []cell) error {
	for i, c := range row {
		b := w.rb.Field(i)
		if c.null {
			b.AppendNull()
			continue
		}
		switch w.cols[i].kind {
		case kStr:
			b.(*array.StringBuilder).Append(c.s)
		case kDate:
			b.(*array.Date32Builder).Append(arrow.Date32(c.i))
		case kTS:
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(c.i))
		case kInt:
			b.(*array.Int64Builder).Append(c.i)
		case kFloat:
			b.(*array.Float64Builder).Append(c.f)
		}
	}
	w.n++
	if w.n == batchRows {
		return w.flush()
	}
	return nil
}

func (w *parquetWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	rec := w.rb.NewRecordBatch()
	defer rec.Release()
	w.n = 0
	return w.fw.WriteBuffered(rec)
}

func (w *parquetWriter) Close() error {
	defer w.rb.Release()
	if err := w.flush(); err != nil {
		w.f.Close()
		return err
	}
	if err := w.fw.Close(); err != nil {
		w.f.Close()
		return err
	}
	return closeFile(w.f, w.bw)
}

// ---- CSV ----

type csvWriter struct {
	f    *os.File
	bw   *bufio.Writer
	cw   *csv.Writer
	cols []column
	rec  []string
}

func newCSVWriter(f *os.File, bw *bufio.Writer, cols []column) (*csvWriter, error) {
	w := &csvWriter{f: f, bw: bw, cw: csv.NewWriter(bw), cols: cols, rec: make([]string, len(cols))}
	for i, c := range cols {
		w.rec[i] = c.name
	}
	if err := w.cw.Write(w.rec); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func (w *csvWriter) Write(row []cell) error {
	for i, c := range row {
		w.rec[i] = textValue(w.cols[i].kind, c)
	}
	return w.cw.Write(w.rec)
}

// textValue renders a non-null cell for CSV and JSON; NULL renders as "".
func textValue(k kind, c cell) string {
	if c.null {
		return ""
	}
	switch k {
	case kDate:
		return formatDate(c.i)
	case kTS:
		return formatTS(c.i)
	case kInt:
		return strconv.FormatInt(c.i, 10)
	case kFloat:
		return strconv.FormatFloat(c.f, 'f', -1, 64)
	default:
		return c.s
	}
}

func (w *csvWriter) Close() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		w.f.Close()
		return err
	}
	return closeFile(w.f, w.bw)
}

// ---- JSON lines ----

type jsonlWriter struct {
	f    *os.File
	bw   *bufio.Writer
	cols []column
	line []byte
}

func (w *jsonlWriter) Write(row []cell) error {
	b := append(w.line[:0], '{')
	for i, c := range row {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, w.cols[i].name)
		b = append(b, ':')
		switch k := w.cols[i].kind; {
		case c.null:
			b = append(b, "null"...)
		case k == kInt:
			b = strconv.AppendInt(b, c.i, 10)
		case k == kFloat:
			b = strconv.AppendFloat(b, c.f, 'f', -1, 64)
		default: // strings, and dates and timestamps as text
			b = appendJSONString(b, textValue(k, c))
		}
	}
	b = append(b, '}', '\n')
	w.line = b
	_, err := w.bw.Write(b)
	return err
}

func appendJSONString(b []byte, s string) []byte {
	q, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("demo: json: %v", err)) // a string always marshals
	}
	return append(b, q...)
}

func (w *jsonlWriter) Close() error { return closeFile(w.f, w.bw) }
