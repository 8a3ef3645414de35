//go:build duckdb_arrow

package file_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"sync"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/file"
)

// onFirstRow is a DuckDB function, true for every row, that calls fn as
// DuckDB scans the first one: a change made there happens while DuckDB
// reads the file, whatever the timing.
type onFirstRow struct {
	once sync.Once
	fn   func()
}

func (u *onFirstRow) Config() duckdb.ScalarFuncConfig {
	boolean, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	return duckdb.ScalarFuncConfig{ResultTypeInfo: boolean, Volatile: true}
}

func (u *onFirstRow) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func([]driver.Value) (any, error) {
		u.once.Do(u.fn)
		return true, nil
	}}
}

// readWhileChanging reads the dataset at path under dir as the direct
// path does, with change applied while DuckDB scans it, and returns what
// done reports.
func readWhileChanging(t *testing.T, dir, path string, change func()) error {
	t.Helper()
	ctx := context.Background()
	c, err := duckdb.NewConnector("", nil)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, duckdb.RegisterScalarUDF(conn, "change_now", &onFirstRow{fn: change}))

	src, err := connectors.Open(config.NewSource("files", "file", file.Settings{Root: dir}), connectors.Deps{})
	require.NoError(t, err)
	rel, done, err := src.(connectors.DirectReader).Relation(&config.Dataset{ID: "ds", Path: path})
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, "CREATE TABLE t AS SELECT * FROM "+rel+" WHERE change_now()")
	return done(err)
}

// A file that changes while DuckDB reads it fails the read with
// ErrStream and a message naming the file, in every format; in a glob,
// the file that changed is named.
func TestDirectReadOfChangingFile(t *testing.T) {
	for _, name := range []string{"a.csv", "a.jsonl", "a.parquet"} {
		for change, apply := range fileChanges {
			t.Run(name+" "+change, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, name)
				writeBig(t, path)
				err := readWhileChanging(t, dir, name, func() { apply(t, path) })
				require.ErrorIs(t, err, connectors.ErrStream)
				require.ErrorContains(t, err, "read "+path+": the file changed while it was read")
			})
		}
	}
	t.Run("glob", func(t *testing.T) {
		dir := t.TempDir()
		writeBig(t, filepath.Join(dir, "part-1.csv"))
		writeBig(t, filepath.Join(dir, "part-2.csv"))
		err := readWhileChanging(t, dir, "part-*.csv", func() { fileChanges["truncated"](t, filepath.Join(dir, "part-2.csv")) })
		require.ErrorIs(t, err, connectors.ErrStream)
		require.ErrorContains(t, err, "read "+filepath.Join(dir, "part-2.csv")+": the file changed while it was read (")
	})
	t.Run("unchanged", func(t *testing.T) {
		dir := t.TempDir()
		writeBig(t, filepath.Join(dir, "a.csv"))
		require.NoError(t, readWhileChanging(t, dir, "a.csv", func() {}))
	})
}
