package mysql

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// openSession opens a session closed when the test ends.
func openSession(t testing.TB, c *Connector, ds *config.Dataset) connectors.Session {
	t.Helper()
	s, err := c.Session(context.Background(), connectors.Request{Dataset: ds})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func utc(y int, m time.Month, d, h, mi, s, us int) time.Time {
	return time.Date(y, m, d, h, mi, s, us*1000, time.UTC)
}

func TestSessionTypesIntegration(t *testing.T) {
	name, db := testDB(t)
	// The TIMESTAMPs are written at +07:00: they must come back as the
	// instant, in UTC.
	exec(t, db, "SET SESSION sql_mode = ''; SET SESSION time_zone = '+07:00';"+`
CREATE TABLE st (id INT PRIMARY KEY, i INT, bi BIGINT, ubi BIGINT UNSIGNED, `+"`dec`"+` DECIMAL(12,3), dbl DOUBLE,
  flag TINYINT(1), b1 BIT(1), vc VARCHAR(20), tx TEXT, d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, bl BLOB);
INSERT INTO st VALUES
  (1, 7, -9000000000000000000, 18446744073709551615, -123.450, 2.25, 1, b'1', 'Việt Nam', 'long text',
   '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 10:04:05.500000', x'00FF'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, -3, 5, 42, 0.001, -1.5, 0, b'0', '', '', '1999-12-31', '2030-06-30 23:59:59.999999', '1970-01-01 07:00:01', x''),
  (4, 0, 0, 9223372036854775807, 0, 0, 0, b'0', 'z', 'z', '0000-00-00', '0000-00-00 00:00:00', NULL, x'01');
SET SESSION time_zone = '+00:00';`)
	// A zone in the DSN is overridden: the session runs at +00:00.
	c := open(t, name, settings{DSN: testServer + name + "?time_zone=%27%2B07%3A00%27"})
	ctx := context.Background()
	s := openSession(t, c, &config.Dataset{ID: "st", Table: "st"})
	require.Equal(t, "(SELECT * FROM `st`\n) AS dq_rel", s.Relation())
	require.Equal(t, dialect.MySQL{}, s.Dialect())

	cols, err := s.Columns(ctx)
	require.NoError(t, err)
	require.Equal(t, []connectors.SourceColumn{
		{Name: "id", Type: "INT"}, {Name: "i", Type: "INT"}, {Name: "bi", Type: "BIGINT"},
		{Name: "ubi", Type: "UNSIGNED BIGINT"}, {Name: "dec", Type: "DECIMAL"}, {Name: "dbl", Type: "DOUBLE"},
		{Name: "flag", Type: "TINYINT"}, {Name: "b1", Type: "BIT"}, {Name: "vc", Type: "VARCHAR"},
		{Name: "tx", Type: "TEXT"}, {Name: "d", Type: "DATE"}, {Name: "dt", Type: "DATETIME"},
		{Name: "ts", Type: "TIMESTAMP"}, {Name: "bl", Type: "BLOB"},
	}, cols)
	// How the dialect classifies them. TINYINT(1) is an integer (the
	// protocol has no width); BLOB has no family.
	families := map[string]dialect.Family{
		"INT": dialect.Integer, "BIGINT": dialect.Integer, "UNSIGNED BIGINT": dialect.Integer,
		"DECIMAL": dialect.Decimal, "DOUBLE": dialect.Float, "TINYINT": dialect.Integer, "BIT": dialect.Bool,
		"VARCHAR": dialect.Text, "TEXT": dialect.Text, "DATE": dialect.Date, "DATETIME": dialect.Timestamp,
		"TIMESTAMP": dialect.TimestampTZ, "BLOB": dialect.Other,
	}
	for _, col := range cols {
		require.Equal(t, families[col.Type], dialect.MySQL{}.FamilyOf(col.Type), col.Type)
	}

	zone, err := s.QueryRow(ctx, "SELECT @@session.time_zone")
	require.NoError(t, err)
	require.Equal(t, []any{"+00:00"}, zone)

	row, err := s.QueryRow(ctx, "SELECT MAX(i), COUNT(*), MAX(dt), MAX(ts), MAX(d), SUM(`dec`), MAX(dbl) FROM "+s.Relation())
	require.NoError(t, err)
	require.Equal(t, []any{
		int64(7), int64(4), utc(2030, 6, 30, 23, 59, 59, 999999), utc(2024, 1, 2, 3, 4, 5, 500000),
		utc(2024, 2, 29, 0, 0, 0, 0), "-123.449", 2.25,
	}, row)

	rows, err := s.QueryRows(ctx, "SELECT * FROM "+s.Relation()+" ORDER BY id")
	require.NoError(t, err)
	require.Equal(t, [][]any{
		{int64(1), int64(7), int64(-9000000000000000000), "18446744073709551615", "-123.450", 2.25,
			int64(1), true, "Việt Nam", "long text", utc(2024, 2, 29, 0, 0, 0, 0),
			utc(2024, 1, 2, 3, 4, 5, 123456), utc(2024, 1, 2, 3, 4, 5, 500000), []byte{0x00, 0xFF}},
		{int64(2), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
		{int64(3), int64(-3), int64(5), int64(42), "0.001", -1.5, int64(0), false, "", "",
			utc(1999, 12, 31, 0, 0, 0, 0), utc(2030, 6, 30, 23, 59, 59, 999999), utc(1970, 1, 1, 0, 0, 1, 0), []byte{}},
		// Zero dates are nil; an unsigned value within int64 is an int64.
		{int64(4), int64(0), int64(0), int64(9223372036854775807), "0.000", 0.0, int64(0), false, "z", "z",
			nil, nil, nil, []byte{0x01}},
	}, rows)

	// Aggregates keep the server's types: SUM of integers is DECIMAL,
	// COUNT is BIGINT, AVG is DECIMAL, a comparison is an integer.
	row, err = s.QueryRow(ctx, "SELECT SUM(i), COUNT(i), AVG(i), SUM(i > 0), MIN(vc), MAX(bl), SUM(dbl) FROM "+s.Relation())
	require.NoError(t, err)
	require.Equal(t, []any{"4", int64(3), "1.3333", "1", "", []byte{0x01}, 0.75}, row)
}

// MariaDB accepts CAST(x AS INTEGER) (MySQL 8 documents only SIGNED
// [INTEGER] and UNSIGNED [INTEGER]).
func TestSessionCastIntegerIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE t (x INT); INSERT INTO t VALUES (1)")
	c := open(t, name, settings{})
	ctx := context.Background()
	s := openSession(t, c, &config.Dataset{ID: "t", Table: "t"})
	version, err := s.QueryRow(ctx, "SELECT VERSION()")
	require.NoError(t, err)
	row, err := s.QueryRow(ctx, "SELECT CAST('12' AS INTEGER), CAST('12' AS SIGNED), CAST(' 12' AS INT)")
	if strings.Contains(strings.ToLower(version[0].(string)), "mariadb") {
		require.NoError(t, err)
		require.Equal(t, []any{int64(12), int64(12), int64(12)}, row)
	} else {
		require.Error(t, err)
	}
	t.Logf("%s: CAST('12' AS INTEGER): %v %v", version[0], row, err)
}

func TestSessionFiltersIntegration(t *testing.T) {
	name, db := testDB(t)
	seedKeys(t, db, 10000)
	c := open(t, name, settings{})
	ctx := context.Background()
	for _, ds := range []*config.Dataset{
		{ID: "hash", Table: "people", Key: "id", Where: "v < 70", Sample: &config.Sample{Method: "hash", Fraction: 0.3}},
		{ID: "rows", Table: "people", Key: "id", Where: "v < 70", Sample: &config.Sample{Method: "rows", Rows: 500, Seed: 3}},
		{ID: "query", Query: "SELECT * FROM people WHERE v >= 30;", Key: "id", Sample: &config.Sample{Method: "hash", Fraction: 0.3}},
	} {
		t.Run(ds.ID, func(t *testing.T) {
			tbl, _ := extract(t, c, ds)
			want := keys(t, tbl)
			sort.Strings(want)
			s := openSession(t, c, ds)
			n, err := s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation())
			require.NoError(t, err)
			require.Equal(t, int64(len(want)), n[0])
			rows, err := s.QueryRows(ctx, "SELECT id FROM "+s.Relation()+" ORDER BY id")
			require.NoError(t, err)
			got := make([]string, len(rows))
			for i, r := range rows {
				got[i] = r[0].(string)
			}
			require.Equal(t, want, got)
			switch ds.ID {
			case "hash", "query":
				// About 30% of the 7000 rows after where:.
				require.InDelta(t, 2100, len(want), 300)
			case "rows":
				require.Len(t, want, 500)
			}
		})
	}
}

func TestSessionReadOnlyIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE canary (x INT); INSERT INTO canary VALUES (1)")
	c := open(t, name, settings{})
	ctx := context.Background()
	s := openSession(t, c, &config.Dataset{ID: "ro", Table: "canary"})
	for _, q := range []string{
		"INSERT INTO canary VALUES (2)",
		"DELETE FROM canary",
		"SELECT 1; DELETE FROM canary",
	} {
		_, err := s.QueryRow(ctx, q)
		require.Error(t, err, q)
		require.ErrorContains(t, err, "dataset ro: query")
	}
	_, err := s.QueryRow(ctx, "INSERT INTO canary VALUES (2)")
	require.ErrorContains(t, err, "READ ONLY")
	// (MariaDB reads tx_read_only as 0 in a statement that also reads a
	// table, so it is asked on its own.)
	ro, err := s.QueryRow(ctx, "SELECT @@session.tx_read_only")
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, ro)
	ro, err = s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation())
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, ro)
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM canary").Scan(&n))
	require.Equal(t, 1, n)

	// A query that changes the zone does not leak into the next session
	// on the pooled connection.
	_, err = s.QueryRow(ctx, "SET time_zone = '+07:00'")
	require.ErrorContains(t, err, "no rows")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	_, err = s.QueryRow(ctx, "SELECT 1")
	require.ErrorContains(t, err, "session is closed")
	for i := 0; i < 3; i++ {
		s := openSession(t, c, &config.Dataset{ID: "ro", Table: "canary"})
		zone, err := s.QueryRow(ctx, "SELECT @@session.time_zone")
		require.NoError(t, err)
		require.Equal(t, []any{"+00:00"}, zone)
	}
}

func TestSessionErrorsIntegration(t *testing.T) {
	name, db := testDB(t)
	ctx := context.Background()
	exec(t, db, "CREATE TABLE t (x INT); INSERT INTO t VALUES (1)")
	user := "dq_s" + name[len(name)-8:]
	const pw = "Right-Pw-456"
	exec(t, db, fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'; GRANT SELECT ON %s.* TO '%s'@'%%'", user, pw, name, user))
	t.Cleanup(func() { exec(t, db, fmt.Sprintf("DROP USER '%s'@'%%'", user)) })
	ds := &config.Dataset{ID: "pw", Table: "t"}

	t.Run("query", func(t *testing.T) {
		c := open(t, name, settings{DSN: fmt.Sprintf("mysql://%s:%s@127.0.0.1:3306/%s", user, pw, name)})
		s := openSession(t, c, ds)
		// The server quotes the password back in its error.
		_, err := s.QueryRow(ctx, "SELECT x FROM `"+pw+"`")
		require.Error(t, err)
		require.ErrorContains(t, err, "mysql source test ("+user+"@127.0.0.1:3306/"+name+"): dataset pw: query")
		require.ErrorContains(t, err, "doesn't exist")
		require.NotContains(t, err.Error(), pw)
		require.NotErrorIs(t, err, connectors.ErrConnect)
		_, err = s.QueryRows(ctx, "SELEC 1")
		require.ErrorContains(t, err, `dataset pw: query "SELEC 1"`)
		require.ErrorContains(t, err, "SQL syntax")
		_, err = s.QueryRow(ctx, "SELECT x FROM "+s.Relation()+" WHERE x > 1")
		require.ErrorContains(t, err, "no rows")
		_, err = s.Columns(ctx)
		require.NoError(t, err)
	})
	t.Run("wrong password", func(t *testing.T) {
		c := open(t, name, settings{DSN: fmt.Sprintf("mysql://%s:Wr0ng-Secret-pw@127.0.0.1:3306/%s", user, name)})
		c.Backoff = time.Millisecond
		_, err := c.Session(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrAuth)
		require.NotContains(t, err.Error(), "Wr0ng-Secret-pw")
	})
	t.Run("bad where", func(t *testing.T) {
		c := open(t, name, settings{})
		s := openSession(t, c, &config.Dataset{ID: "w", Table: "t", Where: "nope > 1"})
		_, err := s.Columns(ctx)
		require.ErrorContains(t, err, "dataset w: columns")
		require.ErrorContains(t, err, "Unknown column 'nope'")
	})
	t.Run("timeout", func(t *testing.T) {
		c := open(t, name, settings{StatementTimeout: "1s"})
		s := openSession(t, c, ds)
		start := time.Now()
		_, err := s.QueryRow(ctx, "SELECT SLEEP(5) FROM "+s.Relation())
		require.ErrorIs(t, err, connectors.ErrTimeout)
		require.Less(t, time.Since(start), 4*time.Second)
	})
}

func TestSessionQueryRowsIntegration(t *testing.T) {
	name, db := testDB(t)
	seedKeys(t, db, 50)
	c := open(t, name, settings{})
	ctx := context.Background()
	s := openSession(t, c, &config.Dataset{ID: "p", Table: "people", Where: "v BETWEEN 10 AND 14"})
	rows, err := s.QueryRows(ctx, "SELECT id, v, v * 2.5 AS f FROM "+s.Relation()+" ORDER BY v DESC")
	require.NoError(t, err)
	require.Equal(t, [][]any{
		{"000000000014", int64(14), "35.0"},
		{"000000000013", int64(13), "32.5"},
		{"000000000012", int64(12), "30.0"},
		{"000000000011", int64(11), "27.5"},
		{"000000000010", int64(10), "25.0"},
	}, rows)
	// QueryRow takes the first row of several.
	row, err := s.QueryRow(ctx, "SELECT id FROM "+s.Relation()+" ORDER BY id")
	require.NoError(t, err)
	require.Equal(t, []any{"000000000010"}, row)
	rows, err = s.QueryRows(ctx, "SELECT id FROM "+s.Relation()+" WHERE v > 100")
	require.NoError(t, err)
	require.Empty(t, rows)
	// The session still works after QueryRow left rows unread.
	n, err := s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation())
	require.NoError(t, err)
	require.Equal(t, []any{int64(5)}, n)
}
