package scorecard

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// MaxTableExamples is how many failing examples a check's row of
// WriteCheckTable shows; the JSON has them all.
const MaxTableExamples = 3

// WriteCheckTable prints one dataset's checks for a steward at a
// terminal (dq check): a line on the dataset (rows read, of how many,
// how sampled), then one row per check: CHECK, STATUS, FAILED/EVALUATED
// (rows; "-" for a table check), RESULT (the pass rate with its 95%
// interval on a sample, or a table check's value and unit), EXAMPLES
// (masked, as in the scorecard), and then the message of every check
// that did not pass. With color, statuses are coloured as in
// WriteSummary.
func WriteCheckTable(w io.Writer, d *Dataset, color bool) {
	paint := func(s Status) string { return string(s) }
	header := "STATUS"
	if color {
		paint = func(s Status) string { return statusColor(s) + string(s) + ansiReset }
		header = ansiPlain + header + ansiReset
	}
	fmt.Fprintf(w, "%s: %s\n", cell(d.ID), datasetLine(d))
	if d.Error != "" {
		fmt.Fprintf(w, "  %s: %s\n", paint(Error), oneLine(d.Error))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join([]string{"CHECK", header, "FAILED/EVALUATED", "RESULT", "EXAMPLES"}, "\t"))
	for _, c := range d.Checks {
		counts := "-"
		if c.Failed != nil && c.Evaluated != nil {
			counts = fmt.Sprintf("%d/%d", *c.Failed, *c.Evaluated)
		}
		fmt.Fprintln(tw, strings.Join([]string{cell(c.ID), paint(c.Status), counts, checkResult(c), cell(examplesLine(c.Examples))}, "\t"))
	}
	tw.Flush()
	first := true
	for _, c := range d.Checks {
		if c.Status == Pass || c.Message == "" || d.Error != "" && c.Status == Error {
			continue
		}
		if first {
			fmt.Fprintln(w)
			first = false
		}
		fmt.Fprintf(w, "  %s: %s: %s\n", cell(c.ID), paint(c.Status), oneLine(c.Message))
	}
}

// datasetLine says what was read: rows, of how many, and how sampled.
func datasetLine(d *Dataset) string {
	var parts []string
	if d.RowsSampled != nil {
		s := strconv.FormatInt(*d.RowsSampled, 10) + " rows"
		if d.RowsTotal != nil && *d.RowsTotal != *d.RowsSampled {
			s += fmt.Sprintf(" of %d", *d.RowsTotal)
		}
		parts = append(parts, s)
	}
	switch d.Sample.Method {
	case "", "full":
		parts = append(parts, "every row")
	case "hash":
		if d.Sample.Fraction != nil {
			parts = append(parts, fmt.Sprintf("hash sample of %g%% on %s", *d.Sample.Fraction*100, d.Sample.Key))
		}
	default:
		parts = append(parts, d.Sample.Method+" sample")
	}
	if d.Status != "" {
		parts = append(parts, "status "+string(d.Status))
	}
	return strings.Join(parts, ", ")
}

// checkResult is a row check's pass rate (with its 95% interval when the
// rows were a sample) or a table check's value.
func checkResult(c *Check) string {
	switch {
	case c.PassRate != nil:
		s := fmt.Sprintf("%.2f%%", *c.PassRate*100)
		if len(c.Interval95) == 2 {
			s += fmt.Sprintf(" (95%%: %.2f–%.2f)", c.Interval95[0]*100, c.Interval95[1]*100)
		}
		return s
	case c.Value != nil:
		return strings.TrimSpace(strconv.FormatFloat(*c.Value, 'f', -1, 64) + " " + c.Unit)
	}
	return "-"
}

func examplesLine(exs []Example) string {
	var parts []string
	for i, e := range exs {
		if i == MaxTableExamples {
			parts = append(parts, fmt.Sprintf("+%d", len(exs)-i))
			break
		}
		s := e.Value
		if e.Key != "" && e.Key != e.Value {
			s = e.Key + ": " + s
		}
		if e.Count != nil && *e.Count > 1 {
			s += fmt.Sprintf(" ×%d", *e.Count)
		}
		parts = append(parts, s)
	}
	return oneLine(strings.Join(parts, ", "))
}
