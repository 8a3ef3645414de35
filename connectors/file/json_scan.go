package file

import "unicode/utf8"

// Inferring the columns of JSON lines reads as many lines as DuckDB's
// read_json samples, before the direct path's read: scanFields splits
// them several times faster than splitObject, finding each key and where
// its value ends without decoding or checking values, which the read
// itself does. A line it cannot split simply (not an object, a key with
// an escape or not UTF-8, anything malformed) is left to splitObject.

// rawField is one key of an object, as written without its quotes, and
// its raw value.
type rawField struct {
	key, raw []byte
}

// scanFields splits a line holding one JSON object; false when the line
// is not one it can split simply.
func scanFields(line []byte, out []rawField) ([]rawField, bool) {
	i := skipSpace(line, 0)
	if i == len(line) || line[i] != '{' {
		return out, false
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return out, skipSpace(line, i+1) == len(line)
	}
	for {
		if i == len(line) || line[i] != '"' {
			return out, false
		}
		end, escaped := stringEnd(line, i)
		if end < 0 || escaped || !utf8.Valid(line[i+1:end-1]) {
			return out, false
		}
		key := line[i+1 : end-1]
		i = skipSpace(line, end)
		if i == len(line) || line[i] != ':' {
			return out, false
		}
		i = skipSpace(line, i+1)
		vend := valueEnd(line, i)
		if vend < 0 {
			return out, false
		}
		out = append(out, rawField{key: key, raw: line[i:vend]})
		i = skipSpace(line, vend)
		switch {
		case i == len(line):
			return out, false
		case line[i] == ',':
			i = skipSpace(line, i+1)
		case line[i] == '}':
			return out, skipSpace(line, i+1) == len(line)
		default:
			return out, false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// stringEnd is the index after the closing quote of the string starting
// at b[i], -1 when it has none; escaped tells it has an escape.
func stringEnd(b []byte, i int) (end int, escaped bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}

// valueEnd is the index after the value starting at b[i], -1 when it
// does not end on the line.
func valueEnd(b []byte, i int) int {
	if i == len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := stringEnd(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for ; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if j == i {
				return -1
			}
			return j
		}
	}
	return j
}
