// Package publish makes a checked run the published truth. A run is
// published by an ordered list of publishers, each one implementation of
// Publisher, driven by Sequence: the run folder with its scorecards and
// pages (Directory, which switches latest), the run history (History), the
// incremental watermarks (Watermarks), then the delivery to a dashboard's
// endpoint (HTTP). Which publishers a config gets, and in which order, is
// decided in one place: pipeline's Publish.
//
// Files always come first, so a failed delivery never loses a run; a
// publisher that fails stops the sequence, so history and watermarks never
// record a run whose scorecards were not written.
package publish

import (
	"context"
	"errors"

	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// Run is a checked run on its way out.
type Run struct {
	Index *scorecard.Index
	Cards []*scorecard.Card
	// Watermarks reached by incremental datasets, saved once the
	// scorecards are published.
	Watermarks watermark.Marks

	// Dir is the run's published folder, set by Directory.
	Dir string
	// Deliveries are the HTTP outcomes per ministry, set by HTTP.
	Deliveries []Delivery
}

// Publisher is one way a run leaves dq.
type Publisher interface {
	// Name says what it publishes, for messages ("scorecards",
	// "history", ...).
	Name() string
	// Publish does its part; it may read what earlier publishers of the
	// sequence set on r (Dir) and set its own results.
	Publish(ctx context.Context, r *Run) error
}

// ErrDelivery is a run whose files are published but whose delivery to
// an endpoint failed; Run.Deliveries says which and why.
var ErrDelivery = errors.New("delivery failed")

// Sequence runs the publishers in order and stops at the first that fails.
func Sequence(ctx context.Context, r *Run, pubs ...Publisher) error {
	for _, p := range pubs {
		if err := p.Publish(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
