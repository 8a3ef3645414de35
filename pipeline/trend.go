package pipeline

import (
	"context"
	"math"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
)

// fillTrends is the one place a run's trends are filled: every card and
// dataset gets its recent scores from the run history, this run last, and
// the change since the previous run; so does every check that did not
// pass, so that a page can say since when it fails (a passing check needs
// no trend, and thousands of them would weigh on every scorecard). A card
// the history cannot tell about
// (history off or empty, a ministry it has not seen, a history that
// cannot be read) gets at least its previous score from the run latest
// points at.
func fillTrends(ctx context.Context, db *engine.DB, cfg *config.Config, out *Outcome) error {
	var err error
	if !cfg.History.Off && !history.Empty(cfg.History.Dir) {
		err = trendsFromHistory(ctx, db, cfg, out)
	}
	if _, prev, lerr := scorecard.ReadLatest(cfg.Output.Dir); lerr == nil {
		for _, c := range out.Cards {
			if p, ok := prev[c.Ministry.ID]; ok && p.Score != nil && c.Trend == nil {
				c.Trend = &scorecard.Trend{PreviousScore: p.Score}
			}
		}
	}
	return err
}

func trendsFromHistory(ctx context.Context, db *engine.DB, cfg *config.Config, out *Outcome) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	n := cfg.History.Series - 1
	checks, err := history.CheckScores(ctx, conn, cfg.History.Dir, n)
	if err != nil {
		return err
	}
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
			for _, ch := range d.Checks {
				if ch.Status != scorecard.Pass {
					ch.Trend = trend(checks[history.CheckRef{Dataset: d.ID, Check: ch.ID}], out.Run, ch.Score)
				}
			}
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
