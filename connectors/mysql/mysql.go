// Package mysql reads MySQL 8 and MariaDB tables into Arrow. The dataset's
// where: and sample: run inside the server; rows stream over the text
// protocol straight into Arrow builders, a bounded number of batches at a
// time.
//
// Unless the source says read_only: false, every read (an extract, a
// count, a query of an engine: source session) runs in a transaction
// that is READ ONLY from its start and is rolled back: a stored function
// that writes fails, and one that sets the session back to read-write
// changes only transactions dq never starts. Multi-statement text is
// off, so the server runs one statement per query, and SELECT … INTO is
// refused before it is sent (see sqltext). Every statement is bounded by
// the server's statement timeout and a client deadline, and a statement
// whose context ends is stopped on the server with KILL QUERY.
package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	driver "github.com/go-sql-driver/mysql"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

func init() { connectors.Register("mysql", connectors.Kind{New: newConnector}) }

// settings are a mysql source's keys besides kind: and timezone:.
type settings struct {
	DSN string `yaml:"dsn"`
	// ReadOnly runs every read in a read-only transaction (default
	// true); false lets config SQL write.
	ReadOnly *bool `yaml:"read_only"`
	// StatementTimeout bounds each statement, e.g. 5m (default
	// connectors.DefaultStatementTimeout; 0 for none).
	StatementTimeout string `yaml:"statement_timeout"`
}

// Connector is one MySQL or MariaDB source.
type Connector struct {
	name     string
	cfg      *driver.Config
	readOnly bool
	timeout  time.Duration // 0: none
	// log receives retries and warnings (unmapped types, zero dates).
	log *slog.Logger
	mem memory.Allocator

	// Attempts and Backoff bound the retries on connection failures.
	Attempts int
	Backoff  time.Duration
	// BatchRows is the number of rows per Arrow batch.
	BatchRows int

	mu      sync.Mutex
	db      *sql.DB
	mariadb *bool
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Counter   = (*Connector)(nil)
	_ connectors.Filtering = (*Connector)(nil)
	_ connectors.Dialected = (*Connector)(nil)
	_ connectors.Pushdown  = (*Connector)(nil)
)

// newConnector validates a MySQL source; it does not connect.
func newConnector(src config.Source, deps connectors.Deps) (connectors.Connector, error) {
	var s settings
	if err := src.Decode(&s); err != nil {
		return nil, connectors.Misconfigured(err)
	}
	if s.DSN == "" {
		return nil, connectors.Misconfigured(src.Errorf("dsn", "a mysql source needs dsn:, e.g. mysql://user@host:3306/db or user@tcp(host:3306)/db"))
	}
	cfg, err := parseDSN(s.DSN)
	if err != nil {
		return nil, connectors.Misconfigured(src.Errorf("dsn", "%v", err))
	}
	c := &Connector{
		name:      src.Name,
		cfg:       cfg,
		readOnly:  s.ReadOnly == nil || *s.ReadOnly,
		timeout:   connectors.DefaultStatementTimeout,
		log:       deps.Logger,
		mem:       deps.Mem,
		Attempts:  3,
		Backoff:   200 * time.Millisecond,
		BatchRows: 64 * 1024,
	}
	if s.StatementTimeout != "" {
		d, err := time.ParseDuration(s.StatementTimeout)
		if err != nil || d < 0 {
			return nil, connectors.Misconfigured(src.Errorf("statement_timeout", "want a duration such as 30s or 5m, got %q", s.StatementTimeout))
		}
		c.timeout = d
	}
	return c, nil
}

// Name is the sanitized address, user@host:port/db.
func (c *Connector) Name() string { return sanitize(c.cfg) }

// AppliesFilters: where: and sample: run in the server.
func (c *Connector) AppliesFilters() bool { return true }

// Dialect is MySQL's.
func (c *Connector) Dialect() dialect.Dialect { return dialect.MySQL{} }

// Close closes the connection pool.
func (c *Connector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.db == nil {
		return nil
	}
	err := c.db.Close()
	c.db = nil
	return err
}

func (c *Connector) pool() (*sql.DB, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.db == nil {
		conn, err := driver.NewConnector(c.cfg)
		if err != nil {
			return nil, err
		}
		c.db = sql.OpenDB(conn)
		c.db.SetMaxIdleConns(2)
		c.db.SetConnMaxIdleTime(time.Minute)
	}
	return c.db, nil
}

// session pins a connection and sets it up: read-only, the statement
// timeout and the zone +00:00 (also set by the DSN on connect, set again
// in case a query on a pooled connection changed it), bounded on the
// client as a statement is. Retried on connection failures only.
func (c *Connector) session(ctx context.Context) (*conn, error) {
	db, err := c.pool()
	if err != nil {
		return nil, c.wrap("connect", err)
	}
	var cn *conn
	err = c.retry(ctx, "connect", func() error {
		sctx, cancel := connectors.StatementContext(ctx, c.timeout)
		defer cancel()
		sc, err := db.Conn(sctx)
		if err != nil {
			return connectors.StatementError(sctx, err)
		}
		cn = &conn{Conn: sc}
		if err = c.setup(sctx, cn); err != nil {
			cn.Close()
			cn = nil
		}
		return connectors.StatementError(sctx, err)
	})
	if err != nil {
		return nil, c.wrap("connect", err)
	}
	return cn, nil
}

// setup sets the session up and learns its id. The session default
// READ ONLY backs the read-only transactions up.
func (c *Connector) setup(ctx context.Context, cn *conn) error {
	if err := cn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&cn.id); err != nil {
		return err
	}
	maria, err := c.isMariaDB(ctx, cn.Conn)
	if err != nil {
		return err
	}
	var sets []string
	if c.readOnly {
		sets = append(sets, "SET SESSION TRANSACTION READ ONLY")
	} else {
		sets = append(sets, "SET SESSION TRANSACTION READ WRITE")
	}
	switch {
	case maria:
		sets = append(sets, fmt.Sprintf("SET SESSION time_zone = '+00:00', SESSION max_statement_time = %g", c.timeout.Seconds()))
	default:
		// MySQL bounds SELECTs only, in milliseconds.
		sets = append(sets, fmt.Sprintf("SET SESSION time_zone = '+00:00', SESSION max_execution_time = %d", c.timeout.Milliseconds()))
	}
	for _, s := range sets {
		if _, err := cn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// isMariaDB tells the server apart by its version string, once.
func (c *Connector) isMariaDB(ctx context.Context, conn *sql.Conn) (bool, error) {
	c.mu.Lock()
	known := c.mariadb
	c.mu.Unlock()
	if known != nil {
		return *known, nil
	}
	var v string
	if err := conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		return false, err
	}
	m := strings.Contains(strings.ToLower(v), "mariadb")
	c.mu.Lock()
	c.mariadb = &m
	c.mu.Unlock()
	return m, nil
}

// Count is the population size N: COUNT(*) with where:, or, with
// count: estimate on a table: without where:, the catalog's TABLE_ROWS
// (InnoDB's estimate, off by up to tens of percent). It is one read.
func (c *Connector) Count(ctx context.Context, req connectors.Request) (int64, error) {
	ds := req.Dataset
	q, err := countSQL(ds)
	if err != nil {
		return 0, err
	}
	cn, err := c.session(ctx)
	if err != nil {
		return 0, err
	}
	defer cn.Close()
	var n int64
	err = c.read(ctx, cn, "dataset "+ds.ID+": count", func(ctx context.Context, tx querier) error {
		if ds.Count == "estimate" && ds.Table != "" && ds.Where == "" {
			schema, table := splitTable(ds.Table)
			var est sql.NullInt64
			err := tx.QueryRowContext(ctx,
				"SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
				schema, table).Scan(&est)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if est.Valid {
				n = est.Int64
				return nil
			}
			// A view has no statistics: count it.
		}
		return tx.QueryRowContext(ctx, q).Scan(&n)
	})
	return n, err
}

// splitTable splits db.table; schema is nil (the DSN's database) without a
// dot.
func splitTable(name string) (schema any, table string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return nil, name
}

// Extract streams the dataset's rows after where: and sample:. The
// stream is one read (see Connector.read): its transaction, its client
// deadline from the start of the SELECT, its KILL QUERY on cancel are
// handed to the reader, which ends them.
func (c *Connector) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	ds := req.Dataset
	what := "dataset " + ds.ID + ": extract"
	q, cn, bits, err := c.open(ctx, ds)
	if err != nil {
		return nil, err
	}
	var full *arrow.Schema
	if req.Columns != nil {
		if q, full, err = c.project(ctx, cn, ds.ID, q, req, bits); err != nil {
			cn.Close()
			return nil, err
		}
	}
	rctx, cancel := connectors.StatementContext(ctx, c.timeout)
	var (
		rows *sql.Rows
		tx   querier
		end  func()
		stop func()
	)
	err = c.retry(rctx, what, func() error {
		if cn == nil {
			var err error
			if cn, err = c.session(rctx); err != nil {
				return err
			}
		}
		stop = c.killOnCancel(rctx, cn)
		var err error
		if tx, end, err = c.begin(rctx, cn); err == nil {
			if rows, err = tx.QueryContext(rctx, q); err != nil {
				end()
			}
		}
		if err != nil {
			stop()
			if isConnErr(err) {
				// The pinned connection is gone: the next attempt takes a new one.
				cn.Close()
				cn = nil
			}
		}
		return err
	})
	if err != nil {
		err = connectors.StatementError(rctx, err)
		cancel()
		if cn != nil {
			cn.Close()
		}
		return nil, c.wrap(what, err)
	}
	r, err := newReader(rctx, cancel, c, ds.ID, c.mem, stream{cn: cn, tx: tx, end: end, stop: stop, rows: rows}, bits)
	if r != nil {
		r.Describe(q, full, r.schema)
	}
	if err != nil {
		cancel()
		rows.Close()
		end()
		stop()
		cn.Close()
		return nil, c.wrap(what, err)
	}
	return r, nil
}

// project narrows the dataset's SELECT q to the columns req keeps: the
// server reads and sends no other. The columns are learnt from q itself
// (LIMIT 0 reads no row), so a query: dataset is narrowed too; full is
// every column as the reader would type it (nil when all are kept).
func (c *Connector) project(ctx context.Context, cn *conn, id, q string, req connectors.Request, bitOne map[string]bool) (string, *arrow.Schema, error) {
	cts, err := c.columnTypes(ctx, cn, "dataset "+id+": columns", "("+q+") AS dq_cols")
	if err != nil {
		return "", nil, err
	}
	var fields []arrow.Field
	for _, ct := range cts {
		typ, _, _ := mapType(ct, bitOne[ct.Name()])
		fields = append(fields, arrow.Field{Name: ct.Name(), Type: typ, Nullable: true})
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	keep := req.Keep(names)
	if keep == nil {
		return q, nil, nil
	}
	d := dialect.MySQL{}
	sel := make([]string, len(keep))
	for i, n := range keep {
		sel[i] = "dq_s." + d.Ident(n)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (" + q + ") AS dq_s", arrow.NewSchema(fields, nil), nil
}

// columnTypes are the columns of from (a FROM item) as the server types
// them, learnt from a SELECT that reads no row.
func (c *Connector) columnTypes(ctx context.Context, cn *conn, what, from string) ([]*sql.ColumnType, error) {
	var cts []*sql.ColumnType
	err := c.read(ctx, cn, what, func(ctx context.Context, tx querier) error {
		rows, err := tx.QueryContext(ctx, "SELECT * FROM "+from+" LIMIT 0")
		if err != nil {
			return err
		}
		defer rows.Close()
		if cts, err = rows.ColumnTypes(); err != nil {
			return err
		}
		return rows.Close()
	})
	return cts, err
}

// selectSQL is the dataset's SELECT (after where: and sample:); a rows
// sample with a key first counts the population so the server can
// prefilter.
func (c *Connector) selectSQL(ctx context.Context, ds *config.Dataset) (string, error) {
	var total int64 = -1
	if ds.Sample != nil && ds.Sample.Method == "rows" && ds.Key != "" {
		n, err := c.Count(ctx, connectors.Request{Dataset: &config.Dataset{ID: ds.ID, Table: ds.Table, Query: ds.Query, Where: ds.Where}})
		if err != nil {
			return "", err
		}
		total = n
	}
	return selectSQL(ds, total)
}

// bitOneColumns lists the BIT(1) columns of a table: dataset, which are
// booleans; the driver does not report a BIT's width, so other BIT
// columns, and those of a query:, are unsigned integers.
func (c *Connector) bitOneColumns(ctx context.Context, cn *conn, ds *config.Dataset) (map[string]bool, error) {
	if ds.Table == "" {
		return nil, nil
	}
	schema, table := splitTable(ds.Table)
	out := map[string]bool{}
	err := c.read(ctx, cn, "dataset "+ds.ID+": columns", func(ctx context.Context, tx querier) error {
		rows, err := tx.QueryContext(ctx,
			"SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_TYPE = 'bit(1)'",
			schema, table)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			out[n] = true
		}
		return rows.Err()
	})
	return out, err
}

// open builds the dataset's SELECT and opens a session for it, with the
// BIT(1) columns that read as booleans: what Extract and Session share.
func (c *Connector) open(ctx context.Context, ds *config.Dataset) (string, *conn, map[string]bool, error) {
	q, err := c.selectSQL(ctx, ds)
	if err != nil {
		return "", nil, nil, err
	}
	cn, err := c.session(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	bits, err := c.bitOneColumns(ctx, cn, ds)
	if err != nil {
		cn.Close()
		return "", nil, nil, err
	}
	return q, cn, bits, nil
}
