package dialect

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPostgresQuoting(t *testing.T) {
	d := Postgres{}
	require.Equal(t, "postgres", d.Name())
	require.Equal(t, `"a""b; DROP TABLE x; --"`, d.Ident(`a"b; DROP TABLE x; --`))
	require.Equal(t, `'it''s \d'`, d.String(`it's \d`))
	require.Equal(t, `"public"."citi""zens"`, QualifiedIdent(d, `public.citi"zens`))
	require.Equal(t, "CAST(x AS TEXT)", d.Text("x"))
	require.Equal(t, "char_length(CAST(x AS TEXT))", d.CharLength("x"))
	require.Equal(t, "DATE '2025-07-01'", d.Date(time.Date(2025, 7, 1, 13, 0, 0, 0, time.UTC)))
	require.Equal(t, "TIMESTAMP '2025-07-01 13:04:05.5'", d.Timestamp(time.Date(2025, 7, 1, 13, 4, 5, 5e8, time.UTC)))
	require.Equal(t, "TIMESTAMPTZ '2025-07-01 06:04:05+00'",
		d.TimestampTZ(time.Date(2025, 7, 1, 13, 4, 5, 0, time.FixedZone("ICT", 7*3600))))
}

func TestPostgresRegex(t *testing.T) {
	d := Postgres{}
	require.Equal(t, `(CAST("s" AS TEXT) ~ '^[0-9]+$')`, d.RegexMatch(`"s"`, `^[0-9]+$`))
	require.Equal(t, `(CAST("s" AS TEXT) ~ '^(?:\d{12})$')`, d.RegexFullMatch(`"s"`, `\d{12}`))
	require.Equal(t, `(CAST("s" AS TEXT) ~* '^(?:\s*(?:|N/A)\s*)$')`, d.RegexFullMatch(`"s"`, `(?i)\s*(?:|N/A)\s*`))
	require.Equal(t, `(CAST("s" AS TEXT) ~* 'abc')`, d.RegexMatch(`"s"`, `(?i)abc`))
}

func TestPostgresTryCastAndHash(t *testing.T) {
	d := Postgres{}
	for _, f := range []Family{Integer, Decimal, Float, Bool, Date, Timestamp, TimestampTZ, Time} {
		s := d.TryCast(`"v"`, f)
		require.True(t, strings.HasPrefix(s, "(CASE WHEN"), s)
		require.NotContains(t, s, "TRY_CAST")
	}
	require.Equal(t, `"v"`, d.TryCast(`"v"`, Other))
	require.Equal(t, `CAST("v" AS TEXT)`, d.TryCast(`"v"`, Text))
	require.Contains(t, d.HashUnit(`"k"`), `md5(CAST("k" AS TEXT))`)
	require.Equal(t, TimestampTZ, d.FamilyOf("timestamp(3) with time zone"))
	require.Equal(t, Decimal, d.FamilyOf("numeric(12,2)"))
	require.Equal(t, Text, d.FamilyOf("character varying(20)"))
	// The names a session reports (pg_type.typname) and DDL spellings.
	for typ, want := range map[string]Family{
		"bpchar": Text, "varchar": Text, "char(3)": Text, "character(3)": Text, "text": Text,
		"int8": Integer, "numeric": Decimal, "float8": Float, "bool": Bool, "date": Date,
		"timestamp": Timestamp, "timestamp without time zone": Timestamp, "timestamp(6)": Timestamp,
		"timestamptz": TimestampTZ, "timestamp with time zone": TimestampTZ,
		"time": Time, "timetz": Time, "time(3) without time zone": Time,
		// User types named like built-in ones are not taken for them.
		"timeslot": Other, "character_role": Other, "numerics": Other, "chart": Other, "_int4": Other,
	} {
		require.Equal(t, want, d.FamilyOf(typ), typ)
	}
}

func TestPostgresTextOnce(t *testing.T) {
	d := Postgres{}
	require.Equal(t, `CAST("s" AS TEXT)`, d.Text(`"s"`))
	require.Equal(t, `CAST("s" AS TEXT)`, d.Text(d.Text(`"s"`)))
	require.Equal(t, `CAST(')' AS TEXT)`, d.Text(`CAST(')' AS TEXT)`))
	require.Equal(t, `CAST("a)" AS TEXT)`, d.Text(`CAST("a)" AS TEXT)`))
	// Not one cast to text: cast again.
	require.Equal(t, `CAST(CAST("a" AS TEXT) || CAST("b" AS TEXT) AS TEXT)`, d.Text(`CAST("a" AS TEXT) || CAST("b" AS TEXT)`))
	require.Equal(t, `CAST(CAST("x" AS INTEGER) AS TEXT)`, d.Text(`CAST("x" AS INTEGER)`))
	require.Equal(t, `CAST(CAST('a AS TEXT) AS TEXT)`, d.Text(`CAST('a AS TEXT)`))
}

func TestPostgresCountFilter(t *testing.T) {
	d := Postgres{}
	require.Equal(t, `COUNT(*) FILTER (WHERE "x" IS NULL)`, Aggregate(d, CountIf(`"x" IS NULL`)))
	require.Equal(t, `COUNT(*) FILTER (WHERE "x" = ')' AND ("y" OR "z"))`, Aggregate(d, CountIf(`"x" = ')' AND ("y" OR "z")`)))
	require.Equal(t, `COUNT(*) FILTER (WHERE "x" = 'it''s')`, Aggregate(d, CountIf(`"x" = 'it''s'`)))
	// Anything but one CountIf stays as written.
	for _, agg := range []string{
		"COUNT(*)", `MAX("t")`,
		CountIf("a") + " + " + CountIf("b"),
		"COALESCE(SUM(CASE WHEN a THEN 1 ELSE 0 END + CASE WHEN b THEN 1 ELSE 0 END), 0)",
		CountIf("'a"),
	} {
		require.Equal(t, agg, Aggregate(d, agg))
	}
	// Other engines keep the portable shape.
	require.Equal(t, CountIf("a"), Aggregate(DuckDB{}, CountIf("a")))
	require.Equal(t, CountIf("a"), Aggregate(MySQL{}, CountIf("a")))
}
