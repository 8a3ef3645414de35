package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sqltext"
)

func init() {
	Register(Kind{Name: "status_sync", Dimension: "alive", Severity: config.SeverityCritical, New: func() Check { return &statusSync{} }})
}

// statusSync finds records another registry says should have changed
// (the person died, moved, the enterprise was dissolved) that this dataset
// still shows in the old state: evaluated = this dataset's rows in that
// state (where:), failed = those present in the other registry.
type statusSync struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Dataset string            `yaml:"dataset"`
		On      map[string]string `yaml:"on"`
		Where   string            `yaml:"where"`
	}
	on          onPair
	coordinated bool

	rows, evaluated Metric
	failed          Query
}

var (
	_ Check     = (*statusSync)(nil)
	_ Dependent = (*statusSync)(nil)
)

func (c *statusSync) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	var err error
	if c.on, err = joinTarget(spec, c.params.Dataset, c.params.On, "status_sync needs the dataset: that records the change (e.g. civil_status.deaths)"); err != nil {
		return err
	}
	// where: runs in the embedded DuckDB, where a second statement would
	// run too: it must be one filter's text.
	if err := sqltext.Fragment(sqltext.DuckDB, c.params.Where); err != nil {
		return spec.Errorf("where", "%v", err)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *statusSync) Datasets() []string   { return []string{c.params.Dataset} }
func (c *statusSync) References() []string { return nil }

func (c *statusSync) Plan(s Scope) error {
	d := s.Dialect()
	j, err := join(s, c.params.Dataset, c.on, false)
	if err != nil {
		return err
	}
	other, mine, theirs := j.other, j.mine, j.theirs
	c.coordinated = j.coordinated
	state := "NOT (" + s.Missing(mine) + ")"
	if c.params.Where != "" {
		state += " AND (" + c.params.Where + ")"
	}
	c.rows = s.Aggregate("COUNT(*)")
	c.evaluated = s.Aggregate(dialect.CountIf(state))
	from := fmt.Sprintf("%s AS _dq JOIN (SELECT DISTINCT %s AS _dq_ref FROM %s AS o WHERE %s IS NOT NULL) r ON %s = r._dq_ref",
		s.Table(), joinKey(d, "o."+theirs.SQL), other.Table, "o."+theirs.SQL, joinKey(d, "_dq."+mine.SQL))
	c.failed = s.Query(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", from, state))
	crossExamples(s, from, state, mine)
	return nil
}

func (c *statusSync) Evaluate(v Values, r *result.Check) {
	evaluateRate(v.Int(c.rows), v.Int(c.evaluated), ToInt64(v.Row(c.failed)[0]), c.threshold, r)
	r.Details = map[string]any{"changed_in": c.params.Dataset, "coordinated_sample": c.coordinated}
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d still in this state are recorded as changed in %s", countf(*r.Failed, "row"), *r.Evaluated, c.params.Dataset)
	}
}
