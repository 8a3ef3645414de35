package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// Each testdata/bad/*.bad.yaml starts with "# want: <text>", a part of the
// error it must produce; every one is a configuration error (exit code 2).
func TestBadConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.bad.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			first, _, _ := strings.Cut(string(raw), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			require.True(t, ok, "first line must be # want: ...")
			cfg, err := config.Load(path, nil)
			if err == nil {
				_, err = Prepare(cfg, nil)
			}
			require.Error(t, err)
			require.True(t, errors.Is(err, config.ErrInvalid), "a config error, so exit code 2: %v", err)
			require.Contains(t, err.Error(), want)
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	_, err := config.Load("testdata/bad/refs.bad.yaml", nil)
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, `ministry "MOX" is not defined`)
	require.Contains(t, msg, `source "nowhere" is not defined`)
	require.Contains(t, msg, "mostly: must be a share between 0 and 1, got 1.5")
}

// Each connector checks its own settings, and dq validate still lists
// every problem at once, in file order, each with file, line and field:
// a dataset's too when its source's settings are wrong.
func TestConnectorProblemsAtOnce(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(`
ministries: [{id: MPS, name: Public Security}]
sources:
  pop: {kind: postgres, dsn: "postgres://x@127.0.0.1/db", statement_timeout: soon}
  api:
    kind: http
    http: {base_url: "http://127.0.0.1:9/", timeout: 5}
  files: {kind: file, root: data, mode: stream}
  more: {kind: file, root: data}
datasets:
  - {id: a, ministry: MPS, source: api, http: {pagination: sideways}, checks: [{id: x, kind: not_null, column: c}]}
  - {id: b, ministry: MPS, source: files, path: b.xlsx, format: xlsx, checks: [{id: x, kind: not_nul, column: c}]}
  - {id: c, ministry: MPS, source: more, path: c.csv, format: jsonl, checks: [{id: x, kind: not_null, column: c}]}
`), nil)
	require.NoError(t, err)
	_, err = Prepare(cfg, nil)
	require.Equal(t, `c.yaml:4: sources.pop.statement_timeout: "soon" is not a duration such as 5m or 30s
c.yaml:7: sources.api.http.timeout: "5" is not a duration such as 30s or 2m
c.yaml:8: sources.files.mode: unknown mode "stream" (direct, arrow)
c.yaml:11: dataset a.http: unknown pagination "sideways" (page, offset, cursor, link, none)
c.yaml:12: dataset b.format: unknown format "xlsx" (csv, parquet, json, jsonl, ndjson)
c.yaml:12: dataset b: check x.kind: unknown check kind "not_nul"`, firstLines(err.Error()))
	require.True(t, errors.Is(err, config.ErrInvalid))
	require.True(t, errors.Is(err, connectors.ErrConfig))
}

// firstLines drops the list of known kinds after the unknown kind.
func firstLines(msg string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if j := strings.Index(l, ` (known: `); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return strings.Join(lines, "\n")
}

func TestDemoConfigIsValid(t *testing.T) {
	cfg, err := config.Load("../configs/demo.yaml", nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	n := 0
	for _, c := range p.Checks {
		n += len(c)
	}
	require.Equal(t, 7, len(cfg.Ministries))
	require.GreaterOrEqual(t, n, 35)
}

func TestEnvironmentOverrides(t *testing.T) {
	t.Setenv("DQ_OUTPUT_DIR", "/tmp/elsewhere")
	t.Setenv("DQ_ENGINE_WORKERS", "3")
	cfg, err := config.Load("../configs/demo.yaml", config.NewViper())
	require.NoError(t, err)
	require.Equal(t, "/tmp/elsewhere", cfg.Output.Dir)
	require.Equal(t, 3, cfg.Engine.Workers)
}

// The database demos check exactly what the file demo checks.
func TestDatabaseDemoConfigsMirrorTheFileDemo(t *testing.T) {
	t.Setenv("DQ_DEMO_PG_DSN", "postgres://x@127.0.0.1/test")
	t.Setenv("DQ_DEMO_MYSQL_DSN", "mysql://x@127.0.0.1/test")
	files, err := config.Load("../configs/demo.yaml", nil)
	require.NoError(t, err)
	for _, name := range []string{"../configs/demo-postgres.yaml", "../configs/demo-mysql.yaml"} {
		db, err := config.Load(name, nil)
		require.NoError(t, err, name)
		_, err = Prepare(db, nil)
		require.NoError(t, err, name)
		require.Equal(t, len(files.Datasets), len(db.Datasets), name)
		for i, ds := range files.Datasets {
			other := db.Datasets[i]
			require.Equal(t, ds.ID, other.ID)
			require.Equal(t, strings.TrimSuffix(ds.Path, filepath.Ext(ds.Path)), other.Table, "%s: %s", name, ds.ID)
			require.Equal(t, len(ds.Checks), len(other.Checks), "%s: %s", name, ds.ID)
			for j := range ds.Checks {
				require.Equal(t, ds.Checks[j].ID, other.Checks[j].ID)
				require.Equal(t, ds.Checks[j].Kind, other.Checks[j].Kind)
			}
		}
	}
}
