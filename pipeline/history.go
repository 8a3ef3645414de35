package pipeline

import (
	"context"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/history"
)

// measured hands the planner what the run measured of a dataset and what
// earlier runs recorded of its checks: the time reading it took, and each
// check's values and details in the run history, read with conn.
func (r *run) measured(ctx context.Context, conn *engine.Conn, d *datasetRun) {
	pds, dir, id := &d.described, r.cfg.History.Dir, d.cfg.ID
	pds.LoadTime = d.loadTime
	if r.cfg.History.Off {
		return
	}
	pds.History = func(checkID string) ([]float64, error) {
		pts, err := history.CheckSeries(ctx, conn, dir, id, checkID, "value", 100)
		var vals []float64
		for _, p := range pts {
			if p.Value != nil {
				vals = append(vals, *p.Value)
			}
		}
		return vals, err
	}
	pds.HistoryDetails = func(checkID string) ([]map[string]any, error) {
		return history.CheckDetails(ctx, conn, dir, id, checkID, 10)
	}
}

// ErrUnknownHistoryField is a --field the history does not record.
var ErrUnknownHistoryField = history.ErrUnknownField

// RecordedRuns lists the last runs of a config's history, newest first.
func RecordedRuns(ctx context.Context, cfg *config.Config, limit int) ([]history.RunSummary, error) {
	var out []history.RunSummary
	err := withHistoryConn(ctx, func(q history.Querier) (err error) {
		out, err = history.Runs(ctx, q, cfg.History.Dir, limit)
		return err
	})
	return out, err
}

// CheckHistory is one check's recorded series (field: value, pass_rate,
// score, failed, rows or rows_total), oldest first.
func CheckHistory(ctx context.Context, cfg *config.Config, dataset, check, field string, limit int) ([]history.Point, error) {
	var out []history.Point
	err := withHistoryConn(ctx, func(q history.Querier) (err error) {
		out, err = history.CheckSeries(ctx, q, cfg.History.Dir, dataset, check, field, limit)
		return err
	})
	return out, err
}

// withHistoryConn gives fn a small engine to read the Parquet history with.
func withHistoryConn(ctx context.Context, fn func(history.Querier) error) error {
	db, err := engine.Open(ctx, engine.Options{Threads: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// UnreadableHistory lists the history's files that readers skip because
// they cannot be read, "path: reason" each.
func UnreadableHistory(cfg *config.Config) []string {
	if cfg.History.Off {
		return nil
	}
	var out []string
	for _, u := range history.Check(cfg.History.Dir) {
		out = append(out, u.String())
	}
	return out
}
