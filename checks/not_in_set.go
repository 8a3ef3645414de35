package checks

import "github.com/vn-registries/dq/config"

func init() {
	Register(Kind{Name: "not_in_set", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &notInSet{} }})
}

// notInSet is in_set negated: a value fails when it is one of values:
// (a retired code, a placeholder such as 000000000000), compared as text.
type notInSet struct {
	valueCheck
	params setParams
}

var _ Check = (*notInSet)(nil)

func (c *notInSet) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	return c.params.validate(spec)
}

func (c *notInSet) valid(s Scope, col Column) (string, error) {
	return "NOT " + c.params.member(s.Dialect(), col), nil
}
