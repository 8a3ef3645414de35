package pipeline

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/progress"
	"github.com/vn-registries/dq/sampling"
)

// load brings a dataset's rows into its table in the engine, the way its
// access says, and describes the table for the planner. For --explain
// (explain set) nothing is read: a file becomes a view, a stream stops at
// its schema. Errors keep the connector's in their chain, so errors.Is
// tells its kind (connectors.ErrConnect...).
func (r *run) load(ctx context.Context, conn *engine.Conn, d *datasetRun, explain bool) error {
	t0 := time.Now()
	defer func() {
		// Load is what connecting and extracting leave of the whole.
		d.timings.Load = time.Since(t0) - d.timings.Connect - d.timings.Extract
	}()
	ds := d.read
	d.table = tableName(d.index, ds.ID)
	keep := engine.Selection{Where: duckFilter(ds), Sample: duckSample(ds)}
	rowsTotal := int64(-1)
	var err error
	switch d.access.path {
	case readDirect:
		var done func(error) error
		if keep.From, done, err = d.access.direct.Relation(ds); err != nil {
			return err
		}
		if d.columns != nil {
			// The file's columns, from its metadata or the header the
			// connector gave; the relation reads only those kept.
			desc, err := conn.DescribeRelation(ctx, keep.From)
			if err != nil {
				return readError(ds, done(err))
			}
			if keep.Columns = keptColumns(d.columns, columnNames(desc)); keep.Columns != nil {
				d.sourceColumns = desc
			}
		}
		if explain {
			d.statement, err = conn.CreateView(ctx, d.table, keep)
			if err != nil {
				return err
			}
			return r.describeTable(ctx, conn, d, rowsTotal)
		}
		d.timings.Connect = time.Since(t0)
		if d.sampled() {
			rowsTotal, err = conn.Count(ctx, keep.From, ds.Where)
		}
		if err == nil {
			// DuckDB reads the file itself: its read is the extract.
			t1 := time.Now()
			d.statement, err = conn.CreateTable(ctx, d.table, keep)
			d.timings.Extract = time.Since(t1)
		}
		// The source tells whether DuckDB read one version of it (a file
		// rewritten meanwhile fails here), and words a failed read.
		if err = done(err); err != nil {
			return readError(ds, err)
		}
	case streamFiltered, streamThenFilter:
		d.statement = "-- streamed through Arrow from source " + ds.Source
		raw := d.table + "__raw"
		if d.access.path == streamFiltered {
			// The source applied where:, sample: and the window already:
			// the stream is the table.
			raw = d.table
		}
		if err := r.stream(ctx, conn, d, raw, explain); err != nil {
			return err
		}
		if d.access.path == streamFiltered {
			if d.access.counter != nil && d.sampled() {
				if rowsTotal, err = d.access.counter.Count(ctx, connectors.Request{Dataset: ds}); err != nil {
					return err
				}
			}
			break
		}
		keep.From = dialect.DuckDB{}.Ident(raw)
		if d.columns != nil {
			// A where: may read any column, so the stream kept them all:
			// the table keeps only those needed.
			desc, err := conn.Describe(ctx, raw)
			if err != nil {
				return err
			}
			if keep.Columns = keptColumns(d.columns, columnNames(desc)); keep.Columns != nil {
				d.sourceColumns = desc
			}
		}
		if d.sampled() {
			if rowsTotal, err = conn.Count(ctx, keep.From, ds.Where); err != nil {
				return readError(ds, err)
			}
		}
		if _, err := conn.CreateTable(ctx, d.table, keep); err != nil {
			return readError(ds, err)
		}
		if err := conn.DropTable(ctx, raw); err != nil {
			return err
		}
	default:
		return fmt.Errorf("dataset %s: nothing to load, its checks run in the source", ds.ID)
	}
	// N, when every row was read, is the rows loaded (the checks count
	// the rows they read in their own scan).
	if !d.sampled() {
		if rowsTotal, err = conn.Count(ctx, dialect.DuckDB{}.Ident(d.table), ""); err != nil {
			return err
		}
	}
	return r.describeTable(ctx, conn, d, rowsTotal)
}

// stream loads the connector's Arrow stream of d into table; for
// --explain, only its schema. A database source selects the columns d
// needs itself; another stream is narrowed here, unless a where:
// applied after it may read any column.
func (r *run) stream(ctx context.Context, conn *engine.Conn, d *datasetRun, table string, explain bool) error {
	a, ds := d.access, d.read
	req := connectors.Request{Dataset: ds}
	if a.path == streamFiltered {
		req.Columns = d.columns
	}
	t0 := time.Now()
	rdr, err := a.connector.Extract(ctx, req)
	d.timings.Connect = time.Since(t0)
	if err != nil {
		return err
	}
	if q, ok := rdr.(connectors.Queried); ok {
		d.statement = "-- streamed through Arrow from source " + ds.Source + ", which runs:\n" + q.Query()
		r.log.Debug("extract query", "dataset", ds.ID, "query", q.Query())
	}
	if a.path == streamThenFilter && d.cfg.Where == "" {
		var names []string
		for _, f := range rdr.Schema().Fields() {
			names = append(names, f.Name)
		}
		rdr = project(rdr, keptColumns(d.columns, names))
	}
	if n, ok := rdr.(connectors.Narrowed); ok && !n.SourceSchema().Equal(rdr.Schema()) {
		// The columns left in the source, typed as DuckDB would have
		// loaded them, for the checks of names and types.
		if d.sourceColumns, err = conn.DescribeArrow(ctx, n.SourceSchema()); err != nil {
			rdr.Release()
			return err
		}
	}
	if explain {
		// Planning needs the schema only: stop the extract at once.
		schema := rdr.Schema()
		rdr.Release()
		if rdr, err = array.NewRecordReader(schema, nil); err != nil {
			return err
		}
	}
	total := int64(-1)
	if a.counter != nil && ds.Sample.Method == "full" && !explain && r.watched() {
		// The time left needs the total: one COUNT(*) in the source,
		// only when someone watches.
		if n, err := a.counter.Count(ctx, connectors.Request{Dataset: ds}); err == nil {
			total = n
		}
	}
	c := &counting{RecordReader: rdr, report: func(rows int64) {
		r.observe(progress.Event{Kind: progress.RowsLoaded, Dataset: ds.ID, Rows: rows, Total: total})
	}}
	err = conn.LoadArrow(ctx, table, c)
	d.timings.Extract = c.waited
	if rerr := rdr.Err(); err != nil && rerr != nil {
		// DuckDB tells a failed stream as text only: keep its message,
		// with the connector's error in the chain.
		err = connectors.Mark(rerr, err)
	}
	rdr.Release()
	if err != nil {
		return readError(ds, err)
	}
	return nil
}

// counting tells how many rows of a stream were read, batch by batch,
// and how long its reader kept DuckDB waiting for them.
type counting struct {
	array.RecordReader
	rows   int64
	report func(rows int64)
	waited time.Duration
}

func (c *counting) Next() bool {
	t0 := time.Now()
	more := c.RecordReader.Next()
	c.waited += time.Since(t0)
	if !more {
		return false
	}
	c.rows += c.RecordReader.Record().NumRows()
	c.report(c.rows)
	return true
}

// duckFilter is a dataset's where: and hash sample as one DuckDB
// predicate, or "" when every row is kept.
func duckFilter(ds *config.Dataset) string {
	var preds []string
	if ds.Where != "" {
		preds = append(preds, "("+ds.Where+")")
	}
	if ds.Sample.Method == "hash" {
		preds = append(preds, sampling.HashFilter(dialect.DuckDB{}, ds.SampleKey(), ds.Sample.Fraction))
	}
	return strings.Join(preds, " AND ")
}

// duckSample is DuckDB's sample clause for a rows sample, else "".
func duckSample(ds *config.Dataset) string {
	if ds.Sample.Method != "rows" {
		return ""
	}
	return sampling.Reservoir(ds.Sample.Rows, ds.Sample.Seed)
}

func readError(ds *config.Dataset, err error) error {
	msg := err.Error()
	if ds.Where != "" && strings.Contains(msg, "Binder Error") {
		return fmt.Errorf("dataset %s: where: %q does not fit the data: %w", ds.ID, ds.Where, err)
	}
	return fmt.Errorf("dataset %s: %w", ds.ID, err)
}
