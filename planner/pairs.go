package planner

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

// A pair is the join of this dataset with another one on one column
// pair. Every cross-registry comparison of the plan between the same two
// datasets on the same columns (references and agrees, say) is one
// aggregate over one pass of one LEFT JOIN: each row-level expression (a
// normalised name, "disagrees") computed once per row in a projection,
// as the fused scan's shared predicates are, and the failing examples
// collected in the same pass (the first ones in the dataset's order).
//
// The other side must give one row per key. When its key is unique, as a
// registry's key should be, it is joined as it is, with no GROUP BY; when
// a key repeats there, it is grouped by key (MIN of each column, what the
// kinds did before). Which one is learnt from the data, not from the key
// a config declares (declaring it does not make it so): COUNT(k) =
// COUNT(DISTINCT k) over the other dataset, once per dataset and column
// in a run (UniqueKeys), before the join. Its hash set holds the keys
// only and is gone before the join builds its own, so the peak is the
// join's; and a join is never run over a repeated key, which would
// multiply rows (a placeholder repeated a million times on both sides,
// a trillion).
type pair struct {
	other  *checks.Relation
	key    string        // this side's join key: NULL where missing
	theirs checks.Column // the other side's join column
	cols   []checks.Column
	colIdx map[string]int
	rows   []string
	rowIdx map[string]int
	aggs   []string // pairs.metrics maps a JoinMetric to one
	aggIdx map[string]int
	exs    []*pairExamples
}

// pairExamples is one check's failing examples in a pair's pass.
type pairExamples struct {
	pc   *planned
	pred string // a row column
	list string // the example's values as a list
	eq   checks.ExampleQuery
}

// pairs are the plan's joins; the zero value is ready.
type pairs struct {
	list    []*pair
	idx     map[string]*pair
	metrics []pairMetric // by checks.JoinMetric
	// unique is what the plan learnt of the other sides' keys when the
	// run shares nothing (Dataset.UniqueKeys nil).
	unique UniqueKeys
}

// UniqueKeys remembers whether the non-NULL values of a dataset's
// column are unique, by dataset and column, so that a run measures each
// once however many datasets join it. The datasets do not change once
// loaded, so the answer holds for the run. Safe for concurrent use; the
// zero value is ready.
type UniqueKeys struct {
	mu sync.Mutex
	m  map[[2]string]bool
}

func (u *UniqueKeys) get(dataset, column string) (unique, known bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	unique, known = u.m[[2]string{dataset, column}]
	return unique, known
}

func (u *UniqueKeys) set(dataset, column string, unique bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m == nil {
		u.m = map[[2]string]bool{}
	}
	u.m[[2]string{dataset, column}] = unique
}

type pairMetric struct{ pair, agg int }

// joinRef is a check's use of a pair.
type joinRef struct {
	pairs    []int
	examples *pairExamples
}

// Join implements checks.Scope: the pair of other on mine = theirs,
// shared by every check of the plan that asks for the same one.
func (s *scope) Join(other *checks.Relation, mine, theirs checks.Column) (checks.Join, error) {
	if _, ok := s.p.ds.Dialect.(dialect.DuckDB); !ok {
		// The examples (arg_min over rowid) are DuckDB's; joins never run
		// in a source.
		return nil, errors.New("a join with another dataset runs in the embedded engine only")
	}
	d := s.p.ds.Dialect
	// A missing key matches nothing: no kind compares rows by a missing
	// key, and a placeholder repeated on both sides would otherwise
	// match every copy with every copy.
	key := fmt.Sprintf("CASE WHEN %s THEN NULL ELSE %s END", s.Missing(mine), d.Text(mine.SQL))
	ps := &s.p.joins
	id := other.ID + "\x00" + theirs.Name + "\x00" + key
	pr, ok := ps.idx[id]
	if !ok {
		if ps.idx == nil {
			ps.idx = map[string]*pair{}
		}
		pr = &pair{other: other, key: key, theirs: theirs, colIdx: map[string]int{}, rowIdx: map[string]int{}, aggIdx: map[string]int{}}
		ps.idx[id] = pr
		ps.list = append(ps.list, pr)
	}
	n := 0
	for n < len(ps.list) && ps.list[n] != pr {
		n++
	}
	s.pc.join.pairs = append(s.pc.join.pairs, n)
	return &joinScope{s: s, pr: pr, n: n}, nil
}

// joinScope is one check's view of a pair.
type joinScope struct {
	s  *scope
	pr *pair
	n  int
}

var _ checks.Join = (*joinScope)(nil)

func (j *joinScope) Found() string { return "_dq_found" }

func (j *joinScope) Column(name string) (checks.Column, error) {
	c, ok := j.pr.other.Column(name)
	if !ok {
		names := make([]string, len(j.pr.other.Columns))
		for i, c := range j.pr.other.Columns {
			names[i] = c.Name
		}
		return checks.Column{}, fmt.Errorf("column %q not found in %s (columns: %s)", name, j.pr.other.ID, strings.Join(names, ", "))
	}
	c.SQL = fmt.Sprintf("_dq._dq_o%d", intern(&j.pr.cols, j.pr.colIdx, name, c))
	return c, nil
}

func (j *joinScope) Row(expr string) string {
	if rowName.MatchString(expr) || expr == j.Found() {
		return expr // already a column of the row
	}
	return fmt.Sprintf("_dq_j%d", intern(&j.pr.rows, j.pr.rowIdx, expr, expr))
}

func (j *joinScope) Aggregate(expr string) checks.JoinMetric {
	ps := &j.s.p.joins
	i := intern(&j.pr.aggs, j.pr.aggIdx, expr, expr)
	for m, pm := range ps.metrics {
		if pm == (pairMetric{j.n, i}) {
			return checks.JoinMetric(m)
		}
	}
	ps.metrics = append(ps.metrics, pairMetric{j.n, i})
	return checks.JoinMetric(len(ps.metrics) - 1)
}

func (j *joinScope) Examples(pred string, sel []string, e checks.ExampleQuery) {
	ex := &pairExamples{pc: j.s.pc, pred: j.Row(pred), list: "list_value(" + strings.Join(sel, ", ") + ")", eq: e}
	j.pr.exs = append(j.pr.exs, ex)
	j.s.pc.join.examples = ex
}

// pairSQL is a pair's one query: its aggregates, then the examples of
// each check whose limit (limits, by check) is above zero.
func (p *Plan) pairSQL(pr *pair, grouped bool, limits func(*planned) int) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	var out []string
	for i, a := range pr.aggs {
		out = append(out, fmt.Sprintf("%s AS _dq_a%d", a, i))
	}
	for i, ex := range pr.exs {
		if n := limits(ex.pc); n > 0 {
			out = append(out, fmt.Sprintf("arg_min(%s, _dq._dq_row, %d) FILTER (WHERE %s) AS _dq_e%d", ex.list, n, ex.pred, i))
		}
	}
	b.WriteString(strings.Join(out, ",\n  "))
	b.WriteString("\nFROM ")
	from := p.pairFrom(pr, grouped)
	// A row expression reading another is computed a level above it:
	// DuckDB would inline an alias of the same SELECT, computing the
	// normalised names again.
	for _, level := range exprLevels(pr.rows, rowRef) {
		var sel strings.Builder
		sel.WriteString("(SELECT *")
		for _, i := range level {
			fmt.Fprintf(&sel, ",\n    %s AS _dq_j%d", pr.rows[i], i)
		}
		fmt.Fprintf(&sel, "\n  FROM %s AS _dq)", from)
		from = sel.String()
	}
	fmt.Fprintf(&b, "%s AS _dq", from)
	// rowid: the examples are the first failing rows in table order, as
	// a scan without ORDER BY lists them on one thread.
	return p.with(b.String(), "rowid AS _dq_row")
}

var (
	rowRef  = regexp.MustCompile(`\b_dq_j(\d+)\b`)
	rowName = regexp.MustCompile(`^_dq_j\d+$`)
)

// pairFrom is this dataset's rows, each with _dq_found and the other
// side's columns (_dq_o<i>) of its match; grouped when the other side's
// key repeats.
func (p *Plan) pairFrom(pr *pair, grouped bool) string {
	d := p.ds.Dialect
	theirs := "o." + pr.theirs.SQL
	var sel, cols []string
	for i, c := range pr.cols {
		col := "o." + c.SQL
		if grouped {
			col = "MIN(" + col + ")"
		}
		sel = append(sel, fmt.Sprintf("%s AS _dq_o%d", col, i))
		cols = append(cols, fmt.Sprintf("r._dq_o%d", i))
	}
	other := fmt.Sprintf("SELECT %s AS _dq_k%s FROM %s AS o", d.Text(theirs), prefixAll(sel), pr.other.Table)
	if grouped {
		other += fmt.Sprintf(" WHERE %s IS NOT NULL GROUP BY 1", theirs)
	}
	// A NULL key (and this side's missing one is NULL) equals nothing.
	return fmt.Sprintf("(SELECT _dq.*, r._dq_k IS NOT NULL AS _dq_found%s FROM (SELECT *, %s AS _dq_key FROM %s) AS _dq LEFT JOIN (%s) AS r ON _dq._dq_key = r._dq_k)",
		prefixAll(cols), pr.key, relation, other)
}

// uniqueSQL asks whether the other side's non-NULL keys are unique, as
// the join compares them.
func (p *Plan) uniqueSQL(pr *pair) string {
	k := p.ds.Dialect.Text("o." + pr.theirs.SQL)
	return fmt.Sprintf("SELECT COUNT(%s) = COUNT(DISTINCT %s) FROM %s AS o", k, k, pr.other.Table)
}

// prefixAll is ", a, b" for a, b; "" for none.
func prefixAll(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ", " + strings.Join(items, ", ")
}

// runPairs runs each pair's query, grouping the other side when its key
// repeats.
func (p *Plan) runPairs(ctx context.Context, ex Executor, o Options, v *values) {
	limits := func(pc *planned) int {
		if pc.planErr != nil {
			return 0
		}
		return exampleLimit(pc, o)
	}
	v.pairErr = make([]error, len(p.joins.list))
	v.joinVals = make([]any, len(p.joins.metrics))
	v.joinRows = map[*pairExamples][][]any{}
	for i, pr := range p.joins.list {
		unique, err := p.uniqueKeys(ctx, ex, pr)
		var row []any
		if err == nil {
			row, err = ex.QueryRow(ctx, p.pairSQL(pr, !unique, limits))
		}
		if err == nil && len(row) < len(pr.aggs) {
			err = fmt.Errorf("%d values for %d aggregates", len(row), len(pr.aggs))
		}
		if v.pairErr[i] = err; err != nil {
			continue
		}
		for m, pm := range p.joins.metrics {
			if pm.pair == i {
				v.joinVals[m] = row[pm.agg]
			}
		}
		col := len(pr.aggs)
		for _, e := range pr.exs {
			if limits(e.pc) > 0 && col < len(row) {
				v.joinRows[e] = exampleRows(row[col])
				col++
			}
		}
	}
}

// uniqueKeys tells whether the other side's keys are unique, asking
// once per dataset and column in the run (in the plan without one).
func (p *Plan) uniqueKeys(ctx context.Context, ex Executor, pr *pair) (bool, error) {
	known := p.ds.UniqueKeys
	if known == nil {
		known = &p.joins.unique
	}
	if u, ok := known.get(pr.other.ID, pr.theirs.Name); ok {
		return u, nil
	}
	row, err := ex.QueryRow(ctx, p.uniqueSQL(pr))
	if err != nil {
		return false, fmt.Errorf("are the keys of %s unique: %w", pr.other.ID, err)
	}
	u, _ := row[0].(bool)
	known.set(pr.other.ID, pr.theirs.Name, u)
	return u, nil
}

// pairSQLs are the pairs' queries for --explain, with the default
// number of examples: whether a key repeats, and the join as it runs
// when it does not.
func (p *Plan) pairSQLs() []string {
	var out []string
	for _, pr := range p.joins.list {
		out = append(out, p.uniqueSQL(pr), p.pairSQL(pr, false, func(pc *planned) int {
			return exampleLimit(pc, Options{ExampleLimit: config.DefaultExampleLimit})
		}))
	}
	return out
}

// JoinInt reads a join metric.
func (v *values) JoinInt(m checks.JoinMetric) int64 { return checks.ToInt64(v.joinVals[m]) }

// joinError is the first failed join a check depends on.
func (p *Plan) joinError(pc *planned, v *values) error {
	for _, i := range pc.join.pairs {
		if err := v.pairErr[i]; err != nil {
			return fmt.Errorf("join with %s failed: %w", p.joins.list[i].other.ID, err)
		}
	}
	return nil
}

// joinExamples hands a failing check the examples its pair collected.
func joinExamples(pc *planned, v *values, oc *Outcome) {
	ex := pc.join.examples
	if ex == nil {
		return
	}
	if rows, ok := v.joinRows[ex]; ok {
		eq := ex.eq
		oc.Examples, oc.Rows = &eq, rows
	}
}

// exampleRows turns a list of lists (arg_min's) into rows.
func exampleRows(raw any) [][]any {
	list, _ := raw.([]any)
	rows := make([][]any, 0, len(list))
	for _, r := range list {
		if cells, ok := r.([]any); ok {
			rows = append(rows, cells)
		}
	}
	return rows
}
