// Package connectors defines how dq reads a source: a Connector yields a
// dataset's rows as an Arrow record stream, with the dataset's filter and
// sample pushed into the source. Each kind lives in its own folder and
// registers itself; connectors know no check.
package connectors

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

// Request is one dataset's extract.
type Request struct {
	Dataset *config.Dataset
	// Columns are the columns to extract, by name, in no particular
	// order; nil extracts every column. A database source selects only
	// these (in the source's order), so the others are neither read nor
	// sent. A name the source lacks is skipped, not an error: the check
	// naming it says so. When none of them is in the source, every column
	// is read.
	Columns []string
}

// Keep is which of a source's columns (in its order) a request keeps;
// nil when it keeps them all.
func (r Request) Keep(source []string) []string {
	if r.Columns == nil {
		return nil
	}
	want := make(map[string]bool, len(r.Columns))
	for _, c := range r.Columns {
		want[c] = true
	}
	var out []string
	for _, c := range source {
		if want[c] {
			out = append(out, c)
		}
	}
	if len(out) == 0 || len(out) == len(source) {
		return nil
	}
	return out
}

// Narrowed is implemented by the readers of sources that extracted only
// some of a dataset's columns (Request.Columns): SourceSchema has every
// column, typed as the reader would have streamed it, so that the checks
// of names and types (schema) see the source as it is.
type Narrowed interface {
	SourceSchema() *arrow.Schema
}

// Queried is implemented by the readers of sources that extract with a
// query, to tell which (--explain shows it, the debug log records it).
type Queried interface {
	Query() string
}

// Extracted is what a database's reader tells of its extract, as Queried
// and Narrowed: the statement it streams, and every column of the
// dataset. Readers embed it.
type Extracted struct {
	Statement string
	Full      *arrow.Schema
}

func (e Extracted) Query() string               { return e.Statement }
func (e Extracted) SourceSchema() *arrow.Schema { return e.Full }

// Describe sets what a reader streams: statement, and full, or, when
// every column is extracted (full nil), the reader's own schema.
func (e *Extracted) Describe(statement string, full, extracted *arrow.Schema) {
	e.Statement, e.Full = statement, full
	if full == nil {
		e.Full = extracted
	}
}

// Connector reads one source.
type Connector interface {
	// Extract streams the dataset's rows (after where: and sample:).
	// The caller releases the reader.
	Extract(ctx context.Context, req Request) (array.RecordReader, error)
	Close() error
}

// Counter is implemented by connectors that can tell the population size N
// of a dataset (before sampling) without extracting it.
type Counter interface {
	Count(ctx context.Context, req Request) (int64, error)
}

// Filtering is implemented by connectors that apply the dataset's where:
// and sample: inside the source (databases). For the others the pipeline
// applies them in DuckDB after the extract.
type Filtering interface {
	AppliesFilters() bool
}

// Dialected is implemented by connectors whose source speaks SQL, so the
// pipeline can write predicates (an incremental window) in its dialect.
type Dialected interface {
	Dialect() dialect.Dialect
}

// DirectReader is implemented by sources the embedded DuckDB can read
// itself (files), which is faster than going through Arrow.
type DirectReader interface {
	// Relation returns a table expression such as read_parquet('...'),
	// and done, to call once DuckDB has read it, with the read's error
	// (nil if it succeeded). done returns the error to report: ErrStream
	// when the source changed while it was read, as the rows are then of
	// neither version; else the read's error, told in the source's terms
	// where it can be (file and line).
	Relation(ds *config.Dataset) (from string, done func(readErr error) error, err error)
	// Folders are the local folders the dataset's relation reads from;
	// the embedded DuckDB may open no other file but the history's and
	// its spill files.
	Folders(ds *config.Dataset) []string
}

// Pushdown is implemented by connectors whose source can run a dataset's
// checks itself (engine: source): the planner's queries go to the source,
// and only aggregates and a bounded set of failing examples come back, so
// a full-population answer needs no extract.
type Pushdown interface {
	// Session opens a read-only session on the dataset's rows (after
	// where: and sample:, exactly the rows Extract would stream).
	Session(ctx context.Context, req Request) (Session, error)
}

// Session runs a dataset's check queries inside its source. It is used by
// one goroutine at a time.
type Session interface {
	Dialect() dialect.Dialect
	// Relation is a FROM item holding the dataset's rows, such as
	// "(SELECT * FROM t WHERE ...) AS dq_rel".
	Relation() string
	// Columns describes Relation's columns in order, with the source's
	// type names (text, int8, timestamptz / VARCHAR, BIGINT, DATETIME).
	Columns(ctx context.Context) ([]SourceColumn, error)
	// QueryRow and QueryRows return NULL as nil, integers as int64,
	// floating-point as float64, booleans as bool, decimals and text as
	// string, binary as []byte, and dates and timestamps as time.Time:
	// an instant for a zoned type, and for DATE and zoneless TIMESTAMP
	// the wall-clock reading in UTC.
	QueryRow(ctx context.Context, query string) ([]any, error)
	QueryRows(ctx context.Context, query string) ([][]any, error)
	Close() error
}

// SourceColumn is one column as the source declares it.
type SourceColumn struct {
	Name string
	Type string
}

// Deps are what a connector is given rather than makes.
type Deps struct {
	// Logger receives what the connector recovers from: retries, values
	// read as NULL, columns read as text, the schema it inferred. Never a
	// secret (password, token, header or query parameter value).
	Logger *slog.Logger
	// Mem allocates the Arrow batches of every extract.
	Mem memory.Allocator
}

// withDefaults fills what the caller left out: a logger that discards,
// Go's default allocator.
func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Mem == nil {
		d.Mem = memory.DefaultAllocator
	}
	return d
}

// Factory decodes and validates a source's settings (src.Decode) and
// returns its connector. It must not connect: `dq validate` calls it.
// Connect lazily on Extract. Settings it cannot use are *config.Error
// (see Misconfigured), so `dq validate` tells where they are.
type Factory func(src config.Source, deps Deps) (Connector, error)

// Kind is a connector kind, as it registers itself.
type Kind struct {
	New Factory
	// CheckDataset checks the keys a dataset gives this kind (a file's
	// format:, an API's http:) without any source, so that `dq validate`
	// reports them even when their source's own settings are wrong too.
	// nil when the kind reads no key of its own from datasets.
	CheckDataset func(ds *config.Dataset) error
}

var (
	mu    sync.RWMutex
	kinds = map[string]Kind{}
)

// Register adds a connector kind; a duplicate name panics.
func Register(name string, k Kind) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := kinds[name]; dup {
		panic("connectors: kind registered twice: " + name)
	}
	kinds[name] = k
}

func kindOf(name string) (Kind, bool) {
	mu.RLock()
	defer mu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Open validates src and returns its connector. Missing deps get their
// defaults, and the logger names the source on every line.
func Open(src config.Source, deps Deps) (Connector, error) {
	k, ok := kindOf(src.Kind)
	if !ok {
		return nil, Mark(ErrConfig, fmt.Errorf("unknown source kind %q (known: %v)", src.Kind, Kinds()))
	}
	deps = deps.withDefaults()
	deps.Logger = deps.Logger.With("source", src.Name)
	return k.New(src, deps)
}

// CheckDataset checks the settings ds gives a source of kind, if the kind
// reads any; an unknown kind is Open's to report.
func CheckDataset(kind string, ds *config.Dataset) error {
	if k, ok := kindOf(kind); ok && k.CheckDataset != nil {
		return k.CheckDataset(ds)
	}
	return nil
}

// Kinds lists registered kinds.
func Kinds() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
