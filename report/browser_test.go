package report

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vn-registries/dq/scorecard"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// TestBrowser renders the fixture, publishes it like dq run does, serves
// it over HTTP and loads the pages in headless Chromium: the DOM after
// rendering must hold every ministry and dataset with the fixture's
// scores, and every reference in it must resolve on the test server.
// It saves screenshots into $DQ_ARTIFACTS (else a temporary folder).
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
	pages, err := Render(idx, cards)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := scorecard.WriteRun(dir, idx, cards, pages); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var requested []string
	files := http.FileServer(http.Dir(filepath.Join(dir, scorecard.LatestLink)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.URL.Path)
		mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()

	artifacts := os.Getenv("DQ_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	// Chromium starts in seconds: run every page at once.
	index := srv.URL + "/"
	urls := []string{index}
	for _, c := range cards {
		urls = append(urls, srv.URL+"/"+PageName(c.Ministry.ID))
	}
	shots := map[string]string{
		index:                 filepath.Join(artifacts, "report-index.png"),
		srv.URL + "/MPS.html": filepath.Join(artifacts, "report-MPS.png"),
		srv.URL + "/MOH.html": filepath.Join(artifacts, "report-MOH.png"),
	}
	doms := make([]string, len(urls))
	errs := make([]error, len(urls)+len(shots))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	run := func(i int, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = f()
		}()
	}
	for i, u := range urls {
		run(i, func() (err error) { doms[i], err = dumpDOM(t, u); return err })
	}
	i := len(urls)
	for u, file := range shots {
		run(i, func() error { return screenshot(t, u, file) })
		i++
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// The index: one section per ministry, with the fixture's score.
	dom := doms[0]
	sections := sectionsOf(dom, "ministry")
	if len(sections) != len(idx.Ministries) {
		t.Fatalf("index: %d ministry sections, want %d", len(sections), len(idx.Ministries))
	}
	for i, e := range idx.Ministries {
		s := sections[i]
		if want := `id="m-` + e.ID + `"`; !strings.Contains(s, want) {
			t.Errorf("index: section %d is not %s", i, want)
		}
		checkChip(t, "index "+e.ID, s, e.Score)
		if !strings.Contains(s, `href="`+PageName(e.ID)+`"`) {
			t.Errorf("index %s: no link to %s", e.ID, PageName(e.ID))
		}
	}
	checkReferences(t, index, dom)

	// Every ministry page: one section per dataset, scores as in the cards.
	for i, c := range cards {
		u, dom := urls[i+1], doms[i+1]
		overview := sectionsOf(dom, "ministry")
		if len(overview) != 1 {
			t.Fatalf("%s: %d ministry sections, want 1", u, len(overview))
		}
		checkChip(t, c.Ministry.ID, overview[0], c.Score)
		ds := sectionsOf(dom, "dataset")
		if len(ds) != len(c.Datasets) {
			t.Fatalf("%s: %d dataset sections, want %d", u, len(ds), len(c.Datasets))
		}
		for i, d := range c.Datasets {
			if !strings.Contains(ds[i], `data-dataset="`+d.ID+`"`) {
				t.Errorf("%s: dataset section %d is not %s", u, i, d.ID)
			}
			checkChip(t, c.Ministry.ID+"/"+d.ID, ds[i], d.Score)
			if got := strings.Count(ds[i], `<tr class="check status-`); got != len(d.Checks) {
				t.Errorf("%s: dataset %s: %d check rows, want %d", u, d.ID, got, len(d.Checks))
			}
			if d.Error != "" && !strings.Contains(ds[i], `class="error"`) {
				t.Errorf("%s: dataset %s: its error is not shown", u, d.ID)
			}
		}
		checkReferences(t, u, dom)
	}

	// The browser asked the server for pages only: no style sheet, font,
	// image or script.
	mu.Lock()
	defer mu.Unlock()
	for _, p := range requested {
		if p != "/" && !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".json") && p != "/favicon.ico" {
			t.Errorf("the browser requested %s", p)
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

func screenshot(t *testing.T, u, file string) error {
	if _, err := chromium(t, "--screenshot="+file, "--window-size=1280,2000", u); err != nil {
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

var chipRe = regexp.MustCompile(`<span class="chip band-([a-z]+)"(?: data-score="([^"]*)")? data-band="[a-z]+"><span class="value">([^<]*)</span>`)

// checkChip checks the first score chip of a section against want.
func checkChip(t *testing.T, what, section string, want *float64) {
	t.Helper()
	m := chipRe.FindStringSubmatch(section)
	if m == nil {
		t.Errorf("%s: no score chip", what)
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
