package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/scorecard"
)

// trend is a score's history: a line chart (inline SVG) with its numbers
// in a table beside, and the change since the previous run.
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
	Summary  bi
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

// changeOf says a change of score with an arrow: ▲ +0,6.
func changeOf(c *float64) (text, dir string) {
	switch {
	case c == nil:
		return "", "flat"
	case *c > 0:
		return "▲ +" + fmtFixed(*c, 1), "up"
	case *c < 0:
		return "▼ −" + fmtFixed(-*c, 1), "down"
	}
	return "= 0", "flat"
}

func trendOf(t *scorecard.Trend) trend {
	tr := trend{W: chartW, H: chartH, Dir: "flat"}
	if t == nil {
		return tr
	}
	tr.Previous = plainScore(t.PreviousScore)
	tr.Change, tr.Dir = changeOf(t.Change)
	lo, scored := 100.0, 0
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
	x := func(i int) float64 { return padLeft + plotW*float64(i)/float64(n-1) }
	for _, v := range []float64{100, (100 + yMin) / 2, yMin} {
		tr.Grid = append(tr.Grid, gridLine{Y: coord(y(v)), Label: fmtTrim(v, 1)})
	}
	var line []string
	for i, p := range t.Series {
		pt := trendPoint{RunID: p.RunID, Score: plainScore(p.Score)}
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
	tr.XLabels = []xLabel{
		{X: coord(x(0)), Label: fmtDate(t.Series[0].At), Anchor: "start"},
		{X: coord(x(n - 1)), Label: fmtDate(t.Series[n-1].At), Anchor: "end"},
	}
	first, last := ends(t.Series)
	tr.Summary = bi{fmt.Sprintf("Điểm qua %d lần chạy: từ %s đến %s", n, fmtScore(first), fmtScore(last)),
		fmt.Sprintf("score over %d runs: from %s to %s", n, fmtScore(first), fmtScore(last))}
	return tr
}

// ends are the first and last scores of a series with two or more.
func ends(series []scorecard.Point) (first, last float64) {
	seen := false
	for _, p := range series {
		if p.Score != nil {
			if !seen {
				first, seen = *p.Score, true
			}
			last = *p.Score
		}
	}
	return first, last
}

func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// spark is a trend in a table cell: a small line, its change beside, the
// same in words for screen readers and print.
type spark struct {
	Has    bool
	Points string
	Last   [2]string // the last point, a dot
	Change string
	Dir    string
	Label  bi
}

const sparkW, sparkH = 96, 24

func sparkOf(t *scorecard.Trend) spark {
	sp := spark{Dir: "flat"}
	if t == nil {
		return sp
	}
	sp.Change, sp.Dir = changeOf(t.Change)
	var xs, ys []float64
	n := len(t.Series)
	for i, p := range t.Series {
		if p.Score == nil {
			continue
		}
		x := 2.0
		if n > 1 {
			x = 2 + float64(sparkW-4)*float64(i)/float64(n-1)
		}
		xs = append(xs, x)
		ys = append(ys, 2+float64(sparkH-4)*(100-math.Max(0, math.Min(100, *p.Score)))/100)
	}
	if len(xs) < 2 {
		return sp
	}
	sp.Has = true
	pts := make([]string, len(xs))
	for i := range xs {
		pts[i] = coord(xs[i]) + "," + coord(ys[i])
	}
	sp.Points = strings.Join(pts, " ")
	sp.Last = [2]string{coord(xs[len(xs)-1]), coord(ys[len(ys)-1])}
	first, last := ends(t.Series)
	sp.Label = bi{fmt.Sprintf("%d lần chạy, từ %s đến %s", n, fmtScore(first), fmtScore(last)),
		fmt.Sprintf("%d runs, from %s to %s", n, fmtScore(first), fmtScore(last))}
	return sp
}

// since says since when a check has not passed, from its trend: the run
// that began its current stretch of failing (a score under 100) or of
// errors (no score). A stretch as long as the recorded history says "at
// least".
func since(c *scorecard.Check) bi {
	if c.Trend == nil || len(c.Trend.Series) == 0 {
		return bi{"chưa có lịch sử", "no history yet"}
	}
	s := c.Trend.Series
	failing := func(p scorecard.Point) bool {
		if c.Status == scorecard.Error {
			return p.Score == nil
		}
		return p.Score != nil && *p.Score < 100
	}
	i := len(s) - 1
	for i > 0 && failing(s[i-1]) {
		i--
	}
	runs := len(s) - i
	switch {
	case runs == 1:
		return bi{"lần đầu, ở lần chạy này", "first time, in this run"}
	case i == 0:
		return bi{fmt.Sprintf("ít nhất từ %s (cả %d lần chạy đã ghi)", fmtDate(s[0].At), runs),
			fmt.Sprintf("since %s at least (all %d recorded runs)", fmtDate(s[0].At), runs)}
	}
	return bi{fmt.Sprintf("từ %s (%d lần chạy liên tiếp)", fmtDate(s[i].At), runs),
		fmt.Sprintf("since %s (%d runs in a row)", fmtDate(s[i].At), runs)}
}
