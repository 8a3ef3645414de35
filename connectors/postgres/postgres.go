// Package postgres reads PostgreSQL tables and queries. The dataset's
// where: and sample: run inside the server; rows stream back through
// COPY ... TO STDOUT (FORMAT binary), decoded straight into Arrow builders
// in bounded batches.
//
// Unless the source says read_only: false, every statement built from
// config text (where:, query:) runs inside a transaction that is READ
// ONLY from its start and is rolled back, never committed: SQL cannot
// make a running read-only transaction read-write, so neither a function
// that writes nor set_config on the session defaults can write through
// it. Config text only reaches the server through the extended protocol,
// which runs one statement; COPY, which pgconn sends in the simple
// protocol, is first parsed by the server as one statement. Every
// statement is bounded by statement_timeout on the server and by a
// deadline on the client, and a cancelled context cancels the statement
// on the server too.
package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

func init() { connectors.Register("postgres", connectors.Kind{New: newConnector}) }

// readBufSize is the socket read buffer of a session.
const readBufSize = 1 << 20

// settings are a postgres source's keys besides kind: and timezone:.
type settings struct {
	DSN string `yaml:"dsn"`
	// ReadOnly runs every statement in a read-only transaction (default
	// true); false lets config SQL write.
	ReadOnly *bool `yaml:"read_only"`
	// StatementTimeout bounds each statement, e.g. 5m (default
	// connectors.DefaultStatementTimeout; 0 for none).
	StatementTimeout string `yaml:"statement_timeout"`
}

// connectTimeout bounds a connection's handshake when the DSN gives no
// connect_timeout: pgconn waits forever by default.
const connectTimeout = 10 * time.Second

// cancelGrace is how long a cancelled statement waits for the server to
// answer the cancel request before dq closes the socket.
const cancelGrace = 2 * time.Second

// Connector is one PostgreSQL source. It opens one session per extract or
// count and closes it when done; Close ends the ones still open.
type Connector struct {
	cfg      *pgconn.Config
	safe     string // user@host:port/db, for messages
	password string
	timeout  time.Duration
	readOnly bool
	// log receives recoverable events (columns read as text, retries).
	log *slog.Logger
	mem memory.Allocator

	// Connection retry: attempts and the backoff bounds.
	Attempts   int
	MinBackoff time.Duration
	MaxBackoff time.Duration

	mu    sync.Mutex
	conns map[*pgconn.PgConn]struct{}
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Counter   = (*Connector)(nil)
	_ connectors.Filtering = (*Connector)(nil)
	_ connectors.Dialected = (*Connector)(nil)
	_ connectors.Pushdown  = (*Connector)(nil)
)

// newConnector validates a postgres source: dsn: is required and must
// parse; statement_timeout:, when set, is a Go duration such as 5m or
// 30s, 0 for none. It does not connect.
func newConnector(src config.Source, deps connectors.Deps) (connectors.Connector, error) {
	var s settings
	if err := src.Decode(&s); err != nil {
		return nil, connectors.Misconfigured(err)
	}
	if s.DSN == "" {
		return nil, connectors.Misconfigured(src.Errorf("dsn", "a postgres source needs dsn:"))
	}
	cfg, err := pgconn.ParseConfig(s.DSN)
	if err != nil {
		// pgx redacts the password in its parse errors; scrub anyway.
		return nil, connectors.Misconfigured(src.Errorf("dsn", "%s", scrubDSN(err.Error(), s.DSN)))
	}
	c := &Connector{
		cfg:        cfg,
		safe:       fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database),
		password:   cfg.Password,
		readOnly:   s.ReadOnly == nil || *s.ReadOnly,
		log:        deps.Logger,
		mem:        deps.Mem,
		timeout:    connectors.DefaultStatementTimeout,
		Attempts:   3,
		MinBackoff: 200 * time.Millisecond,
		MaxBackoff: 2 * time.Second,
		conns:      map[*pgconn.PgConn]struct{}{},
	}
	if s.StatementTimeout != "" {
		d, err := time.ParseDuration(s.StatementTimeout)
		if err != nil || d < 0 {
			return nil, connectors.Misconfigured(src.Errorf("statement_timeout", "%q is not a duration such as 5m or 30s", s.StatementTimeout))
		}
		c.timeout = d
	}
	return c, nil
}

// scrubDSN removes a URL's user info from a message that may quote it.
func scrubDSN(msg, dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.LastIndex(dsn, "@"); j > i {
			if k := strings.Index(dsn[i+3:j], ":"); k >= 0 {
				msg = scrub(msg, dsn[i+3+k+1:j])
			}
		}
	}
	return msg
}

// Dialect is PostgreSQL's.
func (c *Connector) Dialect() dialect.Dialect { return dialect.Postgres{} }

// AppliesFilters is true: where: and sample: run in the server.
func (c *Connector) AppliesFilters() bool { return true }

// Close ends the sessions of extracts still running.
func (c *Connector) Close() error {
	c.mu.Lock()
	conns := c.conns
	c.conns = map[*pgconn.PgConn]struct{}{}
	c.mu.Unlock()
	for pc := range conns {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = pc.Close(ctx)
		cancel()
	}
	return nil
}

// errorf wraps err with the sanitized address, its kinds (kind, refined
// by kindsOf) and what was being done; the password never appears in the
// text.
func (c *Connector) errorf(kind error, err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	return &dbError{
		msg:   scrub(fmt.Sprintf("postgres %s: %s: %v", c.safe, what, err), c.password),
		kinds: kindsOf(kind, err),
		cause: err,
	}
}

// retryable tells connection-level failures (refused, reset, timeout,
// server starting or full) from answers a retry cannot change (bad
// password, unknown database).
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "53300", "57P03": // too_many_connections, cannot_connect_now
			return true
		}
		return false
	}
	return true
}

// connect opens a session with the source's settings, retrying
// connection-level failures with bounded exponential backoff.
func (c *Connector) connect(ctx context.Context) (*pgconn.PgConn, error) {
	cfg := c.cfg.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if c.readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	// Text arrives as UTF-8 whatever the URL or the server's default
	// says: Arrow strings are UTF-8, and the dialect's byte-wise tests
	// (textsend) read the client's encoding.
	cfg.RuntimeParams["client_encoding"] = "UTF8"
	if c.timeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(c.timeout.Milliseconds(), 10)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	// On a cancelled context pgx's default closes the socket and sends
	// the server a cancel request from a background goroutine, which dq
	// exiting on SIGINT may never run: the statement (a COUNT, a scan
	// with pg_sleep in where:) would outlive dq, as the server does not
	// notice a closed socket until it writes. Send the cancel request
	// before the call returns, and close the socket if the server does
	// not answer it.
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: cancelGrace}
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "dq"
	}
	// COPY streams arrive as one message per row: read the socket in
	// large chunks rather than pgproto3's 8 KiB.
	cfg.BuildFrontend = func(r io.Reader, w io.Writer) *pgproto3.Frontend {
		return pgproto3.NewFrontend(bufio.NewReaderSize(r, readBufSize), w)
	}
	attempts := max(c.Attempts, 1)
	backoff := c.MinBackoff
	var err error
	for i := 0; i < attempts; i++ {
		var pc *pgconn.PgConn
		pc, err = pgconn.ConnectConfig(ctx, cfg)
		if err == nil {
			c.mu.Lock()
			c.conns[pc] = struct{}{}
			c.mu.Unlock()
			return pc, nil
		}
		if !retryable(ctx, err) || i == attempts-1 {
			break
		}
		c.log.Warn("postgres: connect failed, retrying", "addr", c.safe,
			"attempt", i+1, "backoff", backoff, "err", scrub(err.Error(), c.password))
		select {
		case <-ctx.Done():
			return nil, c.errorf(connectors.ErrConnect, ctx.Err(), "connect")
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, c.MaxBackoff)
	}
	return nil, c.errorf(connectors.ErrConnect, err, "connect")
}

// beginRead starts the transaction the statements built from config text
// run in: READ ONLY from its start, so that nothing those statements can
// say makes it read-write (SET TRANSACTION READ WRITE is refused once a
// query has run, set_config('default_transaction_read_only') only changes
// later transactions). read_only: false runs them as the session's
// defaults say, outside any transaction dq opens.
func (c *Connector) beginRead(ctx context.Context, pc *pgconn.PgConn, what string) error {
	if !c.readOnly {
		return nil
	}
	return c.exec(ctx, pc, "BEGIN TRANSACTION READ ONLY", what)
}

// endRead rolls back what beginRead started: a read-only transaction has
// nothing to keep, and a write the server's read-only mode does not stop
// (PostgreSQL 15 lets lo_create through) is undone.
func (c *Connector) endRead(ctx context.Context, pc *pgconn.PgConn, what string) error {
	if !c.readOnly {
		return nil
	}
	return c.exec(ctx, pc, "ROLLBACK", what)
}

// exec runs a statement dq wrote, never one holding config text: the
// simple protocol it uses would run several.
func (c *Connector) exec(ctx context.Context, pc *pgconn.PgConn, sql, what string) error {
	sctx, cancel := c.statement(ctx)
	defer cancel()
	if err := pc.Exec(sctx, sql).Close(); err != nil {
		return c.errorf(connectors.ErrQuery, connectors.StatementError(sctx, err), "%s: %s", what, sql)
	}
	return nil
}

// statement bounds one statement on the client (see
// connectors.ClientDeadline).
func (c *Connector) statement(ctx context.Context) (context.Context, context.CancelFunc) {
	return connectors.StatementContext(ctx, c.timeout)
}

// release closes a session opened by connect.
func (c *Connector) release(pc *pgconn.PgConn) {
	c.mu.Lock()
	delete(c.conns, pc)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = pc.Close(ctx)
}
