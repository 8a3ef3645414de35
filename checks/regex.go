package checks

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

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
		return spec.Errorf("pattern", "%s", patternProblem(c.params.Pattern, err))
	}
	return nil
}

// patternProblem says what is wrong with a pattern and where: the
// character the offending part starts at (from 1) and that part, which
// Go's parser reports as the rest of the pattern from there or as the
// operator at fault.
func patternProblem(pattern string, err error) string {
	var se *syntax.Error
	if !errors.As(err, &se) || se.Expr == "" {
		return fmt.Sprintf("invalid pattern %q: %v", pattern, err)
	}
	at := strings.Index(pattern, se.Expr)
	if strings.HasSuffix(pattern, se.Expr) {
		at = len(pattern) - len(se.Expr)
	}
	if at < 0 {
		return fmt.Sprintf("invalid pattern %q: %s: %s", pattern, se.Code, se.Expr)
	}
	return fmt.Sprintf("invalid pattern %q: %s at character %d: %s ⟵ here: %s", pattern, se.Code, utf8.RuneCountInString(pattern[:at])+1, pattern[:at], pattern[at:])
}

func (c *regex) valid(s Scope, col Column) (string, error) {
	return s.Dialect().RegexMatch(col.SQL, c.params.Pattern), nil
}
