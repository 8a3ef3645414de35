package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
)

func init() {
	Register(Kind{Name: "length", Dimension: "correct", Severity: config.SeverityMinor, New: func() Check { return &length{} }})
}

// length bounds the number of characters (NFC code points) of a value.
type length struct {
	valueCheck
	params struct {
		Min *int `yaml:"min"`
		Max *int `yaml:"max"`
	}
}

var _ Check = (*length)(nil)

func (c *length) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	p := c.params
	if p.Min == nil && p.Max == nil {
		return spec.Errorf("min", "length needs min:, max: or both")
	}
	if p.Min != nil && p.Max != nil && *p.Min > *p.Max {
		return spec.Errorf("min", "min (%d) is greater than max (%d)", *p.Min, *p.Max)
	}
	return nil
}

func (c *length) valid(s Scope, col Column) (string, error) {
	n := s.Dialect().CharLength(col.SQL)
	switch {
	case c.params.Min != nil && c.params.Max != nil:
		return fmt.Sprintf("%s BETWEEN %d AND %d", n, *c.params.Min, *c.params.Max), nil
	case c.params.Min != nil:
		return fmt.Sprintf("%s >= %d", n, *c.params.Min), nil
	default:
		return fmt.Sprintf("%s <= %d", n, *c.params.Max), nil
	}
}
