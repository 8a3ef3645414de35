package mysql

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/connectortest"
	"github.com/vn-registries/dq/dialect"
)

// TestStalledServerIntegration: a server that stops answering mid-stream
// (a proxy that forwards the handshake and the first rows, then nothing)
// ends an extract and a session query with ErrTimeout, a grace after
// statement_timeout, instead of hanging.
func TestStalledServerIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200))")
	exec(t, db, "SET SESSION max_recursive_iterations = 1000000; INSERT INTO big WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM s WHERE n < 300000) SELECT n, REPEAT('x', 200) FROM s")
	const timeout = time.Second
	// The client deadline, then the KILL QUERY that cannot get through.
	bound := connectors.ClientDeadline(timeout) + killTimeout + 2*time.Second
	stalled := func(t *testing.T) (*Connector, *connectortest.Proxy) {
		proxy := connectortest.NewProxy(t, "127.0.0.1:3306")
		c := open(t, name, settings{DSN: "root@tcp(" + proxy.Addr + ")/" + name, StatementTimeout: timeout.String()})
		c.BatchRows = 1024
		return c, proxy
	}

	t.Run("extract", func(t *testing.T) {
		c, proxy := stalled(t)
		start := time.Now()
		r, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "stalled", Table: "big"}})
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
		c, proxy := stalled(t)
		s, err := c.Session(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "stalled", Table: "big"}})
		require.NoError(t, err)
		defer s.Close()
		proxy.Stall()
		start := time.Now()
		_, err = s.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+s.Relation())
		took := time.Since(start)
		t.Logf("session query failed after %s (bound %s): %v", took, bound, err)
		require.ErrorIs(t, err, connectors.ErrTimeout)
		require.Contains(t, err.Error(), "dataset stalled")
		require.Less(t, took, bound)
	})
}

// TestCancelStopsServerIntegration: a read whose context is cancelled (dq
// got SIGINT) stops its statement on the server, not only on the client.
func TestCancelStopsServerIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE t (id INT); INSERT INTO t VALUES (1)")
	c := open(t, name, settings{})
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
			_, err = s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation()+" WHERE "+ds.Where)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			marker := fmt.Sprintf("dq_cancel_%s_%d", name, time.Now().UnixNano())
			ds := &config.Dataset{ID: "slow", Table: "t", Where: "SLEEP(60) = 0 AND '" + marker + "' <> ''"}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tc.run(ctx, ds) }()
			running := func() int {
				n := -1
				_ = db.QueryRow("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE CONCAT('%', ?, '%') AND ID <> CONNECTION_ID()", marker).Scan(&n)
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

// TestBacktrackingRegexIntegration: a regular expression that makes
// MariaDB's PCRE backtrack (nested quantifiers on a long value that
// almost matches) ends in an error, never in a wrong count nor a hang.
func TestBacktrackingRegexIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE one (v VARCHAR(100)); INSERT INTO one VALUES (CONCAT(REPEAT('a', 40), 'b'))")
	exec(t, db, "CREATE TABLE many (v VARCHAR(100))")
	exec(t, db, "INSERT INTO many WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM s WHERE n < 500) SELECT CONCAT(REPEAT('a', 40), 'b') FROM s")
	// What a regex check with pattern (a+)+ asks of engine: source.
	match := dialect.MySQL{}.RegexFullMatch("v", "(a+)+")
	ctx := context.Background()

	t.Run("one value: an error, not a silent no-match", func(t *testing.T) {
		c := open(t, name, settings{})
		s := openSession(t, c, &config.Dataset{ID: "rx", Table: "one"})
		_, err := s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation()+" WHERE NOT "+match)
		require.ErrorIs(t, err, connectors.ErrQuery)
		require.ErrorContains(t, err, "match limit")
		require.ErrorContains(t, err, "dataset rx")
		// The same pattern in where: fails the extract too.
		r, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "rx", Table: "one", Where: "NOT " + match}})
		require.NoError(t, err)
		defer r.Release()
		for r.Next() {
		}
		require.ErrorIs(t, r.Err(), connectors.ErrQuery)
		require.ErrorContains(t, r.Err(), "match limit")
	})
	t.Run("a table of them: the statement timeout", func(t *testing.T) {
		// About 0.1 s per value: a minute for this table, years for a
		// registry.
		const timeout = time.Second
		c := open(t, name, settings{StatementTimeout: timeout.String()})
		s := openSession(t, c, &config.Dataset{ID: "rx", Table: "many"})
		start := time.Now()
		_, err := s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation()+" WHERE NOT "+match)
		took := time.Since(start)
		t.Logf("failed after %s: %v", took, err)
		require.ErrorIs(t, err, connectors.ErrTimeout)
		require.ErrorContains(t, err, "dataset rx")
		require.Less(t, took, connectors.ClientDeadline(timeout))
	})
}
