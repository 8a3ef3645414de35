package load

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	_ "github.com/vn-registries/dq/connectors/postgres" // reads back what was written
)

const testPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// pgSchema creates a schema dq_test_<random>, dropped at the end.
func pgSchema(t *testing.T) string {
	t.Helper()
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testPG)
	require.NoError(t, err, "PostgreSQL must answer on 127.0.0.1:5432 (DQ_SKIP_DB_TESTS=1 skips)")
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "dq_test_" + hex.EncodeToString(b[:])
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = conn.Close(context.Background())
	})
	return schema
}

// readBack extracts ds through the connector of kind, allocating from
// mem; the caller releases the batches.
func readBack(t *testing.T, kind, dsn string, ds *config.Dataset, mem memory.Allocator) (*arrow.Schema, []arrow.RecordBatch) {
	t.Helper()
	c, err := connectors.Open(config.NewSource("back", kind, map[string]string{"dsn": dsn}), connectors.Deps{Mem: mem})
	require.NoError(t, err)
	defer c.Close()
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
	require.NoError(t, err)
	defer r.Release()
	var recs []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		recs = append(recs, rec)
	}
	require.NoError(t, r.Err())
	return r.Schema(), recs
}

func TestWritePostgresIntegration(t *testing.T) {
	schema := pgSchema(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "n", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(mem, sch)
	defer bld.Release()
	bld.Field(0).(*array.StringBuilder).AppendValues([]string{"Nguyễn", "", "x"}, []bool{true, true, false})
	bld.Field(1).(*array.Int64Builder).AppendValues([]int64{1, -2, 0}, []bool{true, true, false})
	bld.Field(2).(*array.Float64Builder).AppendValues([]float64{1.25, 0, 0}, []bool{true, true, false})
	bld.Field(3).(*array.Date32Builder).AppendValues([]arrow.Date32{19782, 0, 0}, []bool{true, true, false})
	bld.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1709251199999999, 0, 0}, []bool{true, true, false})
	bld.Field(5).(*array.BooleanBuilder).AppendValues([]bool{true, false, false}, []bool{true, true, false})
	bld.Field(6).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(-12345), decimal128.FromI64(1), {}}, []bool{true, true, false})
	rec := bld.NewRecordBatch()
	defer rec.Release()
	rdr, err := array.NewRecordReader(sch, []arrow.RecordBatch{rec, rec})
	require.NoError(t, err)
	defer rdr.Release()

	n, err := writePostgres(context.Background(), testPG, schema+".written", rdr)
	require.NoError(t, err)
	require.EqualValues(t, 6, n)

	got, recs := readBack(t, "postgres", testPG, &config.Dataset{ID: "w", Table: schema + ".written"}, mem)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	require.True(t, got.Equal(sch), got.String())
	var rows int64
	for _, r := range recs {
		for i := 0; i < int(r.NumCols()); i++ {
			for j := 0; j < int(r.NumRows()); j++ {
				require.Equal(t, rec.Column(i).ValueStr(j%3), r.Column(i).ValueStr(j), "%s row %d", sch.Field(i).Name, j)
			}
		}
		rows += r.NumRows()
	}
	require.EqualValues(t, 6, rows)

	_, err = writePostgres(context.Background(), "postgres://postgres:S3cretPW@127.0.0.1:1/test", schema+".x", rdr)
	require.ErrorIs(t, err, connectors.ErrConnect)
	require.NotContains(t, err.Error(), "S3cretPW")
}
