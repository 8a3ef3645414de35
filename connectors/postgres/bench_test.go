//go:build duckdb_arrow

package postgres

import (
	"bufio"
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// BenchmarkExtractIntegration: DQ_BENCH_ROWS (default 5M) rows x 8 mixed
// columns, measured three ways in the same run:
//
//	psql_s       psql writing the binary COPY to /dev/null (the floor)
//	extract_s    dq Extract only: drain the RecordReader, release batches
//	load_s       dq Extract + engine.LoadArrow into DuckDB
//
// with the ratios extract/psql and load/psql; for each dq phase the
// process's CPU time (every thread, DuckDB's included) and how far its
// peak RSS rose above the RSS at the phase's start (VmHWM, reset through
// /proc/self/clear_refs; load's includes the DuckDB table); and the
// process's overall peak RSS.
// DQ_BENCH_PHASES (a comma list of psql, extract, load; default all)
// narrows the run, e.g. to profile one phase with -cpuprofile. Run with
//
//	go test -tags duckdb_arrow -run '^$' -bench ExtractIntegration -benchtime 1x -timeout 480s ./connectors/postgres/
func BenchmarkExtractIntegration(b *testing.B) {
	rows := 5_000_000
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	phases := map[string]bool{"psql": true, "extract": true, "load": true}
	if s := os.Getenv("DQ_BENCH_PHASES"); s != "" {
		phases = map[string]bool{}
		for _, p := range strings.Split(s, ",") {
			phases[strings.TrimSpace(p)] = true
		}
	}
	conn, schema := testDB(b)
	tbl := schema + ".bench"
	start := time.Now()
	exec(b, conn, fmt.Sprintf(`CREATE TABLE %s AS SELECT g::bigint AS id, (g %% 1000)::int AS i, g * 0.37::float8 AS f,
		(g %% 100000)::numeric(12,2) / 7 AS n, 'Nguyễn Văn ' || (g %% 9973)::text AS s,
		DATE '2000-01-01' + (g %% 20000) AS d, TIMESTAMP '2020-01-01' + g * INTERVAL '1 second' AS ts, g %% 3 = 0 AS b
		FROM generate_series(1, %d) g`, tbl, rows), "ANALYZE "+tbl)
	b.Logf("created %d rows in %v", rows, time.Since(start))
	c := open(b, nil)
	ctx := context.Background()
	ds := &config.Dataset{ID: "bench", Table: tbl, Key: "id"}

	dc := enginetest.Conn(b, engine.Options{})

	psql := func() time.Duration {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		require.NoError(b, err)
		defer devnull.Close()
		cmd := osexec.Command("psql", "-X", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
			"COPY (SELECT * FROM "+tbl+") TO STDOUT (FORMAT binary)")
		cmd.Stdout = devnull
		t0 := time.Now()
		require.NoError(b, cmd.Run())
		return time.Since(t0)
	}
	// Warm the table into the caches so that no phase pays for the first read.
	b.StopTimer()
	psql()
	b.StartTimer()

	var psqlTime, extractTime, loadTime, extractCPU, loadCPU time.Duration
	var extractRSS, loadRSS float64
	var full, got int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if phases["psql"] {
			psqlTime += psql()
		}
		if phases["extract"] {
			rss0 := resetPeakRSS()
			c0 := cpuTime()
			t0 := time.Now()
			r, err := c.Extract(ctx, connectors.Request{Dataset: ds})
			require.NoError(b, err)
			got = 0
			for r.Next() {
				got += r.RecordBatch().NumRows()
			}
			require.NoError(b, r.Err())
			full = r.(*reader).WireBytes()
			r.Release()
			extractTime += time.Since(t0)
			extractCPU += cpuTime() - c0
			extractRSS = max(extractRSS, procStatusMB("VmHWM:")-rss0)
			require.EqualValues(b, rows, got)
		}
		if phases["load"] {
			rss0 := resetPeakRSS()
			c0 := cpuTime()
			t0 := time.Now()
			r, err := c.Extract(ctx, connectors.Request{Dataset: ds})
			require.NoError(b, err)
			require.NoError(b, dc.LoadArrow(ctx, "bench", r))
			require.NoError(b, r.Err())
			full = r.(*reader).WireBytes()
			r.Release()
			loadTime += time.Since(t0)
			loadCPU += cpuTime() - c0
			loadRSS = max(loadRSS, procStatusMB("VmHWM:")-rss0)
			if i < b.N-1 {
				require.NoError(b, dc.Exec(ctx, "DROP TABLE bench"))
			}
		}
	}
	b.StopTimer()
	if phases["load"] {
		n, err := dc.QueryRow(ctx, "SELECT COUNT(*) FROM bench")
		require.NoError(b, err)
		require.EqualValues(b, rows, n[0])
		require.NoError(b, dc.Exec(ctx, "DROP TABLE bench"))
	}

	// Bytes over the wire for a 1% hash sample against the full table.
	ds.Sample = &config.Sample{Method: "hash", Fraction: 0.01}
	r, err := c.Extract(ctx, connectors.Request{Dataset: ds})
	require.NoError(b, err)
	var sampled int64
	for r.Next() {
		sampled += r.RecordBatch().NumRows()
	}
	require.NoError(b, r.Err())
	hash := r.(*reader).WireBytes()
	r.Release()

	per := float64(b.N)
	if phases["psql"] {
		b.ReportMetric(psqlTime.Seconds()/per, "psql_s")
	}
	if phases["extract"] {
		b.ReportMetric(extractTime.Seconds()/per, "extract_s")
		b.ReportMetric(extractRSS, "extract_RSS_growth_MB")
		b.ReportMetric(extractCPU.Seconds()/per, "extract_cpu_s")
		if phases["psql"] {
			b.ReportMetric(extractTime.Seconds()/psqlTime.Seconds(), "extract/psql")
		}
	}
	if phases["load"] {
		b.ReportMetric(loadTime.Seconds()/per, "load_s")
		b.ReportMetric(loadRSS, "load_RSS_growth_MB")
		b.ReportMetric(loadCPU.Seconds()/per, "load_cpu_s")
		b.ReportMetric(float64(rows)/(loadTime.Seconds()/per), "load_rows/s")
		if phases["psql"] {
			b.ReportMetric(loadTime.Seconds()/psqlTime.Seconds(), "load/psql")
		}
	}
	b.ReportMetric(float64(full)/1e6, "wire_MB_full")
	b.ReportMetric(float64(hash)/1e6, "wire_MB_hash1%")
	b.ReportMetric(float64(sampled), "rows_hash1%")
	b.ReportMetric(procStatusMB("VmHWM:"), "peak_RSS_MB")
}

// cpuTime is the process's user + system CPU time, every thread's.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets VmHWM to the current RSS (Linux 4.0+) and returns
// that RSS in MB; elsewhere the peak stays the process's.
func resetPeakRSS() float64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return procStatusMB("VmRSS:")
}

// procStatusMB is a kB line of /proc/self/status (VmHWM:, VmRSS:), in MB.
func procStatusMB(key string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}
