package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/watermark"
)

// Explain prints, per dataset, the SQL the planner will run. File datasets
// become views, so no data is read; each dataset's schema is needed to
// plan, so sources are opened (and the demo generated when missing).
func Explain(ctx context.Context, p *Prepared, w io.Writer, log *slog.Logger) error {
	cfg := p.Config
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := ensureDemo(p, log); err != nil {
		return err
	}
	// Windows are not applied: the plan shows the whole read.
	r, err := newRun(ctx, p, Options{Logger: log, Watermarks: watermark.Marks{}})
	if err != nil {
		return err
	}
	defer r.db.Close()
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	unplanned := 0
	for _, d := range r.datasets {
		ds := d.cfg
		fmt.Fprintf(w, "-- dataset %s (source %s, sample %s)\n", ds.ID, ds.Source, ds.Sample.Method)
		if err := r.explainDataset(ctx, conn, d); err != nil {
			fmt.Fprintf(w, "-- cannot plan: %s\n\n", scrub(r.cfg, err.Error()))
			unplanned++
			continue
		}
		fmt.Fprintf(w, "%s;\n", d.statement)
		plan := planner.New(d.described, p.Checks[ds.ID])
		fmt.Fprintf(w, "-- %d checks, %d distinct aggregate metrics in one scan, %d other queries\n",
			len(p.Checks[ds.ID]), plan.Metrics(), len(plan.SQL())-min(1, plan.Metrics()))
		errs := plan.PlanErrors()
		ids := make([]string, 0, len(errs))
		for id := range errs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(w, "-- check %s will be error: %v\n", id, errs[id])
		}
		for _, q := range plan.SQL() {
			fmt.Fprintf(w, "%s;\n", q)
		}
		fmt.Fprintln(w)
	}
	if unplanned > 0 {
		// The others are printed; the caller still learns it is incomplete.
		return fmt.Errorf("%d of %d datasets could not be planned (see \"-- cannot plan\" above)", unplanned, len(cfg.Datasets))
	}
	return nil
}

// explainDataset describes a dataset without reading its rows: a view
// over a file, an empty extract of a database, or the source's own
// description for engine: source.
func (r *run) explainDataset(ctx context.Context, conn *engine.Conn, d *datasetRun) error {
	if d.err != nil {
		return d.err
	}
	if d.access.path == checkInSource {
		if err := r.openInSource(ctx, d); err != nil {
			return err
		}
		return d.session.Close()
	}
	return r.load(ctx, conn, d, true)
}
