package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "row_count", Dimension: "sufficient", Severity: config.SeverityCritical, DatasetOnly: true, New: func() Check { return &rowCount{} }})
}

// rowCount checks the dataset's volume: the population size N when known
// (a sample's size says nothing about the registry's), else rows read.
type rowCount struct {
	spec   *config.Check
	bounds boundThreshold
	rows   Metric
}

var _ Check = (*rowCount)(nil)

func (c *rowCount) Init(spec *config.Check) error {
	c.spec = spec
	var p struct {
		Min *float64 `yaml:"min"`
		Max *float64 `yaml:"max"`
	}
	if err := spec.Decode(&p); err != nil {
		return err
	}
	if p.Min == nil && p.Max == nil {
		return spec.Errorf("min", "row_count needs min:, max: or both")
	}
	c.bounds = boundThreshold{min: p.Min, max: p.Max}
	for k, n := range spec.Warn {
		var v float64
		if err := n.Decode(&v); err != nil {
			return spec.Errorf(k, "warn.%s must be a number", k)
		}
		switch k {
		case "min":
			c.bounds.warnMin = &v
		case "max":
			c.bounds.warnMax = &v
		default:
			return spec.Errorf(k, "warn takes min and max for row_count")
		}
	}
	return nil
}

func (c *rowCount) Plan(s Scope) error {
	c.rows = s.Aggregate("COUNT(*)")
	return nil
}

func (c *rowCount) Evaluate(v Values, r *result.Check) {
	n := v.RowsTotal()
	if n < 0 {
		n = v.Int(c.rows)
	}
	r.Value, r.Unit = ptr(float64(n)), "rows"
	r.Threshold = c.bounds.describe()
	r.Status = c.bounds.status(float64(n))
	if r.Status != result.Pass {
		r.Message = fmt.Sprintf("%d rows, outside the expected volume", n)
	}
}
