package checks

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "sql_metric", Dimension: "correct", Severity: config.SeverityMinor, New: func() Check { return &sqlMetric{} }})
}

// sqlMetric bounds a number the config computes with an aggregate SQL
// expression over the dataset (Soda's user-defined metrics), e.g.
// sql: "AVG(CASE WHEN status = 'active' THEN 1.0 ELSE 0 END)". It is one
// more aggregate of the fused scan, so it runs per group with group_by,
// in the engine the dataset lives in: DuckDB's SQL for files and
// extracts, the source's for engine: source. It reads the dataset's rows
// (after where:, sample and incremental window) and values as stored.
// Bounds as metric's; no value (NULL) fails.
type sqlMetric struct {
	spec   *config.Check
	params struct {
		SQL          string `yaml:"sql"`
		boundsParams `yaml:",inline"`
	}
	threshold metricThreshold
	now       time.Time
	value     Metric
}

var (
	_ Check   = (*sqlMetric)(nil)
	_ UserSQL = (*sqlMetric)(nil)
)

func (c *sqlMetric) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if c.params.SQL == "" {
		return spec.Errorf("sql", `sql_metric needs sql:, an aggregate expression such as "AVG(monthly_wage_vnd)"`)
	}
	var err error
	c.threshold, err = parseMetricThreshold(spec, &c.params.boundsParams, true)
	return err
}

func (c *sqlMetric) UserSQL() []SQLText {
	return []SQLText{{Key: "sql", Text: c.params.SQL, Shape: SQLAggregate}}
}

func (c *sqlMetric) Plan(s Scope) error {
	c.now = s.Now()
	c.value = s.Aggregate(s.Dialect().Float("(" + c.params.SQL + ")"))
	return nil
}

func (c *sqlMetric) Evaluate(v Values, r *result.Check) {
	r.Threshold = c.threshold.describe(c.now)
	f, ok := v.Float(c.value)
	if !finite(f, ok) {
		r.Status = result.Fail
		r.Message = "no value: the expression is NULL on these rows"
		return
	}
	r.Value = ptr(f)
	r.Status = c.threshold.status(f, c.now)
	r.Estimate = v.Sampled()
	if r.Status != result.Pass {
		r.Message = fmt.Sprintf("%s is %s, outside %s", c.params.SQL, strconv.FormatFloat(f, 'g', 6, 64), c.threshold.text())
	}
}
