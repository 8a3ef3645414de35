package publish

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/scorecard"
)

// Directory writes the run's scorecards and pages to <Dir>/runs/<id>/ and
// switches <Dir>/latest to it (scorecard.WriteRun: atomic, validated
// against the schema).
type Directory struct {
	Dir string
}

var _ Publisher = Directory{}

func (Directory) Name() string { return "scorecards" }

func (d Directory) Publish(_ context.Context, r *Run) error {
	pages, err := report.Render(r.Index, r.Cards)
	if err != nil {
		return fmt.Errorf("publish scorecards: render the scorecard page: %w", err)
	}
	dir, err := scorecard.WriteRun(d.Dir, r.Index, r.Cards, pages)
	if dir != "" {
		r.Dir = dir
	}
	if err != nil {
		return fmt.Errorf("publish scorecards: %w", err)
	}
	return nil
}
