//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// Bounds are inclusive unless strict: the values on a bound pass or fail
// as strict_min/strict_max say.
func TestStrictBoundsExactCounts(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: wage, kind: between, column: wage, min: 8000000, max: 12000000}
- {id: wage_strict_min, kind: between, column: wage, min: 8000000, max: 12000000, strict_min: true}
- {id: wage_strict, kind: between, column: wage, min: 8000000, max: 12000000, strict_min: true, strict_max: true}
- {id: wage_above, kind: between, column: wage, min: 9000000, strict_min: true}
- {id: born_before, kind: between, column: birth_date, max: 1990-01-01, strict_max: true}
- {id: name_len, kind: length, column: name, min: 3, max: 13}
- {id: name_len_strict_max, kind: length, column: name, min: 3, max: 13, strict_max: true}
- {id: name_len_strict_min, kind: length, column: name, min: 3, strict_min: true}
- {id: equal_bounds, kind: length, column: name, min: 13, max: 13}
`)
	// wages 10, 12, 8, 15, 9, 9, 11 million and a NULL
	requireCounts(t, res, "wage", counts{8, 7, 1}, result.Fail)
	requireCounts(t, res, "wage_strict_min", counts{8, 7, 2}, result.Fail)
	requireCounts(t, res, "wage_strict", counts{8, 7, 3}, result.Fail)
	requireCounts(t, res, "wage_above", counts{8, 7, 3}, result.Fail)
	// 1990-01-01 itself is out; 1999 (twice), 2000 and 2001 too.
	requireCounts(t, res, "born_before", counts{8, 7, 5}, result.Fail)
	// lengths 13, 13, 9, 12, 3, 13, 13, 9
	requireCounts(t, res, "name_len", counts{8, 8, 0}, result.Pass)
	requireCounts(t, res, "name_len_strict_max", counts{8, 8, 4}, result.Fail)
	requireCounts(t, res, "name_len_strict_min", counts{8, 8, 1}, result.Fail)
	requireCounts(t, res, "equal_bounds", counts{8, 8, 4}, result.Fail)
	require.Len(t, plan.SQL(), 1)
}

// The edge cases of bounds are decided once, for every kind that has
// them, and are dq validate errors at the key they are about.
func TestBoundEdgeCasesAreConfigErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{`- {id: a, kind: between, column: x, min: 10, max: 1}`, "check a.min: min (10) is greater than max (1): no value can be within"},
		{`- {id: a, kind: length, column: x, min: 5, max: 5, strict_max: true}`, "min and max are both 5 and a bound is strict"},
		{`- {id: a, kind: between, column: x, min: today, max: -1y}`, "min (today) is greater than max (-1y) at "},
		{`- {id: a, kind: between, column: x, min: 2000-01-01, max: 1999-12-31}`, "min (2000-01-01) is greater than max (1999-12-31)"},
		{`- {id: a, kind: between, column: x, min: null, max: 5}`, "check a.min: min: is empty; leave min: out for no bound, or give a value"},
		{`- {id: a, kind: between, column: x, max: ~}`, "check a.max: max: is empty"},
		{`- {id: a, kind: length, column: x, min: , max: 3}`, "check a.min: min: is empty"},
		{`- {id: a, kind: row_count, min: null}`, "check a.min: min: is empty"},
		{`- {id: a, kind: between, column: x, strict_min: true, max: 3}`, "strict_min: goes with min:"},
		{`- {id: a, kind: length, column: x, min: today}`, `min must be a number, not "today"`},
		{`- {id: a, kind: between, column: x}`, "between needs min:, max: or both"},
		{`- {id: a, kind: between, column: x, min: [1]}`, "must be a single value"},
		{`- {id: a, kind: row_count, min: 10, warn: {min: 5}}`, "warn.min (5) must be stricter than min (10)"},
	} {
		require.Contains(t, initError(t, c.yaml), c.want, c.yaml)
	}
}
