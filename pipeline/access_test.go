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
