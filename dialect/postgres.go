package dialect

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vn-registries/dq/sqltext"
)

// Postgres is PostgreSQL's dialect (10 and later, with the default
// standard_conforming_strings = on, so a backslash in a literal is a plain
// character and no E” string is ever needed).
type Postgres struct{}

var _ Dialect = Postgres{}

func (Postgres) Name() string { return "postgres" }

func (Postgres) Ident(name string) string {
	// PostgreSQL identifiers cannot hold a NUL byte either.
	return quoteWith(strings.ReplaceAll(name, "\x00", ""), '"')
}

func (Postgres) String(s string) string {
	// A text value cannot contain NUL in PostgreSQL; dropping it cannot
	// widen what matches.
	return quoteWith(strings.ReplaceAll(s, "\x00", ""), '\'')
}

// Text does not cast an expression it has already cast: the same text,
// the same predicate, which the plan then computes once per row.
func (Postgres) Text(expr string) string {
	if isCast(expr, " AS TEXT)") {
		return expr
	}
	return "CAST(" + expr + " AS TEXT)"
}

// isCast reports whether expr is one CAST(... <suffix>: its first
// parenthesis closed by its last, literals and quoted names skipped.
func isCast(expr, suffix string) bool {
	if !strings.HasPrefix(expr, "CAST(") || !strings.HasSuffix(expr, suffix) {
		return false
	}
	return closedAtEnd(sqltext.Postgres, expr, len("CAST"))
}

// regexOp picks ~ or ~* : a leading (?i) becomes the case-insensitive
// operator, so the flag survives the anchoring of RegexFullMatch.
func regexOp(pattern string) (op, p string) {
	if strings.HasPrefix(pattern, "(?i)") {
		return "~*", strings.TrimPrefix(pattern, "(?i)")
	}
	return "~", pattern
}

// RegexMatch: a pattern of fixed width (^[0-9]{12}$) is tested without
// the regex engine, which costs PostgreSQL about twice as much per row
// (fixedWidth).
func (d Postgres) RegexMatch(expr, pattern string) string {
	op, p := regexOp(pattern)
	if positions, ok := fixedWidth(p); ok && op == "~" {
		return fixedWidthSQL(d.Text(expr), positions)
	}
	return fmt.Sprintf("(%s %s %s)", d.Text(expr), op, d.String(p))
}

func (d Postgres) RegexFullMatch(expr, pattern string) string {
	p, ci := strings.CutPrefix(pattern, "(?i)")
	full := "^(?:" + p + ")$"
	if ci {
		full = "(?i)" + full
	}
	return d.RegexMatch(expr, full)
}

// OctetLength is the bytes of expr's text: what PostgreSQL reads from a
// value's header, where char_length walks it.
func (d Postgres) OctetLength(expr string) string {
	return fmt.Sprintf("octet_length(%s)", d.Text(expr))
}

func (d Postgres) CharLength(expr string) string {
	return fmt.Sprintf("char_length(%s)", d.Text(expr))
}

func (Postgres) Date(t time.Time) string { return "DATE '" + t.Format("2006-01-02") + "'" }

func (Postgres) Timestamp(t time.Time) string {
	return "TIMESTAMP '" + t.Format("2006-01-02 15:04:05.999999") + "'"
}

func (Postgres) TimestampTZ(t time.Time) string {
	return "TIMESTAMPTZ '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "+00'"
}

// Patterns guarding the casts of TryCast: a value reaches CAST only when it
// has the shape the cast accepts, so the cast cannot raise.
const (
	pgIntRe   = `^[-+]?[0-9]{1,18}$` // 19 digits may overflow BIGINT: NULL
	pgNumRe   = `^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,2})?$`
	pgDateRe  = `^[0-9]{4}-[0-9]{2}-[0-9]{2}`
	pgClockRe = `[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?`
	pgZoneRe  = `(Z|[-+](0[0-9]|1[0-5])(:?[0-5][0-9])?)?`
)

// TryCast converts expr to a family, yielding NULL when it cannot.
// PostgreSQL has no TRY_CAST (and pg_input_is_valid only from 16), so the
// value's text is trimmed, checked against a regex of the accepted shape,
// and for dates against the calendar (month 1-12, day within the month,
// through nested CASEs, which PostgreSQL evaluates in order) before the
// CAST runs. Accepted shapes: integers of up to 18 digits; decimals and
// floats with an exponent of up to 2 digits; ISO dates YYYY-MM-DD,
// timestamps YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]] (with a zone Z, +07,
// +07:00 for timestamptz), times HH:MM[:SS[.ffffff]]; booleans
// true/false/t/f/yes/no/y/n/on/off/1/0. Anything else is NULL, even where
// a plain CAST would have accepted it.
func (Postgres) DigitsToInt(expr string) string { return "CAST(" + expr + " AS INTEGER)" }

func (d Postgres) TryCast(expr string, to Family) string {
	t := "btrim(" + d.Text(expr) + ")"
	guard := func(re, typ string, extra string) string {
		inner := fmt.Sprintf("CAST(%s AS %s)", t, typ)
		if extra != "" {
			inner = fmt.Sprintf("CASE WHEN %s THEN %s END", extra, inner)
		}
		return fmt.Sprintf("(CASE WHEN %s ~ %s THEN %s END)", t, d.String(re), inner)
	}
	num := func(from, n int) string { return fmt.Sprintf("CAST(substr(%s, %d, %d) AS INTEGER)", t, from, n) }
	// validDate assumes t starts with NNNN-NN-NN.
	validDate := fmt.Sprintf("(CASE WHEN %s BETWEEN 1 AND 9999 AND %s BETWEEN 1 AND 12 THEN %s BETWEEN 1 AND "+
		"CAST(extract(day FROM make_date(%s, %s, 1) + INTERVAL '1 month' - INTERVAL '1 day') AS INTEGER) ELSE false END)",
		num(1, 4), num(6, 2), num(9, 2), num(1, 4), num(6, 2))
	validClock := func(at int) string {
		return fmt.Sprintf("%s <= 23 AND %s <= 59 AND (char_length(%s) < %d OR %s <= 59)",
			num(at, 2), num(at+3, 2), t, at+7, num(at+6, 2))
	}
	switch to {
	case Text:
		return d.Text(expr)
	case Integer:
		return guard(pgIntRe, "BIGINT", "")
	case Decimal:
		return guard(pgNumRe, "NUMERIC", "")
	case Float:
		return guard(pgNumRe, "DOUBLE PRECISION", "")
	case Bool:
		return fmt.Sprintf("(CASE WHEN lower(%s) IN ('t','true','y','yes','on','1','f','false','n','no','off','0') THEN CAST(%s AS BOOLEAN) END)", t, t)
	case Date:
		return guard(pgDateRe+`$`, "DATE", validDate)
	case Timestamp:
		return guard(pgDateRe+`([ T]`+pgClockRe+`)?$`, "TIMESTAMP", validDate+" AND (char_length("+t+") = 10 OR ("+validClock(12)+"))")
	case TimestampTZ:
		return guard(pgDateRe+`([ T]`+pgClockRe+`)?`+pgZoneRe+`$`, "TIMESTAMPTZ", validDate+" AND (char_length("+t+") <= 11 OR ("+validClockTZ(t, num)+"))")
	case Time:
		return guard(`^`+pgClockRe+`$`, "TIME", validClock(1))
	}
	return expr
}

// validClockTZ checks the clock of a timestamptz text, whose seconds may
// be followed by a zone rather than end the string.
func validClockTZ(t string, num func(int, int) string) string {
	return fmt.Sprintf("%s <= 23 AND %s <= 59 AND (substr(%s, 17, 1) <> ':' OR %s <= 59)",
		num(12, 2), num(15, 2), t, num(18, 2))
}

// HashUnit is the first 32 bits of md5 of the key's text, as an unsigned
// integer over 2^32: bit(32) to bigint keeps it unsigned. Dividing as
// double precision matches DuckDB's UBIGINT / 4294967296.0 exactly (both
// are exact divisions by a power of two), so both engines keep the same
// keys for the same fraction.
func (d Postgres) HashUnit(keyExpr string) string {
	return fmt.Sprintf("(CAST(CAST(('x' || substr(md5(%s), 1, 8)) AS BIT(32)) AS BIGINT) / CAST(4294967296 AS DOUBLE PRECISION))", d.Text(keyExpr))
}

// Exact: equality of text is already byte-wise under PostgreSQL's
// deterministic collations, but order is the database's collation
// (en_US sorts "b" before "C"); the C collation orders by bytes.
func (d Postgres) Exact(expr string) string { return "(" + d.Text(expr) + ` COLLATE "C")` }

// InlineCTE: PostgreSQL 12 and later inline a CTE read once and would
// accept NOT MATERIALIZED for one read twice, but 10 and 11, which dq
// supports, refuse the keyword (and materialize every CTE).
func (Postgres) InlineCTE() string { return "" }

// ComputeOnce: PostgreSQL pulls a subquery up into the query reading it
// and writes each of its columns' expressions out into every use, so a
// predicate five aggregates share is evaluated five times. A subquery
// with a WITH list of its own is never pulled up and keeps the parallel
// plan: the demo population's fused scan on 1M rows took 6.1 s this way
// against 11.1 s inlined. AS MATERIALIZED, OFFSET 0 and a LATERAL
// subquery lose the parallel plan; a set-returning column keeps it but
// took 8.1 s; a volatile one keeps the CTE from being inlined at all
// (docs/performance.md, "engine: source shape"). The unused CTE is never
// planned.
func (Postgres) ComputeOnce() (string, bool) { return "WITH _dq_once AS (SELECT 1) ", true }

// RepeatedGroups: PostgreSQL groups the rows sorted by their keys. Left to
// itself it hashes them, and a hash of 1M mostly distinct keys spills
// to disk at the default work_mem twice over (in each worker, then in
// the leader): the demo population's duplicate names took 1.65 s hashed
// and 0.91 s sorted (median of 5, docs/performance.md).
//
// The sorted subquery carries the keys only, named so that the grouping
// sees them sorted, and sorts first by a 64-bit hash of the text keys: a
// number compares at once where names share their first bytes ("Nguyễn
// Văn"); equal hashes are then ordered by the keys themselves, so the
// groups are exact. With SkipBy, every row is grouped and the groups
// whose keys are missing are left out after grouping, each key's regex
// evaluated once for the repeated groups instead of once per row: for
// that, the key columns' stored values (Raw, compared as the column
// compares them, which a byte-equal group shares) are grouped as well.
// The person key took 0.75 s this way against 0.95 s, the name, birth
// date and commune 0.67 s against 1.1 s (docs/performance.md).
func (d Postgres) RepeatedGroups(g Groups) string {
	names := aliases("k", len(g.Keys))
	cols := aliased(g.Keys, "k")
	var hashes []string
	for i := range g.Keys {
		if i < len(g.TextKeys) && g.TextKeys[i] {
			hashes = append(hashes, fmt.Sprintf("COALESCE(hashtextextended(%s, %d), 0)", names[i], i))
		}
	}
	group := slices.Clone(names) // names stay the keys alone
	where, having := " WHERE NOT "+g.Skip, ""
	if g.SkipBy != nil {
		where = ""
		raw := make([]string, len(g.Raw))
		for i, r := range g.Raw {
			raw[i] = names[i]
			if r != g.Keys[i] {
				raw[i] = fmt.Sprintf("_dq_r%d", i)
				cols = append(cols, r+" AS "+raw[i])
				group = append(group, raw[i])
			}
		}
		having = " AND NOT " + g.SkipBy(raw)
	}
	out := make([]string, len(g.Sel))
	rows := false // whether Sel reads the rows' columns, not only keys
	for i, s := range g.Sel {
		out[i] = s
		switch {
		case i < len(g.Keys) && s == g.Keys[i]:
			out[i] = names[i]
		case i < len(g.Keys) && s == d.Text(g.Keys[i]):
			out[i] = d.Text(names[i])
		default:
			rows = true
		}
	}
	if rows {
		cols = append([]string{"*"}, cols...)
	}
	inner := "SELECT " + strings.Join(cols, ", ")
	if len(hashes) > 0 {
		// Computed from the keys named below it, once per row.
		inner = fmt.Sprintf("SELECT *, %s AS _dq_h FROM (%s FROM %s%s) AS _dq_keys", strings.Join(hashes, " # "), inner, g.From, where)
		group = append([]string{"_dq_h"}, group...)
	} else {
		inner += " FROM " + g.From + where
	}
	groupList := strings.Join(group, ", ")
	return fmt.Sprintf("SELECT %s, COUNT(*) AS n, COUNT(*) OVER (), SUM(COUNT(*)) OVER (), SUM(COUNT(*) - 1) OVER () "+
		"FROM (%s ORDER BY %s) AS _dq_sorted GROUP BY %s HAVING COUNT(*) > 1%s ORDER BY n DESC, %s",
		strings.Join(out, ", "), inner, groupList, groupList, having, strings.Join(names, ", "))
}

// MissingText: the regex only for values that begin or end with a byte
// it could read as white space (a control character, a space, or any
// byte of a character outside ASCII) or are empty; any other value can
// match only as one of the tokens exactly, in one of its ASCII cases,
// which a hashed IN list of the variants tests. The regex costs about
// 300 ns a value in PostgreSQL, the tests before it a third of that:
// the five missing tests of the demo population took 0.45 CPU-s less
// per 1M rows (docs/performance.md).
//
// Exact because \s matches no printable ASCII character in any locale,
// and an ASCII letter's other case is ASCII, except i and I in Turkish
// locales (İ, ı), so tokens holding either, or any character outside
// printable ASCII, keep the regex alone. The last byte is read from the
// client encoding's bytes (UTF8 on dq's connections) at the server's
// length, which a conversion may shift only past a character outside
// ASCII, or read as empty: either way the regex then decides.
func (d Postgres) MissingText(col, pattern string, tokens []string) (string, bool) {
	var variants []string
	for _, t := range tokens {
		if strings.ContainsAny(t, "iI") {
			return "", false
		}
		forms := []string{""}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c < ' ' || c > '~' {
				return "", false
			}
			cases := []byte{c}
			if lo, up := asciiLower(c), asciiUpper(c); lo != up {
				cases = []byte{lo, up}
			}
			var next []string
			for _, f := range forms {
				for _, k := range cases {
					next = append(next, f+string(k))
				}
			}
			if forms = next; len(forms) > 64 {
				return "", false
			}
		}
		variants = append(variants, forms...)
	}
	x, exact := d.Text(col), d.Exact(col)
	regex := d.RegexFullMatch(col, pattern)
	token := "FALSE"
	if len(variants) > 0 {
		token = InListSQL(d, exact, variants)
	}
	return fmt.Sprintf("(CASE WHEN %[1]s IS NULL THEN TRUE WHEN %[2]s < '!' OR %[2]s >= E'\\x7f' THEN %[3]s "+
		`WHEN substring(textsend(%[1]s) FROM octet_length(%[1]s) FOR 1) NOT BETWEEN '\x21'::bytea AND '\x7e'::bytea THEN %[3]s `+
		"ELSE %[4]s END)", x, exact, regex, token), true
}

func asciiLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func asciiUpper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Year: EXTRACT returns numeric from PostgreSQL 14, which costs more to
// build and compare than date_part's double precision (the same years).
func (Postgres) Year(expr string) string { return "date_part('year', " + expr + ")" }

// CountFilter: PostgreSQL's COUNT(*) FILTER skips the rows the predicate
// does not hold for, where SUM(CASE ...) adds a 0 for each: the demo
// population's fused scan of 27 aggregates took 5.51 CPU-s per 1M rows
// against 5.78 (docs/performance.md).
func (Postgres) CountFilter(pred string) string { return "COUNT(*) FILTER (WHERE " + pred + ")" }

// InList: PostgreSQL hashes a long IN list of constants (12 and later).
func (d Postgres) InList(expr string, values []string) string { return InListSQL(d, expr, values) }

func (Postgres) Float(expr string) string { return "CAST(" + expr + " AS DOUBLE PRECISION)" }

func (d Postgres) Percentile(expr string, p float64) string {
	return fmt.Sprintf("percentile_cont(%s) WITHIN GROUP (ORDER BY %s)", strconv.FormatFloat(p, 'f', -1, 64), d.Float(expr))
}

// FamilyOf classifies a PostgreSQL type name as format_type prints it.
func (Postgres) FamilyOf(typ string) Family {
	t := strings.ToLower(strings.TrimSpace(typ))
	// A user type (an enum, a domain) may be named like a built-in one
	// ("timeslot", "character_role"): a prefix counts only as a whole word.
	is := func(name string) bool {
		return t == name || strings.HasPrefix(t, name+" ") || strings.HasPrefix(t, name+"(")
	}
	switch {
	case t == "text" || is("character") || is("varchar") || is("char") || is("bpchar") ||
		t == "name" || t == "uuid" || t == "json" || t == "jsonb" || t == "citext":
		return Text
	case t == "smallint" || t == "integer" || t == "bigint" || t == "int2" || t == "int4" || t == "int8":
		return Integer
	case is("numeric") || is("decimal"):
		return Decimal
	case t == "real" || t == "double precision" || t == "float4" || t == "float8":
		return Float
	case t == "boolean" || t == "bool":
		return Bool
	case t == "date":
		return Date
	case is("timestamp") && strings.HasSuffix(t, "with time zone") || t == "timestamptz":
		return TimestampTZ
	case is("timestamp"):
		return Timestamp
	case is("time") || t == "timetz":
		return Time
	}
	return Other
}
