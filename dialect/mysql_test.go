package dialect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMySQLQuoting(t *testing.T) {
	d := MySQL{}
	require.Equal(t, "`a``b; DROP TABLE x; --`", d.Ident("a`b; DROP TABLE x; --"))
	require.Equal(t, `'it''s \\'' OR 1 -- '`, d.String(`it's \' OR 1 -- `))
	require.Equal(t, "`reg`.`citi``zens`", QualifiedIdent(d, "reg.citi`zens"))
	require.Equal(t, "DATE '2025-07-01'", d.Date(time.Date(2025, 7, 1, 13, 0, 0, 0, time.UTC)))
	require.Equal(t, "TIMESTAMP '2025-07-01 13:04:05.5'", d.Timestamp(time.Date(2025, 7, 1, 13, 4, 5, 5e8, time.UTC)))
	require.Equal(t, "TIMESTAMP '2025-07-01 06:04:05'", d.TimestampTZ(time.Date(2025, 7, 1, 13, 4, 5, 0, time.FixedZone("ICT", 7*3600))))
}

func TestMySQLExpressions(t *testing.T) {
	d := MySQL{}
	require.Equal(t, "CAST(`x` AS CHAR)", d.Text("`x`"))
	require.Equal(t, "CHAR_LENGTH(CAST(`x` AS CHAR))", d.CharLength("`x`"))
	require.Equal(t, `(CAST(x AS CHAR) REGEXP '(?-i)^[0-9]{12}')`, d.RegexMatch("x", "^[0-9]{12}"))
	require.Equal(t, `(CAST(x AS CHAR) REGEXP '(?-i)^(?:(?i)\\s*(?:|N/A)\\s*)\\z')`, d.RegexFullMatch("x", `(?i)\s*(?:|N/A)\s*`))
	require.Equal(t, "(CONV(SUBSTRING(MD5(CAST(k AS CHAR)), 1, 8), 16, 10) / 4294967296e0)", d.HashUnit("k"))
	require.Contains(t, d.TryCast("x", Integer), "THEN CAST(TRIM(CAST(x AS CHAR)) AS SIGNED) END")
	require.Contains(t, d.TryCast("x", Date), "THEN CAST(CAST(x AS CHAR) AS DATE) END")
	require.Equal(t, "x", d.TryCast("x", Other))
	require.Equal(t, `("s" IS NULL OR (CAST("s" AS CHAR) REGEXP '(?-i)^(?:(?i)\\s*(?:|N/A)\\s*)\\z'))`,
		Missing(d, `"s"`, Text, []string{"N/A"}))
}

func TestMySQLFamilyOf(t *testing.T) {
	d := MySQL{}
	for typ, want := range map[string]Family{
		"VARCHAR": Text, "LONGTEXT": Text, "ENUM": Text, "UNSIGNED BIGINT": Integer, "tinyint(1)": Integer,
		"DECIMAL": Decimal, "DOUBLE": Float, "BIT": Bool, "DATE": Date, "DATETIME": Timestamp,
		"TIMESTAMP": TimestampTZ, "TIME": Time, "BLOB": Other, "GEOMETRY": Other,
	} {
		require.Equal(t, want, d.FamilyOf(typ), typ)
	}
}
