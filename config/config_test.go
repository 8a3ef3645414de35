package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDatasetNamesInMessages(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(mpsAndDB+`datasets:
  - {id: a, ministry: MPS, source: db, table: t, checks: [{id: x, kind: not_null, column: c}]}
  - ministry: MPS
    source: db
    table: t
    checks: [{id: x, kind: not_null, column: c}]
`), nil)
	require.EqualError(t, err, "c.yaml:5: datasets[1]: a dataset needs an id")
	a, noID := &cfg.Datasets[0], &cfg.Datasets[1]
	require.Equal(t, "dataset a", a.Field(""))
	require.Equal(t, "dataset a.sample.fraction", a.Field("sample.fraction"))
	require.Equal(t, "datasets[1].mask.name", noID.Field("mask.name"))
	e := noID.Errorf("sample", "needs %s", "a key")
	require.Equal(t, "c.yaml:5: datasets[1].sample: needs a key", e.Error())
	require.ErrorIs(t, e, ErrInvalid)
	require.Equal(t, "dataset b.http", (&Dataset{ID: "b"}).Field("http"), "a dataset built in code")
}

func TestSampleKey(t *testing.T) {
	require.Equal(t, "", (&Dataset{}).SampleKey())
	require.Equal(t, "id", (&Dataset{Key: "id"}).SampleKey())
	require.Equal(t, "id", (&Dataset{Key: "id", Sample: &Sample{Method: "hash"}}).SampleKey())
	require.Equal(t, "cccd", (&Dataset{Key: "id", Sample: &Sample{Key: "cccd"}}).SampleKey())
}

// A dataset's zone is its own, else its source's, else the config's,
// else Vietnam's.
func TestDatasetTimezone(t *testing.T) {
	cfg := &Config{Sources: map[string]Source{"bkk": {Timezone: "Asia/Bangkok"}, "plain": {}}}
	zone := func(ds Dataset) string {
		loc, err := cfg.DatasetTimezone(&ds)
		require.NoError(t, err)
		return loc.String()
	}
	require.Equal(t, DefaultTimezone, zone(Dataset{Source: "plain"}))
	cfg.Timezone = "UTC"
	require.Equal(t, "UTC", zone(Dataset{Source: "plain"}))
	require.Equal(t, "Asia/Bangkok", zone(Dataset{Source: "bkk"}))
	require.Equal(t, "Europe/Paris", zone(Dataset{Source: "bkk", Timezone: "Europe/Paris"}))
	_, err := cfg.DatasetTimezone(&Dataset{Timezone: "Mars/Olympus"})
	require.Error(t, err)
}

func TestMissingTokens(t *testing.T) {
	cfg := &Config{NullValues: []string{"-", "N/A"}}
	ds := &Dataset{NullValues: []string{"?", "-"}}
	ch := &Check{NullValues: []string{"unknown"}}
	require.Equal(t, []string{"N/A", "NULL", "0000-00-00", "-", "?", "unknown"}, cfg.MissingTokens(ds, ch))
	require.Equal(t, DefaultNullValues, (&Config{}).MissingTokens(&Dataset{}, &Check{}))
}

func TestLookups(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`ministries: [{id: MPS, name: Public Security}, {id: MOH, name: Health}]
sources: {db: {kind: postgres}}
`+datasetA), nil)
	require.NoError(t, err)
	require.Equal(t, &Ministry{ID: "MOH", Name: "Health", Weight: 1}, cfg.Ministry("MOH"))
	require.Nil(t, cfg.Ministry("MOX"))
	require.Equal(t, "Sạch", cfg.Dimension("clean").Name)
	require.Equal(t, "Clean", cfg.Dimension("clean").NameEN)
	require.Nil(t, cfg.Dimension("whole"))
	require.False(t, cfg.Datasets[0].InSource())
	require.True(t, (&Dataset{Engine: EngineSource}).InSource())
}
