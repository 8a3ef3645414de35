package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "references", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &references{} }})
}

// references is reference integrity: the share of non-missing values of a
// column that exist in another dataset's key (or a column of it), or in a
// reference list shipped with dq (administrative units...).
type references struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Dataset   string `yaml:"dataset"`
		Key       string `yaml:"key"`
		Reference string `yaml:"reference"`
	}

	rows, evaluated Metric
	failed          Query
	coordinated     bool
	sampledOther    bool
}

var (
	_ Check     = (*references)(nil)
	_ Dependent = (*references)(nil)
)

func (c *references) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if spec.Column == "" {
		return spec.Errorf("column", "references needs the column: to look up")
	}
	if (c.params.Dataset == "") == (c.params.Reference == "") {
		return spec.Errorf("dataset", "references needs dataset: (with key:) or reference:, one of the two")
	}
	if c.params.Reference != "" && c.params.Key != "" {
		return spec.Errorf("key", "key: goes with dataset:; a reference list has its own code column")
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

// DefaultDimension: a shared code list or a master registry is what
// every registry must agree with, "unified"; another dataset is plain
// reference integrity, "correct".
func (c *references) DefaultDimension(cfg *config.Config) string {
	if c.params.Reference != "" || cfg.IsMaster(c.params.Dataset) {
		return unified
	}
	return ""
}

func (c *references) Datasets() []string {
	if c.params.Dataset == "" {
		return nil
	}
	return []string{c.params.Dataset}
}

func (c *references) References() []string {
	if c.params.Reference == "" {
		return nil
	}
	return []string{c.params.Reference}
}

func (c *references) other(s Scope) (*Relation, error) {
	if c.params.Reference != "" {
		return s.Reference(c.params.Reference)
	}
	return s.Other(c.params.Dataset)
}

func (c *references) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	other, err := c.other(s)
	if err != nil {
		return err
	}
	keyName := c.params.Key
	if keyName == "" {
		keyName = other.Key
	}
	if keyName == "" {
		return fmt.Errorf("%s has no key; say which column to look up with key:", other.ID)
	}
	key, err := otherColumn(other, keyName)
	if err != nil {
		return err
	}
	if c.coordinated, err = coordination(s, col.Name, other, key.Name, false); err != nil {
		return err
	}
	c.sampledOther = !other.Sample.Full()
	d := s.Dialect()
	missing := s.Missing(col)
	c.rows = s.Aggregate("COUNT(*)")
	c.evaluated = s.Aggregate(dialect.CountIf("NOT (" + missing + ")"))
	from := fmt.Sprintf("%s AS _dq LEFT JOIN (SELECT DISTINCT %s AS _dq_ref FROM %s AS o WHERE %s IS NOT NULL) r ON %s = r._dq_ref",
		s.Table(), joinKey(d, "o."+key.SQL), other.Table, "o."+key.SQL, joinKey(d, "_dq."+col.SQL))
	pred := fmt.Sprintf("NOT (%s) AND r._dq_ref IS NULL", missing)
	c.failed = s.Query(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", from, pred))
	crossExamples(s, from, pred, col)
	return nil
}

func (c *references) Evaluate(v Values, r *result.Check) {
	evaluateRate(v.Int(c.rows), v.Int(c.evaluated), ToInt64(v.Row(c.failed)[0]), c.threshold, r)
	target := c.params.Reference
	if target == "" {
		target = c.params.Dataset
	}
	r.Details = map[string]any{"in": target, "coordinated_sample": c.coordinated}
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d have a %s not found in %s", countf(*r.Failed, "row"), *r.Evaluated, c.spec.Column, target)
	}
}

// crossExamples lists failing rows of a join: this dataset's key and the
// checked column, read through alias _dq.
func crossExamples(s Scope, from, pred string, col Column) {
	d := s.Dialect()
	eq := ExampleQuery{Values: []string{col.Name}}
	sel := d.Text("_dq." + col.SQL)
	if key, ok := s.Key(); ok && key.Name != col.Name {
		sel = d.Text("_dq."+key.SQL) + ", " + sel
		eq.Key = key.Name
	}
	eq.SQL = fmt.Sprintf("SELECT %s FROM %s WHERE %s", sel, from, pred)
	s.Examples(eq)
}
