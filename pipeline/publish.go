package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/vn-registries/dq/publish"
	"github.com/vn-registries/dq/runlock"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

var (
	// ErrDelivery is a published run whose delivery to publish.http
	// failed; dq deliver sends what is left.
	ErrDelivery = publish.ErrDelivery
	// ErrCancelled is a run stopped (SIGINT, SIGTERM, a deadline) before
	// it was published: nothing of it is visible, nothing recorded.
	ErrCancelled = publish.ErrCancelled
	// ErrBusy is an output folder or history another dq process holds.
	ErrBusy = runlock.ErrBusy
)

// Published is a run after Publish: its folder, whether latest shows it
// and, when publish.http is set, what happened to each ministry's
// delivery.
type Published = publish.Run

// stateDir holds the watermarks and the publish journal of an output.
func stateDir(outputDir string) string { return filepath.Dir(watermark.File(outputDir)) }

// Lock takes the output folder and the run history for this process (what
// says what it is doing, for the message another process gets), then
// completes or undoes a publish a killed process left and removes its
// staged files. Release it when the run is published. A folder another
// process holds is an error wrapping ErrBusy, naming that process.
func Lock(p *Prepared, what string, log *slog.Logger) (*runlock.Lock, error) {
	cfg := p.Config
	dirs := []string{cfg.Output.Dir}
	if !cfg.History.Off {
		dirs = append(dirs, cfg.History.Dir)
	}
	l, err := runlock.Acquire(what, dirs...)
	if err != nil {
		return nil, err
	}
	var stores []string
	if !cfg.History.Off {
		stores = append(stores, cfg.History.Dir)
	}
	did, err := publish.Recover(cfg.Output.Dir, stateDir(cfg.Output.Dir), stores...)
	for _, d := range did {
		logger(log).Warn("recovered", "what", d)
	}
	if err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// Publish makes a run the published truth, as one transaction: what a
// published run is, is decided here and only here. The publishers are,
// in this order: the run folder with its scorecards and pages (latest
// switched to it, unless a later run is already there), the run history
// (unless history.off), the incremental watermarks; either all show the
// run or none does (publish.Sequence). Then, when publish.http is set,
// every ministry's scorecard is delivered; a failed delivery returns an
// error wrapping ErrDelivery with the run published. A ctx cancelled
// before the run becomes visible returns ErrCancelled and publishes
// nothing. Call it holding Lock.
func Publish(ctx context.Context, p *Prepared, out *Outcome, log *slog.Logger) (*Published, error) {
	cfg := p.Config
	t := out.Timings
	if t == nil {
		t = &Timings{} // a run read back: its steps are not shown
	}
	pubs := []publish.Publisher{timedPublisher{publish.Directory{Dir: cfg.Output.Dir}, "pages", t}}
	if !cfg.History.Off {
		pubs = append(pubs, timedPublisher{publish.History{Dir: cfg.History.Dir, Rollup: out.history.loaded()}, "history", t})
	}
	pubs = append(pubs, timedPublisher{publish.Watermarks{OutputDir: cfg.Output.Dir}, "watermarks", t})
	r := &publish.Run{Index: out.Index, Cards: out.Cards, Watermarks: out.Watermarks}
	var h *publish.HTTP
	if hc := cfg.Publish.HTTP; hc != nil {
		h = publish.NewHTTP(hc, os.Getenv, logger(log))
		for _, c := range out.Cards {
			r.Pending = append(r.Pending, c.Ministry.ID)
		}
	}
	t0 := time.Now()
	err := publish.Sequence(ctx, stateDir(cfg.Output.Dir), r, pubs...)
	// What the publishers' staging leaves: the journal, fsyncs, renames.
	staged := time.Duration(0)
	for _, s := range t.Steps() {
		if s.Name == "pages" || s.Name == "history" || s.Name == "watermarks" {
			staged += s.Took
		}
	}
	t.add("commit", time.Since(t0)-staged)
	if err != nil {
		return r, err
	}
	if h != nil {
		defer t.since("delivery", time.Now())
		return r, h.Deliver(ctx, r)
	}
	return r, nil
}

// Deliver sends again what a published run has not delivered yet (dq
// deliver, or a scheduler's retry of a published run), with the same
// idempotency keys. Call it holding Lock.
func Deliver(ctx context.Context, p *Prepared, runID string, log *slog.Logger) (*Published, error) {
	hc := p.Config.Publish.HTTP
	if hc == nil {
		return nil, errors.New("the config has no publish.http: there is nothing to deliver to")
	}
	return publish.NewHTTP(hc, os.Getenv, logger(log)).Redeliver(ctx, p.Config.Output.Dir, runID)
}

// PublishedRun reads a run already published under runID, as an Outcome,
// or returns an error wrapping os.ErrNotExist when there is none: a
// scheduler that retries a run with the same --run-id gets the published
// run back, not a second check of the data.
func PublishedRun(p *Prepared, runID string) (*Outcome, error) {
	idx, byID, err := scorecard.ReadRun(p.Config.Output.Dir, runID)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Run: idx.Run, Index: idx}
	for _, e := range idx.Ministries {
		c, ok := byID[e.ID]
		if !ok {
			return nil, fmt.Errorf("run %s: no scorecard for ministry %s", runID, e.ID)
		}
		out.Cards = append(out.Cards, c)
	}
	for _, d := range p.Config.Dimensions {
		out.Dimensions = append(out.Dimensions, d.ID)
	}
	return out, nil
}

func logger(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

// LatestRunID is the id of the run latest shows, or "" when none.
func LatestRunID(p *Prepared) string { return scorecard.LatestRunID(p.Config.Output.Dir) }
