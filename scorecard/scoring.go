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

// Scoring is what the roll-up takes from the config.
type Scoring struct {
	// DimensionWeights weigh a dataset's dimension scores in its score.
	DimensionWeights map[string]float64
	Bands            Bands
}

// Assemble scores a run: every check, group and dataset, then one card per
// ministry that has datasets, in the order of ministries, and the index.
// datasets are in the config's order; ministryOf(i) is the ministry of
// datasets[i]. Scores and statuses are computed from the results alone, so
// assembling datasets that were already scored (a shard's part) gives the
// same scores again.
func Assemble(run Run, s Scoring, ministries []Ref, datasets []*Dataset, ministryOf func(i int) string) (*Index, []*Card) {
	for _, d := range datasets {
		scoreDataset(d, s)
	}
	index := &Index{SchemaVersion: SchemaVersion, Run: run, Status: Pass}
	var cards []*Card
	for _, m := range ministries {
		card := &Card{SchemaVersion: SchemaVersion, Run: run, Ministry: m}
		entry := IndexEntry{ID: m.ID, Name: m.Name}
		for i, d := range datasets {
			if ministryOf(i) != m.ID {
				continue
			}
			card.Datasets = append(card.Datasets, d)
			entry.Datasets++
			for _, c := range d.Checks {
				entry.Checks++
				if c.Status == Fail || c.Status == Error {
					entry.Failed++
				}
			}
		}
		if len(card.Datasets) == 0 {
			continue
		}
		scoreCard(card, s.Bands)
		entry.Score, entry.Band, entry.Status, entry.Dimensions = card.Score, card.Band, card.Status, card.Dimensions
		cards = append(cards, card)
		index.Ministries = append(index.Ministries, entry)
		index.Status = Worse(index.Status, card.Status)
	}
	return index, cards
}

// checkScore is a check's score from its status and pass rate, rounded to
// 2 decimals. Every row check has a pass rate and no table check has one
// (checks.Check.Evaluate), so having one is what makes a row check here:
// a result read back from JSON (a shard's part) is scored the same way.
func checkScore(status Status, passRate *float64) *float64 {
	switch {
	case status == Error:
		return nil
	case passRate != nil:
		return ptr(round(*passRate*100, 2))
	case status == Fail:
		return ptr(0.0)
	}
	return ptr(100.0)
}

// part is one check's share in a roll-up.
type part struct {
	dimension string
	weight    float64
	score     *float64
	status    Status
}

// rollUp gives the dimension scores, the score and the worst status of a
// dataset or group from its checks; status is the status before any check.
func rollUp(parts []part, status Status, dimWeights map[string]float64) (map[string]float64, *float64, Status) {
	type acc struct{ sum, w float64 }
	dims := map[string]*acc{}
	for _, p := range parts {
		status = Worse(status, p.status)
		if p.score == nil {
			continue
		}
		a := dims[p.dimension]
		if a == nil {
			a = &acc{}
			dims[p.dimension] = a
		}
		a.sum += *p.score * p.weight
		a.w += p.weight
	}
	scores := map[string]float64{}
	var sum, w float64
	// Sum in a fixed order: floating-point addition is not associative, and
	// map order would let the same data round to two different scores.
	for _, id := range slices.Sorted(maps.Keys(dims)) {
		a := dims[id]
		if a.w == 0 {
			continue
		}
		s := a.sum / a.w
		scores[id] = round(s, 2)
		dw := dimWeights[id]
		sum += s * dw
		w += dw
	}
	var score *float64
	if w > 0 {
		score = ptr(round(sum/w, 2))
	}
	return scores, score, status
}

// scoreDataset scores a dataset's checks and groups and rolls its checks
// up into its dimension scores, score, status and band.
func scoreDataset(d *Dataset, s Scoring) {
	status := Pass
	if d.Error != "" {
		status = Error
	}
	parts := make([]part, len(d.Checks))
	for i, c := range d.Checks {
		c.Score = checkScore(c.Status, c.PassRate)
		parts[i] = part{dimension: c.Dimension, weight: c.Weight, score: c.Score, status: c.Status}
	}
	d.Dimensions, d.Score, d.Status = rollUp(parts, status, s.DimensionWeights)
	d.Band = s.Bands.Of(d.Score)
	if d.Groups != nil {
		scoreGroups(d, s)
	}
}

// scoreGroups scores each group (a value of the dataset's group_by) as a
// dataset of its own. A group check carries no dimension or weight; the
// dataset's check of the same id has them.
func scoreGroups(d *Dataset, s Scoring) {
	byID := make(map[string]*Check, len(d.Checks))
	for _, c := range d.Checks {
		byID[c.ID] = c
	}
	for _, g := range d.Groups.Values {
		parts := make([]part, len(g.Checks))
		for i, gc := range g.Checks {
			gc.Score = checkScore(gc.Status, gc.PassRate)
			parts[i] = part{score: gc.Score, status: gc.Status}
			if c := byID[gc.ID]; c != nil {
				parts[i].dimension, parts[i].weight = c.Dimension, c.Weight
			}
		}
		g.Dimensions, g.Score, g.Status = rollUp(parts, Pass, s.DimensionWeights)
		g.Band = s.Bands.Of(g.Score)
	}
}

// scoreCard rolls datasets up into the ministry's scores and status.
func scoreCard(c *Card, bands Bands) {
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
