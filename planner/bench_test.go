//go:build duckdb_arrow

package planner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/planner"
)

// benchChecks are 20 checks on the population registry, the mix a real
// config has: completeness, uniqueness, formats, domains, ranges, volume,
// freshness and schema.
const benchChecks = `
ministries: [{id: MPS, name: MPS}]
sources: {demo: {kind: file}}
datasets:
  - id: citizens
    ministry: MPS
    source: demo
    key: cccd
    checks:
      - {id: c01, kind: not_null, column: cccd}
      - {id: c02, kind: not_null, column: full_name}
      - {id: c03, kind: not_null, column: birth_date}
      - {id: c04, kind: not_null, columns: [phone, commune_code]}
      - {id: c05, kind: unique, column: cccd}
      - {id: c06, kind: unique, columns: [full_name, birth_date, commune_code]}
      - {id: c07, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}
      - {id: c08, kind: regex, column: phone, pattern: '^0[35789][0-9]{8}$'}
      - {id: c09, kind: regex, column: commune_code, pattern: '^[0-9]{5}$'}
      - {id: c10, kind: regex, column: province_code, pattern: '^[0-9]{2}$'}
      - {id: c11, kind: in_set, column: gender, values: [M, F]}
      - {id: c12, kind: in_set, column: status, values: [active, deceased, moved]}
      - {id: c13, kind: between, column: birth_date, min: 1900-01-01, max: today}
      - {id: c14, kind: between, column: updated_at, min: -5y, max: now}
      - {id: c15, kind: length, column: full_name, min: 2, max: 100}
      - {id: c16, kind: length, column: cccd, min: 12, max: 12}
      - {id: c17, kind: regex, column: full_name, pattern: '^[^0-9]+$'}
      - {id: c18, kind: row_count, min: 1000}
      - {id: c19, kind: freshness, column: updated_at, max_age: 48h}
      - {id: c20, kind: schema, require: {cccd: VARCHAR, birth_date: DATE}}
`

// benchRows is the population size; DQ_BENCH_ROWS changes it.
func benchRows() int {
	if s := os.Getenv("DQ_BENCH_ROWS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 1_000_000
}

// benchData generates the demo registries once per size, in the user's
// cache, so repeated benchmark runs skip generation.
func benchData(b *testing.B, rows int) string {
	b.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "dq-bench", fmt.Sprintf("demo-%d", rows))
	if _, _, err := demo.Ensure(dir, demo.Options{Rows: rows, Seed: 1, AsOf: time.Now().UTC().Truncate(24 * time.Hour)}, 30*24*time.Hour); err != nil {
		b.Fatal(err)
	}
	return dir
}

func BenchmarkFusedVsPerCheck(b *testing.B) {
	rows := benchRows()
	dir := benchData(b, rows)
	ctx := context.Background()
	conn := enginetest.Conn(b, engine.Options{})
	d := dialect.DuckDB{}
	if err := conn.Exec(ctx, "CREATE TABLE citizens AS SELECT * FROM read_parquet("+d.String(filepath.Join(dir, "citizens.parquet"))+")"); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Parse("bench.yaml", []byte(benchChecks), nil)
	if err != nil {
		b.Fatal(err)
	}
	ds := &cfg.Datasets[0]
	var built []*checks.Built
	for i := range ds.Checks {
		bc, err := checks.Build(cfg, &ds.Checks[i])
		if err != nil {
			b.Fatal(err)
		}
		built = append(built, bc)
	}
	desc, err := conn.Describe(ctx, "citizens")
	if err != nil {
		b.Fatal(err)
	}
	var cols []checks.Column
	for _, c := range desc {
		cols = append(cols, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
	}
	pds := planner.Dataset{Dialect: d, Table: d.Ident("citizens"), Columns: cols, Key: "cccd", Now: time.Now(),
		Tokens: func(c *config.Check) []string { return cfg.MissingTokens(ds, c) }, RowsTotal: -1}

	// The two unique checks are a GROUP BY query each in both modes; the
	// 18 others are what fusing changes, so they are measured apart too.
	var aggregateOnly []*checks.Built
	for _, bc := range built {
		if bc.Spec.Kind != "unique" {
			aggregateOnly = append(aggregateOnly, bc)
		}
	}
	for _, set := range []struct {
		name  string
		built []*checks.Built
	}{{"20_checks", built}, {"18_aggregate_checks", aggregateOnly}} {
		var fused, perCheck time.Duration
		for _, mode := range []struct {
			name    string
			unfused bool
			total   *time.Duration
		}{{"fused", false, &fused}, {"per_check", true, &perCheck}} {
			b.Run(set.name+"/"+mode.name, func(b *testing.B) {
				for b.Loop() {
					plan := planner.New(pds, set.built)
					t0 := time.Now()
					for _, oc := range plan.Run(ctx, conn, planner.Options{Unfused: mode.unfused}) {
						if oc.Result.Status == "error" {
							b.Fatalf("%s: %s", oc.Built.Spec.ID, oc.Result.Message)
						}
					}
					*mode.total += time.Since(t0)
				}
				b.ReportMetric(float64(rows), "rows")
			})
		}
		if fused > 0 {
			b.Logf("%d rows, %s: per-check / fused time = %.2fx", rows, set.name, float64(perCheck)/float64(fused))
		}
	}
}
