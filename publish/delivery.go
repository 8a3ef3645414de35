package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vn-registries/dq/atomicfile"
	"github.com/vn-registries/dq/scorecard"
)

// DeliveryRecord is the file in the run's folder that says what happened
// to each ministry's delivery; a ministry not delivered yet has
// delivered: false and no attempts.
const DeliveryRecord = "delivery.json"

// IdempotencyKey is the key a ministry's scorecard of a run is POSTed
// with, the same on every attempt and every later delivery of that run.
func IdempotencyKey(runID, ministry string) string { return runID + "/" + ministry }

// Deliver POSTs r's cards (a committed run: r.Dir is its folder), records
// the outcome in the run's folder and returns an error wrapping
// ErrDelivery, one line per ministry not delivered, when any was not.
func (h *HTTP) Deliver(ctx context.Context, r *Run) error {
	return h.deliverCards(ctx, r, r.Cards)
}

// Redeliver delivers again what a published run of outputDir has not
// delivered yet (its record says pending or failed; every ministry when
// it has no record), with the same idempotency keys, and updates the
// record. Ministries already delivered are not sent again.
func (h *HTTP) Redeliver(ctx context.Context, outputDir, runID string) (*Run, error) {
	idx, byID, err := scorecard.ReadRun(outputDir, runID)
	if err != nil {
		return nil, err
	}
	r := &Run{Index: idx, Dir: RunDir(outputDir, runID)}
	done := map[string]Delivery{}
	if raw, err := os.ReadFile(filepath.Join(r.Dir, DeliveryRecord)); err == nil {
		var prev []Delivery
		if err := json.Unmarshal(raw, &prev); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(r.Dir, DeliveryRecord), err)
		}
		for _, d := range prev {
			if d.Delivered {
				done[d.Ministry] = d
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var todo []*scorecard.Card
	for _, e := range idx.Ministries {
		if _, ok := done[e.ID]; !ok {
			todo = append(todo, byID[e.ID])
		}
	}
	r.Cards = todo
	err = h.deliverCards(ctx, r, todo)
	// The record keeps the earlier deliveries, in the index's order.
	var all []Delivery
	fresh := map[string]Delivery{}
	for _, d := range r.Deliveries {
		fresh[d.Ministry] = d
	}
	for _, e := range idx.Ministries {
		if d, ok := done[e.ID]; ok {
			all = append(all, d)
		} else if d, ok := fresh[e.ID]; ok {
			all = append(all, d)
		}
	}
	r.Deliveries = all
	if werr := writeRecord(r.Dir, all); werr != nil && err == nil {
		err = werr
	}
	return r, err
}

func (h *HTTP) deliverCards(ctx context.Context, r *Run, cards []*scorecard.Card) error {
	r.Deliveries = h.deliverAll(ctx, r.Index.Run.ID, cards)
	if r.Dir != "" {
		if err := writeRecord(r.Dir, r.Deliveries); err != nil && h.Logger != nil {
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

func writeRecord(runDir string, ds []Delivery) error {
	raw, _ := json.MarshalIndent(ds, "", "  ")
	return atomicfile.WriteFile(filepath.Join(runDir, DeliveryRecord), append(raw, '\n'))
}
