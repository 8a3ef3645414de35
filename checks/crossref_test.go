//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// Two registries with planted disagreements (see each check's comment).
var registries = []string{
	`CREATE TABLE pop AS SELECT * FROM (VALUES
	 ('001', 'Nguyễn Văn An', DATE '1990-01-01', 'M', 'active'),
	 ('002', 'Trần Thị Bình', DATE '1985-02-02', 'F', 'active'),
	 ('003', 'Lê Văn Cường', DATE '1970-03-03', 'M', 'deceased'),
	 ('004', 'Phạm Thị Dung', DATE '2000-04-04', 'F', 'active'),
	 ('005', 'Hoàng Minh', DATE '2015-05-05', 'M', 'active'),
	 ('006', 'Đặng Thu', DATE '1999-06-06', 'F', 'deceased')
	) AS t(cccd, full_name, dob, gender, status)`,
	`CREATE TABLE ins AS SELECT * FROM (VALUES
	 ('B1', '001', '` + norm.NFD.String("Nguyễn Văn An") + `', DATE '1990-01-01', 'M', 'active'),
	 ('B2', '002', 'TRẦN  THỊ BÌNH', DATE '1985-02-03', 'F', 'active'),
	 ('B3', '003', 'Lê Văn Cường', DATE '1970-03-03', 'M', 'active'),
	 ('B4', '999', 'Ghost Person', DATE '2000-01-01', 'M', 'active'),
	 ('B5', NULL, 'No Id', NULL, 'F', 'active'),
	 ('B6', '006', 'Dang Thu', DATE '1999-06-06', 'F', 'suspended')
	) AS t(bhxh, cccd, full_name, dob, gender, status)`,
	`CREATE TABLE deaths AS SELECT * FROM (VALUES ('003'), ('006')) AS t(cccd)`,
}

func (f *fixture) relation(table, key string, sample sampling.Design) *checks.Relation {
	f.t.Helper()
	desc, err := f.conn.Describe(f.ctx, table)
	require.NoError(f.t, err)
	d := dialect.DuckDB{}
	r := &checks.Relation{ID: table, Table: d.Ident(table), Key: key, Sample: sample, RowsTotal: -1}
	for _, c := range desc {
		r.Columns = append(r.Columns, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
	}
	return r
}

// runOn plans checks on table ins, with pop and deaths as other datasets.
func (f *fixture) runOn(checksYAML string, self, popSample sampling.Design) map[string]*result.Check {
	f.t.Helper()
	cfgYAML := "ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: ins\n    ministry: M\n    source: s\n    key: bhxh\n    checks:\n" + indent(checksYAML, "      ")
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML), nil)
	require.NoError(f.t, err)
	ds := &cfg.Datasets[0]
	built := f.build(cfg, ds)
	me := f.relation("ins", "bhxh", self)
	d := dialect.DuckDB{}
	plan := planner.New(planner.Dataset{
		Dialect: d, Table: me.Table, Columns: me.Columns, Key: "bhxh", Now: runStart,
		Tokens:    func(c *config.Check) []string { return cfg.MissingTokens(ds, c) },
		RowsTotal: 6, Sampled: !self.Full(), Sample: self,
		Others: map[string]planner.OtherResult{
			"pop":    {Relation: master(f.relation("pop", "cccd", popSample))},
			"deaths": {Relation: f.relation("deaths", "cccd", sampling.Design{Method: "full"})},
		},
	}, built)
	return byID(plan.Run(f.ctx, f.conn, planner.Options{ExampleLimit: 5}))
}

var full = sampling.Design{Method: "full"}

// master marks a relation as a master registry (master: true).
func master(r *checks.Relation) *checks.Relation {
	r.Master = true
	return r
}

func TestCrossRegistryExactCounts(t *testing.T) {
	f := newFixture(t)
	for _, q := range registries {
		require.NoError(t, f.conn.Exec(f.ctx, q))
	}
	res := f.runOn(`
- {id: in_pop, kind: references, column: cccd, dataset: pop, key: cccd}
- {id: agrees, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {full_name: {with: full_name, compare: name}, dob: {with: dob, compare: date}, gender: {with: gender}}}
- {id: agrees_no_accents, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {full_name: {compare: name, diacritics: false}}}
- {id: adults_covered, kind: coverage, dataset: pop, on: {cccd: cccd}, where: "dob <= DATE '2008-01-01'", min: 0.9}
- {id: dead_active, kind: status_sync, dataset: deaths, on: {cccd: cccd}, where: "status = 'active'"}
`, full, full)

	// B4's 999 is not in the population; B5 has no cccd and is not evaluated.
	requireCounts(t, res, "in_pop", counts{6, 5, 1}, result.Fail)

	// Matched: B1, B2, B3, B6. B1's NFD name and B2's upper case with a
	// double space agree as names; B2's birth date and B6's name without
	// accents disagree.
	a := res["agrees"]
	requireCounts(t, res, "agrees", counts{6, 4, 2}, result.Fail)
	require.Equal(t, map[string]any{
		"dob":       map[string]any{"evaluated": int64(4), "failed": int64(1)},
		"full_name": map[string]any{"evaluated": int64(4), "failed": int64(1)},
		"gender":    map[string]any{"evaluated": int64(4), "failed": int64(0)},
	}, a.Details["columns"])
	require.Equal(t, 3, a.Details["recollected"], "three attributes the master holds, held again")
	requireCounts(t, res, "agrees_no_accents", counts{6, 4, 0}, result.Pass)
	require.Equal(t, 1, res["agrees_no_accents"].Details["recollected"])
	_, ok := res["in_pop"].Details["recollected"]
	require.False(t, ok, "references hold nothing again")

	// Adults in the population: 001 002 003 004 006; 004 is not insured.
	requireCounts(t, res, "adults_covered", counts{5, 5, 1}, result.Fail)
	require.InDelta(t, 0.8, *res["adults_covered"].PassRate, 1e-12)

	// Active here and dead in civil status: B3. B6 is suspended.
	requireCounts(t, res, "dead_active", counts{6, 4, 1}, result.Fail)
	require.Equal(t, "alive", f.built["dead_active"].Dimension)
}

func TestCrossRegistrySamples(t *testing.T) {
	f := newFixture(t)
	for _, q := range registries {
		require.NoError(t, f.conn.Exec(f.ctx, q))
	}
	y := `
- {id: in_pop, kind: references, column: cccd, dataset: pop, key: cccd}
- {id: covered, kind: coverage, dataset: pop, on: {cccd: cccd}}
- {id: agrees, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {gender: {}}}
`
	// The other side sampled on another key: refused, with the reason.
	res := f.runOn(y, full, sampling.Design{Method: "hash", Fraction: 0.5, Key: "dob"})
	for _, id := range []string{"in_pop", "covered", "agrees"} {
		require.Equal(t, result.Error, res[id].Status, id)
		require.Contains(t, res[id].Message, "uncoordinated samples")
	}
	// This side sampled, the population in full: references is fine,
	// coverage is not (the sample's left-out rows would count as missing).
	res = f.runOn(y, sampling.Design{Method: "hash", Fraction: 0.5, Key: "bhxh"}, full)
	require.NotEqual(t, result.Error, res["in_pop"].Status)
	require.Equal(t, result.Error, res["covered"].Status)
	// Coordinated: both hashed on cccd with one fraction.
	hashed := sampling.Design{Method: "hash", Fraction: 0.5, Key: "cccd"}
	res = f.runOn(y, hashed, hashed)
	for _, id := range []string{"in_pop", "covered", "agrees"} {
		require.NotEqual(t, result.Error, res[id].Status, "%s: %s", id, res[id].Message)
		require.Equal(t, true, res[id].Details["coordinated_sample"], id)
		require.Len(t, res[id].Interval95, 2, id)
	}
}
