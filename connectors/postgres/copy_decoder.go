package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/connectors"
)

// Batch bounds: a batch is cut at this many rows or bytes of field data,
// whichever comes first.
const (
	batchRows  = 60 * 2048 // 122,880: one DuckDB row group
	batchBytes = 32 << 20
)

var copySignature = []byte("PGCOPY\n\xff\r\n\x00")

// copyDecoder is the io.Writer CopyTo writes the binary COPY stream to. It
// parses the format (header; per tuple an int16 field count, then per
// field an int32 length, -1 for NULL, and the big-endian value; an int16 -1
// trailer) into typed Arrow builders and hands full batches to emit, which
// blocks while the consumer is behind: that back-pressure is what bounds
// memory. CopyTo may split or join tuples across writes; a partial tuple
// waits in pending.
type copyDecoder struct {
	schema *arrow.Schema
	cols   []column
	emit   func(arrow.RecordBatch) error

	pending   []byte
	header    bool
	trailer   bool
	rows      int   // rows in the current batch
	dataBytes int   // field bytes in the current batch
	total     int64 // rows decoded
	wire      atomic.Int64
}

func newCopyDecoder(mem memory.Allocator, schema *arrow.Schema, specs []colSpec, emit func(arrow.RecordBatch) error) *copyDecoder {
	d := &copyDecoder{schema: schema, emit: emit}
	for _, s := range specs {
		c := s.make(mem)
		c.reserve(batchRows)
		d.cols = append(d.cols, c)
	}
	return d
}

// Write consumes one chunk of the COPY stream.
func (d *copyDecoder) Write(p []byte) (int, error) {
	d.wire.Add(int64(len(p)))
	data := p
	if len(d.pending) > 0 {
		d.pending = append(d.pending, p...)
		data = d.pending
	}
	n, err := d.parse(data)
	if err != nil {
		return 0, err
	}
	rest := data[n:]
	if len(d.pending) > 0 {
		k := copy(d.pending, rest)
		d.pending = d.pending[:k]
	} else {
		d.pending = append(d.pending[:0], rest...)
	}
	return len(p), nil
}

// parse decodes the complete tuples at the start of data and returns how
// many bytes it used.
func (d *copyDecoder) parse(data []byte) (int, error) {
	off := 0
	if !d.header {
		if len(data) < 19 {
			return 0, nil
		}
		if !bytes.Equal(data[:11], copySignature) {
			return 0, fmt.Errorf("%w: not a binary COPY stream", connectors.ErrStream)
		}
		ext := int(binary.BigEndian.Uint32(data[15:19]))
		if len(data) < 19+ext {
			return 0, nil
		}
		off = 19 + ext
		d.header = true
	}
	ncols := len(d.cols)
	for {
		if d.trailer {
			if off < len(data) {
				return off, fmt.Errorf("%w: %d bytes after the COPY trailer", connectors.ErrStream, len(data)-off)
			}
			return off, nil
		}
		if len(data)-off < 2 {
			return off, nil
		}
		nf := int(int16(binary.BigEndian.Uint16(data[off:])))
		if nf == -1 {
			d.trailer = true
			off += 2
			continue
		}
		if nf != ncols {
			return off, fmt.Errorf("%w: tuple of %d fields, want %d", connectors.ErrStream, nf, ncols)
		}
		// Is the whole tuple here?
		end := off + 2
		for i := 0; i < ncols; i++ {
			if len(data)-end < 4 {
				return off, nil
			}
			l := int(int32(binary.BigEndian.Uint32(data[end:])))
			end += 4
			if l > 0 {
				if len(data)-end < l {
					return off, nil
				}
				end += l
			}
		}
		p := off + 2
		for _, c := range d.cols {
			l := int(int32(binary.BigEndian.Uint32(data[p:])))
			p += 4
			if l < 0 {
				c.appendNull()
				continue
			}
			if err := c.append(data[p : p+l]); err != nil {
				return off, fmt.Errorf("column %q, row %d: %w", d.schema.Field(indexOf(d.cols, c)).Name, d.total+1, err)
			}
			p += l
		}
		d.dataBytes += end - off
		off = end
		d.rows++
		d.total++
		if d.rows >= batchRows || d.dataBytes >= batchBytes {
			if err := d.flush(); err != nil {
				return off, err
			}
		}
	}
}

func indexOf(cols []column, c column) int {
	for i, x := range cols {
		if x == c {
			return i
		}
	}
	return 0
}

// flush emits the current batch, if any.
func (d *copyDecoder) flush() error {
	if d.rows == 0 {
		return nil
	}
	arrs := make([]arrow.Array, len(d.cols))
	for i, c := range d.cols {
		arrs[i] = c.newArray()
		c.reserve(batchRows)
	}
	rec := array.NewRecordBatch(d.schema, arrs, int64(d.rows))
	for _, a := range arrs {
		a.Release()
	}
	d.rows, d.dataBytes = 0, 0
	return d.emit(rec)
}

// finish emits the last batch once CopyTo has returned without error; a
// stream without its trailer was cut short.
func (d *copyDecoder) finish() error {
	if !d.header || !d.trailer || len(d.pending) > 0 {
		return fmt.Errorf("%w: COPY ended without its trailer after %d rows", connectors.ErrStream, d.total)
	}
	return d.flush()
}

func (d *copyDecoder) release() {
	for _, c := range d.cols {
		c.release()
	}
}

// sendTo returns an emit function that hands batches to ch, giving up
// (and releasing the batch) when ctx ends.
func sendTo(ctx context.Context, ch chan<- arrow.RecordBatch) func(arrow.RecordBatch) error {
	return func(rec arrow.RecordBatch) error {
		select {
		case ch <- rec:
			return nil
		case <-ctx.Done():
			rec.Release()
			return ctx.Err()
		}
	}
}
