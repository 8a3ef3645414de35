package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// testDSN is the test server: DQ_PG_DSN, or the local trust-auth server.
func testDSN() string {
	if d := os.Getenv("DQ_PG_DSN"); d != "" {
		return d
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// testDB connects to the test server and creates a fresh schema
// dq_test_<random>, dropped at the end. It skips only when
// DQ_SKIP_DB_TESTS=1; a server that is down fails the test.
func testDB(t testing.TB) (*pgx.Conn, string) {
	t.Helper()
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1: skipping PostgreSQL integration test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testDSN())
	require.NoError(t, err, "PostgreSQL test server at %s (set DQ_SKIP_DB_TESTS=1 to skip)", redacted(testDSN()))
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "dq_test_" + hex.EncodeToString(b[:])
	exec(t, conn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		_ = conn.Close(ctx)
	})
	return conn, schema
}

// redacted is a URL DSN without its password, for messages.
func redacted(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "(dsn)"
}

func exec(t testing.TB, conn *pgx.Conn, sqls ...string) {
	t.Helper()
	for _, s := range sqls {
		_, err := conn.Exec(context.Background(), s)
		require.NoError(t, err, s)
	}
}

// open returns a connector on the test server, its settings changed by
// mod.
func open(t testing.TB, mod func(*settings)) *Connector {
	t.Helper()
	return openWith(t, connectors.Deps{}, mod)
}

// openWith is open with the connector's dependencies.
func openWith(t testing.TB, deps connectors.Deps, mod func(*settings)) *Connector {
	t.Helper()
	s := settings{DSN: testDSN()}
	if mod != nil {
		mod(&s)
	}
	c, err := connectors.Open(config.NewSource("pg", "postgres", s), deps)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c.(*Connector)
}

// extractAll reads every batch; the caller releases them.
func extractAll(t testing.TB, c *Connector, ds *config.Dataset) (*arrow.Schema, []arrow.RecordBatch) {
	t.Helper()
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
	require.NoError(t, err)
	defer r.Release()
	var recs []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		recs = append(recs, rec)
	}
	require.NoError(t, r.Err())
	return r.Schema(), recs
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

// peakAllocator tracks the most bytes held at once.
type peakAllocator struct {
	*memory.CheckedAllocator
	peak atomic.Int64
}

func newPeakAllocator() *peakAllocator {
	return &peakAllocator{CheckedAllocator: memory.NewCheckedAllocator(memory.NewGoAllocator())}
}

func (p *peakAllocator) note() {
	cur := int64(p.CurrentAlloc())
	for {
		old := p.peak.Load()
		if cur <= old || p.peak.CompareAndSwap(old, cur) {
			return
		}
	}
}

func (p *peakAllocator) Allocate(n int) []byte {
	b := p.CheckedAllocator.Allocate(n)
	p.note()
	return b
}

func (p *peakAllocator) Reallocate(n int, b []byte) []byte {
	b = p.CheckedAllocator.Reallocate(n, b)
	p.note()
	return b
}
