package mysql

import (
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// column scans one result column straight into an Arrow builder: it is
// the sql.Scanner given to rows.Scan, so the driver's bytes (valid until
// the next row) are parsed in place, with no copy and no reflection.
type column struct {
	name   string
	dbType string
	typ    arrow.DataType
	b      array.Builder
	put    func(c *column, src any) error
	bytes  int   // variable-length bytes appended to the current batch
	zeros  int64 // zero dates read as NULL
}

func (c *column) Scan(src any) error {
	if src == nil {
		c.b.AppendNull()
		return nil
	}
	if err := c.put(c, src); err != nil {
		return fmt.Errorf("column %s (%s): %w", c.name, c.dbType, err)
	}
	return nil
}

var _ sql.Scanner = (*column)(nil)

// mapType picks the Arrow type for a column from the driver's
// DatabaseTypeName. Decisions:
//   - TINYINT(1), MySQL's BOOL, stays int8: the protocol does not mark it,
//     and a TINYINT(1) often holds codes 0..9.
//   - BIT(1) of a table: dataset is boolean; other BITs are uint64.
//   - UNSIGNED BIGINT is uint64.
//   - DECIMAL(p,s) is decimal128(p,s) up to p = 38 (DuckDB's limit), text
//     above.
//   - TIME is text: MySQL's TIME is a duration from -838:59:59 to
//     838:59:59, not a time of day.
//   - DATETIME is timestamp[us] without zone; TIMESTAMP is timestamp[us,
//     UTC], read in a +00:00 session.
//   - Zero dates (0000-00-00, or a zero month or day) are NULL, counted in
//     a warning.
//   - An unknown type (GEOMETRY, VECTOR, ...) is text with a warning;
//     bytes that are not UTF-8 are written as 0x-prefixed hex.
func mapType(ct *sql.ColumnType, bitOne bool) (arrow.DataType, func(*column, any) error, string) {
	t := ct.DatabaseTypeName()
	switch t {
	case "TINYINT":
		return arrow.PrimitiveTypes.Int8, putNumber[int8, *array.Int8Builder](intValue), ""
	case "SMALLINT", "YEAR":
		return arrow.PrimitiveTypes.Int16, putNumber[int16, *array.Int16Builder](intValue), ""
	case "MEDIUMINT", "INT":
		return arrow.PrimitiveTypes.Int32, putNumber[int32, *array.Int32Builder](intValue), ""
	case "BIGINT":
		return arrow.PrimitiveTypes.Int64, putNumber[int64, *array.Int64Builder](intValue), ""
	case "UNSIGNED TINYINT":
		return arrow.PrimitiveTypes.Uint8, putNumber[uint8, *array.Uint8Builder](uintValue), ""
	case "UNSIGNED SMALLINT":
		return arrow.PrimitiveTypes.Uint16, putNumber[uint16, *array.Uint16Builder](uintValue), ""
	case "UNSIGNED MEDIUMINT", "UNSIGNED INT":
		return arrow.PrimitiveTypes.Uint32, putNumber[uint32, *array.Uint32Builder](uintValue), ""
	case "UNSIGNED BIGINT":
		return arrow.PrimitiveTypes.Uint64, putNumber[uint64, *array.Uint64Builder](uintValue), ""
	case "FLOAT":
		return arrow.PrimitiveTypes.Float32, putNumber[float32, *array.Float32Builder](floatValue), ""
	case "DOUBLE":
		return arrow.PrimitiveTypes.Float64, putNumber[float64, *array.Float64Builder](floatValue), ""
	case "DECIMAL":
		p, s, ok := ct.DecimalSize()
		if !ok || p < 1 || p > 38 || s < 0 || s > p {
			return arrow.BinaryTypes.String, putText, fmt.Sprintf("DECIMAL(%d,%d) is wider than Arrow's decimal128: read as text", p, s)
		}
		return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}, putDecimal, ""
	case "BIT":
		if bitOne {
			return arrow.FixedWidthTypes.Boolean, putBit, ""
		}
		return arrow.PrimitiveTypes.Uint64, putNumber[uint64, *array.Uint64Builder](bitValue), ""
	case "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET", "JSON", "TIME":
		return arrow.BinaryTypes.String, putText, ""
	case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB":
		return arrow.BinaryTypes.Binary, putBinary, ""
	case "DATE":
		return arrow.FixedWidthTypes.Date32, putDate, ""
	case "DATETIME":
		return &arrow.TimestampType{Unit: arrow.Microsecond}, putTimestamp, ""
	case "TIMESTAMP":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, putTimestamp, ""
	case "NULL":
		return arrow.BinaryTypes.String, putAnyText, ""
	}
	return arrow.BinaryTypes.String, putAnyText, fmt.Sprintf("type %q has no Arrow mapping: read as text", t)
}

// putNumber appends a number read by value to a builder of type B,
// converted to T (a narrower integer keeps the low bits, as the server's
// column type bounds the value).
func putNumber[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64,
	B interface{ Append(T) }, V int64 | uint64 | float64](value func(src any) (V, error)) func(*column, any) error {
	return func(c *column, src any) error {
		v, err := value(src)
		if err != nil {
			return err
		}
		c.b.(B).Append(T(v))
		return nil
	}
}

func intValue(src any) (int64, error) {
	switch x := src.(type) {
	case int64:
		return x, nil
	case []byte:
		return strconv.ParseInt(string(x), 10, 64)
	}
	return 0, fmt.Errorf("unexpected %T", src)
}

func uintValue(src any) (uint64, error) {
	switch x := src.(type) {
	case int64:
		return uint64(x), nil
	case uint64:
		return x, nil
	case []byte:
		return strconv.ParseUint(string(x), 10, 64)
	}
	return 0, fmt.Errorf("unexpected %T", src)
}

func floatValue(src any) (float64, error) {
	switch x := src.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	}
	return 0, fmt.Errorf("unexpected %T", src)
}

func putText(c *column, src any) error {
	return putBytes(c, c.b.(*array.StringBuilder).BinaryBuilder, src)
}

func putBinary(c *column, src any) error {
	return putBytes(c, c.b.(*array.BinaryBuilder), src)
}

func putBytes(c *column, bb *array.BinaryBuilder, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	c.bytes += len(b)
	bb.Append(b)
	return nil
}

// putAnyText writes any value as text, hex for bytes that are not UTF-8.
func putAnyText(c *column, src any) error {
	sb := c.b.(*array.StringBuilder)
	switch x := src.(type) {
	case []byte:
		if utf8.Valid(x) {
			c.bytes += len(x)
			sb.BinaryBuilder.Append(x)
			return nil
		}
		s := "0x" + hex.EncodeToString(x)
		c.bytes += len(s)
		sb.Append(s)
	default:
		s := fmt.Sprint(x)
		c.bytes += len(s)
		sb.Append(s)
	}
	return nil
}

// bitValue reads a BIT value, big-endian bytes, as a number.
func bitValue(src any) (uint64, error) {
	b, ok := src.([]byte)
	if !ok {
		return 0, fmt.Errorf("unexpected %T", src)
	}
	var buf [8]byte
	if len(b) > 8 {
		b = b[len(b)-8:]
	}
	copy(buf[8-len(b):], b)
	return binary.BigEndian.Uint64(buf[:]), nil
}

func putBit(c *column, src any) error {
	v, err := bitValue(src)
	if err != nil {
		return err
	}
	c.b.(*array.BooleanBuilder).Append(v != 0)
	return nil
}

// putDecimal parses the server's text, e.g. -123.4500, into the scaled
// integer: up to 18 digits in an int64, longer through decimal128's parser.
func putDecimal(c *column, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	t := c.typ.(*arrow.Decimal128Type)
	neg := len(b) > 0 && b[0] == '-'
	digits := b
	if neg || (len(b) > 0 && b[0] == '+') {
		digits = b[1:]
	}
	var v uint64
	var n, frac int
	seenDot := false
	fast := true
	for _, ch := range digits {
		switch {
		case ch == '.' && !seenDot:
			seenDot = true
		case ch >= '0' && ch <= '9':
			if n >= 18 {
				fast = false
			}
			v = v*10 + uint64(ch-'0')
			n++
			if seenDot {
				frac++
			}
		default:
			fast = false
		}
	}
	if fast && frac <= int(t.Scale) && n+int(t.Scale)-frac <= 18 {
		for i := frac; i < int(t.Scale); i++ {
			v *= 10
		}
		num := decimal128.FromU64(v)
		if neg {
			num = num.Negate()
		}
		c.b.(*array.Decimal128Builder).Append(num)
		return nil
	}
	num, err := decimal128.FromString(string(b), t.Precision, t.Scale)
	if err != nil {
		return err
	}
	c.b.(*array.Decimal128Builder).Append(num)
	return nil
}

// digits parses a fixed-width run of ASCII digits.
func digits(b []byte) (int, bool) {
	v := 0
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		v = v*10 + int(ch-'0')
	}
	return v, true
}

// parseDate reads YYYY-MM-DD; zero reports a zero date (0000-00-00 or a
// zero month or day), which MySQL allows and dq reads as missing.
func parseDate(b []byte) (y, m, d int, zero bool, err error) {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, 0, 0, false, fmt.Errorf("bad date %q", b)
	}
	var ok1, ok2, ok3 bool
	y, ok1 = digits(b[0:4])
	m, ok2 = digits(b[5:7])
	d, ok3 = digits(b[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, false, fmt.Errorf("bad date %q", b)
	}
	return y, m, d, y == 0 || m == 0 || d == 0, nil
}

func putDate(c *column, src any) error {
	us, ok, err := c.dateTime(src)
	if ok {
		c.b.(*array.Date32Builder).Append(arrow.Date32(us / 86_400_000_000))
	}
	return err
}

func putTimestamp(c *column, src any) error {
	us, ok, err := c.dateTime(src)
	if ok {
		c.b.(*array.TimestampBuilder).Append(arrow.Timestamp(us))
	}
	return err
}

// dateTime reads YYYY-MM-DD[ HH:MM:SS[.ffffff]] as microseconds since
// the epoch. ok is false when there is nothing to append: an error, or a
// zero date, which it appends as NULL and counts.
func (c *column) dateTime(src any) (us int64, ok bool, err error) {
	b, isBytes := src.([]byte)
	if !isBytes {
		return 0, false, fmt.Errorf("unexpected %T", src)
	}
	us, zero, err := parseDateTime(b)
	if err != nil {
		return 0, false, err
	}
	if zero {
		c.zeros++
		c.b.AppendNull()
		return 0, false, nil
	}
	return us, true, nil
}

// parseDateTime reads YYYY-MM-DD[ HH:MM:SS[.ffffff]], a wall-clock
// reading taken as UTC, as microseconds since the epoch; zero reports a
// zero date.
func parseDateTime(b []byte) (us int64, zero bool, err error) {
	y, mo, d, zero, err := parseDate(b)
	if err != nil || zero {
		return 0, zero, err
	}
	var h, mi, s, frac int
	if len(b) >= 19 {
		var ok1, ok2, ok3 bool
		h, ok1 = digits(b[11:13])
		mi, ok2 = digits(b[14:16])
		s, ok3 = digits(b[17:19])
		if !ok1 || !ok2 || !ok3 || b[13] != ':' || b[16] != ':' {
			return 0, false, fmt.Errorf("bad timestamp %q", b)
		}
		if len(b) > 20 && b[19] == '.' {
			f := b[20:]
			if len(f) > 6 {
				f = f[:6]
			}
			v, ok := digits(f)
			if !ok {
				return 0, false, fmt.Errorf("bad timestamp %q", b)
			}
			for i := len(f); i < 6; i++ {
				v *= 10
			}
			frac = v
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	return t.Unix()*1_000_000 + int64(frac), false, nil
}

// warnings reports the columns' zero dates.
func zeroDateWarnings(cols []*column) []string {
	var out []string
	for _, c := range cols {
		if c.zeros > 0 {
			out = append(out, fmt.Sprintf("column %s: %d zero dates (0000-00-00) read as NULL", c.name, c.zeros))
		}
	}
	return out
}
