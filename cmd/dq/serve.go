package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/scorecard"
)

type serveOptions struct {
	dir  string
	addr string
}

func newServeCmd(g *globals) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve --dir DIR [--addr HOST:PORT]",
		Short: "Serve published scorecards (HTML and JSON) over HTTP, read-only",
		Long: `Serve a scorecard folder (the output.dir of dq run) read-only over HTTP:

  /                      index.html of the latest run
  /<MINISTRY>.html       a ministry's page in the latest run
  /index.json            the latest run's index
  /<MINISTRY>.json       a ministry's scorecard in the latest run
  /latest/<file>         the same files under their published path
  /runs/<run-id>/<file>  the files of any published run

"latest" is resolved on every request, so a new run is served as soon as
dq run has published it. A run published without its HTML pages gets them
rendered from its JSON on request. Only GET and HEAD are answered; there
are no directory listings. Stop with Ctrl-C (SIGINT) or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", "out/scorecards", "scorecard folder (output.dir of dq run)")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	return cmd
}

func runServe(ctx context.Context, g *globals, o *serveOptions) error {
	st, err := os.Stat(o.dir)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("--dir: %w", err))
	}
	if !st.IsDir() {
		return withCode(exitUsage, fmt.Errorf("--dir: %s is not a folder", o.dir))
	}
	log := g.logger()
	if _, err := os.Stat(path.Join(o.dir, scorecard.LatestLink)); err != nil {
		log.Warn("no run published yet; serving it once dq run publishes one", "dir", o.dir)
	}
	h, err := newScorecardHandler(o.dir, log)
	if err != nil {
		return withCode(exitUsage, err)
	}
	defer h.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("--addr: %w", err))
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(g.stdout, "Serving %s on http://%s/\n", o.dir, ln.Addr())
	log.Info("serving scorecards", "dir", o.dir, "addr", ln.Addr().String())

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return withCode(exitUnevaluated, err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return withCode(exitUnevaluated, fmt.Errorf("shutdown: %w", err))
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return withCode(exitUnevaluated, err)
	}
	return nil
}

// scorecardHandler serves a published scorecard folder read-only. Every
// file is opened through an os.Root, so neither a ".." nor a symbolic
// link can lead outside the folder.
type scorecardHandler struct {
	root *os.Root
	log  *slog.Logger
}

var serveRunID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func newScorecardHandler(dir string, log *slog.Logger) (*scorecardHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("--dir: %w", err)
	}
	return &scorecardHandler{root: root, log: log}, nil
}

// Close releases the served folder.
func (h *scorecardHandler) Close() error { return h.root.Close() }

func (h *scorecardHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	// The pages are self-contained: inline CSS and SVG, no script.
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: this server is read-only", http.StatusMethodNotAllowed)
		return
	}
	run, name, redirect, ok := resolveServePath(r.URL.Path)
	switch {
	case !ok:
		http.NotFound(w, r)
		return
	case redirect != "":
		http.Redirect(w, r, redirect, http.StatusMovedPermanently)
		return
	}
	h.serveFile(w, r, run, name)
}

// resolveServePath maps a URL path to a run directory (relative to the
// served folder: "latest" or "runs/<id>") and a file inside it. It
// rejects empty, ".", ".." and hidden elements, backslashes and NULs, so
// temporary directories of a publish in progress are never served.
func resolveServePath(p string) (run, name, redirect string, ok bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", "", "", false
	}
	rest := strings.TrimPrefix(p, "/")
	if rest == "" {
		return scorecard.LatestLink, report.IndexPage, "", true
	}
	els := strings.Split(rest, "/")
	dirOnly := els[len(els)-1] == ""
	if dirOnly {
		els = els[:len(els)-1]
	}
	for _, el := range els {
		if el == "" || strings.HasPrefix(el, ".") {
			return "", "", "", false
		}
	}
	switch {
	case els[0] == scorecard.RunsDir:
		if len(els) < 2 || !serveRunID.MatchString(els[1]) {
			return "", "", "", false
		}
		run, els = scorecard.RunsDir+"/"+els[1], els[2:]
		if len(els) == 0 && !dirOnly {
			return "", "", p + "/", true
		}
	case els[0] == scorecard.LatestLink:
		run, els = scorecard.LatestLink, els[1:]
		if len(els) == 0 && !dirOnly {
			return "", "", p + "/", true
		}
	default:
		run = scorecard.LatestLink
	}
	if len(els) == 0 {
		return run, report.IndexPage, "", true
	}
	if dirOnly {
		return "", "", "", false // no directory listings
	}
	return run, strings.Join(els, "/"), "", true
}

func (h *scorecardHandler) serveFile(w http.ResponseWriter, r *http.Request, run, name string) {
	setType(w, name)
	f, err := h.root.Open(run + "/" + name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(name, ".html") && !strings.Contains(name, "/") {
			// A run published without its pages: render them from its JSON.
			if h.serveRendered(w, r, run, name) {
				return
			}
		}
		h.notFound(w, r, run, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		h.notFound(w, r, run, err) // directories are not listed
		return
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// serveRendered renders the HTML pages of a run from its index.json and
// scorecards and serves the one asked for; false when it cannot.
func (h *scorecardHandler) serveRendered(w http.ResponseWriter, r *http.Request, run, name string) bool {
	if run == scorecard.LatestLink {
		// Resolve latest once, so that the index and the cards come from
		// the same run even if a publish switches it meanwhile.
		target, err := h.root.Readlink(scorecard.LatestLink)
		id, found := strings.CutPrefix(path.Clean(target), scorecard.RunsDir+"/")
		if err != nil || !found || !serveRunID.MatchString(id) {
			return false
		}
		run = scorecard.RunsDir + "/" + id
	}
	var idx scorecard.Index
	if err := h.readJSON(run+"/"+scorecard.IndexFile, &idx); err != nil {
		return false
	}
	var cards []*scorecard.Card
	for _, e := range idx.Ministries {
		file := e.File
		if file == "" {
			file = scorecard.FileName(e.ID)
		}
		if strings.ContainsAny(file, "/\\") || strings.HasPrefix(file, ".") {
			return false
		}
		c := &scorecard.Card{}
		if err := h.readJSON(run+"/"+file, c); err != nil {
			h.log.Warn("cannot render the pages of a run", "run", run, "err", err)
			return false
		}
		cards = append(cards, c)
	}
	pages, err := report.Render(&idx, cards)
	if err != nil {
		h.log.Warn("cannot render the pages of a run", "run", run, "err", err)
		return false
	}
	b, ok := pages[name]
	if !ok {
		return false
	}
	var mod time.Time
	if st, err := h.root.Stat(run + "/" + scorecard.IndexFile); err == nil {
		mod = st.ModTime()
	}
	http.ServeContent(w, r, "", mod, bytes.NewReader(b))
	return true
}

func (h *scorecardHandler) readJSON(name string, v any) error {
	f, err := h.root.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 256<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (h *scorecardHandler) notFound(w http.ResponseWriter, r *http.Request, run string, err error) {
	w.Header().Del("Content-Type")
	w.Header().Del("Cache-Control")
	if run == scorecard.LatestLink {
		if _, lerr := h.root.Lstat(scorecard.LatestLink); lerr != nil {
			http.Error(w, "no scorecards published yet: run dq run first", http.StatusNotFound)
			return
		}
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		h.log.Debug("not served", "path", r.URL.Path, "err", err)
	}
	http.NotFound(w, r)
}

// setType sets Content-Type and Cache-Control by file name. Everything is
// revalidated (no-cache): latest changes under the same names.
func setType(w http.ResponseWriter, name string) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-cache")
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".json":
		hdr.Set("Content-Type", "application/json")
	case ".html":
		hdr.Set("Content-Type", "text/html; charset=utf-8")
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			hdr.Set("Content-Type", t)
		} else {
			hdr.Set("Content-Type", "application/octet-stream")
		}
	}
}
