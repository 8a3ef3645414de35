package planner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/dialect"
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
	rows, truncated, err := p.groupedScan(ctx, ex, groupExpr, limit)
	if err != nil {
		return nil, false, err
	}
	return p.groupsOf(rows), truncated, nil
}

// Groups are the groups of a plan run with Options.GroupBy, as RunGroups
// gives them: at most MaxGroups, and whether there were more.
func (p *Plan) Groups() ([]Group, bool, error) {
	return p.groups, p.groupsTruncated, p.groupsErr
}

// groupedScan is the fused scan grouped by groupExpr: a row per group
// (the group's value, then every metric), at most limit groups in key
// order, and whether there were more.
func (p *Plan) groupedScan(ctx context.Context, ex Executor, groupExpr string, limit int) ([][]any, bool, error) {
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
		fmt.Fprintf(&b, ",\n  %s AS m%d", dialect.Aggregate(d, a), i)
	}
	// NULLS LAST is not MySQL's: order by "is null" first, in an outer
	// query so every engine can name the output column.
	fmt.Fprintf(&b, "\nFROM %s GROUP BY 1", relation)
	q := fmt.Sprintf("SELECT * FROM (%s) _dq_g ORDER BY (_dq_group IS NULL), _dq_group LIMIT %d", b.String(), limit+1)
	rows, err := ex.QueryRows(ctx, p.with(q))
	if err != nil {
		return nil, false, err
	}
	if len(rows) > limit {
		return rows[:limit], true, nil
	}
	return rows, false, nil
}

// groupsOf evaluates the checks of each group from its row of the
// grouped scan.
func (p *Plan) groupsOf(rows [][]any) []Group {
	readAt := p.ds.readAt()
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
		g.Rows = checks.ToInt64(row[1+int(p.count)])
		for _, pc := range p.checks {
			if pc.planErr != nil || len(pc.queries) > 0 || len(pc.lists) > 0 || len(pc.join.pairs) > 0 || pc.built.Kind.DatasetOnly {
				continue
			}
			r := &result.Check{}
			pc.built.Check.Evaluate(vals, r)
			g.Checks = append(g.Checks, &GroupCheck{Built: pc.built, Result: r})
		}
		out = append(out, g)
	}
	return out
}

// totalsFromGroups sets the dataset's metrics from the rows of every
// group: a count (COUNT(*), dialect.CountIf) is the sum of the groups'
// counts, a MIN or MAX of times or numbers the least or greatest of the
// groups' values; only the other metrics (distinct counts, percentiles,
// averages, user SQL) are computed by a scan of their own, so a dataset
// with group_by is read once, not twice, when all its metrics combine.
func (p *Plan) totalsFromGroups(ctx context.Context, ex Executor, rows [][]any, v *values) {
	var rest []int
	for i, a := range p.aggs {
		col := make([]any, len(rows))
		for j, r := range rows {
			col[j] = r[1+i]
		}
		val, ok := combine(a, col)
		if !ok {
			rest = append(rest, i)
			continue
		}
		v.aggs[i] = val
	}
	if len(rest) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for j, i := range rest {
		if j > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s AS m%d", dialect.Aggregate(p.ds.Dialect, p.aggs[i]), i)
	}
	fmt.Fprintf(&b, " FROM %s", relation)
	row, err := ex.QueryRow(ctx, p.with(b.String()))
	if err == nil && len(row) == len(rest) {
		for j, i := range rest {
			v.aggs[i] = row[j]
		}
		return
	}
	for _, i := range rest {
		row, err := ex.QueryRow(ctx, p.with(fmt.Sprintf("SELECT %s FROM %s", dialect.Aggregate(p.ds.Dialect, p.aggs[i]), relation)))
		if err != nil {
			v.aggErr[i] = err
			continue
		}
		v.aggs[i] = row[0]
	}
}

// combine is the dataset's value of aggregate expr from its values per
// group, when the aggregate decomposes: counts add up; MIN and MAX of
// times, or of numbers, are the least and greatest group's value (kept
// as the driver gave it). Text is not combined: its order is the
// engine's collation, not Go's.
func combine(expr string, groups []any) (any, bool) {
	if dialect.IsCount(expr) {
		var n int64
		for _, g := range groups {
			n += checks.ToInt64(g)
		}
		return n, true
	}
	fn, ok := outerCall(expr)
	if !ok || (fn != "MIN" && fn != "MAX") {
		return nil, false
	}
	var best any
	var bestT time.Time
	var bestF float64
	for _, g := range groups {
		if g == nil {
			continue
		}
		switch x := g.(type) {
		case time.Time:
			if _, isT := best.(time.Time); best != nil && !isT {
				return nil, false
			}
			if best == nil || (fn == "MIN" && x.Before(bestT)) || (fn == "MAX" && x.After(bestT)) {
				best, bestT = g, x
			}
		case int64, int32, int16, int8, int, float64, float32:
			f, _ := checks.ToFloat64(g)
			if _, isT := best.(time.Time); isT {
				return nil, false
			}
			if best == nil || (fn == "MIN" && f < bestF) || (fn == "MAX" && f > bestF) {
				best, bestF = g, f
			}
		default:
			return nil, false
		}
	}
	return best, true
}

// outerCall is the name of the function call that is the whole of expr
// (MAX of "MAX(x)", not of "MAX(x) - MIN(x)"), upper-cased.
func outerCall(expr string) (string, bool) {
	open := strings.IndexByte(expr, '(')
	if open <= 0 || !strings.HasSuffix(expr, ")") {
		return "", false
	}
	depth := 0
	for i := open; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(expr)-1 {
				return "", false
			}
		case '\'', '"', '`':
			// A literal or quoted name, its quote doubled inside; one
			// with a backslash (an escape in MySQL) is not read at all.
			end := i + 1
			for ; end < len(expr); end++ {
				if expr[end] == '\\' {
					return "", false
				}
				if expr[end] == c {
					if end+1 < len(expr) && expr[end+1] == c {
						end++
						continue
					}
					break
				}
			}
			i = end
		}
	}
	name := strings.ToUpper(strings.TrimSpace(expr[:open]))
	for _, r := range name {
		if (r < 'A' || r > 'Z') && r != '_' {
			return "", false
		}
	}
	return name, true
}
