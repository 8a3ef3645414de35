//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// records (8 rows, 4 men) against another dataset's count, exact or
// estimated from its sample.
func TestRowCountCompare(t *testing.T) {
	f := newRecords(t)
	other := func(where string) checks.TallyRequest { return checks.TallyRequest{Dataset: "pop", Where: where} }
	ds := recordsSet
	ds.tallies = map[checks.TallyRequest]planner.TallyResult{
		other(""):            {Tally: checks.Tally{Matching: 4, Read: 4, Total: 4}},
		other("alive"):       {Tally: checks.Tally{Matching: 30, Read: 100, Total: 1000, Sample: sampling.Design{Method: "hash", Fraction: 0.1}}},
		other("no_n"):        {Tally: checks.Tally{Matching: 30, Read: 100, Total: -1, Sample: sampling.Design{Method: "hash", Fraction: 0.1}}},
		other("empty"):       {Tally: checks.Tally{Matching: 0, Read: 4, Total: 4}},
		other("unreachable"): {Err: errString("connection refused")},
	}
	res, plan := f.runTable(ds, `
- {id: double, kind: row_count_compare, dataset: pop, min: 2, max: 2}
- {id: men_equal, kind: row_count_compare, dataset: pop, where: "gender = 'M'", max: 1}
- {id: men_below, kind: row_count_compare, dataset: pop, where: "gender = 'M'", max: 1, strict_max: true}
- {id: difference, kind: row_count_compare, dataset: pop, measure: difference, min: -10, max: 3}
- {id: vs_sample, kind: row_count_compare, dataset: pop, other_where: alive, max: 0.1}
- {id: vs_sample_no_n, kind: row_count_compare, dataset: pop, other_where: no_n, max: 0.1}
- {id: vs_empty, kind: row_count_compare, dataset: pop, other_where: empty, max: 1}
- {id: vs_empty_difference, kind: row_count_compare, dataset: pop, other_where: empty, measure: difference, max: 8}
- {id: unreachable, kind: row_count_compare, dataset: pop, other_where: unreachable, max: 1}
`, plannerOptions(0))
	requireValue(t, res, "double", 2, result.Pass)
	require.False(t, res["double"].Estimate)
	require.Equal(t, map[string]any{"dataset": "pop", "measure": "ratio",
		"this": map[string]any{"rows": 8.0, "exact": true}, "other": map[string]any{"rows": 4.0, "exact": true}}, res["double"].Details)
	requireValue(t, res, "men_equal", 1, result.Pass)
	requireValue(t, res, "men_below", 1, result.Fail)
	requireValue(t, res, "difference", 4, result.Fail)
	require.Contains(t, res["difference"].Message, "difference of rows to pop is 4 (8 vs 4), outside min -10, max 3")

	// 30 of 100 sampled rows of N = 1000: about 300, with its interval.
	requireValue(t, res, "vs_sample", 8.0/300, result.Pass)
	require.True(t, res["vs_sample"].Estimate)
	lo, hi := sampling.Wilson(30, 100, 1000, 100)
	require.InDeltaSlice(t, []float64{8 / (1000 * hi), 8 / (1000 * lo)}, res["vs_sample"].Interval95, 1e-12)
	// N unknown: 30 ÷ 0.1.
	requireValue(t, res, "vs_sample_no_n", 8.0/300, result.Pass)
	require.Len(t, res["vs_sample_no_n"].Interval95, 2)

	requireNoValue(t, res, "vs_empty")
	requireValue(t, res, "vs_empty_difference", 8, result.Pass)
	require.Equal(t, result.Error, res["unreachable"].Status)
	require.Contains(t, res["unreachable"].Message, "counting the rows of pop: connection refused")
	require.Len(t, plan.SQL(), 1)

	// This side sampled, unfiltered: its N is known exactly.
	sampled := ds
	sampled.rows, sampled.sample = 16, sampling.Design{Method: "hash", Fraction: 0.5, Key: "cccd"}
	res, _ = f.runTable(sampled, `
- {id: n, kind: row_count_compare, dataset: pop, max: 4}
- {id: men, kind: row_count_compare, dataset: pop, where: "gender = 'M'", max: 4}
`, plannerOptions(0))
	requireValue(t, res, "n", 4, result.Pass)
	require.False(t, res["n"].Estimate)
	requireValue(t, res, "men", 2, result.Pass)
	require.True(t, res["men"].Estimate)
}

type errString string

func (e errString) Error() string { return string(e) }

func TestRowCountCompareConfigErrors(t *testing.T) {
	require.Contains(t, initError(t, `- {id: a, kind: row_count_compare, max: 1}`), "check a.dataset: row_count_compare needs the dataset:")
	require.Contains(t, initError(t, `- {id: a, kind: row_count_compare, dataset: b}`), "row_count_compare needs min:, max: or both")
	require.Contains(t, initError(t, `- {id: a, kind: row_count_compare, dataset: b, measure: percent, max: 1}`), "measure must be ratio or difference")
}
