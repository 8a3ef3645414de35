package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/connectortest"
	httpconn "github.com/vn-registries/dq/connectors/http"
)

// testToken is the bearer token the test servers expect; it must never
// show in an error.
const testToken = "s3cr3t-T0KEN-do-not-print"

// open returns a connector for base with fast retries (1ms backoff),
// allocating from mem.
func open(t *testing.T, base string, mem memory.Allocator, edit func(*httpconn.Source)) *httpconn.Connector {
	t.Helper()
	return openWith(t, base, connectors.Deps{Mem: mem}, edit)
}

// openWith is open with the connector's dependencies.
func openWith(t *testing.T, base string, deps connectors.Deps, edit func(*httpconn.Source)) *httpconn.Connector {
	t.Helper()
	h := &httpconn.Source{BaseURL: base, TokenEnv: "DQ_TEST_HTTP_TOKEN", Timeout: "5s"}
	if edit != nil {
		edit(h)
	}
	t.Setenv("DQ_TEST_HTTP_TOKEN", testToken)
	c, err := connectors.Open(config.NewSource("api", "http", map[string]any{"http": h}), deps)
	require.NoError(t, err)
	hc := c.(*httpconn.Connector)
	hc.MinBackoff = time.Millisecond
	hc.MaxBackoff = 5 * time.Millisecond
	t.Cleanup(func() { _ = hc.Close() })
	return hc
}

// dataset is a dataset of the test source with h as its http: section.
func dataset(h *httpconn.Dataset) *config.Dataset {
	ds := &config.Dataset{ID: "ds", Source: "api"}
	if err := ds.HTTP.Encode(h); err != nil {
		panic(err)
	}
	return ds
}

func extract(t *testing.T, c *httpconn.Connector, h *httpconn.Dataset) (*httpconn.Reader, error) {
	t.Helper()
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: dataset(h)})
	if err != nil {
		return nil, err
	}
	return r.(*httpconn.Reader), nil
}

// drain reads every batch: rows as Go values (nil for NULL), batch sizes
// and the stream's error.
var drain = connectortest.Rows

func fieldNames(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name+" "+f.Type.String())
	}
	return out
}

// item is record i of the test APIs.
func item(i int) map[string]any {
	return map[string]any{"id": i, "name": "n" + strconv.Itoa(i), "score": float64(i) + 0.5}
}

func items(from, to int) []map[string]any {
	out := []map[string]any{}
	for i := from; i < to; i++ {
		out = append(out, item(i))
	}
	return out
}

// wantRows are the rows of items(0, n) as the reader gives them.
func wantRows(n int) [][]any {
	var out [][]any
	for i := 0; i < n; i++ {
		out = append(out, []any{int64(i), "n" + strconv.Itoa(i), float64(i) + 0.5})
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func intParam(r *http.Request, name string, def int) int {
	if v := r.URL.Query().Get(name); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil {
			return n
		}
	}
	return def
}

// server is an httptest server on loopback that checks the bearer token
// and counts requests.
type server struct {
	*httptest.Server
	requests atomic.Int64
}

func serve(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, fmt.Sprintf("bad token %q", r.Header.Get("Authorization")), http.StatusUnauthorized)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func connectorsRequest(h *httpconn.Dataset) connectors.Request {
	return connectors.Request{Dataset: dataset(h)}
}
