package pipeline

import (
	"fmt"

	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/scorecard"
)

// Publish writes the run's scorecards under dir (runs/<id>/, then latest
// switched atomically) with the HTML page, filling each card's trend from
// the run it replaces when there is no run history.
func Publish(dir string, out *Outcome) (string, error) {
	if _, prev, err := scorecard.ReadLatest(dir); err == nil {
		for _, c := range out.Cards {
			if p, ok := prev[c.Ministry.ID]; ok && p.Score != nil && c.Trend == nil {
				c.Trend = &scorecard.Trend{PreviousScore: p.Score}
			}
		}
	}
	pages, err := report.Render(out.Index, out.Cards)
	if err != nil {
		return "", fmt.Errorf("render the scorecard page: %w", err)
	}
	return scorecard.WriteRun(dir, out.Index, out.Cards, pages)
}
