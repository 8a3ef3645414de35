//go:build duckdb_arrow

package pipeline

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors"
)

// A projected stream keeps the columns asked for, in the stream's order,
// batch by batch, tells the whole schema, and frees every buffer.
func TestProjectKeepsColumnsAndFreesBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	batch := func(from int64) arrow.RecordBatch {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		for i := from; i < from+2; i++ {
			b.Field(0).(*array.Int64Builder).Append(i)
			b.Field(1).(*array.StringBuilder).Append("secret")
			b.Field(2).(*array.StringBuilder).Append("n")
		}
		return b.NewRecordBatch()
	}
	b1, b2 := batch(1), batch(3)
	src, err := array.NewRecordReader(schema, []arrow.RecordBatch{b1, b2})
	require.NoError(t, err)
	b1.Release()
	b2.Release()

	require.Same(t, src, project(src, nil), "nil keeps the stream as it is")
	r := project(src, []string{"name", "id"})
	defer r.Release()
	require.Equal(t, []string{"id", "name"}, []string{r.Schema().Field(0).Name, r.Schema().Field(1).Name})
	require.Equal(t, 2, r.Schema().NumFields())
	require.True(t, r.(connectors.Narrowed).SourceSchema().Equal(schema))
	var ids []int64
	for r.Next() {
		rec := r.RecordBatch()
		require.EqualValues(t, 2, rec.NumCols())
		ids = append(ids, rec.Column(0).(*array.Int64).Int64Values()...)
		require.Equal(t, "n", rec.Column(1).(*array.String).Value(0))
	}
	require.NoError(t, r.Err())
	require.Equal(t, []int64{1, 2, 3, 4}, ids)
}
