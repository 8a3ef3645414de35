package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
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
	db, err := engine.Open(ctx, engine.Options{MemoryLimit: cfg.Engine.MemoryLimit, Threads: cfg.Engine.Threads, TempDir: cfg.Engine.TempDir})
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	now := time.Now()
	unplanned := 0
	for i := range cfg.Datasets {
		ds := &cfg.Datasets[i]
		fmt.Fprintf(w, "-- dataset %s (source %s, sample %s)\n", ds.ID, ds.Source, ds.Sample.Method)
		l, pds, err := p.explainDataset(ctx, conn, i, now)
		if err != nil {
			fmt.Fprintf(w, "-- cannot plan: %v\n\n", err)
			unplanned++
			continue
		}
		fmt.Fprintf(w, "%s;\n", l.statement)
		plan := planner.New(pds, p.Checks[ds.ID])
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

// explainDataset describes dataset i without reading its rows: a view over
// a file, an empty extract of a database, or the source's own description
// for engine: source.
func (p *Prepared) explainDataset(ctx context.Context, conn *engine.Conn, i int, now time.Time) (*loaded, planner.Dataset, error) {
	ds := &p.Config.Datasets[i]
	if ds.InSource() {
		lr := &loadResult{}
		sess, err := p.openInSource(ctx, i, now, Options{}, lr)
		if err != nil {
			return nil, planner.Dataset{}, err
		}
		sess.Close()
		return lr.l, lr.pds, nil
	}
	l, err := load(ctx, conn, p.Connectors[ds.Source], p.Config.Sources[ds.Source], ds, tableName(i, ds.ID), true)
	if err != nil {
		return nil, planner.Dataset{}, err
	}
	pds, err := p.plannerDataset(ctx, conn, ds, l, now)
	return l, pds, err
}
