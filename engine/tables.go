//go:build duckdb_arrow

package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/vn-registries/dq/dialect"
)

// Selection is the rows of a relation a dataset keeps: a FROM item (a
// quoted table, read_parquet('...')), a filter, DuckDB's sample clause and
// the columns kept, each optional but From. The sample is drawn from the
// rows the filter keeps, as a database source does.
type Selection struct {
	From   string
	Where  string // a predicate, without WHERE
	Sample string // e.g. " USING SAMPLE reservoir(100 ROWS) REPEATABLE (7)"
	// Columns are the names kept, in the relation's order; nil keeps
	// every column. The filter may read the others.
	Columns []string
}

// SQL is the SELECT that yields the selection. DuckDB samples a FROM item
// before its WHERE, wherever USING SAMPLE is written, so a filtered sample
// samples a filtered subquery. The columns are picked last, so the rows
// kept are those every column would give.
func (s Selection) SQL() string {
	cols := "*"
	if s.Columns != nil {
		d := dialect.DuckDB{}
		quoted := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			quoted[i] = d.Ident(c)
		}
		cols = strings.Join(quoted, ", ")
	}
	switch {
	case s.Where == "":
		return "SELECT " + cols + " FROM " + s.From + s.Sample
	case s.Sample == "":
		return "SELECT " + cols + " FROM " + s.From + " WHERE " + s.Where
	}
	return "SELECT " + cols + " FROM (SELECT * FROM " + s.From + " WHERE " + s.Where + ")" + s.Sample
}

// CreateTable copies a selection into a table (replacing one of that
// name) and returns the statement it ran, for --explain.
func (c *Conn) CreateTable(ctx context.Context, table string, s Selection) (string, error) {
	stmt := fmt.Sprintf("CREATE OR REPLACE TABLE %s AS %s", dialect.DuckDB{}.Ident(table), s.SQL())
	return stmt, c.Exec(ctx, stmt)
}

// CreateView names a selection without reading it, so that a dataset can
// be planned (its columns described) at no cost; it returns the statement.
func (c *Conn) CreateView(ctx context.Context, view string, s Selection) (string, error) {
	stmt := fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", dialect.DuckDB{}.Ident(view), s.SQL())
	return stmt, c.Exec(ctx, stmt)
}

// Count is the number of rows of a FROM item that satisfy where ("" for
// all of them).
func (c *Conn) Count(ctx context.Context, from, where string) (int64, error) {
	q := "SELECT COUNT(*) FROM " + from
	if where != "" {
		q += " WHERE " + where
	}
	row, err := c.QueryRow(ctx, q)
	if err != nil {
		return 0, err
	}
	n, ok := row[0].(int64)
	if !ok {
		return 0, fmt.Errorf("engine: COUNT(*) returned %T", row[0])
	}
	return n, nil
}

// RenameTable gives a table another name.
func (c *Conn) RenameTable(ctx context.Context, from, to string) error {
	d := dialect.DuckDB{}
	return c.Exec(ctx, fmt.Sprintf("ALTER TABLE %s RENAME TO %s", d.Ident(from), d.Ident(to)))
}

// DropTable removes a table.
func (c *Conn) DropTable(ctx context.Context, table string) error {
	return c.Exec(ctx, "DROP TABLE "+dialect.DuckDB{}.Ident(table))
}
