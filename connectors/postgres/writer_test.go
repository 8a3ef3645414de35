package postgres

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
)

func TestWriteTableIntegration(t *testing.T) {
	_, schema := testDB(t)
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

	n, err := WriteTable(context.Background(), testDSN(), schema+".written", rdr)
	require.NoError(t, err)
	require.EqualValues(t, 6, n)

	c := open(t, nil)
	got, recs := extractAll(t, c, mem, &config.Dataset{ID: "w", Table: schema + ".written"})
	defer releaseAll(recs)
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

	_, err = WriteTable(context.Background(), "postgres://postgres:S3cretPW@127.0.0.1:1/test", schema+".x", rdr)
	require.ErrorIs(t, err, ErrConnect)
	require.NotContains(t, err.Error(), "S3cretPW")
}
