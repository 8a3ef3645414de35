package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// Each testdata/bad/*.bad.yaml starts with "# want: <text>", a part of the
// error dq validate must report for it; every one is a configuration error
// (exit code 2).
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
			p, err := PrepareFile(path, nil, nil)
			require.Nil(t, p)
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

// config, the connectors, the check kinds, mask and sampling each
// validate their part of a file; dq validate lists every problem of every
// owner at once, in file order, each once.
func TestEveryOwnersProblemsAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`ministries: [{id: MPS, name: Public Security}]
sources:
  pop: {kind: postgres, dsn: "postgres://x@127.0.0.1/db", dsnn: typo}
  old: {dsn: "postgres://x@127.0.0.1/db"}
datasets:
  - id: a
    ministry: MPS
    source: pop
    table: t
    key: cccd
    mask: {name: initials, cccd: id, phone: secret}
    sample: {method: hash, fraction: 2}
    checks:
      - {id: x, kind: regex, column: c, patern: '^x$'}
      - {id: y, kind: not_null, column: c, mostly: 1.5}
      - {id: z, column: c}
      - {id: w, kind: not_null, column: c, dimension: whole}
  - {id: b, ministry: MOX, source: nowhere, table: t, checks: [{id: x, kind: not_nul, column: c}]}
`), 0o600))
	p, err := PrepareFile(path, nil, nil)
	require.Nil(t, p)
	require.True(t, errors.Is(err, config.ErrInvalid))
	require.True(t, errors.Is(err, connectors.ErrConfig))
	want := []string{
		`:3: sources.pop: unknown key "dsnn"; did you mean dsn? (allowed: kind, timezone, dsn, read_only, statement_timeout)`,
		`:4: sources.old: kind is missing (file, postgres, mysql, ...)`,
		`:6: dataset a.mask.name: unknown mask "initials" (id, name, date, partial, hide, none)`,
		`:6: dataset a.mask.phone: unknown mask "secret" (id, name, date, partial, hide, none)`,
		`:6: dataset a.sample.fraction: must be in (0, 1], got 2`,
		`:14: dataset a: check x.patern: unknown key "patern" for kind regex; did you mean pattern? (allowed: id, kind, dimension, column, columns, mostly, weight, nulls, null_values, examples, warn, pattern, patterns, match)`,
		`:15: dataset a.checks.y.mostly: must be a share between 0 and 1, got 1.5`,
		`:16: dataset a.checks.z: kind is missing`,
		`:17: dataset a.checks.w.dimension: dimension "whole" is not defined (defined: correct, sufficient, clean, alive, unified, shared)`,
		`:18: dataset b.ministry: ministry "MOX" is not defined in ministries`,
		`:18: dataset b.source: source "nowhere" is not defined in sources`,
		`:18: dataset b: check x.kind: unknown check kind "not_nul"; did you mean not_null?`,
	}
	for i := range want {
		want[i] = path + want[i]
	}
	require.Equal(t, strings.Join(want, "\n"), firstLines(err.Error()))
}

// A file that cannot be read or is not YAML is reported alone: there is
// no config for the other owners to validate. YAML of the wrong shape (a
// key indented out of its check) comes with the rest of the problems.
func TestPrepareFileStopsAtDecoding(t *testing.T) {
	p, err := PrepareFile("testdata/bad/missing.yaml", nil, nil)
	require.Nil(t, p)
	require.True(t, errors.Is(err, config.ErrInvalid))
	require.Equal(t, "testdata/bad/missing.yaml: cannot read config: open testdata/bad/missing.yaml: no such file or directory", err.Error())

	p, err = PrepareFile("testdata/bad/invalid_yaml.bad.yaml", nil, nil)
	require.Nil(t, p)
	var errs config.Errors
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs, 1)

	p, err = PrepareFile("testdata/bad/mis_indented.bad.yaml", nil, nil)
	require.Nil(t, p)
	require.Equal(t, `testdata/bad/mis_indented.bad.yaml:10: dataset a.checks.x: kind is missing
testdata/bad/mis_indented.bad.yaml:11: dataset: unknown key "kind", a key of a check: is it indented under the check's "- " above? (allowed: id, ministry, source, path, format, table, query, key, where, master, group_by, weight, timezone, null_values, sample, count, incremental, engine, http, mask, checks)`, err.Error())
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
c.yaml:12: dataset b: check x.kind: unknown check kind "not_nul"; did you mean not_null?`, firstLines(err.Error()))
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
	p, err := PrepareFile("../configs/demo.yaml", nil, nil)
	require.NoError(t, err)
	cfg := p.Config
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

// A config config.Load found wrong in many ways still goes through its
// other owners without a panic, and nothing config reported is reported
// again by them.
func TestPrepareFileOnAConfigWrongEverywhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`ministries: []
dimensions: [{id: correct}, {id: correct}]
kind_dimensions: {unique: whole}
sources:
  nokind: {root: data}
  files: {kind: file, root: data, timezone: Nowhere}
datasets:
  - ministry: MPS
    source: nokind
    engine: source
    sample: {method: rows}
    checks:
      - {kind: unique, column: id}
      - {id: in_b, kind: references, column: id, dataset: b}
  - {id: a, source: missing, engine: source, checks: [{id: x, kind: regex, column: c}]}
  - {id: a, source: files, path: a.csv, format: xlsx, checks: [{id: x}, {id: x, kind: not_null, column: c, dimension: correct}]}
`), 0o600))
	p, err := PrepareFile(path, nil, nil)
	require.Nil(t, p)
	want := []string{
		`: ministries: no ministry is defined; add e.g. ministries: [{id: MPS, name: Ministry of Public Security}]`,
		`: dimensions[1]: dimension "correct" defined twice`,
		`: kind_dimensions.unique: dimension "whole" is not defined (defined: correct, correct)`,
		`:5: sources.nokind: kind is missing (file, postgres, mysql, ...)`,
		`:6: sources.files.timezone: unknown time zone "Nowhere"`,
		`:8: datasets[0]: a dataset needs an id`,
		`:8: datasets[0].ministry: ministry "MPS" is not defined in ministries`,
		`:8: datasets[0].sample.rows: must be a positive number of rows`,
		`:13: datasets[0].checks[0]: a check needs an id`,
		`:14: datasets[0]: check in_b: references joins another dataset or a reference list, which runs in the embedded engine; this dataset has engine: source (move the check to a dataset without it, or drop engine: source; on a ClickHouse source, references to a dataset of the same source with engine: source joins there)`,
		`:14: datasets[0]: check in_b.dataset: dataset "b" is not defined in this config`,
		`:15: dataset a.ministry: ministry "" is not defined in ministries`,
		`:15: dataset a.source: source "missing" is not defined in sources`,
		`:15: dataset a: check x.pattern: regex needs pattern: (or patterns: with match: any or all); an empty pattern matches every value`,
		`:16: dataset a: dataset id "a" used twice`,
		`:16: dataset a.ministry: ministry "" is not defined in ministries`,
		`:16: dataset a.checks.x: kind is missing`,
		`:16: dataset a.checks.x: check id "x" used twice in this dataset`,
		`:16: dataset a.format: unknown format "xlsx" (csv, parquet, json, jsonl, ndjson)`,
	}
	for i := range want {
		want[i] = path + want[i]
	}
	require.Equal(t, strings.Join(want, "\n"), firstLines(err.Error()))
}

// references may keep both datasets in their source only on one
// ClickHouse source, which joins them itself; any other join with an
// engine: source dataset is refused, each side saying what to change.
func TestInSourceJoinsOnlyWithinOneClickHouseSource(t *testing.T) {
	prepare := func(datasets string) error {
		path := filepath.Join(t.TempDir(), "c.yaml")
		require.NoError(t, os.WriteFile(path, []byte(`ministries: [{id: M, name: M}]
sources:
  ch: {kind: clickhouse, url: "http://127.0.0.1:18123"}
  ch2: {kind: clickhouse, url: "http://127.0.0.1:18124"}
  pg: {kind: postgres, dsn: "postgres://x@127.0.0.1/db"}
datasets:
`+datasets), 0o600))
		p, err := PrepareFile(path, nil, nil)
		if p != nil {
			p.Close()
		}
		return err
	}
	pair := func(engineA, sourceA, engineB, sourceB string) string {
		return fmt.Sprintf(`  - {id: a, ministry: M, source: %s, table: a, engine: %s, checks: [{id: r, kind: references, column: k, dataset: b, key: k}]}
  - {id: b, ministry: M, source: %s, table: b, engine: %s, checks: [{id: v, kind: row_count, min: 1}]}
`, sourceA, engineA, sourceB, engineB)
	}
	require.NoError(t, prepare(pair("source", "ch", "source", "ch")))
	require.NoError(t, prepare(pair("duckdb", "ch", "duckdb", "ch")))
	for _, tc := range []struct{ datasets, want string }{
		{pair("source", "ch", "duckdb", "ch"), "this dataset has engine: source"},
		{pair("duckdb", "ch", "source", "ch"), `dataset "b" has engine: source`},
		{pair("source", "ch", "source", "ch2"), "this dataset has engine: source"},
		{pair("source", "pg", "source", "pg"), "this dataset has engine: source"},
		{`  - {id: a, ministry: M, source: ch, table: a, engine: source, checks: [{id: r, kind: agrees, dataset: b, on: {k: k}, columns: {n: {with: n}}}]}
  - {id: b, ministry: M, source: ch, table: b, engine: source, checks: [{id: v, kind: row_count, min: 1}]}
`, "agrees joins another dataset"},
	} {
		err := prepare(tc.datasets)
		require.Error(t, err, tc.datasets)
		require.Contains(t, err.Error(), tc.want, tc.datasets)
	}
}
