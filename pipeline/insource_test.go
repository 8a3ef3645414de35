//go:build duckdb_arrow

package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/scorecard"
)

// inSourceServer is a loopback server engine: source is tested on: a
// database/sql handle to set up tables, and the dq source for them.
type inSourceServer struct {
	db     *sql.DB
	source string
	table  string // qualified name of the test's table "events"
}

// inSourceServers are PostgreSQL and MariaDB, each with a schema of the
// test's own, dropped when it ends.
func inSourceServers(t *testing.T) map[string]inSourceServer {
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	ctx := context.Background()
	name := fmt.Sprintf("dq_insrc_%d", rand.Uint32())
	out := map[string]inSourceServer{}

	pg, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	require.NoError(t, err)
	t.Cleanup(func() { pg.Close() })
	_, err = pg.ExecContext(ctx, "CREATE SCHEMA "+name)
	require.NoError(t, err, "PostgreSQL must answer on 127.0.0.1:5432 (DQ_SKIP_DB_TESTS=1 skips)")
	t.Cleanup(func() { pg.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE") })
	out["postgres"] = inSourceServer{pg, `{kind: postgres, dsn: "postgres://postgres@127.0.0.1:5432/test", read_only: true}`, name + ".events"}

	my, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/?parseTime=false")
	require.NoError(t, err)
	t.Cleanup(func() { my.Close() })
	_, err = my.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4")
	require.NoError(t, err, "MariaDB must answer on 127.0.0.1:3306 (DQ_SKIP_DB_TESTS=1 skips)")
	t.Cleanup(func() { my.ExecContext(context.Background(), "DROP DATABASE "+name) })
	out["mariadb"] = inSourceServer{my, `{kind: mysql, dsn: "mysql://root@127.0.0.1:3306/test", read_only: true}`, name + ".events"}
	return out
}

// eventsYAML is a config with one dataset, "events", on s's table, keyed
// by id; rest is the dataset's remaining lines (engine:, checks: ...).
func eventsYAML(t *testing.T, s inSourceServer, rest string) string {
	return `
output: {dir: ` + filepath.Join(t.TempDir(), "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {db: ` + s.source + `}
datasets:
  - id: events
    ministry: M
    source: db
    table: ` + s.table + `
    key: id
` + rest
}

// runYAML prepares and runs a config, publishing so that watermarks are
// kept as a scheduled run keeps them.
func runYAML(t *testing.T, cfgYAML string) *Outcome {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := Run(context.Background(), p, Options{})
	require.NoError(t, err)
	_, err = Publish(context.Background(), p, out, nil)
	require.NoError(t, err)
	return out
}

// engine: source reads only what changed since the last run, like an
// extract, with the watermark read inside the source.
func TestInSourceIncrementalIntegration(t *testing.T) {
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			ctx := context.Background()
			exec := func(q string) {
				_, err := s.db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			exec("CREATE TABLE " + s.table + " (id INTEGER, updated_at TIMESTAMP NULL)")
			exec("INSERT INTO " + s.table + " VALUES (1, '2026-11-01 10:00:00'), (2, '2026-11-02 10:00:00'), (3, '2026-11-03 10:00:00')")
			cfgYAML := eventsYAML(t, s, `    engine: source
    incremental: {column: updated_at}
    checks:
      - {id: volume, kind: row_count, min: 1}
`)
			rows := func(o *Outcome) int64 {
				d := o.Cards[0].Datasets[0]
				require.Empty(t, d.Error)
				return *d.RowsSampled
			}
			first := runYAML(t, cfgYAML)
			require.Equal(t, int64(3), rows(first), "first run reads everything")
			require.True(t, strings.HasPrefix(first.Watermarks["events"].Value, "2026-11-03 10:00:00"), first.Watermarks["events"].Value)

			exec("INSERT INTO " + s.table + " VALUES (4, '2026-11-04 09:00:00'), (5, '2026-11-05 09:00:00'), (6, '2026-10-01 00:00:00')")
			second := runYAML(t, cfgYAML)
			require.Equal(t, int64(2), rows(second), "only rows changed since the last run")
			require.True(t, strings.HasPrefix(second.Watermarks["events"].Value, "2026-11-05 09:00:00"), second.Watermarks["events"].Value)
		})
	}
}

// A hash sample with groups gives the same numbers in the source as in
// the embedded engine, with the NULL group last on every engine.
func TestInSourceSampledGroupsMatchExtractIntegration(t *testing.T) {
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			ctx := context.Background()
			_, err := s.db.ExecContext(ctx, "CREATE TABLE "+s.table+" (id INTEGER, code VARCHAR(10), province VARCHAR(3) NULL, updated_at TIMESTAMP NULL)")
			require.NoError(t, err)
			var vals []string
			for i := 1; i <= 3000; i++ {
				code := fmt.Sprintf("'%05d'", i%700)
				switch {
				case i%37 == 0:
					code = "NULL"
				case i%41 == 0:
					code = "'N/A'"
				case i%43 == 0:
					code = "'12x45'"
				}
				prov := fmt.Sprintf("'%02d'", i%5)
				if i%11 == 0 {
					prov = "NULL"
				}
				vals = append(vals, fmt.Sprintf("(%d, %s, %s, '2026-11-%02d 08:00:00')", i, code, prov, 1+i%20))
			}
			_, err = s.db.ExecContext(ctx, "INSERT INTO "+s.table+" VALUES "+strings.Join(vals, ", "))
			require.NoError(t, err)
			cfgYAML := func(engine string) string {
				return eventsYAML(t, s, `    engine: `+engine+`
    group_by: province
    sample: {method: hash, fraction: 0.4}
    checks:
      - {id: present, kind: not_null, column: code}
      - {id: shape, kind: regex, column: code, pattern: '^[0-9]{5}$'}
      - {id: unique_code, kind: unique, column: code}
      - {id: recent, kind: freshness, column: updated_at, max_age: 90d}
      - {id: volume, kind: row_count, min: 100}
`)
			}
			ext := runYAML(t, cfgYAML(config.EngineDuckDB)).Cards[0].Datasets[0]
			src := runYAML(t, cfgYAML(config.EngineSource)).Cards[0].Datasets[0]
			require.Empty(t, ext.Error)
			require.Empty(t, src.Error)
			require.Equal(t, *ext.RowsTotal, *src.RowsTotal)
			require.Equal(t, int64(3000), *src.RowsTotal)
			require.Equal(t, *ext.RowsSampled, *src.RowsSampled)
			require.Less(t, *src.RowsSampled, int64(1500), "a 40% sample")
			byID := func(d *scorecard.Dataset) map[string]*scorecard.Check {
				m := map[string]*scorecard.Check{}
				for _, c := range d.Checks {
					m[c.ID] = c
				}
				return m
			}
			want, got := byID(ext), byID(src)
			for id, w := range want {
				require.Equal(t, w.Status, got[id].Status, "%s: %s / %s", id, w.Message, got[id].Message)
				require.Equal(t, w.Evaluated, got[id].Evaluated, id)
				require.Equal(t, w.Failed, got[id].Failed, id)
				require.Equal(t, w.Interval95, got[id].Interval95, id)
				require.Equal(t, len(w.Examples), len(got[id].Examples), id)
			}
			require.Greater(t, *got["shape"].Failed, int64(0), "planted malformed codes are found")
			require.Len(t, src.Groups.Values, 6, "five provinces and NULL")
			require.Equal(t, "NULL", src.Groups.Values[5].Value, "NULL last")
			for i, g := range ext.Groups.Values {
				require.Equal(t, g.Value, src.Groups.Values[i].Value)
				require.Equal(t, g.Rows, src.Groups.Values[i].Rows, g.Value)
			}
		})
	}
}

// unique in the source skips the same rows as in the embedded engine,
// though PostgreSQL tests the keys once per group rather than once per
// row: missing in three forms (NULL, a token with spaces and another
// case, a blank), keys that differ only in case or a trailing space,
// partial keys, with each ignore_rows_if.
func TestInSourceUniqueMatchesExtractIntegration(t *testing.T) {
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			ctx := context.Background()
			_, err := s.db.ExecContext(ctx, "CREATE TABLE "+s.table+" (id INTEGER, a VARCHAR(10) NULL, b DATE NULL, c VARCHAR(10) NULL)")
			require.NoError(t, err)
			_, err = s.db.ExecContext(ctx, "INSERT INTO "+s.table+" VALUES "+
				"(1, 'X', '2000-01-01', 'p'), (2, 'X', '2000-01-01', 'p'), (3, 'x', '2000-01-01', 'p'), (4, 'X ', '2000-01-01', 'p'), "+
				"(5, NULL, NULL, NULL), (6, NULL, NULL, NULL), (7, 'N/A', NULL, ' '), (8, ' n/a ', NULL, ''), "+
				"(9, 'Y', NULL, NULL), (10, 'Y', NULL, NULL), (11, NULL, '2000-01-02', 'q'), (12, NULL, '2000-01-02', 'q'), "+
				"(13, 'Z', '2000-01-03', 'r')")
			require.NoError(t, err)
			type want struct{ evaluated, failed, keys, extra int64 }
			wants := map[string]want{
				"one":   {7, 4, 2, 2},   // X twice, Y twice; six rows without a
				"all":   {9, 6, 3, 3},   // (X,…), (Y,-,-), (-,2000-01-02,q)
				"any":   {5, 2, 1, 1},   // (X,2000-01-01,p) only
				"never": {13, 10, 4, 6}, // and the four rows missing everything
			}
			for _, engine := range []string{config.EngineDuckDB, config.EngineSource} {
				d := runYAML(t, eventsYAML(t, s, `    engine: `+engine+`
    checks:
      - {id: one, kind: unique, column: a}
      - {id: all, kind: unique, columns: [a, b, c]}
      - {id: any, kind: unique, columns: [a, b, c], ignore_rows_if: any_missing}
      - {id: never, kind: unique, columns: [a, b, c], ignore_rows_if: never}
`)).Cards[0].Datasets[0]
				require.Empty(t, d.Error, engine)
				for _, c := range d.Checks {
					w := wants[c.ID]
					got := want{*c.Evaluated, *c.Failed, toInt64(c.Details["duplicate_keys"]), toInt64(c.Details["extra_rows"])}
					require.Equal(t, w, got, "%s on %s: %s", c.ID, engine, c.Message)
				}
			}
		})
	}
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return -1
}

// length in the source counts characters, not bytes, though PostgreSQL
// answers from the byte count where it settles the bounds: values of 1
// to 5 characters of 1 to 4 bytes each, at and around every bound,
// strict and not, fractional, with and without a maximum.
func TestInSourceLengthMatchesExtractIntegration(t *testing.T) {
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			ctx := context.Background()
			_, err := s.db.ExecContext(ctx, "CREATE TABLE "+s.table+" (id INTEGER, v VARCHAR(40) NULL)")
			require.NoError(t, err)
			var vals []string
			id := 0
			for _, ch := range []string{"a", "é", "ễ", "😀"} { // 1, 2, 3 and 4 bytes
				for n := 1; n <= 5; n++ {
					id++
					vals = append(vals, fmt.Sprintf("(%d, '%s')", id, strings.Repeat(ch, n)))
				}
			}
			vals = append(vals, fmt.Sprintf("(%d, NULL)", id+1))
			_, err = s.db.ExecContext(ctx, "INSERT INTO "+s.table+" VALUES "+strings.Join(vals, ", "))
			require.NoError(t, err)
			checks := `    checks:
      - {id: b2_3, kind: length, column: v, min: 2, max: 3}
      - {id: s2_3, kind: length, column: v, min: 2, max: 3, strict_min: true}
      - {id: f1_4, kind: length, column: v, min: 1.5, max: 4.5}
      - {id: min1, kind: length, column: v, min: 1}
      - {id: max2, kind: length, column: v, max: 2, strict_max: true}
`
			want := map[string]int64{"b2_3": 12, "s2_3": 16, "f1_4": 8, "min1": 0, "max2": 16} // failed of 20
			for _, engine := range []string{config.EngineDuckDB, config.EngineSource} {
				d := runYAML(t, eventsYAML(t, s, "    engine: "+engine+"\n"+checks)).Cards[0].Datasets[0]
				require.Empty(t, d.Error, engine)
				for _, c := range d.Checks {
					require.Equal(t, int64(20), *c.Evaluated, "%s on %s", c.ID, engine)
					require.Equal(t, want[c.ID], *c.Failed, "%s on %s: %s", c.ID, engine, c.Message)
				}
			}
		})
	}
}
