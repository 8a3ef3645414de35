package dialect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDuckDBQuoting(t *testing.T) {
	d := DuckDB{}
	require.Equal(t, `"a""b; DROP TABLE x; --"`, d.Ident(`a"b; DROP TABLE x; --`))
	require.Equal(t, `'it''s'`, d.String("it's"))
	require.Equal(t, `"public"."citi""zens"`, QualifiedIdent(d, `public.citi"zens`))
	require.Equal(t, "DATE '2025-07-01'", d.Date(time.Date(2025, 7, 1, 13, 0, 0, 0, time.UTC)))
	require.Equal(t, "TIMESTAMP '2025-07-01 13:04:05'", d.Timestamp(time.Date(2025, 7, 1, 13, 4, 5, 0, time.UTC)))
}

func TestMissing(t *testing.T) {
	d := DuckDB{}
	require.Equal(t, `"n" IS NULL`, Missing(d, `"n"`, Integer, []string{"N/A"}))
	require.Equal(t,
		`("s" IS NULL OR regexp_full_match(CAST("s" AS VARCHAR), '(?i)\s*(?:|N/A|0000-00-00|a\.b)\s*'))`,
		Missing(d, `"s"`, Text, []string{"N/A", " 0000-00-00 ", "a.b", ""}))
}

func TestFamilyOf(t *testing.T) {
	d := DuckDB{}
	for typ, want := range map[string]Family{
		"VARCHAR": Text, "BIGINT": Integer, "DECIMAL(18,2)": Decimal, "DOUBLE": Float,
		"DATE": Date, "TIMESTAMP": Timestamp, "TIMESTAMP WITH TIME ZONE": TimestampTZ,
		"TIMESTAMP_NS": Timestamp, "BOOLEAN": Bool, "BLOB": Other,
	} {
		require.Equal(t, want, d.FamilyOf(typ), typ)
	}
}
