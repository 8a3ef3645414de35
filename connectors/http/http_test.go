package http_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	httpconn "github.com/vn-registries/dq/connectors/http"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		h    *httpconn.Source
		err  string
	}{
		{"ok", &httpconn.Source{BaseURL: "https://data.gov.vn/api", Timeout: "10s", RateLimit: new(2.0), Headers: map[string]string{"X-Api-Key": "k"}}, ""},
		{"loopback", &httpconn.Source{BaseURL: "http://127.0.0.1:8080"}, ""},
		{"no http:", nil, "sources.api.http: an http source needs http: base_url:"},
		{"no base_url", &httpconn.Source{}, "sources.api.http: an http source needs http: base_url:"},
		{"not http", &httpconn.Source{BaseURL: "ftp://x/y"}, `sources.api.http.base_url: "ftp://x/y" is not an http(s) URL`},
		{"bad timeout", &httpconn.Source{BaseURL: "http://x", Timeout: "soon"}, `sources.api.http.timeout: "soon" is not a duration`},
		{"negative rate", &httpconn.Source{BaseURL: "http://x", RateLimit: new(-1.0)}, "sources.api.http.rate_limit: must be requests per second, at least one an hour (0.00028); leave it out for no limit; got -1"},
		{"bad env name", &httpconn.Source{BaseURL: "http://x", TokenEnv: "MY-TOKEN"}, `sources.api.http.token_env: "MY-TOKEN" is not an environment variable name`},
		{"bad header", &httpconn.Source{BaseURL: "http://x", Headers: map[string]string{"X Key": "v"}}, `sources.api.http.headers: "X Key" is not a header name`},
		{"header injection", &httpconn.Source{BaseURL: "http://x", Headers: map[string]string{"X-Key": "secret-value\r\nEvil: 1"}}, "sources.api.http.headers: X-Key: the value has a line break"},
		{"two authorizations", &httpconn.Source{BaseURL: "http://x", TokenEnv: "T", Headers: map[string]string{"authorization": "Basic x"}}, "keep one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := connectors.Open(config.NewSource("api", "http", map[string]any{"http": tt.h}), connectors.Deps{})
			if tt.err == "" {
				require.NoError(t, err)
				require.NoError(t, c.Close())
				return
			}
			require.ErrorIs(t, err, connectors.ErrConfig)
			require.ErrorIs(t, err, config.ErrInvalid)
			require.ErrorContains(t, err, tt.err)
			require.NotContains(t, err.Error(), "secret-value")
		})
	}
}

func TestDatasetConfig(t *testing.T) {
	tests := []struct {
		ds  httpconn.Dataset
		err string
	}{
		{httpconn.Dataset{Pagination: "pages"}, `dataset ds.http: unknown pagination "pages" (page, offset, cursor, link, none)`},
		{httpconn.Dataset{Pagination: "cursor"}, "dataset ds.http: pagination: cursor needs cursor_field"},
		{httpconn.Dataset{CKAN: true}, "needs params: resource_id"},
		{httpconn.Dataset{CKAN: true, Pagination: "page", Params: map[string]string{"resource_id": "r"}}, "pages by offset"},
		{httpconn.Dataset{Pagination: "page", Params: map[string]string{"page": "2"}}, "params: page is set by the pagination"},
		{httpconn.Dataset{Path: "https://other.example/x"}, "must be a path under the base URL"},
		{httpconn.Dataset{PageSize: -1}, "page_size"},
		{httpconn.Dataset{Schema: map[string]string{"id": "integer"}}, `dataset ds.http.schema: id: unknown type "integer"`},
	}
	c := open(t, "http://127.0.0.1:1", nil, nil)
	for _, tt := range tests {
		err := connectors.CheckDataset("http", dataset(&tt.ds))
		require.ErrorIs(t, err, connectors.ErrConfig)
		require.ErrorIs(t, err, config.ErrInvalid)
		require.ErrorContains(t, err, tt.err)
		if tt.ds.Schema == nil {
			// Extract refuses it too, before any request.
			_, err = extract(t, c, &tt.ds)
			require.ErrorIs(t, err, connectors.ErrConfig)
			require.ErrorContains(t, err, tt.err)
		}
	}
}

// The http: sections are the connector's: their errors name the file,
// the line and the key, and every problem of a source is found without a
// request.
func TestSettingsInAConfig(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(`
ministries: [{id: MPS, name: Public Security}]
sources:
  api:
    kind: http
    http:
      base_url: http://127.0.0.1:1
      base_ulr: http://127.0.0.1:2
  ok: {kind: http, http: {base_url: "http://127.0.0.1:1"}}
datasets:
  - id: a
    ministry: MPS
    source: ok
    http:
      path: records
      pagnation: page
    checks:
      - {id: x, kind: not_null, column: c}
`), nil)
	require.NoError(t, err)
	_, err = connectors.Open(cfg.Sources["api"], connectors.Deps{})
	require.EqualError(t, err, `c.yaml:8: sources.api.http: unknown key "base_ulr"; did you mean base_url? (allowed: base_url, headers, token_env, timeout, max_retries, rate_limit)`)
	require.ErrorIs(t, err, connectors.ErrConfig)
	err = connectors.CheckDataset("http", &cfg.Datasets[0])
	require.EqualError(t, err, `c.yaml:16: dataset a.http: unknown key "pagnation"; did you mean pagination? (allowed: path, params, records, pagination, page_param, size_param, page_size, offset_param, cursor_field, cursor_param, max_pages, schema, ckan)`)
	require.ErrorIs(t, err, connectors.ErrConfig)
}
