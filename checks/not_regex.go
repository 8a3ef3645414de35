package checks

import "github.com/vn-registries/dq/config"

func init() {
	Register(Kind{Name: "not_regex", Dimension: "correct", Severity: config.SeverityMajor, Columns: NamedColumns, New: func() Check { return &notRegex{} }})
}

// notRegex is regex negated: a value fails when it matches the pattern,
// or, with patterns:, any of them (match: any, the default) or all of
// them (match: all). For what must never appear: a placeholder name, a
// test ID, letters in a phone number.
type notRegex struct {
	valueCheck
	params patternParams
}

var _ Check = (*notRegex)(nil)

func (c *notRegex) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	return c.params.validate(spec)
}

// valid may be NULL where the engine cannot match (never for a text
// value); valueCheck counts that as a failure, as for regex.
func (c *notRegex) valid(s Scope, col Column) (string, error) {
	return "NOT " + c.params.matches(s, col), nil
}
