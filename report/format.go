package report

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vn-registries/dq/scorecard"
)

// status is a status as people read it: a symbol and a word, never a
// colour alone.
type status struct {
	Key, Label, Icon string
	Rank             int
}

func statusOf(s scorecard.Status) status {
	switch s {
	case scorecard.Pass:
		return status{"pass", "Đạt (pass)", "✓", 0}
	case scorecard.Warn:
		return status{"warn", "Cảnh báo (warn)", "!", 1}
	case scorecard.Fail:
		return status{"fail", "Không đạt (fail)", "✗", 2}
	case scorecard.Error:
		return status{"error", "Lỗi (error)", "⚠", 3}
	}
	if s == "" {
		return status{"none", "Không rõ (unknown)", "?", -1}
	}
	return status{"other", string(s), "?", -1}
}

// score is a 0–100 score: Raw is the plain number (data-score), Text the
// number for people, Band its colour and BandLabel the colour in words.
type score struct {
	Has                   bool
	Raw, Text, Band, Name string
}

func scoreOf(v *float64, band string) score {
	s := score{Band: band}
	switch band {
	case "green":
		s.Name = "Tốt (good)"
	case "yellow":
		s.Name = "Trung bình (fair)"
	case "red":
		s.Name = "Kém (poor)"
	case "":
		s.Band = "none"
	}
	if v == nil {
		s.Text = "—"
		s.Name = "Chưa có điểm (no score)"
		s.Band = "none"
		return s
	}
	s.Has = true
	s.Raw = rawFloat(*v)
	s.Text = fmtScore(*v)
	return s
}

// dimHead is a dimension as a column heading.
type dimHead struct {
	ID, Vi, En string
}

func (d dimHead) Label() string {
	if d.En == "" {
		return d.Vi
	}
	return d.Vi + " (" + d.En + ")"
}

// The Government's wording: đúng, đủ, sạch, sống, then (2025) thống
// nhất, dùng chung. Other dimensions of a config keep their id.
var knownDims = []dimHead{
	{"correct", "Đúng", "correct"},
	{"sufficient", "Đủ", "sufficient"},
	{"clean", "Sạch", "clean"},
	{"alive", "Sống", "alive"},
	{"consistent", "Thống nhất", "consistent"},
	{"shared", "Dùng chung", "shared"},
}

func dimLabel(id string) dimHead {
	for _, d := range knownDims {
		if d.ID == id {
			return d
		}
	}
	return dimHead{ID: id, Vi: id}
}

// dimOrder lists the dimensions present in any of maps: the known ones in
// the Government's order, then the others by name.
func dimOrder(maps ...map[string]float64) []string {
	seen := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			seen[k] = true
		}
	}
	var out []string
	for _, d := range knownDims {
		if seen[d.ID] {
			out = append(out, d.ID)
			delete(seen, d.ID)
		}
	}
	var rest []string
	for k := range seen {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func dimHeads(order []string) []dimHead {
	out := make([]dimHead, len(order))
	for i, id := range order {
		out[i] = dimLabel(id)
	}
	return out
}

// dim is one dimension's score with its bar.
type dim struct {
	dimHead
	Score score
	Width string // CSS percentage of the bar, "0" to "100"
}

func dims(order []string, m map[string]float64) []dim {
	out := make([]dim, 0, len(order))
	for _, id := range order {
		d := dim{dimHead: dimLabel(id), Width: "0"}
		if v, ok := m[id]; ok {
			d.Score = scoreOf(&v, "")
			d.Width = strconv.FormatFloat(math.Max(0, math.Min(100, v)), 'f', 1, 64)
		} else {
			d.Score = scoreOf(nil, "")
			d.Score.Name = "Không có kiểm tra (no checks)"
		}
		out = append(out, d)
	}
	return out
}

// trend is a score's history as an inline SVG line chart.
type trend struct {
	Has      bool // at least two scored runs
	Previous score
	Change   string
	Dir      string // up, down, flat
	Points   []trendPoint
	Lines    []string // polyline points, one per unbroken stretch
	Grid     []gridLine
	XLabels  []xLabel
	W, H     int
	Summary  string
}

type trendPoint struct {
	RunID, At string
	Score     score
	X, Y      string
}

type gridLine struct {
	Y, Label string
}

type xLabel struct {
	X, Label, Anchor string
}

const (
	chartW, chartH                     = 640, 180
	padLeft, padRight, padTop, padBott = 44, 16, 14, 30
)

func trendOf(t *scorecard.Trend, now *float64) trend {
	tr := trend{W: chartW, H: chartH, Dir: "flat"}
	if t == nil {
		return tr
	}
	tr.Previous = scoreOf(t.PreviousScore, "")
	if t.Change != nil {
		c := *t.Change
		switch {
		case c > 0:
			tr.Dir, tr.Change = "up", "▲ +"+fmtNumber2(c)
		case c < 0:
			tr.Dir, tr.Change = "down", "▼ −"+fmtNumber2(-c)
		default:
			tr.Change = "= 0"
		}
	}
	scored := 0
	lo := 100.0
	for _, p := range t.Series {
		if p.Score != nil {
			scored++
			lo = math.Min(lo, *p.Score)
		}
	}
	if scored < 2 {
		return tr
	}
	tr.Has = true
	// Y from a round number under the lowest score to 100.
	yMin := math.Max(0, math.Floor((lo-1)/5)*5)
	if 100-yMin < 5 {
		yMin = 95
	}
	plotW := float64(chartW - padLeft - padRight)
	plotH := float64(chartH - padTop - padBott)
	y := func(v float64) float64 {
		v = math.Max(yMin, math.Min(100, v))
		return padTop + plotH*(100-v)/(100-yMin)
	}
	n := len(t.Series)
	x := func(i int) float64 {
		if n == 1 {
			return padLeft + plotW/2
		}
		return padLeft + plotW*float64(i)/float64(n-1)
	}
	for _, v := range []float64{100, (100 + yMin) / 2, yMin} {
		tr.Grid = append(tr.Grid, gridLine{Y: coord(y(v)), Label: strings.TrimSuffix(fmtFixed(v, 1), ",0")})
	}
	var line []string
	for i, p := range t.Series {
		pt := trendPoint{RunID: p.RunID, Score: scoreOf(p.Score, "")}
		if !p.At.IsZero() {
			pt.At = fmtTime(p.At)
		}
		if p.Score == nil {
			if len(line) > 0 {
				tr.Lines = append(tr.Lines, strings.Join(line, " "))
				line = nil
			}
			tr.Points = append(tr.Points, pt)
			continue
		}
		pt.X, pt.Y = coord(x(i)), coord(y(*p.Score))
		line = append(line, pt.X+","+pt.Y)
		tr.Points = append(tr.Points, pt)
	}
	if len(line) > 0 {
		tr.Lines = append(tr.Lines, strings.Join(line, " "))
	}
	first, last := t.Series[0], t.Series[n-1]
	tr.XLabels = append(tr.XLabels, xLabel{X: coord(x(0)), Label: fmtDate(first.At), Anchor: "start"})
	if n > 1 {
		tr.XLabels = append(tr.XLabels, xLabel{X: coord(x(n - 1)), Label: fmtDate(last.At), Anchor: "end"})
	}
	var firstScore, lastScore *float64
	for _, p := range t.Series {
		if p.Score != nil {
			if firstScore == nil {
				firstScore = p.Score
			}
			lastScore = p.Score
		}
	}
	tr.Summary = fmt.Sprintf("Điểm qua %d lần chạy (score over %d runs): từ (from) %s đến (to) %s",
		n, n, fmtScore(*firstScore), fmtScore(*lastScore))
	return tr
}

func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// idSet makes HTML ids unique within a page.
type idSet struct{ used map[string]int }

func newIDs() *idSet { return &idSet{used: map[string]int{}} }

func (s *idSet) make(prefix, name string) string {
	id := prefix + cleanID(name)
	s.used[id]++
	if n := s.used[id]; n > 1 {
		id = fmt.Sprintf("%s-%d", id, n)
		s.used[id]++
	}
	return id
}

// cleanID keeps [A-Za-z0-9._-] and replaces every other character by "_",
// so that an id needs no escaping in a URL fragment or a CSS selector.
func cleanID(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// Numbers for people, the Vietnamese way: decimal comma, and a narrow
// no-break space between thousands (read the same in English).
const thinSpace = "\u202f"

func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(thinSpace)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func fmtCount(n *int64) (text, raw string) {
	if n == nil {
		return "không rõ (unknown)", ""
	}
	return fmtInt(*n), strconv.FormatInt(*n, 10)
}

// fmtFixed writes v with the given decimals, a decimal comma and grouped
// thousands.
func fmtFixed(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(intPart, 10, 64)
	out := fmtInt(n)
	if frac != "" {
		out += "," + frac
	}
	if v < 0 && strings.Trim(s, "0.") != "" {
		out = "−" + out
	}
	return out
}

// fmtScore has one decimal and never shows 100 for a score under 100.
func fmtScore(v float64) string {
	s := fmtFixed(v, 1)
	if v < 100 && s == "100,0" {
		return "99,9"
	}
	return s
}

func fmtNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmtInt(int64(v))
	}
	return fmtFixed(v, 2)
}

func fmtNumber2(v float64) string { return fmtFixed(v, 2) }

func fmtPercent(v float64, decimals int) string {
	s := fmtFixed(v, decimals)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ",")
	return s + " %"
}

// fmtRate writes a pass rate as a percentage with two decimals that never
// rounds a failure away: 99.999% with failures is "> 99,99 %", not 100.
func fmtRate(rate float64, failed *int64) string {
	p := rate * 100
	s := fmtFixed(p, 2)
	switch {
	case s == "100,00" && (p < 100 || failed != nil && *failed > 0):
		return "> 99,99 %"
	case s == "0,00" && p > 0:
		return "< 0,01 %"
	}
	return s + " %"
}

func rawFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Times are shown in Vietnam's time (UTC+7, no daylight saving).
var vietnam = time.FixedZone("ICT", 7*3600)

func fmtTime(t time.Time) string { return t.In(vietnam).Format("02/01/2006 15:04") + " (GMT+7)" }

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006")
}

func fmtSeconds(s float64) string {
	switch {
	case s < 10:
		return fmtFixed(s, 1) + " giây (s)"
	case s < 120:
		return fmtFixed(s, 0) + " giây (s)"
	}
	return fmtFixed(s/60, 1) + " phút (min)"
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		if n == math.Trunc(n) {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// thresholdText writes a threshold map in one line: "mostly ≥ 99,5 %;
// warn.mostly ≥ 99,9 %; max_age_hours: 168".
func thresholdText(m map[string]any) string {
	var parts []string
	flatten("", m, func(k string, v any) {
		if strings.HasSuffix(k, "mostly") {
			if f, ok := v.(float64); ok {
				parts = append(parts, k+" ≥ "+fmtPercent(f*100, 2))
				return
			}
		}
		parts = append(parts, k+": "+valueText(v))
	})
	return strings.Join(parts, "; ")
}

func detailsText(m map[string]any, skip map[string]bool) string {
	var parts []string
	flatten("", m, func(k string, v any) {
		if !skip[k] {
			parts = append(parts, k+": "+valueText(v))
		}
	})
	return strings.Join(parts, "; ")
}

func flatten(prefix string, m map[string]any, f func(string, any)) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		if sub, ok := m[k].(map[string]any); ok {
			flatten(name, sub, f)
			continue
		}
		f(name, m[k])
	}
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		if x {
			return "có (true)"
		}
		return "không (false)"
	case float64:
		return fmtNumber(x)
	case int:
		return fmtInt(int64(x))
	case int64:
		return fmtInt(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
