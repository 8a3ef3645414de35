package publish

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/scorecard"
)

// Directory publishes the run's scorecards and pages to <Dir>/runs/<id>/
// and switches <Dir>/latest to it (scorecard.StageRun, CommitRun: atomic,
// validated against the schema, latest never moved back).
type Directory struct {
	Dir string
}

var _ Publisher = Directory{}

func (Directory) Name() string    { return "scorecards" }
func (d Directory) Store() string { return d.Dir }

// Stage writes the run folder, with its delivery record listing r.Pending
// as not yet delivered.
func (d Directory) Stage(_ context.Context, r *Run) (string, error) {
	pages, err := report.Render(r.Index, r.Cards)
	if err != nil {
		return "", fmt.Errorf("publish scorecards: render the scorecard page: %w", err)
	}
	if len(r.Pending) > 0 {
		pending := make([]Delivery, len(r.Pending))
		for i, m := range r.Pending {
			pending[i] = Delivery{Ministry: m, IdempotencyKey: IdempotencyKey(r.Index.Run.ID, m)}
		}
		raw, _ := json.MarshalIndent(pending, "", "  ")
		pages[DeliveryRecord] = append(raw, '\n')
	}
	tmp, err := scorecard.StageRun(d.Dir, r.Index, r.Cards, pages)
	if err != nil {
		return "", fmt.Errorf("publish scorecards: %w", err)
	}
	return tmp, nil
}

func (d Directory) Commit(run scorecard.Run, staged string) error {
	_, _, err := d.commit(run, staged)
	return err
}

func (d Directory) commit(run scorecard.Run, staged string) (string, bool, error) {
	dir, switched, err := scorecard.CommitRun(d.Dir, staged, run)
	if err != nil {
		err = fmt.Errorf("publish scorecards: %w", err)
	}
	return dir, switched, err
}
