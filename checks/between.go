package checks

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

func init() {
	Register(Kind{Name: "between", Dimension: "correct", Severity: config.SeverityMinor, New: func() Check { return &between{} }})
}

// between bounds numbers, dates and timestamps, inclusively. Bounds may be
// relative to the run's start (today, now, -120y), so a nightly job needs
// no edit. A text column is cast to the bounds' type; a value that does not
// cast is invalid.
type between struct {
	valueCheck
	params struct {
		Min yaml.Node `yaml:"min"`
		Max yaml.Node `yaml:"max"`
	}
	min, max *bound
}

var _ Check = (*between)(nil)

func (c *between) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	for _, side := range []struct {
		key  string
		node *yaml.Node
		dst  **bound
	}{{"min", &c.params.Min, &c.min}, {"max", &c.params.Max, &c.max}} {
		if side.node.Kind == 0 {
			continue
		}
		if side.node.Kind != yaml.ScalarNode {
			return spec.Errorf(side.key, "must be a single value")
		}
		b, err := parseBound(side.node.Value)
		if err != nil {
			return spec.Errorf(side.key, "%v", err)
		}
		*side.dst = &b
	}
	if c.min == nil && c.max == nil {
		return spec.Errorf("min", "between needs min:, max: or both")
	}
	if c.min != nil && c.max != nil && c.min.temporal() != c.max.temporal() {
		return spec.Errorf("max", "min (%s) and max (%s) must both be numbers or both dates/times", c.min.raw, c.max.raw)
	}
	if c.min != nil && c.max != nil && !c.min.temporal() && c.min.num > c.max.num {
		return spec.Errorf("min", "min (%s) is greater than max (%s)", c.min.raw, c.max.raw)
	}
	return nil
}

func (c *between) first() *bound {
	if c.min != nil {
		return c.min
	}
	return c.max
}

func (c *between) valid(s Scope, col Column) (string, error) {
	d := s.Dialect()
	temporal := c.first().temporal()
	expr, fam := col.SQL, col.Family
	switch {
	case fam == dialect.Text && temporal:
		fam = dialect.Date
		if c.first().kind == boundTimestamp || (c.first().kind == boundRelative && !c.first().isDate) {
			fam = dialect.Timestamp
		}
		expr = d.TryCast(expr, fam)
	case fam == dialect.Text:
		fam = dialect.Float
		expr = d.TryCast(expr, fam)
	case fam.Numeric() && temporal:
		return "", fmt.Errorf("column %s is %s but the bounds are dates or times (%s); use numbers or check a date column", col.Name, col.Type, c.first().raw)
	case fam.Temporal() && !temporal:
		return "", fmt.Errorf("column %s is %s but the bounds are numbers (%s); use dates such as 1900-01-01, today or -120y", col.Name, col.Type, c.first().raw)
	case !fam.Numeric() && !fam.Temporal():
		return "", fmt.Errorf("between cannot compare column %s of type %s", col.Name, col.Type)
	}
	now := s.Now()
	switch {
	case c.min != nil && c.max != nil:
		return fmt.Sprintf("%s BETWEEN %s AND %s", expr, c.min.literal(d, fam, now), c.max.literal(d, fam, now)), nil
	case c.min != nil:
		return fmt.Sprintf("%s >= %s", expr, c.min.literal(d, fam, now)), nil
	default:
		return fmt.Sprintf("%s <= %s", expr, c.max.literal(d, fam, now)), nil
	}
}
