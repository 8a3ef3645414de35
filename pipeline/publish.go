package pipeline

import (
	"context"
	"log/slog"
	"os"

	"github.com/vn-registries/dq/publish"
)

// ErrDelivery is a published run whose delivery to publish.http failed.
var ErrDelivery = publish.ErrDelivery

// Published is a run after Publish: its folder and, when publish.http is
// set, what happened to each ministry's delivery.
type Published = publish.Run

// Publish makes a run the published truth. What a published run is, is
// decided here and only here: in this order, the run folder with its
// scorecards and pages (latest switched to it), the run history (unless
// history.off), the incremental watermarks, then the delivery to
// publish.http when configured. A step that fails stops the ones after it;
// a failed delivery (the last step) returns an error wrapping ErrDelivery
// with the files all published.
func Publish(ctx context.Context, p *Prepared, out *Outcome, log *slog.Logger) (*Published, error) {
	cfg := p.Config
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pubs := []publish.Publisher{publish.Directory{Dir: cfg.Output.Dir}}
	if !cfg.History.Off {
		pubs = append(pubs, publish.History{Dir: cfg.History.Dir})
	}
	pubs = append(pubs, publish.Watermarks{OutputDir: cfg.Output.Dir})
	if h := cfg.Publish.HTTP; h != nil {
		pubs = append(pubs, publish.NewHTTP(h, os.Getenv, log))
	}
	r := &publish.Run{Index: out.Index, Cards: out.Cards, Watermarks: out.Watermarks}
	return r, publish.Sequence(ctx, r, pubs...)
}
