package dialect

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ClickHouse is the dialect of ClickHouse 18.16 (Debian's package) and
// later, as its HTTP interface reads SQL.
//
// What 18.16 lacks shapes it: no trim function (a regex replace trims),
// no Decimal or Date parsing that yields NULL on bad text (a regex and a
// round trip guard the casts), no window function and no percentile that
// interpolates (Percentile sorts the group's values in an array). Regular
// expressions are RE2, as DuckDB's, so patterns mean the same.
type ClickHouse struct{}

var _ Dialect = ClickHouse{}

func (ClickHouse) Name() string { return "clickhouse" }

// Ident quotes with backticks; inside them ClickHouse reads a backslash
// as an escape, so both the backtick and the backslash are escaped.
func (ClickHouse) Ident(name string) string { return backslashQuote(name, '`') }

// String quotes a literal; ClickHouse reads backslash escapes in it, so a
// backslash is doubled and a quote escaped: no way out of the literal.
func (ClickHouse) String(s string) string { return backslashQuote(s, '\'') }

func backslashQuote(s string, q byte) string {
	s = strings.ReplaceAll(s, "\x00", "")
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if s[i] == q || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(q)
	return b.String()
}

func (ClickHouse) Text(expr string) string { return "toString(" + expr + ")" }

func (d ClickHouse) RegexMatch(expr, pattern string) string {
	return fmt.Sprintf("match(%s, %s)", d.Text(expr), d.String(pattern))
}

// RegexFullMatch anchors with ^ and $: RE2 without the m flag reads $ as
// the end of the text only.
func (d ClickHouse) RegexFullMatch(expr, pattern string) string {
	return fmt.Sprintf("match(%s, %s)", d.Text(expr), d.String("^(?:"+pattern+")$"))
}

func (d ClickHouse) CharLength(expr string) string {
	return fmt.Sprintf("lengthUTF8(%s)", d.Text(expr))
}

// Date renders a date literal. 18.16's Date holds 1970-01-01 to
// 2105-12-31 and reads an earlier literal as garbage, so an earlier date
// is written as 1970-01-01: every Date value compares with it as with the
// earlier date (none is before either).
func (ClickHouse) Date(t time.Time) string {
	if t.Year() < 1970 {
		return "toDate('1970-01-01')"
	}
	return "toDate('" + t.Format("2006-01-02") + "')"
}

// Timestamp is a wall-clock time, as DateTime columns hold it in the
// server's zone. DateTime has whole seconds; toDateTime of 18.16 reads no
// fraction, so a literal's fraction is dropped; a time before 1970 is
// written as 1970-01-01 00:00:00, as Date does.
func (ClickHouse) Timestamp(t time.Time) string {
	if t.Year() < 1970 {
		return "toDateTime('1970-01-01 00:00:00')"
	}
	return "toDateTime('" + t.Format("2006-01-02 15:04:05") + "')"
}

// TimestampTZ is the instant, read in UTC.
func (ClickHouse) TimestampTZ(t time.Time) string {
	if t.Year() < 1970 {
		return "toDateTime('1970-01-01 00:00:00', 'UTC')"
	}
	return "toDateTime('" + t.UTC().Format("2006-01-02 15:04:05") + "', 'UTC')"
}

// OutOfRange is the message of the error TryCast raises on text holding
// a date 18.16 cannot hold; connectors/clickhouse explains it.
const OutOfRange = "Value passed to 'throwIf' function is non zero"

func (ClickHouse) DigitsToInt(expr string) string { return "toInt64(" + expr + ")" }

// Shapes guarding TryCast, as DuckDB's TRY_CAST accepts them (after
// trimming white space).
const (
	chDecimalRe = `^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)$`
	chDateRe    = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
	chStampRe   = `^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}$`
)

// TryCast yields NULL for text that is not a value of the family. The
// OrNull conversions of 18.16 are lax (toDateOrNull('2020-02-30') is
// 2020-03-01), so a date or time is kept only when it prints back as the
// text it was read from. Text holding a date before 1970 or after 2105,
// which 18.16's Date and DateTime cannot hold, stops the query
// (throwIf): a NULL there would count a real date as not a date, a wrong
// answer; the check is then an error, which names the cause.
func (d ClickHouse) TryCast(expr string, to Family) string {
	t := "replaceRegexpAll(" + d.Text(expr) + `, '^\\s+|\\s+$', '')`
	guard := func(re, then string) string {
		return fmt.Sprintf("if(match(%s, %s), %s, NULL)", t, d.String(re), then)
	}
	roundTrip := func(conv string) string {
		return fmt.Sprintf("if(toString(%s) = %s, %s, NULL)", conv, t, conv)
	}
	switch to {
	case Text:
		return d.Text(expr)
	case Integer:
		return "toInt64OrNull(" + t + ")"
	case Decimal:
		return guard(chDecimalRe, "toDecimal128("+t+", 10)")
	case Float:
		return "toFloat64OrNull(" + t + ")"
	case Bool:
		l := "lower(" + t + ")"
		return fmt.Sprintf("multiIf(%s IN ('true','t','1','yes','y'), 1, %s IN ('false','f','0','no','n'), 0, NULL)", l, l)
	case Date:
		return guard(chDateRe, roundTrip("toDateOrNull("+t+")")+" + "+d.outOfRange(t, chDateRe))
	case Timestamp, TimestampTZ:
		norm := "replaceOne(" + t + ", 'T', ' ')"
		conv := "toDateTimeOrNull(" + norm + ")"
		return guard(chStampRe, fmt.Sprintf("if(toString(%s) = %s, %s, NULL) + %s", conv, norm, conv, d.outOfRange(t, chStampRe)))
	}
	return expr
}

// outOfRange is 0, or an error for text of the shape re (a date or a
// timestamp) whose year 18.16's Date cannot hold; adding 0 days changes
// nothing. ClickHouse evaluates both branches of if(), so the shape is
// tested here again.
func (d ClickHouse) outOfRange(t, re string) string {
	return fmt.Sprintf("throwIf(match(%s, %s) AND (substring(%s, 1, 4) < '1970' OR substring(%s, 1, 4) > '2105'))", t, d.String(re), t, t)
}

// HashUnit: MD5 is 16 raw bytes; the first four, reversed, read as a
// little-endian UInt32 are the big-endian number of the first 8 hex
// digits, as the other engines take it. The quotient by 2^32 is exact in
// Float64.
func (d ClickHouse) HashUnit(keyExpr string) string {
	return fmt.Sprintf("(reinterpretAsUInt32(reverse(substring(MD5(%s), 1, 4))) / 4294967296)", d.Text(keyExpr))
}

// Exact: ClickHouse compares String by bytes and has no collation.
func (d ClickHouse) Exact(expr string) string { return d.Text(expr) }

// InlineCTE: 18.16 has no CTE; the session inlines the plan's relation
// into each read (see connectors/clickhouse).
func (ClickHouse) InlineCTE() string { return "" }

// ComputeOnce: the session writes the shared columns out where they are
// used (ClickHouse computes an expression repeated in a query once), and
// does so for the planner's one-SELECT shape only.
func (ClickHouse) ComputeOnce() (string, bool) { return "", false }

func (ClickHouse) Float(expr string) string { return "toFloat64(" + expr + ")" }

// Percentile interpolates between the closest ranks, as percentile_cont
// and DuckDB's quantile_cont do: the group's values sorted in an array
// (groupArray skips NULL), h = (n-1)·p, v[⌊h⌋] + (h-⌊h⌋)·(v[⌊h⌋+1]-v[⌊h⌋]).
// ClickHouse computes an expression repeated in a query once. Exact, but
// it holds a group's values in memory, as an exact percentile must.
func (d ClickHouse) Percentile(expr string, p float64) string {
	ps := strconv.FormatFloat(p, 'f', -1, 64)
	v := "arraySort(groupArray(" + d.Float(expr) + "))"
	n := "length(" + v + ")"
	h := "((" + n + " - 1) * " + ps + ")"
	lo := "toUInt64(floor(" + h + "))"
	at := func(i string) string { return "arrayElement(" + v + ", " + i + ")" }
	return fmt.Sprintf("if(%s = 0, NULL, %s + (%s - %s) * (%s - %s))",
		n, at(lo+" + 1"), h, lo, at("least("+lo+" + 2, "+n+")"), at(lo+" + 1"))
}

// FamilyOf classifies a ClickHouse type name as the server prints it
// (Nullable(String), LowCardinality(String), DateTime('UTC'), ...).
func (ClickHouse) FamilyOf(typ string) Family {
	t := BaseClickHouseType(typ)
	switch {
	case t == "String" || strings.HasPrefix(t, "FixedString") || strings.HasPrefix(t, "Enum") || t == "UUID":
		return Text
	case strings.HasPrefix(t, "Int") || strings.HasPrefix(t, "UInt"):
		return Integer
	case strings.HasPrefix(t, "Decimal"):
		return Decimal
	case t == "Float32" || t == "Float64":
		return Float
	case t == "Date":
		return Date
	case t == "DateTime":
		return Timestamp
	case strings.HasPrefix(t, "DateTime("):
		return TimestampTZ
	}
	return Other
}

// BaseClickHouseType strips Nullable(...) and LowCardinality(...).
func BaseClickHouseType(typ string) string {
	t := strings.TrimSpace(typ)
	for _, w := range []string{"Nullable(", "LowCardinality("} {
		if strings.HasPrefix(t, w) && strings.HasSuffix(t, ")") {
			t = BaseClickHouseType(t[len(w) : len(t)-1])
		}
	}
	return t
}

// InList: ClickHouse builds a set of a constant IN list once per query.
func (d ClickHouse) InList(expr string, values []string) string { return InListSQL(d, expr, values) }

// NoWindows: 18.16 has no window functions (they came in 21.x).
func (ClickHouse) NoWindows() {}

// RepeatedGroups without window aggregates: the one GROUP BY's repeated
// groups are gathered into one array, sorted there as ORDER BY would,
// and unrolled with ARRAY JOIN beside the totals. The array holds what
// the GROUP BY's hash table already held, the repeated groups only.
func (ClickHouse) RepeatedGroups(g Groups) string {
	sel, keys := g.Sel, g.Keys
	var elems, order []string
	for i := range sel {
		elems = append(elems, fmt.Sprintf("e.%d", i+1))
	}
	order = append(order, fmt.Sprintf("-x.%d", len(sel)+1))
	for i := range keys {
		order = append(order, fmt.Sprintf("x.%d", len(sel)+2+i))
	}
	return fmt.Sprintf("SELECT %s, e.%d, dup_keys, dup_rows, dup_extra FROM ("+
		"SELECT COUNT(*) AS dup_keys, SUM(n) AS dup_rows, SUM(n - 1) AS dup_extra, "+
		"arraySort(x -> (%s), groupArray((%s, n, %s))) AS dups FROM ("+
		"SELECT %s, COUNT(*) AS n, %s FROM %s WHERE NOT %s GROUP BY %s HAVING COUNT(*) > 1)) ARRAY JOIN dups AS e",
		strings.Join(elems, ", "), len(sel)+1,
		strings.Join(order, ", "), strings.Join(aliases("v", len(sel)), ", "), strings.Join(aliases("k", len(keys)), ", "),
		strings.Join(aliased(sel, "v"), ", "), strings.Join(aliased(keys, "k"), ", "), g.From, g.Skip, strings.Join(keys, ", "))
}

// aliases are _dq_prefix0, _dq_prefix1, ...
func aliases(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("_dq_%s%d", prefix, i)
	}
	return out
}

// aliased are exprs AS _dq_prefix0, _dq_prefix1, ...
func aliased(exprs []string, prefix string) []string {
	names := aliases(prefix, len(exprs))
	out := make([]string, len(exprs))
	for i, e := range exprs {
		out[i] = e + " AS " + names[i]
	}
	return out
}
