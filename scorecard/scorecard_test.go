package scorecard

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// fullResult fills every field of a result.
func fullResult() *result.Check {
	return &result.Check{
		Status: Fail, Rows: i64(100_000), Evaluated: i64(99_800), Failed: i64(1_200),
		PassRate: f64(0.98798), Interval95: []float64{0.98727, 0.98864}, Value: f64(3), Unit: "rows",
		Details: map[string]any{"missing": 3}, Threshold: map[string]any{"mostly": 0.995}, Message: "1,200 rows failed",
	}
}

func TestNewCheck(t *testing.T) {
	r := fullResult()
	ex := []Example{{Key: "0010****1234", Value: "0010****12"}}
	c := NewCheck(CheckMeta{ID: "cccd_valid", Kind: "format", Dimension: "correct", Column: "cccd",
		Columns: []string{"cccd"}, Weight: 2, KPI: true}, r, ex)
	require.Equal(t, &Check{ID: "cccd_valid", Kind: "format", Dimension: "correct", Column: "cccd",
		Columns: []string{"cccd"}, Weight: 2, Status: Fail,
		Rows: r.Rows, Evaluated: r.Evaluated, Failed: r.Failed, PassRate: r.PassRate, Interval95: r.Interval95,
		Value: r.Value, Unit: "rows", Details: r.Details, Threshold: r.Threshold, Examples: ex, Message: r.Message}, c)
	require.Nil(t, c.Score, "scored by Assemble, not here")

	// A field added to the result must reach the scorecard (or be left out
	// on purpose here).
	rv, cv := reflect.ValueOf(*r), reflect.ValueOf(*c)
	for i := range rv.NumField() {
		name := rv.Type().Field(i).Name
		f := cv.FieldByName(name)
		require.True(t, f.IsValid(), "scorecard.Check has no %s", name)
		require.Equal(t, rv.Field(i).Interface(), f.Interface(), name)
	}
}

func TestNewGroupCheck(t *testing.T) {
	r := fullResult()
	require.Equal(t, &GroupCheck{ID: "cccd_valid", Status: Fail, Evaluated: r.Evaluated, Failed: r.Failed,
		PassRate: r.PassRate, Value: r.Value}, NewGroupCheck("cccd_valid", r))
}
