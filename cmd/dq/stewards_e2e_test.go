//go:build duckdb_arrow

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors/connectortest"
	"github.com/vn-registries/dq/scorecard"
)

// runDQEnv is runDQ with variables added to the environment, in dir.
func runDQEnv(t *testing.T, bin, dir string, env []string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return runResult{code, out.String(), errb.String()}
}

// stewardData generates a small demo into dir/data.
func stewardData(t *testing.T, bin, dir string) string {
	t.Helper()
	data := filepath.Join(dir, "data")
	r := runDQ(t, bin, "demo", "generate", "--rows", "3000", "--seed", "5", "--dir", data)
	require.Equal(t, 0, r.code, r.stderr)
	return data
}

// A steward with a file and no config, through the built binary: dq
// check prints a table and exits as dq run does, its JSON is the
// scorecard's check objects; dq profile shows the columns, and its
// suggested config is valid, runs, and passes on the data it came from;
// dq import and dq run --contract run another tool's contract; the
// mistakes a steward makes are answered in words. In a pipe, no progress
// is drawn.
func TestStewardOnFilesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	data := stewardData(t, bin, dir)
	citizens := filepath.Join(data, "citizens.parquet")

	r := runDQ(t, bin, "check", citizens, "--key", "cccd",
		"--check", "not_null(cccd)", "--check", "unique(cccd)", "--check", "format(cccd, validator=cccd)",
		"--check", "in_set(gender, values=[M, F])", "--check", "row_count(min=1000)")
	require.Equal(t, 1, r.code, r.stderr)
	require.Regexp(t, `(?m)^unique_cccd\s+fail\s+\d+/\d+\s+\d+\.\d+%`, r.stdout)
	require.Regexp(t, `(?m)^not_null_cccd\s+pass\s+0/`, r.stdout)
	require.Regexp(t, `(?m)^row_count\s+pass\s+-\s+\d+ rows`, r.stdout)
	require.NotContains(t, r.stderr, "level=INFO", "a steward's command logs warnings only")
	require.NotContains(t, r.stderr, "\r", "no progress in a pipe")

	r = runDQ(t, bin, "check", citizens, "--check", "unique(cccd)", "--format", "json", "--sample", "50%", "--key", "cccd")
	require.Equal(t, 1, r.code, r.stderr)
	var checks []scorecard.Check
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &checks))
	require.Len(t, checks, 1)
	require.Equal(t, scorecard.Fail, checks[0].Status)
	require.Len(t, checks[0].Interval95, 2, "a sample's pass rate has its interval")
	require.Regexp(t, `^\d{4}\*+\d{4}$`, checks[0].Examples[0].Value, "examples masked")

	r = runDQ(t, bin, "check", citizens, "--check", "not_nul(cccd)", "--check", "regex(cccd, pattern='^[0-9{12}$')")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `unknown check kind "not_nul"; did you mean not_null?`)
	require.Contains(t, r.stderr, `missing closing ] at character 2`)

	r = runDQ(t, bin, "profile", filepath.Join(data, "students.csv"))
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `(?m)^cccd\s+VARCHAR\s+1\.0%.*cccd 100\.0%`, r.stdout)
	require.Regexp(t, `(?m)^birth_date\s+VARCHAR.*DDDD-DD-DD.*date_text`, r.stdout)
	r = runDQ(t, bin, "profile", citizens, "--format", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var prof struct {
		Rows    int64
		Columns []struct {
			Name     string
			Personal bool
			Top      []struct{ Value string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &prof))
	require.Greater(t, prof.Rows, int64(3000))
	for _, c := range prof.Columns {
		if c.Name == "full_name" {
			require.True(t, c.Personal)
			require.Regexp(t, `^([A-ZĐ]\. ?)+$`, c.Top[0].Value, "names as initials")
		}
	}

	r = runDQ(t, bin, "profile", citizens, "--suggest")
	require.Equal(t, 0, r.code, r.stderr)
	suggested := filepath.Join(dir, "configs", "citizens.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(suggested), 0o755))
	require.NoError(t, os.WriteFile(suggested, []byte(r.stdout), 0o644))
	r = runDQ(t, bin, "validate", "--config", suggested)
	require.Equal(t, 0, r.code, r.stderr)
	r = runDQ(t, bin, "run", "--config", suggested, "-o", filepath.Join(dir, "out"))
	require.Equal(t, 0, r.code, "the suggestion passes on the data it came from:\n%s\n%s", r.stdout, r.stderr)
	r = runDQ(t, bin, "check", citizens, "--checks", suggested)
	require.Equal(t, 0, r.code, r.stderr)

	contract := filepath.Join("..", "..", "contract", "testdata", "soda_enterprises.yaml")
	r = runDQ(t, bin, "import", contract)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "kind: unique, column: mst")
	require.Contains(t, r.stderr, "7 rules not mapped")
	imported := filepath.Join(dir, "enterprises.yaml")
	require.NoError(t, os.WriteFile(imported, []byte(r.stdout), 0o644))
	r = runDQ(t, bin, "check", filepath.Join(data, "enterprises.parquet"), "--checks", imported)
	require.Equal(t, 1, r.code, r.stderr)
	require.Regexp(t, `(?m)^mst_unique\s+fail`, r.stdout)
	r = runDQ(t, bin, "run", "--contract", contract, "--source", filepath.Join(data, "enterprises.parquet"), "-o", filepath.Join(dir, "contract-out"))
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "LOCAL/enterprises/mst_unique: fail")
	require.Contains(t, r.stderr, "not mapped: enterprises: checks[4]: metric")

	r = runDQ(t, bin, "run", citizens)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "dq check "+citizens)
	r = runDQ(t, bin, "run", "--config", filepath.Join(data, "students.csv"))
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "this is a data file (CSV), not a dq config")
}

// Progress is drawn when stderr is a terminal (a pseudo-terminal made by
// script(1)), and not with --quiet.
func TestProgressInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) from util-linux makes the pseudo-terminal")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	data := stewardData(t, bin, dir)
	run := func(extra string) string {
		cmd := exec.Command(script, "-qefc", bin+" check "+filepath.Join(data, "citizens.parquet")+" --check 'not_null(cccd)' "+extra, "/dev/null")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	out := run("")
	require.Contains(t, out, "\rdq: 0/1 datasets done · citizens")
	require.Contains(t, out, "\rdq: 1/1 datasets done")
	require.Contains(t, out, "not_null_cccd")
	require.NotContains(t, run("--quiet"), "datasets done")
}

// dq check and dq profile on the real PostgreSQL and MariaDB servers,
// through the binary: the demo registries loaded by dq demo load, checked
// by URL and table; the suggested config names the server by a variable
// and runs.
func TestStewardOnDatabasesIntegration(t *testing.T) {
	if testing.Short() || os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("needs the binary and the local PostgreSQL and MariaDB")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	data := stewardData(t, bin, dir)
	ctx := context.Background()
	name := fmt.Sprintf("dq_steward_%d", time.Now().UnixNano())

	pg, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:5432/test")
	require.NoError(t, err)
	_, err = pg.Exec(ctx, "CREATE SCHEMA "+name)
	require.NoError(t, err)
	defer func() {
		_, _ = pg.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE")
		pg.Close(context.Background())
	}()
	my, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/test")
	require.NoError(t, err)
	_, err = my.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4")
	require.NoError(t, err)
	defer func() {
		_, _ = my.ExecContext(context.Background(), "DROP DATABASE "+name)
		my.Close()
	}()

	for _, tc := range []struct{ server, url, prefix, table, env string }{
		{"postgres", "postgres://postgres@127.0.0.1:5432/test", name + ".", name + ".citizens", "DQ_POSTGRES_DSN"},
		{"mariadb", "mysql://root@127.0.0.1:3306/" + name, "", "citizens", "DQ_MYSQL_DSN"},
	} {
		t.Run(tc.server, func(t *testing.T) {
			args := []string{"demo", "load", "--target", tc.url, "--dir", data}
			if tc.prefix != "" {
				args = append(args, "--prefix", tc.prefix)
			}
			r := runDQ(t, bin, args...)
			require.Equal(t, 0, r.code, r.stderr)

			r = runDQ(t, bin, "check", tc.url, tc.table, "--key", "cccd",
				"--check", "unique(cccd)", "--check", "format(cccd, validator=cccd)", "--check", "not_null(full_name)")
			require.Equal(t, 1, r.code, r.stderr)
			require.Regexp(t, `(?m)^unique_cccd\s+fail\s+\d+/\d+`, r.stdout)
			require.Regexp(t, `(?m)^format_cccd\s+fail`, r.stdout)

			r = runDQ(t, bin, "profile", tc.url, tc.table)
			require.Equal(t, 0, r.code, r.stderr)
			require.Regexp(t, `(?m)^commune_code\s.*admin_unit 100\.0%`, r.stdout)

			r = runDQ(t, bin, "profile", tc.url, tc.table, "--suggest")
			require.Equal(t, 0, r.code, r.stderr)
			require.NotContains(t, r.stdout, "postgres@", "the address is a variable, not in the file")
			require.Contains(t, r.stdout, "${"+tc.env+"}")
			cfg := filepath.Join(dir, tc.server+".yaml")
			require.NoError(t, os.WriteFile(cfg, []byte(r.stdout), 0o644))
			r = runDQEnv(t, bin, dir, []string{tc.env + "=" + tc.url}, "run", "--config", cfg, "-o", filepath.Join(dir, "out-"+tc.server))
			require.Equal(t, 0, r.code, "%s\n%s", r.stdout, r.stderr)
			require.True(t, strings.Contains(r.stdout, "LOCAL"), r.stdout)
		})
	}
}

// The same on the ClickHouse test cluster: dq check and dq profile read a
// clickhouse:// URL (the form dq demo load takes) through one server's
// Distributed table, and the suggested config names the server as a
// variable and runs.
func TestStewardOnClickHouseIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the binary")
	}
	urls := connectortest.ClickHouseURLs(t)
	bin := dqBinary(t)
	dir := t.TempDir()
	data := stewardData(t, bin, dir)
	prefix := fmt.Sprintf("dq_steward_%d_", time.Now().UnixNano())
	hosts := strings.TrimPrefix(urls[0], "http://") + "," + strings.TrimPrefix(urls[1], "http://")
	t.Cleanup(func() {
		for _, u := range urls {
			for _, name := range []string{"citizens", "residence", "insurance", "land_parcels", "students", "health_cards", "enterprises", "deaths"} {
				connectortest.ClickHouseExec(t, u, "DROP TABLE IF EXISTS default."+prefix+name, "DROP TABLE IF EXISTS default."+prefix+name+"_local")
			}
		}
	})
	r := runDQ(t, bin, "demo", "load", "--target", "clickhouse://"+hosts+"/default", "--prefix", "default."+prefix, "--dir", data)
	require.Equal(t, 0, r.code, r.stderr)

	// Any server of the cluster answers for the Distributed table; the
	// URL with both, as loaded, reads through the first.
	for _, url := range []string{"clickhouse://" + hosts + "/default", "clickhouse://" + strings.TrimPrefix(urls[1], "http://")} {
		r = runDQ(t, bin, "check", url, prefix+"citizens", "--key", "cccd",
			"--check", "unique(cccd)", "--check", "format(cccd, validator=cccd)", "--check", "not_null(full_name)", "--check", "row_count(min=1)")
		require.Equal(t, 1, r.code, r.stderr)
		require.Regexp(t, `(?m)^unique_cccd\s+fail\s+\d+/\d+`, r.stdout)
		require.Regexp(t, `(?m)^format_cccd\s+fail`, r.stdout)
		require.Regexp(t, `(?m)^row_count\s+pass`, r.stdout)
	}
	r = runDQ(t, bin, "check", "clickhouse:///default", prefix+"citizens", "--check", "unique(cccd)")
	require.Equal(t, 2, r.code, r.stdout)
	require.Contains(t, r.stderr, "want clickhouse://[user[:password]@]host:port[/database]")
	r = runDQ(t, bin, "check", "clickhouse://"+hosts+"/default", "--check", "unique(cccd)")
	require.Equal(t, 2, r.code, r.stdout)
	require.Contains(t, r.stderr, "is a clickhouse source: name the table to read after it")

	r = runDQ(t, bin, "profile", "clickhouse://"+hosts+"/default", prefix+"citizens")
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `(?m)^commune_code\s.*admin_unit 100\.0%`, r.stdout)

	r = runDQ(t, bin, "profile", "clickhouse://"+hosts+"/default", prefix+"citizens", "--suggest")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, `{kind: clickhouse, url: "${DQ_CLICKHOUSE_URL}", database: default}`)
	cfg := filepath.Join(dir, "clickhouse.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(r.stdout), 0o644))
	r = runDQEnv(t, bin, dir, []string{"DQ_CLICKHOUSE_URL=" + urls[0]}, "run", "--config", cfg, "-o", filepath.Join(dir, "out-clickhouse"))
	require.Equal(t, 0, r.code, "%s\n%s", r.stdout, r.stderr)
}
