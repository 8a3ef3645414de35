// Package report renders published scorecards as HTML pages for people:
// index.html (every ministry of a run) and one page per ministry
// (<MINISTRY>.html, next to its <MINISTRY>.json). The pages are
// self-contained: inline CSS, inline SVG charts, no script, no font,
// image or URL from anywhere else, so that they can be mailed, archived
// and printed as they are. Labels are bilingual (Vietnamese first,
// English in parentheses) and numbers are written the Vietnamese way
// (decimal comma, thin space between thousands); every number is also
// in a data-* attribute in its plain machine form.
package report

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/vn-registries/dq/scorecard"
)

//go:embed templates/*.tmpl templates/style.css
var files embed.FS

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"statusOf": statusOf,
}).ParseFS(files, "templates/*.tmpl"))

var css = func() template.CSS {
	b, err := files.ReadFile("templates/style.css")
	if err != nil {
		panic(err)
	}
	return template.CSS(b)
}()

// IndexPage is the name of the run's overview page.
const IndexPage = "index.html"

// PageName is the HTML page of a ministry: its scorecard file name
// (scorecard.FileName) with .html instead of .json.
func PageName(ministryID string) string {
	return strings.TrimSuffix(scorecard.FileName(ministryID), ".json") + ".html"
}

// Render returns the HTML pages of a run: IndexPage and one PageName(id)
// per card, by file name. Every card needs exactly one index entry (same
// ministry id) and the other way round, as scorecard.Publish requires;
// nil maps and slices are read as empty. The result can be passed as the
// extra files of scorecard.Publish.
func Render(idx *scorecard.Index, cards []*scorecard.Card) (map[string][]byte, error) {
	if idx == nil {
		return nil, errors.New("report: no index")
	}
	byID := map[string]*scorecard.Card{}
	for _, c := range cards {
		if c == nil {
			return nil, errors.New("report: nil card")
		}
		if _, dup := byID[c.Ministry.ID]; dup {
			return nil, fmt.Errorf("report: ministry %q has two cards", c.Ministry.ID)
		}
		byID[c.Ministry.ID] = c
	}
	taken := map[string]string{strings.ToLower(IndexPage): "the index"}
	listed := map[string]bool{}
	for _, e := range idx.Ministries {
		if listed[e.ID] {
			return nil, fmt.Errorf("report: ministry %q listed twice in the index", e.ID)
		}
		listed[e.ID] = true
		if byID[e.ID] == nil {
			return nil, fmt.Errorf("report: ministry %q is in the index but has no card", e.ID)
		}
		name := PageName(e.ID)
		if prev, ok := taken[strings.ToLower(name)]; ok {
			return nil, fmt.Errorf("report: %s and ministry %q both want the page %s", prev, e.ID, name)
		}
		taken[strings.ToLower(name)] = fmt.Sprintf("ministry %q", e.ID)
	}
	for id := range byID {
		if !listed[id] {
			return nil, fmt.Errorf("report: ministry %q has a card but no index entry", id)
		}
	}

	out := make(map[string][]byte, len(cards)+1)
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "index", indexView(idx)); err != nil {
		return nil, fmt.Errorf("report: index: %w", err)
	}
	out[IndexPage] = []byte(b.String())
	for _, e := range idx.Ministries {
		b.Reset()
		if err := tmpl.ExecuteTemplate(&b, "ministry", ministryView(idx, byID[e.ID])); err != nil {
			return nil, fmt.Errorf("report: ministry %q: %w", e.ID, err)
		}
		out[PageName(e.ID)] = []byte(b.String())
	}
	return out, nil
}

// page is what every page has.
type page struct {
	Title string
	CSS   template.CSS
	Run   runInfo
}

type runInfo struct {
	ID, Started, Finished, Duration, Tool, Config string
}

func runOf(r scorecard.Run) runInfo {
	ri := runInfo{ID: r.ID, Tool: r.ToolVersion, Config: r.ConfigSHA256}
	if !r.StartedAt.IsZero() {
		ri.Started = fmtTime(r.StartedAt)
	}
	if !r.FinishedAt.IsZero() {
		ri.Finished = fmtTime(r.FinishedAt)
		if !r.StartedAt.IsZero() {
			ri.Duration = fmtSeconds(r.FinishedAt.Sub(r.StartedAt).Seconds())
		}
	}
	if len(ri.Config) > 12 {
		ri.Config = ri.Config[:12]
	}
	return ri
}

type index struct {
	page
	Status     status
	Dims       []dimHead
	Ministries []ministryEntry
	Tally      tally
}

// tally counts a page's contents for its summary line.
type tally struct {
	Ministries, Datasets, Checks, Failed int
	ByStatus                             []statusCount
}

type statusCount struct {
	Status status
	N      int
}

type ministryEntry struct {
	ID, Name, Anchor, Href string
	Score                  score
	Status                 status
	Dims                   []dim
	Datasets, Checks       int
	Failed                 int
}

func indexView(idx *scorecard.Index) index {
	v := index{
		page:   page{Title: "Chất lượng dữ liệu — Data quality", CSS: css, Run: runOf(idx.Run)},
		Status: statusOf(idx.Status),
	}
	var maps []map[string]float64
	for _, e := range idx.Ministries {
		maps = append(maps, e.Dimensions)
	}
	order := dimOrder(maps...)
	v.Dims = dimHeads(order)
	ids := newIDs()
	counts := map[scorecard.Status]int{}
	for _, e := range idx.Ministries {
		if e.Name == "" {
			e.Name = e.ID
		}
		v.Ministries = append(v.Ministries, ministryEntry{
			ID: e.ID, Name: e.Name, Anchor: ids.make("m-", e.ID), Href: PageName(e.ID),
			Score: scoreOf(e.Score, e.Band), Status: statusOf(e.Status),
			Dims: dims(order, e.Dimensions), Datasets: e.Datasets, Checks: e.Checks, Failed: e.Failed,
		})
		v.Tally.Ministries++
		v.Tally.Datasets += e.Datasets
		v.Tally.Checks += e.Checks
		v.Tally.Failed += e.Failed
		counts[e.Status]++
	}
	v.Tally.ByStatus = statusCounts(counts)
	return v
}

func statusCounts(counts map[scorecard.Status]int) []statusCount {
	var out []statusCount
	for _, s := range []scorecard.Status{scorecard.Error, scorecard.Fail, scorecard.Warn, scorecard.Pass} {
		if counts[s] > 0 {
			out = append(out, statusCount{statusOf(s), counts[s]})
		}
	}
	return out
}

type ministry struct {
	page
	ID, Name, Anchor, JSON string
	Score                  score
	Status                 status
	Dims                   []dim
	Trend                  trend
	Datasets               []dataset
	Tally                  tally
}

type dataset struct {
	ID, Anchor, Source string
	RowsTotal          string
	RowsTotalRaw       string
	RowsSampled        string
	RowsSampledRaw     string
	Sample             string
	Score              score
	Status             status
	Dims               []dim
	Error              string
	Duration           string
	Trend              trend
	Checks             []check
	Open               bool
	Failed, NotPassing int
	ByStatus           []statusCount
	First              bool
	Groups             *groups
}

// groups is a dataset's scores per group_by value, worst first.
type groups struct {
	By, Error string
	Truncated bool
	// Message says why the list is cut.
	Message string
	Rows    []groupRow
}

type groupRow struct {
	Value  string
	Rows   string
	Score  score
	Status status
	Failed int
	Dims   []dim
}

func groupsOf(g *scorecard.Groups, order []string) *groups {
	if g == nil {
		return nil
	}
	out := &groups{By: g.By, Error: g.Error, Truncated: g.Truncated, Message: g.Message}
	vals := make([]*scorecard.Group, 0, len(g.Values))
	for _, v := range g.Values {
		if v != nil {
			vals = append(vals, v)
		}
	}
	// Worst first: the groups a ministry should look at; no score last.
	sort.SliceStable(vals, func(i, j int) bool {
		a, b := vals[i].Score, vals[j].Score
		return a != nil && (b == nil || *a < *b)
	})
	for _, v := range vals {
		rows := v.Rows
		r := groupRow{Value: v.Value, Score: scoreOf(v.Score, v.Band), Status: statusOf(v.Status), Dims: dims(order, v.Dimensions)}
		r.Rows, _ = fmtCount(&rows)
		for _, c := range v.Checks {
			if c != nil && (c.Status == scorecard.Fail || c.Status == scorecard.Error) {
				r.Failed++
			}
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

type check struct {
	ID, Anchor, Kind, Dimension string
	DimLabel                    string
	Columns                     string
	Status                      status
	Score                       score
	PassRate, PassRateRaw       string
	Interval                    string
	Counts                      []string
	Value                       string
	Threshold                   string
	Details                     string
	Examples                    []example
	Message                     string
}

type example struct {
	Key, Value, Count string
}

// openLimit: a page with more checks than this shows only its datasets
// that did not pass unfolded.
const openLimit = 300

func ministryView(idx *scorecard.Index, c *scorecard.Card) ministry {
	v := ministry{
		page:   page{Title: c.Ministry.Name + " — Chất lượng dữ liệu (data quality)", CSS: css, Run: runOf(idx.Run)},
		ID:     c.Ministry.ID,
		Name:   c.Ministry.Name,
		Anchor: "m-" + cleanID(c.Ministry.ID),
		JSON:   scorecard.FileName(c.Ministry.ID),
		Score:  scoreOf(c.Score, c.Band),
		Status: statusOf(c.Status),
		Trend:  trendOf(c.Trend, c.Score),
	}
	if v.Name == "" {
		v.Name = c.Ministry.ID
		v.Title = c.Ministry.ID + " — Chất lượng dữ liệu (data quality)"
	}
	maps := []map[string]float64{c.Dimensions}
	total := 0
	for _, d := range c.Datasets {
		if d != nil {
			maps = append(maps, d.Dimensions)
			total += len(d.Checks)
		}
	}
	order := dimOrder(maps...)
	v.Dims = dims(order, c.Dimensions)
	ids := newIDs()
	ids.make("m-", c.Ministry.ID)
	counts := map[scorecard.Status]int{}
	for _, d := range c.Datasets {
		if d == nil {
			continue
		}
		dv := datasetOf(d, order, ids, total)
		dv.First = len(v.Datasets) == 0
		v.Datasets = append(v.Datasets, dv)
		v.Tally.Datasets++
		v.Tally.Checks += len(d.Checks)
		v.Tally.Failed += dv.Failed
		counts[d.Status]++
	}
	v.Tally.ByStatus = statusCounts(counts)
	return v
}

func datasetOf(d *scorecard.Dataset, order []string, ids *idSet, pageChecks int) dataset {
	dv := dataset{
		ID:       d.ID,
		Anchor:   ids.make("d-", d.ID),
		Source:   d.Source,
		Sample:   sampleText(d.Sample),
		Score:    scoreOf(d.Score, d.Band),
		Status:   statusOf(d.Status),
		Dims:     dims(order, d.Dimensions),
		Error:    d.Error,
		Duration: fmtSeconds(float64(d.DurationMS) / 1000),
		Trend:    trendOf(d.Trend, d.Score),
	}
	dv.RowsTotal, dv.RowsTotalRaw = fmtCount(d.RowsTotal)
	dv.RowsSampled, dv.RowsSampledRaw = fmtCount(d.RowsSampled)
	counts := map[scorecard.Status]int{}
	for _, c := range d.Checks {
		if c == nil {
			continue
		}
		counts[c.Status]++
		if c.Status == scorecard.Fail || c.Status == scorecard.Error {
			dv.Failed++
		}
		if c.Status != scorecard.Pass {
			dv.NotPassing++
		}
		dv.Checks = append(dv.Checks, checkOf(c, d.ID, ids))
	}
	// Failing checks first: error, fail, warn, pass (the order of
	// scorecard.Worse), the config's order within a status.
	sort.SliceStable(dv.Checks, func(i, j int) bool {
		return dv.Checks[i].Status.Rank > dv.Checks[j].Status.Rank
	})
	dv.ByStatus = statusCounts(counts)
	dv.Groups = groupsOf(d.Groups, order)
	dv.Open = d.Status != scorecard.Pass || pageChecks <= openLimit
	return dv
}

func checkOf(c *scorecard.Check, datasetID string, ids *idSet) check {
	cv := check{
		ID:        c.ID,
		Anchor:    ids.make("c-", datasetID+"--"+c.ID),
		Kind:      c.Kind,
		Dimension: c.Dimension,
		DimLabel:  dimLabel(c.Dimension).Label(),
		Status:    statusOf(c.Status),
		Score:     scoreOf(c.Score, ""),
		Message:   c.Message,
		Threshold: thresholdText(c.Threshold),
	}
	cols := c.Columns
	if c.Column != "" {
		cols = append([]string{c.Column}, cols...)
	}
	cv.Columns = strings.Join(cols, ", ")
	if c.PassRate != nil {
		cv.PassRate = fmtRate(*c.PassRate, c.Failed)
		cv.PassRateRaw = rawFloat(*c.PassRate)
	}
	if len(c.Interval95) == 2 {
		cv.Interval = fmtRate(c.Interval95[0], nil) + " – " + fmtRate(c.Interval95[1], nil)
	}
	const unit = " dòng (rows)"
	switch {
	case c.Failed != nil && c.Evaluated != nil:
		cv.Counts = append(cv.Counts, "Không đạt / được đánh giá (failed / evaluated): "+fmtInt(*c.Failed)+" / "+fmtInt(*c.Evaluated)+unit)
	case c.Failed != nil:
		cv.Counts = append(cv.Counts, "Không đạt (failed): "+fmtInt(*c.Failed)+unit)
	case c.Evaluated != nil:
		cv.Counts = append(cv.Counts, "Được đánh giá (evaluated): "+fmtInt(*c.Evaluated)+unit)
	}
	if c.Rows != nil && (c.Evaluated == nil || *c.Rows != *c.Evaluated) {
		cv.Counts = append(cv.Counts, "Đã đọc (rows seen): "+fmtInt(*c.Rows)+unit)
	}
	skip := map[string]bool{}
	for _, k := range []struct{ key, label string }{
		{"duplicate_keys", "Giá trị bị trùng (duplicated values)"},
		{"extra_rows", "Bản sao thừa (extra copies)"},
	} {
		if n, ok := asInt(c.Details[k.key]); ok {
			cv.Counts = append(cv.Counts, k.label+": "+fmtInt(n))
			skip[k.key] = true
		}
	}
	if c.Value != nil {
		cv.Value = fmtNumber(*c.Value) + " " + unitLabel(c.Unit)
	}
	cv.Details = detailsText(c.Details, skip)
	for i, e := range c.Examples {
		if i == maxExamples {
			break
		}
		ev := example{Key: e.Key, Value: e.Value}
		if e.Count != nil {
			ev.Count = "×" + fmtInt(*e.Count)
		}
		cv.Examples = append(cv.Examples, ev)
	}
	return cv
}

// maxExamples bounds the examples shown per check (the pipeline keeps at
// most a few already).
const maxExamples = 10

func sampleText(s scorecard.Sample) string {
	var b strings.Builder
	switch s.Method {
	case "full", "":
		b.WriteString("Toàn bộ (full)")
	case "hash":
		b.WriteString("Mẫu băm (hash sample)")
	case "random":
		b.WriteString("Mẫu ngẫu nhiên (random sample)")
	default:
		b.WriteString(s.Method)
	}
	if s.Fraction != nil {
		b.WriteString(" " + fmtPercent(*s.Fraction*100, 2))
	}
	if s.Key != "" {
		b.WriteString(", khóa (key) " + s.Key)
	}
	return b.String()
}

func unitLabel(u string) string {
	switch u {
	case "rows":
		return "dòng (rows)"
	case "hours":
		return "giờ (hours)"
	case "days":
		return "ngày (days)"
	case "seconds":
		return "giây (seconds)"
	case "problems":
		return "vấn đề (problems)"
	}
	return u
}
