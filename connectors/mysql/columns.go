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
		return arrow.PrimitiveTypes.Int8, putInt, ""
	case "SMALLINT", "YEAR":
		return arrow.PrimitiveTypes.Int16, putInt, ""
	case "MEDIUMINT", "INT":
		return arrow.PrimitiveTypes.Int32, putInt, ""
	case "BIGINT":
		return arrow.PrimitiveTypes.Int64, putInt, ""
	case "UNSIGNED TINYINT":
		return arrow.PrimitiveTypes.Uint8, putUint, ""
	case "UNSIGNED SMALLINT":
		return arrow.PrimitiveTypes.Uint16, putUint, ""
	case "UNSIGNED MEDIUMINT", "UNSIGNED INT":
		return arrow.PrimitiveTypes.Uint32, putUint, ""
	case "UNSIGNED BIGINT":
		return arrow.PrimitiveTypes.Uint64, putUint, ""
	case "FLOAT":
		return arrow.PrimitiveTypes.Float32, putFloat32, ""
	case "DOUBLE":
		return arrow.PrimitiveTypes.Float64, putFloat64, ""
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
		return arrow.PrimitiveTypes.Uint64, putBits, ""
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

func putInt(c *column, src any) error {
	var v int64
	switch x := src.(type) {
	case int64:
		v = x
	case []byte:
		n, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil {
			return err
		}
		v = n
	default:
		return fmt.Errorf("unexpected %T", src)
	}
	switch b := c.b.(type) {
	case *array.Int8Builder:
		b.Append(int8(v))
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int64Builder:
		b.Append(v)
	}
	return nil
}

func putUint(c *column, src any) error {
	var v uint64
	switch x := src.(type) {
	case int64:
		v = uint64(x)
	case uint64:
		v = x
	case []byte:
		n, err := strconv.ParseUint(string(x), 10, 64)
		if err != nil {
			return err
		}
		v = n
	default:
		return fmt.Errorf("unexpected %T", src)
	}
	switch b := c.b.(type) {
	case *array.Uint8Builder:
		b.Append(uint8(v))
	case *array.Uint16Builder:
		b.Append(uint16(v))
	case *array.Uint32Builder:
		b.Append(uint32(v))
	case *array.Uint64Builder:
		b.Append(v)
	}
	return nil
}

func putFloat32(c *column, src any) error {
	switch x := src.(type) {
	case float32:
		c.b.(*array.Float32Builder).Append(x)
	case float64:
		c.b.(*array.Float32Builder).Append(float32(x))
	default:
		return fmt.Errorf("unexpected %T", src)
	}
	return nil
}

func putFloat64(c *column, src any) error {
	switch x := src.(type) {
	case float64:
		c.b.(*array.Float64Builder).Append(x)
	case float32:
		c.b.(*array.Float64Builder).Append(float64(x))
	default:
		return fmt.Errorf("unexpected %T", src)
	}
	return nil
}

func putText(c *column, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	c.bytes += len(b)
	c.b.(*array.StringBuilder).BinaryBuilder.Append(b)
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

func putBinary(c *column, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	c.bytes += len(b)
	c.b.(*array.BinaryBuilder).Append(b)
	return nil
}

func bitValue(b []byte) uint64 {
	var buf [8]byte
	if len(b) > 8 {
		b = b[len(b)-8:]
	}
	copy(buf[8-len(b):], b)
	return binary.BigEndian.Uint64(buf[:])
}

func putBit(c *column, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	c.b.(*array.BooleanBuilder).Append(bitValue(b) != 0)
	return nil
}

func putBits(c *column, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	c.b.(*array.Uint64Builder).Append(bitValue(b))
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
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	y, m, d, zero, err := parseDate(b)
	if err != nil {
		return err
	}
	if zero {
		c.zeros++
		c.b.AppendNull()
		return nil
	}
	days := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	c.b.(*array.Date32Builder).Append(arrow.Date32(days))
	return nil
}

// putTimestamp reads YYYY-MM-DD HH:MM:SS[.ffffff] as microseconds.
func putTimestamp(c *column, src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("unexpected %T", src)
	}
	y, mo, d, zero, err := parseDate(b)
	if err != nil {
		return err
	}
	if zero {
		c.zeros++
		c.b.AppendNull()
		return nil
	}
	var h, mi, s, us int
	if len(b) >= 19 {
		var ok1, ok2, ok3 bool
		h, ok1 = digits(b[11:13])
		mi, ok2 = digits(b[14:16])
		s, ok3 = digits(b[17:19])
		if !ok1 || !ok2 || !ok3 || b[13] != ':' || b[16] != ':' {
			return fmt.Errorf("bad timestamp %q", b)
		}
		if len(b) > 20 && b[19] == '.' {
			f := b[20:]
			if len(f) > 6 {
				f = f[:6]
			}
			v, ok := digits(f)
			if !ok {
				return fmt.Errorf("bad timestamp %q", b)
			}
			for i := len(f); i < 6; i++ {
				v *= 10
			}
			us = v
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	c.b.(*array.TimestampBuilder).Append(arrow.Timestamp(t.Unix()*1_000_000 + int64(us)))
	return nil
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
