package scorecard

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

var testBands = Bands{Green: 90, Yellow: 75}

// The six criteria, correct weighing 2.
var testScoring = Scoring{Bands: testBands, Criteria: []CriterionDef{
	{ID: "correct", Name: "Đúng", NameEN: "Correct", Weight: 2},
	{ID: "sufficient", Name: "Đủ", NameEN: "Sufficient", Weight: 1},
	{ID: "clean", Name: "Sạch", NameEN: "Clean", Weight: 1},
	{ID: "alive", Name: "Sống", NameEN: "Alive", Weight: 1},
	{ID: "unified", Name: "Thống nhất", NameEN: "Unified", Weight: 1},
	{ID: "shared", Name: "Dùng chung", NameEN: "Shared", Weight: 1},
}}

// rate is a row check with a pass-rate bar; bound a table check with a
// threshold. A stale score shows Assemble replaces it.
func rate(id, crit, severity string, mostly, passRate float64, st Status) *Check {
	return &Check{ID: id, Dimension: crit, Severity: severity, Weight: 1, Status: st, Score: f64(-1),
		PassRate: f64(passRate), Threshold: map[string]any{"mostly": mostly}}
}

func bound(id, crit, severity string, threshold map[string]any, value float64, st Status) *Check {
	return &Check{ID: id, Dimension: crit, Severity: severity, Weight: 1, Status: st, Score: f64(-1),
		Value: f64(value), Threshold: threshold}
}

// The requirement score of docs/methodology.md, one case a row.
func TestRequirementCurve(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *Check
		want *float64
	}{
		{"meets its bar", rate("a", "correct", "major", 0.8, 0.9, Pass), f64(100)},
		{"warns: still meets its bar", rate("a", "correct", "major", 0.9, 0.95, Warn), f64(100)},
		{"1 point short of 100%: 0.5 - 0.1", rate("a", "correct", "major", 1, 0.99, Fail), f64(40)},
		{"3 points short: 0.5 - 0.3", rate("a", "correct", "major", 1, 0.97, Fail), f64(20)},
		{"5 points short or more: nothing", rate("a", "correct", "major", 0.95, 0.90, Fail), f64(0)},
		{"240 h old, at most 168 h: 0.5 x (2 - 240/168)", bound("f", "alive", "major", map[string]any{"max_age_hours": 168.0}, 240, Fail), f64(28.57)},
		{"older than twice the bound: nothing", bound("f", "alive", "major", map[string]any{"max_age_hours": 168.0}, 400, Fail), f64(0)},
		{"3 h ahead, at most 2 h: 0.5 x (2 - 3/2)", bound("f", "alive", "major", map[string]any{"max_age_hours": 48.0, "max_future_hours": 2.0}, -3, Fail), f64(25)},
		{"ahead, none allowed: nothing", bound("f", "alive", "major", map[string]any{"max_age_hours": 48.0, "max_future_hours": 0.0}, -3, Fail), f64(0)},
		{"a ratio of 1.25, at most 1: 0.5 x (1 - 0.25)", bound("r", "sufficient", "major", map[string]any{"max": 1.0}, 1.25, Fail), f64(37.5)},
		{"a bound at 0: nothing", bound("m", "correct", "minor", map[string]any{"max": 0.0}, 0.1, Fail), f64(0)},
		{"800 rows, at least 1000: 0.5 x (1 - 0.2)", bound("v", "sufficient", "critical", map[string]any{"min": 1000.0}, 800, Fail), f64(40)},
		{"150 rows, at most 100: 0.5 x (1 - 0.5)", bound("v", "sufficient", "critical", map[string]any{"max": 100.0}, 150, Fail), f64(25)},
		{"a failing check without a distance: nothing", bound("s", "correct", "critical", map[string]any{"require": map[string]any{"id": "INT"}}, 1, Fail), f64(0)},
		{"error: no score", &Check{ID: "e", Dimension: "correct", Status: Error, Weight: 1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts([]*Check{tc.c})
			require.Equal(t, tc.want, tc.c.Score)
		})
	}
}

// rollUpRun is a run of two ministries: M with datasets a, b and c (c
// could not be read), N with d; O has none.
func rollUpRun() ([]Ref, []*Dataset, func(int) string) {
	notKPI := false
	a := &Dataset{ID: "a", Weight: 1, Checks: []*Check{
		rate("a1", "correct", "major", 1, 0.99, Fail),                                   // r 0.4, weight 2
		rate("a2", "correct", "minor", 0.95, 0.97, Pass),                                // r 1, weight 1
		bound("a3", "sufficient", "critical", map[string]any{"min": 1000.0}, 800, Fail), // r 0.4, weight 3
		{ID: "a4", Dimension: "sufficient", Severity: "major", Weight: 5, Status: Error},
		bound("a5", "alive", "major", map[string]any{"max_age_hours": 168.0}, 240, Fail), // r 0.285714
		{ID: "a6", Dimension: "clean", Severity: "major", Weight: 1, KPI: &notKPI, Status: Fail, PassRate: f64(0.5),
			Threshold: map[string]any{"mostly": 1.0}}, // shown, not scored
	}}
	b := &Dataset{ID: "b", Weight: 3, Checks: []*Check{
		rate("b1", "correct", "major", 1, 1, Pass),
		rate("b2", "unified", "major", 1, 1, Pass),
		bound("b3", "shared", "minor", map[string]any{"min": 1.0}, 5, Pass),
	}}
	// c could not be read: every check in error, no score, no band.
	c := &Dataset{ID: "c", Weight: 10, Error: "connection refused", Checks: []*Check{{ID: "c1", Dimension: "correct", Weight: 1, Status: Error}}}
	d := &Dataset{ID: "d", Weight: 1, Checks: []*Check{
		rate("d1", "clean", "major", 1, 0.995, Fail), // r 0.45
		bound("d2", "correct", "major", map[string]any{"min": 1.0}, 5, Pass),
	}}
	ministries := []Ref{{ID: "N", Name: "n"}, {ID: "O", Name: "o"}, {ID: "M", Name: "m"}}
	of := []string{"M", "M", "N", "M"}
	return ministries, []*Dataset{a, b, d, c}, func(i int) string { return of[i] }
}

func TestAssembleRollUp(t *testing.T) {
	ministries, datasets, of := rollUpRun()
	index, cards := Assemble(testRun, testScoring, ministries, datasets, of)
	a, b, d, c := datasets[0], datasets[1], datasets[2], datasets[3]

	require.Equal(t, []*float64{f64(40), f64(100), f64(40), nil, f64(28.57), f64(0)},
		[]*float64{a.Checks[0].Score, a.Checks[1].Score, a.Checks[2].Score, a.Checks[3].Score, a.Checks[4].Score, a.Checks[5].Score},
		"a check kpi: false is scored for people to see")
	// correct (0.4*2 + 1*1)/3 = 60; sufficient 40 (a4 in error counts
	// nowhere); alive 28.57; clean, unified, shared not measured.
	require.Equal(t, map[string]float64{"correct": 60, "sufficient": 40, "alive": 28.57}, a.Dimensions)
	require.Equal(t, []Criterion{
		{ID: "correct", Name: "Đúng", NameEN: "Correct", Weight: 2, Measured: true, Score: f64(60), Checks: 2, Failed: 1},
		{ID: "sufficient", Name: "Đủ", NameEN: "Sufficient", Weight: 1, Measured: true, Score: f64(40), Checks: 1, Failed: 1},
		{ID: "clean", Name: "Sạch", NameEN: "Clean", Weight: 1},
		{ID: "alive", Name: "Sống", NameEN: "Alive", Weight: 1, Measured: true, Score: f64(28.57), Checks: 1, Failed: 1},
		{ID: "unified", Name: "Thống nhất", NameEN: "Unified", Weight: 1},
		{ID: "shared", Name: "Dùng chung", NameEN: "Shared", Weight: 1},
	}, a.Criteria)
	// (60*2 + 40 + 28.5714)/4 = 47.14; records (0.99*2 + 0.97*1)/3 = 98.33.
	require.Equal(t, f64(47.14), a.Score)
	require.Equal(t, f64(98.33), a.RecordsScore)
	require.Nil(t, a.ScoreInterval95, "full data: no interval")
	require.Equal(t, "red", a.Band)
	require.Equal(t, Error, a.Status, "a scored check in error makes its dataset error")

	require.Equal(t, f64(100), b.Score)
	require.Equal(t, f64(100), b.RecordsScore)
	require.Equal(t, "green", b.Band)
	require.Equal(t, Pass, b.Status)

	require.Nil(t, c.Score)
	require.Equal(t, "", c.Band)
	require.Equal(t, Error, c.Status)

	// d: clean 45, correct 100: (200 + 45)/3 = 81.67; failing, so yellow
	// at most, and yellow anyway.
	require.Equal(t, f64(81.67), d.Score)
	require.Equal(t, "yellow", d.Band)

	require.Len(t, cards, 2)
	n, m := cards[0], cards[1]
	require.Equal(t, []*Dataset{d}, n.Datasets)
	require.Equal(t, []*Dataset{a, b, c}, m.Datasets)
	// M: correct (60 + 100*3)/4 = 90, sufficient 40, clean not measured
	// (0), alive 28.57, unified 100, shared 100:
	// (90*2 + 40 + 0 + 28.5714 + 100 + 100)/7 = 64.08.
	require.Equal(t, f64(64.08), m.Score)
	require.Equal(t, map[string]float64{"correct": 90, "sufficient": 40, "alive": 28.57, "unified": 100, "shared": 100}, m.Dimensions)
	require.False(t, m.Criteria[2].Measured)
	require.Nil(t, m.Criteria[2].Score, "not measured is never shown as full marks")
	require.Equal(t, &Coverage{CriteriaMeasured: 5, CriteriaTotal: 6, DatasetsChecked: 2, DatasetsDeclared: 3}, m.Coverage)
	// records: (98.33*1 + 100*3)/4 = 99.58.
	require.Equal(t, f64(99.58), m.RecordsScore)
	require.Equal(t, Error, m.Status)
	require.Equal(t, "red", m.Band)
	require.Equal(t, MethodologyVersion, m.MethodologyVersion)
	// N: (100*2 + 45)/7 = 35.
	require.Equal(t, f64(35), n.Score)

	require.Equal(t, MethodologyVersion, index.MethodologyVersion)
	require.Equal(t, "N", index.Ministries[0].ID)
	require.Equal(t, 2, index.Ministries[0].Rank)
	require.Equal(t, 1, index.Ministries[1].Rank, "M scores higher")
	require.Equal(t, m.Coverage, index.Ministries[1].Coverage)
	require.Equal(t, 10, index.Ministries[1].Checks)
	require.Equal(t, 6, index.Ministries[1].Failed, "the counts are of every check, scored or not")
	require.Equal(t, Error, index.Status)
	require.Equal(t, &testBands, index.Bands, "the bands a page states")
	require.Equal(t, &testBands, m.Bands)
}

// A check's gain is what the ministry score becomes when that check
// passes, less what it is: recomputed here by passing each in turn.
func TestGains(t *testing.T) {
	ministries, datasets, of := rollUpRun()
	_, cards := Assemble(testRun, testScoring, ministries, datasets, of)
	m := cards[1]
	gains := Gains(m)
	a := datasets[0]
	require.Len(t, gains, 3, "a1, a3 and a5 lost points; a4 (error) and a6 (kpi: false) are not scored")
	for _, c := range []*Check{a.Checks[0], a.Checks[2], a.Checks[4]} {
		_, again, _ := rollUpRun()
		for i, d := range again {
			for j, ch := range d.Checks {
				if d.ID == "a" && ch.ID == c.ID {
					again[i].Checks[j].Status = Pass
				}
			}
		}
		_, passed := Assemble(testRun, testScoring, ministries, again, of)
		require.InDelta(t, *passed[1].Score-*m.Score, gains[c], 0.01, c.ID)
	}
	// a1: correct weighs 2 of 7; a is 1 of 4 of the correct datasets'
	// weight; a1 weighs 2 of a's 3 in correct; it lost 60 points.
	require.InDelta(t, 2.0/7*1/4*2/3*60, gains[a.Checks[0]], 1e-9)
	require.Empty(t, Gains(&Card{Datasets: []*Dataset{a}}), "schema 1: no criteria, no gains")
}

// A failing check never leaves its dataset or ministry rated good, however
// many checks pass beside it.
func TestFailingCheckIsNeverGood(t *testing.T) {
	var checks []*Check
	for i := 0; i < 40; i++ {
		checks = append(checks, rate("ok", "correct", "critical", 1, 1, Pass))
	}
	checks = append(checks, rate("bad", "correct", "minor", 1, 0.999, Fail))
	d := &Dataset{ID: "d", Weight: 1, Checks: checks}
	_, cards := Assemble(testRun, Scoring{Bands: testBands, Criteria: testScoring.Criteria[:1]}, []Ref{{ID: "M"}}, []*Dataset{d}, func(int) string { return "M" })
	require.Greater(t, *d.Score, 99.0)
	require.Equal(t, "yellow", d.Band)
	require.Equal(t, Fail, d.Status)
	require.Equal(t, "yellow", cards[0].Band)
}

// On a sample, the score carries a 95% interval from its checks'.
func TestScoreInterval(t *testing.T) {
	one := rate("s", "correct", "major", 1, 0.99, Fail)
	one.Interval95 = []float64{0.985, 0.995} // r from 0.35 to 0.45
	d := &Dataset{ID: "d", Weight: 1, Checks: []*Check{one}}
	Assemble(testRun, testScoring, []Ref{{ID: "M"}}, []*Dataset{d}, func(int) string { return "M" })
	require.Equal(t, f64(40), d.Score)
	require.Equal(t, []float64{35, 45}, d.ScoreInterval95)

	// Its upper bound meets the bar: r from 0.44 to 1.
	near := rate("s", "correct", "major", 0.99, 0.988, Fail)
	near.Interval95 = []float64{0.984, 0.992}
	d = &Dataset{ID: "d", Weight: 1, Checks: []*Check{near}}
	Assemble(testRun, testScoring, []Ref{{ID: "M"}}, []*Dataset{d}, func(int) string { return "M" })
	require.Equal(t, f64(48), d.Score)
	require.Equal(t, []float64{20, 76}, d.ScoreInterval95)
}

func TestAssembleNothingScored(t *testing.T) {
	index, cards := Assemble(testRun, testScoring, []Ref{{ID: "M"}}, []*Dataset{{Error: "down", Weight: 1}}, func(int) string { return "M" })
	card := cards[0]
	require.Nil(t, card.Score)
	require.Equal(t, "", card.Band)
	require.Equal(t, Error, card.Status)
	require.NotNil(t, card.Dimensions)
	require.Equal(t, &Coverage{CriteriaTotal: 6, DatasetsDeclared: 1}, card.Coverage)
	require.Equal(t, Error, index.Status)

	index, cards = Assemble(testRun, testScoring, []Ref{{ID: "M"}}, nil, func(int) string { return "M" })
	require.Empty(t, cards)
	require.Equal(t, Pass, index.Status, "a run with nothing to check is not a failure")
}

// grouped has two groups. A group check has the criterion, severity,
// weight and threshold of the dataset's check of the same id.
func grouped() *Dataset {
	return &Dataset{ID: "g", Weight: 1, Checks: []*Check{
		rate("fmt", "correct", "major", 1, 0.99, Fail),
		rate("nulls", "sufficient", "minor", 1, 1, Pass),
		bound("volume", "sufficient", "critical", map[string]any{"min": 10.0}, 12, Pass),
	}, Groups: &Groups{By: "province", Values: []*Group{
		{Value: "01", Rows: 10, Checks: []*GroupCheck{
			{ID: "fmt", Status: Fail, PassRate: f64(0.98)},
			{ID: "nulls", Status: Pass, PassRate: f64(1)},
			{ID: "volume", Status: Fail, Value: f64(5)},
		}},
		{Value: "NULL", Rows: 2, Checks: []*GroupCheck{
			{ID: "fmt", Status: Pass, PassRate: f64(1)},
			{ID: "nulls", Status: Warn, PassRate: f64(0.5)},
			{ID: "volume", Status: Pass, Value: f64(12)},
		}},
	}}}
}

func TestAssembleGroups(t *testing.T) {
	d := grouped()
	Assemble(testRun, testScoring, []Ref{{ID: "M"}}, []*Dataset{d}, func(int) string { return "M" })

	g := d.Groups.Values[0]
	require.Equal(t, []*float64{f64(30), f64(100), f64(25)}, []*float64{g.Checks[0].Score, g.Checks[1].Score, g.Checks[2].Score})
	// sufficient = (1*1 + 0.25*3)/4 = 43.75; (30*2 + 43.75)/3 = 34.58
	require.Equal(t, map[string]float64{"correct": 30, "sufficient": 43.75}, g.Dimensions)
	require.Equal(t, f64(34.58), g.Score)
	require.Equal(t, "red", g.Band)
	require.Equal(t, Fail, g.Status)

	g = d.Groups.Values[1]
	require.Equal(t, f64(100), g.Score)
	require.Equal(t, "green", g.Band)
	require.Equal(t, Warn, g.Status)
}

// A merge assembles datasets a shard already scored and wrote as JSON:
// the scores come out the same.
func TestAssembleAgainIsIdempotent(t *testing.T) {
	ministries, datasets, of := rollUpRun()
	datasets = append(datasets, grouped())
	of4 := of
	of = func(i int) string {
		if i == 4 {
			return "N"
		}
		return of4(i)
	}
	index, cards := Assemble(testRun, testScoring, ministries, datasets, of)
	first := marshal(t, []any{index, cards})

	var again []*Dataset
	require.NoError(t, json.Unmarshal(marshal(t, datasets), &again))
	index, cards = Assemble(testRun, testScoring, ministries, again, of)
	require.Equal(t, string(first), string(marshal(t, []any{index, cards})))
}

func TestBands(t *testing.T) {
	for score, want := range map[float64]string{100: "green", 90: "green", 89.99: "yellow", 75: "yellow", 74.99: "red", 0: "red"} {
		require.Equal(t, want, testBands.Of(f64(score)), "score %v", score)
	}
	require.Equal(t, "", testBands.Of(nil))
}
