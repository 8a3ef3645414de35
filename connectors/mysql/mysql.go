// Package mysql reads MySQL 8 and MariaDB tables into Arrow. The dataset's
// where: and sample: run inside the server; rows stream over the text
// protocol straight into Arrow builders, a bounded number of batches at a
// time.
package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

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
	// ReadOnly asks for a read-only session (default true).
	ReadOnly *bool `yaml:"read_only"`
	// StatementTimeout bounds each statement, e.g. 5m.
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
// in case a query on a pooled connection changed it). Retried on
// connection failures only.
func (c *Connector) session(ctx context.Context) (*sql.Conn, error) {
	db, err := c.pool()
	if err != nil {
		return nil, c.wrap("connect", err)
	}
	var conn *sql.Conn
	err = c.retry(ctx, "connect", func() error {
		var err error
		if conn, err = db.Conn(ctx); err != nil {
			return err
		}
		if err = c.setup(ctx, conn); err != nil {
			conn.Close()
			conn = nil
		}
		return err
	})
	if err != nil {
		return nil, c.wrap("connect", err)
	}
	return conn, nil
}

func (c *Connector) setup(ctx context.Context, conn *sql.Conn) error {
	maria, err := c.isMariaDB(ctx, conn)
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
		if _, err := conn.ExecContext(ctx, s); err != nil {
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
// (InnoDB's estimate, off by up to tens of percent).
func (c *Connector) Count(ctx context.Context, req connectors.Request) (int64, error) {
	ds := req.Dataset
	conn, err := c.session(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if ds.Count == "estimate" && ds.Table != "" && ds.Where == "" {
		schema, table := splitTable(ds.Table)
		var n sql.NullInt64
		err := conn.QueryRowContext(ctx,
			"SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
			schema, table).Scan(&n)
		if err != nil && err != sql.ErrNoRows {
			return 0, c.wrap("dataset "+ds.ID+": estimate rows", err)
		}
		if n.Valid {
			return n.Int64, nil
		}
		// A view has no statistics: count it.
	}
	q, err := countSQL(ds)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, c.wrap("dataset "+ds.ID+": count", err)
	}
	return n, nil
}

// splitTable splits db.table; schema is nil (the DSN's database) without a
// dot.
func splitTable(name string) (schema any, table string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return nil, name
}

// Extract streams the dataset's rows after where: and sample:.
func (c *Connector) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	ds := req.Dataset
	q, conn, bits, err := c.open(ctx, ds)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	var rows *sql.Rows
	err = c.retry(rctx, "dataset "+ds.ID+": extract", func() error {
		if conn == nil {
			var err error
			if conn, err = c.session(rctx); err != nil {
				return err
			}
		}
		var err error
		rows, err = conn.QueryContext(rctx, q)
		if err != nil && isConnErr(err) {
			// The pinned connection is gone: the next attempt takes a new one.
			conn.Close()
			conn = nil
		}
		return err
	})
	if err != nil {
		cancel()
		if conn != nil {
			conn.Close()
		}
		return nil, c.wrap("dataset "+ds.ID+": extract", err)
	}
	r, err := newReader(rctx, cancel, c, ds.ID, c.mem, conn, rows, bits)
	if err != nil {
		cancel()
		rows.Close()
		conn.Close()
		return nil, c.wrap("dataset "+ds.ID+": extract", err)
	}
	return r, nil
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
func (c *Connector) bitOneColumns(ctx context.Context, conn *sql.Conn, ds *config.Dataset) (map[string]bool, error) {
	if ds.Table == "" {
		return nil, nil
	}
	schema, table := splitTable(ds.Table)
	rows, err := conn.QueryContext(ctx,
		"SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_TYPE = 'bit(1)'",
		schema, table)
	if err != nil {
		return nil, c.wrap("dataset "+ds.ID+": columns", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, c.wrap("dataset "+ds.ID+": columns", err)
		}
		out[n] = true
	}
	return out, c.wrap("dataset "+ds.ID+": columns", rows.Err())
}

// open builds the dataset's SELECT and opens a session for it, with the
// BIT(1) columns that read as booleans: what Extract and Session share.
func (c *Connector) open(ctx context.Context, ds *config.Dataset) (string, *sql.Conn, map[string]bool, error) {
	q, err := c.selectSQL(ctx, ds)
	if err != nil {
		return "", nil, nil, err
	}
	conn, err := c.session(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	bits, err := c.bitOneColumns(ctx, conn, ds)
	if err != nil {
		conn.Close()
		return "", nil, nil, err
	}
	return q, conn, bits, nil
}
