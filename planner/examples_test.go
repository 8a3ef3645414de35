//go:build duckdb_arrow

package planner_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// A % in a check's SQL (a pattern, a value, a validator's modulo) is SQL,
// not a format verb: the failing examples of such checks are listed like
// any other's.
func TestExamplesOfChecksWithPercentInTheirSQL(t *testing.T) {
	f := newFixture(t)
	p := f.plan(`
- {id: gender_pct, kind: in_set, column: gender, values: [M, F, "50%"]}
- {id: cccd_pct, kind: regex, column: cccd, pattern: '^[0-9%]{12}$'}
- {id: cccd_like, kind: regex, column: cccd, pattern: '^%d$|^[0-9]{12}$'}
- {id: mst, kind: format, column: cccd, validator: mst}
- {id: email, kind: format, column: gender, validator: email}
`, false)
	res, _ := f.run(p, planner.Options{ExampleLimit: 5})
	for id, want := range map[string][][]any{
		"gender_pct": {{"00109901234", "X"}, {"079185000001", "f"}},
		"cccd_pct":   {{"00109901234"}, {"07918500000A"}},
		"cccd_like":  {{"00109901234"}, {"07918500000A"}},
		"mst":        {{"001099012345"}, {"001099012345"}, {"00109901234"}, {"079185000001"}, {"079185000002"}},
		"email":      {{"001099012345", "M"}, {"001099012345", "F"}, {"00109901234", "X"}, {nil, "M"}, {"079185000001", "f"}},
	} {
		oc := res[id]
		require.NotEqual(t, result.Error, oc.Result.Status, "%s: %s", id, oc.Result.Message)
		require.NoError(t, oc.ExamplesErr, id)
		require.ElementsMatch(t, want, oc.Rows, id)
	}
}

// badExamples fails every row and lists its examples with a query the
// engine refuses: a cast that cannot convert a value.
type badExamples struct {
	column string
	rows   checks.Metric
}

var _ checks.Check = (*badExamples)(nil)

func (c *badExamples) Init(spec *config.Check) error {
	c.column = spec.Column
	return nil
}

func (c *badExamples) Plan(s checks.Scope) error {
	col, err := s.Column(c.column)
	if err != nil {
		return err
	}
	c.rows = s.Aggregate("COUNT(*)")
	s.Examples(checks.ExampleQuery{SQL: fmt.Sprintf("SELECT CAST(%s AS INTEGER) FROM %s", col.SQL, s.Table()), Values: []string{c.column}})
	return nil
}

func (c *badExamples) Evaluate(v checks.Values, r *result.Check) {
	n := v.Int(c.rows)
	r.Rows, r.Evaluated, r.Failed = &n, &n, &n
	r.Status = result.Fail
}

func init() {
	checks.Register(checks.Kind{Name: "test_bad_examples", Dimension: "correct", New: func() checks.Check { return &badExamples{} }})
}

// An example query that fails is reported on its check, whose result
// stands: nothing is swallowed on the way to a scorecard.
func TestExampleQueryErrorIsReported(t *testing.T) {
	f := newFixture(t)
	res, _ := f.run(f.plan(`- {id: bad, kind: test_bad_examples, column: cccd}`, false), planner.Options{ExampleLimit: 5})
	oc := res["bad"]
	require.Equal(t, result.Fail, oc.Result.Status)
	require.Equal(t, int64(8), *oc.Result.Failed)
	require.ErrorContains(t, oc.ExamplesErr, "Could not convert string")
	require.Empty(t, oc.Rows)
}
