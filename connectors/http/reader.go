package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"sort"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/jsonkind"
)

// batchRows is how many rows a batch holds at most; a bigger page gives
// several batches.
const batchRows = 64 * 1024

// Reader streams a dataset's pages as Arrow batches. It fetches a page
// when the previous one is used up, so one page is in memory (plus, when
// the schema is inferred, the pages holding the first 1000 records).
// Err is non-nil after any give-up: the rows read before are not the
// whole dataset.
type Reader struct {
	refs    atomic.Int64
	ctx     context.Context
	c       *Connector
	dataset string
	pager   *pager
	fetch   *fetcher

	inference Inference
	schema    *arrow.Schema
	index     map[string]int
	conv      converter
	b         *array.RecordBuilder

	queue []pageRecords // pages read to infer the schema, not yet emitted
	label string        // the page recs come from, for errors
	recs  []json.RawMessage
	pos   int
	row   []field
	vals  []json.RawMessage

	cur        arrow.RecordBatch
	err        error
	done       bool
	rows       int64
	mismatches map[string]int64
}

var _ array.RecordReader = (*Reader)(nil)

func (c *Connector) open(ctx context.Context, req connectors.Request) (*Reader, error) {
	ds := req.Dataset
	h, err := datasetOf(ds)
	if err != nil {
		return nil, err
	}
	p, err := newPager(ds, h)
	if err != nil {
		return nil, err
	}
	p.at(c.base)
	var token string
	if c.tokenEnv != "" {
		token = os.Getenv(c.tokenEnv)
		if token == "" {
			return nil, configError("source %s: dataset %s: environment variable %s (token_env) is empty or unset", c.name, ds.ID, c.tokenEnv)
		}
	}
	r := &Reader{
		ctx:        ctx,
		c:          c,
		dataset:    ds.ID,
		pager:      p,
		fetch:      c.newFetcher(ds.ID, token, p.keep(), p.ckan),
		mismatches: map[string]int64{},
	}
	r.refs.Add(1)

	if len(h.Schema) > 0 {
		if r.inference, err = declared(h.Schema); err != nil {
			return nil, configError("source %s: dataset %s: http: schema: %v", c.name, ds.ID, err)
		}
		r.conv.lenient = true
		for _, col := range r.inference.Columns {
			if col.Type == typeTimestamp {
				if r.conv.loc, err = c.location(ds); err != nil {
					return nil, err
				}
				break
			}
		}
		c.log.Debug("http: declared schema", "dataset", ds.ID, "columns", r.inference.String())
	} else {
		if err := r.infer(); err != nil {
			return nil, err
		}
		c.log.Info("http: inferred schema", "dataset", ds.ID,
			"records", r.inference.Records, "columns", r.inference.String())
	}
	r.schema = r.inference.schema()
	r.index = make(map[string]int, len(r.inference.Columns))
	for i, col := range r.inference.Columns {
		r.index[col.Name] = i
	}
	r.vals = make([]json.RawMessage, len(r.inference.Columns))
	r.b = array.NewRecordBuilder(c.mem, r.schema)
	return r, nil
}

// location reads timestamps without a zone: the dataset's timezone, the
// source's, else dq's default.
func (c *Connector) location(ds *config.Dataset) (*time.Location, error) {
	name := ds.Timezone
	if name == "" {
		name = c.timezone
	}
	if name == "" {
		name = config.DefaultTimezone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, configError("source %s: dataset %s: timezone %q: %v", c.name, ds.ID, name, err)
	}
	return loc, nil
}

// infer fetches pages until inferRecords records are seen or the data
// ends; the pages wait in the queue to be emitted.
func (r *Reader) infer() error {
	in := &inferrer{index: map[string]int{}}
	for in.n < inferRecords && !r.pager.done {
		recs, err := r.nextPage()
		if err != nil {
			return err
		}
		for i, rec := range recs {
			if in.n == inferRecords {
				break
			}
			if r.row, err = splitObject(rec, r.row[:0]); err != nil {
				return r.fetch.fail(connectors.ErrResponse, fmt.Errorf("record %d: %v", i+1, err))
			}
			in.add(r.row)
		}
		if len(recs) > 0 {
			r.queue = append(r.queue, pageRecords{r.fetch.label, recs})
		}
	}
	r.inference = in.inference()
	if len(r.inference.Columns) == 0 {
		// DuckDB cannot hold a table without columns, and checks need them.
		return r.fetch.fail(connectors.ErrResponse, errors.New("no records to infer the columns from; declare them in schema:"))
	}
	return nil
}

type pageRecords struct {
	label string
	recs  []json.RawMessage
}

// nextPage fetches the next page and returns its records.
func (r *Reader) nextPage() ([]json.RawMessage, error) {
	u, label := r.pager.request()
	pg, err := r.fetch.fetch(r.ctx, u, label)
	if err != nil {
		return nil, err
	}
	if r.pager.ckan {
		if msg, failed := ckanError(pg.body); failed {
			// The API's message is quoted like an error body: scrubbed,
			// then cut to an excerpt, however long the API made it.
			return nil, r.fetch.fail(connectors.ErrResponse, &apiError{excerpt([]byte(r.fetch.secrets.scrub(msg)))})
		}
	}
	recs, err := records(pg.body, r.pager.records)
	if err != nil {
		return nil, r.fetch.fail(connectors.ErrResponse, err)
	}
	if err := r.pager.advance(u, pg.body, pg.header, len(recs)); err != nil {
		return nil, r.fetch.fail(connectors.ErrResponse, err)
	}
	r.c.log.Debug("http: page read", "dataset", r.dataset, "page", r.fetch.label, "records", len(recs))
	return recs, nil
}

func (r *Reader) Retain() { r.refs.Add(1) }

func (r *Reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.b != nil {
		r.b.Release()
		r.b = nil
	}
	r.queue, r.recs = nil, nil
	r.done = true
}

func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Inference is how the schema was made: declared, or inferred from the
// first records. Known as soon as Extract returns.
func (r *Reader) Inference() Inference { return r.inference }

// RecordBatch is the current batch, valid until the next call to Next.
func (r *Reader) RecordBatch() arrow.RecordBatch { return r.cur }

// Deprecated: Use RecordBatch instead.
func (r *Reader) Record() arrow.RecordBatch { return r.cur }

// Err is the give-up that ended the stream, if any.
func (r *Reader) Err() error { return r.err }

// Mismatches counts, per column, the values that did not fit the schema
// and were read as NULL. With an inferred schema, keys that the first
// records did not have are counted under their name too (their values are
// not read). Complete once Next has returned false.
func (r *Reader) Mismatches() map[string]int64 { return maps.Clone(r.mismatches) }

// Rows is how many rows were emitted.
func (r *Reader) Rows() int64 { return r.rows }

func (r *Reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for !r.done {
		if err := r.ctx.Err(); err != nil {
			r.failWith(r.fetch.fail(kindOf(err), err))
			break
		}
		if r.pos < len(r.recs) {
			rec, err := r.build()
			if err != nil {
				r.failWith(err)
				break
			}
			r.cur = rec
			r.rows += rec.NumRows()
			return true
		}
		r.recs, r.pos = nil, 0
		if len(r.queue) > 0 {
			r.recs, r.label, r.queue = r.queue[0].recs, r.queue[0].label, r.queue[1:]
			continue
		}
		if r.pager.done {
			r.finish()
			break
		}
		recs, err := r.nextPage()
		if err != nil {
			r.failWith(err)
			break
		}
		r.recs, r.label = recs, r.fetch.label
	}
	return false
}

// build makes a batch of up to batchRows records from the current page.
func (r *Reader) build() (arrow.RecordBatch, error) {
	end := min(r.pos+batchRows, len(r.recs))
	for ; r.pos < end; r.pos++ {
		var err error
		if r.row, err = splitObject(r.recs[r.pos], r.row[:0]); err != nil {
			r.discard()
			return nil, r.fetch.failAt(r.label, connectors.ErrResponse, fmt.Errorf("record %d: %v", r.pos+1, err))
		}
		clear(r.vals)
		for _, f := range r.row {
			i, ok := r.index[f.key]
			if !ok {
				if !r.inference.Declared && jsonkind.Of(f.raw) != jsonkind.Null {
					r.mismatches[f.key]++
				}
				continue
			}
			r.vals[i] = f.raw // a repeated key: the last value wins
		}
		for i, raw := range r.vals {
			fb := r.b.Field(i)
			if raw == nil || jsonkind.Of(raw) == jsonkind.Null {
				fb.AppendNull()
				continue
			}
			if !r.conv.appendValue(fb, raw) {
				r.mismatches[r.schema.Field(i).Name]++
			}
		}
	}
	return r.b.NewRecordBatch(), nil
}

// discard drops a half-built batch.
func (r *Reader) discard() {
	rec := r.b.NewRecordBatch()
	rec.Release()
}

func (r *Reader) failWith(err error) {
	r.err = connectors.Mark(connectors.ErrStream, err)
	r.done = true
	r.recs, r.queue = nil, nil
	r.warnMismatches()
}

func (r *Reader) finish() {
	r.done = true
	r.warnMismatches()
}

func (r *Reader) warnMismatches() {
	if len(r.mismatches) == 0 {
		return
	}
	cols := make([]string, 0, len(r.mismatches))
	for c := range r.mismatches {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	args := []any{"dataset", r.dataset}
	for _, c := range cols {
		args = append(args, slogKey(c), r.mismatches[c])
	}
	r.c.log.Warn("http: values that do not fit the schema were read as NULL", args...)
}

func slogKey(col string) string { return "mismatch." + col }
