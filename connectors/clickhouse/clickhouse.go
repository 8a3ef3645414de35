// Package clickhouse reads ClickHouse tables (a MergeTree table, or a
// Distributed table over a cluster's shards) into Arrow, and runs a
// dataset's checks inside the server for engine: source, where a
// Distributed table answers from every shard in parallel.
//
// It speaks the HTTP interface only (through go-retryablehttp), as
// Debian's clickhouse-server 18.16 does, reading every result as
// TabSeparatedWithNamesAndTypes. Each statement carries a query_id, and
// a statement whose context ends is stopped on the server with KILL
// QUERY: 18.16 runs a query on after its client went away. Unless the
// source says read_only: false, every statement runs with readonly=2
// (reads only; the request may still set its own limits), and every one
// is bounded by max_execution_time and a client deadline. The HTTP
// interface runs one statement per request, and where: and query: are
// checked with sqltext before they are sent.
package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sqltext"
)

func init() { connectors.Register("clickhouse", connectors.Kind{New: newConnector}) }

// settings are a clickhouse source's keys besides kind:.
type settings struct {
	// URL is one server's HTTP interface, http://[user[:password]@]host:8123;
	// for a cluster, any server that has the Distributed table.
	URL string `yaml:"url"`
	// Database is the default database of table: names without one
	// (default "default").
	Database string `yaml:"database"`
	// ReadOnly runs every statement with readonly=2 (default true).
	ReadOnly *bool `yaml:"read_only"`
	// StatementTimeout bounds each statement, e.g. 5m (default
	// connectors.DefaultStatementTimeout; 0 for none).
	StatementTimeout string `yaml:"statement_timeout"`
}

// Connector is one ClickHouse server (or cluster, through one server).
type Connector struct {
	name     string
	url      *url.URL
	safe     string // host:port, for messages
	user     string
	password string
	database string
	readOnly bool
	timeout  time.Duration
	log      *slog.Logger
	mem      memory.Allocator

	// Attempts and Backoff bound the retries of a request that got no
	// answer.
	Attempts int
	Backoff  time.Duration
	// BatchRows is the number of rows per Arrow batch.
	BatchRows int

	transport *http.Transport
	client    *retryablehttp.Client

	mu  sync.Mutex
	loc *time.Location // the server's zone, once known
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Counter   = (*Connector)(nil)
	_ connectors.Filtering = (*Connector)(nil)
	_ connectors.Dialected = (*Connector)(nil)
	_ connectors.Pushdown  = (*Connector)(nil)
)

// newConnector validates a ClickHouse source; it does not connect.
func newConnector(src config.Source, deps connectors.Deps) (connectors.Connector, error) {
	var s settings
	if err := src.Decode(&s); err != nil {
		return nil, connectors.Misconfigured(err)
	}
	if s.URL == "" {
		return nil, connectors.Misconfigured(src.Errorf("url", "a clickhouse source needs url:, its HTTP interface, e.g. http://127.0.0.1:8123"))
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL may hold a password: not repeated.
		return nil, connectors.Misconfigured(src.Errorf("url", "want http://host:port or https://host:port (the HTTP interface, 8123 by default)"))
	}
	c := &Connector{
		name:      src.Name,
		url:       u,
		safe:      u.Host,
		user:      u.User.Username(),
		database:  cmp.Or(s.Database, "default"),
		readOnly:  s.ReadOnly == nil || *s.ReadOnly,
		timeout:   connectors.DefaultStatementTimeout,
		log:       deps.Logger,
		mem:       deps.Mem,
		Attempts:  3,
		Backoff:   200 * time.Millisecond,
		BatchRows: 64 * 1024,
		transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     2 * time.Second, // under the server's keep_alive_timeout (3 s)
		},
	}
	c.password, _ = u.User.Password()
	if s.StatementTimeout != "" {
		d, err := time.ParseDuration(s.StatementTimeout)
		if err != nil || d < 0 {
			return nil, connectors.Misconfigured(src.Errorf("statement_timeout", "want a duration such as 30s or 5m, got %q", s.StatementTimeout))
		}
		c.timeout = d
	}
	c.client = c.httpClient()
	return c, nil
}

// AppliesFilters: where: and sample: run in the server.
func (c *Connector) AppliesFilters() bool { return true }

// Dialect is ClickHouse's.
func (c *Connector) Dialect() dialect.Dialect { return dialect.ClickHouse{} }

// Close drops idle connections.
func (c *Connector) Close() error {
	c.transport.CloseIdleConnections()
	return nil
}

// wrap names the source and what failed; err already carries its kind.
func (c *Connector) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("clickhouse source %s (%s): %s: %w", c.name, c.safe, what, err)
}

// result is one statement's answer being read: its columns and rows.
type result struct {
	names []string
	kinds []kind
	rows  *lines
	// ctx is the statement's (StatementError tells its deadline);
	// cancel ends it, which stops it on the server.
	ctx    context.Context
	cancel context.CancelFunc
	// end releases what the statement holds: the body, the client
	// deadline, the KILL armed for a cancel.
	end func()
}

// query runs one read under ctx (bounded by the statement timeout) and
// returns its result, whose end the caller calls. wait asks the server to
// finish before it answers, so that an error is an error status rather
// than text after rows: for the small results of checks.
func (c *Connector) query(ctx context.Context, q string, wait bool) (*result, error) {
	loc, err := c.serverZone(ctx)
	if err != nil {
		return nil, err
	}
	return c.queryIn(ctx, q, wait, loc)
}

func (c *Connector) queryIn(ctx context.Context, q string, wait bool, loc *time.Location) (*result, error) {
	sctx, cancel := connectors.StatementContext(ctx, c.timeout)
	id := newQueryID()
	stop := c.killOnCancel(sctx, id)
	resp, err := c.post(sctx, id, q+"\nFORMAT "+format, true, wait)
	if err != nil {
		err = connectors.StatementError(sctx, err)
		stop()
		cancel()
		return nil, err
	}
	r := &result{rows: newLines(resp.Body), ctx: sctx, cancel: cancel}
	var once sync.Once
	r.end = func() {
		once.Do(func() {
			resp.Body.Close()
			stop()
			cancel()
		})
	}
	names, types, err := r.rows.header()
	if err != nil {
		err = connectors.Mark(connectors.ErrQuery, connectors.StatementError(sctx, err))
		r.end()
		return nil, err
	}
	r.names = names
	r.kinds = make([]kind, len(types))
	for i, t := range types {
		r.kinds[i] = kindOf(t, loc)
	}
	return r, nil
}

// serverZone is the zone the server prints a plain DateTime in, asked
// once.
func (c *Connector) serverZone(ctx context.Context) (*time.Location, error) {
	c.mu.Lock()
	loc := c.loc
	c.mu.Unlock()
	if loc != nil {
		return loc, nil
	}
	r, err := c.queryIn(ctx, "SELECT timezone()", true, time.UTC)
	if err != nil {
		return nil, c.wrap("connect", err)
	}
	defer r.end()
	f, err := r.rows.next(nil)
	if err != nil {
		return nil, c.wrap("connect", connectors.Mark(connectors.ErrQuery, err))
	}
	loc, err = time.LoadLocation(string(f[0]))
	if err != nil {
		return nil, c.wrap("connect", connectors.Mark(connectors.ErrQuery, fmt.Errorf("the server's time zone %q is unknown here: %w", f[0], err)))
	}
	c.mu.Lock()
	c.loc = loc
	c.mu.Unlock()
	return loc, nil
}

// Count is the population size N: count() with where:.
func (c *Connector) Count(ctx context.Context, req connectors.Request) (int64, error) {
	ds := req.Dataset
	q, err := countSQL(ds)
	if err != nil {
		return 0, err
	}
	r, err := c.query(ctx, q, true)
	if err != nil {
		return 0, c.wrap("dataset "+ds.ID+": count", err)
	}
	defer r.end()
	f, err := r.rows.next(nil)
	if err != nil {
		return 0, c.wrap("dataset "+ds.ID+": count", connectors.Mark(connectors.ErrQuery, err))
	}
	n, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil {
		return 0, c.wrap("dataset "+ds.ID+": count", connectors.Mark(connectors.ErrQuery, err))
	}
	return n, nil
}

// Extract streams the dataset's rows after where: and sample:.
func (c *Connector) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	ds := req.Dataset
	what := "dataset " + ds.ID + ": extract"
	q, err := c.selectSQL(ctx, ds)
	if err != nil {
		return nil, err
	}
	q, full, err := c.narrow(ctx, ds.ID, q, req)
	if err != nil {
		return nil, c.wrap(what, err)
	}
	r, err := c.query(ctx, q, false)
	if err != nil {
		return nil, c.wrap(what, err)
	}
	rd, err := newReader(c, ds.ID, r)
	if err != nil {
		r.end()
		return nil, c.wrap(what, err)
	}
	rd.Describe(q, full, rd.schema)
	return rd, nil
}

// narrow selects only the request's columns from q, when it names fewer
// than q yields: a column store then reads nothing else from disk and
// sends nothing else. full is every column of q, typed as the reader
// would stream it (nil when nothing was narrowed), so that the checks of
// names and types see the source as it is. q's columns are learnt by
// running it with LIMIT 0, which reads no row.
func (c *Connector) narrow(ctx context.Context, id, q string, req connectors.Request) (string, *arrow.Schema, error) {
	if req.Columns == nil {
		return q, nil, nil
	}
	r, err := c.query(ctx, "SELECT * FROM (\n"+q+"\n) LIMIT 0", true)
	if err != nil {
		return "", nil, err
	}
	defer r.end()
	keep := req.Keep(r.names)
	if keep == nil {
		return q, nil, nil
	}
	fields := make([]arrow.Field, len(r.names))
	for i, k := range r.kinds {
		typ, _ := k.arrowType()
		fields[i] = arrow.Field{Name: r.names[i], Type: typ, Nullable: true}
	}
	d := dialect.ClickHouse{}
	sel := make([]string, len(keep))
	for i, name := range keep {
		sel[i] = d.Ident(name)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (\n" + q + "\n)", arrow.NewSchema(fields, nil), nil
}

// selectSQL is the dataset's SELECT; a rows sample counts the population
// first so that the server can prefilter.
func (c *Connector) selectSQL(ctx context.Context, ds *config.Dataset) (string, error) {
	var total int64 = -1
	if ds.Sample != nil && ds.Sample.Method == "rows" && ds.Key != "" {
		n, err := c.Count(ctx, connectors.Request{Dataset: &config.Dataset{ID: ds.ID, Table: ds.Table, Query: ds.Query, Where: ds.Where}})
		if err != nil {
			return "", err
		}
		total = n
	}
	return selectSQL(ds, total)
}

// what names a failed query: the dataset and the start of the SQL.
func what(id, query string) string {
	return fmt.Sprintf("dataset %s: query %q", id, connectors.QueryPreview(sqltext.ClickHouse, query))
}
