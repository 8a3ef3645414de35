//go:build duckdb_arrow

// Package engine is dq's embedded DuckDB: one in-memory database per run,
// with the memory limit from the config and a private spill folder, into
// which each dataset's extract is loaded as a table. Each worker pins its
// own connection, as an Arrow connection is not safe for concurrent use.
package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/vn-registries/dq/dialect"
)

// Options tune the database.
type Options struct {
	// MemoryLimit is DuckDB's memory_limit, e.g. 4GB; "" is
	// DefaultMemoryLimit (half of RAM).
	MemoryLimit string
	Threads     int // 0 keeps DuckDB's default (all cores)
	// TempDir is where the engine makes its private spill folder (mode
	// 0700, removed on Close), for what does not fit in MemoryLimit;
	// "" is os.TempDir().
	TempDir string
	// Confine limits the files DuckDB may open, to read or to write, to
	// those under Folders and the spill folder, and then locks DuckDB's
	// configuration: no later statement (a dataset's where:, say) can
	// reach another file, load an extension, or lift the limit. Off,
	// DuckDB may open any file the process can.
	Confine bool
	Folders []string
}

// DB is the run's database.
type DB struct {
	db    *sql.DB
	spill *spillDir
}

// Open creates an in-memory database with the given limits.
func Open(ctx context.Context, o Options) (*DB, error) {
	spill, err := newSpillDir(o.TempDir)
	if err != nil {
		return nil, err
	}
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		spill.remove()
		return nil, fmt.Errorf("engine: open duckdb: %w", err)
	}
	db := sql.OpenDB(c)
	d := dialect.DuckDB{}
	var sets []string
	limit := o.MemoryLimit
	if limit == "" {
		limit = DefaultMemoryLimit()
	}
	if limit != "" {
		sets = append(sets, "SET memory_limit = "+d.String(limit))
	}
	if o.Threads > 0 {
		sets = append(sets, fmt.Sprintf("SET threads = %d", o.Threads))
	}
	sets = append(sets, "SET temp_directory = "+d.String(spill.path))
	// Nothing may be fetched at run time: fail rather than reach out.
	sets = append(sets, "SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false")
	if o.Confine {
		// Once external access is off, DuckDB refuses to turn it back on
		// or to change allowed_directories; the lock refuses every other
		// SET too (a temp_directory elsewhere, which DuckDB would allow).
		// The spill folder stays usable: temp_directory is allowed.
		folders := make([]string, len(o.Folders))
		for i, f := range o.Folders {
			folders[i] = d.String(f)
		}
		sets = append(sets, "SET allowed_directories = ["+strings.Join(folders, ", ")+"]",
			"SET enable_external_access = false", "SET lock_configuration = true")
	}
	for _, s := range sets {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			spill.remove()
			return nil, fmt.Errorf("engine: %s: %w", s, err)
		}
	}
	return &DB{db: db, spill: spill}, nil
}

// Close releases the database and removes its spill folder.
func (d *DB) Close() error {
	err := d.db.Close()
	if rerr := d.spill.remove(); err == nil && rerr != nil {
		err = fmt.Errorf("engine: remove spill folder: %w", rerr)
	}
	return err
}

// Conn pins one connection for a worker.
func (d *DB) Conn(ctx context.Context) (*Conn, error) {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: connection: %w", err)
	}
	return &Conn{c: c}, nil
}

// Conn is one pinned connection.
type Conn struct {
	c *sql.Conn
}

// Close returns the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Exec runs a statement.
func (c *Conn) Exec(ctx context.Context, query string) error {
	_, err := c.c.ExecContext(ctx, query)
	return err
}

// LoadArrow streams an Arrow record reader into a new table. Batches flow
// through DuckDB's Arrow scan as they arrive; Go holds one batch at a time.
func (c *Conn) LoadArrow(ctx context.Context, table string, r array.RecordReader) error {
	view := table + "__arrow"
	d := dialect.DuckDB{}
	return c.withArrowView(r, view, func(dc driver.Conn) error {
		ex, ok := dc.(driver.ExecerContext)
		if !ok {
			return errors.New("engine: driver connection cannot exec")
		}
		_, err := ex.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT * FROM %s", d.Ident(table), d.Ident(view)), nil)
		if err != nil {
			return err
		}
		_, err = ex.ExecContext(ctx, "DROP VIEW IF EXISTS "+d.Ident(view), nil)
		return err
	})
}

// withArrowView registers r as the view named view on the engine's own
// connection, runs fn there, and releases the stream.
func (c *Conn) withArrowView(r array.RecordReader, view string, fn func(dc driver.Conn) error) error {
	return c.c.Raw(func(raw any) error {
		dc, ok := raw.(driver.Conn)
		if !ok {
			return errors.New("engine: unexpected driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return fmt.Errorf("engine: arrow: %w", err)
		}
		release, err := ar.RegisterView(r, view)
		if err != nil {
			return fmt.Errorf("engine: register arrow stream: %w", err)
		}
		defer release()
		return fn(dc)
	})
}

// DescribeArrow lists the columns DuckDB makes of an Arrow schema when it
// loads a stream of it (LoadArrow), with their DuckDB types, reading no
// row: the columns of a source that were not extracted, for the checks
// that look at names and types only (schema).
func (c *Conn) DescribeArrow(ctx context.Context, schema *arrow.Schema) ([]Column, error) {
	empty, err := array.NewRecordReader(schema, nil)
	if err != nil {
		return nil, fmt.Errorf("engine: arrow schema: %w", err)
	}
	defer empty.Release()
	// A name of its own: workers describe at the same time.
	view := fmt.Sprintf("dq_describe_arrow_%d", describeSeq.Add(1))
	d := dialect.DuckDB{}
	var out []Column
	err = c.withArrowView(empty, view, func(dc driver.Conn) error {
		q, ok := dc.(driver.QueryerContext)
		ex, ok2 := dc.(driver.ExecerContext)
		if !ok || !ok2 {
			return errors.New("engine: driver connection cannot query")
		}
		rows, err := q.QueryContext(ctx, "DESCRIBE "+d.Ident(view), nil)
		if err != nil {
			return err
		}
		vals := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(vals); err == io.EOF {
				break
			} else if err != nil {
				rows.Close()
				return err
			}
			out = append(out, Column{Name: fmt.Sprint(vals[0]), Type: fmt.Sprint(vals[1])})
		}
		if err := rows.Close(); err != nil {
			return err
		}
		_, err = ex.ExecContext(ctx, "DROP VIEW IF EXISTS "+d.Ident(view), nil)
		return err
	})
	return out, err
}

// describeSeq numbers DescribeArrow's views.
var describeSeq atomic.Int64

// Column is a column as DESCRIBE shows it.
type Column struct {
	Name string
	Type string
}

// Describe lists a table's columns in order.
func (c *Conn) Describe(ctx context.Context, table string) ([]Column, error) {
	return c.describe(ctx, "DESCRIBE "+dialect.DuckDB{}.Ident(table))
}

// DescribeRelation describes the columns of a FROM item, such as
// read_parquet('...'), without reading its rows.
func (c *Conn) DescribeRelation(ctx context.Context, from string) ([]Column, error) {
	return c.describe(ctx, "DESCRIBE SELECT * FROM "+from)
}

func (c *Conn) describe(ctx context.Context, query string) ([]Column, error) {
	rows, err := c.c.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Column
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, Column{Name: fmt.Sprint(vals[0]), Type: fmt.Sprint(vals[1])})
	}
	return out, rows.Err()
}

// QueryRow runs a query expected to return one row and returns its values
// as the driver typed them.
func (c *Conn) QueryRow(ctx context.Context, query string) ([]any, error) {
	rows, err := c.QueryRows(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(rows) != 1 {
		return nil, fmt.Errorf("engine: expected one row, got %d", len(rows))
	}
	return rows[0], nil
}

// QueryRows runs a query and returns every row; callers bound it with
// LIMIT or aggregation: rows are never looped over to compute metrics.
func (c *Conn) QueryRows(ctx context.Context, query string) ([][]any, error) {
	rows, err := c.c.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}
