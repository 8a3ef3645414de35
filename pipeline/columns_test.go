//go:build duckdb_arrow

package pipeline

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/watermark"
)

// The columns a dataset reads are those its checks and the run name, or
// every column when a check's columns cannot be known from the config.
func TestNeededColumns(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.csv"), []byte("id,name\n1,a\n"), 0o600))
	p := prepareYAML(t, "  f: {kind: file, root: "+dir+"}\n", `
  - id: people
    ministry: MPS
    source: f
    path: p.csv
    key: id
    group_by: province
    incremental: {column: updated_at}
    checks:
      - {id: a, kind: not_null, column: name}
      - {id: b, kind: unique, columns: [phone, email]}
      - {id: c, kind: format, column: cccd, validator: cccd, birth_date: born, gender: sex}
      - {id: d, kind: freshness, column: seen_at, max_age: 1d}
      - {id: e, kind: row_count, min: 1}
  - {id: counted, ministry: MPS, source: f, path: p.csv, checks: [{id: n, kind: row_count, min: 1}]}
  - id: hashed
    ministry: MPS
    source: f
    path: p.csv
    sample: {method: hash, fraction: 0.5, key: sample_key}
    checks: [{id: a, kind: not_null, column: name}]
  - {id: free_sql, ministry: MPS, source: f, path: p.csv, checks: [{id: a, kind: not_null, column: name}, {id: s, kind: sql_metric, sql: "AVG(x)", min: 0}]}
  - {id: schema, ministry: MPS, source: f, path: p.csv, checks: [{id: s, kind: schema, require: {id: BIGINT}}, {id: t, kind: schema_stable}, {id: a, kind: not_null, column: name}]}
  - {id: joined, ministry: MPS, source: f, path: p.csv, key: id, checks: [{id: a, kind: not_null, column: name}]}
  - {id: joining, ministry: MPS, source: f, path: p.csv, key: id, checks: [{id: r, kind: references, column: id, dataset: joined, key: id}]}
`, nil)
	got := map[string][]string{}
	for i := range p.Config.Datasets {
		ds := &p.Config.Datasets[i]
		got[ds.ID] = neededColumns(p, ds)
	}
	require.Equal(t, map[string][]string{
		"people":   {"born", "cccd", "email", "id", "name", "phone", "province", "seen_at", "sex", "updated_at"},
		"counted":  nil, // no column named: the table keeps them all
		"hashed":   {"name", "sample_key"},
		"free_sql": nil,
		"schema":   {"name"}, // a schema check sees every column, read or not
		"joined":   nil,      // another dataset's check joins it
		"joining":  nil,
	}, got)
}

// extracted loads every dataset of p and returns its table's columns, the
// columns the planner sees (name type) and the statement that loaded it,
// by dataset id.
func extracted(t *testing.T, p *Prepared) (tables, planned map[string][]string, stmts map[string]string) {
	t.Helper()
	ctx := context.Background()
	r, err := newRun(ctx, p, Options{Watermarks: watermark.Marks{}})
	require.NoError(t, err)
	defer r.db.Close()
	conn, err := r.db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	tables, planned, stmts = map[string][]string{}, map[string][]string{}, map[string]string{}
	for _, d := range r.datasets {
		require.NoError(t, r.load(ctx, conn, d, false), d.cfg.ID)
		desc, err := conn.Describe(ctx, d.table)
		require.NoError(t, err)
		tables[d.cfg.ID] = columnNames(desc)
		for _, c := range d.described.Columns {
			planned[d.cfg.ID] = append(planned[d.cfg.ID], c.Name+" "+c.Type)
		}
		stmts[d.cfg.ID] = d.statement
	}
	return tables, planned, stmts
}

// pruneChecks are the checks of every pruned dataset below: they name
// id (the key), name, born and a column no source has, and group by
// province, so note and extra are left in the source; a schema check
// still sees them.
const pruneChecks = `key: id, group_by: province, checks: [{id: a, kind: not_null, column: name}, {id: b, kind: between, column: born, min: "1900-01-01"}, {id: c, kind: not_null, column: no_such_column}, {id: s, kind: schema, require: {note: ANY}}]`

// Each connector extracts only the columns the checks need, in the
// source's order; a dataset whose checks run SQL from the config, or that
// is a query:, reads every column.
func TestExtractPrunesColumnsIntegration(t *testing.T) {
	pruned := []string{"id", "name", "born", "province"}
	all := []string{"id", "name", "born", "province", "note", "extra"}
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			_, err := s.db.Exec("CREATE TABLE " + s.table + " (id INT, name VARCHAR(20), born DATE, province VARCHAR(2), note VARCHAR(20), extra VARCHAR(20))")
			require.NoError(t, err)
			_, err = s.db.Exec("INSERT INTO " + s.table + " VALUES (1, 'An', '1990-01-02', '01', 'x', 'y'), (2, NULL, '1985-03-04', '79', 'z', 'w')")
			require.NoError(t, err)
			p := prepareYAML(t, "  db: "+s.source+"\n", `
  - {id: pruned, ministry: MPS, source: db, table: `+s.table+`, where: "note <> 'q'", `+pruneChecks+`}
  - {id: all, ministry: MPS, source: db, table: `+s.table+`, checks: [{id: s, kind: sql_metric, sql: "COUNT(*)", min: 0}]}
  - {id: query, ministry: MPS, source: db, query: "SELECT * FROM `+s.table+`", `+pruneChecks+`}
`, nil)
			cols, planned, stmts := extracted(t, p)
			require.Equal(t, pruned, cols["pruned"])
			require.Equal(t, all, cols["all"])
			require.Equal(t, all, cols["query"], "a query: dataset reads every column")
			// The planner sees every column, typed as if it had been read.
			require.Len(t, planned["all"], len(all))
			require.Equal(t, planned["all"], planned["pruned"])
			// --explain shows the query the source runs: the columns kept,
			// around the dataset's own SELECT.
			q := map[string]string{"postgres": `SELECT s."id", s."name", s."born", s."province" FROM (`,
				"mariadb": "SELECT dq_s.`id`, dq_s.`name`, dq_s.`born`, dq_s.`province` FROM ("}[server]
			require.Contains(t, stmts["pruned"], q)
			require.Contains(t, stmts["pruned"], "note <> 'q'")
			require.NotContains(t, stmts["all"], "dq_s")
			require.NotContains(t, stmts["all"], " s.")
			// --explain prints it, reading no row.
			var b strings.Builder
			require.NoError(t, Explain(context.Background(), p, &b, nil))
			require.Contains(t, b.String(), "-- streamed through Arrow from source db, which runs:\n")
			require.Contains(t, b.String(), q)
		})
	}
}

func TestExtractPrunesFileAndAPIColumns(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,born,province,note,extra\n1,An,1990-01-02,01,x,y\n2,,1985-03-04,79,z,w\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.csv"), []byte(csv), 0o600))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode([]map[string]any{
			{"id": 1, "name": "An", "born": "1990-01-02", "province": "01", "note": "x", "extra": "y"},
			{"id": 2, "name": nil, "born": "1985-03-04", "province": "79", "note": "z", "extra": "w"},
		})
	}))
	defer api.Close()
	p := prepareYAML(t, `
  direct: {kind: file, root: `+dir+`}
  arrow: {kind: file, root: `+dir+`, mode: arrow}
  api: {kind: http, http: {base_url: "`+api.URL+`"}}
`, `
  - {id: direct, ministry: MPS, source: direct, path: p.csv, `+pruneChecks+`}
  - {id: arrow, ministry: MPS, source: arrow, path: p.csv, `+pruneChecks+`}
  - {id: arrow_where, ministry: MPS, source: arrow, path: p.csv, where: "note <> 'q'", `+pruneChecks+`}
  - {id: api, ministry: MPS, source: api, http: {path: people}, `+pruneChecks+`}
  - {id: api_all, ministry: MPS, source: api, http: {path: people}, checks: [{id: s, kind: sql_metric, sql: "COUNT(*)", min: 0}]}
`, nil)
	cols, planned, stmts := extracted(t, p)
	pruned := []string{"id", "name", "born", "province"}
	require.Len(t, planned["direct"], 6)
	require.Equal(t, planned["direct"], planned["arrow"])
	require.Equal(t, planned["direct"], planned["arrow_where"])
	require.Len(t, planned["api_all"], 6)
	require.Equal(t, planned["api_all"], planned["api"])
	require.Equal(t, map[string][]string{
		"direct": pruned, "arrow": pruned, "arrow_where": pruned,
		// in the order of the schema inferred from the API's records
		"api":     {"born", "id", "name", "province"},
		"api_all": {"born", "extra", "id", "name", "note", "province"},
	}, cols)
	// The relation DuckDB reads, with the columns it keeps, also in
	// --explain.
	require.True(t, strings.HasPrefix(stmts["direct"], `CREATE OR REPLACE TABLE "ds0_direct" AS SELECT "id", "name", "born", "province" FROM read_csv(`), stmts["direct"])
	var b strings.Builder
	require.NoError(t, Explain(context.Background(), p, &b, nil))
	require.Contains(t, b.String(), `CREATE OR REPLACE VIEW "ds0_direct" AS SELECT "id", "name", "born", "province" FROM read_csv(`)
}

// The demo's checks of every kind whose columns the config names give the
// same results, to the last example, whether a dataset's other columns
// are extracted or not: a kind naming its columns (checks.ColumnsOf) that read a column its
// config does not name would fail here with "column not found".
func TestPrunedDemoMatchesFull(t *testing.T) {
	asOf := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	data := t.TempDir()
	_, err := demo.Generate(data, demo.Options{Rows: 3000, Seed: 5, AsOf: asOf})
	require.NoError(t, err)
	raw, err := os.ReadFile("../configs/demo.yaml")
	require.NoError(t, err)
	s := strings.Replace(string(raw), "root: ../testdata/demo", "root: "+data, 1)
	s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
	s = strings.Replace(s, "threads: 0,", "threads: 1,", 1)
	s = strings.Replace(s, "output: {dir: ../out/scorecards}", "output: {dir: "+t.TempDir()+"}", 1)
	cfg, err := config.Parse("demo.yaml", []byte(s), nil)
	require.NoError(t, err)
	cfg.History.Off = true
	kinds := map[string]bool{}
	for i := range cfg.Datasets {
		ds := &cfg.Datasets[i]
		var kept []config.Check
		for _, c := range ds.Checks {
			// reachable measures the load, which pruning speeds up.
			if _, ok := checks.ColumnsOf(&c); ok && c.Kind != "reachable" {
				kept = append(kept, c)
				kinds[c.Kind] = true
			}
		}
		ds.Checks = kept
	}
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	pruned := 0
	for i := range cfg.Datasets {
		if neededColumns(p, &cfg.Datasets[i]) != nil {
			pruned++
		}
	}
	require.Equal(t, len(cfg.Datasets), pruned, "every dataset reads fewer columns")
	require.GreaterOrEqual(t, len(kinds), 8, "kinds exercised: %v", kinds)

	now := func() time.Time { return asOf.Add(time.Hour) }
	results := func(o Options) string {
		o.RunID, o.Now = "same", now
		out, err := Run(context.Background(), p, o)
		require.NoError(t, err)
		var b strings.Builder
		for _, c := range out.Cards {
			for _, d := range c.Datasets {
				d.DurationMS = 0
				require.Empty(t, d.Error, d.ID)
				for _, ch := range d.Checks {
					require.NotEqual(t, "error", ch.Status, "%s %s: %s", d.ID, ch.ID, ch.Message)
				}
				j, err := json.MarshalIndent(d, "", " ")
				require.NoError(t, err)
				b.Write(j)
			}
		}
		return b.String()
	}
	full := results(Options{readAll: true})
	require.Contains(t, full, `"failed"`) // the planted defects are found
	if line, w, g, differ := firstDifference(full, results(Options{})); differ {
		t.Fatalf("pruned run differs at line %d:\nfull:   %s\npruned: %s", line, w, g)
	}
}
