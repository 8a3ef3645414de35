// Package mask hides personal data in failing examples. Every value is
// masked unless the config says a column is not personal (mask: none) or a
// steward's local run sets examples.show_pii.
package mask

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Policy is how one column's values are shown.
type Policy string

const (
	// ID keeps the first and last four characters of an identifier, which
	// is enough to find the record and not enough to be the identifier.
	ID Policy = "id"
	// Name reduces a name to its initials.
	Name Policy = "name"
	// Date keeps the year.
	Date Policy = "date"
	// Partial keeps the first two characters and the last one; very short
	// values (codes such as a gender or a placeholder) stay readable.
	Partial Policy = "partial"
	// Hide shows nothing of the value.
	Hide Policy = "hide"
	// None shows the value in clear.
	None Policy = "none"
)

// Policies are the values a config's mask: may give a column, in the
// order messages list them.
var Policies = []Policy{ID, Name, Date, Partial, Hide, None}

// ParsePolicy reads a policy as written in a config's mask:.
func ParsePolicy(s string) (Policy, error) {
	for _, p := range Policies {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(Policies))
	for i, p := range Policies {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown mask %q (%s)", s, strings.Join(names, ", "))
}

// Value masks s according to p.
func Value(p Policy, s string) string {
	switch p {
	case None:
		return s
	case Hide:
		return "****"
	case ID:
		// A 12-digit CCCD keeps 4 + 4 (enough to find the record, as
		// DESIGN shows); a shorter ID (a 10-digit BHXH or tax code) keeps
		// 2 + 2, so most of it is never shown.
		if utf8.RuneCountInString(s) >= 12 {
			return keep(s, 4, 4, 2, 8)
		}
		return keep(s, 2, 2, 2, 6)
	case Name:
		return initials(s)
	case Date:
		if len(s) >= 4 {
			return s[:4] + strings.Repeat("*", utf8.RuneCountInString(s)-4)
		}
		return strings.Repeat("*", len(s))
	default:
		return keep(s, 2, 1, 3, 4)
	}
}

// keep shows head and tail runes of s, stars between. Values of at most
// clear runes are codes (a gender, N/A) and stay readable; values of at
// most short runes get their right half starred, so a short identifier
// never shows whole.
func keep(s string, head, tail, clear, short int) string {
	r := []rune(s)
	n := len(r)
	switch {
	case n <= clear:
		return s
	case n <= short:
		k := n / 2
		return string(r[:n-k]) + strings.Repeat("*", k)
	case n <= head+tail:
		return string(r[:1]) + strings.Repeat("*", n-1)
	}
	return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
}

// initials turns "Nguyễn Văn An" into "N. V. A.", composing first so a
// decomposed name gives the same initials as its composed twin.
func initials(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(norm.NFC.String(s)) {
		r, _ := utf8.DecodeRuneInString(w)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToUpper(r))
		b.WriteByte('.')
	}
	return b.String()
}
