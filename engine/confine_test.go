//go:build duckdb_arrow

package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
)

// A confined engine opens files under the folders it is given and its
// spill folder, and nothing else, to read or to write; no statement can
// lift that. Arrow loading still works (spilling too: see
// TestSpillFolderIsPrivate).
func TestConfine(t *testing.T) {
	ctx := context.Background()
	data, outside := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(data, "a.csv"), []byte("id\n1\n2\n"), 0o644))
	secret := filepath.Join(outside, "secret.csv")
	require.NoError(t, os.WriteFile(secret, []byte("id\n1\n"), 0o644))
	conn, closeDB := open(t, engine.Options{Confine: true, Folders: []string{data}, Threads: 1})
	defer closeDB()

	row, err := conn.QueryRow(ctx, "SELECT count(*) FROM read_csv('"+filepath.Join(data, "a.csv")+"')")
	require.NoError(t, err)
	require.Equal(t, []any{int64(2)}, row)

	for _, q := range []string{
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM read_csv('/etc/passwd', sep = ':')",
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM read_csv('" + filepath.Join(data, "..", filepath.Base(outside), "secret.csv") + "')",
		"SELECT * FROM glob('/etc/*')",
		"COPY (SELECT 1) TO '" + filepath.Join(outside, "out.csv") + "'",
		"ATTACH '" + filepath.Join(outside, "x.db") + "'",
		"INSTALL httpfs",
	} {
		_, err := conn.QueryRows(ctx, q)
		require.ErrorContains(t, err, "Permission Error", q)
	}
	_, err = os.Stat(filepath.Join(outside, "out.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)

	for _, q := range []string{
		"SET enable_external_access = true",
		"RESET enable_external_access",
		"SET allowed_directories = ['/']",
		"SET allowed_paths = ['/etc/passwd']",
		"SET disabled_filesystems = ''",
		"SET lock_configuration = false",
		"RESET lock_configuration",
		"SET temp_directory = '/tmp'",
	} {
		require.ErrorContains(t, conn.Exec(ctx, q), "the configuration has been locked", q)
	}

	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 3}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	r, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	require.NoError(t, err)
	defer r.Release()
	require.NoError(t, conn.LoadArrow(ctx, "t", r))

}

// An engine given no folder can open no file at all.
func TestConfineToNothing(t *testing.T) {
	conn, closeDB := open(t, engine.Options{Confine: true})
	defer closeDB()
	_, err := conn.QueryRows(context.Background(), "SELECT * FROM read_text('/etc/hostname')")
	require.ErrorContains(t, err, "Permission Error")
}
