package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/connectors"
)

// maxBatchBytes flushes a batch early when its variable-length columns
// grow past it, so wide text rows keep memory bounded too.
const maxBatchBytes = 64 << 20

// Reader streams an extract. A goroutine reads rows into Arrow builders
// and hands each full batch over an unbuffered channel, so at most two
// batches exist at once: the one the consumer holds and the one waiting to
// be taken. Err reports a failure of the stream, including a connection
// lost mid-result: a short extract never looks complete.
type Reader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	ch     chan arrow.RecordBatch
	done   chan struct{}
	cancel context.CancelFunc
	cur    arrow.RecordBatch

	// Set by the producer before it closes ch.
	err      error
	warnings []string

	closeOnce sync.Once
	st        stream
	connectors.Extracted
}

// stream is what an extract holds on the server while its reader lives:
// the pinned connection, the read-only transaction (tx, ended by end),
// the KILL QUERY armed for a cancel (disarmed by stop) and the rows.
type stream struct {
	cn   *conn
	tx   querier
	end  func()
	stop func()
	rows *sql.Rows
}

var (
	_ array.RecordReader  = (*Reader)(nil)
	_ connectors.Queried  = (*Reader)(nil)
	_ connectors.Narrowed = (*Reader)(nil)
)

func newReader(ctx context.Context, cancel context.CancelFunc, c *Connector, dsID string, mem memory.Allocator, st stream, bitOne map[string]bool) (*Reader, error) {
	cts, err := st.rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(cts))
	cols := make([]*column, len(cts))
	var warnings []string
	for i, ct := range cts {
		typ, put, warn := mapType(ct, bitOne[ct.Name()])
		if warn != "" {
			warn = fmt.Sprintf("dataset %s: column %s: %s", dsID, ct.Name(), warn)
			warnings = append(warnings, warn)
			c.log.Warn(warn)
		}
		fields[i] = arrow.Field{Name: ct.Name(), Type: typ, Nullable: true}
		cols[i] = &column{name: ct.Name(), dbType: ct.DatabaseTypeName(), typ: typ, put: put}
	}
	r := &Reader{
		schema:   arrow.NewSchema(fields, nil),
		ch:       make(chan arrow.RecordBatch),
		done:     make(chan struct{}),
		cancel:   cancel,
		st:       st,
		warnings: warnings,
	}
	r.refs.Store(1)
	batch := c.BatchRows
	if batch <= 0 {
		batch = 64 * 1024
	}
	go r.produce(ctx, c, dsID, mem, cols, batch)
	return r, nil
}

func (r *Reader) produce(ctx context.Context, c *Connector, dsID string, mem memory.Allocator, cols []*column, batch int) {
	defer close(r.done)
	defer close(r.ch)
	// Any failure once the reader is out leaves its rows short of the
	// dataset.
	defer func() { r.err = connectors.Mark(connectors.ErrStream, r.err) }()
	// Once the rows are read the statement is over: a later cancel (the
	// consumer's Release) must not kill what the connection runs next.
	defer r.st.stop()
	fail := func(what string, err error) {
		r.err = c.wrap("dataset "+dsID+": "+what, connectors.StatementError(ctx, err))
	}
	bld := array.NewRecordBuilder(mem, r.schema)
	defer bld.Release()
	dest := make([]any, len(cols))
	for i, col := range cols {
		col.b = bld.Field(i)
		dest[i] = col
	}
	send := func() bool {
		rec := bld.NewRecordBatch()
		for _, col := range cols {
			col.bytes = 0
		}
		select {
		case r.ch <- rec:
			return true
		case <-ctx.Done():
			rec.Release()
			return false
		}
	}
	n := 0
	var total int64
	for r.st.rows.Next() {
		if err := r.st.rows.Scan(dest...); err != nil {
			fail("read row", err)
			return
		}
		n++
		total++
		if n >= batch || (n&1023 == 0 && varBytes(cols) >= maxBatchBytes) {
			if !send() {
				fail("extract", ctx.Err())
				return
			}
			n = 0
		}
	}
	if err := r.st.rows.Err(); err != nil {
		fail(fmt.Sprintf("stream broke after %d rows", total), err)
		return
	}
	if err := ctx.Err(); err != nil {
		fail("extract", err)
		return
	}
	if err := regexFailed(ctx, r.st.tx); err != nil {
		fail("extract", err)
		return
	}
	if n > 0 && !send() {
		fail("extract", ctx.Err())
		return
	}
	r.warnings = append(r.warnings, zeroDateWarnings(cols)...)
	for _, w := range zeroDateWarnings(cols) {
		c.log.Warn("dataset " + dsID + ": " + w)
	}
}

func varBytes(cols []*column) int {
	s := 0
	for _, c := range cols {
		s += c.bytes
	}
	return s
}

func (r *Reader) Retain() { r.refs.Add(1) }

// Release stops the stream when the last reference goes: the context is
// cancelled (the driver then drops the connection instead of reading the
// rest of the result), pending batches are released and the goroutine is
// waited for.
func (r *Reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.stop()
}

func (r *Reader) stop() {
	r.closeOnce.Do(func() {
		r.cancel()
		for rec := range r.ch {
			rec.Release()
		}
		<-r.done
		r.st.rows.Close()
		r.st.end()
		r.st.cn.Close()
	})
}

func (r *Reader) Schema() *arrow.Schema { return r.schema }

func (r *Reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	rec, ok := <-r.ch
	if !ok {
		<-r.done // r.err is set
		return false
	}
	r.cur = rec
	return true
}

func (r *Reader) RecordBatch() arrow.RecordBatch { return r.cur }

// Deprecated: Use RecordBatch.
func (r *Reader) Record() arrow.RecordBatch { return r.cur }

// Err is the stream's failure, known once Next has returned false.
func (r *Reader) Err() error {
	select {
	case <-r.done:
		return r.err
	default:
		return nil
	}
}

// Warnings lists what was read in a lossy way: unmapped types, and, once
// the stream has ended, zero dates read as NULL.
func (r *Reader) Warnings() []string {
	select {
	case <-r.done:
		return r.warnings
	default:
		return nil
	}
}
