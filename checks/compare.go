package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "compare", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &compare{} }})
}

// compare checks two columns of the same row against each other: column
// op with, e.g. issued_date >= birth_date, end_date >= start_date, a = b.
// Types are handled as the columns have them: numbers as numbers, dates
// and timestamps as times (a date against a timestamp is its midnight), a
// text column cast to the other's type (a value that does not cast
// fails), two text columns as exact text (bytes: case and spaces count).
// as: number|date|timestamp|text reads both sides as that type instead.
//
// ignore_rows_if says which rows are not evaluated: any_missing (the
// default: a row missing either value; not_null reports those), all_missing
// (only rows missing both; a row missing one fails), never (every row; a
// missing value fails). nulls: fail means never.
type compare struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Op           string `yaml:"op"`
		With         string `yaml:"with"`
		As           string `yaml:"as"`
		IgnoreRowsIf string `yaml:"ignore_rows_if"`
	}
	op string // as SQL writes it

	rows, evaluated, failed Metric
}

var _ Check = (*compare)(nil)

var compareOps = map[string]string{"=": "=", "==": "=", "!=": "<>", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

var compareAs = map[string]dialect.Family{"number": dialect.Float, "date": dialect.Date, "timestamp": dialect.Timestamp, "text": dialect.Text}

func (c *compare) Init(spec *config.Check) error {
	c.spec = spec
	if spec.Column == "" || len(spec.Columns) > 0 {
		return spec.Errorf("column", "compare needs column: (the left side), op: and with: (the right side)")
	}
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	p := &c.params
	var ok bool
	if c.op, ok = compareOps[p.Op]; !ok {
		return spec.Errorf("op", "op must be one of =, !=, <, <=, >, >= (got %q)", p.Op)
	}
	if p.With == "" {
		return spec.Errorf("with", "compare needs with: the column on the right of %s", p.Op)
	}
	if _, ok := compareAs[p.As]; p.As != "" && !ok {
		return spec.Errorf("as", "as must be number, date, timestamp or text (got %q)", p.As)
	}
	switch p.IgnoreRowsIf {
	case "":
		p.IgnoreRowsIf = "any_missing"
		if spec.Nulls == "fail" {
			p.IgnoreRowsIf = "never"
		}
	case "any_missing", "all_missing", "never":
		if spec.Nulls == "fail" {
			return spec.Errorf("ignore_rows_if", "give ignore_rows_if: or nulls: fail, not both")
		}
	default:
		return spec.Errorf("ignore_rows_if", "ignore_rows_if must be any_missing, all_missing or never, got %q", p.IgnoreRowsIf)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *compare) Plan(s Scope) error {
	left, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	right, err := s.Column(c.params.With)
	if err != nil {
		return err
	}
	le, re, err := sides(s.Dialect(), left, right, c.params.As)
	if err != nil {
		return err
	}
	holds := fmt.Sprintf("COALESCE(%s %s %s, FALSE)", le, c.op, re)
	ml, mr := s.Missing(left), s.Missing(right)
	var evaluated, fails string
	switch c.params.IgnoreRowsIf {
	case "any_missing":
		evaluated = fmt.Sprintf("NOT (%s OR %s)", ml, mr)
		fails = fmt.Sprintf("%s AND NOT %s", evaluated, holds)
	case "all_missing":
		evaluated = fmt.Sprintf("NOT (%s AND %s)", ml, mr)
		fails = fmt.Sprintf("%s AND (%s OR %s OR NOT %s)", evaluated, ml, mr, holds)
	default:
		fails = fmt.Sprintf("(%s OR %s OR NOT %s)", ml, mr, holds)
	}
	c.rows = s.Aggregate("COUNT(*)")
	c.evaluated = c.rows
	if evaluated != "" {
		c.evaluated = s.Aggregate(dialect.CountIf(evaluated))
	}
	c.failed = s.Aggregate(dialect.CountIf(fails))
	registerExamples(s, fails, left, right)
	return nil
}

// sides renders both sides so that the engine compares them as as
// says, or as their types allow.
func sides(d dialect.Dialect, l, r Column, as string) (string, string, error) {
	if as != "" {
		fam := compareAs[as]
		le, err := readAs(d, l, fam)
		if err != nil {
			return "", "", err
		}
		re, err := readAs(d, r, fam)
		return le, re, err
	}
	lf, rf := l.Family, r.Family
	switch {
	case lf.Numeric() && rf.Numeric(), lf.Temporal() && rf.Temporal() && (lf == dialect.TimestampTZ) == (rf == dialect.TimestampTZ),
		lf == dialect.Bool && rf == dialect.Bool:
		return l.SQL, r.SQL, nil
	case lf.Temporal() && rf.Temporal():
		return "", "", fmt.Errorf("%s (%s) and %s (%s) are not both instants or both wall-clock times; say how to read them with as: timestamp", l.Name, l.Type, r.Name, r.Type)
	case lf == dialect.Text && rf == dialect.Text:
		return d.Exact(l.SQL), d.Exact(r.SQL), nil
	case lf == dialect.Text && comparableFamily(rf):
		return d.TryCast(l.SQL, castFamily(rf)), r.SQL, nil
	case rf == dialect.Text && comparableFamily(lf):
		return l.SQL, d.TryCast(r.SQL, castFamily(lf)), nil
	}
	return "", "", fmt.Errorf("compare cannot compare %s (%s) with %s (%s); say how with as: number, date, timestamp or text", l.Name, l.Type, r.Name, r.Type)
}

func comparableFamily(f dialect.Family) bool {
	return f.Numeric() || f.Temporal() || f == dialect.Bool
}

// castFamily is what a text value is cast to when compared with a column
// of family f: any number as a double, so '12.5' is compared with 12.
func castFamily(f dialect.Family) dialect.Family {
	if f.Numeric() {
		return dialect.Float
	}
	return f
}

// readAs renders a column as family fam: text exactly, a number or a
// time as it is when it already is one, else cast (NULL when it cannot).
func readAs(d dialect.Dialect, c Column, fam dialect.Family) (string, error) {
	switch {
	case fam == dialect.Text:
		return d.Exact(c.SQL), nil
	case fam == dialect.Float && c.Family.Numeric(), c.Family == fam:
		return c.SQL, nil
	case c.Family == dialect.Text, fam.Temporal() && c.Family.Temporal():
		return d.TryCast(c.SQL, fam), nil
	}
	return "", fmt.Errorf("column %s is %s and cannot be read as %s", c.Name, c.Type, fam)
}

func (c *compare) Evaluate(v Values, r *result.Check) {
	evaluateRate(v.Int(c.rows), v.Int(c.evaluated), v.Int(c.failed), c.threshold, r)
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d evaluated where %s %s %s does not hold", countf(*r.Failed, "row"), *r.Evaluated, c.spec.Column, c.params.Op, c.params.With)
	}
}
