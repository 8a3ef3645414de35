package validators

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
)

// TestSQLAgreesWithGoOnServers runs every validator's predicates inside
// PostgreSQL and MariaDB, as engine: source does, and requires the Go
// answer for every value: the dialects' regex, substring and cast rules
// must not change a verdict.
func TestSQLAgreesWithGoOnServers(t *testing.T) {
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	servers := []struct {
		name, driver, dsn, create string
		d                         dialect.Dialect
		placeholder               func(i int) string
	}{
		{"postgres", "pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
			"CREATE TEMPORARY TABLE vals (id INTEGER, v TEXT)", dialect.Postgres{}, func(i int) string { return fmt.Sprintf("$%d", i) }},
		{"mariadb", "mysql", "root@tcp(127.0.0.1:3306)/test?charset=utf8mb4",
			"CREATE TEMPORARY TABLE vals (id INTEGER, v TEXT) CHARACTER SET utf8mb4", dialect.MySQL{}, func(int) string { return "?" }},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := sql.Open(srv.driver, srv.dsn)
			require.NoError(t, err)
			defer db.Close()
			// A temporary table lives in one session: pin it.
			conn, err := db.Conn(ctx)
			require.NoError(t, err, "%s must answer on loopback (set DQ_SKIP_DB_TESTS=1 to skip)", srv.name)
			defer conn.Close()
			_, err = conn.ExecContext(ctx, srv.create)
			require.NoError(t, err)
			r := rand.New(rand.NewPCG(11, 12))
			for _, name := range Names() {
				t.Run(name, func(t *testing.T) {
					v := mustNew(t, name, now2026)
					values := corpus(r, name, 2000)
					_, err := conn.ExecContext(ctx, "DELETE FROM vals")
					require.NoError(t, err)
					for lo := 0; lo < len(values); lo += 500 {
						var ph []string
						var args []any
						for i := lo; i < min(lo+500, len(values)); i++ {
							ph = append(ph, fmt.Sprintf("(%s, %s)", srv.placeholder(len(args)+1), srv.placeholder(len(args)+2)))
							args = append(args, i, values[i])
						}
						_, err := conn.ExecContext(ctx, "INSERT INTO vals VALUES "+strings.Join(ph, ", "), args...)
						require.NoError(t, err)
					}
					stale := "NULL"
					st, isStaler := v.(Staler)
					if isStaler {
						stale = st.StalePredicate(srv.d, "v")
					}
					// The staged predicates, their shared parts written out.
					staged, stagedStale := v.Predicate(srv.d, "v"), stale
					if sv, ok := v.(Staged); ok {
						staged, stagedStale = sv.StagedPredicates(srv.d, "v", func(e string) string { return "(" + e + ")" })
						if !isStaler {
							stagedStale = "NULL"
						}
					}
					// CASE turns MySQL's 1/0 and PostgreSQL's booleans
					// into the same text.
					tf := func(p string) string { return fmt.Sprintf("CASE WHEN %s THEN 'T' WHEN NOT (%s) THEN 'F' END", p, p) }
					q := fmt.Sprintf("SELECT id, %s, %s, %s, %s FROM vals ORDER BY id",
						tf(v.Predicate(srv.d, "v")), tf(stale), tf(staged), tf(stagedStale))
					rows, err := conn.QueryContext(ctx, q)
					require.NoError(t, err, "%s: %s", srv.name, name)
					defer rows.Close()
					i, nValid := 0, 0
					for rows.Next() {
						var id int
						var valid, isStale, stagedValid, stagedIsStale sql.NullString
						require.NoError(t, rows.Scan(&id, &valid, &isStale, &stagedValid, &stagedIsStale))
						s := values[id]
						want := "F"
						if v.Valid(s) {
							want = "T"
							nValid++
						}
						require.Equal(t, want, valid.String, "%s %s: SQL disagrees with Go on %q", srv.name, name, s)
						require.Equal(t, want, stagedValid.String, "%s %s: staged SQL disagrees with Go on %q", srv.name, name, s)
						if isStaler {
							want = "F"
							if st.Stale(s) {
								want = "T"
							}
							require.Equal(t, want, isStale.String, "%s %s: stale SQL disagrees with Go on %q", srv.name, name, s)
							require.Equal(t, want, stagedIsStale.String, "%s %s: staged stale SQL disagrees with Go on %q", srv.name, name, s)
						}
						i++
					}
					require.NoError(t, rows.Err())
					require.Equal(t, len(values), i)
					// NULL is neither valid nor invalid, as a regex says.
					var isNull bool
					require.NoError(t, conn.QueryRowContext(ctx, fmt.Sprintf("SELECT (%s) IS NULL AND (%s) IS NULL FROM (SELECT CAST(NULL AS CHAR(1)) AS v) AS n",
						staged, stagedStale)).Scan(&isNull))
					require.True(t, isNull, "%s %s: NULL must give NULL", srv.name, name)
					if c, ok := v.(CCCDValidator); ok {
						cccdFieldsAgree(t, conn, srv.d, c, values)
					}
					require.Greater(t, nValid, 50, "the corpus must hold valid values")
					require.Less(t, nValid, len(values)-50, "the corpus must hold invalid values")
				})
			}
		})
	}
}

// cccdFieldsAgree: the birth year and sex the staged SQL reads from each
// valid number are ParseCCCD's.
func cccdFieldsAgree(t *testing.T, conn *sql.Conn, d dialect.Dialect, v CCCDValidator, values []string) {
	t.Helper()
	share := func(e string) string { return "(" + e + ")" }
	valid, _ := v.StagedPredicates(d, "v", share)
	year, male := v.StagedFields(d, "v", share)
	rows, err := conn.QueryContext(context.Background(), fmt.Sprintf("SELECT id, CAST(%s AS CHAR(4)), CASE WHEN %s THEN 'M' ELSE 'F' END FROM vals WHERE %s ORDER BY id", year, male, valid))
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int
		var y, sex string
		require.NoError(t, rows.Scan(&id, &y, &sex))
		info, ok := ParseCCCD(values[id])
		require.True(t, ok, values[id])
		require.Equal(t, fmt.Sprint(info.BirthYear), y, values[id])
		require.Equal(t, info.Male, sex == "M", values[id])
		n++
	}
	require.NoError(t, rows.Err())
	require.Greater(t, n, 50)
}
