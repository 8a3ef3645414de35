package mask

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Property is what made a value fail, as its check knows it. A masked
// example shows it beside the masked value (Explain), so that a reader
// sees why the value failed without seeing the value.
type Property int

const (
	// Form is a value of the wrong form: a format or a pattern. Its shape
	// shows it.
	Form Property = iota + 1
	// Range is a value out of range: a date's year shows it, and the
	// shape of anything else (a number's sign and digits, a date written
	// another way).
	Range
	// Length is a value of the wrong length.
	Length
)

// Evidence is what an example may show of a value beside its mask.
type Evidence struct {
	// Shape is the value with every digit as 9, every capital letter as
	// A, every small letter as a and every space as ␣; other characters
	// stay (they are the form: separators, signs).
	Shape string
	// Year is the year of a date.
	Year *int
	// Length is the value's length in characters.
	Length *int
}

// Explain is what an example may show of s, masked under p, to say why
// it failed for prop. A value in clear (None) needs nothing; a hidden one
// (Hide) shows nothing; a name's shape would spell the length of every
// word, so a name shows its length only. Years, shapes and lengths carry
// no digit or letter of the value.
func Explain(p Policy, prop Property, s string) Evidence {
	if p == None || p == Hide {
		return Evidence{}
	}
	switch prop {
	case Length:
		n := utf8.RuneCountInString(s)
		return Evidence{Length: &n}
	case Range:
		if y, ok := year(s); ok {
			return Evidence{Year: &y}
		}
		fallthrough
	case Form:
		if p == Name {
			return Evidence{}
		}
		return Evidence{Shape: Cut(shape(s), MaxValue)}
	}
	return Evidence{}
}

// shape writes s with its digits and letters as 9, A and a. A decomposed
// letter is composed first, and a combining mark left over dropped, so
// that "ễ" is one a, whichever way it was written.
func shape(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		switch {
		case unicode.IsDigit(r):
			b.WriteByte('9')
		case unicode.IsLower(r):
			b.WriteByte('a')
		case unicode.IsLetter(r):
			b.WriteByte('A')
		case r == ' ':
			b.WriteRune('␣')
		case unicode.Is(unicode.Mn, r):
		case unicode.IsSpace(r), unicode.IsControl(r), !unicode.IsPrint(r):
			// A tab or an invisible character: seen, not shown as itself.
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isoDate is how engines write a date or a timestamp as text.
var isoDate = regexp.MustCompile(`^\s*(\d{4})-\d{2}-\d{2}(?:[ T]|$)`)

func year(s string) (int, bool) {
	m := isoDate.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	y, err := strconv.Atoi(m[1])
	return y, err == nil
}
