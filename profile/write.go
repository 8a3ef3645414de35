package profile

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/text/unicode/norm"
)

// WriteTable prints profiles for a steward at a terminal: per dataset a
// line (rows, how distinct values were counted, the sample shapes and
// domains were read from), then one row per column.
func WriteTable(w io.Writer, ps []*Profile) {
	for i, p := range ps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %s\n", cell(p.Dataset), header(p))
		if p.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", cell(p.Error))
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "COLUMN\tTYPE\tMISSING\tBLANK\tDISTINCT\tMIN\tMAX\tTOP VALUES\tSHAPES\tDOMAINS")
		for _, c := range p.Columns {
			distinct := strconv.FormatInt(c.Distinct, 10)
			if p.DistinctApproximate {
				distinct = "~" + distinct
			}
			fmt.Fprintln(tw, strings.Join([]string{
				cell(c.Name), cell(c.Type), pct(c.Share.Missing), pct(c.Share.Blank), distinct,
				cell(cut(c.Min, 24)), cell(cut(c.Max, 24)), cell(counts(c.Top, 3, p.Rows)), cell(counts(c.Shapes, 2, c.samplePres)), domains(c.Domains),
			}, "\t"))
		}
		tw.Flush()
	}
}

// WriteJSON prints profiles as JSON: one object, or a list for several.
func WriteJSON(w io.Writer, ps []*Profile) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(ps) == 1 {
		return enc.Encode(ps[0])
	}
	return enc.Encode(ps)
}

func header(p *Profile) string {
	s := fmt.Sprintf("%d rows", p.Rows)
	if p.RowsTotal > 0 {
		s += fmt.Sprintf(" (a sample of %d)", p.RowsTotal)
	}
	if p.DistinctApproximate {
		s += "; distinct counts are approximate (~, HyperLogLog, a few percent off)"
	} else {
		s += "; distinct counts exact"
	}
	if p.SampleRows > 0 && p.SampleRows < p.Rows {
		s += fmt.Sprintf("; shapes and domains from a sample of %d rows", p.SampleRows)
	}
	return s
}

func pct(f float64) string {
	switch {
	case f == 0:
		return "0%"
	case f < 0.001:
		return "<0.1%"
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}

// counts is the first n values with their share of total.
func counts(cs []Count, n int, total int64) string {
	var parts []string
	for i, c := range cs {
		if i == n {
			break
		}
		s := c.Value
		if s == "" {
			s = `""`
		}
		if total > 0 {
			s += " " + pct(float64(c.Count)/float64(total))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func domains(ds []Domain) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Name+" "+pct(d.Share))
	}
	return strings.Join(parts, ", ")
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// cell keeps a value on its line and in its column; NFC, since tabwriter
// counts runes.
func cell(s string) string {
	return norm.NFC.String(strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s))
}
