// Package report renders published scorecards as HTML pages for people:
// index.html (every ministry of a run, ranked) and one page per ministry
// (<MINISTRY>.html, next to its <MINISTRY>.json). The pages are
// self-contained: inline CSS, inline SVG charts, no script, no font,
// image or URL from anywhere else, so that they can be mailed, archived
// and printed as they are. Everything is Vietnamese first, English
// second; numbers are written one way throughout (format.go), and each
// is also in a data-* attribute in its plain machine form.
//
// A ministry's page answers, in order: how are we doing (score, rating,
// status, criteria, coverage, trend), what is wrong (the failing
// requirements, those that cost the most points first, each with what to
// fix), since when (each one's trend), where (the localities of every
// group_by, lowest first, by name), then every check by dataset.
package report

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/scorecard"
)

//go:embed templates/*.tmpl templates/style.css
var files embed.FS

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"statusOf": func(s string) status { return statusOf(scorecard.Status(s)) },
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
// nil maps and slices are read as empty, and documents of schema 1 (runs
// published before schema 2) render too. The result can be passed as
// the extra files of scorecard.Publish.
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

	ranks := ranksOf(idx.Ministries)
	out := make(map[string][]byte, len(cards)+1)
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "index", indexView(idx, byID, ranks)); err != nil {
		return nil, fmt.Errorf("report: index: %w", err)
	}
	out[IndexPage] = []byte(b.String())
	for i, e := range idx.Ministries {
		b.Reset()
		if err := tmpl.ExecuteTemplate(&b, "ministry", ministryView(idx, byID[e.ID], ranks[i])); err != nil {
			return nil, fmt.Errorf("report: ministry %q: %w", e.ID, err)
		}
		out[PageName(e.ID)] = []byte(b.String())
	}
	return out, nil
}

// ranksOf are the index entries' places, 1 the highest score: as
// published, or (schema 1, which has none) computed the same way.
func ranksOf(entries []scorecard.IndexEntry) []int {
	ranks := make([]int, len(entries))
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		sa, sb := entries[order[a]].Score, entries[order[b]].Score
		return sa != nil && (sb == nil || *sa > *sb)
	})
	for place, i := range order {
		ranks[i] = place + 1
		if entries[i].Rank > 0 {
			ranks[i] = entries[i].Rank
		}
	}
	return ranks
}

// page is what every page has.
type page struct {
	Title   string
	CSS     template.CSS
	Run     runInfo
	Bands   bands
	ShowPII bool
	// OldMethod is a run of schema 1, scored before docs/methodology.md.
	OldMethod   bool
	Methodology string
}

type runInfo struct {
	ID, Started, Date, Tool, Config string
	Duration                        bi
}

func runOf(r scorecard.Run) runInfo {
	ri := runInfo{ID: r.ID, Tool: r.ToolVersion, Config: r.ConfigSHA256}
	if !r.StartedAt.IsZero() {
		ri.Started, ri.Date = fmtTime(r.StartedAt), fmtDate(r.StartedAt)
		if !r.FinishedAt.IsZero() {
			ri.Duration = fmtSeconds(r.FinishedAt.Sub(r.StartedAt).Seconds())
		}
	}
	if len(ri.Config) > 12 {
		ri.Config = ri.Config[:12]
	}
	return ri
}

func pageOf(title string, run scorecard.Run, version, methodology string, b *scorecard.Bands, showPII bool) page {
	return page{Title: title, CSS: css, Run: runOf(run), Bands: bandsOf(b), ShowPII: showPII,
		OldMethod: version == "1", Methodology: methodology}
}

// index is the run's overview: the league table of ministries, worst
// first, then a card per ministry in the same order.
type index struct {
	page
	Status     status
	Ministries []entry
	Criteria   []bi
	Tally      struct{ Ministries, Datasets, Checks, Failed int }
}

// entry is a ministry in the league table and its card.
type entry struct {
	ID, Name, Anchor, Href string
	Rank, Of               int
	Score                  score
	Status                 status
	Records                string
	RecordsRaw             string
	Coverage               coverage
	Criteria               []criterion
	Spark                  spark
	Checks, Failed         int
	Worst                  []bi // its most costly failing requirements
}

func indexView(idx *scorecard.Index, cards map[string]*scorecard.Card, ranks []int) index {
	showPII := false
	for _, c := range cards {
		showPII = showPII || c.ShowPII
	}
	v := index{
		page: pageOf("Chất lượng dữ liệu các bộ, ngành — Data quality of ministries' registries",
			idx.Run, idx.SchemaVersion, idx.MethodologyVersion, idx.Bands, showPII),
		Status: statusOf(idx.Status),
	}
	ids := newIDs()
	for i, e := range idx.Ministries {
		c := cards[e.ID]
		name := e.Name
		if name == "" {
			name = e.ID
		}
		en := entry{ID: e.ID, Name: name, Anchor: ids.make("m-", e.ID), Href: PageName(e.ID),
			Rank: ranks[i], Of: len(idx.Ministries),
			Score:  scoreOf(e.Score, e.ScoreInterval95, e.Band, idx.Bands),
			Status: statusOf(e.Status), Checks: e.Checks, Failed: e.Failed,
			Criteria: criteriaOf(c.Criteria, c.Dimensions), Spark: sparkOf(c.Trend)}
		if e.RecordsScore != nil {
			en.Records, en.RecordsRaw = fmtPercent(*e.RecordsScore), rawFloat(*e.RecordsScore)
		}
		cov := e.Coverage
		if cov == nil {
			cov = c.Coverage
		}
		en.Coverage = coverageOf(cov, en.Criteria)
		for j, p := range problemsOf(c, newIDs()) {
			if j == 3 {
				break
			}
			en.Worst = append(en.Worst, p.Title)
		}
		v.Ministries = append(v.Ministries, en)
		v.Tally.Ministries++
		v.Tally.Datasets += e.Datasets
		v.Tally.Checks += e.Checks
		v.Tally.Failed += e.Failed
	}
	// Worst first: the highest place number, no score (last) on top.
	sort.SliceStable(v.Ministries, func(a, b int) bool { return v.Ministries[a].Rank > v.Ministries[b].Rank })
	if len(v.Ministries) > 0 {
		for _, k := range v.Ministries[0].Criteria {
			v.Criteria = append(v.Criteria, k.Name)
		}
	}
	return v
}

// ministry is a ministry's page.
type ministry struct {
	page
	ID, Name, JSON      string
	Rank, Of            int
	Score               score
	Status              status
	Records, RecordsRaw string
	Coverage            coverage
	Criteria            []criterion
	Trend               trend
	Failed, Checks      int
	Problems            []problem
	Since               []sinceRow
	CheckHistory        bool // some failing check has a recorded trend
	Where               []groups
	Datasets            []dataset
}

func ministryView(idx *scorecard.Index, c *scorecard.Card, rank int) ministry {
	name := c.Ministry.Name
	if name == "" {
		name = c.Ministry.ID
	}
	v := ministry{
		page: pageOf(name+" — Chất lượng dữ liệu (data quality)", idx.Run, c.SchemaVersion, c.MethodologyVersion,
			c.Bands, c.ShowPII),
		ID: c.Ministry.ID, Name: name, JSON: scorecard.FileName(c.Ministry.ID),
		Rank: rank, Of: len(idx.Ministries),
		Score:    scoreOf(c.Score, c.ScoreInterval95, c.Band, c.Bands),
		Status:   statusOf(c.Status),
		Criteria: criteriaOf(c.Criteria, c.Dimensions),
		Trend:    trendOf(c.Trend),
	}
	if c.RecordsScore != nil {
		v.Records, v.RecordsRaw = fmtPercent(*c.RecordsScore), rawFloat(*c.RecordsScore)
	}
	v.Coverage = coverageOf(c.Coverage, v.Criteria)
	ids := newIDs()
	crit := map[string]bi{}
	for _, k := range v.Criteria {
		crit[k.ID] = k.Name
	}
	// A check's row in "all checks", by dataset and check id.
	rows := map[[2]string]string{}
	for _, d := range c.Datasets {
		if d == nil {
			continue
		}
		dv := datasetOf(d, crit, ids, c.Bands)
		for _, r := range dv.Checks {
			rows[[2]string{d.ID, r.ID}] = r.Anchor
		}
		v.Datasets = append(v.Datasets, dv)
		v.Checks += len(dv.Checks)
		v.Failed += dv.Failed
		if g := groupsOf(d, dv.Anchor, c.Bands); g != nil {
			v.Where = append(v.Where, *g)
		}
	}
	v.Problems = problemsOf(c, ids)
	for i := range v.Problems {
		p := &v.Problems[i]
		p.Criterion = crit[p.criterion]
		if p.check == nil {
			continue
		}
		p.CheckAnchor = rows[[2]string{p.Dataset, p.ID}]
		row := sinceRow{Anchor: p.Anchor, Title: p.Title, Dataset: p.Dataset, Status: p.Status,
			Since: since(p.check), Spark: sparkOf(p.check.Trend), Now: plainScore(p.check.Score)}
		if t := p.check.Trend; t != nil {
			row.Previous = plainScore(t.PreviousScore)
			v.CheckHistory = v.CheckHistory || len(t.Series) > 1
		}
		v.Since = append(v.Since, row)
	}
	return v
}

// problem is a failing requirement, or a dataset that could not be read,
// as "what is wrong" lists it.
type problem struct {
	Anchor, ID, Kind, Dataset string
	CheckAnchor               string
	Title, Description        bi
	Status                    status
	Severity, Criterion       bi
	NotScored                 bool
	Gain, GainRaw             string
	Result, Threshold         bi
	Finding, Fix              bi
	Interval                  string
	Examples                  []example
	Error                     string // a dataset's error, or a check's message in error
	Note                      string // the English message where it says more than the words
	check                     *scorecard.Check
	criterion                 string
	gain                      float64
	order                     int
}

// problemsOf lists what is wrong with a card: its datasets that could not
// be read, then its failing checks, those that cost the most points first
// (scorecard.Gains), then those shown but not scored (kpi: false), then
// the checks that could not run.
func problemsOf(c *scorecard.Card, ids *idSet) []problem {
	gains := scorecard.Gains(c)
	var out []problem
	for _, d := range c.Datasets {
		if d == nil {
			continue
		}
		if d.Error != "" {
			out = append(out, problem{Anchor: ids.make("p-", d.ID), Dataset: d.ID,
				Title:  bi{"Không đọc được tập dữ liệu " + d.ID, "Dataset " + d.ID + " could not be read"},
				Status: statusOf(scorecard.Error),
				Fix: bi{"Kiểm tra kết nối, quyền đọc và cấu hình nguồn dữ liệu, rồi chạy lại.",
					"Check the connection, the read permission and the source's configuration, then run again."},
				Error: d.Error, order: len(out)})
			continue
		}
		for _, ch := range d.Checks {
			if ch == nil || ch.Status != scorecard.Fail && ch.Status != scorecard.Error {
				continue
			}
			p := problem{Anchor: ids.make("p-", d.ID+"--"+ch.ID), ID: ch.ID, Kind: ch.Kind, Dataset: d.ID,
				Title: titleOf(ch), Description: bi{ch.Description, ch.DescriptionEN},
				Status: statusOf(ch.Status), Severity: severityOf(ch.Severity),
				NotScored: ch.KPI != nil && !*ch.KPI,
				Result:    resultOf(ch), Threshold: thresholdOf(ch), Finding: findingOf(ch), Fix: fixOf(ch),
				Interval: intervalOf(ch), Examples: examplesOf(ch),
				check: ch, criterion: ch.Dimension, gain: gains[ch], order: len(out)}
			if ch.Status == scorecard.Error {
				p.Error = ch.Message
			} else if ch.Kind == "schema" {
				p.Note = ch.Message
			}
			if p.gain > 0 {
				p.Gain, p.GainRaw = fmtTrim(p.gain, 1), rawFloat(p.gain)
				if p.Gain == "0" {
					p.Gain = "< 0,1"
				}
			}
			out = append(out, p)
		}
	}
	rank := func(p problem) int {
		switch {
		case p.check == nil:
			return 0
		case p.Status.Key == "fail" && !p.NotScored:
			return 1
		case p.Status.Key == "fail":
			return 2
		}
		return 3
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.gain != b.gain {
			return a.gain > b.gain
		}
		// Without gains (schema 1): the lowest check score first.
		sa, sb := scoreValue(a.check), scoreValue(b.check)
		if sa != sb {
			return sa < sb
		}
		return a.order < b.order
	})
	return out
}

func scoreValue(c *scorecard.Check) float64 {
	if c == nil || c.Score == nil {
		return 101
	}
	return *c.Score
}

func titleOf(c *scorecard.Check) bi {
	t := bi{c.Title, c.TitleEN}
	if t.Vi == "" {
		t.Vi = c.ID // a document of schema 1 has no titles
	}
	if t.En == "" {
		t.En = t.Vi
	}
	return t
}

func intervalOf(c *scorecard.Check) string {
	if len(c.Interval95) != 2 {
		return ""
	}
	return fmtRate(c.Interval95[0], nil) + " – " + fmtRate(c.Interval95[1], nil)
}

// sinceRow is a failing requirement's trend.
type sinceRow struct {
	Anchor, Dataset string
	Title           bi
	Status          status
	Since           bi
	Spark           spark
	Previous, Now   score
}

// groups is a league table of localities: a dataset's groups, lowest
// score first, no score last.
type groups struct {
	Dataset, DatasetAnchor, By string
	Named                      bool
	Truncated                  bool
	Message, Error             string
	Rows                       []groupRow
	Poor                       int // rated kém (poor)
}

type groupRow struct {
	Place       int
	Value, Name string
	Rows        string
	Score       score
	Status      status
	Worst       bi // the requirement that pulls it down most
}

func groupsOf(d *scorecard.Dataset, anchor string, b *scorecard.Bands) *groups {
	g := d.Groups
	if g == nil {
		return nil
	}
	out := &groups{Dataset: d.ID, DatasetAnchor: anchor, By: g.By, Error: g.Error, Truncated: g.Truncated, Message: g.Message}
	titles := map[string]bi{}
	for _, c := range d.Checks {
		if c != nil {
			titles[c.ID] = titleOf(c)
		}
	}
	vals := make([]*scorecard.Group, 0, len(g.Values))
	for _, v := range g.Values {
		if v != nil {
			vals = append(vals, v)
			out.Named = out.Named || v.Name != ""
		}
	}
	sort.SliceStable(vals, func(i, j int) bool {
		a, b := vals[i].Score, vals[j].Score
		return a != nil && (b == nil || *a < *b)
	})
	for i, v := range vals {
		r := groupRow{Place: i + 1, Value: v.Value, Name: v.Name, Rows: fmtInt(v.Rows),
			Score: scoreOf(v.Score, nil, v.Band, b), Status: statusOf(v.Status)}
		var worst *scorecard.GroupCheck
		for _, c := range v.Checks {
			if c != nil && c.Score != nil && *c.Score < 100 && (worst == nil || *c.Score < *worst.Score) {
				worst = c
			}
		}
		if worst != nil {
			r.Worst = titles[worst.ID]
		}
		if v.Band == "red" {
			out.Poor++
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// dataset is a dataset's section of "all checks".
type dataset struct {
	ID, Anchor, Source string
	RowsTotal          string
	RowsTotalRaw       string
	RowsSampled        string
	RowsSampledRaw     string
	Sample             bi
	Score              score
	Records            string
	Status             status
	Criteria           []criterion
	Error              string
	Duration           bi
	Change             string
	ChangeDir          string
	Checks             []checkRow
	Failed             int
}

// checkRow is a check in its dataset's table.
type checkRow struct {
	ID, Anchor, Kind, Columns string
	Title, Description        bi
	Status                    status
	Score                     score
	Severity, Criterion       bi
	NotScored                 bool
	Result, Threshold         bi
	PassRateRaw               string
	Interval                  string
	Counts                    bi
	Dimension                 string
	// Examples of a check close to its threshold (warn); those of the
	// failing checks are under "what is wrong".
	Examples []example
}

func datasetOf(d *scorecard.Dataset, crit map[string]bi, ids *idSet, b *scorecard.Bands) dataset {
	dv := dataset{
		ID: d.ID, Anchor: ids.make("d-", d.ID), Source: d.Source,
		Sample:   sampleText(d.Sample),
		Score:    scoreOf(d.Score, d.ScoreInterval95, d.Band, b),
		Status:   statusOf(d.Status),
		Criteria: criteriaOf(d.Criteria, d.Dimensions),
		Error:    d.Error,
		Duration: fmtSeconds(float64(d.DurationMS) / 1000),
	}
	if d.RecordsScore != nil {
		dv.Records = fmtPercent(*d.RecordsScore)
	}
	if d.Trend != nil {
		dv.Change, dv.ChangeDir = changeOf(d.Trend.Change)
	}
	dv.RowsTotal, dv.RowsTotalRaw = countText(d.RowsTotal)
	dv.RowsSampled, dv.RowsSampledRaw = countText(d.RowsSampled)
	for _, c := range d.Checks {
		if c == nil {
			continue
		}
		if c.Status == scorecard.Fail || c.Status == scorecard.Error {
			dv.Failed++
		}
		row := checkRow{ID: c.ID, Anchor: ids.make("c-", d.ID+"--"+c.ID), Kind: c.Kind,
			Columns: strings.Join(columnsOf(c), ", "), Dimension: c.Dimension,
			Title: titleOf(c), Description: bi{c.Description, c.DescriptionEN},
			Status: statusOf(c.Status), Score: plainScore(c.Score), Severity: severityOf(c.Severity),
			Criterion: crit[c.Dimension], NotScored: c.KPI != nil && !*c.KPI,
			Result: resultOf(c), Threshold: thresholdOf(c), Interval: intervalOf(c)}
		if row.Criterion.empty() {
			row.Criterion = bi{c.Dimension, c.Dimension}
		}
		if c.PassRate != nil {
			row.PassRateRaw = rawFloat(*c.PassRate)
		}
		if c.Status == scorecard.Warn {
			row.Examples = examplesOf(c)
		}
		if c.Failed != nil && c.Evaluated != nil {
			row.Counts = unrepeated(bi{fmtInt(*c.Failed) + " / " + fmtInt(*c.Evaluated) + " không đạt",
				fmtInt(*c.Failed) + " / " + fmtInt(*c.Evaluated) + " fail"})
		}
		dv.Checks = append(dv.Checks, row)
	}
	// Failing checks first: error, fail, warn, pass, the config's order
	// within a status.
	sort.SliceStable(dv.Checks, func(i, j int) bool { return dv.Checks[i].Status.Rank > dv.Checks[j].Status.Rank })
	return dv
}

func countText(n *int64) (text, raw string) {
	if n == nil {
		return "không rõ (unknown)", ""
	}
	return fmtInt(*n), strconv.FormatInt(*n, 10)
}

func sampleText(s scorecard.Sample) bi {
	var t bi
	switch s.Method {
	case "full", "":
		t = bi{"toàn bộ", "full"}
	case "hash":
		t = bi{"mẫu băm", "hash sample"}
	case "random":
		t = bi{"mẫu ngẫu nhiên", "random sample"}
	default:
		t = bi{s.Method, s.Method}
	}
	if s.Fraction != nil {
		p := " " + fmtPercent(*s.Fraction*100)
		t.Vi += p
		t.En += p
	}
	if s.Key != "" {
		t.Vi += ", khoá " + s.Key
		t.En += ", key " + s.Key
	}
	return t
}

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
