package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sampling"
)

// scope is one check's view of the plan.
type scope struct {
	p  *Plan
	pc *planned
}

var _ checks.Scope = (*scope)(nil)

func (s *scope) Dialect() dialect.Dialect { return s.p.ds.Dialect }
func (s *scope) Table() string            { return relation }
func (s *scope) Columns() []checks.Column { return s.p.ds.Columns }
func (s *scope) Now() time.Time           { return s.p.ds.Now }

func (s *scope) Column(name string) (checks.Column, error) {
	for _, c := range s.p.ds.Columns {
		if c.Name == name {
			return c, nil
		}
	}
	names := make([]string, len(s.p.ds.Columns))
	for i, c := range s.p.ds.Columns {
		names[i] = c.Name
	}
	return checks.Column{}, fmt.Errorf("column %q not found in the dataset (columns: %s)", name, strings.Join(names, ", "))
}

func (s *scope) Key() (checks.Column, bool) {
	if s.p.ds.Key == "" {
		return checks.Column{}, false
	}
	c, err := s.Column(s.p.ds.Key)
	return c, err == nil
}

func (s *scope) Missing(c checks.Column) string {
	var tokens []string
	if s.p.ds.Tokens != nil {
		tokens = s.p.ds.Tokens(s.pc.built.Spec)
	}
	pred := dialect.Missing(s.p.ds.Dialect, c.SQL, c.Family, tokens)
	if c.Family != dialect.Text {
		return pred // IS NULL costs nothing; not worth a column
	}
	return s.Shared(pred)
}

func (s *scope) Shared(expr string) string {
	return fmt.Sprintf("_dq_p%d", intern(&s.p.preds, s.p.predIdx, expr, expr))
}

func (s *scope) Aggregate(expr string) checks.Metric {
	m := s.p.aggregate(expr)
	s.pc.aggs = append(s.pc.aggs, m)
	return m
}

func (s *scope) Query(sql string) checks.Query {
	for i, q := range s.p.queries {
		if q == sql {
			s.pc.queries = append(s.pc.queries, checks.Query(i))
			return checks.Query(i)
		}
	}
	s.p.queries = append(s.p.queries, sql)
	q := checks.Query(len(s.p.queries) - 1)
	s.pc.queries = append(s.pc.queries, q)
	return q
}

func (s *scope) List(sql string, limit int) checks.List {
	s.p.lists = append(s.p.lists, list{sql: sql, limit: limit})
	l := checks.List(len(s.p.lists) - 1)
	s.pc.lists = append(s.pc.lists, l)
	return l
}

func (s *scope) Examples(e checks.ExampleQuery) { s.pc.examples = &e }

func (s *scope) RankedExamples(e checks.ExampleQuery, totals int) checks.List {
	s.p.lists = append(s.p.lists, list{sql: e.SQL, ranked: s.pc, totals: totals})
	l := checks.List(len(s.p.lists) - 1)
	s.pc.lists = append(s.pc.lists, l)
	s.pc.examples, s.pc.ranked = &e, l
	return l
}

func (s *scope) Sample() sampling.Design { return s.p.ds.Sample }

func (s *scope) Other(id string) (*checks.Relation, error) {
	o, ok := s.p.ds.Others[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("dataset %q is not part of this run", id)
	case o.Err != nil:
		return nil, fmt.Errorf("dataset %s could not be read: %v", id, o.Err)
	}
	return o.Relation, nil
}

func (s *scope) Reference(name string) (*checks.Relation, error) {
	r, ok := s.p.ds.References[name]
	if err := s.p.ds.ReferenceErrs[name]; err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("reference list %q is not loaded", name)
	}
	return r, nil
}

func (s *scope) MissingIn(r *checks.Relation, c checks.Column) string {
	var tokens []string
	if s.p.ds.Tokens != nil {
		tokens = s.p.ds.Tokens(s.pc.built.Spec)
	}
	return dialect.Missing(s.p.ds.Dialect, c.SQL, c.Family, tokens)
}

func (s *scope) History() ([]float64, error) {
	if s.p.ds.History == nil {
		return nil, nil
	}
	return s.p.ds.History(s.pc.built.Spec.ID)
}

func (s *scope) Tally(r checks.TallyRequest) (checks.Tally, error) {
	t, ok := s.p.ds.Tallies[r]
	switch {
	case !ok:
		return checks.Tally{}, fmt.Errorf("the rows of %s were not counted", r.Dataset)
	case t.Err != nil:
		return checks.Tally{}, fmt.Errorf("counting the rows of %s: %v", r.Dataset, t.Err)
	}
	return t.Tally, nil
}

func (s *scope) HistoryDetails() ([]map[string]any, error) {
	if s.p.ds.HistoryDetails == nil {
		return nil, nil
	}
	return s.p.ds.HistoryDetails(s.pc.built.Spec.ID)
}

func (s *scope) LoadTime() (time.Duration, bool) { return s.p.ds.LoadTime, s.p.ds.LoadTime > 0 }
