package scorecard

import (
	"math"
	"sort"
)

// Scoring, written down once (docs/methodology.md, MethodologyVersion,
// says the same with a worked example; a test recomputes every demo score
// from the published JSON with that document's formulas):
//
//   - A check earns a requirement score r from 0 to 1: 1 when it meets its
//     threshold (pass or warn); when it fails, at most 0.5, less the
//     further it misses: a row check 0.5 − 10 × (mostly − pass_rate), a
//     check with an age bound 0.5 × (2 − age/max_age) (a newest value
//     ahead of now: 0.5 × (2 − lead/max_future)), with a bound on a
//     volume or another value 0.5 × (1 − the relative distance beyond
//     it) when the bound is above 0, never below 0; any other failing
//     check 0. A check in error earns nothing and counts nowhere.
//   - It weighs severity × weight: critical 3, major 2, minor 1, times the
//     config's weight (1 by default); kpi: false weighs 0 (shown, not
//     scored).
//   - A criterion of a dataset scores 100 × Σ weight·r / Σ weight over its
//     scored checks, and is "not measured" without any. A dataset scores
//     the weighted mean (criterion weights) of its measured criteria.
//   - A criterion of a ministry scores the weighted mean (dataset weights)
//     of its datasets' scores in it. A ministry scores the weighted mean
//     of every criterion of the config, a criterion no dataset measured
//     counting 0: a ministry cannot look better by checking less.
//   - records_score is the weighted mean of the pass rates of the scored
//     row checks (× 100), the datasets' weighted mean for a ministry: how
//     clean the records are, beside how far the requirements are met.
//   - Band: green at or above the config's green bound, yellow at or above
//     its yellow bound, red below; never green when a scored check fails or
//     a dataset could not be read.
//   - On samples, each row check's 95% interval of its pass rate gives an
//     interval of r; these are combined as independent errors into the
//     score's 95% interval.

// Severity weights.
var severityWeight = map[string]float64{"critical": 3, "major": 2, "minor": 1}

// rateSlope is how much r falls per unit of pass rate below the bar: 10,
// that is 0.1 per percentage point, so that a check 5 points short earns
// nothing.
const rateSlope = 10

// z95 is the two-sided 95% normal quantile.
const z95 = 1.959963984540054

// CriterionDef is one criterion as the config defines it.
type CriterionDef struct {
	ID, Name, NameEN string
	Weight           float64
}

// Scoring is what the roll-up takes from the config.
type Scoring struct {
	// Criteria are the config's criteria, in its order.
	Criteria []CriterionDef
	Bands    Bands
}

// Assemble scores a run: every check, group and dataset, then one card per
// ministry that has datasets, in the order of ministries, and the index
// with each ministry's rank. datasets are in the config's order;
// ministryOf(i) is the ministry of datasets[i]. Scores and statuses are
// computed from the results alone, so assembling datasets that were
// already scored (a shard's part) gives the same scores again.
func Assemble(run Run, s Scoring, ministries []Ref, datasets []*Dataset, ministryOf func(i int) string) (*Index, []*Card) {
	stats := make([]datasetStats, len(datasets))
	for i, d := range datasets {
		stats[i] = scoreDataset(d, s)
	}
	bands := s.Bands
	index := &Index{SchemaVersion: SchemaVersion, MethodologyVersion: MethodologyVersion, Run: run, Status: Pass, Bands: &bands}
	var cards []*Card
	for _, m := range ministries {
		card := &Card{SchemaVersion: SchemaVersion, MethodologyVersion: MethodologyVersion, Run: run, Ministry: m, Bands: &bands}
		entry := IndexEntry{ID: m.ID, Name: m.Name}
		var mine []datasetStats
		for i, d := range datasets {
			if ministryOf(i) != m.ID {
				continue
			}
			card.Datasets = append(card.Datasets, d)
			mine = append(mine, stats[i])
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
		scoreCard(card, mine, s)
		entry.Score, entry.ScoreInterval95, entry.RecordsScore = card.Score, card.ScoreInterval95, card.RecordsScore
		entry.Band, entry.Status, entry.Dimensions, entry.Coverage = card.Band, card.Status, card.Dimensions, card.Coverage
		cards = append(cards, card)
		index.Ministries = append(index.Ministries, entry)
		index.Status = Worse(index.Status, card.Status)
	}
	rank(index.Ministries)
	return index, cards
}

// rank numbers the ministries by score, highest first; ties share the
// config's order, no score comes last.
func rank(entries []IndexEntry) {
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		sa, sb := entries[order[a]].Score, entries[order[b]].Score
		switch {
		case sa == nil:
			return false
		case sb == nil:
			return true
		}
		return *sa > *sb
	})
	for place, i := range order {
		entries[i].Rank = place + 1
	}
}

// estimate is a score with the variance of its sampling error, both on
// the 0..1 scale.
type estimate struct {
	value, variance float64
}

// mean is the weighted mean of estimates taken as independent.
type mean struct {
	sum, w, variance float64
	n                int
}

func (m *mean) add(e estimate, w float64) {
	m.sum += e.value * w
	m.variance += w * w * e.variance
	m.w += w
	m.n++
}

func (m *mean) result() (estimate, bool) {
	if m.w <= 0 {
		return estimate{}, false
	}
	return estimate{value: m.sum / m.w, variance: m.variance / (m.w * m.w)}, true
}

// datasetStats is what a ministry's roll-up needs of a scored dataset.
type datasetStats struct {
	weight    float64
	criteria  map[string]estimate // measured criteria only
	score     *estimate
	records   *float64 // 0..1
	failing   bool     // a scored check failed
	unchecked bool     // could not be read, or nothing scored
}

// checkWeight is what a check weighs in the scores: 0 when it is not
// scored.
func checkWeight(c *Check) float64 {
	if c.KPI != nil && !*c.KPI {
		return 0
	}
	sw, ok := severityWeight[c.Severity]
	if !ok {
		sw = severityWeight["major"]
	}
	return sw * c.Weight
}

// requirement is a check's r (and its sampling variance) at a pass rate;
// ok is false for a check that is not scored (in error).
func requirement(c *Check) (estimate, bool) {
	if c.Status == Error || c.Status == "" {
		return estimate{}, false
	}
	r := requirementAt(c, c.Status, c.PassRate)
	e := estimate{value: r}
	if len(c.Interval95) == 2 && c.PassRate != nil {
		lo := requirementAt(c, statusAt(c, c.Interval95[0]), &c.Interval95[0])
		hi := requirementAt(c, statusAt(c, c.Interval95[1]), &c.Interval95[1])
		sd := (hi - lo) / (2 * z95)
		e.variance = sd * sd
	}
	return e, true
}

// statusAt is whether a row check would pass at another pass rate (for
// the bounds of its interval).
func statusAt(c *Check, rate float64) Status {
	if m, ok := number(c.Threshold["mostly"]); ok && rate < m {
		return Fail
	}
	return Pass
}

func requirementAt(c *Check, status Status, passRate *float64) float64 {
	if status == Pass || status == Warn {
		return 1
	}
	if m, ok := number(c.Threshold["mostly"]); ok && passRate != nil {
		return clamp(0.5 - rateSlope*(m-*passRate))
	}
	if c.Value == nil {
		return 0
	}
	v := *c.Value
	if maxAge, ok := number(c.Threshold["max_age_hours"]); ok && maxAge > 0 {
		if v < 0 {
			// Newest value ahead of now by -v hours, beyond max_future.
			if lead, ok := number(c.Threshold["max_future_hours"]); ok && lead > 0 {
				return clamp(0.5 * (2 - -v/lead))
			}
			return 0
		}
		return clamp(0.5 * (2 - v/maxAge))
	}
	if lo, ok := number(c.Threshold["min"]); ok && v < lo && lo > 0 {
		return clamp(0.5 * (1 - (lo-v)/lo))
	}
	if hi, ok := number(c.Threshold["max"]); ok && v > hi && hi > 0 {
		return clamp(0.5 * (1 - (v-hi)/hi))
	}
	return 0
}

// number reads a threshold value: a float64 in memory, or a JSON number
// read back (a shard's part).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func clamp(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// part is one scored check in a roll-up.
type part struct {
	criterion string
	weight    float64
	r         estimate
	passRate  *float64
	failed    bool
}

// parts scores each check of a list (setting its Score) and returns the
// scored ones; status is the worst status of the scored checks.
func parts(checks []*Check) (ps []part, status Status, failing bool) {
	status = Pass
	for _, c := range checks {
		e, ok := requirement(c)
		if !ok {
			c.Score = nil
			if checkWeight(c) > 0 {
				status = Worse(status, c.Status)
			}
			continue
		}
		c.Score = ptr(round(e.value*100, 2))
		w := checkWeight(c)
		if w <= 0 {
			continue // shown, not scored
		}
		status = Worse(status, c.Status)
		p := part{criterion: c.Dimension, weight: w, r: e, failed: c.Status == Fail}
		if c.PassRate != nil {
			p.passRate = c.PassRate
		}
		failing = failing || p.failed
		ps = append(ps, p)
	}
	return ps, status, failing
}

// rollUp gives the criteria of a dataset or group, its score and its
// records figure from its scored checks.
func rollUp(ps []part, s Scoring) (criteria []Criterion, dims map[string]float64, score *estimate, records *float64, measured map[string]estimate) {
	byCrit := map[string]*mean{}
	counts := map[string][2]int{}
	var rec mean
	for _, p := range ps {
		m := byCrit[p.criterion]
		if m == nil {
			m = &mean{}
			byCrit[p.criterion] = m
		}
		m.add(p.r, p.weight)
		n := counts[p.criterion]
		n[0]++
		if p.failed {
			n[1]++
		}
		counts[p.criterion] = n
		if p.passRate != nil {
			rec.add(estimate{value: *p.passRate}, p.weight)
		}
	}
	dims = map[string]float64{}
	measured = map[string]estimate{}
	var total mean
	for _, def := range s.Criteria {
		c := Criterion{ID: def.ID, Name: def.Name, NameEN: def.NameEN, Weight: def.Weight}
		if m := byCrit[def.ID]; m != nil {
			if e, ok := m.result(); ok {
				c.Measured = true
				c.Score = ptr(round(e.value*100, 2))
				c.Checks, c.Failed = counts[def.ID][0], counts[def.ID][1]
				dims[def.ID] = *c.Score
				measured[def.ID] = e
				total.add(e, def.Weight)
			}
		}
		criteria = append(criteria, c)
	}
	if e, ok := total.result(); ok {
		score = &e
	}
	if e, ok := rec.result(); ok {
		records = &e.value
	}
	return criteria, dims, score, records, measured
}

// scoreDataset scores a dataset's checks and groups and rolls its checks
// up into its criteria, score, interval, records figure, status and band.
func scoreDataset(d *Dataset, s Scoring) datasetStats {
	ps, status, failing := parts(d.Checks)
	if d.Error != "" {
		status = Error
	}
	criteria, dims, score, records, measured := rollUp(ps, s)
	d.Criteria, d.Dimensions, d.Status = criteria, dims, status
	d.Score, d.ScoreInterval95 = published(score)
	d.RecordsScore = nil
	if records != nil {
		d.RecordsScore = ptr(round(*records*100, 2))
	}
	d.Band = s.Bands.capped(d.Score, failing || d.Error != "")
	if d.Groups != nil {
		scoreGroups(d, s)
	}
	return datasetStats{weight: d.Weight, criteria: measured, score: score, records: records,
		failing: failing, unchecked: d.Error != "" || score == nil}
}

// published is an estimate as the JSON gives it: the score (0..100) and,
// when it carries a sampling error, its 95% interval.
func published(e *estimate) (*float64, []float64) {
	if e == nil {
		return nil, nil
	}
	score := ptr(round(e.value*100, 2))
	if e.variance <= 0 {
		return score, nil
	}
	half := z95 * math.Sqrt(e.variance)
	return score, []float64{round(math.Max(0, e.value-half)*100, 2), round(math.Min(1, e.value+half)*100, 2)}
}

// scoreGroups scores each group (a value of the dataset's group_by) as a
// dataset of its own. A group check carries only its result; the
// dataset's check of the same id has its criterion, weight, severity and
// threshold.
func scoreGroups(d *Dataset, s Scoring) {
	byID := make(map[string]*Check, len(d.Checks))
	for _, c := range d.Checks {
		byID[c.ID] = c
	}
	for _, g := range d.Groups.Values {
		checks := make([]*Check, 0, len(g.Checks))
		for _, gc := range g.Checks {
			def := byID[gc.ID]
			if def == nil {
				def = &Check{ID: gc.ID}
			}
			checks = append(checks, &Check{ID: gc.ID, Dimension: def.Dimension, Weight: def.Weight,
				Severity: def.Severity, KPI: def.KPI, Threshold: def.Threshold,
				Status: gc.Status, PassRate: gc.PassRate, Value: gc.Value})
		}
		ps, status, failing := parts(checks)
		for i, c := range checks {
			g.Checks[i].Score = c.Score
		}
		_, dims, score, _, _ := rollUp(ps, s)
		g.Dimensions, g.Status = dims, status
		g.Score = nil
		if score != nil {
			g.Score = ptr(round(score.value*100, 2))
		}
		g.Band = s.Bands.capped(g.Score, failing)
	}
}

// scoreCard rolls datasets up into the ministry's criteria, score, records
// figure, coverage, status and band.
func scoreCard(c *Card, ds []datasetStats, s Scoring) {
	status := Pass
	for _, d := range c.Datasets {
		status = Worse(status, d.Status)
	}
	cov := &Coverage{CriteriaTotal: len(s.Criteria), DatasetsDeclared: len(ds)}
	var records mean
	capped := false
	for _, d := range ds {
		if !d.unchecked {
			cov.DatasetsChecked++
		}
		if d.records != nil {
			records.add(estimate{value: *d.records}, d.weight)
		}
		capped = capped || d.failing || d.unchecked
	}
	c.Dimensions = map[string]float64{}
	c.Criteria = nil
	var total mean
	for _, def := range s.Criteria {
		crit := Criterion{ID: def.ID, Name: def.Name, NameEN: def.NameEN, Weight: def.Weight}
		var m mean
		for i, d := range ds {
			if e, ok := d.criteria[def.ID]; ok {
				m.add(e, d.weight)
				for _, dc := range c.Datasets[i].Criteria {
					if dc.ID == def.ID {
						crit.Checks += dc.Checks
						crit.Failed += dc.Failed
					}
				}
			}
		}
		e, ok := m.result()
		if ok {
			crit.Measured = true
			crit.Score = ptr(round(e.value*100, 2))
			c.Dimensions[def.ID] = *crit.Score
			cov.CriteriaMeasured++
		}
		// A criterion not measured counts 0: checking less never helps.
		total.add(e, def.Weight)
		c.Criteria = append(c.Criteria, crit)
	}
	c.Score, c.ScoreInterval95, c.RecordsScore = nil, nil, nil
	if cov.CriteriaMeasured > 0 {
		if e, ok := total.result(); ok {
			c.Score, c.ScoreInterval95 = published(&e)
		}
	}
	if e, ok := records.result(); ok {
		c.RecordsScore = ptr(round(e.value*100, 2))
	}
	c.Coverage = cov
	c.Status = status
	c.Band = s.Bands.capped(c.Score, capped)
}

// Gains says, for every scored check of a card that lost points, how many
// points the ministry score would rise if that check met its threshold,
// all else equal: its criterion's share of the ministry score × its
// dataset's share of that criterion × its own share of the dataset's
// criterion × what it lost, 100 × (1 − r). The score is linear in each r,
// so the gain is exact; it is what "what is wrong" is sorted by. A card
// without criteria (schema 1) gains nothing.
func Gains(c *Card) map[*Check]float64 {
	critWeight := map[string]float64{}
	var total float64
	for _, k := range c.Criteria {
		w := k.Weight
		if w == 0 {
			w = 1 // documents written before criteria carried their weight
		}
		critWeight[k.ID] = w
		total += w
	}
	// The scored checks of each dataset and criterion, and the weight of
	// the datasets that measure each criterion.
	type cell struct {
		checks []*Check
		weight float64
	}
	cells := make([]map[string]*cell, len(c.Datasets))
	datasetsWeight := map[string]float64{}
	for i, d := range c.Datasets {
		cells[i] = map[string]*cell{}
		if d == nil {
			continue
		}
		for _, ch := range d.Checks {
			if ch == nil || ch.Score == nil || checkWeight(ch) <= 0 || critWeight[ch.Dimension] == 0 {
				continue
			}
			k := cells[i][ch.Dimension]
			if k == nil {
				k = &cell{}
				cells[i][ch.Dimension] = k
				datasetsWeight[ch.Dimension] += d.Weight
			}
			k.checks = append(k.checks, ch)
			k.weight += checkWeight(ch)
		}
	}
	out := map[*Check]float64{}
	if total <= 0 {
		return out
	}
	for i, d := range c.Datasets {
		for crit, k := range cells[i] {
			if datasetsWeight[crit] <= 0 || k.weight <= 0 {
				continue
			}
			share := critWeight[crit] / total * d.Weight / datasetsWeight[crit] / k.weight
			for _, ch := range k.checks {
				if lost := 100 - *ch.Score; lost > 0 {
					out[ch] = share * checkWeight(ch) * lost
				}
			}
		}
	}
	return out
}

// Bands colour scores for people (green, yellow, red): green at or above
// Green, yellow at or above Yellow, red below.
type Bands struct {
	Green  float64 `json:"green"`
	Yellow float64 `json:"yellow"`
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

// capped is the band of a score, never green when defective: a failing
// check, or a dataset that could not be read, cannot be rated good.
func (b Bands) capped(score *float64, defective bool) string {
	band := b.Of(score)
	if band == "green" && defective {
		return "yellow"
	}
	return band
}

func ptr[T any](v T) *T { return &v }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
