// Package checks holds the check kinds. A kind decodes and validates its
// own configuration, declares the SQL metrics it needs through a Scope and
// turns their values into a result; it never runs a query, owns no engine
// and knows no connector. The planner fuses the metrics of every check of a
// dataset into as few queries as possible.
package checks

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// Check is one configured check of one dataset.
type Check interface {
	// Init decodes the kind's parameters and validates them; no I/O.
	Init(spec *config.Check) error
	// Plan declares the metrics and queries the check needs. An error
	// (a missing column, a type the check cannot handle) makes the check
	// `error` while the rest of the dataset is still checked.
	Plan(s Scope) error
	// Evaluate turns metric values into a result: status, numbers and
	// message. A row-level kind sets PassRate (evaluateRate does), which
	// is what makes the result score as a pass rate; a table kind never
	// does, and scores 100 or 0.
	Evaluate(v Values, r *result.Check)
}

// Kind describes a registered check kind.
type Kind struct {
	Name string
	// Dimension is the default; the config may override it per kind or
	// per check.
	Dimension string
	// Severity is the default weight class (config.SeverityCritical...);
	// a check may set its own.
	Severity string
	// DatasetOnly kinds judge the dataset as a whole (its volume against a
	// bound for all of it, its history, its columns, its read time), so
	// they are not evaluated per group_by value.
	DatasetOnly bool
	// Columns, when set, are every column of its dataset a check of the
	// kind reads, from its config: a dataset checked only by such kinds
	// need not extract the others. nil when the kind may read any column
	// (SQL from the config, a join): its dataset reads every one. A test
	// (pipeline's TestPrunedDemoMatchesFull) runs each kind that sets it
	// on pruned and full tables and compares.
	Columns func(spec *config.Check) []string
	New     func() Check
}

// NamedColumns are a check's column: and columns:, for Kind.Columns.
func NamedColumns(spec *config.Check) []string {
	return append([]string{spec.Column}, spec.Columns...)
}

// NamedColumnsAnd is NamedColumns and the columns the given parameters
// name (format's birth_date: and gender:), for Kind.Columns.
func NamedColumnsAnd(params ...string) func(*config.Check) []string {
	return func(spec *config.Check) []string {
		out := NamedColumns(spec)
		for _, k := range params {
			if n := spec.Params[k]; n != nil {
				out = append(out, n.Value)
			}
		}
		return out
	}
}

// ColumnsOf are the columns a check reads (Kind.Columns, "" included
// where the config left one out); false when its kind may read any.
func ColumnsOf(spec *config.Check) ([]string, bool) {
	k, ok := Lookup(spec.Kind)
	if !ok || k.Columns == nil {
		return nil, false
	}
	return k.Columns(spec), true
}

var (
	regMu sync.RWMutex
	kinds = map[string]Kind{}
)

// Register adds a kind. It panics on a duplicate name: two kinds with one
// name is a programming error, not a configuration one.
func Register(k Kind) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic("checks: kind registered twice: " + k.Name)
	}
	kinds[k.Name] = k
}

// Lookup returns a registered kind.
func Lookup(name string) (Kind, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Names lists registered kinds, sorted.
func Names() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for n := range kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Built is a check ready to plan, with its spec and what the config
// leaves to defaults resolved: its dimension, severity and whether it
// counts in the scores.
type Built struct {
	Spec      *config.Check
	Kind      Kind
	Dimension string
	Severity  string
	KPI       bool
	Check     Check
}

// Build creates and initialises the check for a spec, resolving its
// dimension: the check's own, then the config's mapping for its kind, then
// the kind's default.
func Build(cfg *config.Config, spec *config.Check) (*Built, error) {
	k, ok := Lookup(spec.Kind)
	if !ok {
		return nil, &config.Error{Loc: spec.Location(), Field: spec.Field("kind"),
			Msg: fmt.Sprintf("unknown check kind %q%s (known: %v)", spec.Kind, config.DidYouMean(spec.Kind, Names()), Names())}
	}
	c := k.New()
	if err := c.Init(spec); err != nil {
		return nil, err
	}
	dim := spec.Dimension
	if dim == "" {
		dim = cfg.KindDims[spec.Kind]
	}
	// A dimension the config names (dimension:, kind_dimensions:) is
	// config's to validate; the kind's own default is checked here.
	if dim == "" {
		dim = k.Dimension
		// A criterion the config does not define (a config with its own
		// dimensions: list, written before the six) leaves the kind's
		// registered default, so such configs keep working unchanged.
		if dd, ok := c.(dimensionDefaulter); ok {
			if d := dd.DefaultDimension(cfg); d != "" && cfg.Dimension(d) != nil {
				dim = d
			}
		}
		if cfg.Dimension(dim) == nil {
			return nil, &config.Error{Loc: spec.Location(), Field: spec.Field("dimension"),
				Msg: fmt.Sprintf("kind %s belongs to dimension %q by default, which this config does not define; map it with kind_dimensions or set dimension:", spec.Kind, dim)}
		}
	}
	sev := spec.Severity
	if sev == "" {
		sev = k.Severity
	}
	if sev == "" {
		sev = config.SeverityMajor
	}
	return &Built{Spec: spec, Kind: k, Dimension: dim, Severity: sev, KPI: spec.KPI == nil || *spec.KPI, Check: c}, nil
}

// dimensionDefaulter is a check whose default dimension depends on what
// it is configured to look at (anomaly's metric, a join with a master
// registry or a shared code list); "" keeps the kind's.
type dimensionDefaulter interface {
	DefaultDimension(cfg *config.Config) string
}

// Column is a column of the dataset as the engine sees it.
type Column struct {
	Name   string
	Type   string // engine type name, e.g. VARCHAR, DATE
	Family dialect.Family
	SQL    string // quoted identifier
}

// Metric is a handle to an aggregate computed in the dataset's fused scan.
type Metric int

// Query is a handle to a separate single-row query (group-by, join).
type Query int

// List is a handle to a separate query returning a few rows.
type List int

// JoinMetric is a handle to an aggregate over the join of this dataset
// with another one (Scope.Join).
type JoinMetric int

// Scope is what a check sees while planning: the dataset's columns, the
// dialect and registration of metrics. Each check gets its own Scope, so
// its null tokens and dependencies are its own.
type Scope interface {
	Dialect() dialect.Dialect
	// Table is the quoted relation the dataset was loaded into.
	Table() string
	// Column finds a column by name, or says which exist.
	Column(name string) (Column, error)
	Columns() []Column
	// Missing is the predicate for "missing" in this check (NULL, blank,
	// null-like tokens).
	Missing(c Column) string
	// Shared computes a row-level expression once per row for every
	// metric and query of the dataset that uses it, and returns what to
	// write in its place: for an expression several metrics repeat.
	Shared(expr string) string
	// Aggregate adds an aggregate expression to the fused scan; the same
	// expression from several checks is computed once.
	Aggregate(expr string) Metric
	// Query adds a separate query returning one row.
	Query(sql string) Query
	// List adds a separate query returning at most limit rows, for what
	// a check names in its details (the most frequent stale codes and
	// their successors). Like an example query, it ends where a LIMIT
	// may follow: the planner adds it.
	List(sql string, limit int) List
	// Examples registers the query that lists failing rows, run only when
	// the check found some. It must select the key column (when keyed),
	// the value columns and, when counted, a count, in that order, and
	// end where a LIMIT may follow: the planner adds it.
	Examples(e ExampleQuery)
	// RankedExamples registers failing examples whose query also yields
	// the check's totals, so that one query (one GROUP BY of a uniqueness
	// check) gives both: its last `totals` columns are window aggregates
	// over the whole result (COUNT(*) OVER (), SUM(...) OVER ()), equal
	// in every row. The planner always runs it, ending it with LIMIT the
	// check's example limit (at least 1), and keeps its first rows as
	// the examples when the check fails; Evaluate reads it with
	// Values.List, where no row means no failing group and every total 0.
	RankedExamples(e ExampleQuery, totals int) List
	// Key is the dataset's key column, if it has one.
	Key() (Column, bool)
	// Now is the run's start, in the dataset's time zone.
	Now() time.Time
	// Sample is how this dataset was sampled.
	Sample() sampling.Design
	// Other returns another dataset of the run, loaded in the same engine.
	Other(id string) (*Relation, error)
	// Reference returns a reference list (administrative units...).
	Reference(name string) (*Relation, error)
	// MissingIn is Missing written out (never a shared column) for a
	// column of another relation, or, with r nil, for an expression that
	// reads one of this relation's columns elsewhere than in a row of it
	// (a grouped key).
	MissingIn(r *Relation, c Column) string
	// Join is this dataset's rows joined with other's on mine = theirs
	// (compared as joinKey does; a row whose mine is missing matches
	// nothing). Every check of the plan that joins the same dataset on
	// the same column pair gets the same join, run as one query, so
	// what they compare is read once (see planner/pairs.go).
	Join(other *Relation, mine, theirs Column) (Join, error)
	// History is this check's value in earlier runs, oldest first (nil
	// without a run history).
	History() ([]float64, error)
	// Tally is another dataset's row count, as a Tallied check asked
	// for it; the run counts it wherever that dataset lives.
	Tally(r TallyRequest) (Tally, error)
	// HistoryDetails are this check's details in earlier runs that
	// recorded them, oldest first (nil without a run history).
	HistoryDetails() ([]map[string]any, error)
	// LoadTime is how long this run took to read the dataset (extract
	// it, or open its source's session); ok is false when not measured.
	LoadTime() (d time.Duration, ok bool)
}

// Join is one pass over this dataset's rows, each with its match in
// another dataset (at most one: a key repeated there is read as one row,
// each column its MIN, as the other registry's own uniqueness defect).
// Expressions read this dataset's columns through alias _dq (as
// "_dq."+Column.SQL) and the other's through Column.
type Join interface {
	// Found is true on a row that has a match.
	Found() string
	// Column is a column of the other dataset as the join reads it
	// (NULL on a row without a match).
	Column(name string) (Column, error)
	// Row computes a row-level expression once per row for every
	// aggregate and example of the join that uses it, and returns what to
	// write in its place.
	Row(expr string) string
	// Aggregate adds an aggregate over the rows of the join (one per
	// row of this dataset); the same expression is computed once.
	Aggregate(expr string) JoinMetric
	// Examples registers the check's failing rows, those where pred
	// holds, collected in the same pass: the first ones in the
	// dataset's order, each the values of sel (text), laid out as an
	// example query's columns (e says which: key, values).
	Examples(pred string, sel []string, e ExampleQuery)
}

// ExampleQuery describes failing examples of a check.
type ExampleQuery struct {
	// SQL has no LIMIT: the planner appends one. It is never a format
	// string, as user text in it (a LIKE '%x' pattern, a value with %)
	// would be read as verbs.
	SQL      string
	Key      string // key column name, "" when none
	Values   []string
	HasCount bool
}

// Values are the metric values of a dataset after the queries ran.
type Values interface {
	Int(m Metric) int64
	Float(m Metric) (float64, bool)
	Time(m Metric) (time.Time, bool)
	Row(q Query) []any
	List(l List) [][]any
	JoinInt(m JoinMetric) int64
	// RowsTotal is the dataset's population size N (before sampling).
	RowsTotal() int64
	// Sampled reports whether the rows checked are a sample.
	Sampled() bool
	// ReadAt is when the values were read, in the dataset's time zone:
	// later than Scope.Now by the time the run took to get here.
	ReadAt() time.Time
}
