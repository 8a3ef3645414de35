package connectors

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

// Relation is a database dataset's FROM item in d: its table, quoted part
// by part, or its query as a subquery aliased alias. A trailing semicolon
// is dropped, and the closing parenthesis goes on its own line so that a
// trailing -- comment cannot swallow it. kind names the source kind in
// the error of a dataset that gives neither.
func Relation(d dialect.Dialect, kind, alias string, ds *config.Dataset) (string, error) {
	switch {
	case ds.Table != "" && ds.Query != "":
		return "", Mark(ErrConfig, fmt.Errorf("dataset %s: give table: or query:, not both", ds.ID))
	case ds.Table != "":
		return dialect.QualifiedIdent(d, ds.Table), nil
	case ds.Query != "":
		q := strings.TrimRight(strings.TrimSpace(ds.Query), "; \t\r\n")
		return "(\n" + q + "\n) " + alias, nil
	}
	return "", Mark(ErrConfig, fmt.Errorf("dataset %s: a %s dataset needs table: or query:", ds.ID, kind))
}
