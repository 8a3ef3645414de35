package http_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// rate_limit as dq validate reads it: absent is no limit; an explicit
// value, 0 included, must be a finite number of requests per second, and
// a wrong one is reported at its line.
func TestRateLimitSetting(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"absent", "", ""},
		{"five a second", "rate_limit: 5", ""},
		{"one an hour", "rate_limit: 0.0003", ""},
		{"zero", "rate_limit: 0", "c.yaml:6: sources.api.http.rate_limit: must be requests per second, at least one an hour (0.00028); leave it out for no limit; got 0"},
		{"negative", "rate_limit: -2", "c.yaml:6: sources.api.http.rate_limit: must be requests per second, at least one an hour (0.00028); leave it out for no limit; got -2"},
		{"NaN", "rate_limit: .nan", "c.yaml:6: sources.api.http.rate_limit: must be requests per second, at least one an hour (0.00028); leave it out for no limit; got NaN"},
		{"infinite", "rate_limit: .inf", "c.yaml:6: sources.api.http.rate_limit: must be requests per second, at least one an hour (0.00028); leave it out for no limit; got +Inf"},
		{"one a year", "rate_limit: 3e-8", "c.yaml:6: sources.api.http.rate_limit: must be requests per second, at least one an hour (0.00028); leave it out for no limit; got 3e-08"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(`ministries: [{id: MPS}]
sources:
  api:
    kind: http
    http:
      `+tc.value+`
      base_url: http://127.0.0.1:1
datasets:
  - {id: a, ministry: MPS, source: api, checks: [{id: x, kind: not_null, column: c}]}
`), nil)
			require.NoError(t, err)
			c, err := connectors.Open(cfg.Sources["api"], connectors.Deps{})
			if tc.want == "" {
				require.NoError(t, err)
				require.NoError(t, c.Close())
				return
			}
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, connectors.ErrConfig)
			require.ErrorIs(t, err, config.ErrInvalid)
		})
	}
}
