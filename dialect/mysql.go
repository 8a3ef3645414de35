package dialect

import (
	"fmt"
	"strings"
	"time"
)

// MySQL is the dialect of MySQL 8 and MariaDB 10.6+.
//
// String literals escape backslashes as well as quotes, as both servers
// treat a backslash as an escape unless sql_mode has NO_BACKSLASH_ESCAPES;
// under that mode a literal with a backslash reads doubled, but the quote
// doubling still leaves no way out of the literal.
//
// Regular expressions run in PCRE on MariaDB and ICU on MySQL 8. Both
// follow the column's collation, which is usually case-insensitive, so
// every pattern is prefixed with (?-i) to match case-sensitively as DuckDB
// does; a pattern's own (?i) turns it back on.
type MySQL struct{}

var _ Dialect = MySQL{}

func (MySQL) Name() string { return "mysql" }

func (MySQL) Ident(name string) string { return quoteWith(name, '`') }

func (MySQL) String(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ReplaceAll(s, `\`, `\\`)
	return quoteWith(s, '\'')
}

func (MySQL) Text(expr string) string { return "CAST(" + expr + " AS CHAR)" }

func (d MySQL) RegexMatch(expr, pattern string) string {
	return fmt.Sprintf("(%s REGEXP %s)", d.Text(expr), d.String("(?-i)"+pattern))
}

// RegexFullMatch anchors with ^ and \z: $ would also match before a final
// newline.
func (d MySQL) RegexFullMatch(expr, pattern string) string {
	return fmt.Sprintf("(%s REGEXP %s)", d.Text(expr), d.String(`(?-i)^(?:`+pattern+`)\z`))
}

func (d MySQL) CharLength(expr string) string {
	return fmt.Sprintf("CHAR_LENGTH(%s)", d.Text(expr))
}

func (MySQL) Date(t time.Time) string { return "DATE '" + t.Format("2006-01-02") + "'" }

func (MySQL) Timestamp(t time.Time) string {
	return "TIMESTAMP '" + t.Format("2006-01-02 15:04:05.999999") + "'"
}

// TimestampTZ renders the instant in UTC: dq's MySQL sessions run with
// time_zone '+00:00', so TIMESTAMP columns compare in UTC.
func (MySQL) TimestampTZ(t time.Time) string {
	return "TIMESTAMP '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "'"
}

// Guards for TryCast: MySQL's CAST never fails on bad text, it returns 0
// or a truncated value with a warning, so only text that is entirely a
// value of the family is cast.
const (
	reInteger = `^[[:space:]]*[-+]?[0-9]+[[:space:]]*$`
	reDecimal = `^[[:space:]]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)[[:space:]]*$`
	reFloat   = `^[[:space:]]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$`
	reDate    = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
	reStamp   = `^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?$`
	reTime    = `^-?[0-9]{1,3}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?$`
)

// DigitsToInt: MySQL and MariaDB cast to SIGNED; INTEGER is not a cast
// target there.
func (MySQL) DigitsToInt(expr string) string { return "CAST(" + expr + " AS SIGNED)" }

func (d MySQL) TryCast(expr string, to Family) string {
	txt := d.Text(expr)
	guard := func(re, cast string) string {
		return fmt.Sprintf("(CASE WHEN %s REGEXP %s THEN %s END)", txt, d.String(re), cast)
	}
	trimmed := "TRIM(" + txt + ")"
	switch to {
	case Text:
		return txt
	case Integer:
		return guard(reInteger, "CAST("+trimmed+" AS SIGNED)")
	case Decimal:
		return guard(reDecimal, "CAST("+trimmed+" AS DECIMAL(38,10))")
	case Float:
		return guard(reFloat, "CAST("+trimmed+" AS DOUBLE)")
	case Bool:
		l := "LOWER(" + trimmed + ")"
		return fmt.Sprintf("(CASE WHEN %s IN ('true','t','1','yes','y') THEN TRUE WHEN %s IN ('false','f','0','no','n') THEN FALSE END)", l, l)
	case Date:
		return guard(reDate, "CAST("+txt+" AS DATE)")
	case Timestamp, TimestampTZ:
		return guard(reStamp, "CAST(REPLACE("+txt+", 'T', ' ') AS DATETIME(6))")
	case Time:
		return guard(reTime, "CAST("+txt+" AS TIME(6))")
	}
	return expr
}

// HashUnit takes the first 8 hex digits of md5 as an unsigned 32-bit
// number, like DuckDB's: CONV returns text, and dividing text by a DOUBLE
// literal computes in double precision, which holds a 32-bit integer and
// its quotient by 2^32 exactly (a DECIMAL division would round to
// div_precision_increment digits and move keys across the threshold).
func (d MySQL) HashUnit(keyExpr string) string {
	return fmt.Sprintf("(CONV(SUBSTRING(MD5(%s), 1, 8), 16, 10) / 4294967296e0)", d.Text(keyExpr))
}

// Exact compares as binary strings: the usual collations
// (utf8mb4_general_ci, utf8mb4_0900_ai_ci) fold case and accents, and
// PAD SPACE ones ignore trailing spaces, none of which DuckDB does.
func (d MySQL) Exact(expr string) string { return "CAST(" + d.Text(expr) + " AS BINARY)" }

// InlineCTE: MySQL and MariaDB merge a CTE into each read, as a derived
// table, and have no keyword for it.
func (MySQL) InlineCTE() string { return "" }

// ComputeOnce: MySQL and MariaDB merge a derived table into the query
// reading it, writing its columns' expressions out into each use.
func (MySQL) ComputeOnce() (string, bool) { return "", false }

// InList: MySQL and MariaDB sort a constant IN list and search it.
func (d MySQL) InList(expr string, values []string) string { return InListSQL(d, expr, values) }

// Float: CAST AS DOUBLE exists from MySQL 8.0.17 and MariaDB 10.4.
func (MySQL) Float(expr string) string { return "CAST(" + expr + " AS DOUBLE)" }

// Percentile: neither MySQL nor MariaDB has an aggregate percentile
// (MariaDB's PERCENTILE_CONT is a window function only).
func (MySQL) Percentile(string, float64) string { return "" }

// FamilyOf classifies a MySQL type name as the Go driver's
// DatabaseTypeName or information_schema's DATA_TYPE prints it.
func (MySQL) FamilyOf(typ string) Family {
	t := strings.ToUpper(strings.TrimPrefix(strings.ToUpper(typ), "UNSIGNED "))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	switch t {
	case "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET", "JSON":
		return Text
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT", "YEAR":
		return Integer
	case "DECIMAL", "NUMERIC":
		return Decimal
	case "FLOAT", "DOUBLE", "REAL":
		return Float
	case "BOOL", "BOOLEAN", "BIT":
		return Bool
	case "DATE":
		return Date
	case "DATETIME":
		return Timestamp
	case "TIMESTAMP":
		return TimestampTZ
	case "TIME":
		return Time
	}
	return Other
}
