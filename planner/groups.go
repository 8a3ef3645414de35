package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/result"
)

// Group is the checks of one group (a province, a unit) of a dataset.
type Group struct {
	Value  string
	Rows   int64
	Checks []*GroupCheck
}

// GroupCheck is one check's result within a group.
type GroupCheck struct {
	Built  *checks.Built
	Result *result.Check
}

// NullGroup labels the group of rows whose group_by value is missing.
const NullGroup = "NULL"

// MaxGroups bounds how many groups a dataset reports: a group_by column
// with a value per row is a configuration mistake, not a scorecard. It
// lets a national registry be scored per commune ("to the grassroots"):
// there are 3,321 since 1 July 2025.
const MaxGroups = 4000

// RunGroups evaluates the aggregate checks per value of groupExpr with the
// same fused scan plus GROUP BY: one query, not one check per group. Checks
// that need a query of their own (uniqueness, joins, lists), that judge
// the dataset as a whole (Kind.DatasetOnly: a volume bound, an anomaly
// against the dataset's history) or failed to plan are not grouped. Groups come in key order, at most limit of them.
func (p *Plan) RunGroups(ctx context.Context, ex Executor, groupExpr string, limit int) ([]Group, bool, error) {
	if !p.checksAggregate() {
		return nil, false, nil
	}
	if limit <= 0 || limit > MaxGroups {
		limit = MaxGroups
	}
	d := p.ds.Dialect
	var b strings.Builder
	// Exact text: a group per value as DuckDB tells them apart, in the
	// bytes' order, whatever the source's collation folds (F and f are
	// two provinces' codes on MySQL too).
	fmt.Fprintf(&b, "SELECT %s AS _dq_group", d.Exact(groupExpr))
	for i, a := range p.aggs {
		fmt.Fprintf(&b, ",\n  %s AS m%d", a, i)
	}
	// NULLS LAST is not MySQL's: order by "is null" first, in an outer
	// query so every engine can name the output column.
	fmt.Fprintf(&b, "\nFROM %s GROUP BY 1", relation)
	q := fmt.Sprintf("SELECT * FROM (%s) _dq_g ORDER BY (_dq_group IS NULL), _dq_group LIMIT %d", b.String(), limit+1)
	rows, err := ex.QueryRows(ctx, p.with(q))
	if err != nil {
		return nil, false, err
	}
	readAt := p.ds.readAt()
	truncated := len(rows) > limit
	if truncated {
		rows = rows[:limit]
	}
	count, hasCount := p.aggIdx["COUNT(*)"]
	var out []Group
	for _, row := range rows {
		g := Group{Value: NullGroup}
		switch v := row[0].(type) {
		case nil:
		case []byte: // MySQL's exact text is a binary string
			g.Value = string(v)
		default:
			g.Value = fmt.Sprint(v)
		}
		vals := &values{ds: p.ds, aggs: row[1:], aggErr: make([]error, len(p.aggs)), readAt: readAt}
		vals.ds.RowsTotal = -1 // a group's own size is its COUNT(*)
		if hasCount {
			g.Rows = checks.ToInt64(row[1+count])
		}
		for _, pc := range p.checks {
			if pc.planErr != nil || len(pc.queries) > 0 || len(pc.lists) > 0 || pc.built.Kind.DatasetOnly {
				continue
			}
			r := &result.Check{}
			pc.built.Check.Evaluate(vals, r)
			g.Checks = append(g.Checks, &GroupCheck{Built: pc.built, Result: r})
		}
		out = append(out, g)
	}
	return out, truncated, nil
}
