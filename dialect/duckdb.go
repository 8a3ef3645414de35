package dialect

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DuckDB is the embedded engine's dialect.
type DuckDB struct{}

var _ Dialect = DuckDB{}

func (DuckDB) Name() string { return "duckdb" }

func (DuckDB) Ident(name string) string { return quoteWith(name, '"') }

func (DuckDB) String(s string) string {
	// A NUL byte cannot appear in a DuckDB string literal; none of ours
	// should contain one, and dropping it cannot widen what matches.
	return quoteWith(strings.ReplaceAll(s, "\x00", ""), '\'')
}

func (DuckDB) Text(expr string) string { return "CAST(" + expr + " AS VARCHAR)" }

func (d DuckDB) RegexMatch(expr, pattern string) string {
	return fmt.Sprintf("regexp_matches(%s, %s)", d.Text(expr), d.String(pattern))
}

func (d DuckDB) RegexFullMatch(expr, pattern string) string {
	return fmt.Sprintf("regexp_full_match(%s, %s)", d.Text(expr), d.String(pattern))
}

func (d DuckDB) CharLength(expr string) string {
	return fmt.Sprintf("length(%s)", d.Text(expr))
}

func (DuckDB) Date(t time.Time) string { return "DATE '" + t.Format("2006-01-02") + "'" }

func (DuckDB) Timestamp(t time.Time) string {
	return "TIMESTAMP '" + t.Format("2006-01-02 15:04:05.999999") + "'"
}

func (DuckDB) TimestampTZ(t time.Time) string {
	return "TIMESTAMPTZ '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "+00'"
}

func (DuckDB) DigitsToInt(expr string) string { return "CAST(" + expr + " AS INTEGER)" }

func (DuckDB) TryCast(expr string, to Family) string {
	typ := map[Family]string{
		Text: "VARCHAR", Integer: "BIGINT", Decimal: "DECIMAL(38,10)", Float: "DOUBLE",
		Bool: "BOOLEAN", Date: "DATE", Timestamp: "TIMESTAMP", TimestampTZ: "TIMESTAMPTZ", Time: "TIME",
	}[to]
	if typ == "" {
		return expr
	}
	return fmt.Sprintf("TRY_CAST(%s AS %s)", expr, typ)
}

func (d DuckDB) HashUnit(keyExpr string) string {
	return fmt.Sprintf("(CAST(('0x' || substr(md5(%s), 1, 8)) AS UBIGINT) / 4294967296.0)", d.Text(keyExpr))
}

// Exact: DuckDB compares text by its bytes unless a collation is asked
// for, and dq never sets default_collation.
func (d DuckDB) Exact(expr string) string { return d.Text(expr) }

// InlineCTE: DuckDB materializes a CTE read twice, which for the plan's
// relation means a copy of the dataset.
func (DuckDB) InlineCTE() string { return "NOT MATERIALIZED " }

// ComputeOnce: DuckDB computes a subquery's projection once per row.
func (DuckDB) ComputeOnce() (string, bool) { return "", true }

// InList: DuckDB compares a value with each element of an IN list in
// turn, so an IN list costs per row what it is long: 3,321 codes take
// 38 s per 1M rows, where a semi-join on the unnested list, hashed once,
// takes 0.11 s whatever the list's length. But inside the fused scan (a
// guarded CASE in an aggregate) the semi-join is computed for every row
// and costs more than a short list: with the CCCD validator's 63 birth
// places, 100 checks took 1.49× the hand-written query with it, 1.27×
// with list_contains, 1.00× with IN (docs/performance.md). So IN below
// inListMax values, the semi-join from there. All are NULL for a NULL
// expr.
func (d DuckDB) InList(expr string, values []string) string {
	if len(values) < inListMax {
		return InListSQL(d, expr, values)
	}
	return fmt.Sprintf("(%s IN (SELECT unnest([%s])))", expr, quotedList(d, values))
}

// inListMax is where DuckDB's IN list gives way to a semi-join: IN costs
// about 0.01 s per value per 1M rows, the semi-join in a fused scan a few
// seconds per 1M rows, which is about 256 values' worth.
const inListMax = 256

func (DuckDB) Float(expr string) string { return "CAST(" + expr + " AS DOUBLE)" }

func (d DuckDB) Percentile(expr string, p float64) string {
	return fmt.Sprintf("quantile_cont(%s, %s)", d.Float(expr), strconv.FormatFloat(p, 'f', -1, 64))
}

// FamilyOf classifies a DuckDB type name as DESCRIBE prints it.
func (DuckDB) FamilyOf(typ string) Family {
	t := strings.ToUpper(typ)
	switch {
	case t == "VARCHAR" || strings.HasPrefix(t, "VARCHAR(") || t == "TEXT" || t == "STRING" || t == "UUID" || strings.HasPrefix(t, "ENUM") || t == "JSON":
		return Text
	case t == "TINYINT" || t == "SMALLINT" || t == "INTEGER" || t == "BIGINT" || t == "HUGEINT" ||
		t == "UTINYINT" || t == "USMALLINT" || t == "UINTEGER" || t == "UBIGINT" || t == "UHUGEINT":
		return Integer
	case strings.HasPrefix(t, "DECIMAL"):
		return Decimal
	case t == "FLOAT" || t == "DOUBLE" || t == "REAL":
		return Float
	case t == "BOOLEAN":
		return Bool
	case t == "DATE":
		return Date
	case t == "TIMESTAMP WITH TIME ZONE" || t == "TIMESTAMPTZ":
		return TimestampTZ
	case strings.HasPrefix(t, "TIMESTAMP"):
		return Timestamp
	case strings.HasPrefix(t, "TIME"):
		return Time
	}
	return Other
}
