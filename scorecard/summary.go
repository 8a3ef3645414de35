package scorecard

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxSummaryFailures is how many failing checks WriteSummary lists.
const MaxSummaryFailures = 20

// Every colour sequence has the same length, and the STATUS header gets an
// invisible one of that length too, so that tabwriter (which counts bytes)
// still aligns the column.
const (
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiPlain  = "\x1b[39m"
	ansiReset  = "\x1b[0m"
)

// WriteSummary prints the run for people: an aligned table with one row
// per ministry (MINISTRY, NAME, SCORE, one column per dimension in the
// given order, STATUS, CHECKS as passed/total, where passed counts pass
// and warn), then, when the cards are given, the failing checks
// ("ministry/dataset/check: status: message"), at most MaxSummaryFailures
// lines. A dataset that could not be evaluated is one line with its error.
// Scores have one decimal, "-" when there is none. With color, statuses
// are coloured with ANSI codes (pass green, warn yellow, fail and error
// red).
func WriteSummary(w io.Writer, idx *Index, dimensions []string, color bool, cards ...*Card) {
	paint := func(s Status) string { return string(s) }
	header := "STATUS"
	if color {
		paint = func(s Status) string { return statusColor(s) + string(s) + ansiReset }
		header = ansiPlain + header + ansiReset
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cols := []string{"MINISTRY", "NAME", "SCORE"}
	for _, d := range dimensions {
		cols = append(cols, strings.ToUpper(d))
	}
	cols = append(cols, header, "CHECKS")
	fmt.Fprintln(tw, strings.Join(cols, "\t"))
	for _, e := range idx.Ministries {
		row := []string{cell(e.ID), cell(e.Name), formatScore(e.Score)}
		for _, d := range dimensions {
			if s, ok := e.Dimensions[d]; ok {
				row = append(row, formatScore(&s))
			} else {
				row = append(row, "-")
			}
		}
		row = append(row, paint(e.Status), fmt.Sprintf("%d/%d", e.Checks-e.Failed, e.Checks))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()

	if len(cards) == 0 {
		return
	}
	byID := make(map[string]*Card, len(cards))
	for _, c := range cards {
		if c != nil {
			byID[c.Ministry.ID] = c
		}
	}
	var lines []string
	add := func(where string, s Status, msg string) {
		line := fmt.Sprintf("  %s: %s", where, paint(s))
		if msg = oneLine(msg); msg != "" {
			line += ": " + msg
		}
		lines = append(lines, line)
	}
	for _, e := range idx.Ministries {
		c := byID[e.ID]
		if c == nil {
			continue
		}
		for _, d := range c.Datasets {
			if d == nil {
				continue
			}
			where := e.ID + "/" + d.ID
			if d.Error != "" {
				add(where, Error, d.Error)
			}
			for _, ch := range d.Checks {
				if ch == nil || ch.Status != Fail && ch.Status != Error {
					continue
				}
				if d.Error != "" && ch.Status == Error {
					continue // said once for the dataset
				}
				add(where+"/"+ch.ID, ch.Status, ch.Message)
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Failing checks:")
	for i, l := range lines {
		if i == MaxSummaryFailures {
			fmt.Fprintf(w, "  ... and %d more\n", len(lines)-i)
			break
		}
		fmt.Fprintln(w, l)
	}
}

func statusColor(s Status) string {
	switch s {
	case Pass:
		return ansiGreen
	case Warn:
		return ansiYellow
	case Fail, Error:
		return ansiRed
	}
	return ansiPlain
}

func formatScore(s *float64) string {
	if s == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *s)
}

// cell keeps a table cell on its line and in its column; NFC so that
// tabwriter, which counts runes, counts a Vietnamese letter once.
func cell(s string) string {
	return norm.NFC.String(strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s))
}

// oneLine flattens a message (SQL errors span lines) and cuts it at 160
// characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const limit = 160
	if utf8.RuneCountInString(s) > limit {
		r := []rune(s)
		s = string(r[:limit-1]) + "…"
	}
	return s
}
