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
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/sampling"
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

// Run checks every dataset and builds the scorecards. A dataset that
// cannot be read is reported as error and the others go on; Run itself
// fails only when the engine cannot start.
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
	start := o.Now()
	id := o.RunID
	if id == "" {
		id = runID(start)
	}
	run := scorecard.Run{ID: id, StartedAt: start.UTC(), ConfigSHA256: cfg.SHA256, ToolVersion: o.ToolVersion}
	log := o.Logger.With("run", run.ID)

	db, err := engine.Open(ctx, engine.Options{MemoryLimit: cfg.Engine.MemoryLimit, Threads: cfg.Engine.Threads, TempDir: cfg.Engine.TempDir})
	if err != nil {
		return nil, err
	}
	defer db.Close()

	// Phase 1 loads every dataset, so that phase 2's cross-registry checks
	// can join any two of them inside the engine.
	loads := make([]*loadResult, len(cfg.Datasets))
	if err := pool(ctx, db, cfg.Engine.Workers, len(cfg.Datasets), func(conn *engine.Conn, i int) {
		if cfg.Datasets[i].InSource() {
			loads[i] = &loadResult{inSource: true} // nothing to load: phase 2 queries the source
			return
		}
		loads[i] = p.loadDataset(ctx, conn, i, start, o)
	}); err != nil {
		return nil, err
	}
	others := map[string]planner.OtherResult{}
	for i, lr := range loads {
		ds := &cfg.Datasets[i]
		if lr.inSource {
			others[ds.ID] = planner.OtherResult{Err: errInSource}
			continue
		}
		if lr.err != nil {
			others[ds.ID] = planner.OtherResult{Err: lr.err}
			continue
		}
		others[ds.ID] = planner.OtherResult{Relation: &checks.Relation{ID: ds.ID, Table: lr.pds.Table,
			Columns: lr.pds.Columns, Key: ds.Key, Sample: sampling.Of(ds), RowsTotal: lr.l.rowsTotal}}
	}
	refs, refErrs := p.loadReferences(ctx, db)

	results := make([]*scorecard.Dataset, len(cfg.Datasets))
	marks := make([]*watermark.Mark, len(cfg.Datasets))
	if err := pool(ctx, db, cfg.Engine.Workers, len(cfg.Datasets), func(conn *engine.Conn, i int) {
		lr := loads[i]
		var ex planner.Executor = conn
		if lr.inSource {
			sess, err := p.openInSource(ctx, i, start, o, lr)
			if err == nil {
				defer sess.Close()
				ex = sess
			}
		}
		lr.pds.Others, lr.pds.References = others, refs
		results[i], marks[i] = p.checkDataset(ctx, conn, ex, i, lr, refErrs, o, log)
	}); err != nil {
		return nil, err
	}
	run.FinishedAt = o.Now().UTC()
	out := assemble(cfg, run, results)
	for _, d := range results {
		log.Info("dataset scored", "dataset", d.ID, "status", d.Status, "score", deref(d.Score))
	}
	if err := fillTrends(ctx, db, cfg, out); err != nil {
		log.Warn("trends not computed", "error", err)
	}
	out.Watermarks = watermark.Marks{}
	for i, m := range marks {
		if m != nil {
			m.RunID = run.ID
			out.Watermarks[cfg.Datasets[i].ID] = *m
		}
	}
	return out, nil
}

// loadResult is a dataset loaded into the engine, or why it could not be.
type loadResult struct {
	l   *loaded
	pds planner.Dataset
	err error
	dur time.Duration
	// inSource: the checks run inside the source (engine: source).
	inSource bool
}

// errInSource is what a join with an engine: source dataset meets;
// Prepare refuses such configs, so it shows only if that check is skipped.
var errInSource = fmt.Errorf("the dataset runs in its source (engine: source), so it cannot be joined in the embedded engine")

// openInSource opens a session on an engine: source dataset and describes
// it for the planner, filling lr; on failure lr.err says why.
func (p *Prepared) openInSource(ctx context.Context, i int, runStart time.Time, o Options, lr *loadResult) (connectors.Session, error) {
	cfg := p.Config
	ds := &cfg.Datasets[i]
	t0 := time.Now()
	defer func() { lr.dur = time.Since(t0) }()
	c := p.Connectors[ds.Source]
	pd, ok := c.(connectors.Pushdown)
	if !ok { // Prepare refuses this; kept for callers that skip it
		lr.err = fmt.Errorf("dataset %s: source %s cannot run checks itself (engine: source)", ds.ID, ds.Source)
		return nil, lr.err
	}
	wds := windowed(ds, c, o.Watermarks)
	sess, err := pd.Session(ctx, connectors.Request{Dataset: wds})
	if err != nil {
		lr.err = err
		return nil, err
	}
	lr.l, lr.pds, lr.err = p.describeInSource(ctx, sess, c, ds, wds, runStart)
	if lr.err != nil {
		sess.Close()
		return nil, lr.err
	}
	return sess, nil
}

// describeInSource is plannerDataset for a dataset that stays in its
// source: the columns as the source declares them, N from the source.
func (p *Prepared) describeInSource(ctx context.Context, sess connectors.Session, c connectors.Connector, ds, wds *config.Dataset, runStart time.Time) (*loaded, planner.Dataset, error) {
	d := sess.Dialect()
	fam, ok := d.(interface{ FamilyOf(string) dialect.Family })
	if !ok {
		return nil, planner.Dataset{}, fmt.Errorf("dataset %s: the %s dialect cannot classify column types", ds.ID, d.Name())
	}
	srcCols, err := sess.Columns(ctx)
	if err != nil {
		return nil, planner.Dataset{}, err
	}
	cols := make([]checks.Column, len(srcCols))
	for i, sc := range srcCols {
		cols[i] = checks.Column{Name: sc.Name, Type: sc.Type, Family: fam.FamilyOf(sc.Type), SQL: d.Ident(sc.Name)}
	}
	l := &loaded{rowsTotal: -1, sampled: ds.Sample.Method != "full",
		statement: fmt.Sprintf("-- engine: source: every query below runs in source %s, reading\n-- FROM %s", ds.Source, sess.Relation())}
	if counter, ok := c.(connectors.Counter); ok && l.sampled {
		if l.rowsTotal, err = counter.Count(ctx, connectors.Request{Dataset: wds}); err != nil {
			return nil, planner.Dataset{}, err
		}
	}
	pds, err := p.newPlannerDataset(ds, d, sess.Relation(), cols, l, runStart)
	return l, pds, err
}

// loadDataset extracts one dataset into its table and describes it.
func (p *Prepared) loadDataset(ctx context.Context, conn *engine.Conn, i int, runStart time.Time, o Options) *loadResult {
	cfg := p.Config
	ds := &cfg.Datasets[i]
	t0 := time.Now()
	lr := &loadResult{}
	defer func() { lr.dur = time.Since(t0) }()
	c := p.Connectors[ds.Source]
	lr.l, lr.err = load(ctx, conn, c, cfg.Sources[ds.Source], windowed(ds, c, o.Watermarks), tableName(i, ds.ID), false)
	if lr.err != nil {
		return lr
	}
	lr.pds, lr.err = p.plannerDataset(ctx, conn, ds, lr.l, runStart)
	return lr
}

// loadReferences loads every reference list a check asks for, once.
func (p *Prepared) loadReferences(ctx context.Context, db *engine.DB) (map[string]*checks.Relation, map[string]error) {
	refs, errs := map[string]*checks.Relation{}, map[string]error{}
	var names []string
	for _, bs := range p.Checks {
		for _, b := range bs {
			if dep, ok := b.Check.(checks.Dependent); ok {
				names = append(names, dep.References()...)
			}
		}
	}
	if len(names) == 0 {
		return refs, errs
	}
	conn, err := db.Conn(ctx)
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
		r, err := loadReference(ctx, conn, p.Config, n)
		if err != nil {
			errs[n] = err
			continue
		}
		refs[n] = r
	}
	return refs, errs
}

// pool runs fn for 0..n-1 on at most workers goroutines, each with its own
// connection (an Arrow connection is not safe for concurrent use).
func pool(ctx context.Context, db *engine.DB, workers, n int, fn func(conn *engine.Conn, i int)) error {
	jobs := make(chan int)
	var wg sync.WaitGroup
	var connErr error
	var once sync.Once
	for w := 0; w < min(max(workers, 1), n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				once.Do(func() { connErr = err })
				for range jobs {
				}
				return
			}
			defer conn.Close()
			for i := range jobs {
				fn(conn, i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return connErr
}

// checkDataset checks one loaded dataset; every failure ends up in the
// returned result, never as a panic or a lost dataset. assemble scores it.
//
// The dataset's queries go to ex: the embedded engine, or the source's
// session for engine: source; conn is the embedded engine, for history.
func (p *Prepared) checkDataset(ctx context.Context, conn *engine.Conn, ex planner.Executor, i int, lr *loadResult, refErrs map[string]error, o Options, log *slog.Logger) (*scorecard.Dataset, *watermark.Mark) {
	cfg := p.Config
	ds := &cfg.Datasets[i]
	t0 := time.Now().Add(-lr.dur)
	out := &scorecard.Dataset{ID: ds.ID, Source: ds.Source, Weight: ds.Weight,
		Sample: scorecard.Sample{Method: ds.Sample.Method, Key: ds.SampleKey()}}
	if ds.Sample.Method == "hash" {
		out.Sample.Fraction = &ds.Sample.Fraction
	}
	built := p.Checks[ds.ID]
	fail := func(err error) (*scorecard.Dataset, *watermark.Mark) {
		out.Error = scrub(cfg, err.Error())
		for _, b := range built {
			out.Checks = append(out.Checks, scorecard.NewCheck(checkMeta(b),
				&result.Check{Status: result.Error, Message: "not evaluated: the dataset could not be read"}, nil))
		}
		out.DurationMS = time.Since(t0).Milliseconds()
		log.Error("dataset failed", "dataset", ds.ID, "error", out.Error)
		return out, nil
	}
	if lr.err != nil {
		return fail(lr.err)
	}
	l, pds := lr.l, lr.pds
	row, err := ex.QueryRow(ctx, "SELECT COUNT(*) FROM "+pds.Table)
	if err != nil {
		return fail(err)
	}
	sampled := checks.ToInt64(row[0])
	if l.rowsTotal < 0 && !l.sampled {
		l.rowsTotal, pds.RowsTotal = sampled, sampled
	}
	out.RowsSampled = &sampled
	if l.rowsTotal >= 0 {
		out.RowsTotal = &l.rowsTotal
	}

	pds.ReferenceErrs = refErrs
	if !cfg.History.Off {
		pds.History = func(checkID string) ([]float64, error) {
			pts, err := history.CheckSeries(ctx, conn, cfg.History.Dir, ds.ID, checkID, "value", 100)
			var vals []float64
			for _, p := range pts {
				if p.Value != nil {
					vals = append(vals, *p.Value)
				}
			}
			return vals, err
		}
	}
	plan := planner.New(pds, built)
	limit := cfg.Examples.Limit
	for _, oc := range plan.Run(ctx, ex, planner.Options{Unfused: o.Unfused, ExampleLimit: limit}) {
		if oc.Result.Status == result.Error {
			oc.Result.Message = scrub(cfg, oc.Result.Message)
		}
		out.Checks = append(out.Checks, scorecard.NewCheck(checkMeta(oc.Built), oc.Result, maskExamples(cfg, ds, oc)))
	}
	if ds.GroupBy != "" {
		out.Groups = groupResults(ctx, ex, cfg, ds, pds, plan)
	}
	out.DurationMS = time.Since(t0).Milliseconds()
	log.Info("dataset checked", "dataset", ds.ID, "rows", sampled, "checks", len(out.Checks), "ms", out.DurationMS)
	return out, p.reachedMark(ctx, ex, ds, pds, pds.Now, log)
}

// checkMeta is which check a result is of, for its scorecard entry.
func checkMeta(b *checks.Built) scorecard.CheckMeta {
	return scorecard.CheckMeta{ID: b.Spec.ID, Kind: b.Spec.Kind, Dimension: b.Dimension,
		Column: b.Spec.Column, Columns: b.Spec.Columns, Weight: b.Spec.Weight}
}

// reachedMark is the largest incremental value read, or nil when the
// dataset is not incremental or read nothing new.
func (p *Prepared) reachedMark(ctx context.Context, ex planner.Executor, ds *config.Dataset, pds planner.Dataset, runStart time.Time, log *slog.Logger) *watermark.Mark {
	if ds.Incremental == nil {
		return nil
	}
	d := pds.Dialect
	row, err := ex.QueryRow(ctx, fmt.Sprintf("SELECT %s FROM %s", d.Text("MAX("+d.Ident(ds.Incremental.Column)+")"), pds.Table))
	if err != nil {
		log.Warn("incremental watermark not updated", "dataset", ds.ID, "error", err)
		return nil
	}
	v, ok := row[0].(string)
	if !ok {
		return nil
	}
	return &watermark.Mark{Column: ds.Incremental.Column, Value: v, At: runStart.UTC()}
}

// plannerDataset describes a loaded table for the planner.
func (p *Prepared) plannerDataset(ctx context.Context, conn *engine.Conn, ds *config.Dataset, l *loaded, runStart time.Time) (planner.Dataset, error) {
	d := dialect.DuckDB{}
	desc, err := conn.Describe(ctx, l.table)
	if err != nil {
		return planner.Dataset{}, err
	}
	cols := make([]checks.Column, len(desc))
	for i, c := range desc {
		cols[i] = checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)}
	}
	return p.newPlannerDataset(ds, d, d.Ident(l.table), cols, l, runStart)
}

// newPlannerDataset describes a relation (quoted table or FROM item) with
// its columns for the planner.
func (p *Prepared) newPlannerDataset(ds *config.Dataset, d dialect.Dialect, table string, cols []checks.Column, l *loaded, runStart time.Time) (planner.Dataset, error) {
	loc, err := p.Config.DatasetTimezone(ds)
	if err != nil {
		return planner.Dataset{}, err
	}
	if ds.Key != "" {
		found := false
		for _, c := range cols {
			found = found || c.Name == ds.Key
		}
		if !found {
			return planner.Dataset{}, fmt.Errorf("dataset %s: key column %q not found", ds.ID, ds.Key)
		}
	}
	return planner.Dataset{
		Dialect: d, Table: table, Columns: cols, Key: ds.Key, Now: runStart.In(loc),
		Tokens:    func(c *config.Check) []string { return p.Config.MissingTokens(ds, c) },
		RowsTotal: l.rowsTotal, Sampled: l.sampled, Sample: sampling.Of(ds),
	}, nil
}

// assemble scores the datasets (results[i] is cfg.Datasets[i]) and groups
// them into one card per ministry, in config order.
func assemble(cfg *config.Config, run scorecard.Run, results []*scorecard.Dataset) *Outcome {
	s := scorecard.Scoring{DimensionWeights: map[string]float64{},
		Bands: scorecard.Bands{Green: cfg.Bands.Green, Yellow: cfg.Bands.Yellow}}
	for _, d := range cfg.Dimensions {
		s.DimensionWeights[d.ID] = d.Weight
	}
	ministries := make([]scorecard.Ref, len(cfg.Ministries))
	for i, m := range cfg.Ministries {
		ministries[i] = scorecard.Ref{ID: m.ID, Name: m.Name}
	}
	index, cards := scorecard.Assemble(run, s, ministries, results, func(i int) string { return cfg.Datasets[i].Ministry })
	out := &Outcome{Run: run, Index: index, Cards: cards}
	for _, d := range cfg.Dimensions {
		out.Dimensions = append(out.Dimensions, d.ID)
	}
	return out
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
