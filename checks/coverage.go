package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
	"github.com/vn-registries/dq/sqltext"
)

func init() {
	Register(Kind{Name: "coverage", Dimension: "sufficient", Severity: config.SeverityMajor, New: func() Check { return &coverage{} }})
}

// coverage is the share of a reference population (another registry,
// optionally filtered) present in this dataset, e.g. the adults of the
// population registry that the insurance registry covers. Its units are
// the reference's distinct keys: evaluated = reference keys, failed = those
// not found here.
type coverage struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Dataset string            `yaml:"dataset"`
		On      map[string]string `yaml:"on"`
		Where   string            `yaml:"where"`
		Min     *float64          `yaml:"min"`
	}
	on          onPair
	coordinated bool
	sampled     bool
	result      Query
}

var (
	_ Check     = (*coverage)(nil)
	_ Dependent = (*coverage)(nil)
)

func (c *coverage) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	var err error
	if c.on, err = joinTarget(spec, c.params.Dataset, c.params.On, "coverage needs the reference dataset:"); err != nil {
		return err
	}
	// where: runs in the embedded DuckDB, where a second statement would
	// run too: it must be one filter's text.
	if err := sqltext.Fragment(sqltext.DuckDB, c.params.Where); err != nil {
		return spec.Errorf("where", "%v", err)
	}
	if c.params.Min != nil && spec.Mostly != nil {
		return spec.Errorf("min", "give min: or mostly:, not both (they mean the same here)")
	}
	if c.params.Min != nil {
		if *c.params.Min < 0 || *c.params.Min > 1 {
			return spec.Errorf("min", "min is a share between 0 and 1")
		}
		spec.Mostly = c.params.Min
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

// DefaultDimension: coverage of a master registry's population is
// "unified"; of any other, "sufficient".
func (c *coverage) DefaultDimension(cfg *config.Config) string {
	return masterDimension(cfg, c.params.Dataset)
}

func (c *coverage) Datasets() []string   { return []string{c.params.Dataset} }
func (c *coverage) References() []string { return nil }
func (c *coverage) JoinsInSource() bool  { return true }

func (c *coverage) Plan(s Scope) error {
	d := s.Dialect()
	j, err := join(s, c.params.Dataset, c.on, true)
	if err != nil {
		return err
	}
	other, mine, theirs := j.other, j.mine, j.theirs
	c.coordinated = j.coordinated
	c.sampled = !other.Sample.Full()
	filter := ""
	if c.params.Where != "" {
		filter = " AND (" + c.params.Where + ")"
	}
	// Found is a constant of the matched side, as in references (a
	// ClickHouse cluster joins there too).
	from := fmt.Sprintf("(SELECT DISTINCT %s AS _dq_ref FROM %s AS o WHERE NOT (%s)%s) r LEFT JOIN (SELECT DISTINCT %s AS _dq_k, 1 AS _dq_m FROM %s AS _dq) t ON r._dq_ref = t._dq_k",
		joinKey(d, "o."+theirs.SQL), other.Table, s.MissingIn(other, qualified(theirs, "o")), filter,
		joinKey(d, "_dq."+mine.SQL), s.Table())
	c.result = s.Query(fmt.Sprintf("SELECT COUNT(*), COALESCE(SUM(CASE WHEN COALESCE(t._dq_m, 0) = 0 THEN 1 ELSE 0 END), 0) FROM %s", from))
	s.Examples(ExampleQuery{
		SQL:    fmt.Sprintf("SELECT r._dq_ref FROM %s WHERE COALESCE(t._dq_m, 0) = 0 ORDER BY 1", from),
		Values: []string{mine.Name},
	})
	return nil
}

func (c *coverage) Evaluate(v Values, r *result.Check) {
	row := v.Row(c.result)
	n, missing := ToInt64(row[0]), ToInt64(row[1])
	evaluateRate(n, n, missing, c.threshold, r)
	r.Details = map[string]any{"reference": c.params.Dataset, "coordinated_sample": c.coordinated}
	if c.params.Where != "" {
		r.Details["where"] = c.params.Where
	}
	if missing > 0 {
		r.Message = fmt.Sprintf("%d of %d in %s are not found here", missing, n, c.params.Dataset)
	}
	if (c.sampled || v.Sampled()) && n > 0 {
		lo, hi := sampling.Wilson(n-missing, n, -1, n)
		r.Interval95 = []float64{lo, hi}
	}
}
