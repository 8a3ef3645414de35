package scorecard

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var testBands = Bands{Green: 90, Yellow: 75}

func TestScoreCheck(t *testing.T) {
	for _, tc := range []struct {
		name     string
		c        Check
		rowLevel bool
		want     *float64
	}{
		{"row check: pass rate x 100, 2 decimals", Check{Status: Fail, PassRate: f64(0.98798)}, true, f64(98.8)},
		{"row check that warns keeps its rate", Check{Status: Warn, PassRate: f64(0.5)}, true, f64(50)},
		{"table check passes", Check{Status: Pass}, false, f64(100)},
		{"table check warns", Check{Status: Warn}, false, f64(100)},
		{"table check fails", Check{Status: Fail}, false, f64(0)},
		{"check in error has no score", Check{Status: Error, PassRate: f64(0.9), Score: f64(12)}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			ScoreCheck(&c, tc.rowLevel)
			require.Equal(t, tc.want, c.Score)
		})
	}
}

func row(dim string, rate, weight float64, st Status) *Check {
	c := &Check{Dimension: dim, PassRate: f64(rate), Weight: weight, Status: st}
	ScoreCheck(c, true)
	return c
}

func table(dim string, weight float64, st Status) *Check {
	c := &Check{Dimension: dim, Weight: weight, Status: st}
	ScoreCheck(c, false)
	return c
}

func TestScoreRollUp(t *testing.T) {
	dimWeights := map[string]float64{"correct": 2, "sufficient": 1, "clean": 1, "alive": 1}

	// A: correct = (90*1 + 60*3)/4 = 67.5; sufficient = 100 (the error
	// check is left out); alive = (100 warn + 0 fail)/2 = 50; clean has no
	// checks and is not in the mean: (67.5*2 + 100 + 50)/4 = 71.25.
	a := &Dataset{ID: "a", Weight: 1, Checks: []*Check{
		row("correct", 0.9, 1, Warn),
		row("correct", 0.6, 3, Fail),
		table("sufficient", 1, Pass),
		table("sufficient", 5, Error),
		table("alive", 1, Warn),
		table("alive", 1, Fail),
	}}
	ScoreDataset(a, dimWeights, testBands)
	require.Equal(t, map[string]float64{"correct": 67.5, "sufficient": 100, "alive": 50}, a.Dimensions)
	require.Equal(t, f64(71.25), a.Score)
	require.Equal(t, "red", a.Band)
	require.Equal(t, Error, a.Status, "a check in error makes its dataset error")

	b := &Dataset{ID: "b", Weight: 3, Checks: []*Check{row("correct", 1, 1, Pass), table("alive", 1, Pass)}}
	ScoreDataset(b, dimWeights, testBands)
	require.Equal(t, f64(100), b.Score)
	require.Equal(t, Pass, b.Status)
	require.Equal(t, "green", b.Band)

	// C could not be read: every check in error, no score, no band.
	c := &Dataset{ID: "c", Weight: 10, Status: Error, Error: "connection refused",
		Checks: []*Check{table("correct", 1, Error)}}
	ScoreDataset(c, dimWeights, testBands)
	require.Nil(t, c.Score)
	require.Empty(t, c.Dimensions)
	require.Equal(t, "", c.Band)
	require.Equal(t, Error, c.Status)

	// Ministry: C (weight 10) is left out of the means.
	// score = (71.25*1 + 100*3)/4 = 92.8125 -> 92.81
	// correct = (67.5*1 + 100*3)/4 = 91.875 -> 91.88; alive = (50 + 300)/4 = 87.5
	card := &Card{Datasets: []*Dataset{a, b, c}}
	ScoreCard(card, testBands)
	require.Equal(t, f64(92.81), card.Score)
	require.Equal(t, map[string]float64{"correct": 91.88, "sufficient": 100, "alive": 87.5}, card.Dimensions)
	require.Equal(t, "green", card.Band)
	require.Equal(t, Error, card.Status, "a dataset in error makes the ministry error")

	// Without the error dataset and check, the worst status is fail.
	a = &Dataset{ID: "a", Weight: 1, Checks: a.Checks[:3]}
	ScoreDataset(a, dimWeights, testBands)
	require.Equal(t, Fail, a.Status)
	card = &Card{Datasets: []*Dataset{a, b}}
	ScoreCard(card, testBands)
	require.Equal(t, Fail, card.Status)
}

func TestScoreCardNothingScored(t *testing.T) {
	card := &Card{Datasets: []*Dataset{{Status: Error, Weight: 1}}}
	ScoreCard(card, testBands)
	require.Nil(t, card.Score)
	require.Equal(t, "", card.Band)
	require.Equal(t, Error, card.Status)
	require.NotNil(t, card.Dimensions)
}

func TestBands(t *testing.T) {
	for score, want := range map[float64]string{100: "green", 90: "green", 89.99: "yellow", 75: "yellow", 74.99: "red", 0: "red"} {
		require.Equal(t, want, testBands.Of(f64(score)), "score %v", score)
	}
	require.Equal(t, "", testBands.Of(nil))
}

func TestWorse(t *testing.T) {
	require.Equal(t, Warn, Worse(Pass, Warn))
	require.Equal(t, Fail, Worse(Fail, Warn))
	require.Equal(t, Error, Worse(Fail, Error))
	require.Equal(t, Pass, Worse("", Pass))
}
