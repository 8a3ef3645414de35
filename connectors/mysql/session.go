package mysql

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sqltext"
)

// Session opens a session for engine: source: one pinned connection set
// up as for an extract (the statement timeout, time_zone '+00:00'), on
// which the dataset's check queries run, each as one read (see
// Connector.read): in its own read-only transaction unless the source
// says read_only: false, so one query's error fails that query only.
// Relation is the extract's own SELECT as a derived table, so where: and
// sample: keep exactly the rows Extract streams.
func (c *Connector) Session(ctx context.Context, req connectors.Request) (connectors.Session, error) {
	ds := req.Dataset
	q, cn, bits, err := c.open(ctx, ds)
	if err != nil {
		return nil, err
	}
	return &session{c: c, id: ds.ID, conn: cn, rel: "(" + q + "\n) AS dq_rel", bitOne: bits}, nil
}

// session is a connectors.Session on one pinned connection. It does not
// retry: a lost connection loses the session's settings, so its error is
// returned (classified connectors.ErrConnect).
type session struct {
	c      *Connector
	id     string
	conn   *conn
	rel    string
	bitOne map[string]bool // BIT(1) columns of a table: dataset, read as bool
}

var _ connectors.Session = (*session)(nil)

func (s *session) Dialect() dialect.Dialect { return dialect.MySQL{} }

func (s *session) Relation() string { return s.rel }

// Columns are Relation's columns with the driver's type names: VARCHAR,
// TEXT, INT, UNSIGNED BIGINT, DECIMAL, DOUBLE, DATE, DATETIME, TIMESTAMP,
// BIT, BLOB, ... (TINYINT(1) is TINYINT: the protocol has no width).
func (s *session) Columns(ctx context.Context) ([]connectors.SourceColumn, error) {
	if s.conn == nil {
		return nil, s.closed()
	}
	cts, err := s.c.columnTypes(ctx, s.conn, "dataset "+s.id+": columns", s.rel)
	if err != nil {
		return nil, err
	}
	out := make([]connectors.SourceColumn, len(cts))
	for i, ct := range cts {
		out[i] = connectors.SourceColumn{Name: ct.Name(), Type: ct.DatabaseTypeName()}
	}
	return out, nil
}

// QueryRow returns the first row of query; no row is an error.
func (s *session) QueryRow(ctx context.Context, query string) ([]any, error) {
	rows, err := s.query(ctx, query, 1)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, s.c.wrap(s.what(query), sql.ErrNoRows)
	}
	return rows[0], nil
}

// QueryRows returns every row of query, in order: callers bound it.
func (s *session) QueryRows(ctx context.Context, query string) ([][]any, error) {
	return s.query(ctx, query, -1)
}

// query reads up to limit rows (all when negative), converting each value
// by its result column's type as connectors.Session documents, as one
// read; a regular expression MariaDB gave up on fails it.
func (s *session) query(ctx context.Context, query string, limit int) ([][]any, error) {
	if s.conn == nil {
		return nil, s.closed()
	}
	var out [][]any
	err := s.c.read(ctx, s.conn, s.what(query), func(ctx context.Context, tx querier) error {
		var err error
		if out, err = s.rows(ctx, tx, query, limit); err != nil {
			return err
		}
		return regexFailed(ctx, tx)
	})
	return out, err
}

// rows runs query on tx and converts its rows.
func (s *session) rows(ctx context.Context, tx querier, query string, limit int) (out [][]any, err error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	convs := make([]func(sql.RawBytes) (any, error), len(cts))
	for i, ct := range cts {
		convs[i] = converter(ct.DatabaseTypeName(), s.bitOne[ct.Name()])
	}
	raw := make([]sql.RawBytes, len(cts))
	ptrs := make([]any, len(cts))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for (limit < 0 || len(out) < limit) && rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, len(cts))
		for i, b := range raw {
			if row[i], err = convs[i](b); err != nil {
				return nil, fmt.Errorf("column %s (%s): %w", cts[i].Name(), cts[i].DatabaseTypeName(), err)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Close reads off the rows QueryRow leaves; a failure there is the
	// query's too.
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// Close returns the connection to the pool; later calls do nothing.
func (s *session) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	if err == sql.ErrConnDone {
		err = nil
	}
	return s.c.wrap("dataset "+s.id+": close session", err)
}

func (s *session) closed() error {
	return connectors.Mark(connectors.ErrQuery, fmt.Errorf("mysql source %s: dataset %s: session is closed", s.c.name, s.id))
}

// what names a failed query: the dataset and the start of the SQL.
func (s *session) what(query string) string {
	return fmt.Sprintf("dataset %s: query %q", s.id, connectors.QueryPreview(sqltext.MySQL, query))
}

// converter turns a result column's text-protocol value into the Go value
// connectors.Session documents; a NULL (nil RawBytes) is always nil.
func converter(dbType string, bitOne bool) func(sql.RawBytes) (any, error) {
	nullable := func(f func(b []byte) (any, error)) func(sql.RawBytes) (any, error) {
		return func(b sql.RawBytes) (any, error) {
			if b == nil {
				return nil, nil
			}
			return f(b)
		}
	}
	switch dbType {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "YEAR",
		"UNSIGNED TINYINT", "UNSIGNED SMALLINT", "UNSIGNED MEDIUMINT", "UNSIGNED INT":
		return nullable(func(b []byte) (any, error) { return strconv.ParseInt(string(b), 10, 64) })
	case "UNSIGNED BIGINT":
		return nullable(func(b []byte) (any, error) { return unsigned(string(b)) })
	case "FLOAT", "DOUBLE":
		return nullable(func(b []byte) (any, error) { return strconv.ParseFloat(string(b), 64) })
	case "DECIMAL", "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET", "JSON", "TIME":
		// TIME is a duration up to 838:59:59, not a time of day: text.
		return nullable(func(b []byte) (any, error) { return string(b), nil })
	case "BIT":
		// Big-endian bytes. A table's BIT(1) is a boolean as in Extract;
		// the driver does not report other widths, so other BITs are
		// numbers.
		return nullable(func(b []byte) (any, error) {
			v, err := bitValue(b)
			if err != nil || bitOne {
				return v != 0, err
			}
			return unsigned(strconv.FormatUint(v, 10))
		})
	case "DATE":
		return nullable(func(b []byte) (any, error) {
			y, m, d, zero, err := parseDate(b)
			if err != nil || zero {
				return nil, err
			}
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
		})
	case "DATETIME", "TIMESTAMP":
		// DATETIME's wall clock is read as UTC; TIMESTAMP is printed in
		// the session zone, +00:00, so the same reading is its instant.
		return nullable(func(b []byte) (any, error) {
			us, zero, err := parseDateTime(b)
			if err != nil || zero {
				return nil, err
			}
			return time.UnixMicro(us).UTC(), nil
		})
	}
	// BINARY, VARBINARY, the BLOBs, and types without a Go mapping
	// (GEOMETRY, VECTOR): the bytes, copied off the driver's buffer.
	return nullable(func(b []byte) (any, error) { return bytes.Clone(b), nil })
}

// unsigned is an unsigned integer as int64, or as its text beyond int64.
func unsigned(s string) (any, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return nil, err
	}
	if v > math.MaxInt64 {
		return s, nil
	}
	return int64(v), nil
}
