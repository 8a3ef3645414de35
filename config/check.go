package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// commonCheckKeys are decoded by config for every kind; any other key is a
// parameter of the kind and is checked by it.
var commonCheckKeys = map[string]bool{
	"id": true, "kind": true, "dimension": true, "column": true, "columns": true,
	"mostly": true, "weight": true, "nulls": true, "null_values": true,
	"examples": true, "warn": true, "severity": true, "kpi": true,
	"title": true, "title_en": true, "description": true, "description_en": true,
}

// UnmarshalYAML splits a check mapping into the shared fields and the
// kind's parameters, keeping the line of each for error messages.
func (c *Check) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return typeErr(fmt.Sprintf("line %d: a check must be a mapping like {id: x, kind: not_null, column: y}, got %s", n.Line, nodeKind(n)))
	}
	// Every key's problem is told, and the rest of the file still decodes
	// (yaml.v3 goes on after a *yaml.TypeError): one pass of dq validate
	// lists them all.
	var problems []string
	c.Line, c.Col = n.Line, n.Column
	c.Params = map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "id":
			err = v.Decode(&c.ID)
		case "kind":
			err = v.Decode(&c.Kind)
		case "dimension":
			err = v.Decode(&c.Dimension)
		case "column":
			err = v.Decode(&c.Column)
		case "columns":
			if v.Kind == yaml.MappingNode {
				// A mapping (agrees: column → how to compare) belongs to
				// the kind; a list is the shared columns: key.
				c.Params[k.Value] = v
				continue
			}
			err = v.Decode(&c.Columns)
		case "mostly":
			c.Mostly = new(float64)
			err = v.Decode(c.Mostly)
		case "weight":
			err = v.Decode(&c.Weight)
		case "nulls":
			err = v.Decode(&c.Nulls)
		case "null_values":
			err = v.Decode(&c.NullValues)
		case "examples":
			c.Examples = new(int)
			err = v.Decode(c.Examples)
		case "severity":
			err = v.Decode(&c.Severity)
		case "kpi":
			c.KPI = new(bool)
			err = v.Decode(c.KPI)
		case "title":
			err = v.Decode(&c.Title)
		case "title_en":
			err = v.Decode(&c.TitleEN)
		case "description":
			err = v.Decode(&c.Description)
		case "description_en":
			err = v.Decode(&c.DescriptionEN)
		case "warn":
			if v.Kind != yaml.MappingNode {
				problems = append(problems, fmt.Sprintf("line %d: warn must be a mapping of stricter thresholds, e.g. warn: {mostly: 0.999}", v.Line))
				continue
			}
			c.Warn = map[string]*yaml.Node{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				c.Warn[v.Content[j].Value] = v.Content[j+1]
			}
		default:
			if _, dup := c.Params[k.Value]; dup {
				problems = append(problems, fmt.Sprintf("line %d: key %q given twice", k.Line, k.Value))
				continue
			}
			c.Params[k.Value] = v
		}
		if err != nil {
			problems = append(problems, fieldProblems(v.Line, k.Value, err)...)
		}
	}
	if len(problems) > 0 {
		return &yaml.TypeError{Errors: problems}
	}
	return nil
}

// fieldProblems are the problems of decoding key's value (at line) in
// yaml.v3's form, "line N: key: what", for decode to word for people
// once it has put back any value taken from the environment.
func fieldProblems(line int, key string, err error) []string {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = fmt.Sprintf("line %d: %s: %s", line, key, linePrefix.ReplaceAllString(m, ""))
	}
	return out
}

func typeErr(msg string) error { return &yaml.TypeError{Errors: []string{msg}} }

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.SequenceNode:
		return "a list"
	default:
		return "something else"
	}
}

// Decode decodes the kind's parameters into dst, a pointer to a struct
// with yaml tags, rejecting keys dst does not have. The error names the
// line and lists the allowed keys, so a typo is caught, not ignored.
func (c *Check) Decode(dst any) error {
	keys := yamlKeysOf(dst)
	allowed := map[string]bool{}
	for _, k := range keys {
		allowed[k] = true
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for name, v := range c.Params {
		if !allowed[name] {
			line := v.Line
			all := append([]string{"id", "kind", "dimension", "column", "columns", "mostly", "weight", "nulls", "null_values", "examples", "warn"}, keys...)
			return &Error{Loc: Location{File: c.File, Line: line}, Field: c.Field(name),
				Msg: fmt.Sprintf("unknown key %q for kind %s%s (allowed: %s)", name, c.Kind, DidYouMean(name, all), strings.Join(all, ", "))}
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, v)
	}
	if err := m.Decode(dst); err != nil {
		return &Error{Loc: c.Location(), Field: c.Field(""), Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return nil
}

// Field names a check (and one of its keys) in messages.
func (c *Check) Field(key string) string {
	s := fmt.Sprintf("check %s", c.ID)
	if key != "" {
		s += "." + key
	}
	return s
}

// Errorf builds a config error located at the check, or at one of its
// parameters when key names one.
func (c *Check) Errorf(key, format string, args ...any) *Error {
	loc := c.Location()
	if n, ok := c.Params[key]; ok {
		loc.Line = n.Line
	} else if n, ok := c.Warn[key]; ok {
		loc.Line = n.Line
	}
	return &Error{Loc: loc, Field: c.Field(key), Msg: fmt.Sprintf(format, args...)}
}
