// Package jsonkind tells the kind of a raw JSON value from its first
// bytes, for the connectors that infer Arrow types from JSON (file's JSON
// lines, http's records) without decoding every value.
package jsonkind

import (
	"bytes"
	"strconv"
)

// Kind is a JSON value's kind; kinds are bits, so the kinds a key's
// values had can be or-ed together.
type Kind uint8

const (
	Null Kind = 1 << iota
	String
	Int // a number that is a whole number within int64
	Float
	Bool
	Object
	Array
)

// Of tells a raw JSON value's kind from its first byte; white space
// around it is skipped, and an empty value is Null.
func Of(raw []byte) Kind {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return Null
	}
	switch raw[0] {
	case 'n':
		return Null
	case '"':
		return String
	case 't', 'f':
		return Bool
	case '{':
		return Object
	case '[':
		return Array
	}
	if _, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64); err == nil {
		return Int
	}
	return Float
}

// String names a single kind: null, string, integer, number, bool,
// object or array ("?" for none or several).
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case String:
		return "string"
	case Int:
		return "integer"
	case Float:
		return "number"
	case Bool:
		return "bool"
	case Object:
		return "object"
	case Array:
		return "array"
	}
	return "?"
}
