package scorecard

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

var testBands = Bands{Green: 90, Yellow: 75}

var testScoring = Scoring{
	DimensionWeights: map[string]float64{"correct": 2, "sufficient": 1, "clean": 1, "alive": 1},
	Bands:            testBands,
}

func TestCheckScore(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   Status
		passRate *float64
		want     *float64
	}{
		{"row check: pass rate x 100, 2 decimals", Fail, f64(0.98798), f64(98.8)},
		{"row check that warns keeps its rate", Warn, f64(0.5), f64(50)},
		{"row check with nothing to evaluate", Pass, f64(1), f64(100)},
		{"table check passes", Pass, nil, f64(100)},
		{"table check warns", Warn, nil, f64(100)},
		{"table check fails", Fail, nil, f64(0)},
		{"check in error has no score", Error, f64(0.9), nil},
		{"table check in error has no score", Error, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, checkScore(tc.status, tc.passRate))
		})
	}
}

// row and table are unscored results; a stale score shows Assemble
// replaces it.
func row(id, dim string, rate, weight float64, st Status) *Check {
	return &Check{ID: id, Dimension: dim, PassRate: f64(rate), Weight: weight, Status: st, Score: f64(-1)}
}

func table(id, dim string, weight float64, st Status) *Check {
	return &Check{ID: id, Dimension: dim, Weight: weight, Status: st, Score: f64(-1)}
}

// rollUpRun is a run of two ministries: M with datasets a, b and c (c
// could not be read), N with d; O has none.
func rollUpRun() ([]Ref, []*Dataset, func(int) string) {
	// A: correct = (90*1 + 60*3)/4 = 67.5; sufficient = 100 (the error
	// check is left out); alive = (100 warn + 0 fail)/2 = 50; clean has no
	// checks and is not in the mean: (67.5*2 + 100 + 50)/4 = 71.25.
	a := &Dataset{ID: "a", Weight: 1, Checks: []*Check{
		row("a1", "correct", 0.9, 1, Warn),
		row("a2", "correct", 0.6, 3, Fail),
		table("a3", "sufficient", 1, Pass),
		table("a4", "sufficient", 5, Error),
		table("a5", "alive", 1, Warn),
		table("a6", "alive", 1, Fail),
	}}
	b := &Dataset{ID: "b", Weight: 3, Checks: []*Check{row("b1", "correct", 1, 1, Pass), table("b2", "alive", 1, Pass)}}
	// C could not be read: every check in error, no score, no band.
	c := &Dataset{ID: "c", Weight: 10, Error: "connection refused", Checks: []*Check{table("c1", "correct", 1, Error)}}
	d := &Dataset{ID: "d", Weight: 1, Checks: []*Check{row("d1", "clean", 0.5, 1, Fail)}}
	ministries := []Ref{{ID: "N", Name: "n"}, {ID: "O", Name: "o"}, {ID: "M", Name: "m"}}
	of := []string{"M", "M", "N", "M"}
	return ministries, []*Dataset{a, b, d, c}, func(i int) string {
		if i < len(of) {
			return of[i]
		}
		return "M"
	}
}

func TestAssembleRollUp(t *testing.T) {
	ministries, datasets, of := rollUpRun()
	index, cards := Assemble(testRun, testScoring, ministries, datasets, of)
	a, b, d, c := datasets[0], datasets[1], datasets[2], datasets[3]

	require.Equal(t, []*float64{f64(90), f64(60), f64(100), nil, f64(100), f64(0)},
		[]*float64{a.Checks[0].Score, a.Checks[1].Score, a.Checks[2].Score, a.Checks[3].Score, a.Checks[4].Score, a.Checks[5].Score})
	require.Equal(t, map[string]float64{"correct": 67.5, "sufficient": 100, "alive": 50}, a.Dimensions)
	require.Equal(t, f64(71.25), a.Score)
	require.Equal(t, "red", a.Band)
	require.Equal(t, Error, a.Status, "a check in error makes its dataset error")

	require.Equal(t, f64(100), b.Score)
	require.Equal(t, Pass, b.Status)
	require.Equal(t, "green", b.Band)

	require.Nil(t, c.Checks[0].Score)
	require.Nil(t, c.Score)
	require.Empty(t, c.Dimensions)
	require.Equal(t, "", c.Band)
	require.Equal(t, Error, c.Status)

	// Cards in the order of ministries, datasets in theirs; O has no
	// dataset and no card.
	require.Len(t, cards, 2)
	n, m := cards[0], cards[1]
	require.Equal(t, Ref{ID: "N", Name: "n"}, n.Ministry)
	require.Equal(t, []*Dataset{d}, n.Datasets)
	require.Equal(t, []*Dataset{a, b, c}, m.Datasets)
	for _, card := range cards {
		require.Equal(t, SchemaVersion, card.SchemaVersion)
		require.Equal(t, testRun, card.Run)
	}

	// M: C (weight 10) is left out of the means.
	// score = (71.25*1 + 100*3)/4 = 92.8125 -> 92.81
	// correct = (67.5*1 + 100*3)/4 = 91.875 -> 91.88; alive = (50 + 300)/4 = 87.5
	require.Equal(t, f64(92.81), m.Score)
	require.Equal(t, map[string]float64{"correct": 91.88, "sufficient": 100, "alive": 87.5}, m.Dimensions)
	require.Equal(t, "green", m.Band)
	require.Equal(t, Error, m.Status, "a dataset in error makes the ministry error")
	require.Equal(t, f64(50), n.Score)
	require.Equal(t, Fail, n.Status)

	require.Equal(t, &Index{SchemaVersion: SchemaVersion, Run: testRun, Status: Error, Ministries: []IndexEntry{
		{ID: "N", Name: "n", Score: f64(50), Band: "red", Status: Fail,
			Dimensions: map[string]float64{"clean": 50}, Datasets: 1, Checks: 1, Failed: 1},
		{ID: "M", Name: "m", Score: f64(92.81), Band: "green", Status: Error,
			Dimensions: map[string]float64{"correct": 91.88, "sufficient": 100, "alive": 87.5}, Datasets: 3, Checks: 9, Failed: 4},
	}}, index)

	// Without the error dataset and check, the worst status is fail.
	a = &Dataset{ID: "a", Weight: 1, Checks: a.Checks[:3]}
	index, cards = Assemble(testRun, testScoring, ministries[2:], []*Dataset{a, b}, func(int) string { return "M" })
	require.Equal(t, Fail, a.Status)
	require.Equal(t, Fail, cards[0].Status)
	require.Equal(t, Fail, index.Status)
}

func TestAssembleNothingScored(t *testing.T) {
	index, cards := Assemble(testRun, testScoring, []Ref{{ID: "M"}}, []*Dataset{{Error: "down", Weight: 1}}, func(int) string { return "M" })
	card := cards[0]
	require.Nil(t, card.Score)
	require.Equal(t, "", card.Band)
	require.Equal(t, Error, card.Status)
	require.NotNil(t, card.Dimensions)
	require.Equal(t, Error, index.Status)

	index, cards = Assemble(testRun, testScoring, []Ref{{ID: "M"}}, nil, func(int) string { return "M" })
	require.Empty(t, cards)
	require.Equal(t, Pass, index.Status, "a run with nothing to check is not a failure")
}

// grouped has two groups. A group check has the dimension and weight of
// the dataset's check of the same id: fmt (correct, weight 3), nulls
// (sufficient, 1) and volume (sufficient, 1).
func grouped() *Dataset {
	return &Dataset{ID: "g", Weight: 1, Checks: []*Check{
		row("fmt", "correct", 0.9, 3, Fail),
		row("nulls", "sufficient", 1, 1, Pass),
		table("volume", "sufficient", 1, Pass),
	}, Groups: &Groups{By: "province", Values: []*Group{
		{Value: "01", Rows: 10, Checks: []*GroupCheck{
			{ID: "fmt", Status: Fail, PassRate: f64(0.8)},
			{ID: "nulls", Status: Pass, PassRate: f64(1)},
			{ID: "volume", Status: Fail},
		}},
		{Value: "NULL", Rows: 2, Checks: []*GroupCheck{
			{ID: "fmt", Status: Pass, PassRate: f64(1)},
			{ID: "nulls", Status: Warn, PassRate: f64(0.5)},
			{ID: "volume", Status: Pass},
		}},
	}}}
}

func TestAssembleGroups(t *testing.T) {
	d := grouped()
	Assemble(testRun, testScoring, []Ref{{ID: "M"}}, []*Dataset{d}, func(int) string { return "M" })

	g := d.Groups.Values[0]
	require.Equal(t, []*float64{f64(80), f64(100), f64(0)}, []*float64{g.Checks[0].Score, g.Checks[1].Score, g.Checks[2].Score})
	// sufficient = (100 + 0)/2 = 50; (80*2 + 50*1)/3 = 70
	require.Equal(t, map[string]float64{"correct": 80, "sufficient": 50}, g.Dimensions)
	require.Equal(t, f64(70), g.Score)
	require.Equal(t, "red", g.Band)
	require.Equal(t, Fail, g.Status)

	g = d.Groups.Values[1]
	// sufficient = (50 + 100)/2 = 75; (100*2 + 75)/3 = 91.666...
	require.Equal(t, map[string]float64{"correct": 100, "sufficient": 75}, g.Dimensions)
	require.Equal(t, f64(91.67), g.Score)
	require.Equal(t, "green", g.Band)
	require.Equal(t, Warn, g.Status)
}

// A merge assembles datasets a shard already scored and wrote as JSON:
// the scores come out the same.
func TestAssembleAgainIsIdempotent(t *testing.T) {
	ministries, datasets, of := rollUpRun()
	datasets = append(datasets, grouped())
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
