package validators

import "github.com/vn-registries/dq/dialect"

// BHXH checks a social insurance number (mã số BHXH): 10 digits, no
// published check digit.
type BHXH struct{}

func (BHXH) Name() string { return "bhxh" }

func (BHXH) Valid(s string) bool { return len(s) == 10 && allDigits(s) }

func (BHXH) Predicate(d dialect.Dialect, x string) string {
	return d.RegexFullMatch(x, "[0-9]{10}")
}
