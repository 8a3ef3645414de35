package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const minimal = `
ministries: [{id: MPS, name: Public Security}]
sources: {db: {kind: postgres, dsn: "${DQ_TEST_DSN}"}}
datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    checks:
      - {id: x, kind: regex, column: c, pattern: '^[0-9]{12}$'}
`

func TestEnvExpansion(t *testing.T) {
	t.Setenv("DQ_TEST_DSN", "postgres://u:secret@127.0.0.1/test")
	cfg, err := Parse("c.yaml", []byte(minimal), nil)
	require.NoError(t, err)
	var db struct {
		DSN string `yaml:"dsn"`
	}
	require.NoError(t, cfg.Sources["db"].Decode(&db))
	require.Equal(t, "postgres://u:secret@127.0.0.1/test", db.DSN)
	// A bare $ (regex anchors) is left alone.
	require.Equal(t, "pattern", firstParam(cfg))
	require.Equal(t, "^[0-9]{12}$", cfg.Datasets[0].Checks[0].Params["pattern"].Value)
	require.Len(t, cfg.SHA256, 64)
}

func firstParam(cfg *Config) string {
	for k := range cfg.Datasets[0].Checks[0].Params {
		return k
	}
	return ""
}

func TestUnsetEnvIsAnError(t *testing.T) {
	_, err := Parse("c.yaml", []byte(minimal), nil)
	require.Error(t, err)
	require.True(t, errors.Is(err, ErrInvalid))
	require.Contains(t, err.Error(), "DQ_TEST_DSN is referenced as ${DQ_TEST_DSN} but not set")
}

func TestDefaults(t *testing.T) {
	t.Setenv("DQ_TEST_DSN", "x")
	cfg, err := Parse("c.yaml", []byte(minimal), nil)
	require.NoError(t, err)
	require.Equal(t, "out/scorecards", cfg.Output.Dir)
	require.Equal(t, []string{"correct", "sufficient", "clean", "alive", "unified", "shared"}, cfg.DimensionIDs())
	require.Equal(t, "full", cfg.Datasets[0].Sample.Method)
	require.Equal(t, 1.0, cfg.Datasets[0].Weight)
	require.Equal(t, DefaultExampleLimit, cfg.Examples.Limit)
	require.Equal(t, Bands{Green: 90, Yellow: 75}, cfg.Bands)
	require.Equal(t, 5, cfg.Datasets[0].Line)
	require.Equal(t, 10, cfg.Datasets[0].Checks[0].Line)
}

func TestDefaultsOfEverySection(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`ministries: [{id: MPS}, {id: MOH, weight: 3}]
dimensions: [{id: valid}, {id: complete, name: Complete, weight: 2}]
kind_dimensions: {not_null: complete, regex: valid}
demo: {dir: demo}
sources: {db: {kind: postgres}}
datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    key: id
    sample: {fraction: 0.1}
    checks:
      - {id: x, kind: not_null, column: c}
      - {id: y, kind: not_null, column: c, weight: 2, nulls: fail}
`), nil)
	require.NoError(t, err)
	require.Equal(t, Output{Dir: "out/scorecards"}, cfg.Output)
	require.Equal(t, History{Dir: filepath.Join("out/scorecards", "history"), Series: 10}, cfg.History)
	require.Equal(t, min(4, runtime.NumCPU()), cfg.Engine.Workers)
	require.Equal(t, []Dimension{{ID: "valid", Name: "valid", NameEN: "valid", Weight: 1}, {ID: "complete", Name: "Complete", NameEN: "Complete", Weight: 2}}, cfg.Dimensions)
	require.Equal(t, []Ministry{{ID: "MPS", Weight: 1}, {ID: "MOH", Weight: 3}}, cfg.Ministries)
	require.Equal(t, &Demo{Dir: "demo", Rows: 20000, Seed: 1}, cfg.Demo)
	ds := cfg.Datasets[0]
	require.Equal(t, 1.0, ds.Weight)
	require.Equal(t, &Sample{Method: "hash", Fraction: 0.1}, ds.Sample, "a sample: without a method is a hash sample")
	require.Equal(t, "id", ds.SampleKey())
	require.Equal(t, [2]float64{1, 2}, [2]float64{ds.Checks[0].Weight, ds.Checks[1].Weight})
	require.Equal(t, [2]string{"ignore", "fail"}, [2]string{ds.Checks[0].Nulls, ds.Checks[1].Nulls})
}

func TestExampleLimit(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want int
	}{
		{"", DefaultExampleLimit},
		{"examples: {limit: 0}\n", DefaultExampleLimit},
		{"examples: {limit: 7}\n", 7},
		{"examples: {limit: 20}\n", MaxExampleLimit},
		{"examples: {limit: 500}\n", MaxExampleLimit},
		{"examples: {limit: -1}\n", -1},
		{"examples: {limit: -30}\n", -1},
	} {
		cfg, err := Parse("c.yaml", []byte(tc.yaml+mpsAndDB+datasetA), nil)
		require.NoError(t, err, tc.yaml)
		require.Equal(t, tc.want, cfg.Examples.Limit, tc.yaml)
	}
}

// A flag (set on the viper) wins over DQ_* variables, which win over the
// file.
func TestOverrides(t *testing.T) {
	for k, v := range map[string]string{
		"DQ_OUTPUT_DIR": "/srv/dq", "DQ_HISTORY_DIR": "/srv/history", "DQ_ENGINE_MEMORY_LIMIT": "2GB",
		"DQ_ENGINE_THREADS": "3", "DQ_ENGINE_TEMP_DIR": "/tmp/dq", "DQ_ENGINE_WORKERS": "2",
		"DQ_TIMEZONE": "UTC", "DQ_EXAMPLES_LIMIT": "-4", "DQ_EXAMPLES_SHOW_PII": "true",
	} {
		t.Setenv(k, v)
	}
	v := NewViper()
	v.Set("engine.workers", "1")
	cfg, err := Parse("c.yaml", []byte("output: {dir: out}\nengine: {threads: 8, workers: 6}\ntimezone: Asia/Bangkok\n"+mpsAndDB+datasetA), v)
	require.NoError(t, err)
	require.Equal(t, "/srv/dq", cfg.Output.Dir)
	require.Equal(t, History{Dir: "/srv/history", Series: 10}, cfg.History)
	require.Equal(t, Engine{MemoryLimit: "2GB", Threads: 3, TempDir: "/tmp/dq", Workers: 1}, cfg.Engine)
	require.Equal(t, "UTC", cfg.Timezone)
	require.Equal(t, Examples{Limit: -1, ShowPII: true}, cfg.Examples)

	cfg, err = Parse("c.yaml", []byte(mpsAndDB+datasetA), nil)
	require.NoError(t, err)
	require.Equal(t, Examples{Limit: DefaultExampleLimit}, cfg.Examples, "no viper, no override")
}

// An override that is not a number keeps the file's value and is reported
// with the file's own problems.
func TestOverrideNotANumber(t *testing.T) {
	t.Setenv("DQ_ENGINE_THREADS", "many")
	t.Setenv("DQ_EXAMPLES_LIMIT", "ten")
	cfg, err := Parse("c.yaml", []byte("engine: {threads: 2}\nbands: {green: 10, yellow: 20}\n"+mpsAndDB+datasetA), NewViper())
	require.NotNil(t, cfg)
	require.ErrorIs(t, err, ErrInvalid)
	require.Equal(t, `c.yaml: engine.threads: override "many" is not a whole number
c.yaml: examples.limit: override "ten" is not a whole number
c.yaml:2: bands: need 0 <= yellow <= green <= 100, got yellow 20 green 10`, err.Error())
	require.Equal(t, 2, cfg.Engine.Threads)
}

// What is not YAML stops at decoding: no config comes back, and the
// error says where, with the line's text and, for the usual mistakes, what
// to look at.
func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"empty", "# nothing yet\n", "c.yaml: the file is empty; see configs/README.md for the shape of a config"},
		{"syntax", "ministries: [{id: MPS}\nsources: {}\n", `c.yaml:1: did not find expected ',' or ']' (line 1: "ministries: [{id: MPS}")`},
		{"indentation", mpsAndDB + "datasets:\n  - id: a\n    ministry: MPS\n     source: db\n",
			`c.yaml:6: mapping values are not allowed in this context (line 6: "source: db"); check this line's indentation against the lines above it`},
		{"tab", mpsAndDB + "datasets:\n\t- id: a\n", "YAML indents with spaces, not tabs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(tc.yaml), nil)
			require.Nil(t, cfg)
			require.ErrorIs(t, err, ErrInvalid)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

// YAML of the wrong shape (an unknown key, a word where a number goes, a
// check that is not a mapping) is decoded as far as it goes: the config
// comes back with every problem, so that validation tells the rest in the
// same pass.
func TestShapeErrorsComeWithTheRest(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown top-level key", mpsAndDB + "dataset: []\n",
			`c.yaml:3: config: unknown key "dataset"; did you mean datasets? (allowed: output, engine, dimensions, kind_dimensions, bands, null_values, examples, timezone, demo, history, publish, ministries, sources, references, datasets)`},
		{"unknown dataset key", mpsAndDB + "datasets:\n  - {id: a, ministry: MPS, source: db, tabel: t, checks: []}\n",
			`c.yaml:4: dataset: unknown key "tabel"; did you mean table? (allowed: id, ministry, source, path, format, table, query, key, where, master, group_by, weight, timezone, null_values, sample, count, incremental, engine, http, mask, checks)`},
		{"unknown sample key", mpsAndDB + "datasets:\n  - id: a\n    sample: {method: hash, fraktion: 0.1}\n",
			`c.yaml:5: sample: unknown key "fraktion"; did you mean fraction? (allowed: method, fraction, rows, seed, key)`},
		{"wrong type", mpsAndDB + "examples: {limit: some}\n",
			`c.yaml:3: expected a whole number, got "some"`},
		{"check not a mapping", mpsAndDB + "datasets: [{id: a, checks: [not_null]}]\n",
			`c.yaml:3: a check must be a mapping like {id: x, kind: not_null, column: y}, got the value "not_null"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(tc.yaml), nil)
			require.NotNil(t, cfg)
			require.ErrorIs(t, err, ErrInvalid)
			require.Equal(t, tc.want, strings.Split(err.Error(), "\n")[0])
		})
	}

	// mostly: abc no longer hides the problems after it.
	_, err := Parse("c.yaml", []byte(mpsAndDB+`datasets:
  - id: a
    ministry: MPS
    source: db
    checks:
      - {id: x, kind: not_null, column: c, mostly: abc}
      - {id: y, kind: unique, column: c, weight: heavy}
      - {id: x, kind: regex, column: c, nulls: skip}
`), nil)
	require.Equal(t, `c.yaml:8: mostly: expected a number, got "abc"
c.yaml:9: weight: expected a number, got "heavy"
c.yaml:10: dataset a.checks.x.nulls: must be ignore or fail, got "skip"`, err.Error())
}

// A data file given as the config is recognised, by its extension or its
// first line, and the message says what to type instead.
func TestDataFileAsConfig(t *testing.T) {
	for _, tc := range []struct{ path, text, kind string }{
		{"citizens.csv", "cccd,full_name\n001,A\n", "CSV"},
		{"export.txt", "cccd;full_name\n001;A\n", "CSV"},
		{"citizens.parquet", "PAR1\x00\x01", "Parquet"},
	} {
		_, err := Parse(tc.path, []byte(tc.text), nil)
		require.ErrorIs(t, err, ErrInvalid)
		require.Equal(t, tc.path+": this is a data file ("+tc.kind+"), not a dq config; check it without a config: dq check "+tc.path+" --check 'not_null(COLUMN)', see what it holds: dq profile "+tc.path+", or let dq write the config: dq profile "+tc.path+" --suggest > dataset.yaml", err.Error())
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dq.yaml")
	raw := []byte(mpsAndDB + datasetA)
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	cfg, err := Load(path, nil)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	require.Equal(t, hex.EncodeToString(sum[:]), cfg.SHA256)
	require.Equal(t, path, cfg.File)
	require.Equal(t, Location{File: path, Line: 4}, cfg.Datasets[0].Location())
	require.Equal(t, Location{File: path, Line: 4, Col: 59}, cfg.Datasets[0].Checks[0].Location())
	require.Equal(t, Location{File: path, Line: 2}, cfg.Sources["db"].Location())

	missing := filepath.Join(t.TempDir(), "missing.yaml")
	cfg, err = Load(missing, nil)
	require.Nil(t, cfg)
	require.ErrorIs(t, err, ErrInvalid)
	require.Equal(t, missing+": cannot read config: open "+missing+": no such file or directory", err.Error())
}
