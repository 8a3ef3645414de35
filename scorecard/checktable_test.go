package scorecard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteCheckTable(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	frac := 0.05
	d := &Dataset{ID: "citizens", RowsSampled: n(5000), RowsTotal: n(100000), Status: Fail,
		Sample: Sample{Method: "hash", Fraction: &frac, Key: "cccd"},
		Checks: []*Check{
			{ID: "cccd_unique", Status: Fail, Evaluated: n(5000), Failed: n(40), PassRate: f(0.992), Interval95: []float64{0.9895, 0.9939},
				Examples: []Example{{Value: "0010****1234", Count: n(2)}, {Value: "0011****0001", Count: n(2)}, {Value: "a"}, {Value: "b"}},
				Message:  "40 rows share 20 duplicated keys"},
			{ID: "volume", Status: Pass, Value: f(100000), Unit: "rows"},
		}}
	var b strings.Builder
	WriteCheckTable(&b, d, false)
	want := `citizens: 5000 rows of 100000, hash sample of 5% on cccd, status fail
CHECK        STATUS  FAILED/EVALUATED  RESULT                     EXAMPLES
cccd_unique  fail    40/5000           99.20% (95%: 98.95–99.39)  0010****1234 ×2, 0011****0001 ×2, a, +1
volume       pass    -                 100000 rows                

  cccd_unique: fail: 40 rows share 20 duplicated keys
`
	require.Equal(t, want, b.String())
}
