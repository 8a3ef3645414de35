//go:build duckdb_arrow

package checks_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
)

// Every metric of a column on planted values: wages 10, 12, 8, 15, 9, 9,
// 11 million and a NULL; scores '7.5', '8', 'abc', ”, '9', '6.5', '6.5',
// '7' as text.
func TestMetricValues(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: min_wage, kind: metric, column: wage, metric: min, min: 8000000}
- {id: min_wage_strict, kind: metric, column: wage, metric: min, min: 8000000, strict_min: true}
- {id: max_wage, kind: metric, column: wage, metric: max, max: 15000000, warn: {max: 14000000}}
- {id: mean_wage, kind: metric, column: wage, metric: mean, min: 10000000, max: 11000000}
- {id: sum_wage, kind: metric, column: wage, metric: sum, max: 74000000}
- {id: sd_wage, kind: metric, column: wage, metric: stddev, max: 2000000}
- {id: median_wage, kind: metric, column: wage, metric: median, min: 10000000, max: 10000000}
- {id: p90_wage, kind: metric, column: wage, metric: percentile, percentile: 0.9, max: 13000000}
- {id: p0_wage, kind: metric, column: wage, metric: percentile, percentile: 0, min: 8000000}
- {id: min_score, kind: metric, column: score, metric: min, min: 6.5, max: 6.5}
- {id: mean_score, kind: metric, column: score, metric: mean, min: 7}
- {id: oldest, kind: metric, column: birth_date, metric: min, min: 1980-01-01}
- {id: youngest, kind: metric, column: birth_date, metric: max, max: today}
- {id: latest_end, kind: metric, column: end_ts, metric: max, max: now, min: -1y}
- {id: issued_latest, kind: metric, column: issued_date, metric: max, max: today}
- {id: provinces, kind: metric, column: province, metric: distinct_count, min: 5, max: 5}
- {id: provinces_share, kind: metric, column: province, metric: distinct_share, min: 0.8}
- {id: provinces_dup, kind: metric, column: province, metric: duplicate_share, max: 0.25}
- {id: genders, kind: metric, column: gender, metric: distinct_count, max: 2}
- {id: keys_dup, kind: metric, column: cccd, metric: duplicate_share, max: 0}
- {id: cmnd_missing, kind: metric, column: old_cmnd, metric: missing_share, min: 0.5}
- {id: issued_missing, kind: metric, column: issued_date, metric: missing_share, max: 0.1}
- {id: note_min, kind: metric, column: note, metric: min, max: 1}
- {id: note_count, kind: metric, column: note, metric: distinct_count, max: 0}
- {id: note_share, kind: metric, column: note, metric: distinct_share, max: 1}
- {id: note_missing, kind: metric, column: note, metric: missing_share, max: 0.5}
`)
	requireValue(t, res, "min_wage", 8e6, result.Pass)
	requireValue(t, res, "min_wage_strict", 8e6, result.Fail)
	requireValue(t, res, "max_wage", 15e6, result.Warn)
	requireValue(t, res, "mean_wage", 74e6/7, result.Pass)
	requireValue(t, res, "sum_wage", 74e6, result.Pass)
	// Σ(x - mean)² = 236/7 (in millions²), over n - 1 = 6.
	requireValue(t, res, "sd_wage", math.Sqrt(236.0/42)*1e6, result.Fail)
	requireValue(t, res, "median_wage", 10e6, result.Pass)
	// h = 0.9 × 6 = 5.4: 12M + 0.4 × (15M - 12M).
	requireValue(t, res, "p90_wage", 13.2e6, result.Fail)
	requireValue(t, res, "p0_wage", 8e6, result.Pass)
	require.Equal(t, map[string]any{"rows": int64(8), "non_missing": int64(7), "values": int64(7)}, res["min_wage"].Details)

	// 'abc' does not read as a number: left out, and counted.
	requireValue(t, res, "min_score", 6.5, result.Pass)
	require.Equal(t, map[string]any{"rows": int64(8), "non_missing": int64(7), "values": int64(6), "not_cast": int64(1)}, res["min_score"].Details)
	requireValue(t, res, "mean_score", 44.5/6, result.Pass)

	// Dates and times in days since 1970-01-01 on their wall clock.
	requireValue(t, res, "oldest", 32, result.Fail)
	require.Equal(t, "1970-02-02 00:00:00", res["oldest"].Details["value"])
	require.Equal(t, "days since 1970-01-01", res["oldest"].Unit)
	require.Equal(t, map[string]any{"min": 3652.0}, res["oldest"].Threshold)
	require.Contains(t, res["oldest"].Message, "min of birth_date is 1970-02-02 00:00:00, outside min 1980-01-01")
	requireValue(t, res, "youngest", 11323, result.Pass)
	requireValue(t, res, "latest_end", 20458+8.0/24, result.Pass)
	// A text column read as dates for date bounds: 'not a date' is left
	// out.
	requireValue(t, res, "issued_latest", 17897, result.Pass)
	require.Equal(t, int64(1), res["issued_latest"].Details["not_cast"])

	// 01, 01, 79, 79, 02, ZZ, '01 ' and NULL: five distinct, exactly.
	requireValue(t, res, "provinces", 5, result.Pass)
	requireValue(t, res, "provinces_share", 5.0/7, result.Fail)
	requireValue(t, res, "provinces_dup", 2.0/7, result.Fail)
	// M, F and f.
	requireValue(t, res, "genders", 3, result.Fail)
	requireValue(t, res, "keys_dup", 1.0/7, result.Fail)
	requireValue(t, res, "cmnd_missing", 0.75, result.Pass)
	requireValue(t, res, "issued_missing", 0.125, result.Fail)

	// A column with no value: a metric of its values has none and fails;
	// counts and missing_share still have one.
	requireNoValue(t, res, "note_min")
	requireValue(t, res, "note_count", 0, result.Pass)
	requireNoValue(t, res, "note_share")
	requireValue(t, res, "note_missing", 1, result.Fail)

	require.Len(t, plan.SQL(), 1, "every metric in the one fused scan")
}

// Zero rows: every metric of values has none, and fails.
func TestMetricsOfNothing(t *testing.T) {
	f := newRecords(t)
	res, _ := f.runTable(dataset{table: "nothing", key: "cccd", rows: 0}, `
- {id: min, kind: metric, column: wage, metric: min, min: 0}
- {id: sd, kind: metric, column: wage, metric: stddev, max: 1}
- {id: median, kind: metric, column: wage, metric: median, max: 1}
- {id: count, kind: metric, column: wage, metric: distinct_count, min: 1}
- {id: missing, kind: metric, column: wage, metric: missing_share, max: 1}
`, plannerOptions(0))
	requireNoValue(t, res, "min")
	requireNoValue(t, res, "sd")
	requireNoValue(t, res, "median")
	requireValue(t, res, "count", 0, result.Fail)
	requireNoValue(t, res, "missing")
}

// A metric shares the aggregates other checks of the dataset need:
// the missing count of not_null, the newest value of freshness, the
// non-missing count of a value check.
func TestMetricsShareTheFusedScan(t *testing.T) {
	f := newRecords(t)
	_, plan := f.records(`
- {id: a, kind: not_null, column: old_cmnd}
- {id: b, kind: metric, column: old_cmnd, metric: missing_share, max: 1}
- {id: c, kind: freshness, column: end_ts, max_age: 7d}
- {id: d, kind: metric, column: end_ts, metric: max, max: now}
- {id: e, kind: regex, column: old_cmnd, pattern: '^[0-9]{9}$'}
`)
	// COUNT(*), old_cmnd's missing count (a, b), MAX(end_ts) (c, d),
	// end_ts's non-missing count (d), old_cmnd's (b, e), e's failures.
	require.Equal(t, 6, plan.Metrics())
	require.Len(t, plan.SQL(), 1)
}

// On a sample a share of rows gets its interval; a minimum, a maximum or a
// distinct count is marked as an estimate; a sum is scaled to N.
func TestSampledMetrics(t *testing.T) {
	f := newRecords(t)
	half := dataset{table: "records", key: "cccd", rows: 16, sample: sampling.Design{Method: "hash", Fraction: 0.5, Key: "cccd"}}
	res, _ := f.runTable(half, `
- {id: missing, kind: metric, column: old_cmnd, metric: missing_share, min: 0.5}
- {id: min, kind: metric, column: wage, metric: min, min: 0}
- {id: count, kind: metric, column: province, metric: distinct_count, min: 1}
- {id: sum, kind: metric, column: wage, metric: sum, max: 200000000}
`, plannerOptions(0))
	requireValue(t, res, "missing", 0.75, result.Pass)
	lo, hi := sampling.Wilson(6, 8, 16, 8)
	require.Equal(t, []float64{lo, hi}, res["missing"].Interval95)
	require.False(t, res["missing"].Estimate)
	require.True(t, res["min"].Estimate)
	require.Nil(t, res["min"].Interval95)
	require.True(t, res["count"].Estimate)
	requireValue(t, res, "sum", 148e6, result.Pass)
	require.Equal(t, 74e6, res["sum"].Details["sample_sum"])
}

// noPercentile is DuckDB without an aggregate percentile, as MySQL and
// MariaDB are.
type noPercentile struct{ dialect.DuckDB }

func (noPercentile) Percentile(string, float64) string { return "" }

// Percentiles are an aggregate of the fused scan where the engine has one;
// MySQL and MariaDB have none, so there it is a query of its own, which
// computes the same interpolation.
func TestPercentileWithoutAnAggregate(t *testing.T) {
	f := newRecords(t)
	y := `
- {id: p90, kind: metric, column: wage, metric: percentile, percentile: 0.9, max: 20000000}
- {id: median, kind: metric, column: score, metric: median, max: 20000000}
- {id: p0, kind: metric, column: wage, metric: percentile, percentile: 0, max: 20000000}
- {id: p1, kind: metric, column: wage, metric: percentile, percentile: 1, max: 20000000}`
	withAggregate, plan := f.records(y)
	require.Len(t, plan.SQL(), 1)
	byQuery := recordsSet
	byQuery.dialect = noPercentile{}
	withQuery, plan := f.runTable(byQuery, y, plannerOptions(0))
	require.Len(t, plan.SQL(), 5, "the fused scan and one query per percentile")
	for id, want := range map[string]float64{"p90": 13.2e6, "median": 7.25, "p0": 8e6, "p1": 15e6} {
		requireValue(t, withAggregate, id, want, result.Pass)
		requireValue(t, withQuery, id, want, result.Pass)
	}
	empty := dataset{table: "nothing", key: "cccd", dialect: noPercentile{}}
	none, _ := f.runTable(empty, y, plannerOptions(0))
	requireNoValue(t, none, "p90")
}

func TestMetricConfigErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{`- {id: a, kind: metric, column: x, metric: average, min: 1}`, "check a.metric: metric must be one of min, max, mean"},
		{`- {id: a, kind: metric, column: x, metric: percentile, max: 1}`, "metric: percentile needs percentile:"},
		{`- {id: a, kind: metric, column: x, metric: percentile, percentile: 95, max: 1}`, "percentile must be between 0 and 1"},
		{`- {id: a, kind: metric, column: x, metric: mean, percentile: 0.5, max: 1}`, "percentile: goes with metric: percentile"},
		{`- {id: a, kind: metric, column: x, metric: missing_share, max: 5}`, "missing_share is a share between 0 and 1 (0.05 for 5%), got 5"},
		{`- {id: a, kind: metric, column: x, metric: mean, max: today}`, "max must be a number"},
		{`- {id: a, kind: metric, column: x, metric: mean}`, "metric needs min:, max: or both"},
		{`- {id: a, kind: metric, columns: [x, y], metric: mean, max: 1}`, "metric needs one column:"},
		{`- {id: a, kind: metric, column: x, metric: max, max: 5, warn: {max: 6}}`, "warn.max (6) must be stricter than max (5)"},
	} {
		require.Contains(t, initError(t, c.yaml), c.want, c.yaml)
	}
	f := newRecords(t)
	res, _ := f.records(`
- {id: mean_date, kind: metric, column: birth_date, metric: mean, max: 1}
- {id: max_date_number, kind: metric, column: birth_date, metric: max, max: 1}
`)
	require.Equal(t, result.Error, res["mean_date"].Status)
	require.Contains(t, res["mean_date"].Message, "metric mean needs a number column; birth_date is DATE")
	require.Equal(t, result.Error, res["max_date_number"].Status)
	require.Contains(t, res["max_date_number"].Message, "the bounds are numbers")
}
