package http

import (
	"fmt"
	"math"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// settings are an http source's keys besides kind: and timezone:.
type settings struct {
	HTTP *Source `yaml:"http"`
}

// Source is an http source's http: section: one API.
type Source struct {
	BaseURL    string            `yaml:"base_url"`
	Headers    map[string]string `yaml:"headers"`
	TokenEnv   string            `yaml:"token_env"` // bearer token read from this variable
	Timeout    string            `yaml:"timeout"`
	MaxRetries int               `yaml:"max_retries"`
	// RateLimit is requests per second; absent (nil) is no limit. A
	// pointer, to tell an explicit 0 from no key: 0 reads as "no limit"
	// to some and "no request" to others, so it is refused, not guessed.
	RateLimit *float64 `yaml:"rate_limit"`
}

// slowestRate is one request an hour: a slower rate_limit is a typo (and
// its spacing would overflow a time.Duration before long).
const slowestRate = 1.0 / 3600

// limiter is the spacing rate_limit asks for: nil when it is absent, an
// error when it is not a finite number of requests per second of at
// least slowestRate.
func (h *Source) limiter() (*limiter, error) {
	if h.RateLimit == nil {
		return nil, nil
	}
	r := *h.RateLimit
	if math.IsNaN(r) || math.IsInf(r, 0) || r < slowestRate {
		return nil, fmt.Errorf("must be requests per second, at least one an hour (%.5f); leave it out for no limit; got %v", slowestRate, r)
	}
	return &limiter{interval: time.Duration(float64(time.Second) / r)}, nil
}

// Dataset is a dataset's http: section: how it is read from the API.
type Dataset struct {
	Path        string            `yaml:"path"`
	Params      map[string]string `yaml:"params"`
	Records     string            `yaml:"records"`    // dotted path to the records array
	Pagination  string            `yaml:"pagination"` // page, offset, cursor, link, none
	PageParam   string            `yaml:"page_param"`
	SizeParam   string            `yaml:"size_param"`
	PageSize    int               `yaml:"page_size"`
	OffsetParam string            `yaml:"offset_param"`
	CursorField string            `yaml:"cursor_field"`
	CursorParam string            `yaml:"cursor_param"`
	MaxPages    int               `yaml:"max_pages"`
	Schema      map[string]string `yaml:"schema"` // declared column types; inferred when absent
	CKAN        bool              `yaml:"ckan"`   // CKAN datastore_search preset
}

// datasetOf decodes the dataset's http: section; absent, it is all
// defaults.
func datasetOf(ds *config.Dataset) (Dataset, error) {
	var h Dataset
	err := config.DecodeSection(&ds.HTTP, &h, ds.Location(), ds.Field("http"))
	return h, connectors.Misconfigured(err)
}
