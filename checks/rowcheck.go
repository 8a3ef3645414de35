package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

// validity is what a value check kind supplies: the SQL predicate that is
// true for a valid, non-missing value of the column. The predicate may be
// NULL for a value it cannot judge (a failed cast); that counts as invalid.
type validity interface {
	valid(s Scope, col Column) (string, error)
}

// valueCheck is the shared body of the single-column validity kinds
// (regex, in_set, between, length, format): it evaluates only non-missing
// values, as a null is a completeness defect, never also a validity one,
// unless the check says nulls: fail.
type valueCheck struct {
	spec      *config.Check
	threshold rateThreshold
	kind      validity

	rows, evaluated, failed Metric
}

func (c *valueCheck) init(spec *config.Check, kind validity, params any) error {
	c.spec, c.kind = spec, kind
	if spec.Column == "" {
		return spec.Errorf("column", "a %s check needs column:", spec.Kind)
	}
	if len(spec.Columns) > 0 {
		return spec.Errorf("columns", "a %s check takes one column:, not columns:", spec.Kind)
	}
	if err := spec.Decode(params); err != nil {
		return err
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *valueCheck) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	valid, err := c.kind.valid(s, col)
	if err != nil {
		return err
	}
	missing := s.Missing(col)
	fails := fmt.Sprintf("NOT (%s) AND NOT COALESCE(%s, FALSE)", missing, valid)
	c.rows = s.Aggregate("COUNT(*)")
	if c.spec.Nulls == "fail" {
		c.evaluated = c.rows
		fails = fmt.Sprintf("(%s) OR (%s)", missing, fails)
	} else {
		c.evaluated = s.Aggregate(dialect.CountIf("NOT (" + missing + ")"))
	}
	c.failed = s.Aggregate(dialect.CountIf(fails))
	registerExamples(s, fails, col)
	return nil
}

func (c *valueCheck) Evaluate(v Values, r *result.Check) {
	evaluateRate(v.Int(c.rows), v.Int(c.evaluated), v.Int(c.failed), c.threshold, r)
}

// evaluateRate fills the row-check fields shared by every row-level kind.
// It always sets PassRate, even with nothing to evaluate: the scorecard
// scores a result by its pass rate when it has one, and as a table check
// otherwise.
func evaluateRate(rows, evaluated, failed int64, t rateThreshold, r *result.Check) {
	r.Rows, r.Evaluated, r.Failed = ptr(rows), ptr(evaluated), ptr(failed)
	r.Threshold = t.describe()
	if evaluated == 0 {
		// Nothing to judge is not a defect of this check; completeness
		// checks report the missing values.
		r.Status = result.Pass
		r.PassRate = ptr(1.0)
		r.Message = "no non-missing values to evaluate"
		return
	}
	rate := 1 - float64(failed)/float64(evaluated)
	r.PassRate = ptr(rate)
	r.Status = t.status(rate)
	if failed > 0 {
		r.Message = fmt.Sprintf("%s of %d evaluated failed", countf(failed, "row"), evaluated)
	}
}

// registerExamples lists failing rows: the key and the checked columns,
// or the key alone when no column is checked (a rule over the row).
func registerExamples(s Scope, pred string, cols ...Column) {
	if len(cols) == 0 {
		key, ok := s.Key()
		if !ok {
			return // nothing identifies a row or shows why it failed
		}
		cols = []Column{key}
	}
	d := s.Dialect()
	sel := ""
	eq := ExampleQuery{}
	// The key identifies the row, unless the checked column is the key.
	if key, ok := s.Key(); ok && !(len(cols) == 1 && cols[0].Name == key.Name) {
		sel = d.Text(key.SQL) + ", "
		eq.Key = key.Name
	}
	for i, c := range cols {
		if i > 0 {
			sel += ", "
		}
		sel += d.Text(c.SQL)
		eq.Values = append(eq.Values, c.Name)
	}
	eq.SQL = fmt.Sprintf("SELECT %s FROM %s WHERE %s", sel, s.Table(), pred)
	s.Examples(eq)
}
