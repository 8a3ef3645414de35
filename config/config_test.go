package config

import (
	"errors"
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
	require.Len(t, cfg.Dimensions, 4)
	require.Equal(t, "full", cfg.Datasets[0].Sample.Method)
	require.Equal(t, 1.0, cfg.Datasets[0].Weight)
	require.Equal(t, DefaultExampleLimit, cfg.Examples.Limit)
	require.Equal(t, Bands{Green: 90, Yellow: 75}, cfg.Bands)
	require.Equal(t, 5, cfg.Datasets[0].Line)
	require.Equal(t, 10, cfg.Datasets[0].Checks[0].Line)
}
