package publish

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
)

// History appends the run to the run history, which trends and anomaly
// checks of later runs read.
type History struct {
	Dir string
	// Rollup is the history the run loaded, which the record adds the
	// run to; nil reads it.
	Rollup *history.Rollup
}

var _ Publisher = History{}

func (History) Name() string    { return "history" }
func (h History) Store() string { return h.Dir }

func (h History) Stage(_ context.Context, r *Run) (string, error) {
	tmp, err := history.StageOnto(h.Dir, h.Rollup, r.Index.Run, r.Cards)
	if err != nil {
		return "", fmt.Errorf("record run history: %w", err)
	}
	return tmp, nil
}

func (h History) Commit(run scorecard.Run, staged string) error {
	if err := history.Commit(h.Dir, staged, run.ID); err != nil {
		return fmt.Errorf("record run history: %w", err)
	}
	return nil
}
