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
// of the same column (cccd: '^[0-9]{12}$') tests the same.
func (v CCCDValidator) StagedPredicates(d dialect.Dialect, x string, share func(string) string) (valid, stale string) {
	return guardedBy(share(d.RegexFullMatch(x, cccdPattern)), x, v.structure(d, x)), ""
}

// centuryOK renders "the implied birth year is not after now" without
// arithmetic: whole centuries before now by digit 4, the current century
// by comparing digits 5–6 as text (two ASCII digits sort as numbers).
func (v CCCDValidator) centuryOK(d dialect.Dialect, x string) string {
	var full []string
	var terms []string
	for c := 0; c < 5; c++ {
		base := 1900 + 100*c
		digits := []string{d.String(fmt.Sprint(2 * c)), d.String(fmt.Sprint(2*c + 1))}
		switch {
		case base+99 <= v.now:
			full = append(full, digits...)
		case base <= v.now:
			terms = append(terms, fmt.Sprintf("(%s IN (%s) AND %s <= %s)",
				substr(x, 4, 1), strings.Join(digits, ", "), substr(x, 5, 2), d.String(fmt.Sprintf("%02d", v.now-base))))
		}
	}
	if len(full) > 0 {
		terms = append([]string{fmt.Sprintf("%s IN (%s)", substr(x, 4, 1), strings.Join(full, ", "))}, terms...)
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
