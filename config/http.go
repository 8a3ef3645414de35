package config

// HTTPSource configures a REST/JSON API source (kind: http).
type HTTPSource struct {
	BaseURL    string            `yaml:"base_url"`
	Headers    map[string]string `yaml:"headers"`
	TokenEnv   string            `yaml:"token_env"` // bearer token read from this variable
	Timeout    string            `yaml:"timeout"`
	MaxRetries int               `yaml:"max_retries"`
	RateLimit  float64           `yaml:"rate_limit"` // requests per second, 0 = unlimited
}

// HTTPDataset says how one dataset is read from an API.
type HTTPDataset struct {
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
