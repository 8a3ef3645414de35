//go:build duckdb_arrow

package mysql

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

func TestDuckDBRoundTripIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, typesDDL)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := openWith(t, name, connectors.Deps{Mem: mem}, settings{})
	ctx := context.Background()
	rdr, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "types", Table: "types"}})
	require.NoError(t, err)
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "2GB"})
	require.NoError(t, conn.LoadArrow(ctx, "types", rdr))
	require.NoError(t, rdr.Err())
	rdr.Release()

	cols, err := conn.Describe(ctx, "types")
	require.NoError(t, err)
	got := map[string]string{}
	for _, c := range cols {
		got[c.Name] = c.Type
	}
	for col, typ := range map[string]string{
		"ti": "TINYINT", "b1": "TINYINT", "si": "SMALLINT", "i": "INTEGER", "bi": "BIGINT", "ubi": "UBIGINT",
		"de": "DECIMAL(12,3)", "dbig": "DECIMAL(30,5)", "f": "FLOAT", "d": "DOUBLE", "bit1": "BOOLEAN",
		"vc": "VARCHAR", "dt": "DATE", "dtm": "TIMESTAMP", "ts": "TIMESTAMP WITH TIME ZONE", "bl": "BLOB", "yr": "SMALLINT",
	} {
		require.Equal(t, typ, got[col], col)
	}
	row, err := conn.QueryRow(ctx, `SELECT CAST(ubi AS VARCHAR), CAST(dbig AS VARCHAR), vc, CAST(dt AS VARCHAR),
  CAST(dtm AS VARCHAR), CAST(epoch_us(ts) AS VARCHAR), CAST(bit1 AS VARCHAR), count(*) OVER () FROM types WHERE id = 1`)
	require.NoError(t, err)
	require.Equal(t, []any{"18446744073709551615", "1234567890123456789012345.12345", "Việt Nam", "2024-02-29",
		"2024-01-02 03:04:05.123456", "1704164645500000", "true", int64(1)}, row)
	row, err = conn.QueryRow(ctx, "SELECT count(*) FILTER (WHERE ti IS NULL AND dt IS NULL AND vc IS NULL AND dbig IS NULL), count(*) FILTER (WHERE dt IS NULL) FROM types")
	require.NoError(t, err)
	require.Equal(t, []any{int64(1), int64(2)}, row)
}

// The MySQL hash sample keeps exactly the keys DuckDB's keeps.
func TestHashSampleCoordinationIntegration(t *testing.T) {
	name, db := testDB(t)
	seedKeys(t, db, 10000)
	exec(t, db, "CREATE TABLE nums (id BIGINT PRIMARY KEY); INSERT INTO nums SELECT seq * 7919 FROM seq_1_to_10000")
	c := open(t, name, settings{})
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "2GB"})
	d := dialect.DuckDB{}
	for _, tc := range []struct{ table, duckKeys string }{
		{"people", "SELECT lpad(CAST(i AS VARCHAR), 12, '0') AS id FROM range(1, 10001) t(i)"},
		{"nums", "SELECT i * 7919 AS id FROM range(1, 10001) t(i)"},
	} {
		for _, f := range []float64{0.01, 0.3, 0.5} {
			tbl, _ := extract(t, c, &config.Dataset{ID: "p", Table: tc.table, Key: "id", Sample: &config.Sample{Method: "hash", Fraction: f}})
			var mine []string
			a := colOf(t, tbl, "id")
			for i := 0; i < a.Len(); i++ {
				mine = append(mine, a.ValueStr(i))
			}
			rows, err := conn.QueryRows(ctx, fmt.Sprintf("SELECT CAST(id AS VARCHAR) FROM (%s) WHERE %s < %v", tc.duckKeys, d.HashUnit("id"), f))
			require.NoError(t, err)
			var theirs []string
			for _, r := range rows {
				theirs = append(theirs, r[0].(string))
			}
			sort.Strings(mine)
			sort.Strings(theirs)
			require.Equal(t, theirs, mine, "%s fraction %v", tc.table, f)
			require.InDelta(t, f*10000, float64(len(mine)), 5*f*100+10)
		}
	}
}

func vmHWM() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(l)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkExtractIntegration extracts DQ_BENCH_ROWS rows (default 1M) of
// 8 mixed columns into DuckDB and, in the same run, times the mariadb
// client reading the same SELECT with --quick into /dev/null.
func BenchmarkExtractIntegration(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	name, db := testDB(b)
	exec(b, db, fmt.Sprintf(`CREATE TABLE bench (id BIGINT PRIMARY KEY, cccd CHAR(12), name VARCHAR(60), born DATE,
  updated DATETIME(6), amount DECIMAL(14,2), score DOUBLE, flag TINYINT);
INSERT INTO bench SELECT seq, LPAD(seq * 37 %% 1000000000000, 12, '0'), CONCAT('Nguyễn Văn ', seq),
  '1950-01-01' + INTERVAL (seq %% 25000) DAY, '2024-01-01' + INTERVAL seq SECOND, (seq %% 100000) / 100, seq / 3, seq %% 2
  FROM seq_1_to_%d`, n))
	c := open(b, name, settings{})
	ctx := context.Background()
	conn := enginetest.Conn(b, engine.Options{MemoryLimit: "2GB"})
	query := "SELECT * FROM " + name + ".bench"
	b.ResetTimer()
	var ours, client time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rdr, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "bench", Table: "bench"}})
		require.NoError(b, err)
		require.NoError(b, conn.LoadArrow(ctx, "bench", rdr))
		require.NoError(b, rdr.Err())
		rdr.Release()
		ours += time.Since(start)

		start = time.Now()
		cmd := osexec.Command("mariadb", "--quick", "-h127.0.0.1", "-uroot", name, "-e", query)
		cmd.Stdout, _ = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		require.NoError(b, cmd.Run())
		client += time.Since(start)
	}
	b.StopTimer()
	row, err := conn.QueryRow(ctx, "SELECT count(*) FROM bench")
	require.NoError(b, err)
	require.EqualValues(b, n, row[0])
	b.ReportMetric(float64(n)*float64(b.N)/ours.Seconds(), "rows/s")
	b.ReportMetric(ours.Seconds()/float64(b.N), "dq_s/op")
	b.ReportMetric(client.Seconds()/float64(b.N), "mariadb_s/op")
	b.ReportMetric(ours.Seconds()/client.Seconds(), "ratio")
	b.ReportMetric(vmHWM(), "peak_rss_MiB")
}
