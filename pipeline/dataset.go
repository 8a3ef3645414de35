package pipeline

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/sampling"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// datasetRun is one dataset on its way through a run: how it is read,
// where its rows are, what the planner knows of it and what was found.
// Each step reads what the steps before it filled; a step that fails sets
// err, and the dataset is reported as error while the others go on.
type datasetRun struct {
	index int
	cfg   *config.Dataset // as configured
	// read is what is read: cfg with its incremental window added to
	// where:.
	read   *config.Dataset
	access access
	// columns are the columns to read (neededColumns); nil reads all.
	columns []string
	// sourceColumns are every column of the source, with DuckDB's types,
	// when only some were loaded: the planner sees them all, so that a
	// schema check sees the source and a check naming a column the
	// source lacks lists the source's. nil when all were loaded.
	sourceColumns []engine.Column

	// table is the DuckDB table the rows were loaded into; "" when the
	// checks run in the source.
	table string
	// statement says how the rows got there, for --explain.
	statement string
	// described is the dataset as the planner sees it: relation, columns,
	// N, whether it is a sample.
	described planner.Dataset
	// session is the source's, for engine: source, open during checking.
	session connectors.Session
	// loadTime is how long loading took, part of the dataset's duration.
	loadTime time.Duration
	// timings are where the dataset's time went (--timings).
	timings DatasetTimings
	err     error

	result *scorecard.Dataset
	mark   *watermark.Mark
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// tableName is a dataset's table in the engine: unique per run, and safe
// whatever its id.
func tableName(i int, id string) string {
	return fmt.Sprintf("ds%d_%s", i, strings.Trim(unsafeName.ReplaceAllString(id, "_"), "_"))
}

// sampled reports whether the rows checked are a sample.
func (d *datasetRun) sampled() bool { return d.cfg.Sample.Method != "full" }

// executor is where the dataset's queries run: its source's session for
// engine: source, else the engine connection given.
func (d *datasetRun) executor(conn *engine.Conn) planner.Executor {
	if d.session != nil {
		return d.session
	}
	return conn
}

// asOther is the dataset as another dataset's cross-registry check sees
// it: its table in the engine, or why there is none. inSource is the
// view of a dataset checked in the same source: an engine: source
// dataset's relation there (opened early, see joinedInSource), and no
// table of the engine.
func (d *datasetRun) asOther(inSource bool) planner.OtherResult {
	switch {
	case d.err != nil:
		return planner.OtherResult{Err: d.err}
	case (d.access.path == checkInSource) != inSource:
		if inSource {
			return planner.OtherResult{Err: errEmbedded}
		}
		return planner.OtherResult{Err: errInSource}
	case inSource && d.session == nil:
		return planner.OtherResult{Err: errInSource}
	}
	pds := d.described
	table := pds.Table
	if inSource {
		table = "(SELECT * FROM " + table + ")" // the relation carries its alias
	}
	return planner.OtherResult{Relation: &checks.Relation{ID: d.cfg.ID, Table: table,
		Columns: pds.Columns, Key: d.cfg.Key, Sample: pds.Sample, RowsTotal: pds.RowsTotal, Master: d.cfg.Master}}
}

// describeTable describes a loaded table for the planner; rowsTotal is N
// when known, -1 otherwise.
func (r *run) describeTable(ctx context.Context, conn *engine.Conn, d *datasetRun, rowsTotal int64) error {
	duck := dialect.DuckDB{}
	desc := d.sourceColumns
	if desc == nil {
		var err error
		if desc, err = conn.Describe(ctx, d.table); err != nil {
			return err
		}
	}
	cols := make([]checks.Column, len(desc))
	for i, c := range desc {
		cols[i] = checks.Column{Name: c.Name, Type: c.Type, Family: duck.FamilyOf(c.Type), SQL: duck.Ident(c.Name)}
	}
	return r.describe(d, duck, duck.Ident(d.table), cols, rowsTotal)
}

// describe sets what the planner knows of a dataset: its relation (a
// quoted table or a FROM item) in dialect dl, its columns and N.
func (r *run) describe(d *datasetRun, dl dialect.Dialect, relation string, cols []checks.Column, rowsTotal int64) error {
	ds := d.cfg
	loc, err := r.cfg.DatasetTimezone(ds)
	if err != nil {
		return err
	}
	if ds.Key != "" {
		found := false
		for _, c := range cols {
			found = found || c.Name == ds.Key
		}
		if !found {
			return fmt.Errorf("dataset %s: key column %q not found", ds.ID, ds.Key)
		}
	}
	d.described = planner.Dataset{
		Dialect: dl, Table: relation, Columns: cols, Key: ds.Key, Now: r.start.In(loc),
		Tokens:    func(c *config.Check) []string { return r.cfg.MissingTokens(ds, c) },
		RowsTotal: rowsTotal, Sampled: d.sampled(), Sample: sampling.Of(ds),
	}
	return nil
}
