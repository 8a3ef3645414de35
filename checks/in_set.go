package checks

import (
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

func init() {
	Register(Kind{Name: "in_set", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &inSet{} }})
}

// inSet checks values against an allowed list, compared as text so the
// same config works on a numeric code column and a string one.
type inSet struct {
	valueCheck
	params setParams
}

var _ Check = (*inSet)(nil)

func (c *inSet) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	return c.params.validate(spec)
}

func (c *inSet) valid(s Scope, col Column) (string, error) {
	return c.params.member(s.Dialect(), col), nil
}

// setParams is the values: list of in_set and not_in_set.
type setParams struct {
	Values []string `yaml:"values"`
}

// validate refuses an empty list: in_set would fail every value and
// not_in_set pass every one, whatever the data.
func (p *setParams) validate(spec *config.Check) error {
	if len(p.Values) == 0 {
		return spec.Errorf("values", "%s needs a non-empty values: list", spec.Kind)
	}
	return nil
}

// member is the predicate that the column's text is one of the values,
// compared exactly (case and trailing spaces count on every engine).
func (p *setParams) member(d dialect.Dialect, col Column) string {
	return d.InList(d.Exact(col.SQL), p.Values)
}
