package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/profile"
	"github.com/vn-registries/dq/progress"
	"github.com/vn-registries/dq/watermark"
)

// ProfileForSuggest is Profile with the shares suggestions are made of
// counted over every row, not only in the sample.
func ProfileForSuggest(ctx context.Context, p *Prepared, o Options) ([]*profile.Profile, error) {
	return profileAll(ctx, p, o, true)
}

// Profile loads each dataset of a config (an ad hoc one, dq profile) into
// the engine as a run would, sampled as it says, and profiles it. A
// dataset that cannot be read gets a profile with its error; the others
// are profiled.
func Profile(ctx context.Context, p *Prepared, o Options) ([]*profile.Profile, error) {
	return profileAll(ctx, p, o, false)
}

// profileAll is Profile; exact counts the domains and shapes over every
// row, as suggestions need (profile.Options.Exact).
func profileAll(ctx context.Context, p *Prepared, o Options, exact bool) ([]*profile.Profile, error) {
	o.defaults()
	o.Watermarks = watermark.Marks{}
	r, err := newRun(ctx, p, o)
	if err != nil {
		return nil, err
	}
	defer r.db.Close()
	out := make([]*profile.Profile, len(r.datasets))
	r.observe(progress.Event{Kind: progress.RunStarted, Datasets: len(r.datasets)})
	err = r.each(ctx, func(conn *engine.Conn, d *datasetRun) {
		r.observe(progress.Event{Kind: progress.DatasetStarted, Dataset: d.cfg.ID})
		out[d.index] = r.profile(ctx, conn, d, exact)
		r.observe(progress.Event{Kind: progress.DatasetDone, Dataset: d.cfg.ID, Rows: out[d.index].Rows})
	})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	return out, nil
}

func (r *run) profile(ctx context.Context, conn *engine.Conn, d *datasetRun, exact bool) *profile.Profile {
	ds := d.cfg
	if d.err == nil && d.access.path == checkInSource {
		d.err = errors.New("engine: source: a profile is computed in the embedded engine; drop engine: source to profile the dataset")
	}
	if d.err == nil {
		d.columns = nil // a profile looks at every column
		d.err = r.load(ctx, conn, d, false)
	}
	failed := func(err error) *profile.Profile {
		msg := scrub(r.cfg, err.Error())
		r.log.Error("dataset not profiled", "dataset", ds.ID, "error", msg)
		return &profile.Profile{Dataset: ds.ID, Error: msg}
	}
	if d.err != nil {
		return failed(d.err)
	}
	pds := d.described
	row, err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM "+pds.Table)
	if err != nil {
		return failed(err)
	}
	rows := checks.ToInt64(row[0])
	cols := make([]profile.Input, len(pds.Columns))
	for i, c := range pds.Columns {
		cols[i] = profile.Input{Name: c.Name, Type: c.Type, Family: c.Family}
	}
	prof, err := profile.Run(ctx, conn, profile.Options{
		Dataset: ds.ID, Table: pds.Table, Columns: cols, Rows: rows, RowsTotal: pds.RowsTotal,
		Tokens: r.cfg.MissingTokens(ds, &config.Check{}), Now: pds.Now, Exact: exact,
		Policy: func(col string) (mask.Policy, bool) {
			if r.cfg.Examples.ShowPII {
				return mask.None, true
			}
			if pol, ok := ds.Mask[col]; ok {
				return mask.Policy(pol), true
			}
			if col == ds.Key {
				return mask.ID, true
			}
			return "", false
		},
	})
	if err != nil {
		return failed(err)
	}
	r.log.Info("dataset profiled", "dataset", ds.ID, "rows", rows, "columns", len(cols))
	return prof
}
