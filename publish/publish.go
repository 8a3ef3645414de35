// Package publish makes a checked run the published truth, as one
// transaction from a reader's point of view: the run folder with its
// scorecards and pages (Directory, which switches latest), the run
// history (History) and the incremental watermarks (Watermarks) either
// all show the run or none does. Which publishers a config gets is decided
// in one place: pipeline's Publish. The delivery to a dashboard's endpoint
// (HTTP) comes after, as it cannot be undone; its record says what is
// left to deliver (dq deliver).
//
// How: every publisher first stages its part where no reader looks
// (everything that can fail for want of space or permission fails here,
// and is then removed); then a journal naming the staged parts is written;
// then each part is committed with renames only, the run folder first, as
// its switch of latest is the moment the run becomes visible; then the
// journal is removed. A process killed at any line leaves either staged
// parts (removed by the next run) or a journal (the next run completes the
// commit when the run folder is in place, or undoes it when not: Recover).
package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// Run is a checked run on its way out.
type Run struct {
	Index *scorecard.Index
	Cards []*scorecard.Card
	// Watermarks reached by incremental datasets.
	Watermarks watermark.Marks
	// Pending lists the ministries whose delivery is still to come: the
	// run folder records them as such until HTTP has delivered.
	Pending []string

	// Dir is the run's published folder, set once committed.
	Dir string
	// Latest reports whether latest shows this run (false when a run that
	// started later was already published).
	Latest bool
	// Deliveries are the HTTP outcomes per ministry, set by HTTP.
	Deliveries []Delivery
}

// Publisher is one store a run is published to.
type Publisher interface {
	// Name says what it publishes ("scorecards", "history",
	// "watermarks"); the journal names steps by it.
	Name() string
	// Store is the folder it publishes into.
	Store() string
	// Stage writes the publisher's part where no reader looks and returns
	// its path ("" when it has nothing to write).
	Stage(ctx context.Context, r *Run) (staged string, err error)
	// Commit makes a staged part visible, with renames only. It gets what
	// a journal can give back after a crash: the run and the staged path.
	Commit(run scorecard.Run, staged string) error
}

// ErrDelivery is a run whose files are published but whose delivery to
// an endpoint failed; Run.Deliveries says which and why.
var ErrDelivery = errors.New("delivery failed")

// ErrCancelled is a publish stopped before its commit: nothing of the run
// is visible.
var ErrCancelled = errors.New("cancelled before the run was published")

// Sequence publishes r to every publisher as one transaction; state is
// the folder its journal goes to (<output>/state). The first publisher
// must be the Directory: its commit is the moment the run becomes
// visible. A cancelled ctx stops it before that moment, never after.
func Sequence(ctx context.Context, state string, r *Run, pubs ...Publisher) error {
	run := r.Index.Run
	j := &journal{RunID: run.ID, StartedAt: run.StartedAt}
	abort := func() {
		for _, s := range j.Steps {
			os.RemoveAll(s.Tmp)
		}
	}
	for _, p := range pubs {
		staged, err := p.Stage(ctx, r)
		if err != nil {
			abort()
			return err
		}
		if staged != "" {
			j.Steps = append(j.Steps, step{Name: p.Name(), Store: p.Store(), Tmp: staged})
		}
	}
	if err := ctx.Err(); err != nil {
		abort()
		return fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	jpath, err := j.write(state)
	if err != nil {
		abort()
		return fmt.Errorf("publish: journal: %w", err)
	}
	// From here on the run is being published: a signal no longer stops
	// it, and a crash is completed or undone by the next run.
	for i, s := range j.Steps {
		err := commit(s, run, r)
		if err == nil {
			continue
		}
		if i == 0 && r.Dir == "" {
			// The run folder is not in place: nothing is visible yet.
			abort()
			os.Remove(jpath)
			return err
		}
		return fmt.Errorf("%w (the run is published; the next run completes the rest from %s)", err, jpath)
	}
	return removeJournal(jpath)
}

// commit commits one step of a journal, recording on r what a reader
// can now see.
func commit(s step, run scorecard.Run, r *Run) error {
	p, err := publisherFor(s)
	if err != nil {
		return err
	}
	if d, ok := p.(Directory); ok {
		dir, switched, err := d.commit(run, s.Tmp)
		if r != nil {
			r.Dir, r.Latest = dir, switched
		}
		return err
	}
	return p.Commit(run, s.Tmp)
}

// publisherFor is the publisher of a journal's step, back from its name.
func publisherFor(s step) (Publisher, error) {
	switch s.Name {
	case Directory{}.Name():
		return Directory{Dir: s.Store}, nil
	case History{}.Name():
		return History{Dir: s.Store}, nil
	case Watermarks{}.Name():
		return Watermarks{OutputDir: s.Store}, nil
	}
	return nil, fmt.Errorf("publish: journal step %q is not a publisher of this dq", s.Name)
}

// RunDir is a published run's folder in an output folder.
func RunDir(outputDir, runID string) string {
	return filepath.Join(outputDir, scorecard.RunsDir, runID)
}
