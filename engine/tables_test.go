//go:build duckdb_arrow

package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTables(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{Threads: 1})
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.Exec(ctx, `CREATE TABLE src AS SELECT i AS id, i % 3 AS k FROM range(30) t(i)`))

	stmt, err := conn.CreateView(ctx, "v", Selection{From: "src", Where: "k = 0"})
	require.NoError(t, err)
	require.Equal(t, `CREATE OR REPLACE VIEW "v" AS SELECT * FROM src WHERE k = 0`, stmt)
	n, err := conn.Count(ctx, `"v"`, "")
	require.NoError(t, err)
	require.Equal(t, int64(10), n)

	stmt, err = conn.CreateTable(ctx, "some rows", Selection{From: "src", Sample: " USING SAMPLE reservoir(5 ROWS) REPEATABLE (7)", Where: "k <> 1"})
	require.NoError(t, err)
	require.Equal(t, `CREATE OR REPLACE TABLE "some rows" AS SELECT * FROM (SELECT * FROM src WHERE k <> 1) USING SAMPLE reservoir(5 ROWS) REPEATABLE (7)`, stmt)
	n, err = conn.Count(ctx, `"some rows"`, "")
	require.NoError(t, err)
	require.Equal(t, int64(5), n, "five of the rows the filter keeps")
	n, err = conn.Count(ctx, `"some rows"`, "k = 1")
	require.NoError(t, err)
	require.Zero(t, n)

	require.NoError(t, conn.RenameTable(ctx, "some rows", "renamed"))
	_, err = conn.Count(ctx, `"some rows"`, "")
	require.Error(t, err)
	require.NoError(t, conn.DropTable(ctx, "renamed"))
	_, err = conn.Count(ctx, `"renamed"`, "")
	require.Error(t, err)
}
