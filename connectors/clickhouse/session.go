package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// Session opens a session for engine: source. ClickHouse's HTTP interface
// has no connection state to keep, so a session is the dataset's SELECT
// (after where: and sample:, exactly the rows Extract streams) as a
// subquery, and each query is one statement under the connector's
// settings (readonly, max_execution_time, a query_id to KILL).
func (c *Connector) Session(ctx context.Context, req connectors.Request) (connectors.Session, error) {
	ds := req.Dataset
	q, err := c.selectSQL(ctx, ds)
	if err != nil {
		return nil, err
	}
	if _, err := c.serverZone(ctx); err != nil {
		return nil, err
	}
	s := &session{c: c, id: ds.ID, rel: "(" + q + "\n) AS dq_rel"}
	if ds.Table != "" && (ds.Sample == nil || ds.Sample.Method != "rows") {
		// A filtered table: its queries can read it straight (see flatten).
		base, _ := from(ds)
		filter, _ := filterSQL(ds)
		s.flat = &flat{rel: s.rel, base: base, filter: filter}
	}
	return s, nil
}

type session struct {
	c      *Connector
	id     string
	rel    string
	flat   *flat // nil: queries read rel as a subquery
	closed bool
}

var _ connectors.Session = (*session)(nil)

func (s *session) Dialect() dialect.Dialect { return dialect.ClickHouse{} }

func (s *session) Relation() string { return s.rel }

// Columns are Relation's columns with the server's type names
// (Nullable(String), Int64, Date, DateTime, ...).
func (s *session) Columns(ctx context.Context) ([]connectors.SourceColumn, error) {
	if s.closed {
		return nil, s.closedErr()
	}
	r, err := s.c.query(ctx, "SELECT * FROM "+s.rel+" LIMIT 0", true)
	if err != nil {
		return nil, s.c.wrap("dataset "+s.id+": columns", err)
	}
	defer r.end()
	out := make([]connectors.SourceColumn, len(r.names))
	for i, n := range r.names {
		out[i] = connectors.SourceColumn{Name: n, Type: r.kinds[i].name}
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
		return nil, s.c.wrap(what(s.id, query), connectors.Mark(connectors.ErrQuery, errors.New("no row")))
	}
	return rows[0], nil
}

// QueryRows returns every row of query, in order: callers bound it.
func (s *session) QueryRows(ctx context.Context, query string) ([][]any, error) {
	return s.query(ctx, query, -1)
}

func (s *session) query(ctx context.Context, query string, limit int) ([][]any, error) {
	if s.closed {
		return nil, s.closedErr()
	}
	q, err := rewrite(query, s.flat)
	if err != nil {
		return nil, s.c.wrap(what(s.id, query), connectors.Mark(connectors.ErrQuery, err))
	}
	r, err := s.c.query(ctx, q, true)
	if err != nil {
		return nil, s.c.wrap(what(s.id, query), err)
	}
	defer r.end()
	var (
		out    [][]any
		fields [][]byte
	)
	for limit < 0 || len(out) < limit {
		fields, err = r.rows.next(fields)
		if err == io.EOF {
			break
		}
		if err == nil && len(fields) != len(r.kinds) {
			err = fmt.Errorf("line %d has %d fields, the header %d", r.rows.line, len(fields), len(r.kinds))
		}
		if err != nil {
			return nil, s.c.wrap(what(s.id, query), connectors.Mark(connectors.ErrQuery, connectors.StatementError(r.ctx, err)))
		}
		row := make([]any, len(fields))
		for i, f := range fields {
			if row[i], err = r.kinds[i].goValue(f); err != nil {
				return nil, s.c.wrap(what(s.id, query), connectors.Mark(connectors.ErrQuery,
					fmt.Errorf("column %s (%s): %w", r.names[i], r.kinds[i].name, err)))
			}
		}
		out = append(out, row)
	}
	return out, nil
}

func (s *session) Close() error {
	s.closed = true
	return nil
}

func (s *session) closedErr() error {
	return connectors.Mark(connectors.ErrQuery, fmt.Errorf("clickhouse source %s: dataset %s: session is closed", s.c.name, s.id))
}
