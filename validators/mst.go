package validators

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/dialect"
)

// MST checks an enterprise tax code (mã số thuế): 10 digits PPNNNNNNNC
// whose 7-digit sequence is not all zeros and whose 10th digit is the
// check digit, or a dependent unit's <10 digits>-<001..999>. The 12-digit
// personal ID used as an individual's tax code from July 2025 is a cccd,
// not an mst.
type MST struct{}

func (MST) Name() string { return "mst" }

// mstWeights weigh digits 1–9 (python-stdnum's rule, DOMAIN §2).
var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// MSTCheckDigit returns the check digit of the first 9 digits of a tax
// code; ok is false when no digit fits (S mod 11 = 0) or first9 is not 9
// digits.
func MSTCheckDigit(first9 string) (digit byte, ok bool) {
	if len(first9) != 9 || !allDigits(first9) {
		return 0, false
	}
	s := 0
	for i, w := range mstWeights {
		s += w * int(first9[i]-'0')
	}
	r := s % 11
	if r == 0 {
		return 0, false
	}
	return byte('0' + 10 - r), true
}

func (MST) Valid(s string) bool {
	switch {
	case len(s) == 10 && allDigits(s):
	case len(s) == 14 && allDigits(s[:10]) && s[10] == '-' && allDigits(s[11:]) && s[11:] != "000":
	default:
		return false
	}
	if s[2:9] == "0000000" {
		return false
	}
	c, ok := MSTCheckDigit(s[:9])
	return ok && c == s[9]
}

// Predicate: with C = 10 − (S mod 11) and C a digit, C is right exactly
// when (S + C) mod 11 = 10 (S mod 11 = 0 would need C = 10), so one sum
// over the 10 digits decides it.
func (MST) Predicate(d dialect.Dialect, x string) string {
	terms := make([]string, 0, 10)
	for i, w := range mstWeights {
		terms = append(terms, fmt.Sprintf("%d * %s", w, d.DigitsToInt(substr(x, i+1, 1))))
	}
	terms = append(terms, d.DigitsToInt(substr(x, 10, 1)))
	pred := fmt.Sprintf("(%s) %% 11 = 10 AND %s <> '0000000' AND %s <> '000'",
		strings.Join(terms, " + "), substr(x, 3, 7), substr(x, 12, 3))
	return guarded(d, x, "[0-9]{10}(-[0-9]{3})?", pred)
}
