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
	Register(Kind{Name: "regex", Dimension: "correct", Severity: config.SeverityMajor, Columns: NamedColumns, New: func() Check { return &regex{} }})
}

// regex checks values against a pattern, or a list of patterns, with
// search semantics, as every engine's regex operator has: anchor with ^
// and $ to match whole values. Patterns are RE2 (DuckDB's engine),
// compiled here so a bad pattern is a config error, not a run-time one.
type regex struct {
	valueCheck
	params patternParams
}

var _ Check = (*regex)(nil)

func (c *regex) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	return c.params.validate(spec)
}

func (c *regex) valid(s Scope, col Column) (string, error) {
	return c.params.matches(s, col), nil
}

// patternParams are pattern: or patterns: with match: any|all, the
// parameters of regex and not_regex.
type patternParams struct {
	Pattern  string   `yaml:"pattern"`
	Patterns []string `yaml:"patterns"`
	Match    string   `yaml:"match"`
}

// validate decides the edge cases: an empty pattern matches every value
// (search semantics), so regex would pass and not_regex fail everything
// whatever the data; it is an error, as is an empty list.
func (p *patternParams) validate(spec *config.Check) error {
	switch {
	case p.Pattern != "" && len(p.Patterns) > 0:
		return spec.Errorf("patterns", "give pattern: or patterns:, not both")
	case p.Pattern != "":
		if p.Match != "" {
			return spec.Errorf("match", "match: goes with a list of patterns:")
		}
		p.Patterns = []string{p.Pattern}
	case spec.Params["patterns"] != nil && len(p.Patterns) == 0:
		return spec.Errorf("patterns", "patterns: is an empty list; give at least one pattern")
	case len(p.Patterns) == 0:
		return spec.Errorf("pattern", "%s needs pattern: (or patterns: with match: any or all); an empty pattern matches every value", spec.Kind)
	}
	switch p.Match {
	case "":
		p.Match = "any"
	case "any", "all":
	default:
		return spec.Errorf("match", "match must be any or all, got %q", p.Match)
	}
	key := "pattern"
	if spec.Params["patterns"] != nil {
		key = "patterns"
	}
	for _, pat := range p.Patterns {
		if pat == "" {
			return spec.Errorf(key, "an empty pattern matches every value; remove it")
		}
		if _, err := regexp.Compile(pat); err != nil {
			return spec.Errorf(key, "%s", patternProblem(pat, err))
		}
	}
	return nil
}

// matches is the predicate that a value matches the patterns as match:
// says: one of them (any) or every one (all).
func (p *patternParams) matches(s Scope, col Column) string {
	d := s.Dialect()
	// Shared: a validator of the same column may test the same (a
	// CCCD's 12 digits), and the examples test it again.
	if len(p.Patterns) == 1 {
		return s.Shared(d.RegexMatch(col.SQL, p.Patterns[0]))
	}
	parts := make([]string, len(p.Patterns))
	for i, pat := range p.Patterns {
		parts[i] = s.Shared(d.RegexMatch(col.SQL, pat))
	}
	join := " OR "
	if p.Match == "all" {
		join = " AND "
	}
	return "(" + strings.Join(parts, join) + ")"
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
