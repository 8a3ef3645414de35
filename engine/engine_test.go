//go:build duckdb_arrow

package engine_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/file"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

var typesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "born", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "seen_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

// typesBatch builds rows [from, to) of the types table. Row i has id i+1
// (NULL when i%3 == 2), name n<i> (NULL when i is odd), born 2000-01-01
// plus i days (NULL for row 0), seen_at 2024-01-02 03:04:05 plus i hours (NULL
// for row 5), score i/2 (NULL for row 3), ok i even (NULL for row 1).
func typesBatch(mem memory.Allocator, from, to int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, typesSchema)
	defer b.Release()
	day0 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	at0 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := from; i < to; i++ {
		if i%3 == 2 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(int64(i + 1))
		}
		if i%2 == 1 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("n%d", i))
		}
		if i == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Date32Builder).Append(arrow.Date32FromTime(day0.AddDate(0, 0, i)))
		}
		if i == 5 {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(at0.Add(time.Duration(i) * time.Hour).UnixMicro()))
		}
		if i == 3 {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.Float64Builder).Append(float64(i) / 2)
		}
		if i == 1 {
			b.Field(5).AppendNull()
		} else {
			b.Field(5).(*array.BooleanBuilder).Append(i%2 == 0)
		}
	}
	return b.NewRecordBatch()
}

func TestLoadArrowTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 1})

	var recs []arrow.RecordBatch
	for _, span := range [][2]int{{0, 3}, {3, 5}, {5, 6}} {
		rec := typesBatch(mem, span[0], span[1])
		defer rec.Release()
		recs = append(recs, rec)
	}
	r, err := array.NewRecordReader(typesSchema, recs)
	require.NoError(t, err)
	defer r.Release()
	require.NoError(t, conn.LoadArrow(ctx, "t", r))

	cols, err := conn.Describe(ctx, "t")
	require.NoError(t, err)
	require.Equal(t, []engine.Column{
		{Name: "id", Type: "BIGINT"},
		{Name: "name", Type: "VARCHAR"},
		{Name: "born", Type: "DATE"},
		{Name: "seen_at", Type: "TIMESTAMP"},
		{Name: "score", Type: "DOUBLE"},
		{Name: "ok", Type: "BOOLEAN"},
	}, cols)

	row, err := conn.QueryRow(ctx, `SELECT count(*), count(id), sum(id)::BIGINT, count(name), string_agg(name, ',' ORDER BY name),
		count(born), min(born)::VARCHAR, max(born)::VARCHAR, count(seen_at), max(seen_at)::VARCHAR,
		count(score), sum(score), count(ok), count_if(ok)::BIGINT FROM t`)
	require.NoError(t, err)
	require.Equal(t, []any{
		int64(6), int64(4), int64(12), int64(3), "n0,n2,n4",
		int64(5), "2000-01-02", "2000-01-06", int64(5), "2024-01-02 07:04:05",
		int64(5), 6.0, int64(5), int64(3),
	}, row)
}

// The direct path (DuckDB's read_csv) and the Arrow path read a CSV file
// into the same table: same columns, same NULLs, same values.
func TestCSVParity(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("id,name\n001,An\n002,\n"))
	require.NoError(t, zw.Close())

	tests := []struct {
		name  string
		files map[string]string
		path  string
	}{
		{
			name: "students",
			files: map[string]string{"students.csv": "id,name,born,note\n" +
				"001099012345,Nguy\u1ec5n Th\u1ecb \u00c1nh,2001-02-03,\n" +
				"001099012346,\"Tr\u1ea7n, V\u0103n B\",,\"He said \"\"hi\"\"\"\n" +
				"079200000001,Nguye\u0302\u0303n Thi\u0323 A\u0301nh,1999-12-31,\"two\nlines\"\n" +
				"000000000000,\"\",  2000-01-01 ,  \n" +
				"000000000001,,,\n"},
			path: "students.csv",
		},
		{
			name: "files united by name",
			files: map[string]string{
				"part-1.csv": "id,name\n001,A\n002,\n",
				"part-2.csv": "name,id,extra\nC,003,x\n,,\n",
			},
			path: "part-*.csv",
		},
		{
			name:  "semicolons, byte order mark and CRLF",
			files: map[string]string{"a.csv": "\ufeffid;name;city\r\n007;\"B; C\";Hu\u1ebf\r\n008;;\r\n"},
			path:  "a.csv",
		},
		{
			name:  "duplicate names",
			files: map[string]string{"a.csv": "id,name,id,NAME,\n1,2,3,4,5\n"},
			path:  "a.csv",
		},
		{
			name:  "gzip",
			files: map[string]string{"a.csv.gz": gz.String()},
			path:  "a.csv.gz",
		},
		{
			// Past the rows DuckDB's sniffer would sample.
			name:  "first quote on row 30001",
			files: map[string]string{"a.csv": "id,name,city\n" + strings.Repeat("1,x,y\n", 30000) + "2,\"p, q\",r\n"},
			path:  "a.csv",
		},
		{
			name: "names in another case, another delimiter",
			files: map[string]string{
				"part-1.csv": "id,Name\n001,A\n",
				"part-2.csv": "ID;name;extra\n002;B;x\n",
				"part-3.csv": "id,Name\n003,C\n",
			},
			path: "part-*.csv",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			ctx := context.Background()
			conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 1})
			dir := t.TempDir()
			for name, text := range tt.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
			}
			src, err := connectors.Open(config.NewSource("files", "file", file.Settings{Root: dir}), connectors.Deps{Mem: mem})
			require.NoError(t, err)
			ds := &config.Dataset{ID: "ds", Path: tt.path}

			rel, done, err := src.(connectors.DirectReader).Relation(ds)
			require.NoError(t, err)
			require.NoError(t, done(conn.Exec(ctx, "CREATE TABLE direct AS SELECT * FROM "+rel)))

			r, err := src.Extract(ctx, connectors.Request{Dataset: ds})
			require.NoError(t, err)
			defer r.Release()
			require.NoError(t, conn.LoadArrow(ctx, "viaarrow", r))

			want, err := conn.Describe(ctx, "direct")
			require.NoError(t, err)
			got, err := conn.Describe(ctx, "viaarrow")
			require.NoError(t, err)
			require.Equal(t, want, got)

			for _, c := range want {
				q := `SELECT count(*), count("%s") FROM %s`
				d, err := conn.QueryRow(ctx, fmt.Sprintf(q, c.Name, "direct"))
				require.NoError(t, err)
				a, err := conn.QueryRow(ctx, fmt.Sprintf(q, c.Name, "viaarrow"))
				require.NoError(t, err)
				require.Equal(t, d, a, "column %s: count(*), count(column)", c.Name)
			}
			diff, err := conn.QueryRow(ctx, `SELECT
				(SELECT count(*) FROM (SELECT * FROM direct EXCEPT ALL SELECT * FROM viaarrow)),
				(SELECT count(*) FROM (SELECT * FROM viaarrow EXCEPT ALL SELECT * FROM direct))`)
			require.NoError(t, err)
			require.Equal(t, []any{int64(0), int64(0)}, diff, "rows only direct, rows only via Arrow")
		})
	}
}

// genReader makes rows lazily, one batch at a time, and records the most
// memory its allocator held when asked for a batch.
type genReader struct {
	refs     atomic.Int64
	mem      *memory.CheckedAllocator
	schema   *arrow.Schema
	rows, at int
	batch    int
	cur      arrow.RecordBatch
	maxAlloc int
}

func newGenReader(mem *memory.CheckedAllocator, rows, batch int) *genReader {
	g := &genReader{mem: mem, rows: rows, batch: batch, schema: arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
	}, nil)}
	g.refs.Add(1)
	return g
}

func (g *genReader) Retain() { g.refs.Add(1) }

func (g *genReader) Release() {
	if g.refs.Add(-1) == 0 && g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
}

func (g *genReader) Schema() *arrow.Schema          { return g.schema }
func (g *genReader) RecordBatch() arrow.RecordBatch { return g.cur }
func (g *genReader) Record() arrow.RecordBatch      { return g.cur }
func (g *genReader) Err() error                     { return nil }

func (g *genReader) observe() { g.maxAlloc = max(g.maxAlloc, g.mem.CurrentAlloc()) }

var _ array.RecordReader = (*genReader)(nil)

func (g *genReader) Next() bool {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	g.observe()
	if g.at == g.rows {
		return false
	}
	n := min(g.batch, g.rows-g.at)
	b := array.NewRecordBuilder(g.mem, g.schema)
	defer b.Release()
	ids := b.Field(0).(*array.Int64Builder)
	xs := b.Field(1).(*array.Float64Builder)
	ids.Reserve(n)
	xs.Reserve(n)
	for i := g.at; i < g.at+n; i++ {
		ids.UnsafeAppend(int64(i))
		xs.UnsafeAppend(0.5)
	}
	g.at += n
	g.cur = b.NewRecordBatch()
	g.observe()
	return true
}

func TestLoadArrowStreams(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 1})

	const rows = 2_000_000
	g := newGenReader(mem, rows, 64*1024)
	defer g.Release()
	require.NoError(t, conn.LoadArrow(ctx, "big", g))

	row, err := conn.QueryRow(ctx, "SELECT count(*), sum(id)::BIGINT, sum(x) FROM big")
	require.NoError(t, err)
	require.Equal(t, []any{int64(rows), int64(rows) * (rows - 1) / 2, float64(rows) / 2}, row)
	// DuckDB consumes each batch before asking for more: Go never held more
	// than a few batches of the 32 MB.
	batchBytes, totalBytes := 64*1024*16, rows*16
	require.Less(t, g.maxAlloc, 4*batchBytes, "max bytes held")
	require.Less(t, g.maxAlloc, totalBytes/8)
	t.Logf("held at most %d bytes of %d", g.maxAlloc, totalBytes)
}

// failingReader yields some batches, then stops with an error, as a
// database stream does when the server drops the connection.
type failingReader struct {
	array.RecordReader
	n   int
	err error
}

func (f *failingReader) Next() bool {
	if f.n == 0 {
		f.err = errors.New("connection dropped after 2 batches")
		return false
	}
	f.n--
	return f.RecordReader.Next()
}

func (f *failingReader) Err() error { return f.err }

// A stream that breaks must fail the load: a short extract is never a
// table that looks complete.
func TestLoadArrowFailsOnBrokenStream(t *testing.T) {
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})

	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var recs []arrow.RecordBatch
	for i := 0; i < 5; i++ {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 3}, nil)
		recs = append(recs, b.NewRecordBatch())
		b.Release()
	}
	inner, err := array.NewRecordReader(schema, recs)
	require.NoError(t, err)
	r := &failingReader{RecordReader: inner, n: 2}
	err = conn.LoadArrow(ctx, "broken", r)
	require.Error(t, err)
	require.Contains(t, err.Error(), "connection dropped")
	_, err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM broken")
	require.Error(t, err, "no half-loaded table is left behind")
}
