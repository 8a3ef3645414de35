package checks

import "github.com/vn-registries/dq/sampling"

// Relation is another dataset, or a reference list shipped with dq, as a
// cross-registry check sees it: loaded in the same engine, joinable.
type Relation struct {
	ID      string
	Table   string // quoted
	Columns []Column
	// Key is the dataset's key (a reference list's code column).
	Key    string
	Sample sampling.Design
	// RowsTotal is the population size N, -1 when unknown.
	RowsTotal int64
	// Master is true for a dataset marked master: true (a master
	// registry such as the national population database).
	Master bool
	// Retired are the codes a reference list no longer holds, with the
	// codes that replaced them; nil when it declares none.
	Retired *Retired
}

// Retired maps the codes a reference list no longer holds to their
// successors: Relation's Key is the retired code, Successor the column of
// the code that replaced it, a row per successor of a code split several
// ways.
type Retired struct {
	Relation  *Relation
	Successor string
}

// Column finds a column of the relation.
func (r *Relation) Column(name string) (Column, bool) {
	for _, c := range r.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Dependent is implemented by checks that read other datasets or
// reference lists, so the pipeline loads those first.
type Dependent interface {
	Datasets() []string
	References() []string
}

// SourceJoiner is implemented by Dependent checks whose join is plain SQL
// a source can run itself: with JoinsInSource true, both datasets may
// stay in one ClickHouse source (engine: source), which joins them
// there (references to a dataset, coverage). Others join in the embedded
// engine: agrees and status_sync compare values with DuckDB's functions.
type SourceJoiner interface {
	Dependent
	JoinsInSource() bool
}

// Tallied is implemented by checks that compare this dataset with the
// row count of another one (row_count_compare). Counting needs no join,
// so either dataset may stay in its source (engine: source): the run
// counts the other one where it lives, before planning.
type Tallied interface {
	Dependent
	Tallies() []TallyRequest
}

// TallyRequest asks for the rows of Dataset that match Where (all rows
// when empty), a filter in that dataset's SQL dialect.
type TallyRequest struct {
	Dataset, Where string
}

// Tally is another dataset's row count as read: Matching of Read rows
// match the filter; Total is its population size N (-1 when unknown),
// larger than Read when it was sampled.
type Tally struct {
	Matching, Read, Total int64
	Sample                sampling.Design
}
