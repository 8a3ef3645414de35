package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
)

// BenchmarkManyDatasets runs (and publishes, with history) a config of
// DQ_BENCH_DATASETS datasets (default 50) of DQ_BENCH_ROWS rows each
// (default 1,000): with rows that few, what it measures is what dq pays
// per dataset whatever its size. Profile it with -cpuprofile.
//
//	go test -tags duckdb_arrow -run '^$' -bench ManyDatasets -benchtime 5x -cpuprofile /tmp/many.prof ./pipeline/
func BenchmarkManyDatasets(b *testing.B) {
	datasets, rows := 50, int64(1000)
	if s := os.Getenv("DQ_BENCH_DATASETS"); s != "" {
		var err error
		datasets, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	if os.Getenv("DQ_BENCH_ROWS") != "" {
		rows = benchRows(b)
	}
	dir := b.TempDir()
	writePopulation(b, filepath.Join(dir, "pop.parquet"), rows)
	var y strings.Builder
	fmt.Fprintf(&y, "output: {dir: %s}\nhistory: {dir: %s}\nministries: [{id: M, name: M}]\nsources: {f: {kind: file, root: %s}}\ndatasets:\n",
		filepath.Join(dir, "out"), filepath.Join(dir, "history"), dir)
	for i := range datasets {
		fmt.Fprintf(&y, `  - id: d%d
    ministry: M
    source: f
    path: pop.parquet
    key: cccd
    checks:
      - {id: volume, kind: row_count, min: 1}
      - {id: present, kind: not_null, columns: [cccd, full_name, birth_date]}
      - {id: cccd_unique, kind: unique, columns: [cccd]}
      - {id: cccd_format, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
      - {id: updated, kind: freshness, column: updated_at, max_age: 48h}
      - {id: birth_range, kind: between, column: birth_date, min: 1900-01-01, max: today}
`, i)
	}
	cfg, err := config.Parse(filepath.Join(dir, "many.yaml"), []byte(y.String()), nil)
	require.NoError(b, err)
	p, err := Prepare(cfg, nil)
	require.NoError(b, err)
	defer p.Close()
	ctx := context.Background()
	// Where the time went, summed over the datasets and the runs: the
	// datasets' steps overlap (engine.workers at once), the run's do not.
	spent := map[string]time.Duration{}
	cpu0 := cpuTime(b)
	for b.Loop() {
		out, err := Run(ctx, p, Options{})
		require.NoError(b, err)
		for _, d := range out.Cards[0].Datasets {
			require.Empty(b, d.Error)
		}
		_, err = Publish(ctx, p, out, nil)
		require.NoError(b, err)
		for _, d := range out.Timings.Datasets {
			spent["connect"] += d.Connect
			spent["extract"] += d.Extract
			spent["load"] += d.Load
			spent["checks"] += d.Checks
		}
		for _, s := range out.Timings.Steps() {
			spent[s.Name] += s.Took
		}
	}
	per := float64(b.N) * float64(datasets)
	b.ReportMetric(b.Elapsed().Seconds()/per*1000, "ms/dataset")
	// CPU time (every thread of the process: Go's and DuckDB's) is what
	// other users of the machine disturb least.
	b.ReportMetric((cpuTime(b)-cpu0).Seconds()/per*1000, "cpu_ms/dataset")
	for name, d := range spent {
		b.ReportMetric(d.Seconds()/per*1000, "ms/dataset_"+name)
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
