package checks

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "not_null", Dimension: "sufficient", Severity: config.SeverityMajor, Columns: NamedColumns, New: func() Check { return &notNull{} }})
}

// notNull is completeness: a row fails when any listed column is missing
// (NULL, blank or a null-like token). Per-column counts go in details.
type notNull struct {
	spec      *config.Check
	columns   []string
	threshold rateThreshold

	rows, failed Metric
	perColumn    []Metric
}

var _ Check = (*notNull)(nil)

func (c *notNull) Init(spec *config.Check) error {
	c.spec = spec
	c.columns = spec.Columns
	if spec.Column != "" {
		c.columns = append([]string{spec.Column}, c.columns...)
	}
	if len(c.columns) == 0 {
		return spec.Errorf("columns", "not_null needs column: or columns:")
	}
	if err := spec.Decode(&struct{}{}); err != nil {
		return err
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *notNull) Plan(s Scope) error {
	var preds []string
	var cols []Column
	for _, name := range c.columns {
		col, err := s.Column(name)
		if err != nil {
			return err
		}
		m := s.Missing(col)
		preds = append(preds, m)
		cols = append(cols, col)
		c.perColumn = append(c.perColumn, s.Aggregate(dialect.CountIf(m)))
	}
	any := "(" + strings.Join(preds, " OR ") + ")"
	c.rows = s.Aggregate("COUNT(*)")
	if len(preds) == 1 {
		c.failed = c.perColumn[0]
	} else {
		c.failed = s.Aggregate(dialect.CountIf(any))
	}
	registerExamples(s, any, cols...)
	return nil
}

func (c *notNull) Evaluate(v Values, r *result.Check) {
	rows := v.Int(c.rows)
	evaluateRate(rows, rows, v.Int(c.failed), c.threshold, r)
	missing := map[string]any{}
	var parts []string
	for i, name := range c.columns {
		n := v.Int(c.perColumn[i])
		missing[name] = n
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	r.Details = map[string]any{"missing": missing}
	if len(parts) > 0 {
		r.Message = fmt.Sprintf("%s of %d with a missing value (%s)", countf(*r.Failed, "row"), rows, strings.Join(parts, ", "))
	}
}
