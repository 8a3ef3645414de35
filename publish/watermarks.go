package publish

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// Watermarks saves how far each incremental dataset was read, so the next
// run starts after it. A run that was not published must not move a
// window, so it is committed with the run.
type Watermarks struct {
	OutputDir string
}

var _ Publisher = Watermarks{}

func (Watermarks) Name() string    { return "watermarks" }
func (w Watermarks) Store() string { return w.OutputDir }

func (w Watermarks) Stage(_ context.Context, r *Run) (string, error) {
	tmp, err := watermark.Stage(w.OutputDir, r.Watermarks)
	if err != nil {
		return "", fmt.Errorf("save incremental watermarks: %w", err)
	}
	return tmp, nil
}

func (w Watermarks) Commit(_ scorecard.Run, staged string) error {
	if err := watermark.Commit(w.OutputDir, staged); err != nil {
		return fmt.Errorf("save incremental watermarks: %w", err)
	}
	return nil
}
