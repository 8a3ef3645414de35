package pipeline

import (
	"context"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/scorecard"
)

// check runs a loaded dataset's checks and sets its unscored result and
// its watermark; every failure ends up in the result, never as a panic or
// a lost dataset. scorecard.Assemble scores it with the others.
//
// The dataset's queries go to its executor: the embedded engine, or its
// source's session for engine: source; conn is the embedded engine.
func (r *run) check(ctx context.Context, conn *engine.Conn, d *datasetRun) {
	cfg, ds := r.cfg, d.cfg
	t0 := time.Now().Add(-d.loadTime)
	out := &scorecard.Dataset{ID: ds.ID, Source: ds.Source, Weight: ds.Weight,
		Sample: scorecard.Sample{Method: ds.Sample.Method, Key: ds.SampleKey()}}
	if ds.Sample.Method == "hash" {
		out.Sample.Fraction = &ds.Sample.Fraction
	}
	d.result = out
	built := r.p.Checks[ds.ID]
	fail := func(err error) {
		out.Error = scrub(cfg, err.Error())
		for _, b := range built {
			out.Checks = append(out.Checks, scorecard.NewCheck(checkMeta(b),
				&result.Check{Status: result.Error, Message: "not evaluated: the dataset could not be read"}, nil))
		}
		out.DurationMS = time.Since(t0).Milliseconds()
		r.log.Error("dataset failed", "dataset", ds.ID, "error", out.Error)
	}
	if d.err != nil {
		fail(d.err)
		return
	}
	ex := d.executor(conn)
	pds := &d.described
	pds.Others, pds.References, pds.ReferenceErrs, pds.Tallies = r.others, r.refs, r.refErrs, r.counts
	if d.access.path == checkInSource {
		pds.Others = r.othersInSource
	}
	pds.UniqueKeys = &r.uniqueKeys
	r.measured(d)
	plan := planner.New(*pds, built)
	outcomes := plan.Run(ctx, ex, planner.Options{Unfused: r.o.Unfused, ExampleLimit: cfg.Examples.Limit, GroupBy: groupColumn(d)})
	// The fused scan counted the rows: no COUNT(*) of its own, which in a
	// source is one more scan of the table.
	sampled, err := plan.RowsRead()
	if err != nil {
		fail(err)
		return
	}
	if pds.RowsTotal < 0 && !pds.Sampled {
		pds.RowsTotal = sampled
	}
	out.RowsSampled = &sampled
	if pds.RowsTotal >= 0 {
		out.RowsTotal = &pds.RowsTotal
	}
	for _, oc := range outcomes {
		if oc.Result.Status == result.Error {
			oc.Result.Message = scrub(cfg, oc.Result.Message)
		}
		if oc.ExamplesErr != nil {
			// The check's result stands; only its examples are missing,
			// and the scorecard says why rather than showing none.
			if oc.Result.Details == nil {
				oc.Result.Details = map[string]any{}
			}
			oc.Result.Details["examples_error"] = scrub(cfg, oc.ExamplesErr.Error())
		}
		out.Checks = append(out.Checks, scorecard.NewCheck(checkMeta(oc.Built), oc.Result, maskExamples(cfg, ds, oc)))
	}
	if ds.GroupBy != "" {
		out.Groups = r.groupResults(d, plan)
	}
	out.DurationMS = time.Since(t0).Milliseconds()
	r.log.Info("dataset checked", "dataset", ds.ID, "rows", sampled, "checks", len(out.Checks), "ms", out.DurationMS)
	if d.mark, err = reachedMark(ctx, ex, ds, *pds, pds.Now); err != nil {
		r.log.Warn("incremental watermark not updated", "dataset", ds.ID, "error", scrub(cfg, err.Error()))
	}
}

// checkMeta is which check a result is of, for its scorecard entry.
func checkMeta(b *checks.Built) scorecard.CheckMeta {
	t := b.Text()
	return scorecard.CheckMeta{ID: b.Spec.ID, Kind: b.Spec.Kind, Dimension: b.Dimension,
		Column: b.Spec.Column, Columns: b.Spec.Columns, Weight: b.Spec.Weight,
		Severity: b.Severity, KPI: b.KPI,
		Title: t.Title, TitleEN: t.TitleEN, Description: t.Description, DescriptionEN: t.DescriptionEN}
}
