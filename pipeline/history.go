package pipeline

import (
	"context"
	"errors"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/history"
)

// runHistory is the run history as a run reads it: once, at its start,
// into memory (history.Load: the rollup, repaired from the runs' files
// when it does not match them), then served to every reader of the run:
// anomaly and schema_stable checks, trends. err is why it could not be
// read, which each reader then reports.
type runHistory struct {
	dir    string
	rollup *history.Rollup
	err    error
}

// loadHistory reads the config's run history for one run or command; nil
// when history is off.
func loadHistory(ctx context.Context, cfg *config.Config) *runHistory {
	if cfg.History.Off {
		return nil
	}
	r, err := history.Load(ctx, cfg.History.Dir)
	return &runHistory{dir: cfg.History.Dir, rollup: r, err: err}
}

// loaded is the rollup read, or nil.
func (h *runHistory) loaded() *history.Rollup {
	if h == nil || h.err != nil {
		return nil
	}
	return h.rollup
}

// empty reports whether there is no readable run to read trends from.
func (h *runHistory) empty() bool { return h == nil || (h.err == nil && h.rollup.Empty()) }

// measured hands the planner what the run measured of a dataset and what
// earlier runs recorded of its checks: the time reading it took, and each
// check's values and details in the run history.
func (r *run) measured(d *datasetRun) {
	pds, h, id := &d.described, r.hist, d.cfg.ID
	pds.LoadTime = d.loadTime
	if h == nil {
		return
	}
	pds.History = func(checkID string) ([]float64, error) {
		if h.err != nil {
			return nil, h.err
		}
		pts, err := h.rollup.CheckSeries(id, checkID, "value", history.Keep)
		var vals []float64
		for _, p := range pts {
			if p.Value != nil {
				vals = append(vals, *p.Value)
			}
		}
		return vals, err
	}
	pds.HistoryDetails = func(checkID string) ([]map[string]any, error) {
		if h.err != nil {
			return nil, h.err
		}
		return h.rollup.CheckDetails(id, checkID, history.KeepDetails)
	}
}

// ErrUnknownHistoryField is a --field the history does not record.
var ErrUnknownHistoryField = history.ErrUnknownField

// RecordedRuns lists the last runs of a config's history, newest first.
func RecordedRuns(ctx context.Context, cfg *config.Config, limit int) ([]history.RunSummary, error) {
	r, err := history.Load(ctx, cfg.History.Dir)
	if err != nil {
		return nil, err
	}
	return r.Runs(limit), nil
}

// CheckHistory is one check's recorded series (field: value, pass_rate,
// score, failed, rows or rows_total), oldest first: from the rollup, or
// from the runs' files when more runs are asked for than it keeps.
func CheckHistory(ctx context.Context, cfg *config.Config, dataset, check, field string, limit int) ([]history.Point, error) {
	r, err := history.Load(ctx, cfg.History.Dir)
	if err != nil {
		return nil, err
	}
	out, err := r.CheckSeries(dataset, check, field, limit)
	if !errors.Is(err, history.ErrBeyondRollup) {
		return out, err
	}
	err = withHistoryConn(ctx, func(q history.Querier) (err error) {
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
	h := loadHistory(context.Background(), cfg)
	return h.unreadable()
}

func (h *runHistory) unreadable() []string {
	if h == nil || h.err != nil {
		return nil
	}
	var out []string
	for _, u := range h.rollup.Unreadable(h.dir) {
		out = append(out, u.String())
	}
	return out
}
