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
		h    *config.HTTPSource
		err  string
	}{
		{"ok", &config.HTTPSource{BaseURL: "https://data.gov.vn/api", Timeout: "10s", RateLimit: 2, Headers: map[string]string{"X-Api-Key": "k"}}, ""},
		{"loopback", &config.HTTPSource{BaseURL: "http://127.0.0.1:8080"}, ""},
		{"no http:", nil, "needs http: base_url"},
		{"no base_url", &config.HTTPSource{}, "needs http: base_url"},
		{"not http", &config.HTTPSource{BaseURL: "ftp://x/y"}, "not an http(s) URL"},
		{"bad timeout", &config.HTTPSource{BaseURL: "http://x", Timeout: "soon"}, `timeout "soon"`},
		{"negative rate", &config.HTTPSource{BaseURL: "http://x", RateLimit: -1}, "rate_limit"},
		{"bad env name", &config.HTTPSource{BaseURL: "http://x", TokenEnv: "MY-TOKEN"}, "token_env"},
		{"bad header", &config.HTTPSource{BaseURL: "http://x", Headers: map[string]string{"X Key": "v"}}, "not a header name"},
		{"header injection", &config.HTTPSource{BaseURL: "http://x", Headers: map[string]string{"X-Key": "secret-value\r\nEvil: 1"}}, "line break"},
		{"two authorizations", &config.HTTPSource{BaseURL: "http://x", TokenEnv: "T", Headers: map[string]string{"authorization": "Basic x"}}, "keep one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := connectors.Open(config.Source{Name: "api", Kind: "http", HTTP: tt.h})
			if tt.err == "" {
				require.NoError(t, err)
				require.NoError(t, c.Close())
				return
			}
			require.ErrorIs(t, err, httpconn.ErrConfig)
			require.ErrorContains(t, err, tt.err)
			require.NotContains(t, err.Error(), "secret-value")
		})
	}
}

func TestDatasetConfig(t *testing.T) {
	tests := []struct {
		ds  config.HTTPDataset
		err string
	}{
		{config.HTTPDataset{Pagination: "pages"}, `unknown pagination "pages"`},
		{config.HTTPDataset{Pagination: "cursor"}, "needs cursor_field"},
		{config.HTTPDataset{CKAN: true}, "needs params: resource_id"},
		{config.HTTPDataset{CKAN: true, Pagination: "page", Params: map[string]string{"resource_id": "r"}}, "pages by offset"},
		{config.HTTPDataset{Pagination: "page", Params: map[string]string{"page": "2"}}, "params: page is set by the pagination"},
		{config.HTTPDataset{Path: "https://other.example/x"}, "must be a path under the base URL"},
		{config.HTTPDataset{PageSize: -1}, "page_size"},
	}
	c := open(t, "http://127.0.0.1:1", nil)
	for _, tt := range tests {
		_, err := extract(t, c, nil, &tt.ds)
		require.ErrorIs(t, err, httpconn.ErrConfig)
		require.ErrorContains(t, err, tt.err)
	}
}
