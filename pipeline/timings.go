package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/vn-registries/dq/publish"
)

// Timings are how long the steps of a run took: each dataset's, and the
// run's own after its datasets (scoring, trends, publishing, delivery).
// They say where a run's time goes; nothing is scored on them.
type Timings struct {
	Datasets []DatasetTimings
	mu       sync.Mutex
	steps    []Step
}

// DatasetTimings are one dataset's steps. Connect is until the source
// streams (connecting, a read-only transaction, describing the SELECT,
// for engine: source opening the session); Extract the time spent
// waiting for the source's rows, or DuckDB reading a file itself; Load
// the rest of putting the rows into the engine (DuckDB copying Arrow
// batches, counting, describing); Checks planning and running the
// checks and their examples. A stream overlaps Extract and Load: the
// source sends the next batch while DuckDB copies one.
type DatasetTimings struct {
	ID                             string
	Connect, Extract, Load, Checks time.Duration
}

// Step is one of the run's own steps, in the order they ran.
type Step struct {
	Name string
	Took time.Duration
}

// Steps are the run's own steps so far.
func (t *Timings) Steps() []Step {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Step(nil), t.steps...)
}

// add records a run step; a step run twice adds up.
func (t *Timings) add(name string, d time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range t.steps {
		if t.steps[i].Name == name {
			t.steps[i].Took += d
			return
		}
	}
	t.steps = append(t.steps, Step{Name: name, Took: d})
}

// since records a run step that started at t0.
func (t *Timings) since(name string, t0 time.Time) { t.add(name, time.Since(t0)) }

// Log writes the timings at debug level: one line per dataset, one for
// the run, in milliseconds.
func (t *Timings) Log(log *slog.Logger) {
	if t == nil || log == nil {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, d := range t.Datasets {
		log.Debug("dataset timings", "dataset", d.ID, "connect_ms", ms(d.Connect), "extract_ms", ms(d.Extract),
			"load_ms", ms(d.Load), "checks_ms", ms(d.Checks))
	}
	var attrs []any
	for _, s := range t.Steps() {
		attrs = append(attrs, s.Name+"_ms", ms(s.Took))
	}
	log.Debug("run timings", attrs...)
}

// Write prints the timings as two tables, in seconds: the datasets',
// then the run's own steps.
func (t *Timings) Write(w io.Writer) error {
	s := func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "dataset\tconnect s\textract s\tload s\tchecks s\t")
	for _, d := range t.Datasets {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", d.ID, s(d.Connect), s(d.Extract), s(d.Load), s(d.Checks))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run step\ts\t")
	for _, st := range t.Steps() {
		fmt.Fprintf(tw, "%s\t%s\t\n", st.Name, s(st.Took))
	}
	return tw.Flush()
}

// timedPublisher is a publisher whose staging (where its files are
// written: the pages, the history's Parquet) is timed as a run step.
type timedPublisher struct {
	publish.Publisher
	step string
	t    *Timings
}

func (p timedPublisher) Stage(ctx context.Context, r *publish.Run) (string, error) {
	defer p.t.since(p.step, time.Now())
	return p.Publisher.Stage(ctx, r)
}
