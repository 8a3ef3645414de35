package dialect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClickHouseQuoting(t *testing.T) {
	d := ClickHouse{}
	require.Equal(t, "clickhouse", d.Name())
	require.Equal(t, "`a\\`b\\\\; DROP TABLE x; --`", d.Ident("a`b\\; DROP TABLE x; --"))
	require.Equal(t, `'it\'s \\\' OR 1 -- '`, d.String(`it's \' OR 1 -- `))
	require.Equal(t, "`reg`.`citizens`", QualifiedIdent(d, "reg.citizens"))
	require.Equal(t, "toDate('2025-07-01')", d.Date(time.Date(2025, 7, 1, 13, 0, 0, 0, time.UTC)))
	require.Equal(t, "toDate('1970-01-01')", d.Date(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)), "no Date is earlier")
	require.Equal(t, "toDateTime('2025-07-01 13:04:05')", d.Timestamp(time.Date(2025, 7, 1, 13, 4, 5, 5e8, time.UTC)))
	require.Equal(t, "toDateTime('2025-07-01 06:04:05', 'UTC')",
		d.TimestampTZ(time.Date(2025, 7, 1, 13, 4, 5, 0, time.FixedZone("ICT", 7*3600))))
}

func TestClickHouseExpressions(t *testing.T) {
	d := ClickHouse{}
	require.Equal(t, "lengthUTF8(toString(x))", d.CharLength("x"))
	require.Equal(t, `match(toString(x), '^[0-9]{12}')`, d.RegexMatch("x", "^[0-9]{12}"))
	require.Equal(t, `(x IS NULL OR match(toString(x), '^(?:(?i)\\s*(?:|N/A)\\s*)$'))`,
		Missing(d, "x", Text, []string{"N/A"}))
	require.Equal(t, "(reinterpretAsUInt32(reverse(substring(MD5(toString(k)), 1, 4))) / 4294967296)", d.HashUnit("k"))
	require.Equal(t, "x", d.TryCast("x", Other))
	require.Contains(t, d.TryCast("x", Date), "if(toString(toDateOrNull(")
	require.Contains(t, d.TryCast("x", Date), "throwIf(", "a date 18.16 cannot hold is an error, not NULL")
	require.Contains(t, d.TryCast("x", Decimal), "toDecimal128(")
	require.Equal(t, "", d.InlineCTE())
}

func TestClickHouseFamilyOf(t *testing.T) {
	d := ClickHouse{}
	for typ, want := range map[string]Family{
		"String": Text, "Nullable(String)": Text, "LowCardinality(Nullable(String))": Text, "FixedString(12)": Text,
		"Enum8('a' = 1)": Text, "Int64": Integer, "Nullable(UInt8)": Integer, "Decimal(18, 2)": Decimal,
		"Float64": Float, "Date": Date, "Nullable(DateTime)": Timestamp, "DateTime('UTC')": TimestampTZ,
		"Array(String)": Other, "Nothing": Other,
	} {
		require.Equal(t, want, d.FamilyOf(typ), typ)
	}
}

// 18.16 has no window aggregates: checks must not send them.
func TestClickHouseHasNoWindows(t *testing.T) {
	if HasWindows(ClickHouse{}) {
		t.Fatal("ClickHouse 18.16 has no window functions")
	}
	for _, d := range []Dialect{DuckDB{}, Postgres{}, MySQL{}} {
		if !HasWindows(d) {
			t.Fatalf("%s has window functions", d.Name())
		}
	}
}
