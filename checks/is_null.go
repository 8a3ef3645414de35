package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "is_null", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &isNull{} }})
}

// isNull is not_null turned round: a value must be missing (NULL, blank
// or a null-like token, as not_null counts them), for a retired column
// that must stay empty (the old CMND once the CCCD replaced it). Every row
// is evaluated; a row fails when it holds a value.
type isNull struct {
	spec      *config.Check
	threshold rateThreshold
	rows      Metric
	failed    Metric
}

var _ Check = (*isNull)(nil)

func (c *isNull) Init(spec *config.Check) error {
	c.spec = spec
	if spec.Column == "" || len(spec.Columns) > 0 {
		return spec.Errorf("column", "is_null checks one column:")
	}
	if err := spec.Decode(&struct{}{}); err != nil {
		return err
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *isNull) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	present := "NOT (" + s.Missing(col) + ")"
	c.rows = s.Aggregate("COUNT(*)")
	// The same count as the evaluated count of a value check on the
	// column: computed once for both.
	c.failed = s.Aggregate(dialect.CountIf(present))
	registerExamples(s, present, col)
	return nil
}

func (c *isNull) Evaluate(v Values, r *result.Check) {
	rows := v.Int(c.rows)
	evaluateRate(rows, rows, v.Int(c.failed), c.threshold, r)
	if rows == 0 {
		r.Message = "no rows to evaluate"
	}
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d hold a value in %s, which must stay empty", countf(*r.Failed, "row"), rows, c.spec.Column)
	}
}
