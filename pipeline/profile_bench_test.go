package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// benchRows is the size of the profiled table: DQ_BENCH_ROWS, default
// one million (docs/performance.md reports ten million).
func benchRows(b *testing.B) int64 {
	n := int64(1_000_000)
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		require.NoError(b, err)
		n = v
	}
	return n
}

// WritePopulation writes a synthetic population registry of n rows to a
// Parquet file (citizens' columns: 12-digit IDs, Vietnamese names, dates,
// codes, phones, timestamps), made by DuckDB in seconds.
func writePopulation(tb testing.TB, path string, n int64) {
	conn := enginetest.Conn(tb, engine.Options{})
	require.NoError(tb, conn.Exec(context.Background(), fmt.Sprintf(`COPY (SELECT
	  list_element(['001', '079', '092', '048', '031'], CAST(i %% 5 + 1 AS INTEGER)) || CAST(i %% 4 AS VARCHAR) || lpad(CAST(i %% 100 AS VARCHAR), 2, '0') || lpad(CAST(i %% 1000000 AS VARCHAR), 6, '0') AS cccd,
	  list_element(['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'], CAST(i %% 5 + 1 AS INTEGER)) || ' ' || list_element(['Văn', 'Thị', 'Minh', 'Hồng'], CAST(i %% 4 + 1 AS INTEGER)) || ' ' || list_element(['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Khoa'], CAST(i %% 7 + 1 AS INTEGER)) AS full_name,
	  DATE '1940-01-01' + CAST(i %% 30000 AS INTEGER) AS birth_date,
	  CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END AS gender,
	  lpad(CAST(i %% 34 + 1 AS VARCHAR), 2, '0') AS province_code,
	  lpad(CAST(i %% 3000 + 4 AS VARCHAR), 5, '0') AS commune_code,
	  '09' || lpad(CAST(i %% 100000000 AS VARCHAR), 8, '0') AS phone,
	  CASE WHEN i %% 20 = 0 THEN 'moved' ELSE 'active' END AS status,
	  CASE WHEN i %% 100 = 0 THEN NULL ELSE 'Số ' || CAST(i %% 500 AS VARCHAR) || ' đường ' || CAST(i %% 97 AS VARCHAR) END AS address,
	  TIMESTAMP '2026-01-01' + to_seconds(i %% 1000000) AS updated_at
	FROM range(%d) t(i)) TO '%s' (FORMAT parquet)`, n, path)))
}

// BenchmarkProfile is dq profile of a Parquet file: loading it into the
// engine, then the three scans of package profile. Reproduce with
//
//	DQ_BENCH_ROWS=10000000 DQ_BENCH_FILE=/tmp/population.parquet \
//	  go test -tags duckdb_arrow -run '^$' -bench Profile -benchtime 3x ./pipeline
//
// and then dq profile /tmp/population.parquet under /usr/bin/time -v.
func BenchmarkProfile(b *testing.B) {
	n := benchRows(b)
	// DQ_BENCH_FILE keeps the file, to profile it with the binary too.
	path := os.Getenv("DQ_BENCH_FILE")
	if path == "" {
		path = filepath.Join(b.TempDir(), "population.parquet")
	}
	if _, err := os.Stat(path); err != nil {
		writePopulation(b, path, n)
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := PrepareAdHoc(AdHoc{Source: path, NoChecks: true}, nil, nil)
		require.NoError(b, err)
		profiles, err := Profile(context.Background(), p, Options{})
		p.Close()
		require.NoError(b, err)
		require.Empty(b, profiles[0].Error)
		require.Equal(b, n, profiles[0].Rows)
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
}
