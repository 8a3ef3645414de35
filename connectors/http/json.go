package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vn-registries/dq/connectors/jsonkind"
)

// lookup follows a dotted path (result.records) through nested objects.
// An empty path is the body itself. present is false when a key is
// missing; a null value is present, with raw "null".
func lookup(body []byte, path string) (raw json.RawMessage, present bool, err error) {
	raw = body
	if path == "" {
		return raw, true, nil
	}
	for _, key := range strings.Split(path, ".") {
		switch jsonkind.Of(raw) {
		case jsonkind.Object:
		case jsonkind.Null:
			return nil, false, nil
		default:
			return nil, false, fmt.Errorf("%s: no object holds %q", path, key)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		v, ok := obj[key]
		if !ok {
			return nil, false, nil
		}
		raw = v
	}
	return raw, true, nil
}

// records reads the records array at path. A null array is an empty page
// (some APIs end with "data": null); a missing one is an error, so a
// mistyped records: never reads as an empty dataset.
func records(body []byte, path string) ([]json.RawMessage, error) {
	raw, present, err := lookup(body, path)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, fmt.Errorf("no %s in the body (records: says where the records array is)", path)
	}
	switch jsonkind.Of(raw) {
	case jsonkind.Null:
		return nil, nil
	case jsonkind.Array:
	default:
		where := path
		if where == "" {
			where = "the body"
		}
		return nil, fmt.Errorf("%s is %s, not an array (records: says where the records array is)", where, jsonkind.Of(raw).String())
	}
	var recs []json.RawMessage
	if err := json.Unmarshal(raw, &recs); err != nil {
		return nil, err
	}
	return recs, nil
}

// scalarText is a cursor or total as text: a string unquoted, a number as
// written. ok is false for objects, arrays and booleans.
func scalarText(raw json.RawMessage) (string, bool) {
	switch jsonkind.Of(raw) {
	case jsonkind.String:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	case jsonkind.Int, jsonkind.Float:
		return string(raw), true
	}
	return "", false
}

// ckanError reads CKAN's {"success": false, "error": {"message": ...,
// "__type": ...}}.
func ckanError(body []byte) (string, bool) {
	var e struct {
		Success *bool `json:"success"`
		Error   struct {
			Message string `json:"message"`
			Type    string `json:"__type"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Success == nil || *e.Success {
		return "", false
	}
	msg := e.Error.Message
	if msg == "" {
		// Validation errors carry field: [messages] instead.
		var raw struct {
			Error map[string]json.RawMessage `json:"error"`
		}
		_ = json.Unmarshal(body, &raw)
		delete(raw.Error, "__type")
		if b, err := json.Marshal(raw.Error); err == nil && len(raw.Error) > 0 {
			msg = string(b)
		}
	}
	if e.Error.Type != "" {
		msg = e.Error.Type + ": " + msg
	}
	return "CKAN error: " + msg, true
}

// field is one key of a record with its raw value.
type field struct {
	key string
	raw json.RawMessage
}

// splitObject splits a record into its keys, in order, and raw values.
func splitObject(rec []byte, out []field) ([]field, error) {
	if jsonkind.Of(rec) != jsonkind.Object {
		return out, fmt.Errorf("a record is %s, not an object", jsonkind.Of(rec).String())
	}
	dec := json.NewDecoder(bytes.NewReader(rec))
	if _, err := dec.Token(); err != nil {
		return out, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out, err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out, err
		}
		out = append(out, field{key: key, raw: raw})
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return out, err
	}
	return out, nil
}
