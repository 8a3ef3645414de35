//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/scorecard"
)

// A CSV rewritten in place, again and again, while dq reads it: the
// dataset is error naming the file, never scored on rows of two versions.
func TestFileRewrittenDuringTheRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	version := func(rows int, tag string) []byte {
		var b strings.Builder
		b.WriteString("id,name\n")
		for i := 0; i < rows; i++ {
			fmt.Fprintf(&b, "%d,%s %d\n", i, tag, i)
		}
		return []byte(b.String())
	}
	a, b := version(400_000, "first"), version(150_000, "second")
	path := filepath.Join(dir, "people.csv")
	require.NoError(t, os.WriteFile(path, a, 0o644))
	for _, mode := range []string{"direct", "arrow"} {
		t.Run(mode, func(t *testing.T) {
			cfg := filepath.Join(dir, mode+".yaml")
			require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out-"+mode)+`}
ministries: [{id: M, name: M}]
sources: {files: {kind: file, root: `+dir+`, mode: `+mode+`}}
datasets:
  - {id: people, ministry: M, source: files, path: people.csv, checks: [{id: n, kind: not_null, column: name}]}
`), 0o644))
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // rewrite in place (same file, never empty) until dq is done
				defer wg.Done()
				f, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				defer f.Close()
				for i := 0; ctx.Err() == nil; i++ {
					v := a
					if i%2 == 1 {
						v = b
					}
					_, _ = f.WriteAt(v, 0)
					_ = f.Truncate(int64(len(v)))
					time.Sleep(2 * time.Millisecond)
				}
			}()
			r := runDQ(t, bin, "run", "--config", cfg)
			stop()
			wg.Wait()
			require.Equal(t, 3, r.code, r.stderr)
			_, cards := readCards(t, filepath.Join(dir, "out-"+mode, "latest"))
			ds := cards["M"].Datasets[0]
			require.Equal(t, scorecard.Error, ds.Status)
			require.Contains(t, ds.Error, "people.csv: the file changed while it was read")
			require.Nil(t, ds.Score)
		})
	}
}

// Hostile configs against the real PostgreSQL: dq validate refuses a
// second statement before connecting; a single statement that would
// write fails its dataset and writes nothing.
func TestHostileConfigsOnPostgresEndToEnd(t *testing.T) {
	if testing.Short() || os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("needs the binary and the local PostgreSQL")
	}
	bin := dqBinary(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:5432/test")
	require.NoError(t, err)
	schema := fmt.Sprintf("dq_hostile_%d", time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema+"; CREATE TABLE "+schema+".people (id int, name text); INSERT INTO "+schema+".people VALUES (1, 'An'), (2, 'Bình'); CREATE SEQUENCE "+schema+".s")
	require.NoError(t, err)
	defer func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	}()
	dir := t.TempDir()
	write := func(where string) string {
		cfg := filepath.Join(dir, "dq.yaml")
		require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
ministries: [{id: M, name: M}]
sources: {pg: {kind: postgres, dsn: "postgres://postgres@127.0.0.1:5432/test", statement_timeout: 20s}}
datasets:
  - id: people
    ministry: M
    source: pg
    table: `+schema+`.people
    where: "`+where+`"
    checks: [{id: n, kind: not_null, column: name}]
`), 0o644))
		return cfg
	}
	r := runDQ(t, bin, "validate", "--config", write("id > 0; DELETE FROM "+schema+".people"))
	require.Equal(t, 2, r.code, r.stderr)
	require.Contains(t, r.stderr, "where")

	var objects int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT COUNT(*) FROM pg_largeobject_metadata").Scan(&objects))
	// A write that read-only mode lets through (lo_create) is rolled back.
	r = runDQ(t, bin, "run", "--config", write("id IN (SELECT 1 FROM (SELECT lo_create(0)) x)"))
	require.Equal(t, 0, r.code, r.stderr)
	var after int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT COUNT(*) FROM pg_largeobject_metadata").Scan(&after))
	require.Equal(t, objects, after, "no large object is left behind")
	for _, where := range []string{
		"nextval('" + schema + ".s') > 0",
		"set_config('transaction_read_only', 'off', true) IS NOT NULL AND id > 0",
	} {
		r = runDQ(t, bin, "run", "--config", write(where))
		require.Equal(t, 3, r.code, "%s: %s", where, r.stderr)
		_, cards := readCards(t, filepath.Join(dir, "out", "latest"))
		require.Equal(t, scorecard.Error, cards["M"].Datasets[0].Status, where)
	}
	var n, last int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT COUNT(*) FROM "+schema+".people").Scan(&n))
	require.NoError(t, conn.QueryRow(ctx, "SELECT last_value FROM "+schema+".s").Scan(&last))
	require.Equal(t, int64(2), n)
	var called bool
	require.NoError(t, conn.QueryRow(ctx, "SELECT is_called FROM "+schema+".s").Scan(&called))
	require.False(t, called, "the sequence was never advanced")
}
