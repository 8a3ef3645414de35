package http_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	httpconn "github.com/vn-registries/dq/connectors/http"
)

// The API holds n records; every style must read each exactly once, in
// order, whatever the page boundaries.
func TestPaginationIntegration(t *testing.T) {
	const n = 23
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/page", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "yes", r.URL.Query().Get("active"))
		size := intParam(r, "per_page", 0)
		p := intParam(r, "page", 0)
		from, to := (p-1)*size, min(p*size, n)
		writeJSON(w, map[string]any{"data": items(min(from, n), to)})
	})
	mux.HandleFunc("/v1/offset", func(w http.ResponseWriter, r *http.Request) {
		off, lim := intParam(r, "skip", 0), intParam(r, "take", 0)
		writeJSON(w, map[string]any{"result": map[string]any{"items": items(min(off, n), min(off+lim, n))}})
	})
	mux.HandleFunc("/v1/cursor", func(w http.ResponseWriter, r *http.Request) {
		from := 0
		if c := r.URL.Query().Get("after"); c != "" {
			_, _ = fmt.Sscanf(c, "c%d", &from)
		}
		to := min(from+5, n)
		var next any // null on the last page
		if to < n {
			next = fmt.Sprintf("c%d", to)
		}
		writeJSON(w, map[string]any{"items": items(from, to), "meta": map[string]any{"next": next}})
	})
	mux.HandleFunc("/v1/link", func(w http.ResponseWriter, r *http.Request) {
		p := intParam(r, "p", 1)
		from, to := (p-1)*10, min(p*10, n)
		if to < n {
			w.Header().Add("Link", fmt.Sprintf(`</v1/link?p=%d>; rel="next", </v1/link?p=3>; rel="last"`, p+1))
		}
		writeJSON(w, items(from, to))
	})
	mux.HandleFunc("/v1/none", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, items(0, n))
	})
	// CKAN caps limit at 4 (its rows_max): short pages must not stop the
	// read, result.total does.
	mux.HandleFunc("/api/3/action/datastore_search", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "abc-123", r.URL.Query().Get("resource_id"))
		off, lim := intParam(r, "offset", 0), min(intParam(r, "limit", 0), 4)
		writeJSON(w, map[string]any{
			"success": true,
			"result":  map[string]any{"records": items(min(off, n), min(off+lim, n)), "total": n},
		})
	})
	s := serve(t, mux.ServeHTTP)

	tests := []struct {
		name     string
		ds       httpconn.Dataset
		requests int64
	}{
		{"page", httpconn.Dataset{Path: "/v1/page", Params: map[string]string{"active": "yes"}, Records: "data", Pagination: "page", PageSize: 5}, 5},
		{"page, last page full", httpconn.Dataset{Path: "/v1/page", Params: map[string]string{"active": "yes"}, Records: "data", Pagination: "page", PageSize: n}, 2},
		{"offset", httpconn.Dataset{Path: "v1/offset", Records: "result.items", Pagination: "offset", OffsetParam: "skip", SizeParam: "take", PageSize: 10}, 3},
		{"cursor", httpconn.Dataset{Path: "/v1/cursor", Records: "items", Pagination: "cursor", CursorField: "meta.next", CursorParam: "after"}, 5},
		{"link", httpconn.Dataset{Path: "/v1/link", Pagination: "link"}, 3},
		{"none", httpconn.Dataset{Path: "/v1/none"}, 1},
		{"ckan", httpconn.Dataset{CKAN: true, Params: map[string]string{"resource_id": "abc-123"}}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			c := open(t, s.URL, mem, nil)
			before := s.requests.Load()
			r, err := extract(t, c, &tt.ds)
			require.NoError(t, err)
			defer r.Release()
			require.Equal(t, []string{"id int64", "name utf8", "score float64"}, fieldNames(r.Schema()))
			rows, _, err := drain(r)
			require.NoError(t, err)
			require.Equal(t, wantRows(n), rows)
			require.Equal(t, int64(n), r.Rows())
			require.Equal(t, tt.requests, s.requests.Load()-before)
			require.Empty(t, r.Mismatches())
		})
	}
}

// A Link to another host is not followed: the token would go with it.
func TestLinkToOtherHostIntegration(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<http://evil.example/steal?page=2>; rel="next"`)
		writeJSON(w, items(0, 2))
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	_, err := extract(t, open(t, s.URL, mem, nil), &httpconn.Dataset{Pagination: "link"})
	require.ErrorContains(t, err, "not followed")
}

// max_pages bounds a read; reaching it with pages left is an error, not
// a quietly short dataset.
func TestMaxPagesIntegration(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := intParam(r, "page", 1)
		writeJSON(w, items(p*2, p*2+2))
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := open(t, s.URL, mem, nil)
	r, err := extract(t, c, &httpconn.Dataset{Pagination: "page", PageSize: 2, MaxPages: 3, Schema: map[string]string{"id": "int64"}})
	require.NoError(t, err)
	defer r.Release()
	rows, _, err := drain(r)
	require.ErrorContains(t, err, "max_pages (3)")
	require.Len(t, rows, 4) // pages 1 and 2; page 3 showed more to come
}

// A page bigger than a batch gives several batches of at most 64k rows.
func TestBigPageBatchesIntegration(t *testing.T) {
	const n = 70000
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("["))
		for i := 0; i < n; i++ {
			if i > 0 {
				_, _ = w.Write([]byte(","))
			}
			_, _ = fmt.Fprintf(w, `{"id":%d}`, i)
		}
		_, _ = w.Write([]byte("]"))
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := extract(t, open(t, s.URL, mem, nil), &httpconn.Dataset{})
	require.NoError(t, err)
	defer r.Release()
	_, sizes, err := drain(r)
	require.NoError(t, err)
	require.Equal(t, []int64{64 * 1024, n - 64*1024}, sizes)
}

// A redirect to another host is refused, not retried: the headers would
// follow it.
func TestRedirectToOtherHostIntegration(t *testing.T) {
	other := serve(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, items(0, 1)) })
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/there", http.StatusFound)
			return
		}
		if r.URL.Path == "/there" {
			writeJSON(w, items(0, 1))
			return
		}
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := open(t, s.URL, mem, nil)
	_, err := extract(t, c, &httpconn.Dataset{Path: "/away"})
	require.ErrorContains(t, err, "redirect to another host refused")
	require.Equal(t, int64(1), s.requests.Load())
	require.Equal(t, int64(0), other.requests.Load())
	r, err := extract(t, c, &httpconn.Dataset{Path: "/same"})
	require.NoError(t, err)
	rows, _, err := drain(r)
	r.Release()
	require.NoError(t, err)
	require.Len(t, rows, 1)
}
