package clickhouse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/vn-registries/dq/dialect"
)

// lines reads a TabSeparated body line by line. ClickHouse has sent its
// 200 before the first row, so an error met mid-stream arrives as the
// exception's text after the rows, and a connection lost mid-stream as a
// last line without its newline: both are errors here, never a short
// result.
type lines struct {
	br   *bufio.Reader
	buf  []byte
	line int
}

func newLines(r io.Reader) *lines { return &lines{br: bufio.NewReaderSize(r, 1<<20)} }

// next returns the next line's fields (valid until the next call), or
// io.EOF after the last.
func (l *lines) next(fields [][]byte) ([][]byte, error) {
	b, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.buf = append(l.buf[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = l.br.ReadSlice('\n')
			l.buf = append(l.buf, b...)
		}
		b = l.buf
	}
	if err == io.EOF && len(b) == 0 {
		return nil, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	l.line++
	if err == io.EOF || b[len(b)-1] != '\n' {
		if bytes.HasPrefix(b, []byte("Code: ")) {
			return nil, serverText(b)
		}
		return nil, fmt.Errorf("the result ends mid-row at line %d: the connection was cut", l.line)
	}
	b = b[:len(b)-1]
	fields = fields[:0]
	for {
		i := bytes.IndexByte(b, '\t')
		if i < 0 {
			fields = append(fields, b)
			break
		}
		fields = append(fields, b[:i])
		b = b[i+1:]
	}
	return fields, nil
}

// serverText is an exception ClickHouse wrote into a result it had begun.
func serverText(b []byte) error {
	msg := strings.TrimSpace(string(b))
	if i := strings.Index(msg, ", e.what()"); i > 0 {
		msg = msg[:i]
	}
	return errors.New("the server failed mid-result: " + msg)
}

// header reads the names and types rows of TabSeparatedWithNamesAndTypes.
func (l *lines) header() (names, types []string, err error) {
	for i := 0; i < 2; i++ {
		f, err := l.next(nil)
		if err == io.EOF {
			return nil, nil, errors.New("the result has no header")
		}
		if err != nil {
			return nil, nil, err
		}
		row := make([]string, len(f))
		for j, v := range f {
			row[j] = string(unescape(v))
		}
		if i == 0 {
			names = row
		} else {
			types = row
		}
	}
	if len(names) != len(types) {
		return nil, nil, errors.New("the result's header is malformed")
	}
	return names, types, nil
}

var null = []byte(`\N`)

// unescape undoes TabSeparated's escapes; most values have none and are
// returned as they are.
func unescape(b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			out = append(out, c)
			continue
		}
		i++
		switch b[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		default: // \\, \', and any other escaped byte stand for themselves
			out = append(out, b[i])
		}
	}
	return out
}

// kind is how a result column is read: its base type (Nullable and
// LowCardinality stripped) and, for DateTime('zone'), the zone.
type kind struct {
	name        string // the server's type name, for messages
	base        string
	loc         *time.Location // DateTime: the zone its text is printed in
	prec, scale int32
}

// kindOf reads a type name. serverLoc is the zone a plain DateTime prints
// in (the server's).
func kindOf(typ string, serverLoc *time.Location) kind {
	k := kind{name: typ, base: dialect.BaseClickHouseType(typ), loc: serverLoc}
	switch {
	case strings.HasPrefix(k.base, "DateTime("):
		zone := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(k.base, "DateTime("), ")"), "' ")
		if loc, err := time.LoadLocation(zone); err == nil {
			k.loc = loc
		}
		k.base = "DateTime(zone)"
	case strings.HasPrefix(k.base, "Decimal("):
		var p, s int
		if _, err := fmt.Sscanf(k.base, "Decimal(%d, %d)", &p, &s); err == nil && p >= 1 && p <= 38 {
			k.prec, k.scale = int32(p), int32(s)
			k.base = "Decimal"
		}
	case strings.HasPrefix(k.base, "FixedString("), strings.HasPrefix(k.base, "Enum8("), strings.HasPrefix(k.base, "Enum16("):
		k.base = "String"
	}
	return k
}

// arrowType is the Arrow type a column is extracted as. DateTime without
// a zone is a wall clock in the server's zone (timestamp without zone);
// DateTime('zone') an instant (timestamp in UTC). A type without a
// mapping (Array, Tuple, ...) is text, with a warning.
func (k kind) arrowType() (arrow.DataType, string) {
	switch k.base {
	case "String", "UUID":
		return arrow.BinaryTypes.String, ""
	case "Int8":
		return arrow.PrimitiveTypes.Int8, ""
	case "Int16":
		return arrow.PrimitiveTypes.Int16, ""
	case "Int32":
		return arrow.PrimitiveTypes.Int32, ""
	case "Int64":
		return arrow.PrimitiveTypes.Int64, ""
	case "UInt8":
		return arrow.PrimitiveTypes.Uint8, ""
	case "UInt16":
		return arrow.PrimitiveTypes.Uint16, ""
	case "UInt32":
		return arrow.PrimitiveTypes.Uint32, ""
	case "UInt64":
		return arrow.PrimitiveTypes.Uint64, ""
	case "Float32":
		return arrow.PrimitiveTypes.Float32, ""
	case "Float64":
		return arrow.PrimitiveTypes.Float64, ""
	case "Decimal":
		return &arrow.Decimal128Type{Precision: k.prec, Scale: k.scale}, ""
	case "Date":
		return arrow.FixedWidthTypes.Date32, ""
	case "DateTime":
		return &arrow.TimestampType{Unit: arrow.Microsecond}, ""
	case "DateTime(zone)":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, ""
	case "Nothing":
		return arrow.BinaryTypes.String, ""
	}
	return arrow.BinaryTypes.String, fmt.Sprintf("type %s has no Arrow mapping: read as text", k.name)
}

// zeroDate and zeroTime are how 18.16 prints a Date or DateTime of 0,
// 1970-01-01 (00:00:00 UTC), which is also what it stores for a date it
// cannot hold (before 1970, after 2105). It is read as that instant, as
// the server's own comparisons and aggregates see it, so that a check
// counts the same extracted or pushed down; the extract warns.
var (
	zeroDate = []byte("0000-00-00")
	zeroTime = []byte("0000-00-00 00:00:00")
)

// wallClock reads "YYYY-MM-DD hh:mm:ss" (or a date) as a wall clock in loc.
func wallClock(b []byte, loc *time.Location) (time.Time, error) {
	layout := time.DateTime
	if len(b) == 10 {
		layout = time.DateOnly
	}
	return time.ParseInLocation(layout, string(b), loc)
}

// appendValue appends one non-NULL field to a builder of k's Arrow type.
// It reports whether the value was a zero date (see zeroDate).
func (k kind) appendValue(b array.Builder, v []byte) (zero bool, err error) {
	switch k.base {
	case "Int8", "Int16", "Int32", "Int64":
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return false, err
		}
		switch b := b.(type) {
		case *array.Int8Builder:
			b.Append(int8(n))
		case *array.Int16Builder:
			b.Append(int16(n))
		case *array.Int32Builder:
			b.Append(int32(n))
		case *array.Int64Builder:
			b.Append(n)
		}
	case "UInt8", "UInt16", "UInt32", "UInt64":
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return false, err
		}
		switch b := b.(type) {
		case *array.Uint8Builder:
			b.Append(uint8(n))
		case *array.Uint16Builder:
			b.Append(uint16(n))
		case *array.Uint32Builder:
			b.Append(uint32(n))
		case *array.Uint64Builder:
			b.Append(n)
		}
	case "Float32", "Float64":
		f, err := parseFloat(v)
		if err != nil {
			return false, err
		}
		switch b := b.(type) {
		case *array.Float32Builder:
			b.Append(float32(f))
		case *array.Float64Builder:
			b.Append(f)
		}
	case "Decimal":
		n, err := decimal128.FromString(string(v), k.prec, k.scale)
		if err != nil {
			return false, err
		}
		b.(*array.Decimal128Builder).Append(n)
	case "Date":
		if bytes.Equal(v, zeroDate) {
			b.(*array.Date32Builder).Append(0)
			return true, nil
		}
		t, err := time.Parse(time.DateOnly, string(v))
		if err != nil {
			return false, err
		}
		b.(*array.Date32Builder).Append(arrow.Date32FromTime(t))
	case "DateTime", "DateTime(zone)":
		if bytes.Equal(v, zeroTime) {
			// The epoch, as a wall clock in the server's zone for a
			// plain DateTime.
			t := time.Unix(0, 0).In(k.loc)
			if k.base == "DateTime" {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
			}
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(t.UnixMicro()))
			return true, nil
		}
		loc := time.UTC // a wall clock is kept as read
		if k.base == "DateTime(zone)" {
			loc = k.loc
		}
		t, err := wallClock(v, loc)
		if err != nil {
			return false, err
		}
		b.(*array.TimestampBuilder).Append(arrow.Timestamp(t.UnixMicro()))
	default:
		b.(*array.StringBuilder).BinaryBuilder.Append(unescape(v))
	}
	return false, nil
}

// parseFloat reads ClickHouse's spellings of the special values too.
func parseFloat(v []byte) (float64, error) {
	switch string(v) {
	case "nan", "-nan":
		return math.NaN(), nil
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(string(v), 64)
}

// goValue converts one field as connectors.Session documents: integers
// int64 (a UInt64 beyond int64 as its text), floats float64, decimals and
// text string, Date and DateTime time.Time (a wall clock read as UTC;
// DateTime('zone') the instant).
func (k kind) goValue(v []byte) (any, error) {
	if bytes.Equal(v, null) {
		return nil, nil
	}
	switch k.base {
	case "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32":
		return strconv.ParseInt(string(v), 10, 64)
	case "UInt64":
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return nil, err
		}
		if n > math.MaxInt64 {
			return string(v), nil
		}
		return int64(n), nil
	case "Float32", "Float64":
		return parseFloat(v)
	case "Date":
		if bytes.Equal(v, zeroDate) {
			return time.Unix(0, 0).UTC(), nil
		}
		return time.Parse(time.DateOnly, string(v))
	case "DateTime":
		if bytes.Equal(v, zeroTime) {
			t := time.Unix(0, 0).In(k.loc)
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC), nil
		}
		return wallClock(v, time.UTC)
	case "DateTime(zone)":
		if bytes.Equal(v, zeroTime) {
			return time.Unix(0, 0).UTC(), nil
		}
		t, err := wallClock(v, k.loc)
		return t.UTC(), err
	}
	return string(unescape(v)), nil
}
