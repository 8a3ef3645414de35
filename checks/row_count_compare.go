package checks

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

func init() {
	Register(Kind{Name: "row_count_compare", Dimension: "sufficient", Severity: config.SeverityMajor, DatasetOnly: true, New: func() Check { return &rowCountCompare{} }})
}

// rowCountCompare compares this dataset's row count with another's:
// measure: ratio (the default: this / other) or difference (this −
// other), bounded by min:/max: (min: 1, max: 1 for equal counts; max: 1
// for "active insured ≤ living population"). where: filters this
// dataset's rows, other_where: the other's, each in its own engine's SQL.
//
// A side read in full is counted exactly. A sampled side is estimated: N
// itself when it is not filtered (the count: setting gives N), else
// N × the sample's matching share, with its Wilson interval (N unknown:
// the count ÷ a hash sample's fraction); the result then carries
// estimate: true and a 95% interval on its value.
type rowCountCompare struct {
	spec   *config.Check
	params struct {
		Dataset      string `yaml:"dataset"`
		Where        string `yaml:"where"`
		OtherWhere   string `yaml:"other_where"`
		Measure      string `yaml:"measure"`
		boundsParams `yaml:",inline"`
	}
	threshold metricThreshold
	now       time.Time
	sample    sampling.Design
	other     Tally
	rows      Metric
	matching  Metric
}

var (
	_ Check   = (*rowCountCompare)(nil)
	_ Tallied = (*rowCountCompare)(nil)
	_ UserSQL = (*rowCountCompare)(nil)
)

func (c *rowCountCompare) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	p := &c.params
	if p.Dataset == "" {
		return spec.Errorf("dataset", "row_count_compare needs the dataset: to compare with")
	}
	switch p.Measure {
	case "":
		p.Measure = "ratio"
	case "ratio", "difference":
	default:
		return spec.Errorf("measure", "measure must be ratio or difference, got %q", p.Measure)
	}
	var err error
	c.threshold, err = parseMetricThreshold(spec, &p.boundsParams, true)
	return err
}

func (c *rowCountCompare) Datasets() []string   { return []string{c.params.Dataset} }
func (c *rowCountCompare) References() []string { return nil }

func (c *rowCountCompare) Tallies() []TallyRequest {
	return []TallyRequest{{Dataset: c.params.Dataset, Where: c.params.OtherWhere}}
}

func (c *rowCountCompare) UserSQL() []SQLText {
	var out []SQLText
	if c.params.Where != "" {
		out = append(out, SQLText{Key: "where", Text: c.params.Where, Shape: SQLPredicate})
	}
	if c.params.OtherWhere != "" {
		out = append(out, SQLText{Key: "other_where", Text: c.params.OtherWhere, Shape: SQLPredicate, Dataset: c.params.Dataset})
	}
	return out
}

func (c *rowCountCompare) Plan(s Scope) error {
	var err error
	if c.other, err = s.Tally(c.Tallies()[0]); err != nil {
		return err
	}
	c.now, c.sample = s.Now(), s.Sample()
	c.rows = s.Aggregate("COUNT(*)")
	c.matching = c.rows
	if c.params.Where != "" {
		c.matching = s.Aggregate(dialect.CountIf("COALESCE((" + c.params.Where + "), FALSE)"))
	}
	return nil
}

// count is one side's row count: exact, or estimated with its interval.
type count struct {
	est, lo, hi float64
	exact       bool
}

// estimate is the population count behind matching of read sampled rows
// (see the type's comment); ok is false when nothing can be estimated.
func estimate(matching, read, total int64, filtered bool, d sampling.Design) (count, bool) {
	switch {
	case d.Full():
		n := float64(matching)
		return count{n, n, n, true}, true
	case !filtered && total >= 0:
		n := float64(total)
		return count{n, n, n, true}, true
	case total >= 0 && read > 0:
		lo, hi := sampling.Wilson(matching, read, total, read)
		n := float64(total)
		return count{n * float64(matching) / float64(read), n * lo, n * hi, false}, true
	case d.Method == sampling.MethodHash && d.Fraction > 0:
		// Each row is kept with probability f: the count ÷ f, with the
		// variance of a sum of Bernoulli draws.
		f := d.Fraction
		m := float64(matching)
		half := 1.959963984540054 * math.Sqrt(m*(1-f)) / f
		return count{m / f, math.Max(0, m/f-half), m/f + half, false}, true
	}
	return count{}, false
}

func (c *rowCountCompare) Evaluate(v Values, r *result.Check) {
	r.Threshold = c.threshold.describe(c.now)
	design := c.sample
	if !v.Sampled() {
		design = sampling.Design{}
	}
	mine, ok1 := estimate(v.Int(c.matching), v.Int(c.rows), v.RowsTotal(), c.params.Where != "", design)
	theirs, ok2 := estimate(c.other.Matching, c.other.Read, c.other.Total, c.params.OtherWhere != "", c.other.Sample)
	if !ok1 || !ok2 {
		r.Status = result.Error
		r.Message = "a sampled side's population size is unknown, so its row count cannot be estimated; use count: exact or a hash sample"
		return
	}
	side := func(n count) map[string]any { return map[string]any{"rows": n.est, "exact": n.exact} }
	r.Details = map[string]any{"dataset": c.params.Dataset, "measure": c.params.Measure, "this": side(mine), "other": side(theirs)}
	var val, lo, hi float64
	if c.params.Measure == "difference" {
		val, lo, hi = mine.est-theirs.est, mine.lo-theirs.hi, mine.hi-theirs.lo
	} else {
		if theirs.est == 0 {
			r.Status = result.Fail
			r.Message = fmt.Sprintf("no value: %s has no rows to compare with", c.params.Dataset)
			return
		}
		val, lo, hi = mine.est/theirs.est, mine.lo/theirs.hi, mine.hi/theirs.lo
	}
	r.Value = ptr(val)
	r.Status = c.threshold.status(val, c.now)
	if !mine.exact || !theirs.exact {
		r.Estimate = true
		if !math.IsInf(hi, 0) && !math.IsNaN(lo) && !math.IsNaN(hi) {
			r.Interval95 = []float64{lo, hi}
		}
	}
	if r.Status != result.Pass {
		r.Message = fmt.Sprintf("%s of rows to %s is %s (%s vs %s), outside %s", c.params.Measure, c.params.Dataset,
			strconv.FormatFloat(val, 'g', 6, 64), strconv.FormatFloat(mine.est, 'f', 0, 64), strconv.FormatFloat(theirs.est, 'f', 0, 64), c.threshold.text())
	}
}
