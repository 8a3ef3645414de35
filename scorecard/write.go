package scorecard

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vn-registries/dq/atomicfile"
)

// Layout of a published scorecard directory:
//
//	<dir>/runs/<run-id>/index.json
//	<dir>/runs/<run-id>/<MINISTRY_ID>.json
//	<dir>/runs/<run-id>/<extra files>
//	<dir>/latest -> runs/<run-id>   (symlink to the newest complete run)
const (
	RunsDir    = "runs"
	LatestLink = "latest"
	IndexFile  = "index.json"
)

// FileName is the scorecard file of a ministry: its id with every
// character outside [A-Za-z0-9._-] replaced by "_", a leading "." replaced
// too, and ".json" appended.
func FileName(ministryID string) string {
	var b strings.Builder
	for i, c := range ministryID {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' && i > 0 {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		b.WriteByte('_')
	}
	return b.String() + ".json"
}

// WriteRun writes one run and makes it visible: StageRun then CommitRun.
// It returns the run's folder.
func WriteRun(dir string, idx *Index, cards []*Card, extra map[string][]byte) (runDir string, err error) {
	tmp, err := StageRun(dir, idx, cards, extra)
	if err != nil {
		return "", err
	}
	runDir, _, err = CommitRun(dir, tmp, idx.Run)
	if err != nil && runDir == "" {
		os.RemoveAll(tmp)
	}
	return runDir, err
}

// TmpPrefix starts the name of every folder or file dq stages in an
// output folder; readers skip such names, and the next run removes those
// a killed process left behind.
const TmpPrefix = ".tmp-"

// StageRun writes one run's files where no reader looks: one
// <MINISTRY_ID>.json per card, index.json and the extra files (name ->
// content; names are slash-separated paths inside the run folder), all
// fsynced, in <dir>/runs/.tmp-<run-id>-<random>/. It returns that folder;
// CommitRun makes it the run, os.RemoveAll discards it. On error nothing
// is left behind.
//
// StageRun fills the File of each index entry, replaces nil slices and
// maps by empty ones, and validates every document against the schema
// before writing anything. Every card needs exactly one index entry (same
// ministry id) and the other way round.
func StageRun(dir string, idx *Index, cards []*Card, extra map[string][]byte) (tmp string, err error) {
	if idx == nil {
		return "", errors.New("scorecard: publish: no index")
	}
	runID := idx.Run.ID
	if err := CheckRunID(runID); err != nil {
		return "", fmt.Errorf("scorecard: publish: %w", err)
	}
	files, err := render(idx, cards, extra)
	if err != nil {
		return "", fmt.Errorf("scorecard: publish run %s: %w", runID, err)
	}
	runs := filepath.Join(dir, RunsDir)
	if err := os.MkdirAll(runs, 0o755); err != nil {
		return "", fmt.Errorf("scorecard: publish: %w", err)
	}
	if err := absent(filepath.Join(runs, runID)); err != nil {
		return "", err
	}
	tmp, err = os.MkdirTemp(runs, TmpPrefix+runID+"-")
	if err != nil {
		return "", fmt.Errorf("scorecard: publish: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		os.RemoveAll(tmp)
		return "", fmt.Errorf("scorecard: publish: %w", err)
	}
	if err := writeTree(tmp, files); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("scorecard: publish run %s: %w", runID, err)
	}
	return tmp, nil
}

func absent(final string) error {
	if _, err := os.Lstat(final); err == nil {
		return fmt.Errorf("scorecard: publish: run %s already exists in %s", filepath.Base(final), filepath.Dir(final))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("scorecard: publish: %w", err)
	}
	return nil
}

// CommitRun makes a staged run (StageRun's folder) <dir>/runs/<id> and
// points <dir>/latest at it (PointLatest). It renames only, so it cannot
// run out of space half-way; a reader of latest sees the previous complete
// run or this one, never a mix. It returns the run's folder (once renamed)
// and whether latest now shows it. If only the switch of latest fails,
// the run's folder is returned with the error.
func CommitRun(dir, tmp string, run Run) (runDir string, switched bool, err error) {
	runs := filepath.Join(dir, RunsDir)
	final := filepath.Join(runs, run.ID)
	if err := absent(final); err != nil {
		return "", false, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", false, fmt.Errorf("scorecard: publish: %w", err)
	}
	if err := atomicfile.SyncDir(runs); err != nil {
		return final, false, fmt.Errorf("scorecard: publish: %w", err)
	}
	switched, err = PointLatest(dir, run)
	return final, switched, err
}

// PointLatest points <dir>/latest at the published run, unless latest
// already shows a run that started later: latest never moves back (a late
// merge, a retried old run). It reports whether latest shows run.
func PointLatest(dir string, run Run) (bool, error) {
	if LatestRunID(dir) == run.ID {
		return true, nil
	}
	if newer := latestStartedAfter(dir, run.StartedAt); newer != "" {
		return false, nil
	}
	if err := switchLatest(dir, path.Join(RunsDir, run.ID)); err != nil {
		return false, fmt.Errorf("scorecard: publish: run %s written but latest not switched: %w", run.ID, err)
	}
	return true, nil
}

// latestStartedAfter is the id of the run latest shows when that run
// started after t, else "".
func latestStartedAfter(dir string, t time.Time) string {
	idx := &Index{}
	if err := readJSON(filepath.Join(dir, LatestLink, IndexFile), idx); err != nil {
		return "" // no latest, or not one dq can read: this run replaces it
	}
	if idx.Run.StartedAt.After(t) {
		return idx.Run.ID
	}
	return ""
}

// LatestRunID is the id of the run latest points at, or "" when none.
func LatestRunID(dir string) string {
	target, err := os.Readlink(filepath.Join(dir, LatestLink))
	if err != nil {
		return ""
	}
	id, ok := strings.CutPrefix(path.Clean(filepath.ToSlash(target)), RunsDir+"/")
	if !ok || CheckRunID(id) != nil {
		return ""
	}
	return id
}

// render checks and serializes every file of a run, before anything is
// written.
func render(idx *Index, cards []*Card, extra map[string][]byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	taken := map[string]string{} // lower-cased name -> what took it (case-insensitive file systems)
	claim := func(name, what string) error {
		if prev, ok := taken[strings.ToLower(name)]; ok {
			return fmt.Errorf("%s and %s both want the file %s", prev, what, name)
		}
		taken[strings.ToLower(name)] = what
		return nil
	}
	if err := claim(IndexFile, "the index"); err != nil {
		return nil, err
	}

	entries := map[string]int{}
	for i := range idx.Ministries {
		e := &idx.Ministries[i]
		if _, dup := entries[e.ID]; dup {
			return nil, fmt.Errorf("ministry %q listed twice in the index", e.ID)
		}
		entries[e.ID] = i
		e.File = FileName(e.ID)
		if e.Dimensions == nil {
			e.Dimensions = map[string]float64{}
		}
	}
	if idx.Ministries == nil {
		idx.Ministries = []IndexEntry{}
	}
	seen := map[string]bool{}
	for _, c := range cards {
		if c == nil {
			return nil, errors.New("nil card")
		}
		id := c.Ministry.ID
		if _, ok := entries[id]; !ok {
			return nil, fmt.Errorf("ministry %q has a card but no index entry", id)
		}
		if seen[id] {
			return nil, fmt.Errorf("ministry %q has two cards", id)
		}
		seen[id] = true
		if c.Run.ID != idx.Run.ID {
			return nil, fmt.Errorf("card of ministry %q is of run %q, the index of run %q", id, c.Run.ID, idx.Run.ID)
		}
		name := FileName(id)
		if err := claim(name, fmt.Sprintf("ministry %q", id)); err != nil {
			return nil, err
		}
		normalize(c)
		b, err := encode(c)
		if err != nil {
			return nil, fmt.Errorf("ministry %q: %w", id, err)
		}
		files[name] = b
	}
	for id := range entries {
		if !seen[id] {
			return nil, fmt.Errorf("ministry %q is in the index but has no card", id)
		}
	}
	b, err := encode(idx)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	files[IndexFile] = b

	for name, data := range extra {
		if !safeName(name) {
			return nil, fmt.Errorf("extra file name %q: want a relative slash-separated path inside the run, without . or .. elements or hidden names", name)
		}
		if err := claim(name, fmt.Sprintf("extra file %q", name)); err != nil {
			return nil, err
		}
		files[name] = data
	}
	return files, nil
}

// safeName accepts "report.html" or "assets/app.css", not "../x", "/x",
// "a//b", ".hidden" or "a\\b".
func safeName(name string) bool {
	if !fs.ValidPath(name) || name == "." || strings.ContainsAny(name, "\\\x00") {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if strings.HasPrefix(el, ".") {
			return false
		}
	}
	return true
}

func normalize(c *Card) {
	if c.Dimensions == nil {
		c.Dimensions = map[string]float64{}
	}
	if c.Datasets == nil {
		c.Datasets = []*Dataset{}
	}
	for _, d := range c.Datasets {
		if d == nil {
			continue
		}
		if d.Dimensions == nil {
			d.Dimensions = map[string]float64{}
		}
		if d.Checks == nil {
			d.Checks = []*Check{}
		}
	}
}

// encode is the published form: indented JSON with a trailing newline,
// checked against the schema.
func encode(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	if err := Validate(b); err != nil {
		return nil, err
	}
	return b, nil
}

// writeTree writes files (slash-separated names) under root, fsyncing each
// file and every directory it created.
func writeTree(root string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	dirs := map[string]bool{root: true}
	for _, n := range names {
		p := filepath.Join(root, filepath.FromSlash(n))
		d := filepath.Dir(p)
		if !dirs[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			for x := d; x != root && !dirs[x]; x = filepath.Dir(x) {
				dirs[x] = true
			}
		}
		if err := atomicfile.Create(p, files[n]); err != nil {
			return err
		}
	}
	// Children before parents, so that each directory entry is durable
	// before the directory holding it is synced.
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, d := range list {
		if err := atomicfile.SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// switchLatest points <dir>/latest at target (relative to dir) by renaming
// a fresh symlink over it, which is atomic on POSIX.
func switchLatest(dir, target string) error {
	tmp := filepath.Join(dir, TmpPrefix+LatestLink+"-"+randomHex())
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, LatestLink)); err != nil {
		os.Remove(tmp)
		return err
	}
	return atomicfile.SyncDir(dir)
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ReadLatest reads the run <dir>/latest points at: its index and its cards
// by ministry id. When no run has been published it returns an error that
// wraps os.ErrNotExist. The link is resolved once, so the index and the
// cards come from the same run even if a publish switches latest
// meanwhile.
func ReadLatest(dir string) (*Index, map[string]*Card, error) {
	runDir, err := filepath.EvalSymlinks(filepath.Join(dir, LatestLink))
	if err != nil {
		return nil, nil, fmt.Errorf("scorecard: no published run in %s: %w", dir, err)
	}
	return readRunDir(runDir)
}

// ReadRun reads a published run of <dir> by its id. When there is none
// it returns an error that wraps os.ErrNotExist.
func ReadRun(dir, runID string) (*Index, map[string]*Card, error) {
	if err := CheckRunID(runID); err != nil {
		return nil, nil, err
	}
	return readRunDir(filepath.Join(dir, RunsDir, runID))
}

func readRunDir(runDir string) (*Index, map[string]*Card, error) {
	idx := &Index{}
	if err := readJSON(filepath.Join(runDir, IndexFile), idx); err != nil {
		return nil, nil, err
	}
	cards := make(map[string]*Card, len(idx.Ministries))
	for _, e := range idx.Ministries {
		if strings.ContainsAny(e.File, `/\`) || !safeName(e.File) {
			return nil, nil, fmt.Errorf("scorecard: %s: ministry %q: unsafe file name %q", runDir, e.ID, e.File)
		}
		c := &Card{}
		if err := readJSON(filepath.Join(runDir, e.File), c); err != nil {
			return nil, nil, err
		}
		cards[e.ID] = c
	}
	return idx, cards, nil
}

func readJSON(p string, v interface{ version() string }) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("scorecard: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("scorecard: %s: %w", p, err)
	}
	if !Readable(v.version()) {
		return fmt.Errorf("scorecard: %s: schema_version %q, this dq reads %s", p, v.version(), strings.Join(ReadableVersions, ", "))
	}
	return nil
}

// ReadableVersions are the schema versions dq reads: its own, and version
// 1, so that runs published before version 2 still render and count in
// trends (their scores were computed with the method of version 1).
var ReadableVersions = []string{"1", SchemaVersion}

// Readable reports whether dq reads documents of a schema version.
func Readable(version string) bool {
	for _, v := range ReadableVersions {
		if v == version {
			return true
		}
	}
	return false
}

func (i *Index) version() string { return i.SchemaVersion }
func (c *Card) version() string  { return c.SchemaVersion }
