package validators

import (
	"regexp"
	"sort"
	"strings"
)

// trieRegex renders a set of literal strings as one regular expression
// whose alternations follow their shared prefixes, e.g. {"00004", "00008",
// "00025"} → 000(?:0[48]|25). A DFA engine (RE2) then decides membership
// in one pass over the value: on DuckDB, 3,321 commune codes take ~50 ms
// per million rows this way and ~1.8 s as an IN list. Values must be
// ASCII (codes); anything else falls back to a flat alternation.
func trieRegex(values []string) string {
	vs := append([]string(nil), values...)
	sort.Strings(vs)
	vs = dedupe(vs)
	for _, v := range vs {
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				quoted := make([]string, len(vs))
				for j, v := range vs {
					quoted[j] = regexp.QuoteMeta(v)
				}
				return "(?:" + strings.Join(quoted, "|") + ")"
			}
		}
	}
	if len(vs) == 0 {
		return "[^\\s\\S]" // matches nothing
	}
	return trieNode(vs)
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, v := range sorted {
		if i == 0 || v != sorted[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// trieNode renders sorted, distinct values; "" sorts first.
func trieNode(vs []string) string {
	optional := vs[0] == ""
	if optional {
		vs = vs[1:]
	}
	if len(vs) == 0 {
		return ""
	}
	var alts []string
	var class []byte // alphanumeric one-character leaves, as [..]
	for i := 0; i < len(vs); {
		c := vs[i][0]
		var rest []string
		for ; i < len(vs) && vs[i][0] == c; i++ {
			rest = append(rest, vs[i][1:])
		}
		if len(rest) == 1 && rest[0] == "" && isAlnum(c) {
			class = append(class, c)
			continue
		}
		alts = append(alts, regexp.QuoteMeta(string(c))+trieNode(rest))
	}
	switch {
	case len(class) == 1:
		alts = append(alts, string(class))
	case len(class) > 1:
		alts = append(alts, "["+string(class)+"]")
	}
	out := strings.Join(alts, "|")
	if len(alts) > 1 || optional {
		out = "(?:" + out + ")"
	}
	if optional {
		out += "?"
	}
	return out
}
