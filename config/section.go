package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// DecodeSection decodes n, a part of the config kept raw for the package
// that owns it (a connector's settings), into dst, a pointer to a struct
// with yaml tags. Like the rest of the file it is strict: a key dst has
// no field for, at any depth, is an error naming its line and the allowed
// keys. loc gives the file (and the line when a node has none); field
// names the section in messages. An absent (nil or zero) or null n leaves
// dst as it is.
func DecodeSection(n *yaml.Node, dst any, loc Location, field string) error {
	return decodeStrict(n, dst, loc, field, nil)
}

// decodeStrict is DecodeSection; shared lists keys the section's mapping
// had that config decoded itself, named among the allowed ones.
func decodeStrict(n *yaml.Node, dst any, loc Location, field string, shared []string) error {
	if n == nil || n.Kind == 0 || n.Tag == "!!null" {
		return nil
	}
	if e := unknownKey(n, reflect.TypeOf(dst), loc, field, shared); e != nil {
		return e
	}
	if err := n.Decode(dst); err != nil {
		return decodeError(err, loc, field)
	}
	return nil
}

// unknownKey finds the first mapping key under n that type t has no field
// for; shared are keys the section's own mapping may have besides t's.
func unknownKey(n *yaml.Node, t reflect.Type, loc Location, field string, shared []string) *Error {
	var e *Error
	strayKeys(n, t, field, func(k *yaml.Node, kt reflect.Type, in string) bool {
		allowed := YAMLKeys(kt)
		if in == field {
			allowed = append(slices.Clone(shared), allowed...)
		}
		e = &Error{Loc: at(loc, k.Line), Field: in,
			Msg: fmt.Sprintf("unknown key %q%s (allowed: %s)", k.Value, DidYouMean(k.Value, allowed), strings.Join(allowed, ", "))}
		return false
	})
	return e
}

var (
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
)

// strayKeys calls stray, in document order, for every mapping key under n
// that type t has no field for (with the struct type it is missing from
// and the dotted path of that mapping, field being n's), following
// structs, pointers, slices and map values. It stops as soon as stray
// returns false, and then returns false. A type that decodes itself (a
// yaml.Unmarshaler) or is kept raw for its owner (a yaml.Node) checks its
// own keys.
func strayKeys(n *yaml.Node, t reflect.Type, field string, stray func(key *yaml.Node, t reflect.Type, field string) bool) bool {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nodeType || reflect.PointerTo(t).Implements(unmarshalerType) {
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return true // Decode tells the type mismatch
		}
		for _, kv := range pairs(n) {
			k, v := kv[0], kv[1]
			f, ok := fieldByKey(t, k.Value)
			if !ok {
				if !stray(k, t, field) {
					return false
				}
				continue
			}
			if !strayKeys(v, f.Type, joinField(field, k.Value), stray) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return true
		}
		for i, item := range n.Content {
			if !strayKeys(item, t.Elem(), fmt.Sprintf("%s[%d]", field, i), stray) {
				return false
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return true
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !strayKeys(n.Content[i+1], t.Elem(), joinField(field, n.Content[i].Value), stray) {
				return false
			}
		}
	}
	return true
}

// joinField is field's key, dotted.
func joinField(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// pairs are the keys and values of the mapping n with YAML merge keys
// (<<: *defaults) resolved as yaml.v3 does: n's own keys win, then the
// merged mappings in order.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	var own, merged [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag != "!!merge" {
			own = append(own, [2]*yaml.Node{k, v})
			continue
		}
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		from := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			from = v.Content
		}
		for _, m := range from {
			if m.Kind == yaml.AliasNode {
				m = m.Alias
			}
			if m.Kind == yaml.MappingNode {
				merged = append(merged, pairs(m)...)
			}
		}
	}
	seen := map[string]bool{}
	out := make([][2]*yaml.Node, 0, len(own)+len(merged))
	for _, kv := range append(own, merged...) {
		if !seen[kv[0].Value] {
			seen[kv[0].Value] = true
			out = append(out, kv)
		}
	}
	return out
}

// fieldByKey is t's field with the yaml tag key; a field without one (a
// Config's unexported state) has no key, not the empty key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key && name != "" && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// at is loc on line, or loc itself for a node without a line (one built
// in code rather than read from a file).
func at(loc Location, line int) Location {
	if line > 0 {
		loc.Line = line
	}
	return loc
}

var linePrefix = regexp.MustCompile(`^line (\d+): `)

// decodeError locates yaml.v3's decoding errors ("line 4: cannot
// unmarshal ...") in the file.
func decodeError(err error, loc Location, field string) error {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	var errs Errors
	for _, msg := range msgs {
		l := loc
		if m := linePrefix.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			l, msg = at(loc, n), msg[len(m[0]):]
		}
		errs.Add(l, field, "%s", msg)
	}
	return errs
}

// lineOf is the line of the key at path (dotted, e.g. http.timeout) in
// the mapping n, or 0 when it is not there.
func lineOf(n *yaml.Node, path string) int {
	line := 0
	for _, key := range strings.Split(path, ".") {
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, next = n.Content[i].Line, n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
