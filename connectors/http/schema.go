package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/connectors/jsonkind"
)

// inferRecords is how many records the schema is inferred from.
const inferRecords = 1000

// Column types a schema: may declare.
const (
	typeString    = "string"
	typeInt64     = "int64"
	typeFloat64   = "float64"
	typeBool      = "bool"
	typeDate      = "date"
	typeTimestamp = "timestamp"
)

// Inference tells where the stream's schema came from.
type Inference struct {
	// Declared is true when the dataset's schema: gave the columns.
	Declared bool
	// Records is how many records the types were inferred from.
	Records int
	Columns []Column
}

// Column is one column and why it has its type.
type Column struct {
	Name string
	Type string // string, int64, float64, bool, date, timestamp
	// Seen lists the JSON kinds the inferred column's values had
	// (string, integer, number, bool, object, array, null).
	Seen []string
}

// String is the inference as one line for logs: `id int64, name string`,
// with the kinds seen when a column was read as text for mixing them.
func (in Inference) String() string {
	parts := make([]string, len(in.Columns))
	for i, c := range in.Columns {
		parts[i] = c.Name + " " + c.Type
		if len(c.Seen) > 1 || (len(c.Seen) == 1 && c.Type == typeString && c.Seen[0] != "string") {
			parts[i] += " (" + strings.Join(c.Seen, "|") + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// inferrer collects the kinds of each key, in order of first appearance.
type inferrer struct {
	names []string
	index map[string]int
	kinds []jsonkind.Kind
	n     int
}

func (in *inferrer) add(rec []field) {
	in.n++
	for _, f := range rec {
		i, ok := in.index[f.key]
		if !ok {
			i = len(in.names)
			in.index[f.key] = i
			in.names = append(in.names, f.key)
			in.kinds = append(in.kinds, 0)
		}
		in.kinds[i] |= jsonkind.Of(f.raw)
	}
}

// typeOfKinds: integers are int64, numbers float64, bools bool; strings,
// objects, arrays, mixtures and null-only keys are text.
func typeOfKinds(k jsonkind.Kind) string {
	switch k &^ jsonkind.Null {
	case jsonkind.Int:
		return typeInt64
	case jsonkind.Int | jsonkind.Float, jsonkind.Float:
		return typeFloat64
	case jsonkind.Bool:
		return typeBool
	}
	return typeString
}

func (in *inferrer) inference() Inference {
	out := Inference{Records: in.n, Columns: make([]Column, len(in.names))}
	for i, name := range in.names {
		c := Column{Name: name, Type: typeOfKinds(in.kinds[i])}
		for k := jsonkind.Null; k <= jsonkind.Array; k <<= 1 {
			if in.kinds[i]&k != 0 {
				c.Seen = append(c.Seen, k.String())
			}
		}
		out.Columns[i] = c
	}
	return out
}

// declared checks a schema: and orders its columns by name (YAML maps
// have no order).
func declared(schema map[string]string) (Inference, error) {
	out := Inference{Declared: true}
	for name, t := range schema {
		switch t = strings.ToLower(strings.TrimSpace(t)); t {
		case typeString, typeInt64, typeFloat64, typeBool, typeDate, typeTimestamp:
		default:
			return out, fmt.Errorf("%s: unknown type %q (string, int64, float64, bool, date, timestamp)", name, schema[name])
		}
		out.Columns = append(out.Columns, Column{Name: name, Type: t})
	}
	sort.Slice(out.Columns, func(i, j int) bool { return out.Columns[i].Name < out.Columns[j].Name })
	return out, nil
}

func arrowType(t string) arrow.DataType {
	switch t {
	case typeInt64:
		return arrow.PrimitiveTypes.Int64
	case typeFloat64:
		return arrow.PrimitiveTypes.Float64
	case typeBool:
		return arrow.FixedWidthTypes.Boolean
	case typeDate:
		return arrow.FixedWidthTypes.Date32
	case typeTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	return arrow.BinaryTypes.String
}

func (in Inference) schema() *arrow.Schema {
	fields := make([]arrow.Field, len(in.Columns))
	for i, c := range in.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Type), Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// converter appends JSON values to builders. A value that does not fit
// its column is appended as NULL and reported (ok false). Declared
// columns are lenient: a number or bool written as a string fits.
type converter struct {
	lenient bool
	loc     *time.Location // for timestamps without a zone
	buf     bytes.Buffer
}

// appendValue appends raw (never JSON null) to b; false when it did not
// fit and NULL went in instead.
func (cv *converter) appendValue(b array.Builder, raw json.RawMessage) bool {
	k := jsonkind.Of(raw)
	switch b := b.(type) {
	case *array.StringBuilder:
		switch k {
		case jsonkind.String:
			var s string
			if json.Unmarshal(raw, &s) != nil {
				break
			}
			b.Append(s)
			return true
		case jsonkind.Object, jsonkind.Array:
			cv.buf.Reset()
			if json.Compact(&cv.buf, raw) != nil {
				break
			}
			b.Append(cv.buf.String())
			return true
		default:
			b.Append(string(bytes.TrimSpace(raw)))
			return true
		}
	case *array.Int64Builder:
		if v, ok := cv.int64(raw, k); ok {
			b.Append(v)
			return true
		}
	case *array.Float64Builder:
		if v, ok := cv.float64(raw, k); ok {
			b.Append(v)
			return true
		}
	case *array.BooleanBuilder:
		switch {
		case k == jsonkind.Bool:
			b.Append(bytes.TrimSpace(raw)[0] == 't')
			return true
		case k == jsonkind.String && cv.lenient:
			if v, err := strconv.ParseBool(cv.str(raw)); err == nil {
				b.Append(v)
				return true
			}
		}
	case *array.Date32Builder:
		if k == jsonkind.String {
			if t, ok := parseDate(cv.str(raw)); ok {
				b.Append(arrow.Date32FromTime(t))
				return true
			}
		}
	case *array.TimestampBuilder:
		if k == jsonkind.String {
			if t, ok := parseTimestamp(cv.str(raw), cv.loc); ok {
				b.Append(arrow.Timestamp(t.UnixMicro()))
				return true
			}
		}
	}
	b.AppendNull()
	return false
}

func (cv *converter) str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return strings.TrimSpace(s)
}

func (cv *converter) int64(raw json.RawMessage, k jsonkind.Kind) (int64, bool) {
	text := string(bytes.TrimSpace(raw))
	switch {
	case k == jsonkind.Int:
	case k == jsonkind.String && cv.lenient:
		text = cv.str(raw)
	case k == jsonkind.Float && cv.lenient:
		// 12.0 is a whole number; 12.5 or 1e300 is not.
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return 0, false
		}
		return int64(f), true
	default:
		return 0, false
	}
	v, err := strconv.ParseInt(text, 10, 64)
	return v, err == nil
}

func (cv *converter) float64(raw json.RawMessage, k jsonkind.Kind) (float64, bool) {
	text := string(bytes.TrimSpace(raw))
	switch {
	case k == jsonkind.Int || k == jsonkind.Float:
	case k == jsonkind.String && cv.lenient:
		text = cv.str(raw)
	default:
		return 0, false
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseDate reads 2006-01-02, or a timestamp at midnight without a zone
// (CKAN writes dates as 2006-01-02T00:00:00).
func parseDate(s string) (time.Time, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	for _, layout := range zoneless {
		if t, err := time.Parse(layout, s); err == nil && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

var (
	zoned    = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00"}
	zoneless = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}
)

// parseTimestamp reads RFC 3339 (with a zone), or a date and time without
// one, which is read in loc.
func parseTimestamp(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range zoned {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range zoneless {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
