package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

func TestNewValidatesOnly(t *testing.T) {
	for _, tc := range []struct {
		s    any
		want string
	}{
		{nil, "sources.a.dsn: a postgres source needs dsn:"},
		{settings{DSN: "postgres://u@h/db", StatementTimeout: "5 minutes"}, `sources.a.statement_timeout: "5 minutes" is not a duration`},
		{settings{DSN: "postgres://u:S3cretPW@h:notaport/db"}, "sources.a.dsn: "},
		{map[string]string{"dsn": "postgres://u@h/db", "root": "data"}, `sources.a: unknown key "root" (allowed: kind, timezone, dsn, read_only, statement_timeout)`},
	} {
		_, err := connectors.Open(config.NewSource("a", "postgres", tc.s), connectors.Deps{})
		require.ErrorIs(t, err, connectors.ErrConfig)
		require.ErrorIs(t, err, config.ErrInvalid)
		require.Contains(t, err.Error(), tc.want)
		require.NotContains(t, err.Error(), "S3cretPW")
	}
	// No server listens there: New must not connect.
	c, err := connectors.Open(config.NewSource("a", "postgres", settings{DSN: "postgres://u:pw@192.0.2.1:5/db", StatementTimeout: "5m"}), connectors.Deps{})
	require.NoError(t, err)
	require.NoError(t, c.Close())
}

func TestInjectionIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf("CREATE TABLE %s.dq_canary (id int)", schema))
	c := open(t, nil)
	for _, name := range []string{
		schema + `.dq_canary; DROP TABLE ` + schema + `.dq_canary; --`,
		schema + `.dq_canary" ; DROP TABLE ` + schema + `.dq_canary; --`,
		schema + `.x"; DROP TABLE "` + schema + `"."dq_canary`,
		schema + `.dq_canary/*`,
		schema + `.dq_canary--`,
	} {
		_, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "x", Table: name}})
		require.Error(t, err, name)
		require.ErrorIs(t, err, connectors.ErrQuery) // an unknown (or cross-database) relation, never a second statement
		var n int
		require.NoError(t, conn.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'dq_canary'", schema).Scan(&n))
		require.Equal(t, 1, n, "dq_canary survives %q", name)
	}
}

func TestReadOnlyIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf("CREATE TABLE %[1]s.w (id int)", schema),
		fmt.Sprintf(`CREATE FUNCTION %[1]s.dq_write() RETURNS int LANGUAGE sql AS 'INSERT INTO %[1]s.w VALUES (1) RETURNING id'`, schema))
	ds := &config.Dataset{ID: "w", Query: "SELECT " + schema + ".dq_write() AS id"}

	c := open(t, nil)
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
	if err == nil {
		for r.Next() {
		}
		err = r.Err()
		r.Release()
	}
	require.Error(t, err)
	require.Contains(t, err.Error(), "read-only transaction")

	// A plain INSERT as query: fails too (it cannot even be a subquery).
	_, err = c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "w",
		Query: "INSERT INTO " + schema + ".w VALUES (2) RETURNING id"}})
	require.Error(t, err)

	var n int
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT count(*) FROM "+schema+".w").Scan(&n))
	require.Zero(t, n)

	// read_only: false lets it through: the session flag is what stopped it.
	rw := false
	c2 := open(t, func(s *settings) { s.ReadOnly = &rw })
	_, recs := extractAll(t, c2, ds)
	releaseAll(recs)
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT count(*) FROM "+schema+".w").Scan(&n))
	require.Equal(t, 1, n)
}

func TestFaultsIntegration(t *testing.T) {
	conn, schema := testDB(t)
	ctx := context.Background()
	ds := &config.Dataset{ID: "t", Query: "SELECT 1 AS x"}
	const pw = "S3cretPW"

	t.Run("refused", func(t *testing.T) {
		c := open(t, func(s *settings) { s.DSN = "postgres://postgres:" + pw + "@127.0.0.1:1/test?connect_timeout=2" })
		start := time.Now()
		_, err := c.Extract(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrConnect)
		require.GreaterOrEqual(t, time.Since(start), 550*time.Millisecond, "retried with backoff 200ms, 400ms")
		require.Contains(t, err.Error(), "postgres@127.0.0.1:1/test")
		require.NotContains(t, err.Error(), pw)
	})
	t.Run("unknown database", func(t *testing.T) {
		c := open(t, func(s *settings) { s.DSN = "postgres://postgres:" + pw + "@127.0.0.1:5432/dq_no_such_db" })
		// A retry would sleep 5 s first: far above any scheduling delay, so
		// the bound below tells "no retry" from a slow machine.
		c.MinBackoff, c.MaxBackoff = 5*time.Second, 5*time.Second
		start := time.Now()
		_, err := c.Count(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrConnect)
		require.Less(t, time.Since(start), 4*time.Second, "no retry for an answer from the server")
		require.Contains(t, err.Error(), "dq_no_such_db")
		require.NotContains(t, err.Error(), pw)
	})
	t.Run("unknown user", func(t *testing.T) {
		c := open(t, func(s *settings) { s.DSN = "host=127.0.0.1 port=5432 dbname=test user=dq_nobody password=" + pw })
		_, err := c.Extract(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrAuth)
		require.NotErrorIs(t, err, connectors.ErrConnect)
		require.NotContains(t, err.Error(), pw)
	})
	t.Run("unknown table", func(t *testing.T) {
		c := open(t, nil)
		_, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "t", Table: schema + ".nope"}})
		require.ErrorIs(t, err, connectors.ErrQuery)
		require.Contains(t, err.Error(), "does not exist")
	})
	t.Run("statement timeout", func(t *testing.T) {
		c := open(t, func(s *settings) { s.StatementTimeout = "200ms" })
		r, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "t",
			Query: "SELECT 1 AS x FROM pg_sleep(3)"}})
		require.NoError(t, err)
		defer r.Release()
		require.False(t, r.Next())
		require.ErrorIs(t, r.Err(), connectors.ErrQuery)
		require.ErrorIs(t, r.Err(), connectors.ErrTimeout)
		require.Contains(t, r.Err().Error(), "statement timeout")
	})
	t.Run("connection dropped mid-copy", func(t *testing.T) {
		c := open(t, nil)
		marker := "dq_drop_" + schema
		r, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "t",
			Query: "SELECT g AS id, repeat('x', 100) AS pad, '" + marker + "' AS m FROM generate_series(1, 5000000) g"}})
		require.NoError(t, err)
		defer r.Release()
		require.True(t, r.Next())
		rows := r.RecordBatch().NumRows()
		var killed int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE query LIKE '%'||$1||'%' AND pid <> pg_backend_pid()`, marker).Scan(&killed))
		require.Equal(t, 1, killed)
		for r.Next() {
			rows += r.RecordBatch().NumRows()
		}
		require.Less(t, rows, int64(5000000))
		require.ErrorIs(t, r.Err(), connectors.ErrStream)
		require.Contains(t, r.Err().Error(), "extract stopped after")
		t.Log(r.Err())
	})
	t.Run("caller cancels", func(t *testing.T) {
		c := open(t, nil)
		cctx, cancel := context.WithCancel(ctx)
		r, err := c.Extract(cctx, connectors.Request{Dataset: &config.Dataset{ID: "t",
			Query: "SELECT g FROM generate_series(1, 5000000) g"}})
		require.NoError(t, err)
		defer r.Release()
		require.True(t, r.Next())
		cancel()
		for r.Next() {
		}
		require.Error(t, r.Err())
		require.True(t, errors.Is(r.Err(), context.Canceled) || strings.Contains(r.Err().Error(), "cancel"), r.Err().Error())
	})
}
