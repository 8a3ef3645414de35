package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vn-registries/dq/atomicfile"
)

// DeliveryRecord is the file in the run's folder that says what happened
// to each ministry's delivery.
const DeliveryRecord = "delivery.json"

var _ Publisher = (*HTTP)(nil)

func (*HTTP) Name() string { return "delivery" }

// Publish POSTs every card, records the outcome in the run's folder and
// returns an error wrapping ErrDelivery, one line per ministry not
// delivered, when any was not.
func (h *HTTP) Publish(ctx context.Context, r *Run) error {
	r.Deliveries = h.Deliver(ctx, r.Index.Run.ID, r.Cards)
	if r.Dir != "" {
		raw, _ := json.MarshalIndent(r.Deliveries, "", "  ")
		if err := atomicfile.WriteFile(filepath.Join(r.Dir, DeliveryRecord), append(raw, '\n')); err != nil && h.Logger != nil {
			// The delivery itself happened; only its record is missing.
			h.Logger.Warn("delivery record not written", "error", err)
		}
	}
	var failed []string
	for _, d := range r.Deliveries {
		if !d.Delivered {
			failed = append(failed, fmt.Sprintf("delivery of %s to %s failed after %d attempts: %s", d.Ministry, h.Endpoint(), d.Attempts, d.Error))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w:\n%s", ErrDelivery, strings.Join(failed, "\n"))
	}
	return nil
}
