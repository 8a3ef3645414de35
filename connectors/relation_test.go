package connectors

import (
	"errors"
	"testing"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

func TestRelation(t *testing.T) {
	got, err := Relation(dialect.Postgres{}, "postgres", "q", &config.Dataset{ID: "d", Table: `reg."odd"`})
	if err != nil || got != `"reg"."""odd"""` {
		t.Fatalf("table: %q, %v", got, err)
	}
	// The closing parenthesis on its own line: a trailing comment cannot
	// swallow it; a trailing semicolon is dropped.
	got, err = Relation(dialect.MySQL{}, "mysql", "AS dq_src", &config.Dataset{ID: "d", Query: " SELECT 1 -- one;\n; "})
	if err != nil || got != "(\nSELECT 1 -- one\n) AS dq_src" {
		t.Fatalf("query: %q, %v", got, err)
	}
	_, err = Relation(dialect.MySQL{}, "mysql", "q", &config.Dataset{ID: "d", Table: "t", Query: "SELECT 1"})
	if !errors.Is(err, ErrConfig) || err.Error() != "dataset d: give table: or query:, not both" {
		t.Fatalf("both: %v", err)
	}
	_, err = Relation(dialect.ClickHouse{}, "clickhouse", "q", &config.Dataset{ID: "d"})
	if !errors.Is(err, ErrConfig) || err.Error() != "dataset d: a clickhouse dataset needs table: or query:" {
		t.Fatalf("neither: %v", err)
	}
}
