package pipeline

import (
	"slices"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/engine"
)

// neededColumns are the columns of a dataset that its checks and the run
// read: the key, the columns its checks name, group_by, the incremental
// column and the hash sample's key, in no particular order. nil means
// every column: a check of a kind that may read any (checks.ColumnsOf), or a dataset
// another dataset's check joins with (its columns are that check's to
// pick). A name the source lacks is left for the planner to report on
// the check that names it.
//
// The list is derived from the config, not from a plan, because it is
// needed before anything is read and a plan needs the columns' types.
func neededColumns(p *Prepared, ds *config.Dataset) []string {
	if ds.Query != "" {
		// A query's columns may repeat a name (a join's two ids), which
		// selecting some of them by name would make ambiguous.
		return nil
	}
	for _, bs := range p.Checks {
		for _, b := range bs {
			if dep, ok := b.Check.(checks.Dependent); ok && slices.Contains(dep.Datasets(), ds.ID) {
				return nil
			}
		}
	}
	set := map[string]bool{}
	add := func(names ...string) {
		for _, n := range names {
			if n != "" {
				set[n] = true
			}
		}
	}
	add(ds.Key, ds.GroupBy, ds.SampleKey())
	if ds.Incremental != nil {
		add(ds.Incremental.Column)
	}
	for _, b := range p.Checks[ds.ID] {
		cols, known := checks.ColumnsOf(b.Spec)
		if !known {
			return nil
		}
		add(cols...)
	}
	if len(set) == 0 {
		// No column named (row_count alone): a table needs one column, and
		// the first of the source is as cheap as any; read them all rather
		// than guess its name.
		return nil
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// columnNames are the names of described columns.
func columnNames(cols []engine.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// keptColumns are the names of a relation's columns (in its order) that
// a dataset keeps; nil keeps them all.
func keptColumns(needed []string, names []string) []string {
	return connectors.Request{Columns: needed}.Keep(names)
}

// projected is an Arrow stream narrowed to some of its columns, for the
// sources that cannot select columns themselves (an API, a file read
// through Arrow): the others are dropped batch by batch, before DuckDB
// copies anything.
type projected struct {
	array.RecordReader
	schema *arrow.Schema
	idx    []int
	cur    arrow.RecordBatch
	refs   atomic.Int64
}

// project narrows r to the columns named in keep (its order); r is
// returned as is when keep is nil.
func project(r array.RecordReader, keep []string) array.RecordReader {
	if keep == nil {
		return r
	}
	src := r.Schema()
	p := &projected{RecordReader: r}
	p.refs.Store(1)
	var fields []arrow.Field
	for i, f := range src.Fields() {
		if slices.Contains(keep, f.Name) {
			p.idx = append(p.idx, i)
			fields = append(fields, f)
		}
	}
	md := src.Metadata()
	p.schema = arrow.NewSchema(fields, &md)
	return p
}

var _ connectors.Narrowed = (*projected)(nil)

func (p *projected) Schema() *arrow.Schema { return p.schema }

// SourceSchema is every column of the stream, kept or not.
func (p *projected) SourceSchema() *arrow.Schema { return p.RecordReader.Schema() }

func (p *projected) Next() bool {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	if !p.RecordReader.Next() {
		return false
	}
	rec := p.RecordReader.RecordBatch()
	cols := make([]arrow.Array, len(p.idx))
	for i, j := range p.idx {
		cols[i] = rec.Column(j)
	}
	// NewRecordBatch retains the columns it keeps; the source batch is
	// released by the source's next Next.
	p.cur = array.NewRecordBatch(p.schema, cols, rec.NumRows())
	return true
}

func (p *projected) RecordBatch() arrow.RecordBatch { return p.cur }

// Record is RecordBatch, for the deprecated interface method.
func (p *projected) Record() arrow.RecordBatch { return p.cur }

func (p *projected) Retain() { p.refs.Add(1) }

func (p *projected) Release() {
	if p.refs.Add(-1) != 0 {
		return
	}
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	p.RecordReader.Release()
}
