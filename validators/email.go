package validators

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/dialect"
)

// Email checks an address with a pragmatic subset of RFC 5322: a dot-atom
// local part of at most 64 characters (no quoted strings, no comments), a
// domain of dot-separated labels of letters, digits and inner hyphens
// ending in an alphabetic TLD (no IP literals, no IDN in Unicode form:
// punycode xn-- labels pass), at most 254 characters in all.
type Email struct{}

func (Email) Name() string { return "email" }

const (
	emailAtom   = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
	emailLabel  = `[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
	emailPat    = emailAtom + `(?:\.` + emailAtom + `)*@(?:` + emailLabel + `\.)+[A-Za-z]{2,63}`
	emailLocal  = `[^@]{1,64}@[^@]+`
	emailMaxLen = 254
)

var emailRE = regexp.MustCompile(`^(?:` + emailPat + `)$`)

func (Email) Valid(s string) bool {
	// The pattern admits ASCII only, so bytes are characters.
	return len(s) <= emailMaxLen && emailRE.MatchString(s) && strings.IndexByte(s, '@') <= 64
}

func (Email) Predicate(d dialect.Dialect, x string) string {
	return "(" + d.RegexFullMatch(x, emailPat) + " AND " + d.RegexFullMatch(x, emailLocal) +
		" AND " + d.CharLength(x) + " <= " + strconv.Itoa(emailMaxLen) + ")"
}
