package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// The rollup is the store's series in one file (RollupFile), read once by
// a run and served from memory to every reader of the run: trends,
// anomaly checks, schema_stable, dq history. It keeps, per series, the
// newest records its readers ask for, and per run folder the stamps of
// its files, so that a run's cost no longer grows with the number of runs
// recorded: reading it is one file and a stat of each run's two files.
// The per-run Parquet files stay the store's truth; the rollup is
// rebuilt from them whenever it does not match them (Load).

// Keep is how many of its newest records the rollup keeps of each series
// (a check's fields, a ministry's or dataset's score): anomaly checks read
// a check's last 100 values, trends the last history.series - 1 scores
// (default 9), dq history 20 by default. Asking a series cut at Keep for
// more is ErrBeyondRollup: the caller reads the runs' files instead.
const Keep = 100

// KeepDetails is how many details the rollup keeps of each check:
// schema_stable compares with the last run's, and reads 10.
const KeepDetails = 10

// keep and keepDetails are Keep and KeepDetails, which tests lower to
// cut series in a short history.
var keep, keepDetails = Keep, KeepDetails

// ErrBeyondRollup is a read of more records of a series than the rollup
// keeps; the per-run files answer it (CheckSeries and the others of
// read.go).
var ErrBeyondRollup = errors.New("history: more runs than the rollup keeps")

// Rollup is the run history held in memory.
type Rollup struct {
	runs   map[string]*runEntry // by folder name, run=<id>
	checks map[CheckRef]*checkSeries
	scores map[scoreRef]*scoreSeries
	repair string // what Load did to match the store
}

// runEntry is one run folder as the rollup read it.
type runEntry struct {
	Checks    fileStamp    `json:"checks"`
	Scores    fileStamp    `json:"scores"`
	ChecksBad string       `json:"checks_unreadable,omitempty"`
	ScoresBad string       `json:"scores_unreadable,omitempty"`
	Summary   []runSummary `json:"summary,omitempty"`
}

type checkSeries struct {
	rows    []checkRow // oldest first
	cut     bool       // older rows were left out
	details []detailRow
	dcut    bool
}

type detailRow struct {
	stamp
	text string
}

type scoreSeries struct {
	rows []scoreRow
	cut  bool
}

// clone is a copy that add can change without changing r, which a run's
// readers may still hold: each series' rows are clipped, so that adding
// to one copies it.
func (r *Rollup) clone() *Rollup {
	c := newRollup()
	for k, e := range r.runs {
		c.runs[k] = e
	}
	for k, s := range r.checks {
		c.checks[k] = &checkSeries{rows: slices.Clip(s.rows), cut: s.cut, details: slices.Clip(s.details), dcut: s.dcut}
	}
	for k, s := range r.scores {
		c.scores[k] = &scoreSeries{rows: slices.Clip(s.rows), cut: s.cut}
	}
	return c
}

func newRollup() *Rollup {
	return &Rollup{runs: map[string]*runEntry{}, checks: map[CheckRef]*checkSeries{}, scores: map[scoreRef]*scoreSeries{}}
}

// add merges run folders into the rollup. Keeping the newest Keep
// records of (kept ∪ new) is keeping the newest Keep of everything, so a
// run added to a rollup equals a rollup rebuilt with it; each series is
// ordered and cut once, however many runs are added.
func (r *Rollup) add(runs map[string]*runEntry, rows runRows) {
	for name, e := range runs {
		r.runs[name] = e
	}
	// Only series that got rows are ordered again: the others may be
	// shared with a rollup readers still hold (clone).
	touched, detailed := map[CheckRef]bool{}, map[CheckRef]bool{}
	for _, c := range rows.checks {
		s := r.checks[c.ref]
		if s == nil {
			s = &checkSeries{}
			r.checks[c.ref] = s
		}
		s.rows = append(s.rows, c)
		if c.details != nil {
			s.details = append(s.details, detailRow{stamp: c.stamp, text: *c.details})
			detailed[c.ref] = true
		}
		touched[c.ref] = true
	}
	for ref := range touched {
		s := r.checks[ref]
		s.rows, s.cut = newest(s.rows, keep, s.cut, func(c checkRow) stamp { return c.stamp })
		if detailed[ref] {
			s.details, s.dcut = newest(s.details, keepDetails, s.dcut, func(d detailRow) stamp { return d.stamp })
		}
	}
	stouched := map[scoreRef]bool{}
	for _, sc := range rows.scores {
		s := r.scores[sc.ref]
		if s == nil {
			s = &scoreSeries{}
			r.scores[sc.ref] = s
		}
		s.rows = append(s.rows, sc)
		stouched[sc.ref] = true
	}
	for ref := range stouched {
		s := r.scores[ref]
		s.rows, s.cut = newest(s.rows, keep, s.cut, func(c scoreRow) stamp { return c.stamp })
	}
}

// newest orders rows oldest first and keeps the last n.
func newest[T any](rows []T, n int, cut bool, at func(T) stamp) ([]T, bool) {
	sort.SliceStable(rows, func(i, j int) bool { return at(rows[i]).before(at(rows[j])) })
	if len(rows) > n {
		return slices.Clone(rows[len(rows)-n:]), true
	}
	return rows, cut
}

// last is the last limit of n kept records, or ErrBeyondRollup when older
// ones were left out and are asked for.
func last(n, limit int, cut bool) (int, error) {
	if limit <= 0 {
		return n, nil
	}
	if limit > n {
		if cut {
			return 0, ErrBeyondRollup
		}
		return 0, nil
	}
	return n - limit, nil
}

// CheckSeries is one field of a check of a dataset in the last limit runs
// that recorded it, oldest first, as the function of the same name reads
// it from the runs' files.
func (r *Rollup) CheckSeries(dataset, checkID, field string, limit int) ([]Point, error) {
	f := slices.Index(fieldNames[:], field)
	if f < 0 {
		return nil, fmt.Errorf("%w %q (value, pass_rate, score, failed, rows, rows_total)", ErrUnknownField, field)
	}
	s := r.checks[CheckRef{Dataset: dataset, Check: checkID}]
	if s == nil || limit <= 0 {
		return nil, nil
	}
	from, err := last(len(s.rows), limit, s.cut)
	if err != nil {
		return nil, err
	}
	return points(s.rows[from:], f), nil
}

func points(rows []checkRow, f int) []Point {
	out := make([]Point, len(rows))
	for i, c := range rows {
		out[i] = Point{RunID: c.runID, At: c.time(), Value: c.vals[f].ptr()}
	}
	return out
}

func (o opt) ptr() *float64 {
	if !o.OK {
		return nil
	}
	v := o.V
	return &v
}

// CheckDetails are a check's details in the last limit runs that recorded
// them, oldest first.
func (r *Rollup) CheckDetails(dataset, checkID string, limit int) ([]map[string]any, error) {
	s := r.checks[CheckRef{Dataset: dataset, Check: checkID}]
	if s == nil || limit <= 0 {
		return nil, nil
	}
	from, err := last(len(s.details), limit, s.dcut)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(s.details)-from)
	for _, d := range s.details[from:] {
		var m map[string]any
		if err := json.Unmarshal([]byte(d.text), &m); err != nil {
			return nil, fmt.Errorf("history: details of %s/%s: %w", dataset, checkID, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// CheckScores is the score of every recorded check in the last limit runs
// that recorded it, oldest first.
func (r *Rollup) CheckScores(limit int) (map[CheckRef][]Point, error) {
	if len(r.checks) == 0 || limit <= 0 {
		return nil, nil
	}
	out := make(map[CheckRef][]Point, len(r.checks))
	for ref, s := range r.checks {
		from, err := last(len(s.rows), limit, s.cut)
		if err != nil {
			return nil, err
		}
		out[ref] = points(s.rows[from:], scoreField)
	}
	return out, nil
}

// ScoreSeries is the overall score of a ministry (dataset "") or of one of
// its datasets in the last limit runs, oldest first.
func (r *Rollup) ScoreSeries(ministry, dataset string, limit int) ([]Point, error) {
	s := r.scores[scoreRef{Ministry: ministry, Dataset: dataset}]
	if s == nil || limit <= 0 {
		return nil, nil
	}
	from, err := last(len(s.rows), limit, s.cut)
	if err != nil {
		return nil, err
	}
	out := make([]Point, 0, len(s.rows)-from)
	for _, p := range s.rows[from:] {
		out = append(out, Point{RunID: p.runID, At: p.time(), Value: p.score.ptr()})
	}
	return out, nil
}

// Runs lists the last limit runs, newest first. The rollup keeps every
// run's summary, so it answers any limit.
func (r *Rollup) Runs(limit int) []RunSummary {
	byID := map[string]*runSummary{}
	var ids []string
	for _, e := range r.runs {
		for _, s := range e.Summary {
			m := byID[s.RunID]
			if m == nil {
				c := s
				c.Ministries = slices.Clone(s.Ministries)
				byID[s.RunID] = &c
				ids = append(ids, s.RunID)
				continue
			}
			// One run id in two folders (copied by hand): one run, as
			// the readers' GROUP BY run_id counts it.
			if s.AtOK && (!m.AtOK || s.At < m.At) {
				m.At, m.AtOK = s.At, true
			}
			for _, x := range s.Ministries {
				if !contains(m.Ministries, x) {
					m.Ministries = append(m.Ministries, x)
				}
			}
			m.Checks += s.Checks
			m.Failed += s.Failed
		}
	}
	sums := make([]stamp, len(ids))
	for i, id := range ids {
		sums[i] = stamp{runID: id, at: byID[id].At, atOK: byID[id].AtOK}
	}
	sort.Slice(sums, func(i, j int) bool { return sums[j].before(sums[i]) })
	if limit >= 0 && len(sums) > limit {
		sums = sums[:limit]
	}
	out := make([]RunSummary, len(sums))
	for i, st := range sums {
		s := byID[st.runID]
		out[i] = RunSummary{RunID: s.RunID, StartedAt: st.time(), Ministries: len(s.Ministries), Checks: s.Checks, Failed: s.Failed}
	}
	return out
}

// Unreadable lists the store's files that readers skip, as Check does:
// the checks files, then the scores files, each by path.
func (r *Rollup) Unreadable(dir string) []Unreadable {
	var checks, scores []Unreadable
	for name, e := range r.runs {
		if e.ChecksBad != "" {
			checks = append(checks, Unreadable{Path: runFile(dir, name, ChecksFile), Reason: e.ChecksBad})
		}
		if e.ScoresBad != "" {
			scores = append(scores, Unreadable{Path: runFile(dir, name, ScoresFile), Reason: e.ScoresBad})
		}
	}
	byPath := func(a, b Unreadable) int {
		if a.Path < b.Path {
			return -1
		}
		if a.Path > b.Path {
			return 1
		}
		return 0
	}
	slices.SortFunc(checks, byPath)
	slices.SortFunc(scores, byPath)
	return append(checks, scores...)
}

// Empty reports whether the store holds no readable run (no checks file
// that reads), as the function of the same name.
func (r *Rollup) Empty() bool {
	for _, e := range r.runs {
		if e.Checks.Size >= 0 && e.ChecksBad == "" {
			return false
		}
	}
	return true
}
