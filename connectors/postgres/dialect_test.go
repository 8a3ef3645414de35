package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
)

// TestDialectIntegration runs the Postgres dialect's fragments on the
// server: TryCast never raises and yields NULL for what it cannot convert.
func TestDialectIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf("CREATE TABLE %s.v (id int, s text)", schema))
	vals := []string{"12", " -7 ", "12345678901234567890", "1.5", "1e3", "abc", "", "2024-02-29", "2023-02-29",
		"2024-13-01", "2024-01-01 23:59:59", "2024-01-01 24:00:00", "2024-01-01T10:00:00+07", "2024-01-01 10:00+99",
		"13:45:10.5", "25:00", "true", "no", "x", "0000-01-01"}
	for i, v := range vals {
		_, err := conn.Exec(context.Background(), fmt.Sprintf("INSERT INTO %s.v VALUES ($1, $2)", schema), i, v)
		require.NoError(t, err)
	}
	d := dialect.Postgres{}
	col := d.Ident("s")
	want := map[dialect.Family][]string{
		dialect.Integer:     {"12", "-7"},
		dialect.Decimal:     {"12", "-7", "12345678901234567890", "1.5", "1000"},
		dialect.Float:       {"12", "-7", "1.2345678901234567e+19", "1.5", "1000"},
		dialect.Bool:        {"true", "false"},
		dialect.Date:        {"2024-02-29"},
		dialect.Timestamp:   {"2024-02-29 00:00:00", "2024-01-01 23:59:59"}, // a zone is not a wall-clock time
		dialect.TimestampTZ: {"2024-02-29 00:00:00+00", "2024-01-01 23:59:59+00", "2024-01-01 03:00:00+00"},
		dialect.Time:        {"13:45:10.5"},
	}
	_, err := conn.Exec(context.Background(), "SET TIME ZONE 'UTC'")
	require.NoError(t, err)
	for fam, w := range want {
		rows, err := conn.Query(context.Background(), fmt.Sprintf(
			"SELECT CAST(%s AS TEXT) FROM %s.v WHERE %s IS NOT NULL ORDER BY id", d.TryCast(col, fam), schema, d.TryCast(col, fam)))
		require.NoError(t, err, fam.String())
		var got []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			got = append(got, s)
		}
		require.NoError(t, rows.Err(), fam.String())
		require.Equal(t, w, got, fam.String())
	}
	var n int
	require.NoError(t, conn.QueryRow(context.Background(), fmt.Sprintf("SELECT count(*) FROM %s.v WHERE %s AND %s = 4",
		schema, d.RegexFullMatch(col, `(?i)[A-C]+`), d.CharLength(col))).Scan(&n))
	require.Equal(t, 0, n)
	require.NoError(t, conn.QueryRow(context.Background(), fmt.Sprintf("SELECT count(*) FROM %s.v WHERE %s AND %s = 3",
		schema, d.RegexFullMatch(col, `(?i)[A-C]+`), d.CharLength(col))).Scan(&n))
	require.Equal(t, 1, n)
}
