package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/scorecard"
)

func render(t *testing.T, idx *scorecard.Index, cards []*scorecard.Card) map[string]string {
	t.Helper()
	pages, err := Render(idx, cards)
	require.NoError(t, err)
	out := map[string]string{}
	for k, v := range pages {
		out[k] = string(v)
	}
	return out
}

// has requires every want in a page, naming only what is missing (a page
// is too long to print).
func has(t *testing.T, name, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", name, w)
		}
	}
}

func hasNot(t *testing.T, name, page string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(page, b) {
			t.Errorf("%s has %q", name, b)
		}
	}
}

func TestRenderPages(t *testing.T) {
	idx, cards := fixture()
	pages := render(t, idx, cards)
	require.Len(t, pages, 7)
	for _, name := range []string{"index.html", "MPS.html", "VSS.html", "MOH.html", "MOJ.html", "MOF.html", "MOET.html"} {
		page := pages[name]
		require.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"vi\">"), name)
		hasNot(t, name, page, "<script", "<link", "<img", "@import", "url(", "http://")
		if name != "MOH.html" {
			hasNot(t, name, page, "https://")
		}
		// Never a Go duration or a raw threshold.
		if m := regexp.MustCompile(`\d+h\d+m\d+s|"mostly"|max_age_hours`).FindString(page); m != "" {
			t.Errorf("%s shows %q", name, m)
		}
	}
	// MOH's error message holds a URL: as text only.
	has(t, "MOH.html", pages["MOH.html"], `<pre class="error">GET https://api.example.invalid/facilities`)
	vss := pages["VSS.html"]
	hasNot(t, "VSS.html", vss, "<script>alert")
	has(t, "VSS.html", vss, "&lt;script&gt;alert(1)&lt;/script&gt;")

	mps := pages["MPS.html"]
	// The order: how, what is wrong, since when, where, all checks.
	var at []int
	for _, id := range []string{`id="how"`, `id="wrong"`, `id="since"`, `id="where"`, `id="all"`} {
		at = append(at, strings.Index(mps, id))
	}
	for i := 1; i < len(at); i++ {
		require.Greater(t, at[i], at[i-1], "sections out of order: %v", at)
	}
	// Every check of the dataset's table, failing first.
	re := regexp.MustCompile(`<tr class="check status-([a-z]+)"[^>]* data-check="([^"]+)"`)
	var order []string
	for _, m := range re.FindAllStringSubmatch(mps, -1) {
		order = append(order, m[2]+":"+m[1])
	}
	require.Equal(t, "cccd_valid:fail name_present:fail birth_range:fail citizen_unique:warn updated_recently:pass gender_known:pass", strings.Join(order, " "))
	// What is wrong: the failing requirements, the costliest first.
	gains := regexp.MustCompile(`<li class="problem status-fail" id="[^"]+" data-check="([^"]+)" data-dataset="[^"]+" data-gain="([^"]+)"`)
	order = nil
	last := 101.0
	for _, m := range gains.FindAllStringSubmatch(mps, -1) {
		g, err := strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
		require.LessOrEqual(t, g, last, "problems not the costliest first")
		last = g
		order = append(order, m[1])
	}
	require.Equal(t, []string{"name_present", "cccd_valid", "birth_range"}, order)
	has(t, "MPS.html", mps,
		`data-score="49.81" data-low="48.76" data-high="50.86" data-band="red"><span class="num">49,8</span><span class="pm"`,
		`± 1,1`,
		`<span class="rating">Kém <span class="en" lang="en">(poor)</span></span>`,
		`<tr class="criterion not-measured" data-criterion="unified" data-measured="false">`,
		`chưa đo <span class="en2" lang="en">not measured</span>`,
		`4/6 tiêu chí`,
		`99,34 %`,
		"1.000 trên 100.000 bản ghi thiếu giá trị: full_name 700, birth_date 300.",
		"1.200 trên 99.800 giá trị không hợp lệ: 1.100 sai cấu trúc; 100 không khớp năm sinh.",
		`<span class="why">dạng 999A99999999 <span class="en" lang="en">(shape)</span></span>`,
		`<span class="why">năm 2999 <span class="en" lang="en">(year 2999)</span></span>`,
		`<em class="blank">(trống, empty)</em> | 1943******`,
		`<span class="times">×3</span>`,
		"tối thiểu 99,5 % bản ghi đạt; cảnh báo dưới 99,9 %",
		"KTC 95 % <span class=\"en\" lang=\"en\">(95% interval)</span>: 98,73 % – 98,86 %",
		"Bổ sung giá trị còn thiếu",
		"từ 27/02/2026 (3 lần chạy liên tiếp)",
		"lần đầu, ở lần chạy này",
		`<span class="unit-name">Thành phố Hồ Chí Minh</span> <code class="code">79</code>`,
		"mẫu băm 10 %, khoá cccd",
		`<a href="MPS.json" type="application/json">`,
		`<a href="index.html">`,
		"Ví dụ lỗi đã được che thông tin cá nhân",
	)
	// The trend has a gap (a run without a score): two stretches.
	require.Equal(t, 2, strings.Count(mps, `<polyline class="line"`))
	hasNot(t, "MPS.html", mps, `data-banner="pii"`)

	// A freshness check in human units, counts with Vietnamese
	// separators, a check not scored says so.
	has(t, "VSS.html", vss, "Cập nhật cách đây 10 ngày (tối đa 7 ngày).",
		"120 trên 20.400 bản ghi có cccd không tìm thấy trong population.citizens.", "không tính điểm")
	has(t, "MOH.html", pages["MOH.html"], "Chưa có lịch sử", "Không đọc được tập dữ liệu health.facilities")
	has(t, "MOET.html", pages["MOET.html"], "Điểm đạt mức Tốt nhưng có kiểm tra không đạt nên chỉ xếp loại Khá")

	has(t, "index.html", pages["index.html"],
		`<tr class="league-row status-error" data-ministry="MOF" data-rank="6">`,
		`<span class="score band-none" data-band="none"><span class="num">—</span><span class="rating">Chưa có điểm`,
		`<a href="VSS.html">`,
		`<dd data-count="checks">28</dd>`,
		`<section class="ministry card status-fail" id="m-MPS" data-ministry="MPS"`,
		"Tốt</strong> <span class=\"en\" lang=\"en\">(good)</span> từ 90 điểm",
	)
}

// The league table ranks the ministries worst first, no score on top.
func TestLeagueWorstFirst(t *testing.T) {
	idx, cards := fixture()
	pages := render(t, idx, cards)
	re := regexp.MustCompile(`<tr class="league-row status-[a-z]+" data-ministry="([^"]+)" data-rank="(\d+)">`)
	var got []string
	for _, m := range re.FindAllStringSubmatch(pages["index.html"], -1) {
		got = append(got, m[1]+":"+m[2])
	}
	require.Equal(t, []string{"MOF:6", "MOH:5", "VSS:4", "MPS:3", "MOET:2", "MOJ:1"}, got)
	cardsRe := regexp.MustCompile(`<section class="ministry card status-[a-z]+" id="m-([A-Z]+)"`)
	got = nil
	for _, m := range cardsRe.FindAllStringSubmatch(pages["index.html"], -1) {
		got = append(got, m[1])
	}
	require.Equal(t, []string{"MOF", "MOH", "VSS", "MPS", "MOET", "MOJ"}, got, "the cards follow the table")
}

func TestRenderRejects(t *testing.T) {
	idx, cards := fixture()
	_, err := Render(nil, cards)
	require.Error(t, err)
	_, err = Render(idx, append(cards, nil))
	require.Error(t, err)
	_, err = Render(idx, cards[1:])
	require.ErrorContains(t, err, `"MPS" is in the index but has no card`)
	_, err = Render(idx, append(cards, cards[0]))
	require.Error(t, err)
	_, err = Render(idx, append(cards, &scorecard.Card{Ministry: scorecard.Ref{ID: "X"}}))
	require.Error(t, err, "a card without an index entry")
	bad := &scorecard.Index{Ministries: []scorecard.IndexEntry{{ID: "INDEX"}}}
	_, err = Render(bad, []*scorecard.Card{{Ministry: scorecard.Ref{ID: "INDEX"}}})
	require.Error(t, err, "a ministry page named like the index")
}

func TestRenderEmptyAndSparse(t *testing.T) {
	// Nothing but ids: nil maps, slices and pointers everywhere.
	idx := &scorecard.Index{Ministries: []scorecard.IndexEntry{{ID: "a/b"}}}
	cards := []*scorecard.Card{{Ministry: scorecard.Ref{ID: "a/b"}, Datasets: []*scorecard.Dataset{nil, {ID: "d", Checks: []*scorecard.Check{nil, {ID: "c"}}}}}}
	pages := render(t, idx, cards)
	require.Contains(t, pages, "a_b.html")
	require.Contains(t, pages["index.html"], `<a href="a_b.html">a/b</a>`)
	pages = render(t, &scorecard.Index{}, nil)
	require.Contains(t, pages["index.html"], "no ministry in this run")
}

// Runs published before schema 2 (no criteria, coverage, titles,
// severities, ranks or bands) still render, said to be of the old method.
func TestSchema1RunsRender(t *testing.T) {
	dir := filepath.Join("testdata", "schema1")
	var idx scorecard.Index
	readJSON(t, filepath.Join(dir, "index.json"), &idx)
	require.Equal(t, "1", idx.SchemaVersion)
	var cards []*scorecard.Card
	for _, e := range idx.Ministries {
		c := &scorecard.Card{}
		readJSON(t, filepath.Join(dir, e.File), c)
		cards = append(cards, c)
	}
	pages := render(t, &idx, cards)
	for name, page := range pages {
		has(t, name, page, `data-banner="old-method"`)
	}
	// A criterion schema 1 never had is not measured; a check without a
	// title is named by its id; the bands are the defaults, said so;
	// groups have no names.
	has(t, "MPS.html", pages["MPS.html"],
		`<tr class="criterion not-measured" data-criterion="unified" data-measured="false">`,
		`<span class="req-title">cccd_format</span>`,
		"dưới 75 (ngưỡng mặc định, default bounds)",
		`<tr class="group" data-group="01"`)
	// Ranked all the same, worst first.
	has(t, "index.html", pages["index.html"], `data-ministry="MOJ" data-rank="1"`)
	require.Less(t, strings.Index(pages["index.html"], `data-rank="7"`), strings.Index(pages["index.html"], `data-rank="1"`))
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

// With show_pii every page says so, and nothing calls the examples
// masked.
func TestShowPIIBanner(t *testing.T) {
	idx, cards := fixture()
	for _, c := range cards {
		c.ShowPII = true
	}
	pages := render(t, idx, cards)
	for name, page := range pages {
		has(t, name, page, `<div class="banner pii" role="alert" data-banner="pii"><strong><span aria-hidden="true">⚠</span> Dữ liệu cá nhân hiển thị không che</strong> <span class="en" lang="en">(personal data shown unmasked)</span>`)
		hasNot(t, name, page, "đã được che", ", masked")
	}
	has(t, "MPS.html", pages["MPS.html"], "Hiển thị nguyên văn")
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtInt(0), "0"}, {fmtInt(999), "999"}, {fmtInt(20_400), "20.400"}, {fmtInt(-1234567), "−1.234.567"},
		{fmtScore(99.08), "99,1"}, {fmtScore(99.96), "99,9"}, {fmtScore(100), "100,0"}, {fmtScore(0), "0,0"},
		{fmtRate(0.98798, nil), "98,8 %"}, {fmtRate(0.985, nil), "98,5 %"}, {fmtRate(0.999999, i64(1)), "> 99,99 %"},
		{fmtRate(1, i64(0)), "100 %"}, {fmtRate(0.00001, nil), "< 0,01 %"}, {fmtRate(0, nil), "0 %"},
		{fmtPercent(12.5), "12,5 %"}, {fmtNumber(1_000_000), "1.000.000"}, {fmtNumber(2.345), "2,35"},
		{fmtAge(240.6).Vi, "10 ngày"}, {fmtAge(168).En, "7 days"}, {fmtAge(1.46).Vi, "1,5 giờ"}, {fmtAge(24).En, "24 hours"},
		{fmtAge(1).En, "1 hour"}, {fmtAge(0.25).Vi, "15 phút"},
		{fmtTime(time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC)), "02/03/2026 00:30 (GMT+7)"},
		{fmtDate(time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)), "30/11/2026"},
		{cleanID("population.citizens"), "population.citizens"}, {cleanID("a b/ç"), "a_b__"},
		{scoreOf(f64(86.04), []float64{84.2, 87.9}, "yellow", nil).PM, "± 1,9"},
	} {
		require.Equal(t, c.want, c.got)
	}
}

// A check in words, per kind: what it found, what it requires, one
// sentence, what to fix; never a raw threshold or Go duration.
func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		name                            string
		c                               *scorecard.Check
		result, threshold, finding, fix string
	}{
		{"freshness", &scorecard.Check{Kind: "freshness", Status: scorecard.Fail, Value: f64(240.6), Unit: "hours",
			Threshold: map[string]any{"max_age_hours": 168.0, "warn": map[string]any{"max_age_hours": 72.0}}},
			"cập nhật cách đây 10 ngày", "cập nhật trong vòng 7 ngày; cảnh báo khi cũ hơn 3 ngày",
			"Cập nhật cách đây 10 ngày (tối đa 7 ngày).", "Khôi phục việc cập nhật, đồng bộ dữ liệu định kỳ."},
		{"row_count", &scorecard.Check{Kind: "row_count", Status: scorecard.Fail, Value: f64(800), Unit: "rows",
			Threshold: map[string]any{"min": 1000.0}},
			"800 bản ghi", "tối thiểu 1.000 bản ghi", "800 bản ghi (yêu cầu: tối thiểu 1.000 bản ghi).",
			"Kiểm tra việc nạp và đồng bộ dữ liệu: số bản ghi nằm ngoài mức dự kiến."},
		{"unique", &scorecard.Check{Kind: "unique", Status: scorecard.Fail, Evaluated: i64(20_400), Failed: i64(400), PassRate: f64(0.98039),
			Threshold: map[string]any{"mostly": 1.0}, Details: map[string]any{"duplicate_keys": 200.0, "extra_rows": 200.0}},
			"98,04 % đạt", "mọi bản ghi đều đạt", "400 bản ghi trùng nhau: 200 giá trị xuất hiện nhiều lần, thừa 200 bản ghi.",
			"Rà soát, hợp nhất các bản ghi trùng và thêm ràng buộc không trùng lặp ở cơ sở dữ liệu nguồn."},
		{"format of a commune code", &scorecard.Check{Kind: "format", Status: scorecard.Fail, Evaluated: i64(6_018), Failed: i64(60), PassRate: f64(0.99),
			Threshold: map[string]any{"mostly": 1.0}, Details: map[string]any{"stale_pre2025": 60.0}},
			"99 % đạt", "mọi bản ghi đều đạt", "60 trên 6.018 giá trị không hợp lệ: 60 là mã xã đã bỏ từ 1/7/2025.",
			"Sửa các giá trị không hợp lệ và kiểm tra định dạng ngay khi nhập liệu. Chuyển mã xã cũ sang mã mới theo bảng chuyển đổi 2025 (ward_mapping_2025)."},
		{"agrees", &scorecard.Check{Kind: "agrees", Status: scorecard.Fail, Evaluated: i64(12_000), Failed: i64(180), PassRate: f64(0.985),
			Details: map[string]any{"with": "population.citizens", "matched": 11_940.0,
				"columns": map[string]any{"birth_date": map[string]any{"failed": 60.0}, "full_name": map[string]any{"failed": 120.0}, "gender": map[string]any{"failed": 0.0}}}},
			"98,5 % đạt", "", "180 trên 11.940 bản ghi có ở population.citizens mang thông tin khác: full_name 120, birth_date 60.",
			"Đối chiếu với cơ sở dữ liệu gốc và sửa thông tin sai lệch."},
		{"schema, as a Go value", &scorecard.Check{Kind: "schema", Status: scorecard.Fail, Value: f64(2), Unit: "problems",
			Threshold: map[string]any{"require": map[string]string{"cccd": "VARCHAR", "birth_date": "DATE"}}},
			"2 vấn đề", "các cột bắt buộc: birth_date (DATE), cccd (VARCHAR)", "Cấu trúc bảng có 2 vấn đề về cột.",
			"Bổ sung hoặc sửa các cột theo cấu trúc quy định."},
		{"anomaly not judged", &scorecard.Check{Kind: "anomaly", Status: scorecard.Warn, Value: f64(0.0098), Unit: "share",
			Threshold: map[string]any{"method": "change", "max_change": 0.5, "min_history": 5.0, "window": 10.0},
			Details:   map[string]any{"judged": false, "history": 1.0}},
			"0,98 %", "thay đổi không quá 50 % so với lần chạy trước", "Chưa đánh giá: cần 5 lần chạy trước, mới có 1.",
			"Xem lại lần nạp dữ liệu gần nhất: số liệu thay đổi bất thường."},
		{"error", &scorecard.Check{Kind: "status_sync", Status: scorecard.Error, Message: "Binder Error"},
			"không kiểm tra được", "", "Không kiểm tra được yêu cầu này.",
			"Sửa lỗi khiến kiểm tra không chạy được (xem thông báo lỗi), rồi chạy lại."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.result, resultOf(tc.c).Vi)
			require.Equal(t, tc.threshold, thresholdOf(tc.c).Vi)
			require.Equal(t, tc.finding, findingOf(tc.c).Vi)
			require.Equal(t, tc.fix, fixOf(tc.c).Vi)
			for _, s := range []bi{resultOf(tc.c), thresholdOf(tc.c), findingOf(tc.c), fixOf(tc.c)} {
				require.NotRegexp(t, `\d+h\d+m|map\[|\{|mostly|_hours`, s.Vi+" "+s.En)
			}
		})
	}
}

func TestSince(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 1, 0, 0, 0, time.UTC) }
	pts := func(scores ...*float64) []scorecard.Point {
		var out []scorecard.Point
		for i, s := range scores {
			out = append(out, scorecard.Point{At: day(i + 1), Score: s})
		}
		return out
	}
	for _, tc := range []struct {
		status scorecard.Status
		trend  *scorecard.Trend
		want   string
	}{
		{scorecard.Fail, nil, "chưa có lịch sử"},
		{scorecard.Fail, &scorecard.Trend{Series: pts(f64(100), f64(40))}, "lần đầu, ở lần chạy này"},
		{scorecard.Fail, &scorecard.Trend{Series: pts(f64(100), nil, f64(20), f64(40))}, "từ 03/03/2026 (2 lần chạy liên tiếp)"},
		{scorecard.Fail, &scorecard.Trend{Series: pts(f64(10), f64(20), f64(40))}, "ít nhất từ 01/03/2026 (cả 3 lần chạy đã ghi)"},
		{scorecard.Error, &scorecard.Trend{Series: pts(f64(100), nil, nil)}, "từ 02/03/2026 (2 lần chạy liên tiếp)"},
	} {
		require.Equal(t, tc.want, since(&scorecard.Check{Status: tc.status, Trend: tc.trend}).Vi)
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
	pages := render(t, idx, cards)
	page := pages["MPS.html"]
	require.Equal(t, 5000, strings.Count(page, `<tr class="check `))
	require.Equal(t, 1, strings.Count(page, `<figure class="trend">`), "one chart on the page")
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
	pages := render(t, idx, cards)
	html := pages[PageName(cards[0].Ministry.ID)]
	i79, i01, iNull := strings.Index(html, `data-group="79"`), strings.Index(html, `data-group="01"`), strings.Index(html, `data-group="NULL"`)
	require.True(t, i79 > 0 && i79 < i01 && i01 < iNull, "groups not lowest score first, no score last: 79@%d 01@%d NULL@%d", i79, i01, iNull)
	has(t, "MPS.html", html,
		`<span class="unit-name">Thành phố Hà Nội</span> <code class="code">01</code>`,
		"Theo địa bàn <span class=\"en\" lang=\"en\">(by locality)</span>",
		"3 nhóm theo <code>province_code</code>, thấp nhất trước",
		"<td>Số căn cước công dân (CCCD) hợp lệ</td>")
}
