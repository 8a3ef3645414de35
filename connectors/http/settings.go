package http

import (
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
	RateLimit  float64           `yaml:"rate_limit"` // requests per second, 0 = unlimited
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
