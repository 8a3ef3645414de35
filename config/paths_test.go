package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Paths written in a config are relative to its folder; absolute ones
// stay; overrides (command line, DQ_*) are relative to the working
// directory; the default output folder too, as it is written nowhere.
func TestPathsRelativeToTheConfigFolder(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "configs")
	require.NoError(t, os.Mkdir(sub, 0o755))
	abs := filepath.Join(dir, "abs")
	path := filepath.Join(sub, "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
output: {dir: ../out}
history: {dir: hist}
engine: {temp_dir: `+abs+`}
demo: {dir: ../data}
references: {units: {file: refs/units.csv, column: code}}
ministries: [{id: M}]
sources: {s: {kind: file, root: data}}
datasets:
  - {id: d, ministry: M, source: s, path: x.csv, checks: [{id: c, kind: not_null, column: a}]}
`), 0o644))
	cfg, err := Load(path, nil)
	require.NoError(t, err)
	require.Equal(t, sub, cfg.Dir)
	require.Equal(t, filepath.Join(dir, "out"), cfg.Output.Dir)
	require.Equal(t, filepath.Join(sub, "hist"), cfg.History.Dir)
	require.Equal(t, abs, cfg.Engine.TempDir)
	require.Equal(t, filepath.Join(dir, "data"), cfg.Demo.Dir)
	require.Equal(t, filepath.Join(sub, "refs/units.csv"), cfg.References["units"].File)
	require.Equal(t, filepath.Join(sub, "data"), cfg.Sources["s"].Path("data"))

	v := NewViper()
	v.Set("output.dir", "typed")
	cfg, err = Load(path, v)
	require.NoError(t, err)
	require.Equal(t, "typed", cfg.Output.Dir, "an override is the user's, relative to the working directory")
	require.Equal(t, filepath.Join(sub, "hist"), cfg.History.Dir)

	require.NoError(t, os.WriteFile(path, []byte(`
ministries: [{id: M}]
sources: {s: {kind: file}}
datasets:
  - {id: d, ministry: M, source: s, path: x.csv, checks: [{id: c, kind: not_null, column: a}]}
`), 0o644))
	cfg, err = Load(path, nil)
	require.NoError(t, err)
	require.Equal(t, "out/scorecards", cfg.Output.Dir, "the default is written nowhere: under the working directory")
	require.Equal(t, filepath.Join("out/scorecards", "history"), cfg.History.Dir)
}
