//go:build duckdb_arrow

package checks_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/sampling"
)

// TestSampledIntervalsCoverTheTruth: on coordinated 10% hash samples (the
// same salted md5 threshold on both registries' citizen ID), the 95%
// interval of references and agrees must contain the full-data value in at
// least 90% of 200 differently salted samples.
func TestSampledIntervalsCoverTheTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("200 sampled runs")
	}
	f := newFixture(t)
	for _, q := range []string{
		`CREATE TABLE spop AS SELECT lpad(CAST(i AS VARCHAR), 12, '0') AS cccd, 'Name ' || i AS full_name FROM range(20000) t(i)`,
		// 1% of IDs unknown to the population, 2% of names disagree.
		`CREATE TABLE sins AS SELECT 'B' || i AS bhxh,
		   lpad(CAST(CASE WHEN i % 100 = 7 THEN 1000000 + i ELSE i END AS VARCHAR), 12, '0') AS cccd,
		   CASE WHEN i % 50 = 3 THEN 'Other ' || i ELSE 'Name ' || i END AS full_name
		 FROM range(12000) t(i)`,
	} {
		require.NoError(t, f.conn.Exec(f.ctx, q))
	}
	const truthRef = 1 - 120.0/12000
	const truthAgree = 1 - 240.0/11880

	cfg, err := config.Parse("stat.yaml", []byte(`
ministries: [{id: M, name: M}]
sources: {s: {kind: file}}
datasets:
  - id: ins
    ministry: M
    source: s
    key: cccd
    checks:
      - {id: ref, kind: references, column: cccd, dataset: pop, key: cccd}
      - {id: agree, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {full_name: {compare: name}}}
`), nil)
	require.NoError(t, err)
	ds := &cfg.Datasets[0]
	d := dialect.DuckDB{}
	hashed := sampling.Design{Method: "hash", Fraction: 0.1, Key: "cccd"}
	covered := map[string]int{}
	const runs = 200
	for seed := 1; seed <= runs; seed++ {
		unit := d.HashUnit(fmt.Sprintf("'%d:' || cccd", seed))
		for _, tb := range []string{"pop", "ins"} {
			require.NoError(t, f.conn.Exec(f.ctx, fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT * FROM s%s WHERE %s < 0.1", tb, tb, unit)))
		}
		var built []*checks.Built
		for i := range ds.Checks {
			b, err := checks.Build(cfg, &ds.Checks[i])
			require.NoError(t, err)
			built = append(built, b)
		}
		me := f.relation("ins", "cccd", hashed)
		plan := planner.New(planner.Dataset{
			Dialect: d, Table: me.Table, Columns: me.Columns, Key: "cccd", Now: runStart,
			Tokens:    func(c *config.Check) []string { return cfg.MissingTokens(ds, c) },
			RowsTotal: 12000, Sampled: true, Sample: hashed,
			Others: map[string]planner.OtherResult{"pop": {Relation: f.relation("pop", "cccd", hashed)}},
		}, built)
		for _, oc := range plan.Run(f.ctx, f.conn, planner.Options{}) {
			r, id := oc.Result, oc.Built.Spec.ID
			require.Len(t, r.Interval95, 2, "%s: %s", id, r.Message)
			truth := truthRef
			if id == "agree" {
				truth = truthAgree
			}
			if r.Interval95[0] <= truth && truth <= r.Interval95[1] {
				covered[id]++
			}
		}
	}
	t.Logf("intervals containing the truth over %d samples: %v", runs, covered)
	require.GreaterOrEqual(t, covered["ref"], runs*90/100)
	require.GreaterOrEqual(t, covered["agree"], runs*90/100)
}
