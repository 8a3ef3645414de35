package checks

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "anomaly", Dimension: "sufficient", Severity: config.SeverityMinor, DatasetOnly: true, Columns: NamedColumns, New: func() Check { return &anomaly{} }})
}

// anomaly compares a metric of this run with its own history, as Deequ's
// and Soda's anomaly checks do: by default the median and MAD of the last
// window runs (robust to earlier anomalies), or a bound on the relative
// change since the previous run. It judges only with enough history, and
// says so when it has not.
type anomaly struct {
	spec   *config.Check
	params struct {
		Metric     string   `yaml:"metric"` // row_count, null_rate, duplicate_rate, freshness_lag
		Method     string   `yaml:"method"` // mad (default), change
		Threshold  *float64 `yaml:"threshold"`
		MaxChange  *float64 `yaml:"max_change"`
		Window     int      `yaml:"window"`
		MinHistory int      `yaml:"min_history"`
	}
	columns []string

	rows, part Metric
	query      Query
	hasQuery   bool
	history    []float64
	now        time.Time
	family     dialect.Family
	unit       string
}

var _ Check = (*anomaly)(nil)

var anomalyDimensions = map[string]string{
	"row_count": "sufficient", "null_rate": "sufficient", "duplicate_rate": "clean", "freshness_lag": "alive",
}

func (c *anomaly) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	p := &c.params
	if _, ok := anomalyDimensions[p.Metric]; !ok {
		return spec.Errorf("metric", "metric must be row_count, null_rate, duplicate_rate or freshness_lag, got %q", p.Metric)
	}
	c.columns = spec.Columns
	if spec.Column != "" {
		c.columns = append([]string{spec.Column}, c.columns...)
	}
	switch {
	case p.Metric == "row_count" && len(c.columns) > 0:
		return spec.Errorf("column", "row_count takes no column")
	case (p.Metric == "null_rate" || p.Metric == "freshness_lag") && len(c.columns) != 1:
		return spec.Errorf("column", "%s needs one column:", p.Metric)
	case p.Metric == "duplicate_rate" && len(c.columns) == 0:
		return spec.Errorf("columns", "duplicate_rate needs column: or columns:")
	}
	switch p.Method {
	case "", "mad":
		p.Method = "mad"
		if p.MaxChange != nil {
			return spec.Errorf("max_change", "max_change goes with method: change")
		}
		if p.Threshold == nil {
			p.Threshold = ptr(3.0)
		}
	case "change":
		if p.MaxChange == nil || *p.MaxChange <= 0 {
			return spec.Errorf("max_change", "method: change needs max_change: a relative bound such as 0.2 (20%%)")
		}
		if p.Threshold != nil {
			return spec.Errorf("threshold", "threshold goes with method: mad")
		}
	default:
		return spec.Errorf("method", "method must be mad or change, got %q", p.Method)
	}
	if p.Window == 0 {
		p.Window = 10
	}
	if p.MinHistory == 0 {
		p.MinHistory = 5
		if p.Method == "change" {
			p.MinHistory = 1
		}
	}
	if p.Window < p.MinHistory {
		return spec.Errorf("window", "window (%d) must be at least min_history (%d)", p.Window, p.MinHistory)
	}
	if len(spec.Warn) > 0 || spec.Mostly != nil {
		return spec.Errorf("warn", "anomaly takes threshold or max_change, not mostly or warn")
	}
	return nil
}

// DefaultDimension follows the metric: a volume drop is sufficiency, a
// duplicate surge cleanliness, a growing lag liveness.
func (c *anomaly) DefaultDimension(*config.Config) string { return anomalyDimensions[c.params.Metric] }

func (c *anomaly) Plan(s Scope) error {
	var cols []Column
	for _, n := range c.columns {
		col, err := s.Column(n)
		if err != nil {
			return err
		}
		cols = append(cols, col)
	}
	c.rows = s.Aggregate("COUNT(*)")
	c.now = s.Now()
	switch c.params.Metric {
	case "row_count":
		c.unit = "rows"
	case "null_rate":
		c.unit = "share"
		c.part = s.Aggregate(dialect.CountIf(s.Missing(cols[0])))
	case "freshness_lag":
		c.unit = "hours"
		var err error
		if c.part, c.family, err = newestOf(s, cols[0]); err != nil {
			return fmt.Errorf("freshness_lag %w", err)
		}
	case "duplicate_rate":
		c.unit = "share"
		var missing, exprs []string
		for _, col := range cols {
			missing = append(missing, s.Missing(col))
			exprs = append(exprs, col.SQL)
		}
		all := "(" + strings.Join(missing, " AND ") + ")"
		c.part = s.Aggregate(dialect.CountIf("NOT " + all))
		c.query = s.Query(fmt.Sprintf("SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM %s WHERE NOT %s GROUP BY %s HAVING COUNT(*) > 1) dup",
			s.Table(), all, strings.Join(exprs, ", ")))
		c.hasQuery = true
	}
	h, err := s.History()
	if err != nil {
		return fmt.Errorf("reading the run history: %w", err)
	}
	if len(h) > c.params.Window {
		h = h[len(h)-c.params.Window:]
	}
	c.history = h
	return nil
}

// current is the metric in this run; ok is false when it has no value.
func (c *anomaly) current(v Values) (float64, bool) {
	rows := v.Int(c.rows)
	switch c.params.Metric {
	case "row_count":
		if n := v.RowsTotal(); n >= 0 {
			return float64(n), true
		}
		return float64(rows), true
	case "null_rate":
		if rows == 0 {
			return 0, false
		}
		return float64(v.Int(c.part)) / float64(rows), true
	case "duplicate_rate":
		ev := v.Int(c.part)
		if ev == 0 {
			return 0, false
		}
		return float64(ToInt64(v.Row(c.query)[0])) / float64(ev), true
	default: // freshness_lag
		t, ok := v.Time(c.part)
		if !ok {
			return 0, false
		}
		return c.now.Sub(wallClock(t, c.family, c.now.Location())).Hours(), true
	}
}

func (c *anomaly) Evaluate(v Values, r *result.Check) {
	p := c.params
	x, ok := c.current(v)
	r.Unit = c.unit
	r.Threshold = map[string]any{"method": p.Method, "window": p.Window, "min_history": p.MinHistory}
	if p.Threshold != nil {
		r.Threshold["threshold"] = *p.Threshold
	}
	if p.MaxChange != nil {
		r.Threshold["max_change"] = *p.MaxChange
	}
	if !ok {
		r.Status = result.Fail
		r.Message = fmt.Sprintf("%s has no value in this run (no rows)", p.Metric)
		return
	}
	r.Value = ptr(x)
	d := map[string]any{"metric": p.Metric, "history": len(c.history), "judged": false}
	r.Details = d
	r.Status = result.Pass
	if len(c.history) < p.MinHistory {
		r.Message = fmt.Sprintf("not judged: needs %d earlier runs of history, has %d", p.MinHistory, len(c.history))
		return
	}
	d["judged"] = true
	var lo, hi float64
	if p.Method == "change" {
		prev := c.history[len(c.history)-1]
		span := *p.MaxChange * math.Max(math.Abs(prev), 1e-12)
		lo, hi = prev-span, prev+span
		d["previous"] = prev
	} else {
		med := median(c.history)
		dev := make([]float64, len(c.history))
		for i, h := range c.history {
			dev[i] = math.Abs(h - med)
		}
		// 1.4826 × MAD estimates the standard deviation of normal data.
		// A flat history has MAD 0; allow 1% of the median per unit of
		// threshold then, so a constant metric may move a little.
		scale := 1.4826 * median(dev)
		if scale == 0 {
			scale = math.Max(0.01*math.Abs(med), 1e-9)
		}
		lo, hi = med-*p.Threshold*scale, med+*p.Threshold*scale
		d["median"], d["mad"] = med, median(dev)
	}
	d["expected"] = []float64{lo, hi}
	if x < lo || x > hi {
		r.Status = result.Fail
		r.Message = fmt.Sprintf("%s is %.4g, outside the expected %.4g–%.4g from the last %d runs", p.Metric, x, lo, hi, len(c.history))
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
