//go:build duckdb_arrow

package pipeline

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
)

// How each kind of source is read is decided in one place, from what its
// connector can do and what the dataset asks.
func TestAccessOf(t *testing.T) {
	p := prepareYAML(t, `
  files: {kind: file, root: testdata}
  streamed: {kind: file, root: testdata, mode: arrow}
  pg: {kind: postgres, dsn: "postgres://postgres@127.0.0.1:5432/test"}
  my: {kind: mysql, dsn: "mysql://root@127.0.0.1:3306/test"}
  api: {kind: http, http: {base_url: "http://127.0.0.1:1/"}}
`, `
  - {id: a, ministry: MPS, source: files, path: x.csv, checks: [{id: x, kind: not_null, column: id}]}
`, nil)
	for _, tc := range []struct {
		source, engine string
		path           loadPath
		dialect        string
		counts         bool
	}{
		{"files", "", readDirect, "duckdb", false},
		{"streamed", "", streamThenFilter, "duckdb", false},
		{"api", "", streamThenFilter, "duckdb", false},
		{"pg", "", streamFiltered, "postgres", true},
		{"my", "", streamFiltered, "mysql", true},
		{"pg", config.EngineSource, checkInSource, "postgres", true},
		{"my", config.EngineSource, checkInSource, "mysql", true},
	} {
		ds := &config.Dataset{ID: "d", Source: tc.source, Engine: tc.engine}
		a, err := accessOf(p.Connectors[tc.source], ds)
		require.NoError(t, err, tc.source)
		require.Equal(t, tc.path, a.path, tc.source+" "+tc.engine)
		require.Equal(t, tc.dialect, a.dialect.Name(), tc.source+" "+tc.engine)
		require.Equal(t, tc.counts, a.counter != nil, tc.source+" "+tc.engine)
	}
	for _, src := range []string{"files", "streamed", "api"} {
		_, err := accessOf(p.Connectors[src], &config.Dataset{ID: "d", Source: src, Engine: config.EngineSource})
		require.ErrorIs(t, err, errNoPushdown, src)
	}
}

// The run's engine may open the folders of the datasets DuckDB reads
// itself (up to a path's first wildcard) and the history: no folder of a
// streamed source, nothing else.
func TestEngineFolders(t *testing.T) {
	p := prepareYAML(t, `
  files: {kind: file, root: /data/registries}
  streamed: {kind: file, root: /data/streamed, mode: arrow}
`, `
  - {id: a, ministry: MPS, source: files, path: 2025/*.csv, checks: [{id: x, kind: not_null, column: id}]}
  - {id: b, ministry: MPS, source: files, path: "parts/*/b.parquet", checks: [{id: x, kind: not_null, column: id}]}
  - {id: c, ministry: MPS, source: files, path: /srv/extra/c.jsonl, checks: [{id: x, kind: not_null, column: id}]}
  - {id: d, ministry: MPS, source: streamed, path: d.csv, checks: [{id: x, kind: not_null, column: id}]}
`, nil)
	p.Config.History.Dir = "/srv/dq/history"
	var datasets []*datasetRun
	for i := range p.Config.Datasets {
		ds := &p.Config.Datasets[i]
		a, err := accessOf(p.Connectors[ds.Source], ds)
		require.NoError(t, err)
		datasets = append(datasets, &datasetRun{cfg: ds, read: ds, access: a})
	}
	require.Equal(t, []string{"/data/registries/2025", "/data/registries/parts", "/srv/extra", "/srv/dq/history"},
		engineFolders(p.Config, datasets))
	p.Config.History.Off = true
	require.Equal(t, []string{"/data/registries/2025", "/data/registries/parts", "/srv/extra"}, engineFolders(p.Config, datasets))
}
