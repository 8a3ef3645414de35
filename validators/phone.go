package validators

import (
	"strconv"
	"strings"

	"github.com/vn-registries/dq/dialect"
)

// PhoneVN checks a Vietnamese phone number as written: spaces, dots and
// dashes are ignored and a leading +84 or 84 stands for the national 0.
// Valid are 10-digit mobiles with a prefix of mobile_prefixes.csv and
// 11-digit landlines 02x + 8 digits. An 11-digit mobile of before the 2018
// renumbering (0162..., 0120...) is invalid and stale.
type PhoneVN struct{}

func (PhoneVN) Name() string { return "phone_vn" }

// NormalizePhone strips spaces, dots and dashes and maps a leading +84 or
// 84 to 0. It does not judge the result.
func NormalizePhone(s string) string {
	b := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(b, "+84"):
		return "0" + b[3:]
	case strings.HasPrefix(b, "84"):
		return "0" + b[2:]
	}
	return b
}

// PhoneKind classifies a normalised number.
type PhoneKind int

const (
	PhoneInvalid PhoneKind = iota
	PhoneMobile
	PhoneLandline
	// PhoneStale is an 11-digit mobile of before the 2018 renumbering.
	PhoneStale
)

// ParsePhone normalises s and classifies it.
func ParsePhone(s string) (national string, kind PhoneKind) {
	n := NormalizePhone(s)
	r := loadRefs()
	switch {
	case !allDigits(n):
	case len(n) == 10 && r.mobile.has[n[:3]]:
		return n, PhoneMobile
	case len(n) == 11 && n[:2] == "02":
		return n, PhoneLandline
	case len(n) == 11 && r.oldMobile.has[n[:4]]:
		return n, PhoneStale
	}
	return n, PhoneInvalid
}

// MigratePhone maps a stale 11-digit mobile to its 10-digit number (0162
// → 032...); ok is false for anything else.
func MigratePhone(s string) (string, bool) {
	n, k := ParsePhone(s)
	if k != PhoneStale {
		return "", false
	}
	return loadRefs().oldToNew[n[:4]] + n[4:], true
}

func (PhoneVN) Valid(s string) bool {
	_, k := ParsePhone(s)
	return k == PhoneMobile || k == PhoneLandline
}

func (PhoneVN) Stale(s string) bool {
	_, k := ParsePhone(s)
	return k == PhoneStale
}

func (PhoneVN) StaleLabel() string { return "stale_11digit" }

// The SQL is one regular expression over the value as written, with the
// separators allowed anywhere; the tests hold it to ParsePhone.
func (PhoneVN) Predicate(d dialect.Dialect, x string) string {
	return d.RegexFullMatch(x, phonePattern(false))
}

func (PhoneVN) StalePredicate(d dialect.Dialect, x string) string {
	return d.RegexFullMatch(x, phonePattern(true))
}

const phoneSep = `[ .-]*`

// spaced writes each digit of digits followed by optional separators.
func spaced(digits string) string {
	var b strings.Builder
	for i := 0; i < len(digits); i++ {
		b.WriteByte(digits[i])
		b.WriteString(phoneSep)
	}
	return b.String()
}

// anyDigits is n digits, each followed by optional separators.
func anyDigits(n int) string {
	return "(?:[0-9]" + phoneSep + "){" + strconv.Itoa(n) + "}"
}

// phonePattern is the national prefix (0, 84 or +84) then the national
// number without its 0: a mobile tail and 7 digits or 2 and 9 digits; or,
// for stale, an old 11-digit mobile tail and 7 digits.
func phonePattern(stale bool) string {
	r := loadRefs()
	lead := phoneSep + `(?:\+` + phoneSep + spaced("84") + "|" + spaced("84") + "|" + spaced("0") + ")"
	var tails []string
	prefixes := r.mobile.list
	if stale {
		prefixes = r.oldMobile.list
	}
	for _, p := range prefixes {
		tails = append(tails, spaced(p[1:]))
	}
	body := "(?:" + strings.Join(tails, "|") + ")" + anyDigits(7)
	if !stale {
		body = "(?:" + body + "|" + spaced("2") + anyDigits(9) + ")"
	}
	return lead + body
}
