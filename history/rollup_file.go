package history

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// RollupFile is the rollup's file in the store, beside the run folders.
// It is two lines of JSON: a header with the format number and the sha256
// of the second line (a file damaged in place reads as damaged, not as
// other numbers), then the rollup: per run folder the size and
// modification time of its two files, whether they read and the run's
// summary (dq history's list); per check and per score series its newest
// records, as columns of numbers whose times are indexes into one list
// of (run_id, started_at).
const RollupFile = "rollup.json"

// rollupFormat changes when the file's layout or what it keeps does; a
// rollup of another format is rebuilt.
const rollupFormat = 1

// stagedRollup is the rollup's name inside a staged run folder.
const stagedRollup = RollupFile

type header struct {
	Format int    `json:"format"`
	SHA256 string `json:"sha256"`
}

type rollupJSON struct {
	Keep        int                  `json:"keep"`
	KeepDetails int                  `json:"keep_details"`
	Stamps      []stampJSON          `json:"stamps"`
	Runs        map[string]*runEntry `json:"runs"`
	Checks      []seriesJSON         `json:"checks"`
	Scores      []seriesJSON         `json:"scores"`
}

type stampJSON struct {
	RunID string `json:"run"`
	At    *int64 `json:"at_us"` // null: no started_at
}

type seriesJSON struct {
	Ministry   string    `json:"ministry,omitempty"`
	Dataset    string    `json:"dataset"`
	Check      string    `json:"check,omitempty"`
	Cut        bool      `json:"cut,omitempty"`
	At         []int     `json:"at"`
	Fields     []numbers `json:"fields"` // fieldNames' for a check, the score for a score
	DetailsCut bool      `json:"details_cut,omitempty"`
	DetailsAt  []int     `json:"details_at,omitempty"`
	Details    []string  `json:"details,omitempty"`
}

func (r *Rollup) encode() ([]byte, error) {
	out := rollupJSON{Keep: keep, KeepDetails: keepDetails, Runs: r.runs}
	index := map[stamp]int{}
	at := func(s stamp) int {
		i, ok := index[s]
		if !ok {
			i = len(out.Stamps)
			index[s] = i
			js := stampJSON{RunID: s.runID}
			if s.atOK {
				v := s.at
				js.At = &v
			}
			out.Stamps = append(out.Stamps, js)
		}
		return i
	}
	refs := slices.SortedFunc(maps.Keys(r.checks), func(a, b CheckRef) int {
		return cmp.Or(strings.Compare(a.Dataset, b.Dataset), strings.Compare(a.Check, b.Check))
	})
	for _, ref := range refs {
		s := r.checks[ref]
		js := seriesJSON{Dataset: ref.Dataset, Check: ref.Check, Cut: s.cut, DetailsCut: s.dcut,
			At: make([]int, len(s.rows)), Fields: make([]numbers, len(fieldNames))}
		for f := range fieldNames {
			js.Fields[f] = make(numbers, len(s.rows))
		}
		for i, c := range s.rows {
			js.At[i] = at(c.stamp)
			for f := range fieldNames {
				js.Fields[f][i] = c.vals[f]
			}
		}
		for _, d := range s.details {
			js.DetailsAt = append(js.DetailsAt, at(d.stamp))
			js.Details = append(js.Details, d.text)
		}
		out.Checks = append(out.Checks, js)
	}
	srefs := slices.SortedFunc(maps.Keys(r.scores), func(a, b scoreRef) int {
		return cmp.Or(strings.Compare(a.Ministry, b.Ministry), strings.Compare(a.Dataset, b.Dataset))
	})
	for _, ref := range srefs {
		s := r.scores[ref]
		js := seriesJSON{Ministry: ref.Ministry, Dataset: ref.Dataset, Cut: s.cut,
			At: make([]int, len(s.rows)), Fields: []numbers{make(numbers, len(s.rows))}}
		for i, p := range s.rows {
			js.At[i] = at(p.stamp)
			js.Fields[0][i] = p.score
		}
		out.Scores = append(out.Scores, js)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	head, err := json.Marshal(header{Format: rollupFormat, SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return nil, err
	}
	out2 := make([]byte, 0, len(head)+len(body)+2)
	out2 = append(append(out2, head...), '\n')
	return append(append(out2, body...), '\n'), nil
}

// errDamaged is a rollup file that does not read back as one.
var errDamaged = errors.New("damaged")

func decode(raw []byte) (*Rollup, error) {
	first, body, _ := bytes.Cut(raw, []byte{'\n'})
	var head header
	if err := json.Unmarshal(first, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", errDamaged, err)
	}
	if head.Format != rollupFormat {
		return nil, fmt.Errorf("of format %d, not %d", head.Format, rollupFormat)
	}
	body = bytes.TrimSuffix(body, []byte{'\n'})
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != head.SHA256 {
		return nil, fmt.Errorf("%w: its checksum does not match", errDamaged)
	}
	var in rollupJSON
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("%w: %v", errDamaged, err)
	}
	if in.Keep != keep || in.KeepDetails != keepDetails {
		return nil, fmt.Errorf("kept %d records per series, not %d", in.Keep, keep)
	}
	r := newRollup()
	for name, e := range in.Runs {
		if e == nil {
			return nil, fmt.Errorf("%w: run %s", errDamaged, name)
		}
		r.runs[name] = e
	}
	stamps := make([]stamp, len(in.Stamps))
	for i, s := range in.Stamps {
		stamps[i] = stamp{runID: s.RunID}
		if s.At != nil {
			stamps[i].at, stamps[i].atOK = *s.At, true
		}
	}
	st := func(i int) (stamp, error) {
		if i < 0 || i >= len(stamps) {
			return stamp{}, fmt.Errorf("%w: a time out of range", errDamaged)
		}
		return stamps[i], nil
	}
	for _, js := range in.Checks {
		if len(js.Fields) != len(fieldNames) || len(js.DetailsAt) != len(js.Details) {
			return nil, fmt.Errorf("%w: series %s/%s", errDamaged, js.Dataset, js.Check)
		}
		s := &checkSeries{cut: js.Cut, dcut: js.DetailsCut, rows: make([]checkRow, len(js.At))}
		ref := CheckRef{Dataset: js.Dataset, Check: js.Check}
		for i, a := range js.At {
			t, err := st(a)
			if err != nil {
				return nil, err
			}
			s.rows[i] = checkRow{stamp: t, ref: ref}
		}
		for f, col := range js.Fields {
			if len(col) != len(js.At) {
				return nil, fmt.Errorf("%w: series %s/%s", errDamaged, js.Dataset, js.Check)
			}
			for i, v := range col {
				s.rows[i].vals[f] = v
			}
		}
		for i, a := range js.DetailsAt {
			t, err := st(a)
			if err != nil {
				return nil, err
			}
			s.details = append(s.details, detailRow{stamp: t, text: js.Details[i]})
		}
		r.checks[ref] = s
	}
	for _, js := range in.Scores {
		if len(js.Fields) != 1 || len(js.Fields[0]) != len(js.At) {
			return nil, fmt.Errorf("%w: series %s/%s", errDamaged, js.Ministry, js.Dataset)
		}
		ref := scoreRef{Ministry: js.Ministry, Dataset: js.Dataset}
		s := &scoreSeries{cut: js.Cut, rows: make([]scoreRow, len(js.At))}
		for i, a := range js.At {
			t, err := st(a)
			if err != nil {
				return nil, err
			}
			s.rows[i] = scoreRow{stamp: t, ref: ref, score: js.Fields[0][i]}
		}
		r.scores[ref] = s
	}
	return r, nil
}

// diskRun is a run folder as found on disk.
type diskRun struct{ checks, scores fileStamp }

// scan lists the store's run folders (run=<id>; a staged .tmp- folder is
// not a run) with the stamps of their files: one directory read and two
// stats per run, the only cost of the history that grows with it.
func scan(dir string) (map[string]diskRun, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := map[string]diskRun{}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "run=") {
			continue
		}
		d := diskRun{checks: statFile(runFile(dir, e.Name(), ChecksFile)), scores: statFile(runFile(dir, e.Name(), ScoresFile))}
		if d.checks.Size < 0 && d.scores.Size < 0 {
			continue // not a run folder, or an empty one: no reader sees it
		}
		out[e.Name()] = d
	}
	return out, nil
}

func runFile(dir, folder, name string) string { return filepath.Join(dir, folder, name) }

// Load reads the store's history into memory, once per run: the rollup
// when it matches the run folders on disk, else what it can keep of it
// and the runs' files. A rollup that is missing, damaged or of another
// format is rebuilt from every run's files; one that names a run no
// longer there, or a file changed since it was read (damaged in place,
// replaced), is rebuilt too; runs recorded after it (by a dq without the
// rollup, or by a publish cut between the run's folder and the rollup)
// are read and added. A file that cannot be read is recorded as such and
// skipped, as by every reader. Load never writes: the rollup a run
// repaired is written with the run's own record (Stage).
func Load(ctx context.Context, dir string) (*Rollup, error) {
	r, why := readRollup(dir)
	return loadOnto(ctx, dir, r, why)
}

// loadOnto is Load from a rollup already read (nil: none, for reason why).
func loadOnto(ctx context.Context, dir string, r *Rollup, why string) (*Rollup, error) {
	disk, err := scan(dir)
	if err != nil {
		return nil, err
	}
	if r != nil {
		for name, e := range r.runs {
			d, ok := disk[name]
			if !ok {
				r, why = nil, "it names run folder "+name+", which is not in the store"
				break
			}
			if d.checks != e.Checks || d.scores != e.Scores {
				r, why = nil, "a file of "+name+" changed since it was read"
				break
			}
		}
	}
	if r == nil {
		r = newRollup()
		if len(disk) > 0 || why != "is missing" { // a new store has nothing to repair
			r.repair = "rebuilt from the runs' files: the rollup " + why
		}
	}
	var added []string
	for name := range disk {
		if _, ok := r.runs[name]; !ok {
			added = append(added, name)
		}
	}
	sort.Strings(added)
	entries := map[string]*runEntry{}
	var rows runRows
	for _, name := range added {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		entries[name] = readRun(ctx, dir, name, disk[name], &rows)
	}
	r.add(entries, rows)
	if r.repair == "" && len(added) > 0 {
		r.repair = fmt.Sprintf("added %d run(s) recorded after the rollup was written", len(added))
	}
	return r, nil
}

// Repair says what Load had to do because the rollup did not match the
// store ("" when it did), for the run's log.
func (r *Rollup) Repair() string { return r.repair }

// readRollup reads the rollup file, or says why there is none to use.
func readRollup(dir string) (*Rollup, string) {
	raw, err := os.ReadFile(filepath.Join(dir, RollupFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, "is missing"
	}
	if err != nil {
		return nil, "cannot be read: " + shortReason(err)
	}
	r, err := decode(raw)
	if err != nil {
		return nil, "is " + shortReason(err)
	}
	return r, ""
}

// readRun reads one run folder's files into rows and says what it read.
func readRun(ctx context.Context, dir, name string, d diskRun, rows *runRows) *runEntry {
	e := &runEntry{Checks: d.checks, Scores: d.scores}
	var own runRows
	if d.checks.Size >= 0 {
		if err := readRunFile(ctx, runFile(dir, name, ChecksFile), &own, true); err != nil {
			e.ChecksBad = shortReason(err)
		}
	}
	if d.scores.Size >= 0 {
		if err := readRunFile(ctx, runFile(dir, name, ScoresFile), &own, false); err != nil {
			e.ScoresBad = shortReason(err)
		}
	}
	e.Summary = own.summary
	rows.checks = append(rows.checks, own.checks...)
	rows.scores = append(rows.scores, own.scores...)
	return e
}

// numbers is a column of nullable numbers, a JSON array of numbers and
// nulls. Most of the rollup is such columns, so they are written and read
// without reflection, which made reading the rollup several times slower.
type numbers []opt

func (n numbers) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(n)*8)
	b = append(b, '[')
	for i, v := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if !v.OK {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v.V, 'g', -1, 64) // finite: numAt reads no other
	}
	return append(b, ']'), nil
}

func (n *numbers) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return fmt.Errorf("not an array of numbers")
	}
	b = bytes.TrimSpace(b[1 : len(b)-1])
	out := (*n)[:0]
	for len(b) > 0 {
		tok, rest, _ := bytes.Cut(b, []byte{','})
		tok = bytes.TrimSpace(tok)
		if string(tok) == "null" {
			out = append(out, opt{})
		} else {
			v, err := strconv.ParseFloat(string(tok), 64)
			if err != nil {
				return err
			}
			out = append(out, opt{V: v, OK: true})
		}
		b = rest
	}
	*n = out
	return nil
}
