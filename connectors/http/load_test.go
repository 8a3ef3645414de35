//go:build duckdb_arrow

package http_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	httpconn "github.com/vn-registries/dq/connectors/http"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// The stream goes into DuckDB page by page; a failure on a later page
// fails the load, so a half-read dataset is never a table.
func TestLoadIntoDuckDBIntegration(t *testing.T) {
	const n = 2500
	failPage := 0
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		off, lim := intParam(r, "offset", 0), intParam(r, "limit", 0)
		if failPage > 0 && off/lim+1 == failPage {
			http.Error(w, "gone", http.StatusNotFound)
			return
		}
		writeJSON(w, map[string]any{"records": items(min(off, n), min(off+lim, n))})
	})
	ds := &httpconn.Dataset{Records: "records", Pagination: "offset", PageSize: 300}
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "1GB", Threads: 1})

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := extract(t, open(t, s.URL, mem, nil), ds)
	require.NoError(t, err)
	err = conn.LoadArrow(ctx, "api_items", r)
	r.Release()
	require.NoError(t, err)
	row, err := conn.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT id), SUM(id)::BIGINT, MIN(name), MAX(score) FROM api_items")
	require.NoError(t, err)
	require.Equal(t, []any{int64(n), int64(n), int64(n * (n - 1) / 2), "n0", float64(n-1) + 0.5}, row)

	failPage = 6 // after the first 1000 records, used for the schema
	r, err = extract(t, open(t, s.URL, mem, nil), ds)
	require.NoError(t, err)
	err = conn.LoadArrow(ctx, "api_broken", r)
	require.Error(t, err)
	require.Error(t, r.Err())
	require.ErrorContains(t, r.Err(), "HTTP 404")
	r.Release()
	_, err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM api_broken")
	require.Error(t, err, "no table for a broken extract")
}
