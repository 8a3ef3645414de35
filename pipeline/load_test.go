//go:build duckdb_arrow

package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// loadTestAPI serves /items, two pages of two records (page 1 fails
// with 503 once), and /broken, whose second page is gone, like any other
// path.
func loadTestAPI(t *testing.T) *httptest.Server {
	var busy atomic.Bool
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		if r.URL.Path == "/items" && page == "1" && busy.CompareAndSwap(false, true) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if (r.URL.Path == "/broken" && page == "2") || (r.URL.Path != "/items" && r.URL.Path != "/broken") {
			http.Error(w, "gone", http.StatusNotFound)
			return
		}
		recs := []map[string]any{{"id": 1, "name": "a"}, {"id": 2, "name": "b"}}
		if page != "1" {
			recs = recs[:1]
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(recs)
	}))
	t.Cleanup(s.Close)
	return s
}

// prepareYAML prepares a config of one ministry, with the sources and
// datasets given, every dataset with a check; connectors log to log.
func prepareYAML(t *testing.T, sources, datasets string, log *slog.Logger) *Prepared {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte("ministries: [{id: MPS, name: Public Security}]\nsources:\n"+sources+"datasets:\n"+datasets), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, log)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// loadAll loads every dataset of p, by id, into a run's engine.
func loadAll(t *testing.T, p *Prepared) map[string]error {
	t.Helper()
	ctx := context.Background()
	r, err := newRun(ctx, p, Options{Watermarks: watermark.Marks{}})
	require.NoError(t, err)
	defer r.db.Close()
	conn, err := r.db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	out := map[string]error{}
	for _, d := range r.datasets {
		out[d.cfg.ID] = r.load(ctx, conn, d, false)
	}
	return out
}

// A dataset that cannot be loaded fails with the connector's error in its
// chain, so its kind can be told with errors.Is; the message names the
// dataset and never the password.
func TestLoadErrorKindsIntegration(t *testing.T) {
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	api := loadTestAPI(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	p := prepareYAML(t, `
  refused: {kind: postgres, dsn: "postgres://postgres:S3cretPW@127.0.0.1:1/test?connect_timeout=2"}
  pg: {kind: postgres, dsn: "postgres://postgres@127.0.0.1:5432/test"}
  my: {kind: mysql, dsn: "mysql://root@127.0.0.1:3306/test"}
  api: {kind: http, http: {base_url: "`+api.URL+`"}}
  down: {kind: http, http: {base_url: "`+closed.URL+`", max_retries: -1}}
  files: {kind: file, root: testdata, mode: arrow}
`, `
  - {id: refused, ministry: MPS, source: refused, table: t, checks: [{id: x, kind: not_null, column: id}]}
  - {id: pg_table, ministry: MPS, source: pg, table: dq_no_such_table, checks: [{id: x, kind: not_null, column: id}]}
  - {id: my_table, ministry: MPS, source: my, table: dq_no_such_table, checks: [{id: x, kind: not_null, column: id}]}
  - {id: api_down, ministry: MPS, source: down, http: {path: items}, checks: [{id: x, kind: not_null, column: id}]}
  - {id: api_gone, ministry: MPS, source: api, http: {path: nothing}, checks: [{id: x, kind: not_null, column: id}]}
  - {id: api_broken, ministry: MPS, source: api, http: {path: broken, pagination: page, page_size: 2, schema: {id: int64}}, checks: [{id: x, kind: not_null, column: id}]}
  - {id: file_missing, ministry: MPS, source: files, path: dq_no_such_file.csv, checks: [{id: x, kind: not_null, column: id}]}
`, nil)
	errs := loadAll(t, p)
	for id, kinds := range map[string][]error{
		"refused":      {connectors.ErrConnect},
		"pg_table":     {connectors.ErrQuery},
		"my_table":     {connectors.ErrQuery},
		"api_down":     {connectors.ErrConnect},
		"api_gone":     {connectors.ErrResponse},
		"api_broken":   {connectors.ErrStream, connectors.ErrResponse},
		"file_missing": {connectors.ErrConnect},
	} {
		err := errs[id]
		require.Error(t, err, id)
		for _, kind := range kinds {
			require.ErrorIs(t, err, kind, id)
		}
		require.NotErrorIs(t, err, connectors.ErrConfig, id)
		require.NotContains(t, err.Error(), "S3cretPW", id)
	}
	require.ErrorContains(t, errs["refused"], "postgres@127.0.0.1:1/test: connect")
	require.ErrorContains(t, errs["pg_table"], `relation "dq_no_such_table" does not exist`)
	// DuckDB's text of the broken stream is kept, with the connector's.
	require.ErrorContains(t, errs["api_broken"], "dataset api_broken: Invalid Input Error: arrow_scan: get_next failed(): http source api: dataset api_broken: page 2 (GET ")
	require.ErrorContains(t, errs["api_broken"], "HTTP 404 Not Found: gone")
}

// What a connector logs reaches the logger given to Prepare, named after
// its source: here the http connector's retry and inferred schema.
func TestConnectorsLogToPrepareLogger(t *testing.T) {
	api := loadTestAPI(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := prepareYAML(t, `
  api: {kind: http, http: {base_url: "`+api.URL+`"}}
`, `
  - {id: items, ministry: MPS, source: api, http: {path: items, pagination: page, page_size: 2}, checks: [{id: x, kind: not_null, column: id}]}
`, log)
	require.NoError(t, loadAll(t, p)["items"])
	out := logs.String()
	require.Contains(t, out, `level=WARN msg="http: retrying page" source=api dataset=items page="page 1 (GET `+api.URL+`/items?page=1&per_page=2)" attempt=2 reason="HTTP 503 Service Unavailable"`)
	require.Contains(t, out, `level=INFO msg="http: inferred schema" source=api dataset=items records=3 columns="id int64, name string"`)
	require.Equal(t, 1, strings.Count(out, "http: inferred schema"))
}

// runDatasets runs p, its output in a temporary folder, and returns its
// datasets' results by id.
func runDatasets(t *testing.T, p *Prepared) map[string]*scorecard.Dataset {
	t.Helper()
	p.Config.Output.Dir = t.TempDir()
	p.Config.History.Off = true
	out, err := Run(context.Background(), p, Options{Watermarks: watermark.Marks{}})
	require.NoError(t, err)
	m := map[string]*scorecard.Dataset{}
	for _, c := range out.Cards {
		for _, d := range c.Datasets {
			m[d.ID] = d
		}
	}
	return m
}

// changeDuringDirectRead changes a file source's file once Relation has
// stamped it, as DuckDB is about to read it.
type changeDuringDirectRead struct {
	connectors.Connector
	change func()
}

func (c changeDuringDirectRead) Relation(ds *config.Dataset) (string, func(error) error, error) {
	from, done, err := c.Connector.(connectors.DirectReader).Relation(ds)
	if err == nil {
		c.change()
	}
	return from, done, err
}

func (c changeDuringDirectRead) Folders(ds *config.Dataset) []string {
	return c.Connector.(connectors.DirectReader).Folders(ds)
}

// changeDuringStream changes a file source's file after the stream's
// first batch.
type changeDuringStream struct {
	connectors.Connector
	change func()
}

func (c changeDuringStream) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	r, err := c.Connector.Extract(ctx, req)
	if err != nil {
		return nil, err
	}
	return &changeAfterFirstBatch{RecordReader: r, change: c.change}, nil
}

type changeAfterFirstBatch struct {
	array.RecordReader
	change func()
	n      int
}

func (r *changeAfterFirstBatch) Next() bool {
	if r.n == 1 {
		r.change()
	}
	r.n++
	return r.RecordReader.Next()
}

// A file rewritten or truncated while the run reads it makes its dataset
// error, with a message naming the file, whichever the mode; never a
// score of rows of neither version.
func TestFileChangedWhileLoadedIsError(t *testing.T) {
	changes := map[string]func(path string) error{
		"rewritten": func(path string) error { return os.WriteFile(path, []byte("id,name\n1,x\n"), 0o644) },
		"truncated": func(path string) error { return os.Truncate(path, 100) },
	}
	for _, mode := range []string{"direct", "arrow"} {
		for name, change := range changes {
			t.Run(mode+" "+name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "people.csv")
				var b strings.Builder
				b.WriteString("id,name\n")
				for i := range 1000 {
					fmt.Fprintf(&b, "%d,name %d\n", i, i)
				}
				require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
				hourAgo := time.Now().Add(-time.Hour)
				require.NoError(t, os.Chtimes(path, hourAgo, hourAgo))
				p := prepareYAML(t, "  files: {kind: file, root: "+dir+", mode: "+mode+"}\n", `
  - {id: people, ministry: MPS, source: files, path: people.csv, checks: [{id: x, kind: not_null, column: name}]}
`, nil)
				apply := func() { require.NoError(t, change(path)) }
				if mode == "direct" {
					p.Connectors["files"] = changeDuringDirectRead{p.Connectors["files"], apply}
				} else {
					p.Connectors["files"] = changeDuringStream{p.Connectors["files"], apply}
				}
				ds := runDatasets(t, p)["people"]
				require.Equal(t, scorecard.Error, ds.Status)
				// The folder's random digits are scrubbed like any long number.
				require.Contains(t, ds.Error, filepath.Base(path)+": the file changed while it was read")
				require.Contains(t, ds.Error, "dataset people: ")
				require.Nil(t, ds.Score)
			})
		}
	}
}

// The run's engine opens only the files the config names: a where: of a
// file or HTTP source that reads another file fails its dataset. One that
// reads a file under the dataset's own root still works.
func TestWhereCannotReadOtherFiles(t *testing.T) {
	data, other := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(data, "a.csv"), []byte("id\n1\n2\n"), 0o644))
	secret := filepath.Join(other, "secret.csv")
	require.NoError(t, os.WriteFile(secret, []byte("id\n1\n"), 0o644))
	api := loadTestAPI(t)
	p := prepareYAML(t, `
  direct: {kind: file, root: `+data+`}
  arrow: {kind: file, root: `+data+`, mode: arrow}
  api: {kind: http, http: {base_url: "`+api.URL+`"}}
`, `
  - {id: passwd_text, ministry: MPS, source: direct, path: a.csv, where: "(SELECT count(*) FROM read_text('/etc/passwd')) > 0", checks: [{id: x, kind: not_null, column: id}]}
  - {id: passwd_csv, ministry: MPS, source: direct, path: a.csv, where: "id IN (SELECT column0 FROM read_csv('/etc/passwd', sep = ':', header = false))", checks: [{id: x, kind: not_null, column: id}]}
  - {id: other_folder, ministry: MPS, source: direct, path: a.csv, where: "id IN (SELECT id FROM read_csv('`+secret+`'))", checks: [{id: x, kind: not_null, column: id}]}
  - {id: arrow_mode, ministry: MPS, source: arrow, path: a.csv, where: "(SELECT count(*) FROM read_text('/etc/passwd')) > 0", checks: [{id: x, kind: not_null, column: id}]}
  - {id: http, ministry: MPS, source: api, http: {path: items}, where: "(SELECT count(*) FROM read_text('/etc/passwd')) > 0", checks: [{id: x, kind: not_null, column: id}]}
  - {id: own_root, ministry: MPS, source: direct, path: a.csv, where: "id IN (SELECT id::VARCHAR FROM read_csv('`+filepath.Join(data, "a.csv")+`'))", checks: [{id: x, kind: not_null, column: id}]}
`, nil)
	got := runDatasets(t, p)
	for _, id := range []string{"passwd_text", "passwd_csv", "other_folder", "arrow_mode", "http"} {
		require.Equal(t, scorecard.Error, got[id].Status, id)
		require.Contains(t, got[id].Error, "Permission Error: Cannot access file", id)
		require.Contains(t, got[id].Error, "file system operations are disabled by configuration", id)
	}
	require.Equal(t, scorecard.Pass, got["own_root"].Status, got["own_root"].Error)
}
