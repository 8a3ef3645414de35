package checks

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "unique", Dimension: "clean", Severity: config.SeverityCritical, Columns: NamedColumns, New: func() Check { return &unique{} }})
}

// unique finds repeated keys over one or several columns with a hash
// GROUP BY (never a self-join). Units are explicit: failed counts every row
// in a duplicate group, since any copy may be the wrong one; details carry
// duplicate_keys (distinct repeated keys) and extra_rows (copies beyond the
// first).
//
// ignore_rows_if says which rows are skipped: all_missing (the default:
// rows whose key columns are all missing), any_missing (rows with any key
// column missing, so a partial key never counts), or never (every row is
// evaluated, and a missing value, whatever its form, equals another
// missing one: two rows without a CCCD share a key).
//
// normalize: [nfc, casefold, trim, collapse_spaces, strip_diacritics]
// (any subset, always applied in that order) compares text key columns
// by a normalised form, so "Nguyễn Văn A" in NFC and NFD, with a double
// space or in upper case count as one value; examples show a raw value.
type unique struct {
	spec      *config.Check
	columns   []string
	threshold rateThreshold
	params    struct {
		Normalize    []string `yaml:"normalize"`
		IgnoreRowsIf string   `yaml:"ignore_rows_if"`
	}
	normalize []string // in application order

	rows, evaluated Metric
	// dups lists the repeated keys, most copies first, each row ending
	// with the totals over all of them.
	dups List
}

var _ Check = (*unique)(nil)

func (c *unique) Init(spec *config.Check) error {
	c.spec = spec
	c.columns = spec.Columns
	if spec.Column != "" {
		c.columns = append([]string{spec.Column}, c.columns...)
	}
	if len(c.columns) == 0 {
		return spec.Errorf("columns", "unique needs column: or columns:")
	}
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, n := range c.params.Normalize {
		if _, ok := normalizers[n]; !ok {
			return spec.Errorf("normalize", "unknown normalization %q (known: %s)", n, strings.Join(normalizeOrder, ", "))
		}
		want[n] = true
	}
	for _, n := range normalizeOrder {
		if want[n] {
			c.normalize = append(c.normalize, n)
		}
	}
	switch c.params.IgnoreRowsIf {
	case "":
		c.params.IgnoreRowsIf = "all_missing"
	case "all_missing", "any_missing", "never":
	default:
		return spec.Errorf("ignore_rows_if", "ignore_rows_if must be all_missing, any_missing or never, got %q", c.params.IgnoreRowsIf)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *unique) Plan(s Scope) error {
	var cols []Column
	var missing, exprs []string
	for _, name := range c.columns {
		col, err := s.Column(name)
		if err != nil {
			return err
		}
		cols = append(cols, col)
		m := s.Missing(col)
		missing = append(missing, m)
		key := c.key(s.Dialect(), col)
		if c.params.IgnoreRowsIf == "never" {
			// Every form of missing (NULL, blank, N/A) is one key value.
			key = fmt.Sprintf("CASE WHEN %s THEN NULL ELSE %s END", m, key)
		}
		exprs = append(exprs, key)
	}
	if len(c.normalize) > 0 && s.Dialect().Name() != "duckdb" {
		return fmt.Errorf("normalize: is implemented for DuckDB only, not %s", s.Dialect().Name())
	}
	skip := c.skip(cols, missing) // rows not evaluated
	c.rows = s.Aggregate("COUNT(*)")
	if c.params.IgnoreRowsIf == "never" {
		c.evaluated = c.rows
	} else {
		c.evaluated = s.Aggregate(dialect.CountIf("NOT " + skip))
	}

	// One GROUP BY gives both the counts and the examples: the repeated
	// keys, most copies first, each row ending with the totals over all
	// of them, where two queries grouped the whole table twice.
	d := s.Dialect()
	eq := ExampleQuery{HasCount: true}
	var sel []string
	for _, col := range cols {
		v := d.Text(col.SQL)
		switch {
		case len(c.normalize) > 0 || c.params.IgnoreRowsIf == "never":
			// Grouped by normalised keys, or by missing as one value:
			// show one raw value of each.
			v = "MIN(" + v + ")"
		case col.Family == dialect.Text:
			v = exprs[len(sel)] // the key itself, as grouped
		}
		sel = append(sel, v)
		eq.Values = append(eq.Values, col.Name)
	}
	g := dialect.Groups{Sel: sel, Keys: exprs, From: s.Table(), Skip: skip}
	for _, col := range cols {
		g.TextKeys = append(g.TextKeys, col.Family == dialect.Text)
	}
	if len(c.normalize) == 0 && c.params.IgnoreRowsIf != "never" {
		// The keys say whether a row is skipped: the dialect may test
		// each repeated key once rather than every row.
		for _, col := range cols {
			g.Raw = append(g.Raw, col.SQL)
		}
		g.SkipBy = func(raw []string) string {
			of := make([]string, len(cols))
			for i, col := range cols {
				of[i] = s.MissingIn(nil, Column{Name: col.Name, SQL: raw[i], Family: col.Family})
			}
			return c.skip(cols, of)
		}
	}
	eq.SQL = dialect.RepeatedGroups(d, g)
	c.dups = s.RankedExamples(eq, 3)
	return nil
}

// skip is the predicate of the rows the check leaves out, given each key
// column's missing test. A non-text column's test (IS NULL) comes first:
// AND and OR stop at the first answer, before the text columns' regex.
func (c *unique) skip(cols []Column, missing []string) string {
	var cheapFirst []string
	for _, text := range []bool{false, true} {
		for i, col := range cols {
			if (col.Family == dialect.Text) == text {
				cheapFirst = append(cheapFirst, missing[i])
			}
		}
	}
	switch c.params.IgnoreRowsIf {
	case "all_missing":
		return "(" + strings.Join(cheapFirst, " AND ") + ")"
	case "any_missing":
		return "(" + strings.Join(cheapFirst, " OR ") + ")"
	}
	return "(1 = 0)"
}

func (c *unique) Evaluate(v Values, r *result.Check) {
	var keys, dupRows, extra int64
	if rows := v.List(c.dups); len(rows) > 0 {
		t := rows[0][len(rows[0])-3:]
		keys, dupRows, extra = ToInt64(t[0]), ToInt64(t[1]), ToInt64(t[2])
	}
	evaluateRate(v.Int(c.rows), v.Int(c.evaluated), dupRows, c.threshold, r)
	r.Details = map[string]any{"duplicate_keys": keys, "extra_rows": extra}
	if dupRows > 0 {
		r.Message = fmt.Sprintf("%s share %s (%d extra copies)", countf(dupRows, "row"), countf(keys, "duplicated key"), extra)
	}
}

// normalizeOrder is the order normalizations apply in, whatever the order
// of the config's list.
var normalizeOrder = []string{"nfc", "casefold", "trim", "collapse_spaces", "strip_diacritics"}

// normalizers wrap a text expression (DuckDB functions, as NormalizedName).
// trim and collapse_spaces take any white space, including tabs, newlines
// and no-break spaces. strip_diacritics maps đ/Đ, which NFD does not
// decompose, and their look-alikes Ð/ð (eth) and Ɖ/ɖ (DOMAIN §6).
var normalizers = map[string]func(string) string{
	"nfc":      func(e string) string { return "nfc_normalize(" + e + ")" },
	"casefold": func(e string) string { return "lower(" + e + ")" },
	"trim": func(e string) string {
		return "regexp_replace(" + e + `, '^[\s\x{00A0}]+|[\s\x{00A0}]+$', '', 'g')`
	},
	"collapse_spaces": func(e string) string {
		return "regexp_replace(" + e + `, '[\s\x{00A0}]+', ' ', 'g')`
	},
	"strip_diacritics": func(e string) string {
		e = "strip_accents(" + e + ")"
		for _, m := range [][2]string{{"đ", "d"}, {"Đ", "D"}, {"ð", "d"}, {"Ð", "D"}, {"ɖ", "d"}, {"Ɖ", "D"}} {
			e = fmt.Sprintf("replace(%s, '%s', '%s')", e, m[0], m[1])
		}
		return e
	},
}

// key is the grouping expression of a key column: the column itself, or
// for a text column with normalize:, its normalised form.
func (c *unique) key(d dialect.Dialect, col Column) string {
	if col.Family != dialect.Text {
		return col.SQL
	}
	if len(c.normalize) == 0 {
		// Byte by byte, as DuckDB groups, whatever the column's collation
		// (MySQL's default ones fold case and trailing spaces); and
		// PostgreSQL sorts the C collation's keys several times faster
		// than a locale's (docs/performance.md).
		return d.Exact(col.SQL)
	}
	e := col.SQL
	for _, n := range c.normalize {
		e = normalizers[n](e)
	}
	return e
}
