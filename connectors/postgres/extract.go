package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vn-registries/dq/connectors"
)

// Extract streams the dataset's rows, after where: and sample:, as Arrow
// batches of up to 122,880 rows (one DuckDB row group, so that loading
// never splits or merges row groups) or 32 MiB of field data. It opens a
// session, describes the SELECT to learn the columns, and starts COPY
// (SELECT ...) TO STDOUT (FORMAT binary) in a goroutine; at most one
// decoded batch waits in between, so memory stays bounded whatever the
// table's size. A stream broken midway
// surfaces as the reader's Err, never as a short result.
//
// Everything runs in one read-only transaction, which closing the
// session rolls back. The COPY is bounded on the client like a statement,
// counted from its start (the server's statement_timeout counts the
// whole COPY too, however slowly the caller reads).
func (c *Connector) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	ds := req.Dataset
	if err := checkDataset(ds); err != nil {
		return nil, err
	}
	pc, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.release(pc)
		}
	}()
	what := "dataset " + ds.ID
	if err := c.beginRead(ctx, pc, what); err != nil {
		return nil, err
	}
	query, err := c.selectSQL(ctx, pc, ds)
	if err != nil {
		return nil, err
	}
	desc, err := c.prepare(ctx, pc, what, query)
	if err != nil {
		return nil, err
	}
	all := make([]string, len(desc.Fields))
	for i, f := range desc.Fields {
		all[i] = f.Name
	}
	kept := desc.Fields
	var full *arrow.Schema
	if keep := req.Keep(all); keep != nil {
		fields := make([]arrow.Field, len(desc.Fields))
		for i, f := range desc.Fields {
			fields[i] = specFor(f.Name, f.DataTypeOID, f.TypeModifier).field
		}
		full = arrow.NewSchema(fields, nil)
		// Only the columns the checks read are selected: the server then
		// reads, converts and sends no other.
		kept = nil
		for i, f := range desc.Fields {
			if slices.Contains(keep, all[i]) {
				kept = append(kept, f)
			}
		}
	}
	specs := make([]colSpec, len(kept))
	fields := make([]arrow.Field, len(kept))
	var casts []string
	for i, f := range kept {
		specs[i] = specFor(f.Name, f.DataTypeOID, f.TypeModifier)
		fields[i] = specs[i].field
		if specs[i].asText {
			casts = append(casts, f.Name)
		}
	}
	if len(casts) > 0 {
		c.log.Warn("postgres: columns read as text", "dataset", ds.ID, "columns", casts)
	}
	if len(casts) > 0 || len(kept) < len(desc.Fields) {
		sel := make([]string, len(kept))
		for i, f := range kept {
			if specs[i].asText {
				sel[i] = fmt.Sprintf("CAST(s.%s AS TEXT) AS %s", pg.Ident(f.Name), pg.Ident(f.Name))
			} else {
				sel[i] = "s." + pg.Ident(f.Name)
			}
		}
		query = "SELECT " + strings.Join(sel, ", ") + " FROM (" + query + "\n) s"
	}
	schema := arrow.NewSchema(fields, nil)
	copySQL := "COPY (" + query + "\n) TO STDOUT (FORMAT binary)"
	// pgconn sends COPY in the simple protocol, which runs every
	// statement of its text: the server parses it first, as one.
	if _, err := c.prepare(ctx, pc, what, copySQL); err != nil {
		return nil, err
	}

	runCtx, cancel := c.statement(ctx)
	if full == nil {
		full = schema
	}
	r := &reader{schema: schema, Extracted: connectors.Extracted{Statement: copySQL, Full: full}, ch: make(chan arrow.RecordBatch, 1), cancel: cancel}
	r.refs.Store(1)
	dec := newCopyDecoder(c.mem, schema, specs, sendTo(runCtx, r.ch))
	r.dec = dec
	ok = true
	go func() {
		defer close(r.ch)
		defer dec.release()
		defer c.release(pc)
		_, err := pc.CopyTo(runCtx, dec, copySQL)
		if err == nil {
			err = dec.finish()
		}
		if err != nil {
			if errors.Is(context.Cause(runCtx), context.Canceled) && ctx.Err() == nil {
				return // released by the consumer: nobody reads Err
			}
			err = connectors.StatementError(runCtx, err)
			kind := connectors.ErrStream
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && dec.total == 0 {
				kind = connectors.ErrQuery
			}
			r.setErr(c.errorf(kind, err, "dataset %s: extract stopped after %d rows", ds.ID, dec.total))
			return
		}
		c.log.Debug("postgres: extract done", "dataset", ds.ID, "rows", dec.total, "wire_bytes", dec.wire.Load())
	}()
	return r, nil
}

// reader is the RecordReader side of an extract.
type reader struct {
	refs                 atomic.Int64
	schema               *arrow.Schema
	ch                   chan arrow.RecordBatch
	cancel               context.CancelFunc
	dec                  *copyDecoder
	cur                  arrow.RecordBatch
	connectors.Extracted // the COPY statement, every column of the dataset

	mu  sync.Mutex
	err error
}

var (
	_ array.RecordReader  = (*reader)(nil)
	_ connectors.Queried  = (*reader)(nil)
	_ connectors.Narrowed = (*reader)(nil)
)

func (r *reader) setErr(err error) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
}

func (r *reader) Retain() { r.refs.Add(1) }

// Release stops the COPY if still running and frees the batches.
func (r *reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.cancel()
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for rec := range r.ch {
		rec.Release()
	}
}

func (r *reader) Schema() *arrow.Schema { return r.schema }

func (r *reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	rec, ok := <-r.ch
	if !ok {
		return false
	}
	r.cur = rec
	return true
}

func (r *reader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is RecordBatch, for the deprecated interface method.
func (r *reader) Record() arrow.RecordBatch { return r.cur }

// Err is the error that ended the stream, if any; read it once Next is
// false.
func (r *reader) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// WireBytes is how many bytes of COPY data the decoder has received.
func (r *reader) WireBytes() int64 { return r.dec.wire.Load() }
