package validators

import (
	"fmt"
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

// StagedPredicates: PostgreSQL's regex engine costs about 1 µs a row for
// the patterns above. There the number is read without its separators,
// then without its national prefix (0, 84 or +84: its first characters
// say which) as bytes, each once per row, and the rest is tested by its
// length and bytes: both predicates took 0.92 s per 1M rows, the two
// regular expressions 2.14 s; on bytes, with replace for translate
// (which walks multi-byte characters), 0.5 CPU-s less again
// (docs/performance.md). Elsewhere the regular expressions, which
// DuckDB's engine runs fast.
func (v PhoneVN) StagedPredicates(d dialect.Dialect, x string, share func(string) string) (valid, stale string) {
	if d.Name() != (dialect.Postgres{}).Name() {
		return v.Predicate(d, x), v.StalePredicate(d, x)
	}
	stripped := x
	for _, sep := range phoneSepChars {
		stripped = fmt.Sprintf("replace(%s, %s, '')", stripped, d.String(string(sep)))
	}
	s := share(stripped)
	// The national number's bytes (textsend: UTF-8 on dq's connections,
	// where any character outside ASCII is bytes of 0x80 and above).
	n := share(fmt.Sprintf("(CASE WHEN %[1]s IS NULL THEN NULL WHEN %[2]s LIKE '0%%' THEN substring(textsend(%[1]s) FROM 2) "+
		"WHEN %[2]s LIKE '84%%' THEN substring(textsend(%[1]s) FROM 3) WHEN %[2]s LIKE '+84%%' THEN substring(textsend(%[1]s) FROM 4) ELSE '\\x'::bytea END)",
		s, d.Exact(s)))
	r := loadRefs()
	// leading is the number the first len(p)-1 digits make (get_byte
	// reads ASCII codes: '0' is 48), and the tails of prefixes listed.
	leading := func(prefixes []string) (expr, list string) {
		width := len(prefixes[0]) - 1
		var terms []string
		zero := 0
		for i := 0; i < width; i++ {
			terms = append(terms, fmt.Sprintf("get_byte(%s, %d) * %d", n, i, pow10(width-1-i)))
			zero += 48 * pow10(width-1-i)
		}
		q := make([]string, len(prefixes))
		for i, p := range prefixes {
			v, _ := strconv.Atoi(p[1:])
			q[i] = strconv.Itoa(v)
		}
		return fmt.Sprintf("(%s - %d)", strings.Join(terms, " + "), zero), strings.Join(q, ", ")
	}
	digits := `'\x30313233343536373839'::bytea`
	// The national number: a mobile tail and 7 digits, or 2 and 9
	// digits; stale, an old mobile tail and 7 digits.
	mobile, mobiles := leading(r.mobile.list)
	valid = fmt.Sprintf("(CASE WHEN %[1]s IS NULL THEN NULL WHEN octet_length(btrim(%[1]s, %[2]s)) <> 0 THEN FALSE "+
		"WHEN octet_length(%[1]s) = 9 THEN %[3]s IN (%[4]s) ELSE octet_length(%[1]s) = 10 AND get_byte(%[1]s, 0) = 50 END)",
		n, digits, mobile, mobiles)
	old, olds := leading(r.oldMobile.list)
	stale = fmt.Sprintf("(CASE WHEN %[1]s IS NULL THEN NULL WHEN octet_length(btrim(%[1]s, %[2]s)) <> 0 THEN FALSE "+
		"ELSE octet_length(%[1]s) = 10 AND %[3]s IN (%[4]s) END)",
		n, digits, old, olds)
	return valid, stale
}

func pow10(n int) int {
	p := 1
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// phoneSepChars are the separators a number may be written with, as
// phoneSep allows them.
const phoneSepChars = " .-"

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
