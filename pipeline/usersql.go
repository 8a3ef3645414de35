package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/sqltext"
)

// userSQL reads the SQL a config's checks wrote (valid_if:, sql:,
// query:, the filters of row_count_compare) as the engine that runs it
// will, at dq validate: one statement's text for that engine's lexer
// (sqltext), and, where that engine is DuckDB, parsed by DuckDB's own
// parser into the one expression or query dq puts it in, without
// running it. SQL that runs in a source (engine: source) is its server's
// to parse, at run time, in a read-only transaction.
type userSQL struct {
	// engineOf is the dialect name of the engine a dataset's checks run
	// in: "duckdb", or the source's for engine: source ("" when the
	// dataset is unknown or its source could not be opened).
	engineOf map[string]string
	parser   *engine.Parser
	err      error // opening the parser
}

// prefix and the wrappers put config SQL where a check puts it, so that
// DuckDB's parse tree shows whether it stayed there.
const (
	exprPrefix  = "SELECT ("
	exprSuffix  = ") AS _dq_x FROM _dq"
	queryPrefix = "SELECT * FROM ("
	querySuffix = ") AS _dq_f"
)

// check reads every SQL text of check b of dataset ds.
func (u *userSQL) check(ds *config.Dataset, b *checks.Built) config.Errors {
	us, ok := b.Check.(checks.UserSQL)
	if !ok {
		return nil
	}
	var errs config.Errors
	for _, t := range us.UserSQL() {
		id := ds.ID
		if t.Dataset != "" {
			id = t.Dataset
		}
		eng, known := u.engineOf[id]
		if !known || eng == "" {
			continue // an unknown dataset or source is reported elsewhere
		}
		field := fmt.Sprintf("%s: check %s.%s", ds.Field(""), b.Spec.ID, t.Key)
		if err := sqltext.Fragment(sqltext.Of(eng), t.Text); err != nil {
			errs.Add(b.Spec.Location(), field, "%v", err)
			continue
		}
		if eng != "duckdb" {
			continue
		}
		if err := u.parse(t); err != nil {
			errs.Add(b.Spec.Location(), field, "%v", err)
		}
	}
	return errs
}

// parse reads t with DuckDB's parser inside the statement dq builds
// around it, and refuses a text that changes that statement's shape: one
// that closes the parentheses it sits in to add a clause, a UNION, a
// second select item.
func (u *userSQL) parse(t checks.SQLText) error {
	if u.parser == nil && u.err == nil {
		u.parser, u.err = engine.NewParser(context.Background())
	}
	if u.err != nil {
		return fmt.Errorf("cannot be parsed: %v", u.err)
	}
	prefix, suffix := exprPrefix, exprSuffix
	if t.Shape == checks.SQLQuery {
		prefix, suffix = queryPrefix, querySuffix
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tree, err := u.parser.Parse(ctx, prefix+t.Text+suffix)
	var se *engine.SyntaxError
	switch {
	case errors.As(err, &se):
		at := ""
		if off := se.Offset - len(prefix); off >= 0 && off <= len(t.Text) {
			at = fmt.Sprintf(" (at character %d)", len([]rune(t.Text[:off]))+1)
		}
		return fmt.Errorf("DuckDB cannot parse it: %s%s", se.Message, at)
	case err != nil:
		return err
	}
	if !wrapped(tree, t.Shape) {
		what := "one SQL expression"
		if t.Shape == checks.SQLQuery {
			what = "one SELECT"
		}
		return fmt.Errorf("%w: not %s: it reaches out of the parentheses dq puts it in", sqltext.ErrNotOneRead, what)
	}
	return nil
}

// wrapped reports whether tree is the wrapper statement with the text
// still inside it: one plain SELECT with one item, from _dq (an
// expression) or from the subquery _dq_f (a query), and no clause of its
// own.
func wrapped(tree map[string]any, shape checks.SQLShape) bool {
	stmts, _ := tree["statements"].([]any)
	if len(stmts) != 1 {
		return false
	}
	stmt, _ := stmts[0].(map[string]any)
	node, _ := stmt["node"].(map[string]any)
	if node["type"] != "SELECT_NODE" {
		return false
	}
	items, _ := node["select_list"].([]any)
	from, _ := node["from_table"].(map[string]any)
	for _, clause := range []string{"where_clause", "having", "qualify", "sample"} {
		if node[clause] != nil {
			return false
		}
	}
	for _, list := range []string{"group_expressions", "group_sets", "modifiers"} {
		if l, _ := node[list].([]any); len(l) > 0 {
			return false
		}
	}
	if ctes, _ := node["cte_map"].(map[string]any); ctes != nil {
		if m, _ := ctes["map"].([]any); len(m) > 0 {
			return false
		}
	}
	if len(items) != 1 || from == nil {
		return false
	}
	item, _ := items[0].(map[string]any)
	if shape == checks.SQLQuery {
		return from["type"] == "SUBQUERY" && from["alias"] == "_dq_f" && item["class"] == "STAR"
	}
	return from["type"] == "BASE_TABLE" && from["table_name"] == "_dq" && item["alias"] == "_dq_x"
}

// close releases the parser, if one was opened.
func (u *userSQL) close() {
	if u.parser != nil {
		u.parser.Close()
	}
}
