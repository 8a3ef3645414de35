// Package profile tells a steward what a table holds, per column: its
// type, how much is missing or blank, how many distinct values
// (approximate on large data, and it says so), the smallest and largest
// value, the most frequent values with their counts, the values' shapes
// (DDDDDDDDDDDD, Aa Aa) and the domains it recognises (CCCD, CMND, MST,
// BHXH, phone, e-mail, administrative unit, a date written as text),
// masked where the column is personal. From a profile it suggests a
// dataset block of checks (Suggest).
//
// It reads the table in three queries, each one fused scan of every
// column, with the one notion of missing (dialect.Missing) computed once
// per value: the counts, distinct values and bounds over every row; then,
// on a reservoir sample of SampleRows rows, the frequent values, shapes
// and domains (whose SQL is the validators' own, package validators);
// then, over every row again, the exact counts of what the sample found,
// so a count or share it shows (and a suggestion's threshold) holds for
// every row. It writes SQL through the dialect and runs nothing itself:
// the caller's Querier does.
package profile

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/sqlvalue"
	"github.com/vn-registries/dq/validators"
)

// Querier runs one query and returns its one row (the engine's
// connection; planner.Executor has the same method).
type Querier interface {
	QueryRow(ctx context.Context, query string) ([]any, error)
}

// Input is a column of the table to profile.
type Input struct {
	Name   string
	Type   string // the engine's type name
	Family dialect.Family
}

// Options say what to profile and how.
type Options struct {
	// Dataset names the table in the profile; Table is its quoted
	// relation in the engine (DuckDB).
	Dataset string
	Table   string
	Columns []Input
	// Rows is the number of rows in Table; RowsTotal the population's
	// when the table is a sample, else -1.
	Rows, RowsTotal int64
	// Tokens are the null-like values that count as missing, besides
	// NULL and blank text (config.MissingTokens).
	Tokens []string
	// Now is the run's start: CCCD birth years are judged against it.
	Now time.Time
	// Policy is a column's masking as the config says it, ok false when
	// it says nothing: the profile then decides from what it found.
	Policy func(column string) (p mask.Policy, ok bool)
	// ExactDistinctUpTo is the largest table whose distinct values are
	// counted exactly; above, approx_count_distinct (HyperLogLog, a few
	// percent off). Default 1,000,000.
	ExactDistinctUpTo int64
	// SampleRows bounds the rows frequent values, shapes and domains are
	// found in (and then counted in every row). Default 10,000.
	SampleRows int64
	// Top is how many frequent values each column keeps. Default 5.
	Top int
	// Exact counts, over every row, how many present values are of each
	// column's best domain and match its shapes (the domains' SQL is
	// costly: an administrative unit is one of 3,321 codes), as Suggest
	// needs; without it those shares are the sample's.
	Exact bool
}

// Profile is what a table holds.
type Profile struct {
	Dataset string `json:"dataset"`
	// Rows profiled; RowsTotal is the population's when Rows are a
	// sample of it.
	Rows      int64 `json:"rows"`
	RowsTotal int64 `json:"rows_total,omitempty"`
	// DistinctApproximate says distinct counts are HyperLogLog estimates.
	DistinctApproximate bool `json:"distinct_approximate"`
	// SampleRows is how many rows shapes and domains were read from.
	SampleRows int64     `json:"sample_rows"`
	Columns    []*Column `json:"columns"`
	Error      string    `json:"error,omitempty"`
}

// Column is one column's profile. Counts are rows.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Missing counts NULL, blank text and null-like tokens (the one
	// notion of missing every check uses); Null and Blank are the first
	// two of them, the rest are tokens (N/A ...).
	Missing  int64  `json:"missing"`
	Null     int64  `json:"null"`
	Blank    int64  `json:"blank"`
	Share    Shares `json:"share"`
	Present  int64  `json:"present"`
	Distinct int64  `json:"distinct"`
	// Min and Max are of the present values, as text, masked as Top.
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`
	// MinLength and MaxLength are in characters, for text.
	MinLength *int64 `json:"min_length,omitempty"`
	MaxLength *int64 `json:"max_length,omitempty"`
	// Top are the most frequent present values (seen more than once),
	// with exact counts.
	Top []Count `json:"top,omitempty"`
	// Shapes are the most frequent shapes of the sampled present values
	// (digit D, capital A, a run of small letters a), counts in the
	// sample.
	Shapes []Count `json:"shapes,omitempty"`
	// Domains are the validators most sampled present values pass,
	// best first; a share of the sample's present values.
	Domains []Domain `json:"domains,omitempty"`
	// Mask is how the column's values are shown; Personal when it hides
	// anything.
	Mask     mask.Policy `json:"mask"`
	Personal bool        `json:"personal"`

	family     dialect.Family
	samplePres int64
	// candidates are the sample's frequent values, counted exactly into
	// values; pattern is a regex of the sample's shapes (codes), and
	// patternShare the share of every present value it matches.
	candidates   []Count
	pattern      string
	patternShare float64
	// uniqueExact is true when Distinct is exact.
	uniqueExact bool
	// What Suggest reads before masking: the bounds, and every candidate
	// value with its count.
	minRaw, maxRaw string
	values         []Count
}

// Shares are the missing and blank shares of the rows.
type Shares struct {
	Missing float64 `json:"missing"`
	Blank   float64 `json:"blank"`
}

// Count is a value (or a shape) and how many rows hold it.
type Count struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Domain is a recognised kind of value: a validator's name, or
// date_text (ISO dates, or date and time, written as text),
// date_text_dmy (DD/MM/YYYY). Share is of the present values: of every
// row's when Exact (the best domain), else of the sample's.
type Domain struct {
	Name  string  `json:"name"`
	Share float64 `json:"share"`
	Exact bool    `json:"exact,omitempty"`
}

// MinDomainShare is the share of present sampled values a domain must
// reach to be listed.
const MinDomainShare = 0.5

// domainNames are the validators tried on text columns, most specific
// first: a ten-digit number passes bhxh whatever it is, so it is named
// only when nothing more specific fits as well.
var domainNames = []string{"cccd", "cmnd", "phone_vn", "mst", "email", "admin_unit", "province_2025", "bhxh", "date_text", "date_text_dmy"}

func (o *Options) defaults() {
	if o.ExactDistinctUpTo == 0 {
		o.ExactDistinctUpTo = 1_000_000
	}
	if o.SampleRows == 0 {
		o.SampleRows = 10_000
	}
	if o.Top == 0 {
		o.Top = 5
	}
	if o.Policy == nil {
		o.Policy = func(string) (mask.Policy, bool) { return "", false }
	}
}

// shapeSQL is the shape of a text value: combining marks dropped, a
// capital letter A, a run of small letters a, a digit D, anything else
// as it is; cut at 40 characters.
func shapeSQL(x string) string {
	s := fmt.Sprintf(`regexp_replace(regexp_replace(regexp_replace(regexp_replace(%s, '\p{M}', '', 'g'), '\p{Lu}', 'A', 'g'), '\p{Ll}+', 'a', 'g'), '[0-9]', 'D', 'g')`, x)
	return "left(" + s + ", 40)"
}

// Run profiles the table with three queries through q.
func Run(ctx context.Context, q Querier, o Options) (*Profile, error) {
	o.defaults()
	p := &Profile{Dataset: o.Dataset, Rows: o.Rows, DistinctApproximate: o.Rows > o.ExactDistinctUpTo}
	if o.RowsTotal >= 0 && o.RowsTotal != o.Rows {
		p.RowsTotal = o.RowsTotal
	}
	cols := make([]*Column, len(o.Columns))
	for i, in := range o.Columns {
		cols[i] = &Column{Name: in.Name, Type: in.Type, family: in.Family, uniqueExact: !p.DistinctApproximate}
	}
	p.Columns = cols
	if len(cols) == 0 {
		return p, nil
	}
	if err := countQuery(ctx, q, &o, p); err != nil {
		return nil, err
	}
	if err := sampleQuery(ctx, q, &o, p); err != nil {
		return nil, err
	}
	if err := exactQuery(ctx, q, &o, p); err != nil {
		return nil, err
	}
	for _, c := range cols {
		c.Mask, c.Personal = o.policy(c)
		c.Min, c.Max = mask.Cut(mask.Value(c.Mask, c.Min), mask.MaxValue), mask.Cut(mask.Value(c.Mask, c.Max), mask.MaxValue)
		for i := range c.Top {
			c.Top[i].Value = mask.Cut(mask.Value(c.Mask, c.Top[i].Value), mask.MaxValue)
		}
	}
	return p, nil
}

// missingFlags is the table with, per column, whether its value is
// missing (m0, m1, ...) computed once per row: every aggregate of a
// column asks, and the test is a regular expression.
func missingFlags(o *Options, from string) string {
	d := dialect.DuckDB{}
	sel := []string{"*"}
	first := missingFirsts(o.Tokens)
	for i, in := range o.Columns {
		x := d.Ident(in.Name)
		m := dialect.Missing(d, x, in.Family, o.Tokens)
		if in.Family == dialect.Text {
			// The same test, the regular expression run only on values
			// that could match it: empty, or starting with white space or
			// a token's first letter. Most values are neither.
			m = fmt.Sprintf("(CASE WHEN %s IS NULL OR %s = '' THEN TRUE WHEN contains(%s, left(%s, 1)) THEN %s ELSE FALSE END)",
				x, x, d.String(first), x, m)
		}
		sel = append(sel, m+" AS "+flag(i))
	}
	return "(SELECT " + strings.Join(sel, ", ") + " FROM " + from + ") f"
}

// missingFirsts are the characters a missing value can start with: RE2's
// \s (space, tab, new line, form feed, carriage return, vertical tab)
// and each token's first letter in both cases.
func missingFirsts(tokens []string) string {
	var b strings.Builder
	b.WriteString(" \t\n\f\r\v")
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			r := []rune(t)[0]
			b.WriteString(strings.ToLower(string(r)) + strings.ToUpper(string(r)))
		}
	}
	return b.String()
}

// flag is the name of column i's missing flag; it cannot clash with a
// column's, as the flags are read from the subquery by these names only
// after every column.
func flag(i int) string { return fmt.Sprintf(`"dq profile missing %d"`, i) }

// countQuery is the first scan, of every row: nulls, missing, blank,
// distinct present values, bounds and lengths.
func countQuery(ctx context.Context, q Querier, o *Options, p *Profile) error {
	d := dialect.DuckDB{}
	var sel []string
	const per = 8
	for i, in := range o.Columns {
		x, m := d.Ident(in.Name), flag(i)
		present := "CASE WHEN NOT " + m + " THEN " + x + " END"
		distinct := "COUNT(DISTINCT " + present + ")"
		if p.DistinctApproximate {
			distinct = "approx_count_distinct(" + present + ")"
		}
		blank, minLen, maxLen := "0", "NULL", "NULL"
		if in.Family == dialect.Text {
			// Only a missing value can be blank: the regex runs on few.
			blank = dialect.CountIf("CASE WHEN " + m + " AND " + x + " IS NOT NULL THEN " + d.RegexFullMatch(x, `\s*`) + " ELSE FALSE END")
			minLen, maxLen = "MIN(length("+present+"))", "MAX(length("+present+"))"
		}
		sel = append(sel, dialect.CountIf(x+" IS NULL"), dialect.CountIf(m), blank, distinct,
			"CAST(MIN("+present+") AS VARCHAR)", "CAST(MAX("+present+") AS VARCHAR)", minLen, maxLen)
	}
	row, err := q.QueryRow(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+missingFlags(o, o.Table))
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	for i, c := range p.Columns {
		v := row[i*per : (i+1)*per]
		c.Null, c.Missing, c.Blank, c.Distinct = sqlvalue.Int64(v[0]), sqlvalue.Int64(v[1]), sqlvalue.Int64(v[2]), sqlvalue.Int64(v[3])
		c.Min, c.Max = sqlvalue.Text(v[4]), sqlvalue.Text(v[5])
		c.minRaw, c.maxRaw = c.Min, c.Max
		if v[6] != nil {
			a, b := sqlvalue.Int64(v[6]), sqlvalue.Int64(v[7])
			c.MinLength, c.MaxLength = &a, &b
		}
		c.Present = o.Rows - c.Missing
		if o.Rows > 0 {
			c.Share = Shares{Missing: float64(c.Missing) / float64(o.Rows), Blank: float64(c.Blank) / float64(o.Rows)}
		}
	}
	return nil
}

// sampleQuery is the second scan, of a reservoir sample of SampleRows
// rows (the whole table when it is smaller): per column the frequent
// values, which the third scan counts exactly, and for text their shapes
// and the domains they belong to.
func sampleQuery(ctx context.Context, q Querier, o *Options, p *Profile) error {
	d := dialect.DuckDB{}
	var sel []string
	for i, in := range o.Columns {
		x, present := d.Ident(in.Name), "NOT "+flag(i)
		sel = append(sel, dialect.CountIf(present),
			"map_entries(histogram(CASE WHEN "+present+" THEN "+d.Text(x)+" END))")
		if in.Family != dialect.Text {
			continue
		}
		sel = append(sel, "map_entries(histogram(CASE WHEN "+present+" THEN "+shapeSQL(x)+" END))")
		for _, name := range domainNames {
			sel = append(sel, dialect.CountIf(present+" AND COALESCE("+domainSQL(name, x, o.Now)+", FALSE)"))
		}
	}
	from := o.Table
	p.SampleRows = o.Rows
	if o.Rows > o.SampleRows {
		from = fmt.Sprintf("(SELECT * FROM %s USING SAMPLE reservoir(%d ROWS) REPEATABLE (1)) s", o.Table, o.SampleRows)
		p.SampleRows = o.SampleRows
	}
	row, err := q.QueryRow(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+missingFlags(o, from))
	if err != nil {
		return fmt.Errorf("profile: sample: %w", err)
	}
	k := 0
	next := func() any { k++; return row[k-1] }
	for i, c := range p.Columns {
		c.samplePres = sqlvalue.Int64(next())
		c.candidates = firstCounts(histogram(next()), maxInSet+1)
		if o.Columns[i].Family != dialect.Text {
			continue
		}
		c.Shapes = firstCounts(histogram(next()), 3)
		var shares []Domain
		for _, name := range domainNames {
			n := sqlvalue.Int64(next())
			if c.samplePres > 0 {
				shares = append(shares, Domain{Name: name, Share: float64(n) / float64(c.samplePres)})
			}
		}
		c.Domains = bestDomains(shares)
		c.pattern = shapesPattern(c)
	}
	return nil
}

// exactQuery is the third scan, of every row: the exact counts of the
// frequent values the sample found, and how many present values are of
// the column's best domain and match its shapes, so that what a profile
// and a suggestion say of them holds for every row, not the sample only.
func exactQuery(ctx context.Context, q Querier, o *Options, p *Profile) error {
	d := dialect.DuckDB{}
	var sel []string
	for i, in := range o.Columns {
		c, x := p.Columns[i], d.Ident(in.Name)
		present := "NOT " + flag(i)
		if len(c.candidates) > 0 {
			// One hash lookup per row, not one comparison per candidate.
			vals := make([]string, len(c.candidates))
			for j, v := range c.candidates {
				vals[j] = d.String(v.Value)
			}
			t := d.Text(x)
			if in.Family == dialect.Text {
				t = x
			}
			sel = append(sel, "map_entries(histogram(CASE WHEN "+t+" IN ("+strings.Join(vals, ", ")+") THEN "+t+" END))")
		}
		if dom, ok := c.Domain(); ok && o.Exact {
			sel = append(sel, dialect.CountIf(present+" AND COALESCE("+domainSQL(dom.Name, x, o.Now)+", FALSE)"))
		}
		if c.pattern != "" && o.Exact {
			sel = append(sel, dialect.CountIf(present+" AND "+d.RegexMatch(x, c.pattern)))
		}
	}
	if len(sel) == 0 {
		return nil
	}
	from := o.Table
	if o.Exact {
		from = missingFlags(o, o.Table)
	}
	row, err := q.QueryRow(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+from)
	if err != nil {
		return fmt.Errorf("profile: exact counts: %w", err)
	}
	k := 0
	for _, c := range p.Columns {
		if len(c.candidates) > 0 {
			c.values = histogram(row[k])
			k++
		}
		slices.SortStableFunc(c.values, func(a, b Count) int { return cmp.Compare(b.Count, a.Count) })
		for _, v := range c.values {
			if v.Count > 1 && len(c.Top) < o.Top {
				c.Top = append(c.Top, v)
			}
		}
		if len(c.Domains) > 0 && o.Exact {
			if c.Present > 0 {
				c.Domains[0].Share = float64(sqlvalue.Int64(row[k])) / float64(c.Present)
				c.Domains[0].Exact = true
			}
			k++
		}
		if c.pattern != "" && o.Exact {
			if c.Present > 0 {
				c.patternShare = float64(sqlvalue.Int64(row[k])) / float64(c.Present)
			}
			k++
		}
	}
	return nil
}

// domainSQL is the predicate of a domain over a text expression.
func domainSQL(name, x string, now time.Time) string {
	d := dialect.DuckDB{}
	switch name {
	case "date_text":
		return "(" + d.RegexFullMatch(x, `\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?\s*`) + " AND TRY_CAST(trim(" + x + ") AS TIMESTAMP) IS NOT NULL)"
	case "date_text_dmy":
		return "TRY_STRPTIME(trim(" + x + "), '%d/%m/%Y') IS NOT NULL"
	}
	v, err := validators.New(name, validators.Options{Now: now})
	if err != nil {
		panic(err) // domainNames are registered validators
	}
	return v.Predicate(d, x)
}

// bestDomains keeps the domains most sampled values belong to, best
// first; among equals the more specific, as listed; a less specific one
// that fits no better is no news (every 12-digit CCCD is a well-formed
// CMND, every mobile number a BHXH shape).
func bestDomains(shares []Domain) []Domain {
	var out []Domain
	for _, s := range shares {
		if s.Share >= MinDomainShare {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Domain) int { return cmp.Compare(b.Share, a.Share) })
	return slices.DeleteFunc(out, func(d Domain) bool {
		for _, e := range out {
			if e.Name == d.Name {
				return false
			}
			if e.Share >= d.Share-0.001 && !strings.HasPrefix(e.Name, "date_text") {
				return true
			}
		}
		return false
	})
}

// histogram reads DuckDB's map_entries(histogram(...)).
func histogram(v any) []Count {
	var out []Count
	for _, e := range toList(v) {
		if m, ok := e.(map[string]any); ok {
			out = append(out, Count{Value: sqlvalue.Text(m["key"]), Count: sqlvalue.Int64(m["value"])})
		}
	}
	return out
}

// shapesPattern is a regex matching the column's sampled shapes when at
// most three of them cover nearly all (99%) sampled values and they are
// codes: no runs of small letters, at most 30 characters. "" otherwise.
func shapesPattern(c *Column) string {
	if c.samplePres == 0 || len(c.Shapes) == 0 {
		return ""
	}
	var alts []string
	var n int64
	for _, sh := range c.Shapes {
		if strings.Contains(sh.Value, "a") || len([]rune(sh.Value)) > 30 {
			return ""
		}
		alts = append(alts, shapeRegex(sh.Value))
		n += sh.Count
	}
	if float64(n) < 0.99*float64(c.samplePres) {
		return ""
	}
	if len(alts) == 1 {
		return "^" + alts[0] + "$"
	}
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

// firstCounts are the n most frequent, ties by value.
func firstCounts(cs []Count, n int) []Count {
	slices.SortStableFunc(cs, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
	return cs[:min(len(cs), n)]
}

// Domain is the column's best domain, "" when none.
func (c *Column) Domain() (Domain, bool) {
	if len(c.Domains) == 0 {
		return Domain{}, false
	}
	return c.Domains[0], true
}

// personalDomains are identifiers of people (or of a person's business):
// shown as identifiers are in examples.
var personalDomains = map[string]bool{"cccd": true, "cmnd": true, "phone_vn": true, "email": true, "bhxh": true, "mst": true}

var nameShape = func(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		if w != "Aa" && w != "A" {
			return false
		}
	}
	return true
}

// policy is how the column's values are shown: as the config says, else
// from what the column holds: identifiers as identifiers, names as
// initials, a birth date as its year, other values seldom repeated
// partly, and codes (few distinct values) in clear.
func (o *Options) policy(c *Column) (mask.Policy, bool) {
	p, ok := o.Policy(c.Name)
	if !ok {
		p = mask.None
		lower := strings.ToLower(c.Name)
		dom, hasDom := c.Domain()
		switch {
		case hasDom && personalDomains[dom.Name]:
			p = mask.ID
		case len(c.Shapes) > 0 && nameShape(c.Shapes[0].Value):
			p = mask.Name
		case (c.family.Temporal() || hasDom && strings.HasPrefix(dom.Name, "date_text")) &&
			(strings.Contains(lower, "birth") || strings.Contains(lower, "sinh") || strings.Contains(lower, "dob")):
			p = mask.Date
		case c.family == dialect.Text && !hasDom && c.Present > 0 && float64(c.Distinct) > 0.5*float64(c.Present) && c.Present > 20:
			p = mask.Partial
		}
	}
	return p, p != mask.None
}

func toList(v any) []any {
	l, _ := v.([]any)
	return l
}
