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
// column: the counts, distinct values, bounds and candidate top values
// over every row; the exact counts of those candidates; and, on a
// reservoir sample of SampleRows rows, the shapes and domains, whose SQL
// is the validators' own (package validators). It writes SQL through the
// dialect and runs nothing itself: the caller's Querier does.
package profile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/mask"
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
	// SampleRows bounds the rows shapes and domains are read from.
	// Default 100,000.
	SampleRows int64
	// Top is how many frequent values each column keeps. Default 5.
	Top int
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
// date_text_dmy (DD/MM/YYYY).
type Domain struct {
	Name  string  `json:"name"`
	Share float64 `json:"share"`
}

// MinDomainShare is the share of present sampled values a domain must
// reach to be listed.
const MinDomainShare = 0.5

// domainNames are the validators tried on text columns, most specific
// first: a ten-digit number passes bhxh whatever it is, so it is named
// only when nothing more specific fits as well.
var domainNames = []string{"cccd", "cmnd", "phone_vn", "mst", "email", "admin_unit", "province_2025", "bhxh"}

func (o *Options) defaults() {
	if o.ExactDistinctUpTo == 0 {
		o.ExactDistinctUpTo = 1_000_000
	}
	if o.SampleRows == 0 {
		o.SampleRows = 100_000
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
	d := dialect.DuckDB{}
	p := &Profile{Dataset: o.Dataset, Rows: o.Rows, DistinctApproximate: o.Rows > o.ExactDistinctUpTo}
	if o.RowsTotal >= 0 && o.RowsTotal != o.Rows {
		p.RowsTotal = o.RowsTotal
	}
	cols := make([]*Column, len(o.Columns))
	for i, in := range o.Columns {
		cols[i] = &Column{Name: in.Name, Type: in.Type, family: in.Family, uniqueExact: !p.DistinctApproximate}
	}
	p.Columns = cols

	// 1: every row, every column at once.
	var sel []string
	const perColumn = 9
	for _, in := range o.Columns {
		x := d.Ident(in.Name)
		missing := dialect.Missing(d, x, in.Family, o.Tokens)
		present := "NOT (" + missing + ")"
		text := d.Text(x)
		distinct := "COUNT(DISTINCT " + x + ")"
		if p.DistinctApproximate {
			distinct = "approx_count_distinct(" + x + ")"
		}
		blank := "0"
		minLen, maxLen := "NULL", "NULL"
		if in.Family == dialect.Text {
			blank = dialect.CountIf(x + " IS NOT NULL AND " + d.RegexFullMatch(x, `\s*`))
			minLen = "MIN(CASE WHEN " + present + " THEN length(" + x + ") END)"
			maxLen = "MAX(CASE WHEN " + present + " THEN length(" + x + ") END)"
		}
		sel = append(sel,
			dialect.CountIf(x+" IS NULL"), dialect.CountIf(missing), blank, distinct,
			"CAST(MIN(CASE WHEN "+present+" THEN "+x+" END) AS VARCHAR)",
			"CAST(MAX(CASE WHEN "+present+" THEN "+x+" END) AS VARCHAR)",
			minLen, maxLen,
			fmt.Sprintf("approx_top_k(CASE WHEN %s THEN %s END, %d)", present, text, max(2*o.Top, maxInSet+1)))
	}
	if len(sel) == 0 {
		return p, nil
	}
	row, err := q.QueryRow(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+o.Table)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	candidates := make([][]string, len(cols))
	for i, c := range cols {
		v := row[i*perColumn : (i+1)*perColumn]
		c.Null, c.Missing, c.Blank, c.Distinct = toInt(v[0]), toInt(v[1]), toInt(v[2]), toInt(v[3])
		c.Min, c.Max = toText(v[4]), toText(v[5])
		c.minRaw, c.maxRaw = c.Min, c.Max
		if v[6] != nil {
			a, b := toInt(v[6]), toInt(v[7])
			c.MinLength, c.MaxLength = &a, &b
		}
		for _, x := range toList(v[8]) {
			candidates[i] = append(candidates[i], toText(x))
		}
		c.Present = o.Rows - c.Missing
		if o.Rows > 0 {
			c.Share = Shares{Missing: float64(c.Missing) / float64(o.Rows), Blank: float64(c.Blank) / float64(o.Rows)}
		}
	}

	// 2: the exact counts of the candidates.
	sel = sel[:0]
	for i, in := range o.Columns {
		for _, v := range candidates[i] {
			sel = append(sel, dialect.CountIf(d.Text(d.Ident(in.Name))+" = "+d.String(v)))
		}
	}
	if len(sel) > 0 {
		row, err := q.QueryRow(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+o.Table)
		if err != nil {
			return nil, fmt.Errorf("profile: top values: %w", err)
		}
		k := 0
		for i, c := range cols {
			for _, v := range candidates[i] {
				c.values = append(c.values, Count{Value: v, Count: toInt(row[k])})
				k++
			}
			slices.SortStableFunc(c.values, func(a, b Count) int { return int(b.Count - a.Count) })
			for _, v := range c.values {
				if v.Count > 1 && len(c.Top) < o.Top {
					c.Top = append(c.Top, v)
				}
			}
		}
	}

	// 3: shapes and domains on a sample of text columns.
	if err := sampleQuery(ctx, q, &o, p); err != nil {
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

// sampleQuery fills the shapes and domains of the text columns from a
// reservoir sample (the whole table when it is small).
func sampleQuery(ctx context.Context, q Querier, o *Options, p *Profile) error {
	d := dialect.DuckDB{}
	var sel []string
	var text []*Column
	for i, in := range o.Columns {
		if in.Family != dialect.Text {
			continue
		}
		text = append(text, p.Columns[i])
		x := d.Ident(in.Name)
		present := "NOT (" + dialect.Missing(d, x, in.Family, o.Tokens) + ")"
		sel = append(sel, dialect.CountIf(present),
			"map_entries(histogram(CASE WHEN "+present+" THEN "+shapeSQL(x)+" END))")
		for _, name := range domainNames {
			v, err := validators.New(name, validators.Options{Now: o.Now})
			if err != nil {
				return err
			}
			sel = append(sel, dialect.CountIf(present+" AND COALESCE("+v.Predicate(d, x)+", FALSE)"))
		}
		sel = append(sel,
			dialect.CountIf(present+" AND "+d.RegexFullMatch(x, `\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?\s*`)+" AND TRY_CAST(trim("+x+") AS TIMESTAMP) IS NOT NULL"),
			dialect.CountIf(present+" AND TRY_STRPTIME(trim("+x+"), '%d/%m/%Y') IS NOT NULL"))
	}
	if len(sel) == 0 {
		return nil
	}
	from := o.Table
	p.SampleRows = o.Rows
	if o.Rows > o.SampleRows {
		from = fmt.Sprintf("(SELECT * FROM %s USING SAMPLE reservoir(%d ROWS) REPEATABLE (1)) s", o.Table, o.SampleRows)
		p.SampleRows = o.SampleRows
	}
	row, err := q.QueryRow(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+from)
	if err != nil {
		return fmt.Errorf("profile: shapes and domains: %w", err)
	}
	per := 2 + len(domainNames) + 2
	for i, c := range text {
		v := row[i*per : (i+1)*per]
		c.samplePres = toInt(v[0])
		var shapes []Count
		for _, e := range toList(v[1]) {
			if m, ok := e.(map[string]any); ok {
				shapes = append(shapes, Count{Value: toText(m["key"]), Count: toInt(m["value"])})
			}
		}
		slices.SortStableFunc(shapes, func(a, b Count) int {
			if a.Count != b.Count {
				return int(b.Count - a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		c.Shapes = shapes[:min(len(shapes), 3)]
		if c.samplePres == 0 {
			continue
		}
		names := append(slices.Clone(domainNames), "date_text", "date_text_dmy")
		for j, name := range names {
			if share := float64(toInt(v[2+j])) / float64(c.samplePres); share >= MinDomainShare {
				c.Domains = append(c.Domains, Domain{Name: name, Share: share})
			}
		}
		// Best first; among equals the more specific, as listed, and a
		// less specific one that fits no better is no news (every 12-digit
		// CCCD is a well-formed CMND, every mobile number a BHXH shape).
		slices.SortStableFunc(c.Domains, func(a, b Domain) int {
			switch {
			case a.Share > b.Share:
				return -1
			case a.Share < b.Share:
				return 1
			}
			return 0
		})
		c.Domains = slices.DeleteFunc(c.Domains, func(d Domain) bool {
			for _, e := range c.Domains {
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
	return nil
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

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case float64:
		return int64(x)
	case nil:
		return 0
	}
	var n int64
	fmt.Sscan(fmt.Sprint(v), &n)
	return n
}

func toText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func toList(v any) []any {
	l, _ := v.([]any)
	return l
}
