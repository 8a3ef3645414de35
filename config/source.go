package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// sharedSourceKeys are decoded by config for every kind; any other key of
// a source is its connector's.
var sharedSourceKeys = []string{"kind", "timezone"}

// UnmarshalYAML decodes the shared keys and keeps the rest of the mapping,
// with its lines, for the connector.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return typeErr(fmt.Sprintf("line %d: a source must be a mapping like {kind: postgres, dsn: ...}, got %s", n.Line, nodeKind(n)))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Tag != "!!merge" {
			if line, dup := seen[k.Value]; dup {
				return typeErr(fmt.Sprintf("line %d: mapping key %q already defined at line %d", k.Line, k.Value, line))
			}
			seen[k.Value] = k.Line
		}
	}
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
	for _, kv := range pairs(n) {
		k, v := kv[0], kv[1]
		var err error
		switch k.Value {
		case "kind":
			err = v.Decode(&s.Kind)
		case "timezone":
			err = v.Decode(&s.Timezone)
		default:
			rest.Content = append(rest.Content, k, v)
		}
		if err != nil {
			return &yaml.TypeError{Errors: fieldProblems(v.Line, k.Value, err)}
		}
	}
	if len(rest.Content) > 0 {
		s.Settings = rest
	}
	return nil
}

// NewSource is a source built in code (tests, the demo loader) rather
// than read from a file; settings is what its YAML would hold besides
// kind:, as a map or a struct with yaml tags. It panics on a value YAML
// cannot hold, a programming error.
func NewSource(name, kind string, settings any) Source {
	s := Source{Name: name, Kind: kind}
	if settings == nil {
		return s
	}
	s.Settings = &yaml.Node{}
	if err := s.Settings.Encode(settings); err != nil {
		panic(fmt.Sprintf("config: source %s: %v", name, err))
	}
	return s
}

// Location is where the source was written.
func (s Source) Location() Location { return Location{File: s.File, Line: s.Line} }

// Field names the source, or one of its keys (dotted for a nested one),
// in messages: sources.pop.statement_timeout.
func (s Source) Field(key string) string {
	f := "sources." + s.Name
	if key != "" {
		f += "." + key
	}
	return f
}

// Decode decodes the source's settings into dst, a pointer to a struct
// with yaml tags: the connector's own keys. Keys dst does not have are
// errors naming their line and every key the source may have.
func (s Source) Decode(dst any) error {
	return decodeStrict(s.Settings, dst, s.Location(), s.Field(""), sharedSourceKeys)
}

// Errorf builds a config error about the source's key (dotted for a
// nested one, "" for the source as a whole), located at that key when it
// was written.
func (s Source) Errorf(key, format string, args ...any) *Error {
	loc := s.Location()
	if key != "" {
		loc = at(loc, lineOf(s.Settings, key))
	}
	return &Error{Loc: loc, Field: s.Field(key), Msg: fmt.Sprintf(format, args...)}
}
