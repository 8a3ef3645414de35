package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

// rateThreshold is the pass-rate bar of a row check: pass at or above
// mostly; a stricter warn.mostly turns a pass below it into warn.
type rateThreshold struct {
	mostly float64
	warn   *float64
}

func parseRateThreshold(spec *config.Check) (rateThreshold, error) {
	t := rateThreshold{mostly: 1}
	if spec.Mostly != nil {
		t.mostly = *spec.Mostly
	}
	for k, n := range spec.Warn {
		if k != "mostly" {
			return t, spec.Errorf(k, "warn takes only mostly for a %s check", spec.Kind)
		}
		var w float64
		if err := n.Decode(&w); err != nil || w < 0 || w > 1 {
			return t, spec.Errorf(k, "warn.mostly must be a share between 0 and 1")
		}
		if w < t.mostly {
			return t, spec.Errorf(k, "warn.mostly (%v) must be stricter than mostly (%v): it warns about a pass that is close to failing", w, t.mostly)
		}
		t.warn = &w
	}
	return t, nil
}

func (t rateThreshold) status(rate float64) result.Status {
	switch {
	case rate < t.mostly:
		return result.Fail
	case t.warn != nil && rate < *t.warn:
		return result.Warn
	}
	return result.Pass
}

func (t rateThreshold) describe() map[string]any {
	m := map[string]any{"mostly": t.mostly}
	if t.warn != nil {
		m["warn"] = map[string]any{"mostly": *t.warn}
	}
	return m
}

func ptr[T any](v T) *T { return &v }

func countf(n int64, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
