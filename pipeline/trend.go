package pipeline

import (
	"context"
	"math"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
)

// fillTrends gives every card and dataset its recent scores from the run
// history, this run last, and the change since the previous run.
func fillTrends(ctx context.Context, db *engine.DB, cfg *config.Config, out *Outcome) error {
	if cfg.History.Off || history.Empty(cfg.History.Dir) {
		return nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	n := cfg.History.Series - 1
	for _, c := range out.Cards {
		past, err := history.ScoreSeries(ctx, conn, cfg.History.Dir, c.Ministry.ID, "", n)
		if err != nil {
			return err
		}
		c.Trend = trend(past, out.Run, c.Score)
		for _, d := range c.Datasets {
			past, err := history.ScoreSeries(ctx, conn, cfg.History.Dir, c.Ministry.ID, d.ID, n)
			if err != nil {
				return err
			}
			d.Trend = trend(past, out.Run, d.Score)
		}
	}
	return nil
}

func trend(past []history.Point, run scorecard.Run, now *float64) *scorecard.Trend {
	if len(past) == 0 {
		return nil
	}
	t := &scorecard.Trend{PreviousScore: past[len(past)-1].Value}
	if t.PreviousScore != nil && now != nil {
		ch := math.Round((*now-*t.PreviousScore)*100) / 100
		t.Change = &ch
	}
	for _, p := range past {
		t.Series = append(t.Series, scorecard.Point{RunID: p.RunID, At: p.At, Score: p.Value})
	}
	t.Series = append(t.Series, scorecard.Point{RunID: run.ID, At: run.StartedAt, Score: now})
	return t
}

// RecordHistory appends a published run to the history store.
func RecordHistory(cfg *config.Config, out *Outcome) error {
	if cfg.History.Off {
		return nil
	}
	return history.Append(cfg.History.Dir, out.Run, out.Cards)
}
