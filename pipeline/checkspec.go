package pipeline

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// A check spec is a check written on the command line, as a steward
// types it: kind(column, ..., key=value, ...). Positional arguments are
// the columns (one is column:, several columns:); key=value pairs are the
// check's other keys, each value read as YAML reads a flow value, so
// values=[M, F] is a list, mostly=0.99 a number and pattern='^[0-9]+$' a
// string. Examples:
//
//	not_null(cccd)
//	unique(full_name, birth_date)
//	format(cccd, validator=cccd, mostly=0.99)
//	in_set(gender, values=[M, F])
//	row_count(min=1000)
var (
	specCall = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$`)
	specKey  = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$`)
)

// parseCheckSpec turns a spec into the mapping a config would hold for
// it, its id made from the kind and columns unless id= gives one.
func parseCheckSpec(spec string) (*yaml.Node, error) {
	m := specCall.FindStringSubmatch(spec)
	if m == nil {
		return nil, fmt.Errorf("expected kind(column, key=value, ...), e.g. not_null(cccd) or format(cccd, validator=cccd)")
	}
	kind := m[1]
	args, err := splitArgs(m[2])
	if err != nil {
		return nil, err
	}
	var columns []string
	var keys, values []*yaml.Node
	id := ""
	for _, a := range args {
		if km := specKey.FindStringSubmatch(a); km != nil {
			v, err := flowValue(km[2])
			if err != nil {
				return nil, fmt.Errorf("%s=: %v", km[1], err)
			}
			if km[1] == "id" {
				id = v.Value
			}
			keys, values = append(keys, str(km[1])), append(values, v)
			continue
		}
		col := strings.TrimSpace(a)
		if col == "" {
			return nil, fmt.Errorf("an empty argument; columns are named, e.g. unique(cccd, birth_date)")
		}
		columns = append(columns, unquote(col))
	}
	if id == "" {
		id = strings.Join(append([]string{kind}, columns...), "_")
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	if !hasKey(keys, "id") {
		n.Content = append(n.Content, str("id"), str(id))
	}
	n.Content = append(n.Content, str("kind"), str(kind))
	switch len(columns) {
	case 0:
	case 1:
		n.Content = append(n.Content, str("column"), str(columns[0]))
	default:
		list := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, c := range columns {
			list.Content = append(list.Content, str(c))
		}
		n.Content = append(n.Content, str("columns"), list)
	}
	for i := range keys {
		n.Content = append(n.Content, keys[i], values[i])
	}
	return n, nil
}

// splitArgs splits at the commas outside quotes and brackets.
func splitArgs(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	depth, start := 0, 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '[' || r == '{' || r == '(':
			depth++
		case r == ']' || r == '}' || r == ')':
			depth--
		case r == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("a %c quote is not closed", quote)
	}
	if depth != 0 {
		return nil, fmt.Errorf("a bracket is not closed")
	}
	return append(out, s[start:]), nil
}

// flowValue reads a value as YAML reads a flow value; text YAML cannot
// read (a regex such as ^[0-9]{12}$ is fine, `a: b` is not) is a string.
func flowValue(s string) (*yaml.Node, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("no value")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind == yaml.MappingNode && !strings.HasPrefix(s, "{") {
		return str(s), nil
	}
	v := doc.Content[0]
	if v.Kind != yaml.ScalarNode {
		v.Style = yaml.FlowStyle
	}
	return v, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func hasKey(keys []*yaml.Node, k string) bool {
	for _, n := range keys {
		if n.Value == k {
			return true
		}
	}
	return false
}

// hasArg reports whether the spec gives key= itself.
func hasArg(spec, key string) bool {
	m := specCall.FindStringSubmatch(spec)
	if m == nil {
		return false
	}
	args, _ := splitArgs(m[2])
	for _, a := range args {
		if km := specKey.FindStringSubmatch(a); km != nil && km[1] == key {
			return true
		}
	}
	return false
}
