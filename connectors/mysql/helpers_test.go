package mysql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

const testServer = "root@tcp(127.0.0.1:3306)/"

// testDB creates a database dq_test_<random> dropped when the test ends,
// and returns its name and an admin connection pool on it (UTC, multi
// statements). It skips only when DQ_SKIP_DB_TESTS=1.
func testDB(t testing.TB) (string, *sql.DB) {
	t.Helper()
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	ctx := context.Background()
	root, err := sql.Open("mysql", testServer+"test")
	require.NoError(t, err)
	require.NoError(t, root.PingContext(ctx), "MariaDB must run at 127.0.0.1:3306 (set DQ_SKIP_DB_TESTS=1 to skip)")
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "dq_test_" + hex.EncodeToString(b[:])
	_, err = root.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := root.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		require.NoError(t, err)
		root.Close()
	})
	db, err := sql.Open("mysql", testServer+name+"?multiStatements=true&time_zone=%27%2B00%3A00%27")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return name, db
}

func exec(t testing.TB, db *sql.DB, q string) {
	t.Helper()
	_, err := db.ExecContext(context.Background(), q)
	require.NoError(t, err, q)
}

// open returns a connector on the database, closed when the test ends;
// s.DSN defaults to the test server's.
func open(t testing.TB, dbName string, s settings) *Connector {
	t.Helper()
	return openWith(t, dbName, connectors.Deps{}, s)
}

// openWith is open with the connector's dependencies.
func openWith(t testing.TB, dbName string, deps connectors.Deps, s settings) *Connector {
	t.Helper()
	if s.DSN == "" {
		s.DSN = testServer + dbName
	}
	c, err := connectors.Open(config.NewSource("test", "mysql", s), deps)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c.(*Connector)
}

// extract reads a whole extract into one record (released at the end of
// the test) and returns it with the reader's warnings.
func extract(t testing.TB, c *Connector, ds *config.Dataset) (arrow.Table, []string) {
	t.Helper()
	rdr, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
	require.NoError(t, err)
	defer rdr.Release()
	var recs []arrow.RecordBatch
	for rdr.Next() {
		rec := rdr.RecordBatch()
		rec.Retain()
		recs = append(recs, rec)
	}
	require.NoError(t, rdr.Err())
	tbl := array.NewTableFromRecords(rdr.Schema(), recs)
	for _, r := range recs {
		r.Release()
	}
	t.Cleanup(tbl.Release)
	return tbl, rdr.(*Reader).Warnings()
}

// colOf returns a table's column as one array.
func colOf(t testing.TB, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	require.Len(t, idx, 1, name)
	chunks := tbl.Column(idx[0]).Data().Chunks()
	require.Len(t, chunks, 1, name)
	return chunks[0]
}
