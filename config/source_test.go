package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

const sources = `
ministries: [{id: MPS, name: Public Security}]
sources:
  pop:
    kind: postgres
    timezone: Asia/Bangkok
    dsn: postgres://x@h/db
    statement_timeout: 5m
  api:
    kind: http
    http:
      base_url: http://127.0.0.1
      max_retries: lots
datasets:
  - id: a
    ministry: MPS
    source: api
    http:
      pagination: page
      params: {page_size: 10}
    checks:
      - {id: x, kind: not_null, column: c}
`

// The settings a postgres source might have, and an http one's.
type dbSettings struct {
	DSN              string `yaml:"dsn"`
	StatementTimeout string `yaml:"statement_timeout"`
}

type apiSettings struct {
	HTTP *struct {
		BaseURL    string `yaml:"base_url"`
		MaxRetries int    `yaml:"max_retries"`
	} `yaml:"http"`
}

func TestSourceSharedKeysAndSettings(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(sources), nil)
	require.NoError(t, err)
	pop := cfg.Sources["pop"]
	require.Equal(t, "postgres", pop.Kind)
	require.Equal(t, "Asia/Bangkok", pop.Timezone)
	require.Equal(t, Location{File: "c.yaml", Line: 4}, pop.Location())
	var s dbSettings
	require.NoError(t, pop.Decode(&s))
	require.Equal(t, dbSettings{DSN: "postgres://x@h/db", StatementTimeout: "5m"}, s)
	require.Equal(t, `c.yaml:8: sources.pop.statement_timeout: too long`, pop.Errorf("statement_timeout", "too long").Error())
	require.Equal(t, `c.yaml:4: sources.pop: no`, pop.Errorf("", "no").Error())
}

func TestSourceUnknownKeys(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(sources), nil)
	require.NoError(t, err)

	var wrong struct {
		DSN string `yaml:"dsn"`
	}
	err = cfg.Sources["pop"].Decode(&wrong)
	require.True(t, errors.Is(err, ErrInvalid))
	require.Equal(t, `c.yaml:8: sources.pop: unknown key "statement_timeout" (allowed: kind, timezone, dsn)`, err.Error())

	var nested struct {
		HTTP *struct {
			BaseURL string `yaml:"base_url"`
		} `yaml:"http"`
	}
	err = cfg.Sources["api"].Decode(&nested)
	require.Equal(t, `c.yaml:13: sources.api.http: unknown key "max_retries" (allowed: base_url)`, err.Error())

	var api apiSettings
	err = cfg.Sources["api"].Decode(&api)
	require.True(t, errors.Is(err, ErrInvalid))
	require.Equal(t, "c.yaml:13: sources.api: cannot unmarshal !!str `lots` into int", err.Error())
}

func TestDecodeSection(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(sources), nil)
	require.NoError(t, err)
	ds := &cfg.Datasets[0]
	var h struct {
		Pagination string            `yaml:"pagination"`
		Params     map[string]string `yaml:"params"`
	}
	require.NoError(t, DecodeSection(&ds.HTTP, &h, ds.Location(), "dataset a.http"))
	require.Equal(t, "page", h.Pagination)
	require.Equal(t, map[string]string{"page_size": "10"}, h.Params)

	var narrow struct {
		Params map[string]string `yaml:"params"`
	}
	err = DecodeSection(&ds.HTTP, &narrow, ds.Location(), "dataset a.http")
	require.Equal(t, `c.yaml:19: dataset a.http: unknown key "pagination" (allowed: params)`, err.Error())
	require.Equal(t, `c.yaml:15: dataset a.http: no`, ds.Errorf("http", "no").Error())

	// An absent section leaves the settings as they are.
	narrow.Params = nil
	require.NoError(t, DecodeSection(nil, &narrow, ds.Location(), "dataset a.http"))
	require.Nil(t, narrow.Params)
}

func TestNewSource(t *testing.T) {
	src := NewSource("files", "file", map[string]any{"root": "data", "mode": "arrow"})
	var s struct {
		Root string `yaml:"root"`
		Mode string `yaml:"mode"`
	}
	require.NoError(t, src.Decode(&s))
	require.Equal(t, "data", s.Root)
	require.Equal(t, "arrow", s.Mode)
	var narrow struct {
		Root string `yaml:"root"`
	}
	require.EqualError(t, src.Decode(&narrow), `sources.files: unknown key "mode" (allowed: kind, timezone, root)`)
	require.NoError(t, NewSource("x", "file", nil).Decode(&narrow))
}

func TestSourceMustBeAMapping(t *testing.T) {
	_, err := Parse("c.yaml", []byte("ministries: [{id: MPS}]\nsources: {db: postgres}\n"), nil)
	require.ErrorContains(t, err, "c.yaml:2: a source must be a mapping")
}

func TestSourceMergeKeysAndDuplicates(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`
ministries: [{id: MPS}]
sources:
  a: &db {kind: postgres, dsn: "postgres://x@h/a", statement_timeout: 5m}
  b: {<<: *db, dsn: "postgres://x@h/b"}
  c: {kind: http, http: &api {base_url: "http://x"}}
  d: {kind: http, http: {<<: *api, max_retries: 3}}
datasets: [{id: d, ministry: MPS, source: b, table: t, checks: [{id: x, kind: not_null, column: c}]}]
`), nil)
	require.NoError(t, err)
	b := cfg.Sources["b"]
	require.Equal(t, "postgres", b.Kind)
	var s dbSettings
	require.NoError(t, b.Decode(&s))
	require.Equal(t, dbSettings{DSN: "postgres://x@h/b", StatementTimeout: "5m"}, s)
	var api apiSettings
	require.NoError(t, cfg.Sources["d"].Decode(&api))
	require.Equal(t, "http://x", api.HTTP.BaseURL)
	require.Equal(t, 3, api.HTTP.MaxRetries)

	_, err = Parse("c.yaml", []byte("ministries: [{id: M}]\nsources: {db: {kind: file, kind: postgres}}\n"), nil)
	require.ErrorContains(t, err, `c.yaml:2: mapping key "kind" already defined at line 2`)
}
