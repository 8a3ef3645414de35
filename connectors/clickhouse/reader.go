package clickhouse

import (
	"bytes"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/connectors"
)

// reader streams an extract, one batch of BatchRows rows per Next, read
// from the response as it arrives: memory holds one batch. Err reports a
// stream that broke (an exception mid-result, a cut connection): a short
// extract never looks complete.
type reader struct {
	refs   atomic.Int64
	c      *Connector
	ds     string
	schema *arrow.Schema
	res    *result
	b      *array.RecordBuilder
	cur    arrow.RecordBatch
	fields [][]byte
	err    error
	done   bool
	zeros  []int64 // per column: zero dates (see zeroDate)
	connectors.Extracted
}

var (
	_ array.RecordReader  = (*reader)(nil)
	_ connectors.Queried  = (*reader)(nil)
	_ connectors.Narrowed = (*reader)(nil)
)

func newReader(c *Connector, ds string, res *result) (*reader, error) {
	fields := make([]arrow.Field, len(res.names))
	for i, k := range res.kinds {
		typ, warn := k.arrowType()
		if warn != "" {
			c.log.Warn(fmt.Sprintf("dataset %s: column %s: %s", ds, res.names[i], warn))
		}
		fields[i] = arrow.Field{Name: res.names[i], Type: typ, Nullable: true}
	}
	r := &reader{c: c, ds: ds, schema: arrow.NewSchema(fields, nil), res: res, zeros: make([]int64, len(fields))}
	r.refs.Store(1)
	r.b = array.NewRecordBuilder(c.mem, r.schema)
	return r, nil
}

func (r *reader) Schema() *arrow.Schema          { return r.schema }
func (r *reader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *reader) Record() arrow.RecordBatch      { return r.cur }
func (r *reader) Err() error                     { return r.err }
func (r *reader) Retain()                        { r.refs.Add(1) }

// Next reads the next batch; false at the end or on an error (Err).
func (r *reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done {
		return false
	}
	n := 0
	for n < r.c.BatchRows {
		f, err := r.res.rows.next(r.fields)
		if err == io.EOF {
			r.finish(nil)
			break
		}
		if err != nil {
			r.finish(r.c.wrap("dataset "+r.ds+": extract", connectors.Mark(connectors.ErrStream, connectors.StatementError(r.res.ctx, err))))
			return false
		}
		r.fields = f
		if len(f) != len(r.res.kinds) {
			if len(f) > 0 && bytes.HasPrefix(f[0], []byte("Code: ")) {
				err = serverText(bytes.Join(f, []byte("\t")))
			} else {
				err = fmt.Errorf("line %d has %d fields, the header %d", r.res.rows.line, len(f), len(r.res.kinds))
			}
			r.finish(r.c.wrap("dataset "+r.ds+": extract", connectors.Mark(connectors.ErrStream, connectors.Mark(connectors.ErrQuery, err))))
			return false
		}
		for i, v := range f {
			fb := r.b.Field(i)
			if bytes.Equal(v, null) {
				fb.AppendNull()
				continue
			}
			zero, err := r.res.kinds[i].appendValue(fb, v)
			if err != nil {
				r.finish(r.c.wrap("dataset "+r.ds+": extract", connectors.Mark(connectors.ErrStream,
					fmt.Errorf("line %d, column %s (%s): cannot read the value: %w", r.res.rows.line, r.res.names[i], r.res.kinds[i].name, err))))
				return false
			}
			if zero {
				r.zeros[i]++
			}
		}
		n++
	}
	if n == 0 {
		return false
	}
	r.cur = r.b.NewRecordBatch()
	return true
}

// finish ends the statement and keeps err, once.
func (r *reader) finish(err error) {
	if r.done {
		return
	}
	r.done = true
	r.err = err
	r.res.end()
	for i, z := range r.zeros {
		if z > 0 {
			r.c.log.Warn(fmt.Sprintf("dataset %s: column %s: %d zero dates (0000-00-00: 1970-01-01, or a date out of the 1970-2105 range ClickHouse stored so) read as 1970-01-01", r.ds, r.res.names[i], z))
		}
	}
}

func (r *reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if !r.done {
		// Released before the end: the statement is stopped on the
		// server, not left running.
		r.res.cancel()
		r.finish(nil)
	}
	r.b.Release()
}
