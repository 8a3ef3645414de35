package checks

import (
	"strconv"

	"github.com/vn-registries/dq/config"
)

func init() {
	Register(Kind{Name: "length", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &length{} }})
}

// length bounds the number of characters (NFC code points) of a value,
// inclusively unless strict_min:/strict_max: say otherwise.
type length struct {
	valueCheck
	params boundsParams
	bounds bounds
}

var _ Check = (*length)(nil)

func (c *length) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	var err error
	c.bounds, err = parseBounds(spec, &c.params, true)
	return err
}

func (c *length) valid(s Scope, col Column) (string, error) {
	return c.bounds.predicate(s.Dialect().CharLength(col.SQL), func(b *bound) string {
		return strconv.FormatFloat(b.num, 'f', -1, 64)
	}), nil
}
