package mysql

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
)

// The dialect's fragments evaluated by the server itself.
func TestDialectOnServerIntegration(t *testing.T) {
	_, db := testDB(t)
	d := dialect.MySQL{}
	one := func(expr string) sql.NullString {
		t.Helper()
		var v sql.NullString
		require.NoError(t, db.QueryRow("SELECT "+expr).Scan(&v), expr)
		return v
	}
	for _, tc := range []struct{ expr, want string }{
		{d.RegexFullMatch("'ABC'", "abc"), "0"}, // case-sensitive like DuckDB
		{d.RegexFullMatch("'ABC'", "(?i)abc"), "1"},
		{d.RegexFullMatch("'abc\n'", "abc"), "0"}, // \z, not $
		{d.RegexMatch("'x012345678901y'", "[0-9]{12}"), "1"},
		{dialect.Missing(d, "'  n/a '", dialect.Text, []string{"N/A"}), "1"},
		{dialect.Missing(d, "'value'", dialect.Text, []string{"N/A"}), "0"},
		{d.CharLength("'Việt'"), "4"},
		{d.String(`it's \' -- `) + " = CONCAT('it', CHAR(39), 's ', CHAR(92), CHAR(39), ' -- ')", "1"},
		{d.TryCast("' 42 '", dialect.Integer), "42"},
		{d.TryCast("'4x2'", dialect.Integer), ""},
		{d.TryCast("'-1.50'", dialect.Decimal), "-1.5000000000"},
		{d.TryCast("'1e3'", dialect.Float), "1000"},
		{d.TryCast("'yes'", dialect.Bool), "1"},
		{d.TryCast("'2024-02-29'", dialect.Date), "2024-02-29"},
		{d.TryCast("'29/02/2024'", dialect.Date), ""},
		{d.TryCast("'2024-01-02T03:04:05'", dialect.Timestamp), "2024-01-02 03:04:05.000000"},
		{d.HashUnit("'079123456789'") + fmt.Sprintf(" = %v", 0), "0"},
	} {
		got := one(tc.expr)
		if tc.want == "" {
			require.False(t, got.Valid, "%s = %v", tc.expr, got.String)
			continue
		}
		require.Equal(t, tc.want, got.String, tc.expr)
	}
}
