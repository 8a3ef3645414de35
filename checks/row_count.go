package checks

import (
	"fmt"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "row_count", Dimension: "sufficient", Severity: config.SeverityCritical, DatasetOnly: true, Columns: NamedColumns, New: func() Check { return &rowCount{} }})
}

// rowCount checks the dataset's volume: the population size N when known
// (a sample's size says nothing about the registry's), else rows read.
type rowCount struct {
	spec      *config.Check
	params    boundsParams
	threshold metricThreshold
	now       time.Time
	rows      Metric
}

var _ Check = (*rowCount)(nil)

func (c *rowCount) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	var err error
	c.threshold, err = parseMetricThreshold(spec, &c.params, true)
	return err
}

func (c *rowCount) Plan(s Scope) error {
	c.rows = s.Aggregate("COUNT(*)")
	c.now = s.Now()
	return nil
}

func (c *rowCount) Evaluate(v Values, r *result.Check) {
	n := v.RowsTotal()
	if n < 0 {
		n = v.Int(c.rows)
	}
	r.Value, r.Unit = ptr(float64(n)), "rows"
	r.Threshold = c.threshold.describe(c.now)
	r.Status = c.threshold.status(float64(n), c.now)
	if r.Status != result.Pass {
		r.Message = fmt.Sprintf("%d rows, outside the expected volume", n)
	}
}
