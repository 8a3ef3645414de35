// Package connectortest holds helpers for the connectors' tests.
package connectortest

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Rows reads every batch of r: the rows as Go values (see Value), the
// batch sizes, and the stream's error.
func Rows(r array.RecordReader) (rows [][]any, sizes []int64, err error) {
	for r.Next() {
		rec := r.RecordBatch()
		sizes = append(sizes, rec.NumRows())
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for j, col := range rec.Columns() {
				row[j] = Value(col, i)
			}
			rows = append(rows, row)
		}
	}
	return rows, sizes, r.Err()
}

// Value is element i of col as a Go value: nil for NULL; a string, int64,
// float64 or bool as itself; a date as 2006-01-02; a timestamp as RFC 3339
// in UTC, to the second; anything else as Arrow's ValueStr.
func Value(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i).FormattedString()
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(time.RFC3339)
	}
	return col.ValueStr(i)
}
