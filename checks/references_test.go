//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// A code list of today, the codes a reform retired with their successors
// (00004 was reused: retired and current at once, as GSO did in 2025;
// 00019 was split two ways), and places coded with them:
//
//	id  commune
//	1   00004   current (and once retired: current wins)
//	2   00001   stale → 00097
//	3   00001   stale → 00097
//	4   00019   stale, split → 00004, 00070
//	5   99999   unknown
//	6   NULL    missing
//	7   ''      missing
//	8   00008   current
var codeLists = []string{
	`CREATE TABLE units AS SELECT * FROM (VALUES ('00004'), ('00008'), ('00097')) AS t(ward_code)`,
	`CREATE TABLE units_retired AS SELECT * FROM (VALUES
	 ('00001', '00097'), ('00004', '00004'), ('00019', '00004'), ('00019', '00070'), (NULL, '00070')
	) AS t(old_ward_code, new_ward_code)`,
	`CREATE TABLE places AS SELECT * FROM (VALUES
	 (1, '00004'), (2, '00001'), (3, '00001'), (4, '00019'), (5, '99999'), (6, NULL), (7, ''), (8, '00008')
	) AS t(id, commune)`,
}

func TestReferencesNameStaleCodesWithSuccessors(t *testing.T) {
	f := newFixture(t)
	for _, q := range codeLists {
		require.NoError(t, f.conn.Exec(f.ctx, q))
	}
	units := f.relation("units", "ward_code", full)
	units.Retired = &checks.Retired{Relation: f.relation("units_retired", "old_ward_code", full), Successor: "new_ward_code"}
	plain := f.relation("units", "ward_code", full)
	plain.ID = "plain"

	cfg, err := config.Parse("test.yaml", []byte(`ministries: [{id: M, name: M}]
sources: {s: {kind: file}}
datasets:
  - id: places
    ministry: M
    source: s
    key: id
    checks:
      - {id: units, kind: references, column: commune, reference: units}
      - {id: plain, kind: references, column: commune, reference: plain}
`), nil)
	require.NoError(t, err)
	built := f.build(cfg, &cfg.Datasets[0])
	me := f.relation("places", "id", full)
	plan := planner.New(planner.Dataset{
		Dialect: dialect.DuckDB{}, Table: me.Table, Columns: me.Columns, Key: "id", Now: runStart,
		Tokens:     func(c *config.Check) []string { return cfg.MissingTokens(&cfg.Datasets[0], c) },
		RowsTotal:  8,
		References: map[string]*checks.Relation{"units": units, "plain": plain},
	}, built)
	outs := plan.Run(f.ctx, f.conn, planner.Options{ExampleLimit: 10})
	res := byID(outs)

	requireCounts(t, res, "units", counts{8, 6, 4}, result.Fail)
	d := res["units"].Details
	require.Equal(t, int64(3), d["stale"], "rows with a retired code")
	require.Equal(t, int64(2), d["stale_codes"])
	require.Equal(t, int64(1), d["unknown"])
	require.Equal(t, []string{"00001 → 00097", "00019 → 00004, 00070"}, d["successors"])
	require.Equal(t, "4 rows of 6 have a commune not found in units; 3 rows retired, with a successor (2 codes), see details", res["units"].Message)
	require.Equal(t, "unified", f.built["units"].Dimension, "a shared code list")

	var shown []string
	for _, row := range outs[0].Rows {
		shown = append(shown, row[1].(string))
	}
	require.ElementsMatch(t, []string{"00001 → 00097", "00001 → 00097", "00019 → 00004 (split 2 ways)", "99999"}, shown)

	// A list without retired codes says nothing of staleness.
	requireCounts(t, res, "plain", counts{8, 6, 4}, result.Fail)
	require.Equal(t, map[string]any{"in": "plain", "coordinated_sample": false}, res["plain"].Details)
}
