package report

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vn-registries/dq/scorecard"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

var docsShots = flag.Bool("screenshots", false, "write docs/scorecard-index.png and docs/scorecard-ministry.png from the browser test")

// TestBrowser renders the fixture, publishes it like dq run does, serves
// it over HTTP and loads the pages in headless Chromium. The DOM after
// rendering must hold: the league table worst first, the Vietnamese
// labels of every section, human units (days, 20.400), "chưa đo" for a
// criterion not measured, the "± " of a score on samples, every dataset
// and check, and no reference that leaves the test server; a second run
// with show_pii must carry its banner on every page and call nothing
// masked. Screenshots go to $DQ_ARTIFACTS (else a temporary folder);
//
//	go test ./report -run TestBrowser -screenshots
//
// writes the README's docs/scorecard-index.png and
// docs/scorecard-ministry.png.
//
// Without Chromium the test is skipped, unless DQ_REQUIRE_BROWSER is set
// (CI sets DQ_REQUIRE_BROWSER=1), when it fails.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if _, required := os.LookupEnv("DQ_REQUIRE_BROWSER"); required {
			t.Fatalf("DQ_REQUIRE_BROWSER is set but %s is missing (%v): install the Debian package chromium (.ci/run installs it)", chromiumPath, err)
		}
		t.Skipf("%s is missing: skipping the browser test (.ci/run installs it; set DQ_REQUIRE_BROWSER=1 to make this a failure)", chromiumPath)
	}

	idx, cards := fixture()
	shown, shownCards := fixture()
	for _, c := range shownCards {
		c.ShowPII = true
	}
	var mu sync.Mutex
	var requested []string
	serve := func(idx *scorecard.Index, cards []*scorecard.Card) string {
		pages, err := Render(idx, cards)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := scorecard.WriteRun(dir, idx, cards, pages); err != nil {
			t.Fatal(err)
		}
		files := http.FileServer(http.Dir(filepath.Join(dir, scorecard.LatestLink)))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			requested = append(requested, r.URL.Path)
			mu.Unlock()
			files.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	base, piiBase := serve(idx, cards), serve(shown, shownCards)

	artifacts := os.Getenv("DQ_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := map[string]string{
		base + "/":         filepath.Join(artifacts, "report-index.png"),
		base + "/MPS.html": filepath.Join(artifacts, "report-MPS.png"),
		base + "/VSS.html": filepath.Join(artifacts, "report-VSS.png"),
	}
	if *docsShots {
		shots[base+"/"] = filepath.Join("..", "docs", "scorecard-index.png")
		shots[base+"/MPS.html"] = filepath.Join("..", "docs", "scorecard-ministry.png")
	}
	heights := map[string]int{base + "/": 1700, base + "/MPS.html": 2300, base + "/VSS.html": 2300}

	urls := []string{base + "/"}
	for _, c := range cards {
		urls = append(urls, base+"/"+PageName(c.Ministry.ID))
	}
	urls = append(urls, piiBase+"/", piiBase+"/MPS.html")
	doms := map[string]string{}
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2) // the machines running this share their cores
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	for _, u := range urls {
		run(func() error {
			dom, err := dumpDOM(t, u)
			mu.Lock()
			doms[u] = dom
			mu.Unlock()
			return err
		})
	}
	for u, file := range shots {
		run(func() error { return screenshot(t, u, file, heights[u]) })
	}
	wg.Wait()
	for _, err := range errs {
		t.Fatal(err)
	}

	// The index: the league table worst first (the highest place number,
	// the lowest score; no score on top), then the cards in its order.
	index := doms[base+"/"]
	rows := regexp.MustCompile(`(?s)<tr class="league-row status-[a-z]+" data-ministry="([^"]+)" data-rank="(\d+)">(.*?)</tr>`).FindAllStringSubmatch(index, -1)
	if len(rows) != len(idx.Ministries) {
		t.Fatalf("index: %d league rows, want %d", len(rows), len(idx.Ministries))
	}
	lastRank, lastScore := len(rows)+1, -1.0
	for _, r := range rows {
		rank, _ := strconv.Atoi(r[2])
		if rank >= lastRank {
			t.Errorf("league: %s at rank %d after rank %d: not worst first", r[1], rank, lastRank)
		}
		lastRank = rank
		score := -1.0
		if m := regexp.MustCompile(`data-score="([^"]+)"`).FindStringSubmatch(r[3]); m != nil {
			score, _ = strconv.ParseFloat(m[1], 64)
		}
		if score < lastScore {
			t.Errorf("league: %s scores %v after %v: not worst first", r[1], score, lastScore)
		}
		lastScore = score
		e := entryOf(idx, r[1])
		checkScore(t, "league "+r[1], r[3], e.Score)
		if !strings.Contains(r[3], `href="`+PageName(e.ID)+`"`) {
			t.Errorf("league %s: no link to %s", e.ID, PageName(e.ID))
		}
	}
	if got := strings.Join(regexp.MustCompile(`data-ministry="([A-Z]+)" data-rank`).FindAllString(index, -1), " "); !strings.HasPrefix(got, `data-ministry="MOF"`) {
		t.Errorf("league: the ministry without a score is not first: %s", got)
	}
	cardIDs := regexp.MustCompile(`<section class="ministry card status-[a-z]+" id="m-([^"]+)"`).FindAllStringSubmatch(index, -1)
	for i, m := range cardIDs {
		if m[1] != rows[i][1] {
			t.Errorf("card %d is %s, the league's row %s", i, m[1], rows[i][1])
		}
	}
	domHas(t, "index", index, `<html lang="vi">`, "Bảng xếp hạng", "Cách đọc", "Điểm</strong>", "Trạng thái</strong>",
		"Từng bộ, ngành", "chưa đo", "4/6 tiêu chí")
	checkReferences(t, base+"/", index)

	// Every ministry page: the sections in the order, every
	// dataset and check, scores as in the cards.
	for _, c := range cards {
		u := base + "/" + PageName(c.Ministry.ID)
		dom := doms[u]
		domHas(t, u, dom, "Kết quả chung", "Cần khắc phục", "Từ khi nào", "Ở đâu", "Tất cả kiểm tra", "Tỷ lệ bản ghi đạt")
		overview := sectionsOf(dom, "ministry overview")
		if len(overview) != 1 {
			t.Fatalf("%s: %d overviews, want 1", u, len(overview))
		}
		checkScore(t, c.Ministry.ID, overview[0], c.Score)
		ds := sectionsOf(dom, "dataset")
		if len(ds) != len(c.Datasets) {
			t.Fatalf("%s: %d dataset sections, want %d", u, len(ds), len(c.Datasets))
		}
		for i, d := range c.Datasets {
			if !strings.Contains(ds[i], `data-dataset="`+d.ID+`"`) {
				t.Errorf("%s: dataset section %d is not %s", u, i, d.ID)
			}
			checkScore(t, c.Ministry.ID+"/"+d.ID, ds[i], d.Score)
			if got := strings.Count(ds[i], `<tr class="check status-`); got != len(d.Checks) {
				t.Errorf("%s: dataset %s: %d check rows, want %d", u, d.ID, got, len(d.Checks))
			}
			if d.Error != "" && !strings.Contains(ds[i], `class="error"`) {
				t.Errorf("%s: dataset %s: its error is not shown", u, d.ID)
			}
		}
		if strings.Contains(dom, `data-banner="pii"`) {
			t.Errorf("%s: a PII banner without show_pii", u)
		}
		checkReferences(t, u, dom)
	}
	mps := doms[base+"/MPS.html"]
	domHas(t, "MPS", mps,
		`<tr class="criterion not-measured" data-criterion="unified" data-measured="false">`,
		"chưa đo",
		`<span class="pm" title="Khoảng tin cậy 95 % (95% interval)">± 1,1</span>`,
		"100.000 bản ghi thiếu giá trị",
		`<span class="unit-name">Thành phố Hồ Chí Minh</span>`)
	domHas(t, "VSS", doms[base+"/VSS.html"], "10 ngày", "tối đa 7 ngày", "20.400")
	for _, bad := range []string{"240h", "168h", `"mostly"`} {
		if strings.Contains(doms[base+"/VSS.html"], bad) {
			t.Errorf("VSS shows %q", bad)
		}
	}

	// show_pii: its banner on every page, and nothing called masked.
	for _, u := range []string{piiBase + "/", piiBase + "/MPS.html"} {
		dom := doms[u]
		domHas(t, u, dom, `data-banner="pii"`, "Dữ liệu cá nhân hiển thị không che", "personal data shown unmasked")
		for _, bad := range []string{"đã được che", ", masked", "(masked"} {
			if strings.Contains(dom, bad) {
				t.Errorf("%s: says %q with show_pii", u, bad)
			}
		}
	}

	// The browser asked the servers for pages only: no style sheet, font,
	// image or script.
	mu.Lock()
	defer mu.Unlock()
	for _, p := range requested {
		if p != "/" && !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".json") && p != "/favicon.ico" {
			t.Errorf("the browser requested %s", p)
		}
	}
}

func entryOf(idx *scorecard.Index, id string) scorecard.IndexEntry {
	for _, e := range idx.Ministries {
		if e.ID == id {
			return e
		}
	}
	return scorecard.IndexEntry{}
}

func domHas(t *testing.T, what, dom string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(dom, w) {
			t.Errorf("%s: the DOM lacks %q", what, w)
		}
	}
}

func chromium(t *testing.T, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return out, nil
}

func dumpDOM(t *testing.T, u string) (string, error) {
	out, err := chromium(t, "--dump-dom", u)
	if err != nil {
		return "", err
	}
	dom := string(out)
	if !strings.Contains(dom, "</html>") {
		return "", fmt.Errorf("%s: no DOM dumped: %.300q", u, dom)
	}
	return dom, nil
}

func screenshot(t *testing.T, u, file string, height int) error {
	if _, err := chromium(t, "--screenshot="+file, fmt.Sprintf("--window-size=1280,%d", height), u); err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil || st.Size() == 0 {
		return fmt.Errorf("%s: no screenshot in %s: %v", u, file, err)
	}
	t.Logf("screenshot of %s: %s", u, file)
	return nil
}

// sectionsOf splits a DOM into its <section class="<class> ..."> elements
// (each up to the next such section; they do not nest).
func sectionsOf(dom, class string) []string {
	re := regexp.MustCompile(`<section class="` + class + `[ "]`)
	locs := re.FindAllStringIndex(dom, -1)
	out := make([]string, len(locs))
	for i, l := range locs {
		end := len(dom)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if j := strings.Index(dom[l[0]:end], "</section>"); j >= 0 {
			end = l[0] + j
		}
		out[i] = dom[l[0]:end]
	}
	return out
}

var scoreRe = regexp.MustCompile(`<span class="score band-([a-z]+)"(?: data-score="([^"]*)")?(?: data-low="[^"]*" data-high="[^"]*")? data-band="[a-z]+"><span class="num">([^<]*)</span>`)

// checkScore checks the first score of a section against want.
func checkScore(t *testing.T, what, section string, want *float64) {
	t.Helper()
	m := scoreRe.FindStringSubmatch(section)
	if m == nil {
		t.Errorf("%s: no score", what)
		return
	}
	switch {
	case want == nil && m[2] != "":
		t.Errorf("%s: data-score %q, want none", what, m[2])
	case want == nil && m[3] != "—":
		t.Errorf("%s: score shown as %q, want —", what, m[3])
	case want != nil && m[2] != fmt.Sprint(*want):
		t.Errorf("%s: data-score %q, want %v", what, m[2], *want)
	case want != nil && m[3] != fmtScore(*want):
		t.Errorf("%s: score shown as %q, want %q", what, m[3], fmtScore(*want))
	}
}

var (
	tagRe  = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	attrRe = regexp.MustCompile(`\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"`)
	idRe   = regexp.MustCompile(`\sid="([^"]*)"`)
)

// checkReferences checks that every href and src of a DOM resolves with
// 200 on the test server (fragments: to an element of the page) and that
// no attribute or style points anywhere else.
func checkReferences(t *testing.T, page, dom string) {
	t.Helper()
	base, err := url.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range idRe.FindAllStringSubmatch(dom, -1) {
		ids[m[1]] = true
	}
	seen := map[string]bool{}
	for _, tag := range tagRe.FindAllString(dom, -1) {
		for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
			name, val := strings.ToLower(a[1]), strings.ReplaceAll(a[2], "&amp;", "&")
			lv := strings.ToLower(val)
			if (strings.Contains(lv, "http://") || strings.Contains(lv, "https://") || strings.Contains(lv, "//")) &&
				!strings.Contains(lv, strings.ToLower(base.Host)) {
				t.Errorf("%s: %s=%q points outside the test server", page, name, val)
			}
			if strings.Contains(lv, "url(") || strings.Contains(lv, "javascript:") {
				t.Errorf("%s: %s=%q loads something", page, name, val)
			}
			if name != "href" && name != "src" && name != "srcset" && name != "action" && name != "data" && name != "poster" {
				continue
			}
			if strings.HasPrefix(val, "#") {
				if !ids[strings.TrimPrefix(val, "#")] {
					t.Errorf("%s: %s=%q: no element with that id", page, name, val)
				}
				continue
			}
			ref, err := base.Parse(val)
			if err != nil {
				t.Errorf("%s: %s=%q: %v", page, name, val, err)
				continue
			}
			if ref.Host != base.Host || (ref.Scheme != "http" && ref.Scheme != "https") {
				t.Errorf("%s: %s=%q points outside the test server", page, name, val)
				continue
			}
			if frag := ref.Fragment; frag != "" && ref.Path == base.Path && !ids[frag] {
				t.Errorf("%s: %s=%q: no element with that id", page, name, val)
			}
			ref.Fragment = ""
			if seen[ref.String()] {
				continue
			}
			seen[ref.String()] = true
			resp, err := http.Get(ref.String())
			if err != nil {
				t.Errorf("%s: %s=%q: %v", page, name, val, err)
				continue
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %s=%q: HTTP %d", page, name, val, resp.StatusCode)
			}
		}
	}
	for _, bad := range []string{"@import", "url(", "<script", "<link", "<img", "<iframe"} {
		if strings.Contains(strings.ToLower(dom), bad) {
			t.Errorf("%s: the page has %q", page, bad)
		}
	}
}
