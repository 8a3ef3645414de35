package checks

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

// boundsParams are the keys of every kind that bounds a value: min: and
// max:, inclusive unless strict_min: or strict_max: is true (as Great
// Expectations' strict_min/strict_max). Kinds inline them in their own
// parameters.
type boundsParams struct {
	Min       yaml.Node `yaml:"min"`
	Max       yaml.Node `yaml:"max"`
	StrictMin bool      `yaml:"strict_min"`
	StrictMax bool      `yaml:"strict_max"`
}

// bounds is a parsed range: either bound may be absent, never both.
type bounds struct {
	min, max             *bound
	strictMin, strictMax bool
}

// parseBounds reads and validates a range. numbersOnly refuses dates and
// relative bounds (a length, a share). The edge cases are decided here,
// once for every kind: a bound written but empty (min: with no value,
// null, ~) is an error, not "no bound", as it is usually a template whose
// value went missing; min above max, or a strict range with min = max,
// can hold no value and is an error; strict_min without min: is one too.
func parseBounds(spec *config.Check, p *boundsParams, numbersOnly bool) (bounds, error) {
	var b bounds
	for _, side := range []struct {
		key  string
		node *yaml.Node
		dst  **bound
	}{{"min", &p.Min, &b.min}, {"max", &p.Max, &b.max}} {
		if side.node.Kind == 0 {
			continue
		}
		if side.node.Kind != yaml.ScalarNode {
			return b, spec.Errorf(side.key, "must be a single value")
		}
		if side.node.Tag == "!!null" {
			return b, spec.Errorf(side.key, "%s: is empty; leave %s: out for no bound, or give a value", side.key, side.key)
		}
		v, err := parseBound(side.node.Value)
		if err != nil {
			return b, spec.Errorf(side.key, "%v", err)
		}
		if numbersOnly && v.temporal() {
			return b, spec.Errorf(side.key, "%s must be a number, not %q", side.key, v.raw)
		}
		*side.dst = &v
	}
	b.strictMin, b.strictMax = p.StrictMin, p.StrictMax
	switch {
	case b.min == nil && b.max == nil:
		return b, spec.Errorf("min", "%s needs min:, max: or both", spec.Kind)
	case b.strictMin && b.min == nil:
		return b, spec.Errorf("strict_min", "strict_min: goes with min:")
	case b.strictMax && b.max == nil:
		return b, spec.Errorf("strict_max", "strict_max: goes with max:")
	case b.min != nil && b.max != nil && b.min.temporal() != b.max.temporal():
		return b, spec.Errorf("max", "min (%s) and max (%s) must both be numbers or both dates/times", b.min.raw, b.max.raw)
	}
	// Relative bounds are compared as they stand today: min: today with
	// max: -1y can never hold a value.
	if err := b.ordered(time.Now()); err != nil {
		return b, spec.Errorf("min", "%v", err)
	}
	return b, nil
}

// ordered reports a range that can hold no value at run start now.
func (b bounds) ordered(now time.Time) error {
	if b.min == nil || b.max == nil {
		return nil
	}
	lo, hi := b.min.value(now), b.max.value(now)
	when := ""
	if b.min.kind == boundRelative || b.max.kind == boundRelative {
		when = " at " + now.Format("2006-01-02 15:04")
	}
	switch {
	case lo > hi:
		return fmt.Errorf("min (%s) is greater than max (%s)%s: no value can be within", b.min.raw, b.max.raw, when)
	case lo == hi && (b.strictMin || b.strictMax):
		return fmt.Errorf("min and max are both %s and a bound is strict: no value can be within", b.min.raw)
	}
	return nil
}

func (b bounds) temporal() bool {
	if b.min != nil {
		return b.min.temporal()
	}
	return b.max.temporal()
}

// first is the bound that decides how a column is read (cast).
func (b bounds) first() *bound {
	if b.min != nil {
		return b.min
	}
	return b.max
}

// predicate is the SQL condition that expr is within the range; lit
// renders a bound. Both bounds inclusive read as BETWEEN.
func (b bounds) predicate(expr string, lit func(*bound) string) string {
	switch {
	case b.min != nil && b.max != nil && !b.strictMin && !b.strictMax:
		return fmt.Sprintf("%s BETWEEN %s AND %s", expr, lit(b.min), lit(b.max))
	case b.min != nil && b.max != nil:
		return fmt.Sprintf("%s %s %s AND %s %s %s", expr, op(">", b.strictMin), lit(b.min), expr, op("<", b.strictMax), lit(b.max))
	case b.min != nil:
		return fmt.Sprintf("%s %s %s", expr, op(">", b.strictMin), lit(b.min))
	default:
		return fmt.Sprintf("%s %s %s", expr, op("<", b.strictMax), lit(b.max))
	}
}

func op(o string, strict bool) string {
	if strict {
		return o
	}
	return o + "="
}

// within reports whether v, a number or a time as wallDays, is inside
// the range at run start now.
func (b bounds) within(v float64, now time.Time) bool {
	if b.min != nil {
		lo := b.min.value(now)
		if v < lo || (b.strictMin && v == lo) {
			return false
		}
	}
	if b.max != nil {
		hi := b.max.value(now)
		if v > hi || (b.strictMax && v == hi) {
			return false
		}
	}
	return true
}

// value is a bound as a number: itself, or a time as wallDays.
func (b bound) value(now time.Time) float64 {
	if b.kind == boundNumber {
		return b.num
	}
	return wallDays(b.resolve(now))
}

// wallDays is a time as days since 1970-01-01 on its own wall clock, the
// unit in which dates and timestamps are published as a check's value and
// bounds: a TIMESTAMP without zone is compared as written, never shifted.
func wallDays(t time.Time) float64 {
	w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return float64(w.UnixMicro()) / float64(24*time.Hour/time.Microsecond)
}

// unitDays is the unit of a date or time published as wallDays.
const unitDays = "days since 1970-01-01"

// metricThreshold is a bounded metric's bar: its range and a stricter
// warn range inside it.
type metricThreshold struct {
	bounds
	warn *bounds
}

// parseMetricThreshold reads the range and warn: {min:, max:}; warn
// bounds take the range's strictness and must lie within it (a side the
// range leaves open may have a warn bound alone).
func parseMetricThreshold(spec *config.Check, p *boundsParams, numbersOnly bool) (metricThreshold, error) {
	var t metricThreshold
	var err error
	if t.bounds, err = parseBounds(spec, p, numbersOnly); err != nil {
		return t, err
	}
	if len(spec.Warn) == 0 {
		return t, nil
	}
	var w boundsParams
	for k, n := range spec.Warn {
		switch k {
		case "min":
			w.Min = *n
		case "max":
			w.Max = *n
		default:
			return t, spec.Errorf(k, "warn takes min and max for a %s check", spec.Kind)
		}
	}
	wb, err := parseBounds(spec, &w, numbersOnly)
	if err != nil {
		return t, err
	}
	wb.strictMin, wb.strictMax = t.strictMin && wb.min != nil, t.strictMax && wb.max != nil
	now := time.Now()
	for _, c := range []struct {
		warn, main *bound
		lower      bool
	}{{wb.min, t.min, true}, {wb.max, t.max, false}} {
		switch {
		case c.warn == nil:
		case c.warn.temporal() != t.temporal():
			return t, spec.Errorf(boundKey(c.lower), "warn.%s must be of the same kind as the range (%s)", boundKey(c.lower), t.first().raw)
		case c.main == nil:
			// A warn bound on a side the range leaves open only warns.
		case c.lower && c.warn.value(now) < c.main.value(now), !c.lower && c.warn.value(now) > c.main.value(now):
			return t, spec.Errorf(boundKey(c.lower), "warn.%s (%s) must be stricter than %s (%s)", boundKey(c.lower), c.warn.raw, boundKey(c.lower), c.main.raw)
		}
	}
	t.warn = &wb
	return t, nil
}

func boundKey(lower bool) string {
	if lower {
		return "min"
	}
	return "max"
}

// status judges v (a number, or a time as wallDays) at run start now.
func (t metricThreshold) status(v float64, now time.Time) result.Status {
	switch {
	case !t.within(v, now):
		return result.Fail
	case t.warn != nil && !t.warn.within(v, now):
		return result.Warn
	}
	return result.Pass
}

// describe publishes the bar as the scoring reads it: min and max as
// numbers (dates as wallDays at run start), the strictness, and the warn
// range.
func (t metricThreshold) describe(now time.Time) map[string]any {
	m := t.bounds.describe(now)
	if t.warn != nil {
		m["warn"] = t.warn.describe(now)
	}
	return m
}

// text is the range for a message: "min 1, max 12", "above 0".
func (b bounds) text() string {
	var parts []string
	if b.min != nil {
		parts = append(parts, map[bool]string{false: "min ", true: "above "}[b.strictMin]+b.min.raw)
	}
	if b.max != nil {
		parts = append(parts, map[bool]string{false: "max ", true: "below "}[b.strictMax]+b.max.raw)
	}
	return strings.Join(parts, ", ")
}

func (b bounds) describe(now time.Time) map[string]any {
	m := map[string]any{}
	if b.min != nil {
		m["min"] = b.min.value(now)
		if b.strictMin {
			m["strict_min"] = true
		}
	}
	if b.max != nil {
		m["max"] = b.max.value(now)
		if b.strictMax {
			m["strict_max"] = true
		}
	}
	return m
}

// finite reports a usable metric value: a NULL aggregate or a NaN (a
// stddev over one value in some engines) is none.
func finite(v float64, ok bool) bool { return ok && !math.IsNaN(v) && !math.IsInf(v, 0) }
