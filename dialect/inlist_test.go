//go:build duckdb_arrow

package dialect_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// TestDuckDBInListShapes: each shape DuckDB's InList takes (IN up to 255
// values, a semi-join from 256) answers as IN does,
// NULL included, on values that differ only by case or a trailing space.
func TestDuckDBInListShapes(t *testing.T) {
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "256MB", Threads: 1})
	require.NoError(t, conn.Exec(ctx, `CREATE TABLE v AS SELECT * FROM (VALUES ('a'), ('A'), ('a '), (''), (NULL), ('v3'), ('v19'), ('x''y'), ('zz')) t(x)`))
	d := dialect.DuckDB{}
	for _, n := range []int{1, 4, 5, 20, 255, 256, 300} {
		values := []string{"a", "", "x'y"}
		for i := len(values); i < n; i++ {
			values = append(values, fmt.Sprintf("v%d", i))
		}
		values = values[:n]
		got := d.InList(`"x"`, values)
		if n < 256 {
			require.Equal(t, dialect.InListSQL(d, `"x"`, values), got)
		} else {
			require.Contains(t, got, `("x" IN (SELECT unnest(['a', '', 'x''y', 'v3', `)
		}
		// Compared with IN row by row, NULLs counted apart: x, IN, InList.
		q := fmt.Sprintf(`SELECT COUNT(*) FILTER (WHERE (%s) IS NOT DISTINCT FROM (%s)), COUNT(*) FILTER (WHERE %s), COUNT(*) FILTER (WHERE (%s) IS NULL), COUNT(*) FILTER (WHERE NOT (%s)) FROM v`,
			dialect.InListSQL(d, `"x"`, values), got, got, got, got)
		row, err := conn.QueryRow(ctx, q)
		require.NoError(t, err, got)
		in := int64(min(n, 3)) // 'a', '' and x'y are in every list but the shortest
		if n >= 20 {
			in += 2 // v3 and v19
		} else if n > 3 {
			in++ // v3
		}
		require.Equal(t, []any{int64(9), in, int64(1), 8 - in}, row, "%d values: %s", n, got)
	}
}
