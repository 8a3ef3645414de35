// Package dialect is the small SQL vocabulary check kinds are written in.
// A kind builds its SQL only through a Dialect, so the same check plan runs
// in the embedded DuckDB or, later, inside PostgreSQL, MySQL/MariaDB or
// ClickHouse where the data lives.
package dialect

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/vn-registries/dq/sqltext"
)

// Dialect renders the SQL fragments that differ between engines.
type Dialect interface {
	Name() string
	// Ident quotes an identifier; a qualified name (schema.table) is split
	// on dots by QualifiedIdent, never here.
	Ident(name string) string
	// String quotes a string literal.
	String(s string) string
	// Text casts an expression to the engine's string type.
	Text(expr string) string
	// RegexMatch is true when pattern matches somewhere in expr (search
	// semantics; anchor with ^ and $ to match the whole value).
	RegexMatch(expr, pattern string) string
	// RegexFullMatch is true when pattern matches the whole of expr.
	RegexFullMatch(expr, pattern string) string
	// CharLength counts characters (Unicode code points, not bytes) of a
	// string expression as stored.
	CharLength(expr string) string
	// Date and Timestamp render literals; Timestamp is a wall-clock time
	// without zone, as the column it is compared with.
	Date(t time.Time) string
	Timestamp(t time.Time) string
	// TimestampTZ renders an instant.
	TimestampTZ(t time.Time) string
	// TryCast converts expr to a type family, yielding NULL when it cannot.
	TryCast(expr string, to Family) string
	// DigitsToInt casts a string the caller has already checked holds
	// only ASCII digits to an integer: no guard, so it costs nothing.
	DigitsToInt(expr string) string
	// HashUnit maps a key to [0, 1) from the first 32 bits of md5 of its
	// text, identically on every engine: the basis of coordinated samples.
	HashUnit(keyExpr string) string
	// Exact is expr as text that =, <, IN and DISTINCT compare byte by
	// byte, as DuckDB does: case, accents and trailing spaces count, and
	// order is the bytes' order, whatever collation the column or the
	// session has. Text compared across engines goes through it.
	Exact(expr string) string
	// Float casts a numeric expression to double precision, so an
	// aggregate reaches Go as one type on every engine.
	Float(expr string) string
	// InlineCTE is what follows "WITH name AS" so that a CTE read more
	// than once (the plan's relation, read again by a failed_rows query)
	// is inlined into each read rather than materialized in full.
	InlineCTE() string
	// ComputeOnce is what precedes "SELECT *, expr AS name, …" so that
	// the engine computes each added column once per row, where it would
	// otherwise write the column's expression out into each use of it
	// (the plan's shared predicates). ok is false where nothing keeps the
	// engine from writing it out: the planner then writes nested columns
	// out itself, in one SELECT.
	ComputeOnce() (prefix string, ok bool)
	// Percentile is the continuous percentile of a numeric expr at p in
	// [0, 1] as an aggregate (linear interpolation between the closest
	// ranks, as PostgreSQL's percentile_cont), or "" when the engine has
	// no such aggregate and it must be computed by a query of its own.
	Percentile(expr string, p float64) string
	// InList is expr IN (values, as string literals), with IN's NULL
	// semantics: NULL when expr is NULL, else true or false (no value is
	// NULL). Engines without a faster shape for a long list write
	// InListSQL(d, expr, values).
	InList(expr string, values []string) string
}

// InListSQL is the portable expr IN ('a', 'b', ...).
func InListSQL(d Dialect, expr string, values []string) string {
	return expr + " IN (" + quotedList(d, values) + ")"
}

// quotedList is values as d's string literals, comma-separated.
func quotedList(d Dialect, values []string) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.String(v))
	}
	return b.String()
}

// Family groups column types the way checks care about them.
type Family int

const (
	Other Family = iota
	Text
	Integer
	Decimal
	Float
	Bool
	Date
	Timestamp   // without time zone: wall clock in the source's zone
	TimestampTZ // an instant
	Time
)

func (f Family) String() string {
	return [...]string{"other", "text", "integer", "decimal", "float", "boolean", "date", "timestamp", "timestamptz", "time"}[f]
}

// Numeric reports whether values of the family are numbers.
func (f Family) Numeric() bool { return f == Integer || f == Decimal || f == Float }

// Temporal reports whether values of the family are dates or times.
func (f Family) Temporal() bool { return f == Date || f == Timestamp || f == TimestampTZ }

// QualifiedIdent quotes each dot-separated part of a table name.
func QualifiedIdent(d Dialect, name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = d.Ident(p)
	}
	return strings.Join(parts, ".")
}

// CountIf is the portable conditional count: every engine has SUM and CASE.
// COALESCE makes it 0, not NULL, on an empty table.
func CountIf(pred string) string {
	return countIfPrefix + pred + countIfSuffix
}

// IsCount reports whether an aggregate counts rows: COUNT(*), or a
// CountIf. A count over a table is the sum of its counts over any
// partition of it, so a planner may add the counts of groups up.
func IsCount(agg string) bool {
	return agg == "COUNT(*)" || strings.HasPrefix(agg, countIfPrefix) && strings.HasSuffix(agg, countIfSuffix)
}

const countIfPrefix, countIfSuffix = "COALESCE(SUM(CASE WHEN ", " THEN 1 ELSE 0 END), 0)"

// countFilterer is implemented by dialects whose conditional count is
// cheaper written another way (Aggregate).
type countFilterer interface {
	CountFilter(pred string) string
}

// Aggregate is agg as d runs it: a CountIf in the dialect's cheaper
// shape where it has one, anything else as written. The plan keeps the
// portable text as the aggregate's identity.
func Aggregate(d Dialect, agg string) string {
	cf, ok := d.(countFilterer)
	if !ok {
		return agg
	}
	if pred, ok := countIfPred(sqltext.Of(d.Name()), agg); ok {
		return cf.CountFilter(pred)
	}
	return agg
}

// countIfPred is the predicate of one CountIf: ok is false for anything
// else, such as a sum of two (user SQL may be of any shape). syn reads
// the engine's literals.
func countIfPred(syn sqltext.Syntax, agg string) (string, bool) {
	if !strings.HasPrefix(agg, countIfPrefix) || !strings.HasSuffix(agg, countIfSuffix) {
		return "", false
	}
	pred := agg[len(countIfPrefix) : len(agg)-len(countIfSuffix)]
	depth, ok := 0, true
	open := syn.Code(pred, func(i int) bool {
		switch pred[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		ok = depth >= 0 && !(depth == 0 && strings.HasPrefix(pred[i:], " THEN 1 ELSE 0 END"))
		return ok
	})
	return pred, ok && open < 0 && depth == 0
}

// closedAtEnd reports whether the parenthesis at expr[open] is closed by
// expr's last byte and by no earlier one, as syn reads expr.
func closedAtEnd(syn sqltext.Syntax, expr string, open int) bool {
	depth, closedAt := 0, -1
	left := syn.Code(expr[open:], func(i int) bool {
		switch expr[open+i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				closedAt = open + i
				return false
			}
		}
		return true
	})
	return left < 0 && closedAt == len(expr)-1
}

// Missing is the one notion of "missing" every check and profile uses: NULL,
// or, for text, blank or one of the null-like tokens (case-insensitive,
// surrounding white space ignored). One anchored case-insensitive regex is
// several times faster than UPPER(TRIM(x)) IN (...) on long Unicode text.
func Missing(d Dialect, col string, fam Family, tokens []string) string {
	if fam != Text {
		return col + " IS NULL"
	}
	alts := []string{""}
	var trimmed []string
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			alts = append(alts, regexp.QuoteMeta(t))
			trimmed = append(trimmed, t)
		}
	}
	pattern := `(?i)\s*(?:` + strings.Join(alts, "|") + `)\s*`
	if ms, ok := d.(missingShaper); ok {
		if sql, ok := ms.MissingText(col, pattern, trimmed); ok {
			return sql
		}
	}
	return fmt.Sprintf("(%s IS NULL OR %s)", col, d.RegexFullMatch(col, pattern))
}

// missingShaper is implemented by dialects with a cheaper exact test of
// a text column's missing regex (pattern, (?i) first) for some token
// lists (trimmed, never empty); ok false keeps the regex.
type missingShaper interface {
	MissingText(col, pattern string, tokens []string) (sql string, ok bool)
}

// quoteWith doubles the quote character inside s and wraps s in it: the
// SQL standard's escape, which leaves no way out of the quotes.
func quoteWith(s string, q byte) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if s[i] == q {
			b.WriteByte(q)
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(q)
	return b.String()
}

// windowless is implemented by dialects without window aggregates
// (ClickHouse 18.16), whose SQL must take another shape where others use
// OVER (RepeatedGroups).
type windowless interface{ NoWindows() }

// HasWindows reports whether the engine has window aggregates
// (COUNT(*) OVER ()).
func HasWindows(d Dialect) bool {
	_, no := d.(windowless)
	return !no
}

// yearReader is implemented by dialects with a cheaper year of a date
// than EXTRACT.
type yearReader interface{ Year(expr string) string }

// Year is the calendar year of a date or timestamp, as a number.
func Year(d Dialect, expr string) string {
	if y, ok := d.(yearReader); ok {
		return y.Year(expr)
	}
	return "EXTRACT(YEAR FROM " + expr + ")"
}

// repeatedGrouper is implemented by dialects that write RepeatedGroups
// their own way (without window aggregates, or grouping sorted rows).
type repeatedGrouper interface {
	RepeatedGroups(g Groups) string
}

// Groups is what RepeatedGroups groups.
type Groups struct {
	// Sel is what each result row shows: a key as grouped, a key as text
	// (Text of it), or an aggregate over From's columns.
	Sel  []string
	Keys []string // the grouping expressions
	// TextKeys says which keys are text compared byte by byte (Exact).
	TextKeys []bool
	From     string
	// Skip holds for the rows left out of the grouping.
	Skip string
	// SkipBy, when set, is Skip told by the key columns' stored values
	// alone, given expressions that read them (Raw, in Keys' order): a
	// dialect may then group every row and leave out the groups it holds
	// for, testing each key once instead of each row.
	SkipBy func(raw []string) string
	Raw    []string
}

// RepeatedGroups is one GROUP BY over the keys of g.From's rows that
// g.Skip does not hold for, listing the groups of more than one row,
// most rows first, then by key: each row is g.Sel (read in the group),
// the group's row count, then three totals over all such groups: how
// many there are, their rows, and their rows beyond the first of each.
// The caller adds the LIMIT, which cuts the list and not the totals.
func RepeatedGroups(d Dialect, g Groups) string {
	if rg, ok := d.(repeatedGrouper); ok {
		return rg.RepeatedGroups(g)
	}
	keyList := strings.Join(g.Keys, ", ")
	// Window aggregates are computed after HAVING and before the LIMIT.
	return fmt.Sprintf("SELECT %s, COUNT(*) AS n, COUNT(*) OVER (), SUM(COUNT(*)) OVER (), SUM(COUNT(*) - 1) OVER () "+
		"FROM %s WHERE NOT %s GROUP BY %s HAVING COUNT(*) > 1 ORDER BY n DESC, %s",
		strings.Join(g.Sel, ", "), g.From, g.Skip, keyList, keyList)
}
