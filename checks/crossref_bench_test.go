//go:build duckdb_arrow

package checks_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// peakRSS is the process's high-water mark of resident memory, in MiB.
func peakRSS() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return -1
}

// BenchmarkCrossRegistry runs references + agrees between two registries
// of DQ_BENCH_ROWS rows each (default 10M), in full and on coordinated 10%
// hash samples, and reports time, peak memory and the sample's error.
func BenchmarkCrossRegistry(b *testing.B) {
	rows := 10_000_000
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	conn := enginetest.Conn(b, engine.Options{})
	d := dialect.DuckDB{}
	for _, q := range []string{
		fmt.Sprintf(`CREATE TABLE pop AS SELECT lpad(CAST(i AS VARCHAR), 12, '0') AS cccd, 'Nguyễn Văn ' || i AS full_name, DATE '1950-01-01' + CAST(i %% 20000 AS INTEGER) AS birth_date FROM range(%d) t(i)`, rows),
		fmt.Sprintf(`CREATE TABLE ins AS SELECT lpad(CAST(CASE WHEN i %% 100 = 7 THEN %d + i ELSE i END AS VARCHAR), 12, '0') AS cccd,
		   CASE WHEN i %% 50 = 3 THEN 'Trần Thị ' || i ELSE 'Nguyễn Văn ' || i END AS full_name,
		   DATE '1950-01-01' + CAST(i %% 20000 AS INTEGER) + CASE WHEN i %% 200 = 11 THEN 1 ELSE 0 END AS birth_date
		 FROM range(%d) t(i)`, 2*rows, rows),
		"CREATE TABLE pop10 AS SELECT * FROM pop WHERE " + d.HashUnit("cccd") + " < 0.1",
		"CREATE TABLE ins10 AS SELECT * FROM ins WHERE " + d.HashUnit("cccd") + " < 0.1",
	} {
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
	relation := func(table string, s sampling.Design) *checks.Relation {
		desc, err := conn.Describe(ctx, table)
		if err != nil {
			b.Fatal(err)
		}
		r := &checks.Relation{ID: table, Table: d.Ident(table), Key: "cccd", Sample: s, RowsTotal: int64(rows)}
		for _, c := range desc {
			r.Columns = append(r.Columns, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
		}
		return r
	}
	run := func(insT, popT string, s sampling.Design) map[string]*result.Check {
		var built []*checks.Built
		for i := range ds.Checks {
			bc, err := checks.Build(cfg, &ds.Checks[i])
			if err != nil {
				b.Fatal(err)
			}
			built = append(built, bc)
		}
		me := relation(insT, s)
		plan := planner.New(planner.Dataset{Dialect: d, Table: me.Table, Columns: me.Columns, Key: "cccd", Now: time.Now(),
			Tokens: func(c *config.Check) []string { return cfg.MissingTokens(ds, c) }, RowsTotal: int64(rows),
			Sampled: !s.Full(), Sample: s, Others: map[string]planner.OtherResult{"pop": {Relation: relation(popT, s)}}}, built)
		out := map[string]*result.Check{}
		for _, oc := range plan.Run(ctx, conn, planner.Options{}) {
			if oc.Result.Status == result.Error {
				b.Fatalf("%s: %s", oc.Built.Spec.ID, oc.Result.Message)
			}
			out[oc.Built.Spec.ID] = oc.Result
		}
		return out
	}
	var fullRes, sampleRes map[string]*result.Check
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			fullRes = run("ins", "pop", sampling.Design{Method: "full"})
		}
		b.ReportMetric(peakRSS(), "peak_MiB")
	})
	b.Run("sample10", func(b *testing.B) {
		for b.Loop() {
			sampleRes = run("ins10", "pop10", sampling.Design{Method: "hash", Fraction: 0.1, Key: "cccd"})
		}
		b.ReportMetric(peakRSS(), "peak_MiB")
	})
	for _, id := range []string{"ref", "agree"} {
		f, s := *fullRes[id].PassRate, *sampleRes[id].PassRate
		iv := sampleRes[id].Interval95
		b.Logf("%s: full %.6f, 10%% sample %.6f (error %.6f, 95%% interval [%.6f, %.6f], contains full: %v)",
			id, f, s, math.Abs(f-s), iv[0], iv[1], iv[0] <= f && f <= iv[1])
	}
}
