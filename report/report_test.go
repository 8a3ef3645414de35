package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vn-registries/dq/scorecard"
)

func TestRenderPages(t *testing.T) {
	idx, cards := fixture()
	pages, err := Render(idx, cards)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"index.html", "MPS.html", "VSS.html", "MOH.html", "MOJ.html", "MOF.html"}
	if len(pages) != len(want) {
		t.Fatalf("got %d pages, want %d", len(pages), len(want))
	}
	for _, name := range want {
		page := string(pages[name])
		if !strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"vi\">") {
			t.Errorf("%s: does not start with the doctype and lang=vi", name)
		}
		for _, bad := range []string{"<script", "<link", "<img", "@import", "url(", "http://", "https://"} {
			if strings.Contains(page, bad) && !(bad == "https://" && name == "MOH.html") {
				t.Errorf("%s: contains %q", name, bad)
			}
		}
	}
	// MOH's error message holds a URL: as text only.
	if !strings.Contains(string(pages["MOH.html"]), `<pre class="error">GET https://api.example.invalid/facilities`) {
		t.Error("MOH.html: the dataset error is not shown as text")
	}

	vss := string(pages["VSS.html"])
	if strings.Contains(vss, "<script>alert") || !strings.Contains(vss, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("VSS.html: a message is not escaped")
	}

	// Failing checks first: error, fail, warn, pass.
	mps := string(pages["MPS.html"])
	re := regexp.MustCompile(`<tr class="check status-([a-z]+)"[^>]* data-check="([^"]+)"`)
	var order []string
	for _, m := range re.FindAllStringSubmatch(mps, -1) {
		order = append(order, m[2]+":"+m[1])
	}
	if got, want := strings.Join(order, " "), "cccd_valid:fail name_present:fail citizen_unique:warn updated_recently:pass gender_known:pass"; got != want {
		t.Errorf("check order\n got %s\nwant %s", got, want)
	}
	for _, s := range []string{
		`<section class="ministry overview" id="m-MPS" data-ministry="MPS"`,
		`<section class="dataset status-fail first" id="d-population.citizens" data-dataset="population.citizens"`,
		`data-pass-rate="0.98798"`,
		`KTC 95%: 98,73 % – 98,86 %`,
		`<code class="key">0010****1234</code> → <code class="val">0010****12</code>`,
		`<span class="times">×3</span>`,
		"Giá trị bị trùng (duplicated values): 240",
		"Không đạt / được đánh giá (failed / evaluated): 1\u202f200 / 99\u202f800 dòng (rows)",
		`data-rows-total="1000000"`,
		"Mẫu băm (hash sample) 10 %, khóa (key) cccd",
		`<polyline class="line" points="`,
		"▲ &#43;0,60", // html/template writes + as &#43;
		`<a href="MPS.json" type="application/json">`,
		`<a href="index.html">`,
	} {
		if !strings.Contains(mps, s) {
			t.Errorf("MPS.html lacks %q", s)
		}
	}
	// The trend has a gap (a run without a score): two stretches.
	if n := strings.Count(mps, `<polyline class="line"`); n != 2 {
		t.Errorf("MPS.html: %d polylines, want 2 (the series has a gap)", n)
	}
	if !strings.Contains(string(pages["MOH.html"]), "Chưa có lịch sử (no history yet)") {
		t.Error("MOH.html: no 'no history yet'")
	}

	index := string(pages["index.html"])
	for _, s := range []string{
		`<section class="ministry card status-fail" id="m-MPS" data-ministry="MPS"`,
		`<span class="chip band-green" data-score="93.4" data-band="green"><span class="value">93,4</span>`,
		`<span class="chip band-none" data-band="none"><span class="value">—</span>`,
		`<tr class="dim" data-dimension="alive">`,
		`<a href="VSS.html">`,
		`<span data-failed="3">3</span> / <span data-checks="4">4</span>`,
		`<dd data-count="checks">14</dd>`,
	} {
		if !strings.Contains(index, s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	idx, cards := fixture()
	if _, err := Render(nil, cards); err == nil {
		t.Error("no error without an index")
	}
	if _, err := Render(idx, append(cards, nil)); err == nil {
		t.Error("no error for a nil card")
	}
	if _, err := Render(idx, cards[1:]); err == nil || !strings.Contains(err.Error(), `"MPS" is in the index but has no card`) {
		t.Errorf("missing card: %v", err)
	}
	if _, err := Render(idx, append(cards, cards[0])); err == nil {
		t.Error("no error for two cards of a ministry")
	}
	extra := &scorecard.Card{Ministry: scorecard.Ref{ID: "X"}}
	if _, err := Render(idx, append(cards, extra)); err == nil {
		t.Error("no error for a card without an index entry")
	}
	// A ministry whose page would overwrite the index.
	bad := &scorecard.Index{Ministries: []scorecard.IndexEntry{{ID: "INDEX"}}}
	if _, err := Render(bad, []*scorecard.Card{{Ministry: scorecard.Ref{ID: "INDEX"}}}); err == nil {
		t.Error("no error for a ministry page named like the index")
	}
}

func TestRenderEmptyAndSparse(t *testing.T) {
	// Nothing but ids: nil maps, slices and pointers everywhere.
	idx := &scorecard.Index{Ministries: []scorecard.IndexEntry{{ID: "a/b"}}}
	cards := []*scorecard.Card{{Ministry: scorecard.Ref{ID: "a/b"}, Datasets: []*scorecard.Dataset{nil, {ID: "d", Checks: []*scorecard.Check{nil, {ID: "c"}}}}}}
	pages, err := Render(idx, cards)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pages["a_b.html"]; !ok {
		t.Fatalf("pages: %v", keys(pages))
	}
	if !strings.Contains(string(pages["index.html"]), `<a href="a_b.html">a/b</a>`) {
		t.Errorf("index.html links to a_b.html by an unnamed ministry's id:\n%s", pages["index.html"])
	}
	pages, err = Render(&scorecard.Index{}, nil)
	if err != nil || !strings.Contains(string(pages["index.html"]), "no ministry in this run") {
		t.Fatalf("empty run: %v", err)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtInt(0), "0"}, {fmtInt(999), "999"}, {fmtInt(1000), "1\u202f000"}, {fmtInt(-1234567), "−1\u202f234\u202f567"},
		{fmtScore(99.08), "99,1"}, {fmtScore(99.96), "99,9"}, {fmtScore(100), "100,0"}, {fmtScore(0), "0,0"},
		{fmtRate(0.98798, nil), "98,80 %"}, {fmtRate(0.999999, i64(1)), "> 99,99 %"}, {fmtRate(1, i64(0)), "100,00 %"},
		{fmtRate(0.00001, nil), "< 0,01 %"}, {fmtRate(0, nil), "0,00 %"},
		{fmtPercent(10, 2), "10 %"}, {fmtPercent(12.5, 2), "12,5 %"},
		{thresholdText(map[string]any{"mostly": 0.995, "warn": map[string]any{"mostly": 0.999}, "max": "24h"}), "max: 24h; mostly ≥ 99,5 %; warn.mostly ≥ 99,9 %"},
		{fmtTime(time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC)), "02/03/2026 00:30 (GMT+7)"},
		{cleanID("population.citizens"), "population.citizens"}, {cleanID("a b/ç"), "a_b__"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// manyChecks is a ministry with 50 datasets of 100 checks each.
func manyChecks() (*scorecard.Index, []*scorecard.Card) {
	idx, cards := fixture()
	c := cards[0]
	tmpl := c.Datasets[0]
	c.Datasets = nil
	for d := range 50 {
		ds := *tmpl
		ds.ID = fmt.Sprintf("big.table_%02d", d)
		ds.Checks = nil
		for k := range 100 {
			ch := *tmpl.Checks[k%len(tmpl.Checks)]
			ch.ID = fmt.Sprintf("check_%03d", k)
			ds.Checks = append(ds.Checks, &ch)
		}
		c.Datasets = append(c.Datasets, &ds)
	}
	return idx, cards
}

func TestRenderThousandsOfChecks(t *testing.T) {
	idx, cards := manyChecks()
	t0 := time.Now()
	pages, err := Render(idx, cards)
	if err != nil {
		t.Fatal(err)
	}
	page := string(pages["MPS.html"])
	if n := strings.Count(page, `<tr class="check `); n != 5000 {
		t.Errorf("%d check rows, want 5000", n)
	}
	if strings.Count(page, "<svg") > 1 {
		t.Error("more than one chart on the page")
	}
	// Over openLimit checks: the passing datasets fold, the others stay open.
	if strings.Count(page, "<details open>") != 50 { // every fixture dataset fails
		t.Errorf("%d open datasets", strings.Count(page, "<details open>"))
	}
	t.Logf("5000 checks: %d KiB in %s", len(page)>>10, time.Since(t0))
}

func BenchmarkRender5000Checks(b *testing.B) {
	idx, cards := manyChecks()
	for b.Loop() {
		if _, err := Render(idx, cards); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRenderGroupsWorstFirst(t *testing.T) {
	idx, cards := fixture()
	lo, hi := 71.5, 99.0
	cards[0].Datasets[0].Groups = &scorecard.Groups{By: "province_code", Values: []*scorecard.Group{
		{Value: "01", Rows: 120, Score: &hi, Status: scorecard.Pass, Dimensions: map[string]float64{"correct": hi}},
		{Value: "79", Rows: 80, Score: &lo, Status: scorecard.Fail, Dimensions: map[string]float64{"correct": lo},
			Checks: []*scorecard.GroupCheck{{ID: "x", Status: scorecard.Fail, Score: &lo}}},
		{Value: "NULL", Rows: 3, Status: scorecard.Error},
	}}
	pages, err := Render(idx, cards)
	if err != nil {
		t.Fatal(err)
	}
	html := string(pages[PageName(cards[0].Ministry.ID)])
	i79, i01, iNull := strings.Index(html, `data-group="79"`), strings.Index(html, `data-group="01"`), strings.Index(html, `data-group="NULL"`)
	if !(i79 > 0 && i79 < i01 && i01 < iNull) {
		t.Errorf("groups not lowest score first, no score last: 79@%d 01@%d NULL@%d", i79, i01, iNull)
	}
	for _, want := range []string{`data-group="79" data-score="71.5"`, "Theo province_code (by province_code): 3 nhóm (groups)"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
