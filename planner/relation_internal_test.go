package planner

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
)

// TestRelationSQL: a shared predicate reading another is computed a
// SELECT above it where the dialect fences a SELECT, and written out in
// the one SELECT where it does not.
func TestRelationSQL(t *testing.T) {
	plan := func(d dialect.Dialect, preds ...string) *Plan {
		return &Plan{ds: Dataset{Dialect: d, Table: "t"}, preds: preds}
	}
	preds := []string{"a IS NULL", "b ~ 'x'", "NOT _dq_p1 AND _dq_p0", "_dq_p2 OR _dq_p10"}

	require.Equal(t, "SELECT * FROM t", plan(dialect.Postgres{}).relationSQL(nil))
	require.Equal(t, "SELECT *, rowid AS _dq_row FROM t", plan(dialect.DuckDB{}).relationSQL(nil, "rowid AS _dq_row"))

	require.Equal(t,
		"WITH _dq_once AS (SELECT 1) SELECT *, _dq_p2 OR _dq_p10 AS _dq_p3 FROM "+
			"(WITH _dq_once AS (SELECT 1) SELECT *, NOT _dq_p1 AND _dq_p0 AS _dq_p2 FROM "+
			"(WITH _dq_once AS (SELECT 1) SELECT *, a IS NULL AS _dq_p0, b ~ 'x' AS _dq_p1 FROM t) AS _dq_l0) AS _dq_l1",
		plan(dialect.Postgres{}, preds...).relationSQL(nil))
	require.Equal(t,
		"SELECT *, NOT _dq_p1 AND _dq_p0 AS _dq_p2 FROM (SELECT *, rowid AS _dq_row, a IS NULL AS _dq_p0, b AS _dq_p1 FROM t) AS _dq_l0",
		plan(dialect.DuckDB{}, preds[0], "b", preds[2]).relationSQL(nil, "rowid AS _dq_row"))

	// _dq_p10 is no predicate of this plan: left as written.
	require.Equal(t,
		"SELECT *, a IS NULL AS _dq_p0, b ~ 'x' AS _dq_p1, NOT (b ~ 'x') AND (a IS NULL) AS _dq_p2, "+
			"(NOT (b ~ 'x') AND (a IS NULL)) OR _dq_p10 AS _dq_p3 FROM t",
		plan(dialect.MySQL{}, preds...).relationSQL(nil))
	require.Equal(t, "SELECT *, a IS NULL AS _dq_p0 FROM t", plan(dialect.ClickHouse{}, preds[0]).relationSQL(nil))
	// A literal or a quoted name holding the text of a reference is no
	// reference.
	quoted := plan(dialect.MySQL{}, "a IS NULL", "_dq_p0 AND b = '_dq_p0' AND `_dq_p0` = 1 AND c = 'x\\'_dq_p0' AND d = 'it''s' AND _dq_p0")
	require.Equal(t,
		"SELECT *, a IS NULL AS _dq_p0, (a IS NULL) AND b = '_dq_p0' AND `_dq_p0` = 1 AND c = 'x\\'_dq_p0' AND d = 'it''s' AND (a IS NULL) AS _dq_p1 FROM t",
		quoted.relationSQL(nil))

	// A query gets the predicates it reads, and the ones those read.
	p := plan(dialect.Postgres{}, preds...)
	require.Equal(t, map[int]bool{0: true, 1: true, 2: true}, p.read("SELECT COUNT(*) FROM _dq WHERE _dq_p2"))
	// The predicates a query reads and the ones those read; the levels
	// left empty are left out.
	require.Equal(t,
		"WITH _dq_once AS (SELECT 1) SELECT *, _dq_p2 OR _dq_p10 AS _dq_p3 FROM "+
			"(WITH _dq_once AS (SELECT 1) SELECT *, NOT _dq_p1 AND _dq_p0 AS _dq_p2 FROM "+
			"(WITH _dq_once AS (SELECT 1) SELECT *, a IS NULL AS _dq_p0, b ~ 'x' AS _dq_p1 FROM t) AS _dq_l0) AS _dq_l1",
		p.relationSQL(p.read("SELECT _dq_p3 FROM _dq")))
	require.Equal(t, "WITH _dq_once AS (SELECT 1) SELECT *, b ~ 'x' AS _dq_p1 FROM t", p.relationSQL(p.read("SELECT _dq_p1 FROM _dq")))
	require.Equal(t, "WITH _dq AS (SELECT * FROM t)\nSELECT a FROM _dq", p.with("SELECT a FROM _dq"))
	require.Equal(t, "WITH _dq AS (SELECT *, rowid AS _dq_row FROM t)\nSELECT a FROM _dq", p.with("SELECT a FROM _dq", "rowid AS _dq_row"))
}
