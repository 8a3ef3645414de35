//go:build duckdb_arrow

package load_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/demo/load"
	"github.com/vn-registries/dq/pipeline"
	"github.com/vn-registries/dq/scorecard"
)

const (
	pgURL    = "postgres://postgres@127.0.0.1:5432/test"
	mysqlURL = "mysql://root@127.0.0.1:3306/test"
)

func skipWithoutDB(t *testing.T) {
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
}

// runConfig runs a demo config, rewritten by edit, and returns every check
// result by dataset/check id.
func runConfig(t testing.TB, path string, edit func(string) string) map[string]*scorecard.Check {
	return runConfigWith(t, path, edit, nil)
}

// runConfigWith is runConfig with the parsed config changed by mod.
func runConfigWith(t testing.TB, path string, edit func(string) string, mod func(*config.Config)) map[string]*scorecard.Check {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	cfg, err := config.Parse(path, []byte(edit(string(raw))), nil)
	require.NoError(t, err)
	if mod != nil {
		mod(cfg)
	}
	p, err := pipeline.Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := pipeline.Run(context.Background(), p, pipeline.Options{})
	require.NoError(t, err)
	m := map[string]*scorecard.Check{}
	for _, c := range out.Cards {
		for _, d := range c.Datasets {
			require.Empty(t, d.Error, d.ID)
			for _, ch := range d.Checks {
				m[d.ID+"/"+ch.ID] = ch
			}
		}
	}
	return m
}

var tableRef = regexp.MustCompile(`table: (\w+)`)

// The same demo, loaded into PostgreSQL and MariaDB, gives the same
// numbers as the files.
func TestDatabaseDemosMatchFilesIntegration(t *testing.T) {
	skipWithoutDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	_, err := demo.Generate(dir, demo.Options{Rows: 3000, Seed: 5, AsOf: time.Now().UTC().Truncate(time.Hour)})
	require.NoError(t, err)
	files := runConfig(t, "../../configs/demo.yaml", func(s string) string {
		s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
		return strings.Replace(s, "root: ../testdata/demo", "root: "+dir, 1)
	})
	name := fmt.Sprintf("dq_demo_%d", rand.Uint32())

	// PostgreSQL: a schema of our own.
	pg, err := pgx.Connect(ctx, pgURL)
	require.NoError(t, err)
	// Cleanups run last first: the drop below, then this close.
	t.Cleanup(func() { pg.Close(context.Background()) })
	_, err = pg.Exec(ctx, "CREATE SCHEMA "+name)
	require.NoError(t, err)
	t.Cleanup(func() { pg.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE") })
	n, err := load.Load(ctx, dir, pgURL, name+".")
	require.NoError(t, err)
	require.Len(t, n, 8)
	t.Setenv("DQ_DEMO_PG_DSN", pgURL)
	fromPG := runConfig(t, "../../configs/demo-postgres.yaml", func(s string) string {
		return tableRef.ReplaceAllString(s, "table: "+name+".$1")
	})

	// MariaDB: a database of our own.
	my, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/test")
	require.NoError(t, err)
	t.Cleanup(func() { my.Close() })
	_, err = my.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4")
	require.NoError(t, err)
	t.Cleanup(func() { my.ExecContext(context.Background(), "DROP DATABASE "+name) })
	_, err = load.Load(ctx, dir, mysqlURL, name+".")
	require.NoError(t, err)
	t.Setenv("DQ_DEMO_MYSQL_DSN", mysqlURL)
	fromMySQL := runConfig(t, "../../configs/demo-mysql.yaml", func(s string) string {
		return tableRef.ReplaceAllString(s, "table: "+name+".$1")
	})

	// Mixed: the population in PostgreSQL, insurance in MariaDB, the rest
	// in files; each is extracted once and the cross-registry joins run in
	// the engine.
	mixed := runConfig(t, "../../configs/demo.yaml", func(s string) string {
		s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
		s = strings.Replace(s, "  demo: {kind: file, root: ../testdata/demo}",
			"  demo: {kind: file, root: "+dir+"}\n  pg: {kind: postgres, dsn: \"${DQ_DEMO_PG_DSN}\"}\n  my: {kind: mysql, dsn: \"${DQ_DEMO_MYSQL_DSN}\"}", 1)
		s = strings.Replace(s, "    source: demo\n    path: citizens.parquet", "    source: pg\n    table: "+name+".citizens", 1)
		return strings.Replace(s, "    source: demo\n    path: insurance.parquet", "    source: my\n    table: "+name+".insurance", 1)
	})

	// engine: source: the same checks compiled into each server's SQL and
	// run there. Joins stay in the embedded engine, so those checks are
	// left out; normalize: is DuckDB's alone and is reported as error.
	inSource := func(cfg *config.Config) {
		for i := range cfg.Datasets {
			ds := &cfg.Datasets[i]
			ds.Engine = config.EngineSource
			kept := ds.Checks[:0]
			for _, c := range ds.Checks {
				switch c.Kind {
				case "references", "agrees", "coverage", "status_sync", "consistent":
				default:
					kept = append(kept, c)
				}
			}
			ds.Checks = kept
		}
	}
	pgInSource := runConfigWith(t, "../../configs/demo-postgres.yaml", func(s string) string {
		return tableRef.ReplaceAllString(s, "table: "+name+".$1")
	}, inSource)
	myInSource := runConfigWith(t, "../../configs/demo-mysql.yaml", func(s string) string {
		return tableRef.ReplaceAllString(s, "table: "+name+".$1")
	}, inSource)
	for engine, got := range map[string]map[string]*scorecard.Check{"postgres in source": pgInSource, "mysql in source": myInSource} {
		compared := 0
		for id, want := range files {
			c, ok := got[id]
			switch {
			case !ok:
				require.Contains(t, []string{"references", "agrees", "coverage", "status_sync", "consistent"}, want.Kind, "%s: %s missing", engine, id)
				continue
			case id == "population.citizens/person_unique_normalized":
				require.Equal(t, scorecard.Error, c.Status, engine)
				require.Contains(t, c.Message, "normalize: is implemented for DuckDB only", engine)
				continue
			}
			compared++
			require.Equal(t, want.Status, c.Status, "%s %s: %s / %s", engine, id, want.Message, c.Message)
			require.Equal(t, want.Rows, c.Rows, "%s %s", engine, id)
			require.Equal(t, want.Evaluated, c.Evaluated, "%s %s", engine, id)
			require.Equal(t, want.Failed, c.Failed, "%s %s", engine, id)
			if want.Unit == "rows" || want.Kind == "schema" {
				require.Equal(t, want.Value, c.Value, "%s %s", engine, id)
			}
		}
		require.Greater(t, compared, 40, engine)
	}

	for engine, got := range map[string]map[string]*scorecard.Check{"postgres": fromPG, "mysql": fromMySQL, "mixed": mixed} {
		require.Len(t, got, len(files), engine)
		for id, want := range files {
			c := got[id]
			require.NotNil(t, c, "%s: %s", engine, id)
			require.Equal(t, want.Status, c.Status, "%s %s: %s / %s", engine, id, want.Message, c.Message)
			require.Equal(t, want.Rows, c.Rows, "%s %s", engine, id)
			require.Equal(t, want.Evaluated, c.Evaluated, "%s %s", engine, id)
			require.Equal(t, want.Failed, c.Failed, "%s %s", engine, id)
			if want.Unit == "rows" {
				require.Equal(t, want.Value, c.Value, "%s %s", engine, id)
			}
		}
	}
}
