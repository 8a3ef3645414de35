package report

import (
	"math"
	"sort"
	"strconv"

	"github.com/vn-registries/dq/scorecard"
)

// One visual language, two things (docs/methodology.md, section 4):
//
//   - a score is a number from 0 to 100 with its rating in words (Tốt,
//     Khá, Kém), in a square block whose colour repeats the word;
//   - a status is a round pill with an icon and a word (✓ Đạt, ! Cảnh
//     báo, ✗ Không đạt, ⚠ Lỗi).
//
// Colour is never the only signal: each carries its word.

// status is a status as people read it.
type status struct {
	Key, Icon string
	Label     bi
	Rank      int
}

func statusOf(s scorecard.Status) status {
	switch s {
	case scorecard.Pass:
		return status{"pass", "✓", bi{"Đạt", "pass"}, 0}
	case scorecard.Warn:
		return status{"warn", "!", bi{"Cảnh báo", "warn"}, 1}
	case scorecard.Fail:
		return status{"fail", "✗", bi{"Không đạt", "fail"}, 2}
	case scorecard.Error:
		return status{"error", "⚠", bi{"Lỗi", "error"}, 3}
	}
	if s == "" {
		return status{"none", "?", bi{"Không rõ", "unknown"}, -1}
	}
	return status{"other", "?", bi{string(s), string(s)}, -1}
}

// bands are the rating bounds a page states: the document's, else the
// defaults of docs/methodology.md (documents written before they were
// published used those unless a config changed them, which they do not
// say).
type bands struct {
	Green, Yellow string
	Published     bool
}

func bandsOf(b *scorecard.Bands) bands {
	if b == nil {
		return bands{Green: "90", Yellow: "75"}
	}
	return bands{Green: fmtTrim(b.Green, 2), Yellow: fmtTrim(b.Yellow, 2), Published: true}
}

func ratingOf(band string) (key string, name bi) {
	switch band {
	case "green":
		return "green", bi{"Tốt", "good"}
	case "yellow":
		return "yellow", bi{"Khá", "fair"}
	case "red":
		return "red", bi{"Kém", "poor"}
	}
	return "none", bi{"Chưa có điểm", "no score"}
}

// score is a 0–100 score with its rating: Raw is the plain number
// (data-score), Text the number for people, PM its "± x" on samples.
type score struct {
	Has        bool
	Raw, Text  string
	PM         string
	Low, High  string // the 95% interval, plain
	Band       string
	Rating     bi
	Capped     bool // rated below its number: a failing check caps it
	CappedNote bi
}

// scoreOf is a score as shown, with its interval and its band (from the
// document: never recomputed); b, the published bands, tells when a
// failing check capped the rating below what the number would earn.
func scoreOf(v *float64, interval []float64, band string, b *scorecard.Bands) score {
	s := score{}
	s.Band, s.Rating = ratingOf(band)
	if v == nil {
		s.Text = "—"
		return s
	}
	if band == "" {
		s.Rating = bi{}
	}
	s.Has = true
	s.Raw = rawFloat(*v)
	s.Text = fmtScore(*v)
	if len(interval) == 2 {
		// The interval is clamped at 0 and 100, so it may not be even:
		// the wider side, rounded up, never understates it.
		half := math.Max(*v-interval[0], interval[1]-*v)
		s.PM = "± " + fmtFixed(math.Ceil(half*10)/10, 1)
		s.Low, s.High = rawFloat(interval[0]), rawFloat(interval[1])
	}
	if b != nil && band == "yellow" && *v >= b.Green {
		s.Capped = true
		s.CappedNote = bi{"Điểm đạt mức Tốt nhưng có kiểm tra không đạt nên chỉ xếp loại Khá",
			"The score reaches good, but a failing check caps the rating at fair"}
	}
	return s
}

// plainScore is a score without a rating (a criterion, a check).
func plainScore(v *float64) score {
	s := scoreOf(v, nil, "", nil)
	s.Rating = bi{}
	return s
}

// criterion is one criterion of the standard as shown: its score with a
// bar, or "chưa đo" (not measured) with an empty, hatched bar, never a
// full one.
type criterion struct {
	ID       string
	Name     bi
	Measured bool
	Score    score
	Width    string // CSS percentage of the bar
}

// The Government's wording, for documents without criteria (schema 1).
var knownCriteria = []scorecard.Criterion{
	{ID: "correct", Name: "Đúng", NameEN: "correct"},
	{ID: "sufficient", Name: "Đủ", NameEN: "sufficient"},
	{ID: "clean", Name: "Sạch", NameEN: "clean"},
	{ID: "alive", Name: "Sống", NameEN: "alive"},
	{ID: "unified", Name: "Thống nhất", NameEN: "unified"},
	{ID: "shared", Name: "Dùng chung", NameEN: "shared"},
}

// criteriaOf is a card's or a dataset's criteria: its own list when it
// has one (schema 2), else its dimension scores in the known order, a
// known criterion without a score not measured.
func criteriaOf(list []scorecard.Criterion, dims map[string]float64) []criterion {
	if len(list) == 0 {
		list = fromDimensions(dims)
	}
	out := make([]criterion, 0, len(list))
	for _, c := range list {
		name := bi{c.Name, c.NameEN}
		if name.Vi == "" {
			name.Vi = c.ID
		}
		if name.En == "" {
			name.En = name.Vi
		}
		v := criterion{ID: c.ID, Name: name, Measured: c.Measured && c.Score != nil, Width: "0"}
		v.Score = plainScore(nil)
		if v.Measured {
			v.Score = plainScore(c.Score)
			v.Width = strconv.FormatFloat(math.Max(0, math.Min(100, *c.Score)), 'f', 1, 64)
		}
		out = append(out, v)
	}
	return out
}

func fromDimensions(dims map[string]float64) []scorecard.Criterion {
	var out []scorecard.Criterion
	seen := map[string]bool{}
	for _, k := range knownCriteria {
		k := k
		if v, ok := dims[k.ID]; ok {
			k.Measured, k.Score = true, &v
		}
		seen[k.ID] = true
		out = append(out, k)
	}
	var rest []string
	for id := range dims {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		v := dims[id]
		out = append(out, scorecard.Criterion{ID: id, Measured: true, Score: &v})
	}
	return out
}

// coverage says how much of the standard was measured: "4/6 tiêu chí".
type coverage struct {
	Measured, Total    int
	Criteria, Datasets bi
}

func coverageOf(c *scorecard.Coverage, crit []criterion) coverage {
	if c == nil {
		// A schema 1 document: count what its dimensions say.
		v := coverage{Total: len(crit)}
		for _, k := range crit {
			if k.Measured {
				v.Measured++
			}
		}
		v.Criteria = criteriaCount(v.Measured, v.Total)
		return v
	}
	v := coverage{Measured: c.CriteriaMeasured, Total: c.CriteriaTotal}
	v.Criteria = criteriaCount(v.Measured, v.Total)
	v.Datasets = bi{strconv.Itoa(c.DatasetsChecked) + "/" + strconv.Itoa(c.DatasetsDeclared) + " tập dữ liệu đã kiểm tra", "datasets checked"}
	return v
}

func criteriaCount(measured, total int) bi {
	return bi{strconv.Itoa(measured) + "/" + strconv.Itoa(total) + " tiêu chí", "criteria"}
}
