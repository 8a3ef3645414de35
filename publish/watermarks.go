package publish

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/watermark"
)

// Watermarks saves how far each incremental dataset was read, so the next
// run starts after it. It runs after the scorecards are published: a run
// that was not published must not move a window.
type Watermarks struct {
	OutputDir string
}

var _ Publisher = Watermarks{}

func (Watermarks) Name() string { return "watermarks" }

func (w Watermarks) Publish(_ context.Context, r *Run) error {
	if err := watermark.Save(w.OutputDir, r.Watermarks); err != nil {
		return fmt.Errorf("save incremental watermarks: %w", err)
	}
	return nil
}
