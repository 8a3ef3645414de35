//go:build duckdb_arrow

package validators

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// load creates table name(id, v) holding values in order.
func load(t testing.TB, conn *engine.Conn, name string, values []string) {
	t.Helper()
	d := dialect.DuckDB{}
	ctx := context.Background()
	require.NoError(t, conn.Exec(ctx, fmt.Sprintf("CREATE OR REPLACE TABLE %s (id INTEGER, v VARCHAR)", name)))
	for lo := 0; lo < len(values); lo += 1000 {
		var rows []string
		for i := lo; i < min(lo+1000, len(values)); i++ {
			rows = append(rows, fmt.Sprintf("(%d, %s)", i, d.String(values[i])))
		}
		require.NoError(t, conn.Exec(ctx, "INSERT INTO "+name+" VALUES "+strings.Join(rows, ", ")))
	}
}

// TestSQLAgreesWithGo runs each validator's Predicate (and StalePredicate)
// on DuckDB over generated values, near misses and noise, and requires the
// Go answer for every row, plus NULL for NULL.
func TestSQLAgreesWithGo(t *testing.T) {
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB"})
	ctx := context.Background()
	d := dialect.DuckDB{}
	r := rand.New(rand.NewPCG(7, 8))
	type run struct {
		name string
		opts Options
	}
	var runs []run
	for _, n := range Names() {
		runs = append(runs, run{n, now2026})
	}
	// The CCCD year bound has whole, partial and no centuries allowed.
	for _, y := range []int{1899, 1950, 2005, 2099, 2150, 2399, 2400} {
		runs = append(runs, run{"cccd", Options{Now: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)}})
	}
	for _, rn := range runs {
		t.Run(fmt.Sprintf("%s/%d", rn.name, rn.opts.Now.Year()), func(t *testing.T) {
			v := mustNew(t, rn.name, rn.opts)
			values := corpus(r, rn.name, 5000)
			load(t, conn, "vals", values)
			stale := "NULL"
			st, isStaler := v.(Staler)
			if isStaler {
				stale = st.StalePredicate(d, "v")
			}
			rows, err := conn.QueryRows(ctx, fmt.Sprintf("SELECT id, %s, %s FROM vals ORDER BY id", v.Predicate(d, "v"), stale))
			require.NoError(t, err)
			require.Len(t, rows, len(values))
			nValid, nStale := 0, 0
			for i, row := range rows {
				s := values[i]
				require.Equal(t, v.Valid(s), row[1], "%s: SQL disagrees on %q", rn.name, s)
				if v.Valid(s) {
					nValid++
				}
				if isStaler {
					require.Equal(t, st.Stale(s), row[2], "%s: stale SQL disagrees on %q", rn.name, s)
					if st.Stale(s) {
						nStale++
					}
				}
			}
			// The corpus must exercise both answers.
			if y := rn.opts.Now.Year(); y >= 1900 && y < 2400 {
				require.Greater(t, nValid, 200, rn.name)
				require.Less(t, nValid, 4500, rn.name)
			}
			if isStaler {
				require.Greater(t, nStale, 100, rn.name)
			}
			nulls, err := conn.QueryRow(ctx, fmt.Sprintf("SELECT %s IS NULL FROM (SELECT CAST(NULL AS VARCHAR) AS v)", v.Predicate(d, "v")))
			require.NoError(t, err)
			require.Equal(t, true, nulls[0], "%s: NULL in, NULL out", rn.name)
		})
	}
}

// BenchmarkPredicate1M times each predicate over a million generated
// values: go test -tags duckdb_arrow -run '^$' -bench Predicate1M ./validators/
// (DQ_BENCH_STALE=1 times the stale predicates instead).
func BenchmarkPredicate1M(b *testing.B) {
	conn := enginetest.Conn(b, engine.Options{MemoryLimit: "1GB"})
	ctx := context.Background()
	d := dialect.DuckDB{}
	for _, name := range []string{"cccd", "admin_unit", "mst", "phone_vn", "email"} {
		b.Run(name, func(b *testing.B) {
			values := corpus(rand.New(rand.NewPCG(9, 10)), name, 20000)
			load(b, conn, "seed", values)
			require.NoError(b, conn.Exec(ctx, "CREATE OR REPLACE TABLE big AS SELECT s.v FROM seed s, range(50)"))
			v := mustNew(b, name, now2026)
			aggs := dialect.CountIf(v.Predicate(d, "v"))
			if st, ok := v.(Staler); ok && os.Getenv("DQ_BENCH_STALE") != "" {
				aggs = dialect.CountIf(st.StalePredicate(d, "v"))
			}
			q := fmt.Sprintf("SELECT COUNT(*), %s FROM big", aggs)
			b.ResetTimer()
			for b.Loop() {
				row, err := conn.QueryRow(ctx, q)
				require.NoError(b, err)
				require.EqualValues(b, 1_000_000, row[0])
			}
		})
	}
}
