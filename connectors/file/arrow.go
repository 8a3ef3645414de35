package file

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/connectors"
)

// batchRows is how many rows a batch holds at most: Go holds one batch per
// stream, whatever the size of the files.
const batchRows = 64 * 1024

// openArrow streams files, in order, as one Arrow record stream with one
// schema. Each file is opened when the previous one is done; a file's
// batches are conformed to the stream's schema as they are read. The
// dataset's where: and sample: are not applied: for file sources the
// pipeline applies them in DuckDB.
func openArrow(ctx context.Context, format Format, files []string, mem memory.Allocator) (array.RecordReader, error) {
	if len(files) == 0 {
		return nil, connectors.Mark(connectors.ErrConfig, fmt.Errorf("read: no files"))
	}
	stamps, err := stampFiles(files)
	if err != nil {
		return nil, readError(err, false)
	}
	var (
		schema *arrow.Schema
		open   func(ctx context.Context, i int) (source, error)
	)
	switch format {
	case Parquet:
		p, err := planParquet(files, mem)
		if err != nil {
			return nil, readError(err, false)
		}
		schema, open = p.schema, p.open
	case CSV:
		p, err := planCSV(ctx, files, mem)
		if err != nil {
			return nil, readError(err, false)
		}
		schema, open = p.schema, p.open
	case JSON:
		p, err := planJSON(ctx, files, mem)
		if err != nil {
			return nil, readError(err, false)
		}
		schema, open = p.schema, p.open
	default:
		return nil, fmt.Errorf("read: unknown format %q", format)
	}
	s := &fileStream{ctx: ctx, files: files, stamps: stamps, schema: schema, open: open}
	s.refs.Add(1)
	return s, nil
}

// readError classifies a failure to read the files: a file that cannot be
// opened is ErrConnect; one that cannot be parsed, or any failure once the
// stream is out (streaming), is ErrStream, as the rows read are not the
// dataset.
func readError(err error, streaming bool) error {
	var pe *fs.PathError
	opening := errors.As(err, &pe)
	if opening {
		err = connectors.Mark(connectors.ErrConnect, err)
	}
	if streaming || !opening {
		err = connectors.Mark(connectors.ErrStream, err)
	}
	return err
}

// source is one open file of a stream.
type source interface {
	// next returns the file's next batch, conformed to the stream's schema
	// and owned by the caller, or nil at the end of the file. Its errors
	// name the file.
	next() (arrow.RecordBatch, error)
	close()
}

// fileStream chains the files' sources into one array.RecordReader. Each
// file must still match its stamp, taken before planning, once it is read
// to its end.
type fileStream struct {
	refs   atomic.Int64
	ctx    context.Context
	files  []string
	stamps []fs.FileInfo
	schema *arrow.Schema
	open   func(ctx context.Context, i int) (source, error)

	i    int    // the file src reads, or the next to open
	src  source // nil between files
	cur  arrow.RecordBatch
	err  error
	done bool
}

var _ array.RecordReader = (*fileStream)(nil)

func (s *fileStream) Retain() { s.refs.Add(1) }

func (s *fileStream) Release() {
	if s.refs.Add(-1) != 0 {
		return
	}
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	s.closeSource()
	s.done = true
}

func (s *fileStream) Schema() *arrow.Schema { return s.schema }

// RecordBatch is the current batch, valid until the next call to Next.
func (s *fileStream) RecordBatch() arrow.RecordBatch { return s.cur }

// Deprecated: Use RecordBatch instead.
func (s *fileStream) Record() arrow.RecordBatch { return s.cur }

func (s *fileStream) Err() error { return s.err }

func (s *fileStream) Next() bool {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	for !s.done {
		if s.i == len(s.files) {
			s.done = true
			break
		}
		if err := s.ctx.Err(); err != nil {
			s.fail(fmt.Errorf("read %s: %w", s.files[s.i], err))
			break
		}
		if s.src == nil {
			src, err := s.open(s.ctx, s.i)
			if err != nil {
				s.failFile(err)
				break
			}
			s.src = src
		}
		rec, err := s.src.next()
		if err != nil {
			s.failFile(err)
			break
		}
		if rec == nil {
			if err := unchanged(s.files[s.i], s.stamps[s.i]); err != nil {
				s.fail(err)
				break
			}
			s.closeSource()
			s.i++
			continue
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		s.cur = rec
		return true
	}
	return false
}

// failFile fails the stream on an error reading the current file: when
// the file changed meanwhile, the change is the cause to report.
func (s *fileStream) failFile(err error) {
	if cerr := unchanged(s.files[s.i], s.stamps[s.i]); cerr != nil {
		err = connectors.Mark(err, cerr)
	}
	s.fail(err)
}

func (s *fileStream) fail(err error) {
	s.err = readError(err, true)
	s.done = true
	s.closeSource()
}

func (s *fileStream) closeSource() {
	if s.src != nil {
		s.src.close()
		s.src = nil
	}
}

// textFile is a CSV or JSON-lines file opened for reading: gzip is
// undone (told by its magic bytes, as DuckDB does) and a UTF-8 byte order
// mark skipped. Reads fail once ctx is cancelled.
type textFile struct {
	*bufio.Reader
	f  *os.File
	gz *gzip.Reader
}

const textBuffer = 256 * 1024

func openText(ctx context.Context, name string) (*textFile, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	t := &textFile{f: f, Reader: bufio.NewReaderSize(ctxReader{ctx, f}, textBuffer)}
	if magic, _ := t.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		t.gz, err = gzip.NewReader(t.Reader)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read %s: gzip: %w", name, err)
		}
		t.Reader = bufio.NewReaderSize(ctxReader{ctx, t.gz}, textBuffer)
	}
	if bom, _ := t.Peek(3); bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		_, _ = t.Discard(3)
	}
	return t, nil
}

func (t *textFile) Close() error {
	if t.gz != nil {
		t.gz.Close()
	}
	return t.f.Close()
}

// ctxReader fails reads once ctx is done, so a long file stops promptly.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
