//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/vn-registries/dq/dialect"
)

// ErrSyntax is wrapped by Parse when DuckDB's parser refuses a text.
var ErrSyntax = errors.New("not valid DuckDB SQL")

// Parser reads SQL with DuckDB's own parser and never runs it:
// json_serialize_sql turns a SELECT into its syntax tree without binding
// it to a table or executing it, in a database of its own that holds
// nothing and may open no file. dq validate reads config SQL with it.
type Parser struct {
	db *sql.DB
}

// NewParser opens a parser; Close releases it.
func NewParser(ctx context.Context) (*Parser, error) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("engine: open duckdb: %w", err)
	}
	db := sql.OpenDB(c)
	for _, s := range []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false",
		"SET enable_external_access = false", "SET lock_configuration = true"} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("engine: %s: %w", s, err)
		}
	}
	return &Parser{db: db}, nil
}

// Parse returns the syntax tree of one SELECT statement as
// json_serialize_sql writes it. A text DuckDB cannot parse wraps
// ErrSyntax, with DuckDB's message and the byte offset it names (-1 when
// none).
func (p *Parser) Parse(ctx context.Context, query string) (map[string]any, error) {
	var tree any
	// A literal, not a parameter: json_serialize_sql takes a constant.
	// The text stays inside it (quotes doubled), so it is parsed, never
	// run.
	if err := p.db.QueryRowContext(ctx, "SELECT json_serialize_sql("+dialect.DuckDB{}.String(query)+")").Scan(&tree); err != nil {
		return nil, fmt.Errorf("engine: parse: %w", err)
	}
	m, ok := tree.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("engine: parse: unexpected %T from json_serialize_sql", tree)
	}
	if failed, _ := m["error"].(bool); failed {
		at := -1
		if pos, ok := m["position"].(string); ok {
			fmt.Sscan(pos, &at)
		} else if pos, ok := m["position"].(float64); ok {
			at = int(pos)
		}
		return nil, &SyntaxError{Message: fmt.Sprint(m["error_message"]), Offset: at}
	}
	return m, nil
}

// SyntaxError is DuckDB's parser refusing a text.
type SyntaxError struct {
	Message string
	// Offset is the byte of the text the parser stopped at, -1 when it
	// names none.
	Offset int
}

func (e *SyntaxError) Error() string { return e.Message }

func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// Close releases the parser's database.
func (p *Parser) Close() error { return p.db.Close() }
