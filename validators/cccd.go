package validators

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/dialect"
)

// CCCDValidator checks a 12-digit personal identification number (số định
// danh cá nhân, on the CCCD card): digits 1–3 a birthplace code of
// Circular 07/2016 (the 63 pre-2025 provinces), digit 4 the century and
// sex, digits 5–6 the birth year within the century. There is no check
// digit. The implied birth year must not be after the year of Options.Now.
type CCCDValidator struct {
	now int // year
}

// CCCD returns the cccd validator.
func CCCD(o Options) CCCDValidator { return CCCDValidator{now: o.year()} }

func (CCCDValidator) Name() string { return "cccd" }

// CCCDInfo is what a structurally valid number says about its holder.
type CCCDInfo struct {
	Birthplace string // digits 1–3
	BirthYear  int
	Male       bool
}

// ParseCCCD reads the fields of a 12-digit number with a known birthplace
// code, without judging the year.
func ParseCCCD(s string) (CCCDInfo, bool) {
	if len(s) != 12 || !allDigits(s) || !loadRefs().birthplaces.has[s[:3]] {
		return CCCDInfo{}, false
	}
	d4 := int(s[3] - '0')
	return CCCDInfo{
		Birthplace: s[:3],
		BirthYear:  1900 + 100*(d4/2) + int(s[4]-'0')*10 + int(s[5]-'0'),
		Male:       d4%2 == 0,
	}, true
}

func (v CCCDValidator) Valid(s string) bool {
	info, ok := ParseCCCD(s)
	return ok && info.BirthYear <= v.now
}

func (v CCCDValidator) Predicate(d dialect.Dialect, x string) string {
	return guarded(d, x, cccdPattern, v.structure(d, x))
}

const cccdPattern = "[0-9]{12}"

// structure is what 12 digits must also hold: a birthplace code, and a
// century digit not after now.
func (v CCCDValidator) structure(d dialect.Dialect, x string) string {
	return inList(d, substr(x, 1, 3), loadRefs().birthplaces.list) + " AND " + v.centuryOK(d, x)
}

// StagedPredicates: the 12-digit test once per row, where a regex check
// of the same column (cccd: '^[0-9]{12}$') tests the same; in
// PostgreSQL the fields are then read from the number (cccdFields).
func (v CCCDValidator) StagedPredicates(d dialect.Dialect, x string, share func(string) string) (valid, stale string) {
	match := share(d.RegexFullMatch(x, cccdPattern))
	if f, ok := cccdFields(d, x, share); ok {
		return guardedBy(match, x, fmt.Sprintf("%s IN (%s) AND %s", f.birthplace, strings.Join(f.birthplaces(), ", "), v.centuryOKOf(f.century, f.year, nil))), ""
	}
	return guardedBy(match, x, v.structure(d, x)), ""
}

// StagedFields are BirthYearSQL and MaleSQL as StagedPredicates reads
// the number: only meaningful where Predicate holds.
func (v CCCDValidator) StagedFields(d dialect.Dialect, x string, share func(string) string) (birthYear, male string) {
	if f, ok := cccdFields(d, x, share); ok {
		return fmt.Sprintf("(1900 + 100 * (%s / 2) + %s)", f.century, f.year), fmt.Sprintf("(%s %% 2 = 0)", f.century)
	}
	return v.BirthYearSQL(d, x), v.MaleSQL(x)
}

// numberFields are a CCCD's fields as integer expressions.
type numberFields struct{ birthplace, century, year string }

func (numberFields) birthplaces() []string {
	codes := loadRefs().birthplaces.list
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = strings.TrimLeft(c, "0")
	}
	return out
}

// cccdFields: PostgreSQL reads the 12 digits once per row as a number,
// where they are 12 ASCII digits (so the cast cannot fail), and each
// field by integer division, where SUBSTR costs an allocation and a walk
// over the characters each time: the validator with its birth-year and
// gender cross-checks took 0.45 CPU-s less per 1M rows
// (docs/performance.md). Elsewhere, ok is false.
func cccdFields(d dialect.Dialect, x string, share func(string) string) (numberFields, bool) {
	if d.Name() != (dialect.Postgres{}).Name() {
		return numberFields{}, false
	}
	match := share(d.RegexFullMatch(x, cccdPattern))
	n := share(fmt.Sprintf("(CASE WHEN %s THEN CAST(%s AS BIGINT) END)", match, x))
	return numberFields{
		birthplace: fmt.Sprintf("(%s / 1000000000)", n),
		century:    fmt.Sprintf("(%s / 100000000 %% 10)", n),
		year:       fmt.Sprintf("(%s / 1000000 %% 100)", n),
	}, true
}

// centuryOK renders "the implied birth year is not after now" without
// arithmetic: whole centuries before now by digit 4, the current century
// by comparing digits 5–6 as text (two ASCII digits sort as numbers).
func (v CCCDValidator) centuryOK(d dialect.Dialect, x string) string {
	return v.centuryOKOf(substr(x, 4, 1), substr(x, 5, 2), d)
}

// centuryOKOf is centuryOK over digit 4 and digits 5–6 as written: text
// compared as text when d is given, integers otherwise.
func (v CCCDValidator) centuryOKOf(century, year string, d dialect.Dialect) string {
	lit := func(n int, width int) string {
		if d == nil {
			return fmt.Sprint(n)
		}
		return d.String(fmt.Sprintf("%0*d", width, n))
	}
	var full []string
	var terms []string
	for c := 0; c < 5; c++ {
		base := 1900 + 100*c
		digits := []string{lit(2*c, 1), lit(2*c+1, 1)}
		switch {
		case base+99 <= v.now:
			full = append(full, digits...)
		case base <= v.now:
			terms = append(terms, fmt.Sprintf("(%s IN (%s) AND %s <= %s)",
				century, strings.Join(digits, ", "), year, lit(v.now-base, 2)))
		}
	}
	if len(full) > 0 {
		terms = append([]string{fmt.Sprintf("%s IN (%s)", century, strings.Join(full, ", "))}, terms...)
	}
	if len(terms) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

// BirthYearSQL is the birth year a number implies, as a SQL integer; only
// meaningful where Predicate holds (it casts digits 5–6).
func (CCCDValidator) BirthYearSQL(d dialect.Dialect, x string) string {
	return fmt.Sprintf("(CASE %s WHEN '0' THEN 1900 WHEN '1' THEN 1900 WHEN '2' THEN 2000 WHEN '3' THEN 2000 WHEN '4' THEN 2100 WHEN '5' THEN 2100 WHEN '6' THEN 2200 WHEN '7' THEN 2200 WHEN '8' THEN 2300 WHEN '9' THEN 2300 END + %s)",
		substr(x, 4, 1), d.DigitsToInt(substr(x, 5, 2)))
}

// MaleSQL is true when digit 4 is even (male); only meaningful where
// Predicate holds.
func (CCCDValidator) MaleSQL(x string) string {
	return substr(x, 4, 1) + " IN ('0', '2', '4', '6', '8')"
}

// CMND checks a legacy identity card number: 9 digits (Decree 05/1999;
// no check digit and no published prefix table), or 12 digits issued from
// 2012 with the CCCD structure.
type CMND struct{ cccd CCCDValidator }

func (CMND) Name() string { return "cmnd" }

func (v CMND) Valid(s string) bool {
	return (len(s) == 9 && allDigits(s)) || v.cccd.Valid(s)
}

func (v CMND) Predicate(d dialect.Dialect, x string) string {
	return fmt.Sprintf("(%s OR %s)", CMNDLegacyPredicate(d, x), v.cccd.Predicate(d, x))
}

// CMNDLegacyPredicate is the 9-digit number of before 2012 alone: what
// CMND accepts where CCCD does not.
func CMNDLegacyPredicate(d dialect.Dialect, x string) string {
	return d.RegexFullMatch(x, "[0-9]{9}")
}
