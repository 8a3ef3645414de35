// Package planner turns every check of a dataset into the fewest queries:
// one fused aggregate scan for all aggregate metrics (shared metrics
// computed once), plus one query per group-by check and one join per pair
// of datasets compared (pairs.go). If the fused scan fails, each metric is
// re-run on its own so only the checks that depend on a failing metric are
// `error`.
package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// Executor runs SQL; engine.Conn is one.
type Executor interface {
	QueryRow(ctx context.Context, query string) ([]any, error)
	QueryRows(ctx context.Context, query string) ([][]any, error)
}

// Dataset is what the planner knows of a loaded dataset.
type Dataset struct {
	Dialect dialect.Dialect
	Table   string // quoted relation
	Columns []checks.Column
	Key     string
	Now     time.Time
	// Tokens returns the null-like tokens for a check.
	Tokens func(*config.Check) []string
	// RowsTotal is the population size N, or -1 when unknown.
	RowsTotal int64
	Sampled   bool
	Sample    sampling.Design
	// Others are the run's other datasets, by id; a dataset that could not
	// be loaded maps to its error.
	Others map[string]OtherResult
	// References are the loaded reference lists, by name.
	References    map[string]*checks.Relation
	ReferenceErrs map[string]error
	// History returns a check's value in earlier runs, oldest first.
	History func(checkID string) ([]float64, error)
	// HistoryDetails returns a check's details in earlier runs, oldest
	// first.
	HistoryDetails func(checkID string) ([]map[string]any, error)
	// LoadTime is how long the run took to read the dataset; 0 when not
	// measured.
	LoadTime time.Duration
	// Tallies are the row counts of other datasets that checks asked
	// for (checks.Tallied), by dataset id and filter.
	Tallies map[checks.TallyRequest]TallyResult
	// Clock tells when the values were read (nil: time.Now).
	Clock func() time.Time
	// UniqueKeys is what the run knows of other datasets' keys, shared by
	// its plans (nil: each plan measures its own; pairs.go).
	UniqueKeys *UniqueKeys
}

// TallyResult is another dataset's row count, or why there is none.
type TallyResult struct {
	Tally checks.Tally
	Err   error
}

// readAt is when the values were read, in the dataset's zone, and never
// before the run's start: a run given its own clock (a replay, a test)
// judges "ahead of now" by that clock.
func (ds Dataset) readAt() time.Time {
	t := time.Now()
	if ds.Clock != nil {
		t = ds.Clock()
	}
	if t.Before(ds.Now) {
		t = ds.Now
	}
	return t.In(ds.Now.Location())
}

// OtherResult is another dataset for cross-registry checks.
type OtherResult struct {
	Relation *checks.Relation
	Err      error
}

// Options change how the plan runs.
type Options struct {
	// Unfused runs one aggregate query per check, as tools without a
	// planner do: only for measuring what fusing saves.
	Unfused bool
	// ExampleLimit caps failing examples per check; <= 0 turns them off.
	ExampleLimit int
	// GroupBy is the expression of a dataset's group_by. The fused scan
	// is then run grouped by it (Groups gives the groups' results), and
	// the dataset's metrics are combined from the groups' where they can
	// be (counts, MIN, MAX), so the rows are read once.
	GroupBy string
}

// Plan is the queries for one dataset.
type Plan struct {
	ds      Dataset
	checks  []*planned
	aggs    []string
	aggIdx  map[string]int
	queries []string
	lists   []list
	// preds are predicates many metrics share (a column's "missing"),
	// computed once per row in a projection instead of once per metric:
	// the single largest saving of the fused scan.
	preds   []string
	predIdx map[string]int
	rel     *relationShape // the relation's levels, once worked out
	// joins are the joins with other datasets, one per pair (pairs.go).
	joins pairs
	// count is the fused scan's COUNT(*), which every plan has: the rows
	// read are counted there rather than by a query of their own.
	count checks.Metric
	// rows is what count found once the plan ran, or why it could not.
	rows    int64
	rowsErr error
	// groups are the groups of a run with Options.GroupBy.
	groups          []Group
	groupsTruncated bool
	groupsErr       error
}

// list is a query of a few rows: a check's details (limit > 0), or a
// check's ranked examples with its totals (ranked != nil), whose LIMIT is
// the check's example limit, known only when the plan runs.
type list struct {
	sql    string // without its LIMIT
	limit  int
	ranked *planned
	totals int // trailing columns of a ranked list that are not the example's
}

type planned struct {
	built    *checks.Built
	planErr  error
	aggs     []checks.Metric
	queries  []checks.Query
	lists    []checks.List
	examples *checks.ExampleQuery
	join     joinRef
	// ranked is the list that holds the examples (and the totals) when
	// they come with the check's own query; -1 when they have a query of
	// their own, run only if the check fails.
	ranked checks.List
}

// Outcome is one check's result with its raw failing examples, which the
// caller masks before they leave the process. Which check it is (id, kind,
// dimension, weight) is in Built.
type Outcome struct {
	Built    *checks.Built
	Result   *result.Check
	Examples *checks.ExampleQuery
	Rows     [][]any
	// ExamplesErr is why the failing examples could not be listed; the
	// check's result stands without them.
	ExamplesErr error
}

// New plans every check; a check whose Plan fails is kept and reported as
// error when the plan runs.
func New(ds Dataset, built []*checks.Built) *Plan {
	p := &Plan{ds: ds, aggIdx: map[string]int{}, predIdx: map[string]int{}}
	for _, b := range built {
		pc := &planned{built: b, ranked: -1}
		pc.planErr = b.Check.Plan(&scope{p: p, pc: pc})
		p.checks = append(p.checks, pc)
	}
	p.count = p.aggregate("COUNT(*)")
	p.rowsErr = errors.New("the plan has not run")
	return p
}

// aggregate adds expr to the fused scan once.
func (p *Plan) aggregate(expr string) checks.Metric {
	return checks.Metric(intern(&p.aggs, p.aggIdx, expr, expr))
}

// intern is the index of key's value in list, where idx indexes list by
// key: v is appended the first time key is asked for. What several checks
// ask for by the same key is then computed once.
func intern[T any](list *[]T, idx map[string]int, key string, v T) int {
	i, ok := idx[key]
	if !ok {
		i = len(*list)
		*list = append(*list, v)
		idx[key] = i
	}
	return i
}

// checksAggregate reports whether a check has a metric in the fused
// scan (beyond the plan's own count).
func (p *Plan) checksAggregate() bool {
	for _, pc := range p.checks {
		if len(pc.aggs) > 0 {
			return true
		}
	}
	return false
}

// RowsRead is how many rows the plan's run read (the sample's size for a
// sample), counted by its fused scan, or why they could not be counted.
func (p *Plan) RowsRead() (int64, error) { return p.rows, p.rowsErr }

// FusedSQL is the one aggregate scan.
func (p *Plan) FusedSQL() string {
	if len(p.aggs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("SELECT\n")
	for i, a := range p.aggs {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "  %s AS m%d", dialect.Aggregate(p.ds.Dialect, a), i)
	}
	fmt.Fprintf(&b, "\nFROM %s", relation)
	return p.with(b.String())
}

// SQL lists every query the plan runs, fused scan first (examples, which
// run only for failing checks, are not listed; ranked examples, which
// always run, are, with the default example limit).
func (p *Plan) SQL() []string {
	return p.SQLFor(Options{ExampleLimit: config.DefaultExampleLimit})
}

// SQLFor is SQL for a run with options o.
func (p *Plan) SQLFor(o Options) []string {
	var out []string
	if s := p.FusedSQL(); s != "" {
		out = append(out, s)
	}
	for _, q := range p.queries {
		out = append(out, p.with(q))
	}
	for i := range p.lists {
		out = append(out, p.with(p.listSQL(i, o)))
	}
	return append(out, p.pairSQLs()...)
}

// listSQL is list i with its LIMIT: a ranked list's is the check's
// example limit, and at least 1, as its first row carries the totals.
func (p *Plan) listSQL(i int, o Options) string {
	l := p.lists[i]
	limit := l.limit
	if l.ranked != nil {
		limit = max(1, exampleLimit(l.ranked, o))
	}
	return fmt.Sprintf("%s LIMIT %d", l.sql, limit)
}

// exampleLimit is how many failing examples a check shows: the run's
// limit, or the check's own examples: when smaller; 0 for none.
func exampleLimit(pc *planned, o Options) int {
	limit := o.ExampleLimit
	if s := pc.built.Spec; s != nil && s.Examples != nil {
		limit = min(limit, *s.Examples)
	}
	return max(0, limit)
}

// Metrics is the number of distinct aggregate metrics.
func (p *Plan) Metrics() int { return len(p.aggs) }

// PlanErrors lists checks that could not be planned, by id.
func (p *Plan) PlanErrors() map[string]error {
	out := map[string]error{}
	for _, pc := range p.checks {
		if pc.planErr != nil {
			out[pc.built.Spec.ID] = pc.planErr
		}
	}
	return out
}

// Run executes the plan and evaluates every check.
func (p *Plan) Run(ctx context.Context, ex Executor, o Options) []Outcome {
	vals := &values{ds: p.ds, aggs: make([]any, len(p.aggs)), aggErr: make([]error, len(p.aggs)),
		rows: make([][]any, len(p.queries)), rowErr: make([]error, len(p.queries)),
		lists: make([][][]any, len(p.lists)), listErr: make([]error, len(p.lists))}
	switch {
	case o.GroupBy == "" || !p.checksAggregate():
		p.runAggregates(ctx, ex, o, vals)
	case o.Unfused: // measuring what fusing saves: groups on their own
		p.runAggregates(ctx, ex, o, vals)
		rows, truncated, err := p.groupedScan(ctx, ex, o.GroupBy, MaxGroups)
		p.groups, p.groupsTruncated, p.groupsErr = p.groupsOf(rows), truncated, err
	default:
		p.runGrouped(ctx, ex, o.GroupBy, vals)
	}
	p.rows, p.rowsErr = checks.ToInt64(vals.aggs[p.count]), vals.aggErr[p.count]
	if p.rowsErr == nil && vals.ds.RowsTotal < 0 && !vals.ds.Sampled {
		vals.ds.RowsTotal = p.rows // the population is what was read
	}
	for i, q := range p.queries {
		vals.rows[i], vals.rowErr[i] = ex.QueryRow(ctx, p.with(q))
	}
	for i := range p.lists {
		vals.lists[i], vals.listErr[i] = ex.QueryRows(ctx, p.with(p.listSQL(i, o)))
	}
	p.runPairs(ctx, ex, o, vals)
	vals.readAt = p.ds.readAt()

	out := make([]Outcome, 0, len(p.checks))
	for _, pc := range p.checks {
		b := pc.built
		r := &result.Check{}
		oc := Outcome{Built: b, Result: r}
		err := pc.firstError(vals)
		if err == nil {
			err = p.joinError(pc, vals)
		}
		if err != nil {
			r.Status = result.Error
			r.Message = err.Error()
			out = append(out, oc)
			continue
		}
		b.Check.Evaluate(vals, r)
		// An estimate's pass rate (distinct values of a sample) is no
		// proportion of sampled rows: a Wilson interval would be false.
		if p.ds.Sampled && !r.Estimate && r.Interval95 == nil && r.Evaluated != nil && r.Failed != nil && *r.Evaluated > 0 {
			lo, hi := sampling.Wilson(*r.Evaluated-*r.Failed, *r.Evaluated, p.ds.RowsTotal, p.rowsSampled(vals))
			r.Interval95 = []float64{lo, hi}
		}
		if failedSomething(r) && exampleLimit(pc, o) > 0 {
			joinExamples(pc, vals, &oc)
		}
		if limit := exampleLimit(pc, o); pc.examples != nil && limit > 0 && failedSomething(r) {
			oc.Examples = pc.examples
			if pc.ranked >= 0 {
				oc.Rows = rankedRows(vals.lists[pc.ranked], limit, p.lists[pc.ranked].totals)
			} else {
				oc.Rows, oc.ExamplesErr = ex.QueryRows(ctx, p.with(pc.examples.SQL+fmt.Sprintf(" LIMIT %d", limit)))
			}
		}
		out = append(out, oc)
	}
	return out
}

// rankedRows are the first limit rows of a ranked list without the
// totals that end each row.
func rankedRows(rows [][]any, limit, totals int) [][]any {
	rows = rows[:min(limit, len(rows))]
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = r[:max(0, len(r)-totals)]
	}
	return out
}

func (p *Plan) rowsSampled(v *values) int64 { return checks.ToInt64(v.aggs[p.count]) }

func failedSomething(r *result.Check) bool {
	return r.Failed != nil && *r.Failed > 0 && r.Status != result.Pass
}

func (p *Plan) runAggregates(ctx context.Context, ex Executor, o Options, v *values) {
	if len(p.aggs) == 0 {
		return
	}
	if o.Unfused {
		p.runPerCheck(ctx, ex, v)
		return
	}
	row, err := ex.QueryRow(ctx, p.FusedSQL())
	if err == nil && len(row) == len(p.aggs) {
		copy(v.aggs, row)
		return
	}
	// One metric at a time: slower, but a failing metric no longer takes
	// the others down with it. The count first: when the rows cannot even
	// be counted (the source is gone, a statement times out), no metric
	// can be computed and none is tried.
	row, err = ex.QueryRow(ctx, p.with("SELECT COUNT(*) FROM "+relation))
	if err != nil {
		for i := range p.aggs {
			v.aggErr[i] = err
		}
		return
	}
	v.aggs[p.count] = row[0]
	for i, a := range p.aggs {
		if i == int(p.count) {
			continue
		}
		row, err := ex.QueryRow(ctx, p.with(fmt.Sprintf("SELECT %s FROM %s", dialect.Aggregate(p.ds.Dialect, a), relation)))
		if err != nil {
			v.aggErr[i] = err
			continue
		}
		v.aggs[i] = row[0]
	}
}

// runGrouped computes the metrics per group and, from them, the
// dataset's. When the groups cannot be had in full (more than MaxGroups,
// or the grouped scan failed), the dataset's metrics come from the fused
// scan as without groups.
func (p *Plan) runGrouped(ctx context.Context, ex Executor, groupExpr string, v *values) {
	rows, truncated, err := p.groupedScan(ctx, ex, groupExpr, MaxGroups)
	if err != nil {
		p.groupsErr = err
		p.runAggregates(ctx, ex, Options{}, v)
		return
	}
	p.groups, p.groupsTruncated = p.groupsOf(rows), truncated
	if truncated {
		p.runAggregates(ctx, ex, Options{}, v)
		return
	}
	p.totalsFromGroups(ctx, ex, rows, v)
}

// runPerCheck computes each check's metrics in a query of its own, and
// the rows read in one more when no check counts them.
func (p *Plan) runPerCheck(ctx context.Context, ex Executor, v *values) {
	defer func() {
		if v.aggs[p.count] == nil && v.aggErr[p.count] == nil {
			row, err := ex.QueryRow(ctx, p.with("SELECT COUNT(*) FROM "+relation))
			if v.aggErr[p.count] = err; err == nil {
				v.aggs[p.count] = row[0]
			}
		}
	}()
	for _, pc := range p.checks {
		if len(pc.aggs) == 0 {
			continue
		}
		exprs := make([]string, len(pc.aggs))
		for i, m := range pc.aggs {
			exprs[i] = dialect.Aggregate(p.ds.Dialect, p.aggs[m])
		}
		row, err := ex.QueryRow(ctx, p.with(fmt.Sprintf("SELECT %s FROM %s", strings.Join(exprs, ", "), relation)))
		for i, m := range pc.aggs {
			if err != nil {
				v.aggErr[m] = err
				continue
			}
			v.aggs[m] = row[i]
		}
	}
}

func (pc *planned) firstError(v *values) error {
	if pc.planErr != nil {
		return pc.planErr
	}
	for _, m := range pc.aggs {
		if err := v.aggErr[m]; err != nil {
			return fmt.Errorf("metric failed: %w", err)
		}
	}
	for _, q := range pc.queries {
		if err := v.rowErr[q]; err != nil {
			return fmt.Errorf("query failed: %w", err)
		}
	}
	for _, l := range pc.lists {
		if err := v.listErr[l]; err != nil {
			return fmt.Errorf("query failed: %w", err)
		}
	}
	return nil
}
