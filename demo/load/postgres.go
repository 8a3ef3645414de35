package load

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

var pg = dialect.Postgres{}

// pgTypeOf maps an Arrow type back to a PostgreSQL column type.
func pgTypeOf(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.StringType, *arrow.LargeStringType:
		return "text", nil
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Uint8Type:
		return "smallint", nil
	case *arrow.Int32Type, *arrow.Uint16Type:
		return "integer", nil
	case *arrow.Int64Type, *arrow.Uint32Type:
		return "bigint", nil
	case *arrow.Uint64Type:
		return "numeric(20,0)", nil
	case *arrow.Float32Type:
		return "real", nil
	case *arrow.Float64Type:
		return "double precision", nil
	case *arrow.BooleanType:
		return "boolean", nil
	case *arrow.Date32Type:
		return "date", nil
	case *arrow.Time64Type:
		return "time", nil
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return "timestamptz", nil
		}
		return "timestamp", nil
	case *arrow.Decimal128Type:
		return fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale), nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return "bytea", nil
	}
	return "", fmt.Errorf("no PostgreSQL type for Arrow %s", t)
}

// writePostgres replaces table (schema-qualified or not) with the rows of
// r: DROP TABLE IF EXISTS, CREATE TABLE with the Arrow types mapped back
// (utf8 text, int64 bigint, float64 double precision, date32 date,
// timestamp timestamp[tz], bool boolean, decimal numeric(p,s), binary
// bytea), then COPY FROM, one batch at a time, all in one transaction. It
// returns the rows written. It is the demo loader's writer, not a bulk
// tool: values are boxed per row.
func writePostgres(ctx context.Context, dsn, table string, r array.RecordReader) (int64, error) {
	to := newTarget("postgres", dsn)
	fail := func(err error, what string) (int64, error) {
		return 0, to.errorf(connectors.ErrQuery, err, "write %s: %s", table, what)
	}
	schema := r.Schema()
	cols := make([]string, schema.NumFields())
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		typ, err := pgTypeOf(f.Type)
		if err != nil {
			return 0, fmt.Errorf("write %s: column %s: %w", table, f.Name, err)
		}
		cols[i] = pg.Ident(f.Name) + " " + typ
		names[i] = f.Name
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, to.errorf(connectors.ErrConnect, err, "connect")
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fail(err, "begin")
	}
	defer tx.Rollback(context.Background())
	qt := dialect.QualifiedIdent(pg, table)
	if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+qt); err != nil {
		return fail(err, "drop")
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE "+qt+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return fail(err, "create")
	}
	src := &recordSource{r: r, row: make([]any, len(cols))}
	n, err := tx.CopyFrom(ctx, pgx.Identifier(strings.Split(table, ".")), names, src)
	if err != nil {
		return fail(err, "copy")
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err, "commit")
	}
	return n, nil
}

// recordSource feeds CopyFrom from a record reader, batch by batch.
type recordSource struct {
	r   array.RecordReader
	rec arrow.RecordBatch
	i   int
	row []any
	err error
}

func (s *recordSource) Next() bool {
	for s.rec == nil || s.i+1 >= int(s.rec.NumRows()) {
		if !s.r.Next() {
			s.err = s.r.Err()
			return false
		}
		s.rec, s.i = s.r.RecordBatch(), -1
		if s.rec.NumRows() > 0 {
			break
		}
	}
	s.i++
	return true
}

func (s *recordSource) Values() ([]any, error) {
	for c := range s.row {
		v, err := valueAt(s.rec.Column(c), s.i)
		if err != nil {
			return nil, err
		}
		s.row[c] = v
	}
	return s.row, nil
}

func (s *recordSource) Err() error { return s.err }

func valueAt(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Int8:
		return int16(a.Value(i)), nil
	case *array.Int16:
		return a.Value(i), nil
	case *array.Int32:
		return a.Value(i), nil
	case *array.Int64:
		return a.Value(i), nil
	case *array.Uint8:
		return int16(a.Value(i)), nil
	case *array.Uint16:
		return int32(a.Value(i)), nil
	case *array.Uint32:
		return int64(a.Value(i)), nil
	case *array.Uint64:
		return pgtype.Numeric{Int: new(big.Int).SetUint64(a.Value(i)), Valid: true}, nil
	case *array.Float32:
		return a.Value(i), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Date32:
		return a.Value(i).ToTime(), nil
	case *array.Time64:
		us := int64(a.Value(i))
		if a.DataType().(*arrow.Time64Type).Unit == arrow.Nanosecond {
			us /= 1000
		}
		return pgtype.Time{Microseconds: us, Valid: true}, nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit), nil
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return pgtype.Numeric{Int: a.Value(i).BigInt(), Exp: -scale, Valid: true}, nil
	case *array.Binary:
		return a.Value(i), nil
	case *array.LargeBinary:
		return a.Value(i), nil
	}
	return nil, fmt.Errorf("cannot write Arrow %s", a.DataType())
}
