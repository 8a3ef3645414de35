package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/progress"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// Options tune a run.
type Options struct {
	Logger      *slog.Logger
	ToolVersion string
	// Unfused runs one query per metric instead of one fused scan; for
	// measurement only.
	Unfused bool
	// Now is the clock; tests fix it.
	Now func() time.Time
	// Watermarks of incremental datasets from earlier runs; nil reads
	// them from the output folder.
	Watermarks watermark.Marks
	// RunID names the run; empty makes one from the start time. The
	// shards of one run share the id the scheduler gives them.
	RunID string
	// Observer is told of datasets started and done and of rows loaded,
	// to show progress to a person at a terminal; nil tells no one.
	Observer progress.Observer
	// readAll extracts every column of every dataset, as before pruning
	// (neededColumns): tests compare the two.
	readAll bool
}

// Outcome is everything a run produced.
type Outcome struct {
	Run   scorecard.Run
	Index *scorecard.Index
	Cards []*scorecard.Card
	// Dimensions are the config's dimension ids, in its order.
	Dimensions []string
	// Watermarks reached by incremental datasets in this run, to save
	// once the scorecards are published.
	Watermarks watermark.Marks
	// Timings are where the run's time went; Publish adds its steps.
	// nil for a run read back (a merge, a republished run).
	Timings *Timings

	// history is the run history the run read, which its record is
	// added to when published.
	history *runHistory
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ToolVersion == "" {
		o.ToolVersion = "dev"
	}
}

// observe tells the run's observer, if any.
func (r *run) observe(e progress.Event) {
	if r.o.Observer != nil {
		r.o.Observer(e)
	}
}

// watched reports whether someone is told of the run's progress.
func (r *run) watched() bool { return r.o.Observer != nil }

// Run checks every dataset and builds the scorecards. A dataset that
// cannot be read is reported as error and the others go on; Run itself
// fails only when the engine cannot start (or the run id or the stored
// watermarks are unusable).
func Run(ctx context.Context, p *Prepared, o Options) (*Outcome, error) {
	o.defaults()
	cfg := p.Config
	if o.RunID != "" {
		if err := scorecard.CheckRunID(o.RunID); err != nil {
			return nil, err
		}
	}
	if err := ensureDemo(p, o.Logger); err != nil {
		return nil, err
	}
	if o.Watermarks == nil {
		marks, err := watermark.Load(cfg.Output.Dir)
		if err != nil {
			return nil, err
		}
		o.Watermarks = marks
	}
	r, err := newRun(ctx, p, o)
	if err != nil {
		return nil, err
	}
	defer r.db.Close()
	// The history is read once, here, and served from memory to every
	// check and trend of the run.
	r.hist = loadHistory(ctx, cfg)
	if r.hist != nil && r.hist.err != nil {
		r.log.Warn("run history cannot be read; trends and anomaly checks go without it", "error", scrub(cfg, r.hist.err.Error()))
	} else if r.hist != nil && r.hist.rollup.Repair() != "" {
		r.log.Info("run history: " + r.hist.rollup.Repair())
	}
	for _, bad := range r.hist.unreadable() {
		r.log.Warn("run history: a file cannot be read; trends and anomaly checks skip it", "file", bad)
	}

	// Phase 1 loads every dataset, so that phase 2's cross-registry checks
	// can join any two of them inside the engine.
	joined := r.joinedInSource()
	defer func() {
		for _, d := range r.datasets {
			if d.session != nil {
				d.session.Close()
			}
		}
	}()
	r.observe(progress.Event{Kind: progress.RunStarted, Datasets: len(r.datasets)})
	if err := r.each(ctx, func(conn *engine.Conn, d *datasetRun) {
		r.observe(progress.Event{Kind: progress.DatasetStarted, Dataset: d.cfg.ID})
		if d.err == nil && d.access.path == checkInSource && joined[d.cfg.ID] {
			// Another dataset of its source joins it there: its
			// relation is needed before phase 2.
			t0 := time.Now()
			d.err = r.openInSource(ctx, d)
			d.loadTime = time.Since(t0)
			d.timings.Connect = d.loadTime
		}
		if d.err != nil || d.access.path == checkInSource {
			return // nothing to load: phase 2 queries the source
		}
		t0 := time.Now()
		d.err = r.load(ctx, conn, d, false)
		d.loadTime = time.Since(t0)
	}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	r.others, r.othersInSource = map[string]planner.OtherResult{}, map[string]planner.OtherResult{}
	for _, d := range r.datasets {
		r.others[d.cfg.ID] = d.asOther(false)
		r.othersInSource[d.cfg.ID] = d.asOther(true)
	}
	r.refs, r.refErrs = r.loadReferences(ctx)
	if err := r.countTallies(ctx); err != nil {
		return nil, err
	}

	if err := r.each(ctx, func(conn *engine.Conn, d *datasetRun) {
		if d.err == nil && d.access.path == checkInSource && d.session == nil {
			t0 := time.Now()
			d.err = r.openInSource(ctx, d)
			d.loadTime = time.Since(t0)
			d.timings.Connect = d.loadTime
		}
		if d.session != nil {
			defer func() { d.session.Close(); d.session = nil }()
		}
		t0 := time.Now()
		r.check(ctx, conn, d)
		d.timings.Checks = time.Since(t0)
		var rows int64
		if d.result.RowsSampled != nil {
			rows = *d.result.RowsSampled
		}
		r.observe(progress.Event{Kind: progress.DatasetDone, Dataset: d.cfg.ID, Rows: rows})
	}); err != nil {
		return nil, err
	}
	// A cut run's checks end in "context canceled": such a run must never
	// be scored, let alone published or recorded.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	r.meta.FinishedAt = o.Now().UTC()
	results := make([]*scorecard.Dataset, len(r.datasets))
	for i, d := range r.datasets {
		results[i] = d.result
	}
	timings := &Timings{}
	for _, d := range r.datasets {
		d.timings.ID = d.cfg.ID
		timings.Datasets = append(timings.Datasets, d.timings)
	}
	t0 := time.Now()
	out := assemble(cfg, r.meta, results)
	timings.since("scoring", t0)
	out.Timings = timings
	for _, d := range results {
		r.log.Info("dataset scored", "dataset", d.ID, "status", d.Status, "score", deref(d.Score))
	}
	t0 = time.Now()
	if err := fillTrends(ctx, r.db, cfg, r.hist, out); err != nil {
		r.log.Warn("trends not computed", "error", scrub(cfg, err.Error()))
	}
	timings.since("trends", t0)
	out.history = r.hist
	out.Watermarks = watermark.Marks{}
	for _, d := range r.datasets {
		if d.mark != nil {
			d.mark.RunID = r.meta.ID
			out.Watermarks[d.cfg.ID] = *d.mark
		}
	}
	return out, nil
}

// run is one run in progress: what its steps share, so that each step
// needs only the run, a connection and the dataset at hand.
type run struct {
	p     *Prepared
	cfg   *config.Config
	o     Options
	meta  scorecard.Run
	start time.Time
	log   *slog.Logger
	db    *engine.DB
	hist  *runHistory // nil when history is off

	datasets []*datasetRun // in config order
	// Filled between the phases, for cross-registry checks: every
	// dataset as a join sees it, and the reference lists.
	others map[string]planner.OtherResult
	// othersInSource are the datasets as one checked in its source sees
	// them (joinsInCluster).
	othersInSource map[string]planner.OtherResult
	refs           map[string]*checks.Relation
	refErrs        map[string]error
	// counts are the row counts of other datasets checks compare with.
	counts map[checks.TallyRequest]planner.TallyResult
	// uniqueKeys: whether a joined dataset's key repeats, measured once
	// for the run's plans.
	uniqueKeys planner.UniqueKeys
}

// countTallies fills r.counts on a connection of its own.
func (r *run) countTallies(ctx context.Context) error {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	r.counts = r.tallies(ctx, conn)
	return nil
}

// newRun opens the run's engine and decides how each dataset is read.
func newRun(ctx context.Context, p *Prepared, o Options) (*run, error) {
	o.defaults()
	cfg := p.Config
	start := o.Now()
	id := o.RunID
	if id == "" {
		id = runID(start)
	}
	r := &run{p: p, cfg: cfg, o: o, start: start,
		meta: scorecard.Run{ID: id, StartedAt: start.UTC(), ConfigSHA256: cfg.SHA256, ToolVersion: o.ToolVersion}}
	r.log = o.Logger.With("run", id)
	for i := range cfg.Datasets {
		ds := &cfg.Datasets[i]
		d := &datasetRun{index: i, cfg: ds, read: ds}
		d.access, d.err = accessOf(p.Connectors[ds.Source], ds)
		if d.err == nil {
			d.read = windowed(ds, d.access, o.Watermarks)
			if !o.readAll {
				d.columns = neededColumns(p, ds)
			}
		} else {
			d.err = fmt.Errorf("dataset %s: source %s: %w", ds.ID, ds.Source, d.err)
		}
		r.datasets = append(r.datasets, d)
	}
	db, err := engine.Open(ctx, engine.Options{MemoryLimit: cfg.Engine.MemoryLimit, Threads: cfg.Engine.Threads, TempDir: cfg.Engine.TempDir,
		Confine: true, Folders: engineFolders(cfg, r.datasets)})
	if err != nil {
		return nil, err
	}
	r.db = db
	return r, nil
}

// loadReferences loads every reference list a check asks for, once.
func (r *run) loadReferences(ctx context.Context) (map[string]*checks.Relation, map[string]error) {
	refs, errs := map[string]*checks.Relation{}, map[string]error{}
	var names []string
	for _, bs := range r.p.Checks {
		for _, b := range bs {
			if dep, ok := b.Check.(checks.Dependent); ok {
				names = append(names, dep.References()...)
			}
		}
	}
	if len(names) == 0 {
		return refs, errs
	}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		for _, n := range names {
			errs[n] = err
		}
		return refs, errs
	}
	defer conn.Close()
	for _, n := range names {
		if _, done := refs[n]; done {
			continue
		}
		if _, done := errs[n]; done {
			continue
		}
		ref, err := loadReference(ctx, conn, r.cfg, n)
		if err != nil {
			errs[n] = err
			continue
		}
		refs[n] = ref
	}
	return refs, errs
}

// each runs fn for every dataset on at most engine.workers goroutines,
// each with its own connection (an Arrow connection is not safe for
// concurrent use).
func (r *run) each(ctx context.Context, fn func(conn *engine.Conn, d *datasetRun)) error {
	jobs := make(chan *datasetRun)
	var wg sync.WaitGroup
	var connErr error
	var once sync.Once
	for w := 0; w < min(max(r.cfg.Engine.Workers, 1), len(r.datasets)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := r.db.Conn(ctx)
			if err != nil {
				once.Do(func() { connErr = err })
				for range jobs {
				}
				return
			}
			defer conn.Close()
			for d := range jobs {
				fn(conn, d)
			}
		}()
	}
	for _, d := range r.datasets {
		jobs <- d
	}
	close(jobs)
	wg.Wait()
	return connErr
}

// assemble scores the datasets (results[i] is cfg.Datasets[i]) and groups
// them into one card per ministry, in config order.
func assemble(cfg *config.Config, run scorecard.Run, results []*scorecard.Dataset) *Outcome {
	s := scorecard.Scoring{Bands: scorecard.Bands{Green: cfg.Bands.Green, Yellow: cfg.Bands.Yellow}}
	for _, d := range cfg.Dimensions {
		s.Criteria = append(s.Criteria, scorecard.CriterionDef{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Weight: d.Weight})
	}
	ministries := make([]scorecard.Ref, len(cfg.Ministries))
	for i, m := range cfg.Ministries {
		ministries[i] = scorecard.Ref{ID: m.ID, Name: m.Name}
	}
	index, cards := scorecard.Assemble(run, s, ministries, results, func(i int) string { return cfg.Datasets[i].Ministry })
	for _, c := range cards {
		c.ShowPII = cfg.Examples.ShowPII
	}
	return &Outcome{Run: run, Index: index, Cards: cards, Dimensions: cfg.DimensionIDs()}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// runID sorts by time and is unique across concurrent runs.
func runID(t time.Time) string {
	b := make([]byte, 3)
	rand.Read(b)
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// joinedInSource are the engine: source datasets another one joins
// inside their source (joinsInCluster).
func (r *run) joinedInSource() map[string]bool {
	out := map[string]bool{}
	for _, d := range r.datasets {
		for _, b := range r.p.Checks[d.cfg.ID] {
			if joinsInCluster(r.cfg, d.cfg, b.Check) {
				for _, id := range b.Check.(checks.SourceJoiner).Datasets() {
					out[id] = true
				}
			}
		}
	}
	return out
}
