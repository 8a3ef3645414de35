package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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
	return &session{c: c, id: ds.ID, rel: "(" + q + "\n) AS dq_rel"}, nil
}

type session struct {
	c      *Connector
	id     string
	rel    string
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
	q, err := inlineRelation(query)
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

// inlineRelation rewrites the planner's "WITH name AS (body) query",
// which 18.16 cannot parse (its WITH names expressions only), into query
// with each FROM or JOIN of name replaced by "(body) AS name"; and the
// boolean literals TRUE and FALSE, which 18.16 does not know, into 1 and
// 0, the values its comparisons yield; and the planner's positional
// GROUP BY 1 of a group query, a constant to ClickHouse, into the name of
// that first column, _dq_group.
func inlineRelation(q string) (string, error) {
	rest, ok := strings.CutPrefix(q, "WITH ")
	if !ok {
		return booleans(q), nil
	}
	sp := strings.Index(rest, " AS (")
	if sp <= 0 {
		return q, nil
	}
	name := rest[:sp]
	open := len("WITH ") + sp + len(" AS ")
	end := closing(q, open)
	if end < 0 {
		return "", errors.New("the query's WITH clause is not closed")
	}
	body := q[open : end+1]
	tail := q[end+1:]
	var b strings.Builder
	last := 0
	prev := ""
	for i := 0; i < len(tail); {
		c := tail[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := skipQuote(tail, i)
			i = j
			prev = ""
		case isWord(c):
			j := i
			for j < len(tail) && (isWord(tail[j]) || (tail[j] >= '0' && tail[j] <= '9')) {
				j++
			}
			w := tail[i:j]
			if w == name && (strings.EqualFold(prev, "FROM") || strings.EqualFold(prev, "JOIN")) && (j == len(tail) || tail[j] != '.') {
				b.WriteString(tail[last:i])
				b.WriteString(body)
				if !strings.HasPrefix(strings.ToUpper(strings.TrimLeft(tail[j:], " \t\r\n")), "AS ") {
					b.WriteString(" AS " + name)
				}
				last = j
			}
			prev = w
			i = j
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			prev = ""
			i++
		}
	}
	b.WriteString(tail[last:])
	out := booleans(strings.TrimLeft(b.String(), "\n"))
	if strings.Contains(out, " AS _dq_group") {
		out = strings.ReplaceAll(out, " GROUP BY 1", " GROUP BY _dq_group")
	}
	return out, nil
}

// booleans replaces the words TRUE and FALSE outside quotes, and not
// part of a qualified name, with 1 and 0.
func booleans(q string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuote(q, i)
		case isWord(c) || (c >= '0' && c <= '9'):
			j := i
			for j < len(q) && (isWord(q[j]) || (q[j] >= '0' && q[j] <= '9')) {
				j++
			}
			w := q[i:j]
			qualified := (i > 0 && q[i-1] == '.') || (j < len(q) && q[j] == '.')
			if !qualified && (strings.EqualFold(w, "TRUE") || strings.EqualFold(w, "FALSE")) {
				b.WriteString(q[last:i])
				if strings.EqualFold(w, "TRUE") {
					b.WriteString("1")
				} else {
					b.WriteString("0")
				}
				last = j
			}
			i = j
		default:
			i++
		}
	}
	b.WriteString(q[last:])
	return b.String()
}

func isWord(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// closing is the index of the parenthesis closing the one at q[open],
// quotes skipped, or -1.
func closing(q string, open int) int {
	depth := 0
	for i := open; i < len(q); {
		switch q[i] {
		case '\'', '"', '`':
			i = skipQuote(q, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

// skipQuote returns the index after the quote closing the one at s[i]; a
// backslash escapes, as ClickHouse reads it.
func skipQuote(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(s)
}
