package pipeline

import (
	"context"
	"errors"
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
func fillTrends(ctx context.Context, db *engine.DB, cfg *config.Config, h *runHistory, out *Outcome) error {
	var err error
	if !h.empty() {
		err = trendsFromHistory(ctx, db, cfg, h, out)
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

func trendsFromHistory(ctx context.Context, db *engine.DB, cfg *config.Config, h *runHistory, out *Outcome) error {
	if h.err != nil {
		return h.err
	}
	n := cfg.History.Series - 1
	s := seriesReader{ctx: ctx, db: db, dir: cfg.History.Dir, rollup: h.rollup}
	defer s.close()
	checks, err := s.checkScores(n)
	if err != nil {
		return err
	}
	for _, c := range out.Cards {
		past, err := s.scoreSeries(c.Ministry.ID, "", n)
		if err != nil {
			return err
		}
		c.Trend = trend(past, out.Run, c.Score)
		for _, d := range c.Datasets {
			past, err := s.scoreSeries(c.Ministry.ID, d.ID, n)
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

// seriesReader answers trends from the rollup, and from the runs' files
// (a connection of the run's engine, opened once, when first needed) a
// trend longer than the rollup keeps (history.series above
// history.Keep + 1).
type seriesReader struct {
	ctx    context.Context
	db     *engine.DB
	dir    string
	rollup *history.Rollup
	conn   *engine.Conn
}

func (s *seriesReader) files() (*engine.Conn, error) {
	if s.conn == nil {
		c, err := s.db.Conn(s.ctx)
		if err != nil {
			return nil, err
		}
		s.conn = c
	}
	return s.conn, nil
}

func (s *seriesReader) close() {
	if s.conn != nil {
		s.conn.Close()
	}
}

func (s *seriesReader) checkScores(n int) (map[history.CheckRef][]history.Point, error) {
	out, err := s.rollup.CheckScores(n)
	if !errors.Is(err, history.ErrBeyondRollup) {
		return out, err
	}
	conn, err := s.files()
	if err != nil {
		return nil, err
	}
	return history.CheckScores(s.ctx, conn, s.dir, n)
}

func (s *seriesReader) scoreSeries(ministry, dataset string, n int) ([]history.Point, error) {
	out, err := s.rollup.ScoreSeries(ministry, dataset, n)
	if !errors.Is(err, history.ErrBeyondRollup) {
		return out, err
	}
	conn, err := s.files()
	if err != nil {
		return nil, err
	}
	return history.ScoreSeries(s.ctx, conn, s.dir, ministry, dataset, n)
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
