// Package enginetest opens DuckDB engines for tests.
package enginetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
)

// Conn opens an in-memory database with opts and pins one connection to
// it. Each test gets a private database, so tables never leak between
// tests, and both are closed when the test (or benchmark) ends: the
// connection first, then the database.
func Conn(t testing.TB, opts engine.Options) *engine.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, opts)
	require.NoError(t, err)
	// Cleanups run last-registered first: the database closes after the
	// connection.
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close()) })
	return conn
}
