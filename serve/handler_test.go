package serve

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/scorecard"
)

func servePtr[T any](v T) *T { return &v }

// publishServeRun publishes a small run (two ministries) under dir, with
// its HTML pages when html is set.
func publishServeRun(t *testing.T, dir, runID string, html bool) {
	t.Helper()
	run := scorecard.Run{ID: runID, StartedAt: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 3, 1, 1, 1, 0, 0, time.UTC), ToolVersion: "test"}
	idx := &scorecard.Index{SchemaVersion: scorecard.SchemaVersion, Run: run, Status: scorecard.Fail}
	var cards []*scorecard.Card
	for _, m := range []struct {
		id    string
		score float64
	}{{"MPS", 93.4}, {"MOH", 71}} {
		c := &scorecard.Card{
			SchemaVersion: scorecard.SchemaVersion, Run: run,
			Ministry: scorecard.Ref{ID: m.id, Name: "Bộ " + m.id},
			Score:    servePtr(m.score), Band: "green", Status: scorecard.Fail,
			Dimensions: map[string]float64{"correct": m.score},
			Datasets: []*scorecard.Dataset{{
				ID: strings.ToLower(m.id) + ".people", Source: "s", Sample: scorecard.Sample{Method: "full"},
				RowsTotal: servePtr[int64](10), RowsSampled: servePtr[int64](10),
				Score: servePtr(m.score), Status: scorecard.Fail, Weight: 1,
				Dimensions: map[string]float64{"correct": m.score},
				Checks: []*scorecard.Check{{
					ID: "id_format", Kind: "regex", Dimension: "correct", Column: "id", Status: scorecard.Fail,
					Score: servePtr(m.score), Weight: 1, Rows: servePtr[int64](10), Evaluated: servePtr[int64](10),
					Failed: servePtr[int64](1), PassRate: servePtr(0.9),
				}},
			}},
		}
		cards = append(cards, c)
		idx.Ministries = append(idx.Ministries, scorecard.IndexEntry{
			ID: m.id, Name: c.Ministry.Name, Score: c.Score, Band: c.Band, Status: c.Status,
			Dimensions: c.Dimensions, Datasets: 1, Checks: 1, Failed: 1,
		})
	}
	var extra map[string][]byte
	if html {
		var err error
		extra, err = report.Render(idx, cards)
		require.NoError(t, err)
	}
	_, err := scorecard.WriteRun(dir, idx, cards, extra)
	require.NoError(t, err)
}

func newServeTestServer(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	h, err := New(dir, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return srv
}

func serveGet(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestLatestAndOlderRuns(t *testing.T) {
	dir := t.TempDir()
	publishServeRun(t, dir, "run-a", true)
	publishServeRun(t, dir, "run-b", true)
	srv := newServeTestServer(t, dir)

	resp, body := serveGet(t, "GET", srv.URL+"/")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, body, `id="m-MPS"`)
	require.Contains(t, body, "run-b")
	require.NotContains(t, resp.Header.Get("Content-Security-Policy"), "script-src")

	resp, body = serveGet(t, "GET", srv.URL+"/MPS.html")
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, body, `data-dataset="mps.people"`)

	for _, p := range []string{"/index.json", "/MPS.json", "/latest/MOH.json", "/runs/run-a/MOH.json"} {
		resp, body = serveGet(t, "GET", srv.URL+p)
		require.Equal(t, 200, resp.StatusCode, p)
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"), p)
		require.Equal(t, "no-cache", resp.Header.Get("Cache-Control"), p)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), p)
		require.True(t, json.Valid([]byte(body)), p)
	}
	_, body = serveGet(t, "GET", srv.URL+"/index.json")
	require.Contains(t, body, `"id": "run-b"`)
	want, err := os.ReadFile(filepath.Join(dir, "runs", "run-b", "MPS.json"))
	require.NoError(t, err)
	_, body = serveGet(t, "GET", srv.URL+"/MPS.json")
	require.Equal(t, string(want), body)

	// Older runs by id.
	_, body = serveGet(t, "GET", srv.URL+"/runs/run-a/index.json")
	require.Contains(t, body, `"id": "run-a"`)
	resp, body = serveGet(t, "GET", srv.URL+"/runs/run-a/")
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, body, "run-a")
	resp, _ = serveGet(t, "GET", srv.URL+"/runs/run-a")
	require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	require.Equal(t, "/runs/run-a/", resp.Header.Get("Location"))
	resp, _ = serveGet(t, "GET", srv.URL+"/runs/run-a/MPS.html")
	require.Equal(t, 200, resp.StatusCode)

	// latest is resolved per request: a new run is served at once.
	publishServeRun(t, dir, "run-c", true)
	_, body = serveGet(t, "GET", srv.URL+"/index.json")
	require.Contains(t, body, `"id": "run-c"`)
	_, body = serveGet(t, "GET", srv.URL+"/")
	require.Contains(t, body, "run-c")

	resp, _ = serveGet(t, "GET", srv.URL+"/NOPE.json")
	require.Equal(t, 404, resp.StatusCode)
	resp, _ = serveGet(t, "GET", srv.URL+"/runs/run-zzz/index.json")
	require.Equal(t, 404, resp.StatusCode)
}

func TestMethods(t *testing.T) {
	dir := t.TempDir()
	publishServeRun(t, dir, "run-a", true)
	srv := newServeTestServer(t, dir)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		resp, _ := serveGet(t, m, srv.URL+"/index.json")
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, m)
		require.Equal(t, "GET, HEAD", resp.Header.Get("Allow"), m)
	}
	resp, body := serveGet(t, "HEAD", srv.URL+"/index.json")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.Empty(t, body)
	require.NotEqual(t, "", resp.Header.Get("Content-Length"))
}

func TestNoTraversalNoListing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "scorecards")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("SECRET"), 0o644))
	publishServeRun(t, dir, "run-a", true)
	// Files that exist in the folder but are not part of a run.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "history"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "history", "h.json"), []byte("SECRET"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".watermarks.json"), []byte("SECRET"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "runs", ".tmp-run-b-123"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "runs", ".tmp-run-b-123", "index.json"), []byte("SECRET"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "runs", "run-a", "assets"), 0o755))
	// Symbolic links out of the folder, inside a run.
	require.NoError(t, os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(dir, "runs", "run-a", "abs.json")))
	require.NoError(t, os.Symlink("../../../secret.txt", filepath.Join(dir, "runs", "run-a", "rel.json")))

	h, err := New(dir, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer h.Close()
	for _, target := range []string{
		"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/latest/../../secret.txt",
		"/runs/../../secret.txt", "/runs/run-a/../../../secret.txt", "/runs/run-a/..%2f..%2f..%2fsecret.txt",
		"/..\\secret.txt", "/runs/run-a/%00", "/abs.json", "/rel.json", "/runs/run-a/rel.json",
		"/history/h.json", "/.watermarks.json", "/runs/.tmp-run-b-123/index.json",
		"/runs/", "/runs", "/runs/run-a/assets/", "/runs/run-a/assets", "/latest/assets/", "//etc/passwd",
		"/runs/run-a//index.json", "/./index.json",
	} {
		req := httptest.NewRequest("GET", "http://dq.test/", nil)
		req.URL.Path = mustUnescape(t, target)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Contains(t, []int{404, 400}, rec.Code, "%s: %d %s", target, rec.Code, rec.Body.String())
		require.NotContains(t, rec.Body.String(), "SECRET", target)
		require.NotContains(t, rec.Body.String(), "<a href", target, "no directory listing")
	}
	// The same over a real connection, where the client sends the path as
	// it is.
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, target := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/runs/run-a/..%2f..%2f..%2fsecret.txt"} {
		resp, body := serveRaw(t, srv.Listener.Addr().String(), target)
		require.NotContains(t, body, "SECRET", target)
		require.NotEqual(t, 200, resp, target)
	}
}

func mustUnescape(t *testing.T, p string) string {
	t.Helper()
	req := httptest.NewRequest("GET", "http://dq.test"+strings.ReplaceAll(p, "\\", "%5C"), nil)
	return req.URL.Path
}

// serveRaw sends one request line as is and returns the status code and
// the body.
func serveRaw(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: dq.test\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRendersPagesOfRunsWithoutHTML(t *testing.T) {
	dir := t.TempDir()
	publishServeRun(t, dir, "run-a", false)
	srv := newServeTestServer(t, dir)
	resp, body := serveGet(t, "GET", srv.URL+"/")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, body, `<section class="ministry card status-fail" id="m-MOH"`)
	resp, body = serveGet(t, "GET", srv.URL+"/MOH.html")
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, body, `data-dataset="moh.people"`)
	resp, _ = serveGet(t, "GET", srv.URL+"/runs/run-a/MPS.html")
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = serveGet(t, "GET", srv.URL+"/NOPE.html")
	require.Equal(t, 404, resp.StatusCode)
}

// A run published with schema 1, before the pages were rewritten and
// without them, still renders: the old method said, its criteria from its
// dimension scores.
func TestRendersSchema1Runs(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, scorecard.RunsDir, "old-run")
	require.NoError(t, os.MkdirAll(run, 0o755))
	src := filepath.Join("..", "report", "testdata", "schema1")
	for _, f := range []string{"index.json", "MPS.json", "VSS.json", "MAE.json", "MOET.json", "MOH.json", "MOF.json", "MOJ.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(run, f), b, 0o644))
	}
	require.NoError(t, os.Symlink(filepath.Join(scorecard.RunsDir, "old-run"), filepath.Join(dir, scorecard.LatestLink)))
	srv := newServeTestServer(t, dir)
	for _, page := range []string{"/", "/MPS.html", "/runs/old-run/MOJ.html"} {
		resp, body := serveGet(t, "GET", srv.URL+page)
		require.Equal(t, 200, resp.StatusCode, page)
		require.Contains(t, body, `data-banner="old-method"`, page)
	}
	_, body := serveGet(t, "GET", srv.URL+"/MPS.html")
	require.Contains(t, body, `<tr class="criterion not-measured" data-criterion="shared" data-measured="false">`)
}

func TestBeforeAnyRun(t *testing.T) {
	srv := newServeTestServer(t, t.TempDir())
	resp, body := serveGet(t, "GET", srv.URL+"/")
	require.Equal(t, 404, resp.StatusCode)
	require.Contains(t, body, "no scorecards published yet")
}
