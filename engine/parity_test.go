//go:build duckdb_arrow

package engine_test

import (
	"context"
	stdcsv "encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/file"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// loadBoth reads the files of a dataset at path under dir into table
// "direct" as DuckDB reads them itself and into "viaarrow" through the
// Arrow path, and returns each path's error: the one the pipeline would
// report (done's, and the stream's).
func loadBoth(t *testing.T, conn *engine.Conn, dir, path string) (direct, viaArrow error) {
	t.Helper()
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ds := &config.Dataset{ID: "ds", Path: path}

	src, err := connectors.Open(config.NewSource("files", "file", file.Settings{Root: dir}), connectors.Deps{Mem: mem})
	require.NoError(t, err)
	rel, done, err := src.(connectors.DirectReader).Relation(ds)
	if err != nil {
		direct = err
	} else {
		direct = done(conn.Exec(ctx, "CREATE TABLE direct AS SELECT * FROM "+rel))
	}

	src, err = connectors.Open(config.NewSource("files", "file", file.Settings{Root: dir, Mode: file.ModeArrow}), connectors.Deps{Mem: mem})
	require.NoError(t, err)
	r, err := src.Extract(ctx, connectors.Request{Dataset: ds})
	if err != nil {
		return direct, err
	}
	defer r.Release()
	if err := conn.LoadArrow(ctx, "viaarrow", r); err != nil {
		if r.Err() != nil {
			return direct, r.Err()
		}
		return direct, err
	}
	return direct, nil
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	return dir
}

// A key whose values have several JSON types is text in both modes, with
// the same values, none of them keeping JSON quotes; the other keys get
// the same types in both, and a date stays text.
func TestJSONMixedTypesParity(t *testing.T) {
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 1})
	dir := writeFiles(t, map[string]string{"mixed.jsonl": `{"id":1,"code":"079","v":"2024-01-02","n":2.50,"b":true,"o":{"k":"\u00e1\/\"","z":[1,2.50,1e3]},"born":"2001-02-03"}
{"id":2,"code":79,"v":5,"n":"x","b":"yes","o":[1e-7,1e21,-0]}
{"id":3,"code":7.90,"v":true,"n":null,"b":1,"o":"str","born":null}
{"id":4,"code":"08\n","v":1e3,"n":-0,"b":false,"o":{}}
`})
	derr, aerr := loadBoth(t, conn, dir, "mixed.jsonl")
	require.NoError(t, derr)
	require.NoError(t, aerr)

	want := []engine.Column{{Name: "id", Type: "BIGINT"}, {Name: "code", Type: "VARCHAR"}, {Name: "v", Type: "VARCHAR"},
		{Name: "n", Type: "VARCHAR"}, {Name: "b", Type: "VARCHAR"}, {Name: "o", Type: "VARCHAR"}, {Name: "born", Type: "VARCHAR"}}
	wantRows := [][]any{
		{int64(1), "079", "2024-01-02", "2.5", "true", `{"k":"á/\"","z":[1,2.5,1000.0]}`, "2001-02-03"},
		{int64(2), "79", "5", "x", "yes", `[1e-7,1e21,0]`, nil},
		{int64(3), "7.9", "true", nil, "1", "str", nil},
		{int64(4), "08\n", "1000.0", "0", "false", "{}", nil},
	}
	for _, table := range []string{"direct", "viaarrow"} {
		cols, err := conn.Describe(ctx, table)
		require.NoError(t, err)
		require.Equal(t, want, cols, table)
		rows, err := conn.QueryRows(ctx, "SELECT * FROM "+table+" ORDER BY id")
		require.NoError(t, err)
		require.Equal(t, wantRows, rows, table)
	}
}

// Numbers of every size read the same in a text column, alone or inside
// an object, in both modes.
func TestJSONNumbersParity(t *testing.T) {
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 1})
	rnd := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	nums := []string{"0.0", "-0.0", "1E2", "1e-5", "1e-4", "0.0001", "1e15", "1e16", "1e20", "1e21", "123456789012345678901234",
		"-9223372036854775809", "18446744073709551615", "5e-324", "1.7976931348623157e308", "0.30000000000000004"}
	for range 2000 {
		f := (rnd.Float64() - 0.5) * math.Pow(10, float64(rnd.IntN(60)-30))
		nums = append(nums, strconv.FormatFloat(f, 'g', rnd.IntN(17)+1, 64))
	}
	for i, n := range nums {
		fmt.Fprintf(&b, `{"i":%d,"x":%s,"o":{"x":%s,"s":"\u%04x"}}`+"\n", i, n, n, i%128)
		fmt.Fprintf(&b, `{"i":%d,"x":"s"}`+"\n", i+len(nums))
	}
	dir := writeFiles(t, map[string]string{"nums.jsonl": b.String()})
	derr, aerr := loadBoth(t, conn, dir, "nums.jsonl")
	require.NoError(t, derr)
	require.NoError(t, aerr)
	diff, err := conn.QueryRows(ctx, `SELECT d.i, d.x, a.x, d.o, a.o FROM direct d JOIN viaarrow a USING (i)
		WHERE d.x IS DISTINCT FROM a.x OR d.o IS DISTINCT FROM a.o ORDER BY i LIMIT 5`)
	require.NoError(t, err)
	require.Empty(t, diff, "line, direct, Arrow")
	n, err := conn.QueryRow(ctx, "SELECT (SELECT count(*) FROM direct), (SELECT count(*) FROM viaarrow), (SELECT count(*) FROM direct JOIN viaarrow USING (i))")
	require.NoError(t, err)
	rows := int64(2 * len(nums))
	require.Equal(t, []any{rows, rows, rows}, n, "rows direct, via Arrow, in both")
}

// A ragged CSV row fails the read in both modes with the same message:
// the file, the line, and the header's width; in DuckDB's sample or past
// it, short or long, in any file of a glob.
func TestCSVRaggedRows(t *testing.T) {
	var late strings.Builder
	late.WriteString("a,b,c\n")
	for i := range 30000 {
		fmt.Fprintf(&late, "%d,x,y\n", i)
	}
	late.WriteString("9,9\n1,2,3\n")
	tests := []struct {
		name  string
		files map[string]string
		path  string
		file  string
		line  int
	}{
		{"short row in the sample", map[string]string{"a.csv": "a,b,c\n1,2,3\n4,5\n6,7,8\n"}, "a.csv", "a.csv", 3},
		{"long row in the sample", map[string]string{"a.csv": "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n"}, "a.csv", "a.csv", 3},
		{"every row short", map[string]string{"a.csv": "a,b,c\n1,2\n4,5\n"}, "a.csv", "a.csv", 2},
		{"past the sample", map[string]string{"a.csv": late.String()}, "a.csv", "a.csv", 30002},
		{"after a quoted line break", map[string]string{"a.csv": "a;b;c\n1;\"x\ny\";3\n4;5\n"}, "a.csv", "a.csv", 4},
		{"second file of a glob", map[string]string{"p-1.csv": "a,b,c\n1,2,3\n", "p-2.csv": "a,b,c\n1,2,3\n4,5,6\n7\n"}, "p-*.csv", "p-2.csv", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 2})
			dir := writeFiles(t, tt.files)
			derr, aerr := loadBoth(t, conn, dir, tt.path)
			want := fmt.Sprintf("read %s: line %d: wrong number of fields (the header has 3)", filepath.Join(dir, tt.file), tt.line)
			for mode, err := range map[string]error{"direct": derr, "arrow": aerr} {
				require.EqualError(t, err, want, mode)
				require.ErrorIs(t, err, stdcsv.ErrFieldCount, mode)
				require.ErrorIs(t, err, connectors.ErrStream, mode)
			}
		})
	}
}
