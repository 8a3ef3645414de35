package file

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetPlan streams Parquet files that all have the same columns.
type parquetPlan struct {
	files  []string
	schema *arrow.Schema
	mem    memory.Allocator
}

func parquetReadProps() pqarrow.ArrowReadProperties {
	return pqarrow.ArrowReadProperties{BatchSize: batchRows, Parallel: false}
}

// openParquetFile opens a file's footer. Column chunks are read through a
// buffered stream, page by page, instead of a whole chunk at once.
func openParquetFile(name string, mem memory.Allocator) (*pqfile.Reader, error) {
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	pf, err := pqfile.OpenParquetFile(name, false, pqfile.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return pf, nil
}

// planParquet reads every file's footer: the files must have the same
// columns (names and types, in order). A column that is required in one
// file and optional in another is nullable in the stream.
func planParquet(files []string, mem memory.Allocator) (*parquetPlan, error) {
	props := parquetReadProps()
	var fields []arrow.Field
	for i, name := range files {
		pf, err := openParquetFile(name, mem)
		if err != nil {
			return nil, err
		}
		md := pf.MetaData()
		sc, err := pqarrow.FromParquet(md.Schema, &props, md.KeyValueMetadata())
		pf.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: schema: %w", name, err)
		}
		if i == 0 {
			fields = append(fields, sc.Fields()...)
			continue
		}
		if diff := schemaDiff(sc.Fields(), fields); diff != "" {
			return nil, fmt.Errorf("read %s: its columns differ from %s's: %s", name, files[0], diff)
		}
		for j, f := range sc.Fields() {
			fields[j].Nullable = fields[j].Nullable || f.Nullable
		}
	}
	return &parquetPlan{files: files, schema: arrow.NewSchema(fields, nil), mem: mem}, nil
}

// schemaDiff describes the first difference between a file's columns and
// the stream's, or returns "".
func schemaDiff(got, want []arrow.Field) string {
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Name != w.Name || !arrow.TypeEqual(g.Type, w.Type) {
			return fmt.Sprintf("column %d is %s %s, not %s %s", i+1, g.Name, g.Type, w.Name, w.Type)
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d columns, not %d", len(got), len(want))
	}
	return ""
}

func (p *parquetPlan) open(ctx context.Context, i int) (source, error) {
	name := p.files[i]
	pf, err := openParquetFile(name, p.mem)
	if err != nil {
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(pf, parquetReadProps(), p.mem)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if diff := schemaDiff(rr.Schema().Fields(), p.schema.Fields()); diff != "" {
		rr.Release()
		pf.Close()
		return nil, fmt.Errorf("read %s: the file changed while read: %s", name, diff)
	}
	return &parquetSource{name: name, pf: pf, rr: rr, schema: p.schema}, nil
}

type parquetSource struct {
	name   string
	pf     *pqfile.Reader
	rr     pqarrow.RecordReader
	schema *arrow.Schema
}

func (s *parquetSource) next() (arrow.RecordBatch, error) {
	if !s.rr.Next() {
		if err := s.rr.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", s.name, err)
		}
		return nil, nil
	}
	rec := s.rr.RecordBatch()
	return array.NewRecordBatch(s.schema, rec.Columns(), rec.NumRows()), nil
}

func (s *parquetSource) close() {
	s.rr.Release()
	s.pf.Close()
}
