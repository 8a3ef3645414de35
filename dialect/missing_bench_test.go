//go:build duckdb_arrow

package dialect_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// BenchmarkMissingDuckDB measures shapes of the missing-value test on a
// text column of Vietnamese names (1% missing in various forms), in
// DuckDB, interleaved: dq's regex, a guard that runs the regex only on
// values short enough to be a token or starting or ending with a possible
// white space, and lower(trim(x)) IN (...) (not the same semantics: for
// reference only). DQ_BENCH_ROWS rows (1M by default).
//
//	DQ_BENCH_ROWS=1000000 go test -tags duckdb_arrow -run '^$' -bench MissingDuckDB -benchtime 5x ./dialect/
func BenchmarkMissingDuckDB(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	conn := enginetest.Conn(b, engine.Options{MemoryLimit: "1GB", Threads: 2})
	require.NoError(b, conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE t AS SELECT CASE
  WHEN i %% 100 = 0 THEN (['', ' ', 'N/A', 'null ', NULL])[1 + (i // 100) %% 5]
  ELSE (['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'])[1 + i %% 5] || ' ' || (['Văn', 'Thị', 'Đức', 'Minh'])[1 + i %% 4] || ' ' || (['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Huệ'])[1 + i %% 6]
  END AS x FROM range(%d) r(i)`, rows)))
	d := dialect.DuckDB{}
	tokens := []string{"N/A", "NULL", "0000-00-00"}
	rx := dialect.Missing(d, "x", dialect.Text, tokens)
	ws := func(e string) string {
		return fmt.Sprintf("(%[1]s <= 32 OR %[1]s BETWEEN 127 AND 160 OR %[1]s IN (5760, 6158, 65279) OR %[1]s BETWEEN 8192 AND 12288)", e)
	}
	guard := fmt.Sprintf("(x IS NULL OR CASE WHEN length(x) <= 10 OR %s OR %s THEN regexp_full_match(x, '(?i)\\s*(?:|N/A|NULL|0000-00-00)\\s*') ELSE false END)",
		ws("unicode(x)"), ws("unicode(right(x, 1))"))
	lowtrim := "(x IS NULL OR lower(trim(x)) IN ('', 'n/a', 'null', '0000-00-00'))"
	// The profile's guard: the first character is white space or a
	// token's first letter.
	first := fmt.Sprintf("(CASE WHEN x IS NULL OR x = '' THEN TRUE WHEN contains(%s, left(x, 1)) THEN %s ELSE FALSE END)", d.String(" \t\n\f\r\vnN0"), rx)
	shapes := []struct{ name, pred string }{{"regex", rx}, {"guard", guard}, {"first_char", first}, {"lower_trim", lowtrim}}
	took := make([]time.Duration, len(shapes))
	var want any
	for b.Loop() {
		for i, s := range shapes {
			t0 := time.Now()
			row, err := conn.QueryRow(ctx, "SELECT COUNT(*) FILTER (WHERE "+s.pred+") FROM t")
			require.NoError(b, err)
			took[i] += time.Since(t0)
			if i == 0 {
				want = row[0]
			} else if s.name != "lower_trim" {
				require.Equal(b, want, row[0], "the guard must not change what is missing")
			}
		}
	}
	for i, s := range shapes {
		b.ReportMetric(took[i].Seconds()/float64(b.N), "s/"+s.name)
	}
}
