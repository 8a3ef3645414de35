package checks

import (
	"fmt"
	"math"
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
	pred := c.bounds.predicate(s.Dialect().CharLength(col.SQL), func(b *bound) string {
		return strconv.FormatFloat(b.num, 'f', -1, 64)
	})
	if ol, ok := s.Dialect().(octetLengther); ok {
		if lo, hi, ok := c.sureBytes(); ok {
			// Counting characters walks the value; its bytes are counted.
			return fmt.Sprintf("(CASE WHEN %s BETWEEN %d AND %d THEN TRUE ELSE %s END)", ol.OctetLength(col.SQL), lo, hi, pred), nil
		}
	}
	return pred, nil
}

// octetLengther is a dialect that counts a value's bytes for less than
// its characters (PostgreSQL walks a UTF-8 value to count them: 0.26 s
// of CPU per 1M names, docs/performance.md).
type octetLengther interface{ OctetLength(expr string) string }

// sureBytes is a range of byte lengths whose every value holds a number
// of characters within the bounds, as a character is 1 to 4 bytes in
// every encoding: from 4 × the fewest characters allowed to the most.
// ok is false when no byte length is sure (a range under 4 × its
// minimum).
func (c *length) sureBytes() (lo, hi int64, ok bool) {
	lo, hi = 0, math.MaxInt32
	for _, b := range []*bound{c.bounds.min, c.bounds.max} {
		if b != nil && !(math.Abs(b.num) < 1e9) { // NaN, infinite, absurd
			return 0, 0, false
		}
	}
	if b := c.bounds.min; b != nil {
		least := int64(math.Ceil(b.num))
		if c.bounds.strictMin {
			least = int64(math.Floor(b.num)) + 1
		}
		lo = 4 * max(least, 0)
	}
	if b := c.bounds.max; b != nil {
		hi = int64(math.Floor(b.num))
		if c.bounds.strictMax {
			hi = int64(math.Ceil(b.num)) - 1
		}
	}
	return lo, hi, lo <= hi && hi >= 0
}
