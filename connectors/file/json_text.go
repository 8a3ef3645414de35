package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vn-registries/dq/connectors/jsonkind"
)

// A JSON value in a text column reads as DuckDB's read_json gives it for
// a VARCHAR column (the direct path), so that a file reads the same in
// both modes:
//   - a string is its text, without quotes or escapes;
//   - a whole number is its digits (-0 is 0), whatever its size;
//   - another number is DuckDB's text of the DOUBLE: the shortest digits
//     that read back the same, in exponent form below 1e-4 and from 1e16
//     (2.50 is 2.5, 1e3 is 1000.0, 1e-7 is 1e-07);
//   - true and false are themselves;
//   - an object or an array is compact JSON, written the way DuckDB's
//     JSON library writes it: keys in order (a repeated one kept),
//     strings with only the escapes JSON requires, numbers as above but
//     in exponent form below 1e-6 and from 1e21, without padding
//     (1e-7, 1e21).

// appendJSONText appends the text of a raw JSON value that is not null.
func appendJSONText(dst, raw []byte) ([]byte, error) {
	switch jsonkind.Of(raw) {
	case jsonkind.String:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return dst, err
		}
		return append(dst, s...), nil
	case jsonkind.Object, jsonkind.Array:
		return appendCompactJSON(dst, raw)
	case jsonkind.Int, jsonkind.Float:
		return appendNumber(dst, string(bytes.TrimSpace(raw)), -4, 16, true)
	}
	return append(dst, bytes.TrimSpace(raw)...), nil
}

// appendNumber appends a JSON number: a whole one as its digits, another
// as the shortest text of its DOUBLE, in fixed form for exponents from
// lo to below hi (with .0 when it has no fraction) and in exponent form
// otherwise, the exponent signed and of two digits at least when padded.
func appendNumber(dst []byte, num string, lo, hi int, padded bool) ([]byte, error) {
	if !strings.ContainsAny(num, ".eE") {
		if num == "-0" {
			num = "0"
		}
		return append(dst, num...), nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return dst, fmt.Errorf("number %s: %w", num, err)
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(sci, "e")
	e, _ := strconv.Atoi(exp)
	if lo <= e && e < hi {
		fixed := strconv.FormatFloat(f, 'f', -1, 64)
		dst = append(dst, fixed...)
		if !strings.Contains(fixed, ".") {
			dst = append(dst, ".0"...)
		}
		return dst, nil
	}
	if padded {
		return append(dst, sci...), nil
	}
	return strconv.AppendInt(append(append(dst, mant...), 'e'), int64(e), 10), nil
}

// appendCompactJSON appends an object or array as DuckDB writes it.
func appendCompactJSON(dst, raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// Per open object or array: how many of its members are written, and
	// whether it is an object (whose members alternate key and value).
	type level struct {
		object bool
		n      int
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			dst = append(dst, byte(d))
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			switch {
			case top.object && top.n%2 == 1:
				dst = append(dst, ':')
			case top.n > 0:
				dst = append(dst, ',')
			}
			top.n++
		}
		switch v := tok.(type) {
		case json.Delim:
			stack = append(stack, level{object: v == '{'})
			dst = append(dst, byte(v))
		case string:
			dst = appendJSONString(dst, v)
		case json.Number:
			if dst, err = appendNumber(dst, v.String(), -6, 21, false); err != nil {
				return dst, err
			}
		case bool:
			dst = strconv.AppendBool(dst, v)
		case nil:
			dst = append(dst, "null"...)
		}
	}
}

// appendJSONString quotes s with only the escapes JSON requires: quote,
// backslash and control characters.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\b':
			dst = append(dst, `\b`...)
		case r == '\f':
			dst = append(dst, `\f`...)
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
