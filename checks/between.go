package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

func init() {
	Register(Kind{Name: "between", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &between{} }})
}

// between bounds numbers, dates and timestamps, inclusively unless
// strict_min:/strict_max: say otherwise. Bounds may be relative to the
// run's start (today, now, -120y), so a nightly job needs no edit. A text
// column is cast to the bounds' type; a value that does not cast is
// invalid.
type between struct {
	valueCheck
	params boundsParams
	bounds bounds
}

var _ Check = (*between)(nil)

func (c *between) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	var err error
	c.bounds, err = parseBounds(spec, &c.params, false)
	return err
}

func (c *between) valid(s Scope, col Column) (string, error) {
	d := s.Dialect()
	expr, fam, err := castForBounds(d, col, c.bounds.first(), "between")
	if err != nil {
		return "", err
	}
	now := s.Now()
	if err := c.bounds.ordered(now); err != nil {
		return "", err
	}
	return c.bounds.predicate(expr, func(b *bound) string { return b.literal(d, fam, now) }), nil
}

// castForBounds is how a column is compared with bounds like first: a
// text column is cast to the bounds' type (a date, a timestamp, a
// number); a typed column must already be of it.
func castForBounds(d dialect.Dialect, col Column, first *bound, kind string) (string, dialect.Family, error) {
	temporal := first.temporal()
	expr, fam := col.SQL, col.Family
	switch {
	case fam == dialect.Text && temporal:
		fam = dialect.Date
		if first.kind == boundTimestamp || (first.kind == boundRelative && !first.isDate) {
			fam = dialect.Timestamp
		}
		expr = d.TryCast(expr, fam)
	case fam == dialect.Text:
		fam = dialect.Float
		expr = d.TryCast(expr, fam)
	case fam.Numeric() && temporal:
		return "", fam, fmt.Errorf("column %s is %s but the bounds are dates or times (%s); use numbers or check a date column", col.Name, col.Type, first.raw)
	case fam.Temporal() && !temporal:
		return "", fam, fmt.Errorf("column %s is %s but the bounds are numbers (%s); use dates such as 1900-01-01, today or -120y", col.Name, col.Type, first.raw)
	case !fam.Numeric() && !fam.Temporal():
		return "", fam, fmt.Errorf("%s cannot compare column %s of type %s", kind, col.Name, col.Type)
	}
	return expr, fam, nil
}
