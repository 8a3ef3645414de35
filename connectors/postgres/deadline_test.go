package postgres

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/connectortest"
)

// viaProxy is the test DSN with its host and port replaced by addr.
func viaProxy(t *testing.T, addr string) string {
	t.Helper()
	u, err := url.Parse(testDSN())
	require.NoError(t, err)
	u.Host = addr
	return u.String()
}

// TestStalledServerIntegration: a server that stops answering mid-stream
// (a proxy that forwards the handshake and the first rows, then nothing)
// ends an extract and a session query with ErrTimeout, a grace after
// statement_timeout, instead of hanging.
func TestStalledServerIntegration(t *testing.T) {
	testDB(t)
	const timeout = time.Second
	// The client deadline, then the wait for the cancel's answer.
	bound := connectors.ClientDeadline(timeout) + cancelGrace + 2*time.Second

	t.Run("extract", func(t *testing.T) {
		proxy := connectortest.NewProxy(t, hostPort(t))
		c := open(t, func(s *settings) { s.DSN = viaProxy(t, proxy.Addr); s.StatementTimeout = timeout.String() })
		start := time.Now()
		r, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "stalled",
			Query: "SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 5000000) g"}})
		require.NoError(t, err)
		defer r.Release()
		require.True(t, r.Next())
		proxy.Stall()
		for r.Next() {
		}
		took := time.Since(start)
		t.Logf("extract failed after %s (bound %s): %v", took, bound, r.Err())
		require.ErrorIs(t, r.Err(), connectors.ErrTimeout)
		require.ErrorIs(t, r.Err(), connectors.ErrStream)
		require.Contains(t, r.Err().Error(), "dataset stalled")
		require.Less(t, took, bound)
	})
	t.Run("session query", func(t *testing.T) {
		proxy := connectortest.NewProxy(t, hostPort(t))
		c := open(t, func(s *settings) { s.DSN = viaProxy(t, proxy.Addr); s.StatementTimeout = timeout.String() })
		s := openSession(t, c, &config.Dataset{ID: "stalled", Query: "SELECT 1 AS x"})
		proxy.Stall()
		start := time.Now()
		_, err := s.QueryRow(context.Background(), "SELECT count(*) FROM "+s.Relation())
		took := time.Since(start)
		t.Logf("session query failed after %s (bound %s): %v", took, bound, err)
		require.ErrorIs(t, err, connectors.ErrTimeout)
		require.Contains(t, err.Error(), "dataset stalled")
		require.Less(t, took, bound)
	})
}

// hostPort is the test server's address.
func hostPort(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(testDSN())
	require.NoError(t, err)
	return u.Host
}

// TestCancelStopsServerIntegration: a read whose context is cancelled (dq
// got SIGINT) stops its statement on the server, not only on the client.
func TestCancelStopsServerIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf("CREATE TABLE %s.t (id int)", schema), fmt.Sprintf("INSERT INTO %s.t VALUES (1)", schema))
	c := open(t, nil)
	for _, tc := range []struct {
		name string
		run  func(ctx context.Context, ds *config.Dataset) error
	}{
		{"extract", func(ctx context.Context, ds *config.Dataset) error {
			r, err := c.Extract(ctx, connectors.Request{Dataset: ds})
			if err != nil {
				return err
			}
			defer r.Release()
			for r.Next() {
			}
			return r.Err()
		}},
		{"count", func(ctx context.Context, ds *config.Dataset) error {
			_, err := c.Count(ctx, connectors.Request{Dataset: ds})
			return err
		}},
		{"session query", func(ctx context.Context, ds *config.Dataset) error {
			s, err := c.Session(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: ds.ID, Table: ds.Table}})
			if err != nil {
				return err
			}
			defer s.Close()
			_, err = s.QueryRow(ctx, "SELECT count(*) FROM "+s.Relation()+" WHERE "+ds.Where)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			marker := fmt.Sprintf("dq_cancel_%s_%d", schema, time.Now().UnixNano())
			ds := &config.Dataset{ID: "slow", Table: schema + ".t", Where: "pg_sleep(60) IS NOT NULL AND '" + marker + "' <> ''"}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tc.run(ctx, ds) }()
			running := func() int {
				n := -1
				_ = conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
					WHERE state = 'active' AND query LIKE '%'||$1||'%' AND pid <> pg_backend_pid()`, marker).Scan(&n)
				return n
			}
			require.Eventually(t, func() bool { return running() == 1 }, 10*time.Second, 50*time.Millisecond, "the statement starts")
			cancel()
			start := time.Now()
			err := <-done
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, connectors.ErrTimeout, "a cancel is not a timeout")
			require.Contains(t, err.Error(), "dataset slow")
			require.Eventually(t, func() bool { return running() == 0 }, 3*time.Second, 50*time.Millisecond, "the statement still runs on the server")
			t.Logf("stopped on the server %s after the cancel: %v", time.Since(start), err)
		})
	}
}
