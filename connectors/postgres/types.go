package postgres

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vn-registries/dq/connectors"
)

// Type mapping, by the column's type OID in the result:
//
//	int2, int4, int8           int16, int32, int64
//	float4, float8             float32, float64
//	numeric(p,s), p <= 38      decimal128(p, s)
//	numeric (unconstrained)    decimal128(38, 10): rounded half away from
//	                           zero to 10 places; a value with more than 28
//	                           integer digits fails the extract (cast it in
//	                           a query: if needed); NaN and ±Infinity are NULL
//	bool                       bool
//	text, varchar, bpchar,     utf8
//	name, json
//	jsonb                      utf8 (the version byte dropped)
//	uuid                       utf8, canonical 8-4-4-4-12 lowercase
//	bytea                      binary
//	date                       date32 (±infinity: NULL)
//	time                       time64[us]
//	timestamp                  timestamp[us] (±infinity: NULL)
//	timestamptz                timestamp[us, UTC] (±infinity: NULL)
//	anything else              utf8: the column is cast to text in the COPY
//	                           select (arrays in PostgreSQL's {..} form,
//	                           enums, interval, inet, numeric(p>38) ...),
//	                           with a log line
//
// Every column is nullable; NULL (length -1 on the wire) stays NULL.

// column decodes one field of the binary COPY format into a builder.
type column interface {
	append(b []byte) error
	appendNull()
	reserve(n int)
	newArray() arrow.Array
	release()
}

// colSpec is a result column's Arrow field and how to build its decoder;
// asText marks columns read through CAST(... AS TEXT).
type colSpec struct {
	field  arrow.Field
	asText bool
	make   func(mem memory.Allocator) column
}

const (
	pgEpochDays   = 10957           // 2000-01-01 - 1970-01-01, in days
	pgEpochMicros = 946684800000000 // the same in microseconds
)

// specFor maps a result column (OID, type modifier) to its Arrow type.
func specFor(name string, oid uint32, typmod int32) colSpec {
	f := arrow.Field{Name: name, Nullable: true}
	s := colSpec{}
	switch oid {
	case pgtype.Int2OID:
		f.Type = arrow.PrimitiveTypes.Int16
		s.make = func(m memory.Allocator) column { return &int16Col{array.NewInt16Builder(m)} }
	case pgtype.Int4OID:
		f.Type = arrow.PrimitiveTypes.Int32
		s.make = func(m memory.Allocator) column { return &int32Col{array.NewInt32Builder(m)} }
	case pgtype.Int8OID:
		f.Type = arrow.PrimitiveTypes.Int64
		s.make = func(m memory.Allocator) column { return &int64Col{array.NewInt64Builder(m)} }
	case pgtype.Float4OID:
		f.Type = arrow.PrimitiveTypes.Float32
		s.make = func(m memory.Allocator) column { return &float32Col{array.NewFloat32Builder(m)} }
	case pgtype.Float8OID:
		f.Type = arrow.PrimitiveTypes.Float64
		s.make = func(m memory.Allocator) column { return &float64Col{array.NewFloat64Builder(m)} }
	case pgtype.BoolOID:
		f.Type = arrow.FixedWidthTypes.Boolean
		s.make = func(m memory.Allocator) column { return &boolCol{array.NewBooleanBuilder(m)} }
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID, pgtype.JSONOID:
		f.Type = arrow.BinaryTypes.String
		s.make = func(m memory.Allocator) column { return &textCol{b: array.NewStringBuilder(m)} }
	case pgtype.JSONBOID:
		f.Type = arrow.BinaryTypes.String
		s.make = func(m memory.Allocator) column { return &textCol{b: array.NewStringBuilder(m), skip: 1} }
	case pgtype.UUIDOID:
		f.Type = arrow.BinaryTypes.String
		s.make = func(m memory.Allocator) column { return &uuidCol{b: array.NewStringBuilder(m)} }
	case pgtype.ByteaOID:
		f.Type = arrow.BinaryTypes.Binary
		s.make = func(m memory.Allocator) column {
			return &binaryCol{array.NewBinaryBuilder(m, arrow.BinaryTypes.Binary)}
		}
	case pgtype.DateOID:
		f.Type = arrow.FixedWidthTypes.Date32
		s.make = func(m memory.Allocator) column { return &dateCol{array.NewDate32Builder(m)} }
	case pgtype.TimeOID:
		f.Type = arrow.FixedWidthTypes.Time64us
		s.make = func(m memory.Allocator) column {
			return &timeCol{array.NewTime64Builder(m, arrow.FixedWidthTypes.Time64us.(*arrow.Time64Type))}
		}
	case pgtype.TimestampOID, pgtype.TimestamptzOID:
		tt := &arrow.TimestampType{Unit: arrow.Microsecond}
		if oid == pgtype.TimestamptzOID {
			tt.TimeZone = "UTC"
		}
		f.Type = tt
		s.make = func(m memory.Allocator) column { return &timestampCol{array.NewTimestampBuilder(m, tt)} }
	case pgtype.NumericOID:
		prec, scale := int32(38), int32(10)
		if typmod >= 4 {
			prec = (typmod - 4) >> 16 & 0xffff
			scale = (typmod - 4) & 0x7ff
			if scale&0x400 != 0 || prec > 38 || prec < 1 || scale > prec { // negative scale (PG 15) or too wide
				return textSpec(f)
			}
		}
		dt := &arrow.Decimal128Type{Precision: prec, Scale: scale}
		f.Type = dt
		s.make = func(m memory.Allocator) column {
			return &numericCol{b: array.NewDecimal128Builder(m, dt), prec: prec, scale: scale}
		}
	default:
		return textSpec(f)
	}
	s.field = f
	return s
}

func textSpec(f arrow.Field) colSpec {
	f.Type = arrow.BinaryTypes.String
	return colSpec{field: f, asText: true, make: func(m memory.Allocator) column { return &textCol{b: array.NewStringBuilder(m)} }}
}

// Appends: the decoder reserves room for a whole batch of values, so the
// fixed-width columns append unchecked.

func badLen(b []byte, n int, what string) error {
	return fmt.Errorf("%w: %s value of %d bytes, want %d", connectors.ErrStream, what, len(b), n)
}

type int16Col struct{ b *array.Int16Builder }

func (c *int16Col) append(v []byte) error {
	if len(v) != 2 {
		return badLen(v, 2, "int2")
	}
	c.b.UnsafeAppend(int16(binary.BigEndian.Uint16(v)))
	return nil
}
func (c *int16Col) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *int16Col) reserve(n int)         { c.b.Reserve(n) }
func (c *int16Col) newArray() arrow.Array { return c.b.NewArray() }
func (c *int16Col) release()              { c.b.Release() }

type int32Col struct{ b *array.Int32Builder }

func (c *int32Col) append(v []byte) error {
	if len(v) != 4 {
		return badLen(v, 4, "int4")
	}
	c.b.UnsafeAppend(int32(binary.BigEndian.Uint32(v)))
	return nil
}
func (c *int32Col) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *int32Col) reserve(n int)         { c.b.Reserve(n) }
func (c *int32Col) newArray() arrow.Array { return c.b.NewArray() }
func (c *int32Col) release()              { c.b.Release() }

type int64Col struct{ b *array.Int64Builder }

func (c *int64Col) append(v []byte) error {
	if len(v) != 8 {
		return badLen(v, 8, "int8")
	}
	c.b.UnsafeAppend(int64(binary.BigEndian.Uint64(v)))
	return nil
}
func (c *int64Col) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *int64Col) reserve(n int)         { c.b.Reserve(n) }
func (c *int64Col) newArray() arrow.Array { return c.b.NewArray() }
func (c *int64Col) release()              { c.b.Release() }

type float32Col struct{ b *array.Float32Builder }

func (c *float32Col) append(v []byte) error {
	if len(v) != 4 {
		return badLen(v, 4, "float4")
	}
	c.b.UnsafeAppend(math.Float32frombits(binary.BigEndian.Uint32(v)))
	return nil
}
func (c *float32Col) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *float32Col) reserve(n int)         { c.b.Reserve(n) }
func (c *float32Col) newArray() arrow.Array { return c.b.NewArray() }
func (c *float32Col) release()              { c.b.Release() }

type float64Col struct{ b *array.Float64Builder }

func (c *float64Col) append(v []byte) error {
	if len(v) != 8 {
		return badLen(v, 8, "float8")
	}
	c.b.UnsafeAppend(math.Float64frombits(binary.BigEndian.Uint64(v)))
	return nil
}
func (c *float64Col) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *float64Col) reserve(n int)         { c.b.Reserve(n) }
func (c *float64Col) newArray() arrow.Array { return c.b.NewArray() }
func (c *float64Col) release()              { c.b.Release() }

type boolCol struct{ b *array.BooleanBuilder }

func (c *boolCol) append(v []byte) error {
	if len(v) != 1 {
		return badLen(v, 1, "bool")
	}
	c.b.UnsafeAppend(v[0] != 0)
	return nil
}
func (c *boolCol) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *boolCol) reserve(n int)         { c.b.Reserve(n) }
func (c *boolCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *boolCol) release()              { c.b.Release() }

type textCol struct {
	b    *array.StringBuilder
	skip int // leading bytes to drop (jsonb's version byte)
	last int // data bytes of the previous batch
}

func (c *textCol) append(v []byte) error {
	if len(v) < c.skip {
		return fmt.Errorf("%w: jsonb value of %d bytes", connectors.ErrStream, len(v))
	}
	v = v[c.skip:]
	if c.b.DataCap()-c.b.DataLen() < len(v) {
		c.b.ReserveData(max(len(v), c.b.DataLen()))
	}
	c.b.BinaryBuilder.UnsafeAppend(v)
	return nil
}
func (c *textCol) appendNull() { c.b.AppendNull() }
func (c *textCol) reserve(n int) {
	c.b.Reserve(n)
	c.b.ReserveData(c.last + c.last/8)
}
func (c *textCol) newArray() arrow.Array { c.last = c.b.DataLen(); return c.b.NewArray() }
func (c *textCol) release()              { c.b.Release() }

type uuidCol struct {
	b   *array.StringBuilder
	buf [36]byte
}

func (c *uuidCol) append(v []byte) error {
	if len(v) != 16 {
		return badLen(v, 16, "uuid")
	}
	hex.Encode(c.buf[0:8], v[0:4])
	c.buf[8] = '-'
	hex.Encode(c.buf[9:13], v[4:6])
	c.buf[13] = '-'
	hex.Encode(c.buf[14:18], v[6:8])
	c.buf[18] = '-'
	hex.Encode(c.buf[19:23], v[8:10])
	c.buf[23] = '-'
	hex.Encode(c.buf[24:36], v[10:16])
	c.b.BinaryBuilder.Append(c.buf[:])
	return nil
}
func (c *uuidCol) appendNull() { c.b.AppendNull() }
func (c *uuidCol) reserve(n int) {
	c.b.Reserve(n)
	c.b.ReserveData(36 * n)
}
func (c *uuidCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *uuidCol) release()              { c.b.Release() }

type binaryCol struct{ b *array.BinaryBuilder }

func (c *binaryCol) append(v []byte) error { c.b.Append(v); return nil }
func (c *binaryCol) appendNull()           { c.b.AppendNull() }
func (c *binaryCol) reserve(n int)         { c.b.Reserve(n) }
func (c *binaryCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *binaryCol) release()              { c.b.Release() }

type dateCol struct{ b *array.Date32Builder }

func (c *dateCol) append(v []byte) error {
	if len(v) != 4 {
		return badLen(v, 4, "date")
	}
	d := int32(binary.BigEndian.Uint32(v))
	if d == math.MaxInt32 || d == math.MinInt32 { // ±infinity
		c.b.UnsafeAppendBoolToBitmap(false)
		return nil
	}
	c.b.UnsafeAppend(arrow.Date32(d + pgEpochDays))
	return nil
}
func (c *dateCol) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *dateCol) reserve(n int)         { c.b.Reserve(n) }
func (c *dateCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *dateCol) release()              { c.b.Release() }

type timeCol struct{ b *array.Time64Builder }

func (c *timeCol) append(v []byte) error {
	if len(v) != 8 {
		return badLen(v, 8, "time")
	}
	c.b.UnsafeAppend(arrow.Time64(binary.BigEndian.Uint64(v)))
	return nil
}
func (c *timeCol) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *timeCol) reserve(n int)         { c.b.Reserve(n) }
func (c *timeCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *timeCol) release()              { c.b.Release() }

type timestampCol struct{ b *array.TimestampBuilder }

func (c *timestampCol) append(v []byte) error {
	if len(v) != 8 {
		return badLen(v, 8, "timestamp")
	}
	t := int64(binary.BigEndian.Uint64(v))
	if t == math.MaxInt64 || t == math.MinInt64 { // ±infinity
		c.b.UnsafeAppendBoolToBitmap(false)
		return nil
	}
	if t > math.MaxInt64-pgEpochMicros {
		// PostgreSQL goes to 294276 AD; microseconds since 1970 in an
		// int64, as Arrow and DuckDB hold them, stop in 294247.
		return errors.New("a timestamp after 294246 AD cannot be held as microseconds since 1970; cast it or filter it with where:")
	}
	c.b.UnsafeAppend(arrow.Timestamp(t + pgEpochMicros))
	return nil
}
func (c *timestampCol) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *timestampCol) reserve(n int)         { c.b.Reserve(n) }
func (c *timestampCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *timestampCol) release()              { c.b.Release() }

// numericCol decodes PostgreSQL's binary numeric: ndigits, weight, sign,
// dscale (int16 each), then ndigits base-10000 digits, the first one
// weighted 10000^weight.
type numericCol struct {
	b           *array.Decimal128Builder
	prec, scale int32
}

func (c *numericCol) append(v []byte) error {
	if len(v) < 8 {
		return fmt.Errorf("%w: numeric value of %d bytes", connectors.ErrStream, len(v))
	}
	ndigits := int(int16(binary.BigEndian.Uint16(v[0:])))
	weight := int(int16(binary.BigEndian.Uint16(v[2:])))
	sign := binary.BigEndian.Uint16(v[4:])
	if len(v) != 8+2*ndigits || ndigits < 0 {
		return fmt.Errorf("%w: numeric value of %d bytes for %d digits", connectors.ErrStream, len(v), ndigits)
	}
	switch sign {
	case 0x0000, 0x4000:
	default: // NaN, +Infinity, -Infinity
		c.b.UnsafeAppendBoolToBitmap(false)
		return nil
	}
	// value = A * 10^-e with A the digits read as one integer.
	e := int32(4 * (ndigits - 1 - weight))
	if ndigits == 0 {
		e = 0
	}
	shift := c.scale - e
	n, ok := numericFast(v[8:], shift)
	if !ok {
		if n, ok = numericBig(v[8:], shift); !ok {
			return fmt.Errorf("%w: numeric value does not fit decimal(%d,%d)", connectors.ErrStream, c.prec, c.scale)
		}
	}
	if !n.FitsInPrecision(c.prec) {
		return fmt.Errorf("%w: numeric value does not fit decimal(%d,%d); cast the column in a query:", connectors.ErrStream, c.prec, c.scale)
	}
	if sign == 0x4000 {
		n = n.Negate()
	}
	c.b.UnsafeAppend(n)
	return nil
}

// pow10u64[i] is 10^i.
var pow10u64 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// numericFast scales the base-10000 digits, read as one integer A, by
// 10^shift (rounding half away from zero when shift < 0) in 128-bit
// arithmetic, without allocating. ok is false when it cannot tell
// (more than 127 bits along the way, or |shift| > 38): numericBig decides.
func numericFast(digits []byte, shift int32) (decimal128.Num, bool) {
	var hi, lo uint64
	for i := 0; i+1 < len(digits); i += 2 {
		d := uint64(binary.BigEndian.Uint16(digits[i:]))
		if hi == 0 && lo < 1<<49 { // lo*10000+d stays below 2^64
			lo = lo*10000 + d
			continue
		}
		var ok bool
		if hi, lo, ok = mul128(hi, lo, 10000); !ok {
			return decimal128.Num{}, false
		}
		var c uint64
		lo, c = bits.Add64(lo, d, 0)
		hi += c
		if hi>>63 != 0 {
			return decimal128.Num{}, false
		}
	}
	switch {
	case shift > 38 || shift < -38:
		return decimal128.Num{}, false
	case shift > 0:
		for shift > 0 {
			k := min(shift, 19)
			var ok bool
			if hi, lo, ok = mul128(hi, lo, pow10u64[k]); !ok {
				return decimal128.Num{}, false
			}
			shift -= k
		}
	case shift < 0:
		for shift < 0 {
			k := min(-shift, 19)
			div := pow10u64[k]
			var r uint64
			hi, lo, r = div128(hi, lo, div)
			shift += k
			if shift == 0 && r >= div-r { // round half away from zero
				var c uint64
				lo, c = bits.Add64(lo, 1, 0)
				hi += c
			} else if shift < 0 && r != 0 {
				// A later division rounds on a truncated value: only
				// exact when the dropped digits were zero.
				return decimal128.Num{}, false
			}
		}
	}
	if hi>>63 != 0 {
		return decimal128.Num{}, false
	}
	return decimal128.New(int64(hi), lo), true
}

// mul128 is (hi, lo) * m, ok false when the product needs more than 127 bits.
func mul128(hi, lo, m uint64) (uint64, uint64, bool) {
	h1, l1 := bits.Mul64(lo, m)
	h2, l2 := bits.Mul64(hi, m)
	if h2 != 0 {
		return 0, 0, false
	}
	h, c := bits.Add64(h1, l2, 0)
	if c != 0 || h>>63 != 0 {
		return 0, 0, false
	}
	return h, l1, true
}

// div128 is (hi, lo) / d with the remainder.
func div128(hi, lo, d uint64) (qhi, qlo, r uint64) {
	qhi, r = bits.Div64(0, hi, d)
	qlo, r = bits.Div64(r, lo, d)
	return qhi, qlo, r
}

// numericBig is numericFast's general case in math/big; ok is false
// when the result needs more than 127 bits.
func numericBig(digits []byte, shift int32) (decimal128.Num, bool) {
	a := new(big.Int)
	d := new(big.Int)
	for i := 0; i+1 < len(digits); i += 2 {
		a.Mul(a, big.NewInt(10000))
		a.Add(a, d.SetInt64(int64(binary.BigEndian.Uint16(digits[i:]))))
	}
	if shift >= 0 {
		a.Mul(a, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil))
	} else { // round half away from zero (a is non-negative here)
		div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-shift)), nil)
		q, r := a.QuoRem(a, div, new(big.Int))
		if r.Lsh(r, 1).Cmp(div) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		a = q
	}
	if a.BitLen() > 127 {
		return decimal128.Num{}, false
	}
	return decimal128.FromBigInt(a), true
}

func (c *numericCol) appendNull()           { c.b.UnsafeAppendBoolToBitmap(false) }
func (c *numericCol) reserve(n int)         { c.b.Reserve(n) }
func (c *numericCol) newArray() arrow.Array { return c.b.NewArray() }
func (c *numericCol) release()              { c.b.Release() }
