package scorecard

import (
	"maps"
	"math"
	"slices"
)

// Scoring, written down once (README and the schema's description say the
// same):
//
//   - check score: a row check's pass rate × 100; a table check (volume,
//     freshness, schema) 100 when it passes or warns, 0 when it fails; a
//     check in error has no score and is left out of the means below;
//   - dimension score of a dataset: the weighted mean of its checks' scores
//     in that dimension (check weights);
//   - dataset score: the weighted mean of its dimension scores (dimension
//     weights), over the dimensions it has checks in;
//   - ministry dimension score: the weighted mean of its datasets' scores in
//     that dimension (dataset weights); ministry score: the weighted mean of
//     its datasets' scores. A dataset that could not be evaluated has no
//     score, is left out of the means and makes the ministry's status error.

// ScoreCheck sets a check's score from its result.
func ScoreCheck(c *Check, rowLevel bool) {
	switch {
	case c.Status == Error:
		c.Score = nil
	case rowLevel && c.PassRate != nil:
		c.Score = ptr(round(*c.PassRate*100, 2))
	case c.Status == Fail:
		c.Score = ptr(0.0)
	default:
		c.Score = ptr(100.0)
	}
}

// ScoreDataset rolls a dataset's checks up into dimension scores, score
// and status. dimWeights gives each dimension's weight; order lists the
// dimensions in the config's order.
func ScoreDataset(d *Dataset, dimWeights map[string]float64, bands Bands) {
	type acc struct{ sum, w float64 }
	dims := map[string]*acc{}
	status := Pass
	if d.Error != "" {
		status = Error
	}
	for _, c := range d.Checks {
		status = Worse(status, c.Status)
		if c.Score == nil {
			continue
		}
		a := dims[c.Dimension]
		if a == nil {
			a = &acc{}
			dims[c.Dimension] = a
		}
		a.sum += *c.Score * c.Weight
		a.w += c.Weight
	}
	d.Dimensions = map[string]float64{}
	var sum, w float64
	// Sum in a fixed order: floating-point addition is not associative, and
	// map order would let the same data round to two different scores.
	for _, id := range slices.Sorted(maps.Keys(dims)) {
		a := dims[id]
		if a.w == 0 {
			continue
		}
		s := a.sum / a.w
		d.Dimensions[id] = round(s, 2)
		dw := dimWeights[id]
		sum += s * dw
		w += dw
	}
	d.Score = nil
	if w > 0 {
		d.Score = ptr(round(sum/w, 2))
	}
	d.Status = status
	d.Band = bands.Of(d.Score)
}

// ScoreCard rolls datasets up into the ministry's scores and status.
func ScoreCard(c *Card, bands Bands) {
	type acc struct{ sum, w float64 }
	dims := map[string]*acc{}
	var sum, w float64
	status := Pass
	for _, d := range c.Datasets {
		status = Worse(status, d.Status)
		if d.Score == nil {
			continue
		}
		sum += *d.Score * d.Weight
		w += d.Weight
		for id, s := range d.Dimensions {
			a := dims[id]
			if a == nil {
				a = &acc{}
				dims[id] = a
			}
			a.sum += s * d.Weight
			a.w += d.Weight
		}
	}
	c.Dimensions = map[string]float64{}
	for id, a := range dims {
		if a.w > 0 {
			c.Dimensions[id] = round(a.sum/a.w, 2)
		}
	}
	c.Score = nil
	if w > 0 {
		c.Score = ptr(round(sum/w, 2))
	}
	c.Status = status
	c.Band = bands.Of(c.Score)
}

// Bands colour scores for people (green, yellow, red).
type Bands struct {
	Green, Yellow float64
}

// Of returns the band of a score; no score, no band.
func (b Bands) Of(score *float64) string {
	switch {
	case score == nil:
		return ""
	case *score >= b.Green:
		return "green"
	case *score >= b.Yellow:
		return "yellow"
	}
	return "red"
}

func ptr[T any](v T) *T { return &v }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
