//go:build duckdb_arrow

package checks_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// crossTables are two registries of rows rows each: the population (pop)
// and an insurance registry (ins) where 1% of IDs are unknown to pop, 2%
// of names and 0.5% of birth dates disagree.
func crossTables(rows int) []string {
	return []string{
		fmt.Sprintf(`CREATE TABLE pop AS SELECT lpad(CAST(i AS VARCHAR), 12, '0') AS cccd, 'Nguyễn Văn ' || i AS full_name, DATE '1950-01-01' + CAST(i %% 20000 AS INTEGER) AS birth_date FROM range(%d) t(i)`, rows),
		fmt.Sprintf(`CREATE TABLE ins AS SELECT lpad(CAST(CASE WHEN i %% 100 = 7 THEN %d + i ELSE i END AS VARCHAR), 12, '0') AS cccd,
		   CASE WHEN i %% 50 = 3 THEN 'Trần Thị ' || i ELSE 'Nguyễn Văn ' || i END AS full_name,
		   DATE '1950-01-01' + CAST(i %% 20000 AS INTEGER) + CASE WHEN i %% 200 = 11 THEN 1 ELSE 0 END AS birth_date
		 FROM range(%d) t(i)`, 2*rows, rows),
	}
}

// handJoin is references + agrees (name normalised, birth date) as an
// expert writes it knowing pop's key is unique: one LEFT JOIN, each
// normalised name computed once, dq's missing tokens as an IN list.
const handJoin = `
SELECT COUNT(*), count_if(NOT cccd_missing), count_if(NOT cccd_missing AND NOT found),
  count_if(found), count_if(name_differ OR dob_differ),
  count_if(name_both), count_if(name_differ), count_if(dob_both), count_if(dob_differ)
FROM (
  SELECT *, name_both AND ni <> np AS name_differ, dob_both AND i_dob <> p_dob AS dob_differ
  FROM (
    SELECT i.cccd IS NULL OR upper(trim(i.cccd)) IN ('', 'N/A', 'NULL', '0000-00-00') AS cccd_missing,
      p.cccd IS NOT NULL AS found,
      NOT (i.full_name IS NULL OR upper(trim(i.full_name)) IN ('', 'N/A', 'NULL', '0000-00-00'))
        AND NOT (p.full_name IS NULL OR upper(trim(p.full_name)) IN ('', 'N/A', 'NULL', '0000-00-00')) AS name_both,
      i.birth_date IS NOT NULL AND p.birth_date IS NOT NULL AS dob_both,
      TRIM(regexp_replace(lower(nfc_normalize(i.full_name)), '\s+', ' ', 'g')) AS ni,
      TRIM(regexp_replace(lower(nfc_normalize(p.full_name)), '\s+', ' ', 'g')) AS np,
      i.birth_date AS i_dob, p.birth_date AS p_dob
    FROM ins i LEFT JOIN pop p ON i.cccd = p.cccd))`

// BenchmarkCrossRegistryVsJoin runs references + agrees between two
// registries of DQ_BENCH_ROWS rows (default 200,000) through dq's plan and
// through handJoin, in DQ_BENCH_PAIRS back-to-back pairs (default 3),
// alternating which runs first, requires the same numbers, and reports
// the medians of the pairs' ratios of time and of memory. Memory is
// DuckDB's own: the peak of duckdb_memory() (buffer-managed memory: hash
// tables, aggregate states) sampled every 5 ms from a second connection
// while the side runs, above what it held before (the two tables); the
// process's peak RSS (VmHWM, reset through /proc/self/clear_refs before
// each side) is logged too.
func BenchmarkCrossRegistryVsJoin(b *testing.B) {
	rows, pairs := 200_000, 3
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	if s := os.Getenv("DQ_BENCH_PAIRS"); s != "" {
		pairs, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	probe, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer probe.Close()
	for _, q := range crossTables(rows) {
		if err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	cfg, err := config.Parse("bench.yaml", []byte(`
ministries: [{id: M, name: M}]
sources: {s: {kind: file}}
datasets:
  - id: ins
    ministry: M
    source: s
    key: cccd
    checks:
      - {id: ref, kind: references, column: cccd, dataset: pop, key: cccd}
      - {id: agree, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {full_name: {compare: name}, birth_date: {compare: date}}}
`), nil)
	if err != nil {
		b.Fatal(err)
	}
	ds := &cfg.Datasets[0]
	d := dialect.DuckDB{}
	full := sampling.Design{Method: "full"}
	relation := func(table string) *checks.Relation {
		desc, err := conn.Describe(ctx, table)
		if err != nil {
			b.Fatal(err)
		}
		r := &checks.Relation{ID: table, Table: d.Ident(table), Key: "cccd", Sample: full, RowsTotal: int64(rows)}
		for _, c := range desc {
			r.Columns = append(r.Columns, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
		}
		return r
	}
	me, pop := relation("ins"), relation("pop")
	var dqNumbers, handNumbers []int64
	runDQ := func() {
		var built []*checks.Built
		for i := range ds.Checks {
			bc, err := checks.Build(cfg, &ds.Checks[i])
			if err != nil {
				b.Fatal(err)
			}
			built = append(built, bc)
		}
		plan := planner.New(planner.Dataset{Dialect: d, Table: me.Table, Columns: me.Columns, Key: "cccd", Now: time.Now(),
			Tokens: func(c *config.Check) []string { return cfg.MissingTokens(ds, c) }, RowsTotal: int64(rows),
			Sample: full, Others: map[string]planner.OtherResult{"pop": {Relation: pop}}}, built)
		res := map[string]*result.Check{}
		for _, oc := range plan.Run(ctx, conn, planner.Options{ExampleLimit: config.DefaultExampleLimit}) {
			if oc.Result.Status == result.Error {
				b.Fatalf("%s: %s", oc.Built.Spec.ID, oc.Result.Message)
			}
			res[oc.Built.Spec.ID] = oc.Result
		}
		ref, ag := res["ref"], res["agree"]
		col := func(name, what string) int64 {
			return ag.Details["columns"].(map[string]any)[name].(map[string]any)[what].(int64)
		}
		dqNumbers = []int64{*ref.Rows, *ref.Evaluated, *ref.Failed, *ag.Evaluated, *ag.Failed,
			col("full_name", "evaluated"), col("full_name", "failed"), col("birth_date", "evaluated"), col("birth_date", "failed")}
	}
	runHand := func() {
		row, err := conn.QueryRow(ctx, handJoin)
		if err != nil {
			b.Fatal(err)
		}
		handNumbers = handNumbers[:0]
		for _, v := range row {
			handNumbers = append(handNumbers, checks.ToInt64(v))
		}
	}
	memory := func() int64 {
		row, err := probe.QueryRow(ctx, "SELECT SUM(memory_usage_bytes) FROM duckdb_memory()")
		if err != nil {
			b.Fatal(err)
		}
		return checks.ToInt64(row[0])
	}
	// measure runs one side and returns its time, DuckDB's peak memory
	// above the resident tables, and the process's peak RSS (MiB).
	measure := func(run func()) (time.Duration, float64, float64) {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		base := memory()
		peak := base
		var mu sync.Mutex
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					m := memory()
					mu.Lock()
					peak = max(peak, m)
					mu.Unlock()
				}
			}
		}()
		t0 := time.Now()
		run()
		elapsed := time.Since(t0)
		close(done)
		wg.Wait()
		return elapsed, float64(peak-base) / (1 << 20), peakRSS()
	}
	for b.Loop() {
		var timeRatios, memRatios []float64
		for i := range pairs {
			var dqT, handT time.Duration
			var dqM, handM, dqR, handR float64
			if i%2 == 0 {
				dqT, dqM, dqR = measure(runDQ)
				handT, handM, handR = measure(runHand)
			} else {
				handT, handM, handR = measure(runHand)
				dqT, dqM, dqR = measure(runDQ)
			}
			if !slices.Equal(dqNumbers, handNumbers) {
				b.Fatalf("dq computed %v, the hand-written join %v", dqNumbers, handNumbers)
			}
			timeRatios = append(timeRatios, dqT.Seconds()/handT.Seconds())
			memRatios = append(memRatios, dqM/handM)
			b.Logf("pair %d: dq %.2f s, %.0f MiB (RSS %.0f MiB); hand %.2f s, %.0f MiB (RSS %.0f MiB); dq/hand time %.2f×, memory %.2f×",
				i+1, dqT.Seconds(), dqM, dqR, handT.Seconds(), handM, handR, timeRatios[i], memRatios[i])
		}
		// What dq's plan spends learning that pop's key is unique.
		t0 := time.Now()
		if _, err := conn.QueryRow(ctx, "SELECT COUNT(cccd) = COUNT(DISTINCT cccd) FROM pop"); err != nil {
			b.Fatal(err)
		}
		b.Logf("COUNT(cccd) = COUNT(DISTINCT cccd) over pop: %.2f s", time.Since(t0).Seconds())
		b.ReportMetric(median(timeRatios), "dq/hand_time")
		b.ReportMetric(median(memRatios), "dq/hand_mem")
		b.Logf("%d rows each; numbers %v; median dq/hand: time %.2f×, memory %.2f× (pairs %s)",
			rows, dqNumbers, median(timeRatios), median(memRatios), strings.Trim(fmt.Sprintf("%.2f", timeRatios), "[]"))
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
