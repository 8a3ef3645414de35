package checks

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

func init() {
	Register(Kind{Name: "metric", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &metric{} }})
}

// metric bounds an aggregate of one column, computed in the dataset's
// fused scan and shared with every check that needs the same aggregate
// (the missing count of not_null, the non-missing count of a value check,
// the newest value of freshness): min, max, mean, sum, stddev (sample),
// median, percentile (continuous, as percentile_cont), distinct_count,
// distinct_share (distinct / non-missing), duplicate_share (1 -
// distinct_share: the extra copies among non-missing values) and
// missing_share (missing / rows). Missing values (NULL, blank, null
// tokens) never enter a metric; a text value that does not read as a
// number (or, for min and max with date bounds, as a date) is left out
// and counted in details.not_cast.
//
// Bounds are min: and max:, inclusive unless strict_min:/strict_max:;
// for min and max of a date or timestamp column they are dates, times or
// relative bounds (today, -120y), as between's, and the value is published
// in days since 1970-01-01. A metric with no value (no values at all, a
// share of nothing, the stddev of one value) fails: no bound is shown to
// hold.
type metric struct {
	spec   *config.Check
	params struct {
		Metric       string   `yaml:"metric"`
		Percentile   *float64 `yaml:"percentile"`
		boundsParams `yaml:",inline"`
	}
	threshold metricThreshold
	p         float64 // the percentile, 0.5 for median

	now                         time.Time
	sample                      sampling.Design
	temporal                    bool
	instant                     bool // a TIMESTAMPTZ: read on the dataset's wall clock
	agg                         Metric
	query                       Query
	byQuery                     bool
	rows, present, values, part Metric
}

var _ Check = (*metric)(nil)

// metricKinds lists the metrics and what their bounds may be.
var metricKinds = map[string]struct {
	dimension string
	share     bool // a share in [0, 1]
	dates     bool // bounds may be dates (min and max)
	numeric   bool // needs numbers
}{
	"min": {"correct", false, true, false}, "max": {"correct", false, true, false},
	"mean": {"correct", false, false, true}, "sum": {"correct", false, false, true},
	"stddev": {"correct", false, false, true}, "median": {"correct", false, false, true},
	"percentile": {"correct", false, false, true}, "distinct_count": {"correct", false, false, false},
	"distinct_share": {"clean", true, false, false}, "duplicate_share": {"clean", true, false, false},
	"missing_share": {"sufficient", true, false, false},
}

var metricNames = "min, max, mean, sum, stddev, median, percentile, distinct_count, distinct_share, duplicate_share, missing_share"

func (c *metric) Init(spec *config.Check) error {
	c.spec = spec
	if spec.Column == "" || len(spec.Columns) > 0 {
		return spec.Errorf("column", "metric needs one column:")
	}
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	p := &c.params
	mk, ok := metricKinds[p.Metric]
	if !ok {
		return spec.Errorf("metric", "metric must be one of %s (got %q)", metricNames, p.Metric)
	}
	switch {
	case p.Metric == "percentile" && p.Percentile == nil:
		return spec.Errorf("percentile", "metric: percentile needs percentile:, between 0 and 1 (0.95 for the 95th)")
	case p.Metric == "percentile" && (*p.Percentile < 0 || *p.Percentile > 1):
		return spec.Errorf("percentile", "percentile must be between 0 and 1 (0.95 for the 95th), got %v", *p.Percentile)
	case p.Metric == "percentile":
		c.p = *p.Percentile
	case p.Percentile != nil:
		return spec.Errorf("percentile", "percentile: goes with metric: percentile")
	case p.Metric == "median":
		c.p = 0.5
	}
	var err error
	if c.threshold, err = parseMetricThreshold(spec, &p.boundsParams, !mk.dates); err != nil {
		return err
	}
	if mk.share {
		for _, b := range []*bound{c.threshold.min, c.threshold.max} {
			// max: 5 for "5%" would never fail: refuse it.
			if b != nil && (b.num < 0 || b.num > 1) {
				return spec.Errorf("min", "%s is a share between 0 and 1 (0.05 for 5%%), got %s", p.Metric, b.raw)
			}
		}
	}
	return nil
}

// DefaultDimension: shares of missing and repeated values measure other
// criteria than a value's range.
func (c *metric) DefaultDimension(*config.Config) string {
	return metricKinds[c.params.Metric].dimension
}

func (c *metric) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	d := s.Dialect()
	c.now, c.sample = s.Now(), s.Sample()
	if err := c.threshold.ordered(c.now); err != nil {
		return err
	}
	missing := s.Missing(col)
	c.rows = s.Aggregate("COUNT(*)")
	c.present = s.Aggregate(dialect.CountIf("NOT (" + missing + ")"))
	switch m := c.params.Metric; m {
	case "missing_share":
		c.part = s.Aggregate(dialect.CountIf(missing))
	case "distinct_count", "distinct_share", "duplicate_share":
		v := col.SQL
		if col.Family == dialect.Text {
			v = d.Exact(v)
		}
		c.part = s.Aggregate(fmt.Sprintf("COUNT(DISTINCT CASE WHEN NOT (%s) THEN %s END)", missing, v))
	case "min", "max":
		expr, fam := col.SQL, col.Family
		if col.Family == dialect.Text || c.threshold.temporal() != col.Family.Temporal() {
			if expr, fam, err = castForBounds(d, col, c.threshold.first(), "metric"); err != nil {
				return err
			}
		}
		if !fam.Numeric() && !fam.Temporal() {
			return fmt.Errorf("metric %s needs a number or date column; %s is %s", m, col.Name, col.Type)
		}
		c.temporal, c.instant = fam.Temporal(), fam == dialect.TimestampTZ
		agg := fmt.Sprintf("%s(%s)", map[string]string{"min": "MIN", "max": "MAX"}[m], expr)
		if !c.temporal {
			agg = d.Float(agg)
		}
		c.agg = s.Aggregate(agg)
		c.values = c.counted(s, expr, col)
	default:
		num, err := numeric(d, col, m)
		if err != nil {
			return err
		}
		c.values = c.counted(s, num, col)
		switch m {
		case "mean":
			c.agg = s.Aggregate(d.Float("AVG(" + num + ")"))
		case "sum":
			c.agg = s.Aggregate(d.Float("SUM(" + num + ")"))
		case "stddev":
			c.agg = s.Aggregate(d.Float("STDDEV_SAMP(" + num + ")"))
		default: // median, percentile
			if agg := d.Percentile(num, c.p); agg != "" {
				c.agg = s.Aggregate(agg)
			} else {
				c.byQuery = true
				c.query = s.Query(percentileQuery(d, num, s.Table(), c.p))
			}
		}
	}
	return nil
}

// counted is the number of values a metric is computed from: those of
// expr, which are the non-missing ones unless a cast left some out.
func (c *metric) counted(s Scope, expr string, col Column) Metric {
	if expr == col.SQL {
		return c.present
	}
	return s.Aggregate("COUNT(" + expr + ")")
}

// numeric is a column read as numbers: a text column cast (NULL when a
// value does not read as one).
func numeric(d dialect.Dialect, col Column, m string) (string, error) {
	switch {
	case col.Family.Numeric():
		return col.SQL, nil
	case col.Family == dialect.Text:
		return d.TryCast(col.SQL, dialect.Float), nil
	}
	return "", fmt.Errorf("metric %s needs a number column; %s is %s", m, col.Name, col.Type)
}

// percentileQuery computes a continuous percentile with window functions,
// for engines without an aggregate one: the values in order, h = p × (n −
// 1), and the interpolation between the values at ranks floor(h) and
// ceil(h), as percentile_cont does.
func percentileQuery(d dialect.Dialect, num, table string, p float64) string {
	ps := strconv.FormatFloat(p, 'f', -1, 64)
	return "SELECT lo + (h - FLOOR(h)) * (hi - lo) FROM (" +
		"SELECT MAX(_dq_h) AS h, MAX(CASE WHEN _dq_rn = FLOOR(_dq_h) + 1 THEN _dq_v END) AS lo, MAX(CASE WHEN _dq_rn = CEIL(_dq_h) + 1 THEN _dq_v END) AS hi " +
		"FROM (SELECT _dq_v, ROW_NUMBER() OVER (ORDER BY _dq_v) AS _dq_rn, (COUNT(*) OVER () - 1) * " + ps + " AS _dq_h " +
		"FROM (SELECT " + d.Float(num) + " AS _dq_v FROM " + table + ") _dq_x WHERE _dq_v IS NOT NULL) _dq_r) _dq_p"
}

func (c *metric) Evaluate(v Values, r *result.Check) {
	m := c.params.Metric
	rows, present := v.Int(c.rows), v.Int(c.present)
	r.Threshold = c.threshold.describe(c.now)
	details := map[string]any{"rows": rows, "non_missing": present}
	r.Details = details
	val, ok := c.value(v, rows, present, details)
	if !ok {
		r.Status = result.Fail
		r.Message = fmt.Sprintf("no value: %s of %s has nothing to be computed from", m, c.spec.Column)
		return
	}
	if m == "sum" && v.Sampled() {
		val = c.scaleUp(val, rows, v.RowsTotal(), details)
	}
	r.Value = ptr(val)
	if c.temporal {
		r.Unit = unitDays
	}
	r.Status = c.threshold.status(val, c.now)
	if v.Sampled() {
		if m == "missing_share" && rows > 0 {
			// A share of rows: the sample's interval, as for row checks.
			lo, hi := sampling.Wilson(v.Int(c.part), rows, v.RowsTotal(), rows)
			r.Interval95 = []float64{lo, hi}
		} else {
			r.Estimate = true
		}
	}
	if r.Status != result.Pass {
		r.Message = fmt.Sprintf("%s of %s is %s, outside %s", m, c.spec.Column, c.show(val, details), c.threshold.text())
	}
}

// value is the metric's value (a time as wallDays) and whether it has
// one.
func (c *metric) value(v Values, rows, present int64, details map[string]any) (float64, bool) {
	switch c.params.Metric {
	case "missing_share":
		return float64(v.Int(c.part)) / float64(rows), rows > 0
	case "distinct_count":
		return float64(v.Int(c.part)), true
	case "distinct_share":
		return float64(v.Int(c.part)) / float64(present), present > 0
	case "duplicate_share":
		return 1 - float64(v.Int(c.part))/float64(present), present > 0
	}
	n := v.Int(c.values)
	details["values"] = n
	if n < present {
		details["not_cast"] = present - n
	}
	if c.temporal {
		t, ok := v.Time(c.agg)
		if !ok {
			return 0, false
		}
		if c.instant {
			t = t.In(c.now.Location())
		}
		details["value"] = t.Format(time.DateTime)
		return wallDays(t), true
	}
	if c.byQuery {
		f, ok := ToFloat64(v.Row(c.query)[0])
		return f, finite(f, ok)
	}
	f, ok := v.Float(c.agg)
	return f, finite(f, ok)
}

// scaleUp turns a sample's sum into the population's: × N / n when N is
// known, ÷ the fraction of a hash sample otherwise.
func (c *metric) scaleUp(sum float64, rows, total int64, details map[string]any) float64 {
	switch {
	case total >= 0 && rows > 0:
		details["sample_sum"] = sum
		return sum * float64(total) / float64(rows)
	case c.sample.Method == sampling.MethodHash && c.sample.Fraction > 0:
		details["sample_sum"] = sum
		return sum / c.sample.Fraction
	}
	details["scaled"] = false
	return sum
}

// show is a value for a message: a time as written, a number short.
func (c *metric) show(v float64, details map[string]any) string {
	if s, ok := details["value"].(string); ok {
		return s
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
