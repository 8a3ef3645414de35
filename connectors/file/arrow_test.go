package file_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/connectortest"
	"github.com/vn-registries/dq/connectors/file"
)

// Vietnamese names, composed (NFC) and decomposed (NFD): bytes must come
// back as written, never normalized.
const (
	nameNFC = "Nguy\u1ec5n Th\u1ecb \u00c1nh"
	nameNFD = "Nguye\u0302\u0303n Thi\u0323 A\u0301nh"
)

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
}

// extract opens the dataset's stream from a file source rooted at dir.
func extract(t *testing.T, mem memory.Allocator, dir, path string) array.RecordReader {
	t.Helper()
	r, err := tryExtract(mem, dir, path)
	require.NoError(t, err)
	return r
}

func tryExtract(mem memory.Allocator, dir, path string) (array.RecordReader, error) {
	c, err := openFiles(dir, mem)
	if err != nil {
		return nil, err
	}
	return c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "ds", Path: path}})
}

// openFiles opens a file source rooted at dir, streamed through Arrow.
func openFiles(dir string, mem memory.Allocator) (connectors.Connector, error) {
	return connectors.Open(config.NewSource("files", "file", file.Settings{Root: dir, Mode: file.ModeArrow}), connectors.Deps{Mem: mem})
}

func readAll(t *testing.T, r array.RecordReader) [][]any {
	t.Helper()
	rows, _, err := connectortest.Rows(r)
	require.NoError(t, err)
	return rows
}

func fieldNames(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}

func TestCSV(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeFile(t, dir, "students.csv", "id,name,born,note\n"+
		"001099012345,"+nameNFC+",2001-02-03,\n"+
		"001099012346,\"Tr\u1ea7n, V\u0103n B\",,\"He said \"\"hi\"\"\"\n"+
		"079200000001,"+nameNFD+",1999-12-31,\"two\nlines\"\n"+
		"000000000000,\"\",  2000-01-01 ,  \n")

	r := extract(t, mem, dir, "students.csv")
	defer r.Release()
	require.Equal(t, []string{"id", "name", "born", "note"}, fieldNames(r.Schema()))
	for _, f := range r.Schema().Fields() {
		require.Equal(t, arrow.BinaryTypes.String, f.Type, f.Name)
		require.True(t, f.Nullable, f.Name)
	}
	require.Equal(t, [][]any{
		{"001099012345", nameNFC, "2001-02-03", nil},
		{"001099012346", "Tr\u1ea7n, V\u0103n B", nil, `He said "hi"`},
		{"079200000001", nameNFD, "1999-12-31", "two\nlines"},
		// A quoted empty field is NULL too (DuckDB's default); spaces stay.
		{"000000000000", nil, "  2000-01-01 ", "  "},
	}, readAll(t, r))
}

func TestCSVDialects(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("id,name\n001,An\n"))
	require.NoError(t, zw.Close())

	tests := []struct {
		name  string
		files map[string]string
		path  string
		cols  []string
		rows  [][]any
	}{
		{
			name:  "semicolons and a byte order mark",
			files: map[string]string{"a.csv": "\ufeffid;name\r\n007;\"B; C\"\r\n"},
			path:  "a.csv",
			cols:  []string{"id", "name"},
			rows:  [][]any{{"007", "B; C"}},
		},
		{
			name:  "tabs",
			files: map[string]string{"a.tsv": "id\tname\n007\tB,C\n"},
			path:  "a.tsv",
			cols:  []string{"id", "name"},
			rows:  [][]any{{"007", "B,C"}},
		},
		{
			name:  "gzip",
			files: map[string]string{"a.csv.gz": gz.String()},
			path:  "a.csv.gz",
			cols:  []string{"id", "name"},
			rows:  [][]any{{"001", "An"}},
		},
		{
			name:  "duplicate and empty names",
			files: map[string]string{"a.csv": "id,,ID,id\n1,2,3,4\n"},
			path:  "a.csv",
			cols:  []string{"id", "column1", "ID_1", "id_2"},
			rows:  [][]any{{"1", "2", "3", "4"}},
		},
		{
			name: "files united by name in glob order",
			files: map[string]string{
				"part-2.csv":  "id,name\n2,B\n",
				"part-10.csv": "id,name\n10,J\n",
				"part-3.csv":  "name,id,extra\nC,3,x\n",
			},
			path: "part-*.csv",
			cols: []string{"id", "name", "extra"},
			rows: [][]any{{"10", "J", nil}, {"2", "B", nil}, {"3", "C", "x"}},
		},
		{
			name:  "header only",
			files: map[string]string{"a.csv": "id,name\n"},
			path:  "a.csv",
			cols:  []string{"id", "name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			for name, text := range tt.files {
				writeFile(t, dir, name, text)
			}
			r := extract(t, mem, dir, tt.path)
			defer r.Release()
			require.Equal(t, tt.cols, fieldNames(r.Schema()))
			require.Equal(t, tt.rows, readAll(t, r))
		})
	}
}

func TestCSVBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id\n")
	for i := range 70000 {
		fmt.Fprintf(&b, "%012d\n", i)
	}
	writeFile(t, dir, "big.csv", b.String())

	r := extract(t, mem, dir, "big.csv")
	defer r.Release()
	rows, sizes, err := connectortest.Rows(r)
	require.NoError(t, err)
	require.Equal(t, []int64{65536, 70000 - 65536}, sizes)
	require.Equal(t, "000000069999", rows[69999][0])
}

func TestCSVBadLine(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"too few fields", "a,b,c\n1,2,3\n4,5,6\n7,8\n", "students.csv: line 4: wrong number of fields (the header has 3)"},
		{"too many fields", "a,b,c\n1,2,3,4\n", "students.csv: line 2: wrong number of fields"},
		{"bare quote", "a,b,c\n1,2,3\n1,x\"y,3\n", "students.csv: line 3, column 4: bare \""},
		{"empty file", "", "students.csv: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			writeFile(t, dir, "students.csv", tt.text)
			r, err := tryExtract(mem, dir, "students.csv")
			if err == nil {
				defer r.Release()
				_, _, err = connectortest.Rows(r)
			}
			require.ErrorContains(t, err, "read "+filepath.Join(dir, tt.want))
		})
	}
}

func TestCSVCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeFile(t, dir, "big.csv", "id\n"+strings.Repeat("1\n", 70000))
	c, err := openFiles(dir, mem)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "ds", Path: "big.csv"}})
	require.NoError(t, err)
	defer r.Release()
	require.True(t, r.Next())
	cancel()
	require.False(t, r.Next())
	require.ErrorIs(t, r.Err(), context.Canceled)
	require.ErrorContains(t, r.Err(), "big.csv")
}

func TestJSON(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeFile(t, dir, "people.jsonl",
		`{"id":"001099012345","name":"`+nameNFC+`","age":30,"score":9.5,"ok":true,"tags":["a", "b"],"addr":{"city":"Huế"},"nothing":null,"mixed":1,"born":"2001-02-03"}`+"\n"+
			`{"id":"001099012346","name":"`+nameNFD+`","age":null,"score":7,"ok":false,"tags":[],"mixed":"x","born":null}`+"\r\n"+
			"\n"+
			`{"id":"079200000001","age":41,"score":null, "mixed":{"k": [1, 2]},"id":"079200000002"}`+"\n")

	r := extract(t, mem, dir, "people.jsonl")
	defer r.Release()
	want := []arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "age", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "tags", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "addr", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "nothing", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "mixed", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "born", Type: arrow.BinaryTypes.String, Nullable: true},
	}
	require.Equal(t, want, r.Schema().Fields())
	require.Equal(t, [][]any{
		{"001099012345", nameNFC, int64(30), 9.5, true, `["a","b"]`, `{"city":"Huế"}`, nil, "1", "2001-02-03"},
		{"001099012346", nameNFD, nil, 7.0, false, `[]`, nil, nil, "x", nil},
		// A repeated key: the last value wins.
		{"079200000002", nil, int64(41), nil, nil, nil, nil, nil, `{"k":[1,2]}`, nil},
	}, readAll(t, r))
}

func TestJSONFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeFile(t, dir, "b.jsonl", `{"id":"2","n":1.5,"late":true}`+"\n")
	writeFile(t, dir, "a.jsonl", `{"id":"1","n":1}`+"\n")
	writeFile(t, dir, "c.jsonl", `{"n":3,"id":"3"}`+"\n")
	r := extract(t, mem, dir, "*.jsonl")
	defer r.Release()
	require.Equal(t, []string{"id", "n", "late"}, fieldNames(r.Schema()))
	require.Equal(t, [][]any{{"1", 1.0, nil}, {"2", 1.5, true}, {"3", 3.0, nil}}, readAll(t, r))
}

func TestJSONBadLine(t *testing.T) {
	// The types come from the first 20480 lines; line 20481 is past them.
	window := strings.Repeat(`{"id":"1","age":3}`+"\n", 20480)
	tests := []struct {
		name, text, want string
	}{
		{"invalid", `{"id":"1"}` + "\n\n" + `{"id": }` + "\n", "people.jsonl: line 3: invalid JSON: invalid character '}'"},
		{"trailing data", `{"id":"1"} {"id":"2"}` + "\n", "people.jsonl: line 1: invalid JSON: more after the object"},
		{"not an object", `[1,2]` + "\n", "people.jsonl: line 1: not a JSON object"},
		{"no key", "\n{}\n", "people.jsonl: no object with a key in the first 20480 lines"},
		{"type past the window", window + `{"id":"2","age":"old"}` + "\n", `people.jsonl: line 20481: column "age": "old" is not a whole number (BIGINT), the type inferred from the first 20480 lines`},
		{"fraction in a whole number column", window + `{"age":2.5}` + "\n", `people.jsonl: line 20481: column "age": 2.5 is not a whole number`},
		{"key past the window", window + `{"id":"2","city":"Huế"}` + "\n", `people.jsonl: line 20481: key "city" was not in the first 20480 lines`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			writeFile(t, dir, "people.jsonl", tt.text)
			r, err := tryExtract(mem, dir, "people.jsonl")
			if err == nil {
				defer r.Release()
				_, _, err = connectortest.Rows(r)
			}
			require.ErrorContains(t, err, "read "+filepath.Join(dir, tt.want))
		})
	}
}

func TestJSONPastTheWindow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeFile(t, dir, "people.jsonl", strings.Repeat(`{"id":"1","age":3}`+"\n", 20480)+
		`{"id":7,"age":4,"city":null}`+"\n")
	r := extract(t, mem, dir, "people.jsonl")
	defer r.Release()
	rows := readAll(t, r)
	require.Len(t, rows, 20481)
	// A number in a text column is its JSON text; a new key that is null
	// loses nothing.
	require.Equal(t, []any{"7", int64(4)}, rows[20480])
}

var parquetSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "born", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: false},
}, nil)

// writeParquet writes rows of parquetSchema (or another schema's fields
// given as JSON) as a Parquet file, in row groups of rowGroup rows.
func writeParquet(t *testing.T, path string, schema *arrow.Schema, rowsJSON string, rowGroup int64) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rowsJSON))
	require.NoError(t, err)
	defer rec.Release()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w, err := pqarrow.NewFileWriter(schema, f,
		parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithMaxRowGroupLength(rowGroup)),
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
}

func TestParquet(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "part-1.parquet"), parquetSchema, `[
		{"id":"001099012345","name":"`+nameNFC+`","born":"2001-02-03","score":9.5,"n":1},
		{"id":"001099012346","name":null,"born":null,"score":null,"n":2}
	]`, 1024)
	writeParquet(t, filepath.Join(dir, "part-0.parquet"), parquetSchema, `[
		{"id":"079200000001","name":"`+nameNFD+`","born":"1999-12-31","score":-1.25,"n":0}
	]`, 1024)

	r := extract(t, mem, dir, "part-*.parquet")
	defer r.Release()
	require.Equal(t, []string{"id", "name", "born", "score", "n"}, fieldNames(r.Schema()))
	require.True(t, arrow.TypeEqual(arrow.FixedWidthTypes.Date32, r.Schema().Field(2).Type))
	require.Equal(t, [][]any{
		{"079200000001", nameNFD, "1999-12-31", -1.25, int64(0)},
		{"001099012345", nameNFC, "2001-02-03", 9.5, int64(1)},
		{"001099012346", nil, nil, nil, int64(2)},
	}, readAll(t, r))
}

func TestParquetBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("[")
	for i := range 100000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"%012d","n":%d}`, i, i)
	}
	b.WriteString("]")
	writeParquet(t, filepath.Join(dir, "big.parquet"), arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil), b.String(), 30000)

	r := extract(t, mem, dir, "big.parquet")
	defer r.Release()
	var total int64
	for r.Next() {
		require.LessOrEqual(t, r.RecordBatch().NumRows(), int64(65536))
		total += r.RecordBatch().NumRows()
	}
	require.NoError(t, r.Err())
	require.Equal(t, int64(100000), total)
}

func TestParquetSchemaMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), parquetSchema, `[{"id":"1","n":1}]`, 1024)
	other := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "name", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	writeParquet(t, filepath.Join(dir, "b.parquet"), other, `[{"id":"2","name":5}]`, 1024)

	_, err := tryExtract(mem, dir, "*.parquet")
	require.EqualError(t, err, fmt.Sprintf("read %s: its columns differ from %s's: column 2 is name int32, not name utf8",
		filepath.Join(dir, "b.parquet"), filepath.Join(dir, "a.parquet")))
}

func TestRetainRelease(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeFile(t, dir, "a.csv", "id\n1\n2\n")
	r := extract(t, mem, dir, "a.csv")
	r.Retain()
	require.True(t, r.Next())
	r.Release()
	// Still held once: the batch stays valid.
	require.Equal(t, int64(2), r.RecordBatch().NumRows())
	require.False(t, r.Next())
	require.NoError(t, r.Err())
	r.Release()
}
