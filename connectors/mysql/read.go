package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/vn-registries/dq/connectors"
)

// killTimeout bounds the KILL QUERY sent for a cancelled statement: a
// server that does not take it within this time is not answering anyway.
const killTimeout = 5 * time.Second

// erRegexp is MariaDB's regular-expression warning (PCRE's match limit).
const erRegexp = 1139

// conn is a pinned connection set up for dq (see Connector.setup), with
// the server's id of it, which KILL QUERY names.
type conn struct {
	*sql.Conn
	id int64
}

// discard closes the connection instead of returning it to the pool: a
// KILL QUERY sent for it may land after its statement ended.
func (cn *conn) discard() {
	_ = cn.Raw(func(any) error { return driver.ErrBadConn })
}

// querier is what a statement runs on: the read-only transaction, or the
// connection itself when the source says read_only: false.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// read runs fn, the statements of one read, as one statement is run: in a
// read-only transaction (see begin), bounded on the client (see
// connectors.ClientDeadline), and stopped on the server when ctx ends
// first (see killOnCancel). what names the dataset in errors.
func (c *Connector) read(ctx context.Context, cn *conn, what string, fn func(ctx context.Context, q querier) error) error {
	sctx, cancel := connectors.StatementContext(ctx, c.timeout)
	defer cancel()
	stop := c.killOnCancel(sctx, cn)
	q, end, err := c.begin(sctx, cn)
	if err == nil {
		err = fn(sctx, q)
		end()
	}
	stop()
	return c.wrap(what, connectors.StatementError(sctx, err))
}

// begin starts the transaction a read runs in. A transaction READ ONLY
// from its start stays so whatever its statements do: a stored function
// may set the session's tx_read_only, which only later transactions see.
// The transaction is rolled back, never committed, so that nothing the
// server let through is kept. read_only: false runs on the connection as
// the session's defaults say. end finishes what begin started.
func (c *Connector) begin(ctx context.Context, cn *conn) (q querier, end func(), err error) {
	if !c.readOnly {
		return cn, func() {}, nil
	}
	tx, err := cn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	// After a cancel database/sql has rolled back already.
	return tx, func() { _ = tx.Rollback() }, nil
}

// killOnCancel stops the statement running on cn when ctx ends before
// the returned stop is called. go-sql-driver only closes its socket on a
// cancelled context, and the server runs the statement on (a SLEEP, a
// long scan) until it next writes to the socket: after dq has exited.
// KILL QUERY goes through a connection of its own. stop waits for a kill
// that started, bounded by killTimeout, so that dq does not exit before
// it is sent; the connection is then discarded. Calling stop again does
// nothing.
func (c *Connector) killOnCancel(ctx context.Context, cn *conn) (stop func()) {
	done := make(chan struct{})
	stopAfter := context.AfterFunc(ctx, func() {
		defer close(done)
		c.killQuery(cn.id)
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			if stopAfter() {
				return
			}
			<-done
			cn.discard()
		})
	}
}

// killQuery sends KILL QUERY for the server thread id on a fresh
// connection: not the pool's, which Close may have ended while a reader
// is still being released.
func (c *Connector) killQuery(id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), killTimeout)
	defer cancel()
	kc, err := mysqldriver.NewConnector(c.cfg)
	if err == nil {
		db := sql.OpenDB(kc)
		_, err = db.ExecContext(ctx, fmt.Sprintf("KILL QUERY %d", id))
		db.Close()
	}
	if err != nil {
		c.log.Warn("mysql: cannot stop a cancelled statement on the server", "addr", sanitize(c.cfg),
			"thread", id, "err", c.scrub(err.Error()))
		return
	}
	c.log.Debug("mysql: cancelled statement stopped on the server", "addr", sanitize(c.cfg), "thread", id)
}

// regexFailed turns MariaDB's regular-expression warning into an error.
// A backtracking pattern that reaches PCRE's match limit is only a
// warning there, and the value counts as not matching: the answer would
// be wrong. (It costs about 0.1 s per value, so a table of them meets the
// statement timeout first.)
func regexFailed(ctx context.Context, q querier) error {
	rows, err := q.QueryContext(ctx, "SHOW WARNINGS")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			level, msg string
			code       int
		)
		if err := rows.Scan(&level, &code, &msg); err != nil {
			return err
		}
		if code == erRegexp {
			return connectors.Mark(connectors.ErrQuery, fmt.Errorf("%s (warning %d): the server counted values as not matching; simplify the pattern (nested quantifiers such as (a+)+ backtrack)", msg, code))
		}
	}
	return rows.Err()
}
