package report

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// Numbers for people, one style throughout: the Vietnamese way, a dot
// between thousands and a decimal comma (20.400; 98,5 %), in the English
// text too, so that a figure reads the same in both languages. The plain
// machine form of every number is in a data-* attribute.

// bi is a text in Vietnamese and in English.
type bi struct{ Vi, En string }

func (b bi) empty() bool { return b.Vi == "" && b.En == "" }

func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fmtFixed writes v with the given decimals, a decimal comma and grouped
// thousands.
func fmtFixed(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(intPart, 10, 64)
	out := fmtInt(n)
	if frac != "" {
		out += "," + frac
	}
	if v < 0 && strings.Trim(s, "0.") != "" {
		out = "−" + out
	}
	return out
}

// fmtTrim is fmtFixed without trailing zeros: 7 days, 1,5 hours.
func fmtTrim(v float64, decimals int) string {
	s := fmtFixed(v, decimals)
	if strings.Contains(s, ",") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ",")
	}
	return s
}

// fmtScore has one decimal and never shows 100 for a score under 100.
func fmtScore(v float64) string {
	s := fmtFixed(v, 1)
	if v < 100 && s == "100,0" {
		return "99,9"
	}
	return s
}

// fmtNumber is a measured value: whole numbers grouped, others with at
// most two decimals.
func fmtNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmtInt(int64(v))
	}
	return fmtTrim(v, 2)
}

func fmtPercent(p float64) string { return fmtTrim(p, 2) + " %" }

// fmtRate writes a share (0..1) as a percentage with at most two decimals
// that never rounds a failure away: 99,999 % with failures is
// "> 99,99 %", not 100.
func fmtRate(rate float64, failed *int64) string {
	p := rate * 100
	s := fmtFixed(p, 2)
	switch {
	case s == "100,00" && (p < 100 || failed != nil && *failed > 0):
		return "> 99,99 %"
	case s == "0,00" && p > 0:
		return "< 0,01 %"
	}
	return fmtPercent(p)
}

func rawFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Times are shown in Vietnam's time (UTC+7, no daylight saving), dates
// as dd/mm/yyyy.
var vietnam = time.FixedZone("ICT", 7*3600)

func fmtTime(t time.Time) string { return t.In(vietnam).Format("02/01/2006 15:04") + " (GMT+7)" }

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006")
}

func fmtSeconds(s float64) bi {
	switch {
	case s < 10:
		return bi{fmtFixed(s, 1) + " giây", fmtFixed(s, 1) + " s"}
	case s < 120:
		return bi{fmtFixed(s, 0) + " giây", fmtFixed(s, 0) + " s"}
	}
	return bi{fmtFixed(s/60, 1) + " phút", fmtFixed(s/60, 1) + " min"}
}

// fmtAge says a number of hours in human units: minutes under an hour,
// hours under two days, days beyond (cập nhật cách đây 10 ngày).
func fmtAge(hours float64) bi {
	switch {
	case hours < 1:
		m := fmtTrim(hours*60, 0)
		return bi{m + " phút", m + plural(" minute", hours*60)}
	case hours < 48:
		h := fmtTrim(hours, 1)
		return bi{h + " giờ", h + plural(" hour", hours)}
	}
	d := fmtTrim(hours/24, 1)
	return bi{d + " ngày", d + plural(" day", hours/24)}
}

func plural(unit string, n float64) string {
	if math.Abs(n-1) < 0.05 {
		return unit
	}
	return unit + "s"
}

// records says a count of records in both languages.
func records(n int64) bi {
	return bi{fmtInt(n) + " bản ghi", fmtInt(n) + plural(" record", float64(n))}
}

// number reads a number from a scorecard: a float64, or an integer a
// Go value holds before it is written.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func count(v any) (int64, bool) {
	f, ok := number(v)
	if !ok || f != math.Trunc(f) {
		return 0, false
	}
	return int64(f), true
}
