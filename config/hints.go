package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// dataExtensions are files people give as --config by mistake: data, not
// configs.
var dataExtensions = map[string]string{
	".csv": "CSV", ".tsv": "CSV", ".parquet": "Parquet", ".pq": "Parquet",
	".jsonl": "JSON lines", ".ndjson": "JSON lines", ".gz": "compressed data",
}

// notAConfig is errs, or, when the file is a data file given as a config
// (by its extension, or text whose first line is a CSV header), one
// problem that says so and what to type instead.
func notAConfig(path string, raw []byte, errs Errors) error {
	kind, ok := dataExtensions[strings.ToLower(filepath.Ext(path))]
	if !ok && looksLikeCSV(raw) {
		kind, ok = "CSV", true
	}
	if !ok {
		return errs
	}
	return Errors{{Loc: Location{File: path}, Msg: fmt.Sprintf(
		"this is a data file (%s), not a dq config; check it without a config: dq check %s --check 'not_null(COLUMN)', see what it holds: dq profile %s, or let dq write the config: dq profile %s --suggest > dataset.yaml",
		kind, path, path, path)}}
}

// looksLikeCSV reports whether raw's first line is a header of several
// names separated by commas, semicolons or tabs, and no YAML key.
func looksLikeCSV(raw []byte) bool {
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	s := strings.TrimSpace(string(line))
	if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "-") || yamlKey.MatchString(s) {
		return false
	}
	for _, sep := range []string{",", ";", "\t"} {
		if strings.Count(s, sep) >= 1 && !strings.Contains(s, "{") && !strings.Contains(s, "[") {
			return true
		}
	}
	return false
}

var yamlKey = regexp.MustCompile(`^[A-Za-z0-9_."'-]+\s*:(\s|$)`)

// syntaxHint adds to a YAML syntax error at a line what the line says and
// what is usually wrong: a key indented unlike its neighbours, a tab.
func syntaxHint(e *Error, raw []byte) {
	if e.Loc.Line <= 0 {
		return
	}
	lines := strings.Split(string(raw), "\n")
	if e.Loc.Line > len(lines) {
		return
	}
	text := strings.TrimRight(lines[e.Loc.Line-1], "\r")
	hint := ""
	switch {
	case strings.Contains(text, "\t") && strings.Contains(e.Msg, "cannot start any token"):
		hint = "YAML indents with spaces, not tabs"
	case strings.Contains(e.Msg, "mapping values are not allowed"),
		strings.Contains(e.Msg, "did not find expected key"),
		strings.Contains(e.Msg, "could not find expected ':'"),
		strings.Contains(e.Msg, "block sequence entries are not allowed"),
		strings.Contains(e.Msg, "did not find expected '-' indicator"):
		hint = "check this line's indentation against the lines above it: the keys of one mapping start in the same column, and a list's items are indented under its key"
	}
	e.Msg += fmt.Sprintf(" (line %d: %q)", e.Loc.Line, strings.TrimSpace(text))
	if hint != "" {
		e.Msg += "; " + hint
	}
}

var typeMismatch = regexp.MustCompile("^((?:[\\w.]+: )?)cannot unmarshal !!(\\w+) (`[^`]*` )?into (.+)$")

// friendlyType rewrites yaml.v3's "cannot unmarshal !!str `abc` into
// float64" as what a person would say: expected a number, got "abc".
func friendlyType(msg string) string {
	m := typeMismatch.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	key, tag := m[1], m[2]
	got := map[string]string{"seq": "a list", "map": "a mapping", "str": "text", "int": "a whole number",
		"float": "a number", "bool": "true or false", "null": "nothing"}[tag]
	if v := strings.Trim(strings.TrimSpace(m[3]), "`"); v != "" {
		got = fmt.Sprintf("%q", v)
	}
	want := m[4]
	switch {
	case strings.HasPrefix(want, "float"):
		want = "a number"
	case strings.HasPrefix(want, "int") || strings.HasPrefix(want, "uint"):
		want = "a whole number"
	case want == "bool":
		want = "true or false"
	case want == "string":
		want = "one value (text)"
	case strings.HasPrefix(want, "[]"):
		want = "a list"
	case strings.HasPrefix(want, "map["):
		want = "a mapping (key: value)"
	default:
		want = "a mapping of " + strings.TrimPrefix(want, "config.")
	}
	if got == "" {
		got = tag
	}
	return fmt.Sprintf("%sexpected %s, got %s", key, want, got)
}
