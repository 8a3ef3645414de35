package planner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
)

func TestCombine(t *testing.T) {
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	for _, tc := range []struct {
		expr   string
		groups []any
		want   any
		ok     bool
	}{
		{"COUNT(*)", []any{int64(3), int64(0), int64(5)}, int64(8), true},
		{dialect.CountIf(`"x" IS NULL`), []any{int64(1), nil, int64(2)}, int64(3), true},
		{dialect.CountIf(`"x" IS NULL`), nil, int64(0), true}, // no rows, no groups
		{`MAX("t")`, []any{t1, nil, t2}, t2, true},
		{`MIN("t")`, []any{t2, t1, nil}, t1, true},
		{`max("n")`, []any{int64(3), float64(7.5), nil}, float64(7.5), true},
		{`MIN("n")`, []any{int64(3), float64(7.5)}, int64(3), true},
		{`MAX("t")`, []any{nil, nil}, nil, true},      // NULL, as MAX over no value
		{`MAX("s")`, []any{"b", "C"}, nil, false},     // text: the engine's collation
		{`MAX("t")`, []any{t1, int64(1)}, nil, false}, // not one kind of value
		{`MAX("a") - MIN("a")`, []any{int64(1)}, nil, false},
		{`MAX(CASE WHEN "x" = ')' THEN 1 END)`, []any{int64(1), nil}, int64(1), true},
		{`MAX(CASE WHEN "x" = ')' THEN 1 END) + 1`, []any{int64(1)}, nil, false},
		{`MAX(CASE WHEN x = 'a\')' THEN 1 END)`, []any{int64(1)}, nil, false}, // MySQL's escape: not read
		{`COUNT(DISTINCT "x")`, []any{int64(1), int64(1)}, nil, false},
		{`SUM("x")`, []any{int64(1), int64(1)}, nil, false}, // floats would round differently
		{`quantile_cont("x", 0.5)`, []any{1.0}, nil, false},
	} {
		got, ok := combine(tc.expr, tc.groups)
		require.Equal(t, tc.ok, ok, tc.expr)
		if ok {
			require.Equal(t, tc.want, got, tc.expr)
		}
	}
}
