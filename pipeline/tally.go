package pipeline

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/sampling"
)

// tallies counts, between the phases, the rows of other datasets that
// checks compare with (checks.Tallied), each where it lives: in the
// engine for a loaded dataset, in a read-only session of its own for an
// engine: source one. Each (dataset, filter) is counted once.
func (r *run) tallies(ctx context.Context, conn *engine.Conn) map[checks.TallyRequest]planner.TallyResult {
	out := map[checks.TallyRequest]planner.TallyResult{}
	byID := map[string]*datasetRun{}
	for _, d := range r.datasets {
		byID[d.cfg.ID] = d
	}
	for _, d := range r.datasets {
		for _, b := range r.p.Checks[d.cfg.ID] {
			t, ok := b.Check.(checks.Tallied)
			if !ok {
				continue
			}
			for _, req := range t.Tallies() {
				if _, done := out[req]; done {
					continue
				}
				o, ok := byID[req.Dataset]
				if !ok {
					out[req] = planner.TallyResult{Err: fmt.Errorf("dataset %q is not part of this run", req.Dataset)}
					continue
				}
				tally, err := r.tally(ctx, conn, o, req.Where)
				if err != nil {
					err = fmt.Errorf("%s", scrub(r.cfg, err.Error()))
				}
				out[req] = planner.TallyResult{Tally: tally, Err: err}
			}
		}
	}
	return out
}

// tally counts o's rows, and those matching where, as read (after its
// where:, sample and incremental window), with its N.
func (r *run) tally(ctx context.Context, conn *engine.Conn, o *datasetRun, where string) (checks.Tally, error) {
	t := checks.Tally{Sample: sampling.Of(o.cfg), Total: -1}
	if o.err != nil {
		return t, fmt.Errorf("dataset %s could not be read: %v", o.cfg.ID, o.err)
	}
	var ex planner.Executor = conn
	relation := o.described.Table
	if o.access.path == checkInSource {
		sess, err := o.access.pushdown.Session(ctx, connectors.Request{Dataset: o.read})
		if err != nil {
			return t, err
		}
		defer sess.Close()
		ex, relation = sess, sess.Relation()
		if o.sampled() && o.access.counter != nil {
			if t.Total, err = o.access.counter.Count(ctx, connectors.Request{Dataset: o.read}); err != nil {
				return t, err
			}
		}
	} else {
		t.Total = o.described.RowsTotal
	}
	matching := "COUNT(*)"
	if where != "" {
		matching = dialect.CountIf("COALESCE((" + where + "), FALSE)")
	}
	row, err := ex.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*), %s FROM %s", matching, relation))
	if err != nil {
		return t, err
	}
	t.Read, t.Matching = checks.ToInt64(row[0]), checks.ToInt64(row[1])
	if !o.sampled() {
		t.Total = t.Read
	}
	return t, nil
}
