package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/scorecard"
)

// Handler serves a published scorecard folder read-only. Every
// file is opened through an os.Root, so neither a ".." nor a symbolic
// link can lead outside the folder.
type Handler struct {
	root *os.Root
	log  *slog.Logger
}

// New serves dir, a scorecard folder (the output.dir of dq run).
func New(dir string, log *slog.Logger) (*Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDir, err)
	}
	return &Handler{root: root, log: log}, nil
}

// Close releases the served folder.
func (h *Handler) Close() error { return h.root.Close() }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
		if len(els) < 2 || scorecard.CheckRunID(els[1]) != nil {
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

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, run, name string) {
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
func (h *Handler) serveRendered(w http.ResponseWriter, r *http.Request, run, name string) bool {
	if run == scorecard.LatestLink {
		// Resolve latest once, so that the index and the cards come from
		// the same run even if a publish switches it meanwhile.
		target, err := h.root.Readlink(scorecard.LatestLink)
		id, found := strings.CutPrefix(path.Clean(target), scorecard.RunsDir+"/")
		if err != nil || !found || scorecard.CheckRunID(id) != nil {
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

func (h *Handler) readJSON(name string, v any) error {
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

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, run string, err error) {
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
