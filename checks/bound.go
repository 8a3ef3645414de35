package checks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vn-registries/dq/dialect"
)

// boundKind is what a between bound was written as.
type boundKind int

const (
	boundNumber boundKind = iota
	boundDate
	boundTimestamp
	boundRelative // today, now, -120y, +1d: resolved at the run's start
)

// bound is a parsed min: or max: of a between check.
type bound struct {
	raw    string
	kind   boundKind
	num    float64
	at     time.Time
	years  int
	months int
	days   int
	dur    time.Duration
	isDate bool // today or a calendar offset: a date, not an instant
}

var relativeBound = regexp.MustCompile(`^([+-])(\d+)(y|mo|w|d|h|m|s)$`)

func parseBound(raw string) (bound, error) {
	s := strings.TrimSpace(raw)
	b := bound{raw: s}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		b.kind, b.num = boundNumber, f
		return b, nil
	}
	switch strings.ToLower(s) {
	case "today":
		b.kind, b.isDate = boundRelative, true
		return b, nil
	case "now":
		b.kind = boundRelative
		return b, nil
	}
	if m := relativeBound.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		b.kind = boundRelative
		switch m[3] {
		case "y":
			b.years, b.isDate = n, true
		case "mo":
			b.months, b.isDate = n, true
		case "w":
			b.days, b.isDate = 7*n, true
		case "d":
			b.days, b.isDate = n, true
		case "h":
			b.dur = time.Duration(n) * time.Hour
		case "m":
			b.dur = time.Duration(n) * time.Minute
		case "s":
			b.dur = time.Duration(n) * time.Second
		}
		return b, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		b.kind, b.at = boundDate, t
		return b, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			b.kind, b.at = boundTimestamp, t
			return b, nil
		}
	}
	return b, fmt.Errorf("%q is not a number, a date (YYYY-MM-DD), a timestamp (YYYY-MM-DD HH:MM:SS), today, now, or a relative bound such as -120y, -30d, -48h", s)
}

func (b bound) temporal() bool { return b.kind != boundNumber }

// resolve returns the time a temporal bound stands for, at run start now
// (already in the dataset's time zone).
func (b bound) resolve(now time.Time) time.Time {
	if b.kind != boundRelative {
		return b.at
	}
	t := now
	if b.isDate {
		t = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	}
	return t.AddDate(b.years, b.months, b.days).Add(b.dur)
}

// literal renders the bound for a column of family fam.
func (b bound) literal(d dialect.Dialect, fam dialect.Family, now time.Time) string {
	if b.kind == boundNumber {
		return strconv.FormatFloat(b.num, 'f', -1, 64)
	}
	t := b.resolve(now)
	switch fam {
	case dialect.Date:
		return d.Date(t)
	case dialect.TimestampTZ:
		return d.TimestampTZ(t)
	default:
		return d.Timestamp(t)
	}
}
