package publish

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/history"
)

// History appends the run to the run history, which trends and anomaly
// checks of later runs read.
type History struct {
	Dir string
}

var _ Publisher = History{}

func (History) Name() string { return "history" }

func (h History) Publish(_ context.Context, r *Run) error {
	if err := history.Append(h.Dir, r.Index.Run, r.Cards); err != nil {
		return fmt.Errorf("record run history: %w", err)
	}
	return nil
}
