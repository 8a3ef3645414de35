package pipeline

import (
	"context"
	"fmt"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// errInSource is what a join with an engine: source dataset meets;
// Prepare refuses such configs, so it shows only if that check is skipped.
var errInSource = fmt.Errorf("the dataset runs in its source (engine: source), so it cannot be joined in the embedded engine")

// errEmbedded is what a join from an engine: source dataset with one
// loaded into the embedded engine meets; Prepare refuses it too.
var errEmbedded = fmt.Errorf("the dataset is loaded into the embedded engine, so a dataset checked in its source cannot join it")

// openInSource opens a read-only session on an engine: source dataset and
// describes it for the planner: the columns as the source declares them,
// N from the source. The caller closes d.session.
func (r *run) openInSource(ctx context.Context, d *datasetRun) error {
	sess, err := d.access.pushdown.Session(ctx, connectors.Request{Dataset: d.read})
	if err != nil {
		return err
	}
	if err := r.describeSession(ctx, d, sess); err != nil {
		sess.Close()
		return err
	}
	d.session = sess
	return nil
}

func (r *run) describeSession(ctx context.Context, d *datasetRun, sess connectors.Session) error {
	dl := sess.Dialect()
	fam, ok := dl.(interface{ FamilyOf(string) dialect.Family })
	if !ok {
		return fmt.Errorf("dataset %s: the %s dialect cannot classify column types", d.cfg.ID, dl.Name())
	}
	srcCols, err := sess.Columns(ctx)
	if err != nil {
		return err
	}
	cols := make([]checks.Column, len(srcCols))
	for i, sc := range srcCols {
		cols[i] = checks.Column{Name: sc.Name, Type: sc.Type, Family: fam.FamilyOf(sc.Type), SQL: dl.Ident(sc.Name)}
	}
	d.statement = fmt.Sprintf("-- engine: source: every query below runs in source %s, reading\n-- FROM %s", d.cfg.Source, sess.Relation())
	rowsTotal := int64(-1)
	if d.access.counter != nil && d.sampled() {
		if rowsTotal, err = d.access.counter.Count(ctx, connectors.Request{Dataset: d.read}); err != nil {
			return err
		}
	}
	return r.describe(d, dl, sess.Relation(), cols, rowsTotal)
}
