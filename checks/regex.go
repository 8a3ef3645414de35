package checks

import (
	"regexp"

	"github.com/vn-registries/dq/config"
)

func init() {
	Register(Kind{Name: "regex", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &regex{} }})
}

// regex checks values against a pattern with search semantics, as every
// engine's regex operator has: anchor with ^ and $ to match whole values.
// Patterns are RE2 (DuckDB's engine), compiled here so a bad pattern is a
// config error, not a run-time one.
type regex struct {
	valueCheck
	params struct {
		Pattern string `yaml:"pattern"`
	}
}

var _ Check = (*regex)(nil)

func (c *regex) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	if c.params.Pattern == "" {
		return spec.Errorf("pattern", "regex needs pattern:")
	}
	if _, err := regexp.Compile(c.params.Pattern); err != nil {
		return spec.Errorf("pattern", "invalid pattern: %v", err)
	}
	return nil
}

func (c *regex) valid(s Scope, col Column) (string, error) {
	return s.Dialect().RegexMatch(col.SQL, c.params.Pattern), nil
}
