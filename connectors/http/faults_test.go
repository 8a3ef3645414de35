package http_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors"
	httpconn "github.com/vn-registries/dq/connectors/http"
)

// flaky serves two pages of records (page_size 2) after failing with
// fail(n) on the page's n-th request (1-based) while fail returns true.
func flaky(t *testing.T, page int, fail func(w http.ResponseWriter, n int64) bool) (*server, *atomic.Int64) {
	var hits atomic.Int64
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := intParam(r, "page", 1)
		if p == page && fail(w, hits.Add(1)) {
			return
		}
		writeJSON(w, map[string]any{"data": items(min((p-1)*2, 3), min(p*2, 3))})
	})
	return s, &hits
}

var pageDS = httpconn.Dataset{Records: "data", Pagination: "page", PageSize: 2, Params: map[string]string{"api_key": "query-secret-value"}}

func hijackClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	require.NoError(t, err)
	_ = conn.Close()
}

// Transient failures are retried and the data comes out whole.
func TestRetriedIntegration(t *testing.T) {
	tests := []struct {
		name string
		page int
		fail func(t *testing.T, w http.ResponseWriter, n int64) bool
	}{
		{"500 then success", 1, func(t *testing.T, w http.ResponseWriter, n int64) bool {
			if n <= 2 {
				http.Error(w, "boom", http.StatusInternalServerError)
			}
			return n <= 2
		}},
		{"503 on page 2", 2, func(t *testing.T, w http.ResponseWriter, n int64) bool {
			if n == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
			}
			return n == 1
		}},
		{"dropped connection", 2, func(t *testing.T, w http.ResponseWriter, n int64) bool {
			if n == 1 {
				hijackClose(t, w)
			}
			return n == 1
		}},
		{"truncated body", 1, func(t *testing.T, w http.ResponseWriter, n int64) bool {
			if n == 1 {
				w.Header().Set("Content-Length", "1000")
				_, _ = w.Write([]byte(`{"data": [{"id": 0`))
			}
			return n == 1
		}},
		{"invalid JSON", 2, func(t *testing.T, w http.ResponseWriter, n int64) bool {
			if n == 1 {
				_, _ = w.Write([]byte(`<html>maintenance</html>`))
			}
			return n == 1
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s, _ := flaky(t, tt.page, func(w http.ResponseWriter, n int64) bool { return tt.fail(t, w, n) })
			r, err := extract(t, open(t, s.URL, mem, nil), &pageDS)
			require.NoError(t, err)
			defer r.Release()
			rows, _, err := drain(r)
			require.NoError(t, err)
			require.Equal(t, wantRows(3), rows)
		})
	}
}

// A 429 with Retry-After: 1 waits a second, once.
func TestRetryAfterIntegration(t *testing.T) {
	var times []time.Time
	s, hits := flaky(t, 1, func(w http.ResponseWriter, n int64) bool {
		times = append(times, time.Now())
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}
		return n == 1
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := extract(t, open(t, s.URL, mem, nil), &pageDS)
	require.NoError(t, err)
	defer r.Release()
	rows, _, err := drain(r)
	require.NoError(t, err)
	require.Equal(t, wantRows(3), rows)
	require.Equal(t, int64(2), hits.Load())
	require.GreaterOrEqual(t, times[1].Sub(times[0]), time.Second)
}

// Failures that stay, or are not worth retrying, fail the extract with a
// clean error: no token, no query secrets, the page named.
func TestGiveUpIntegration(t *testing.T) {
	tests := []struct {
		name     string
		page     int
		fail     func(t *testing.T, w http.ResponseWriter) // every time
		requests int64                                     // to the failing page; -n: n, or up to 2n as net/http retries a dropped reused connection once itself
		status   int
		sentinel error
		msg      string
	}{
		{"500 stays", 1, func(t *testing.T, w http.ResponseWriter) {
			http.Error(w, "database down", http.StatusInternalServerError)
		}, 3, 500, connectors.ErrResponse, "page 1 (GET http://127.0.0.1:"},
		{"invalid JSON stays", 2, func(t *testing.T, w http.ResponseWriter) {
			_, _ = w.Write([]byte(`{"data": [}`))
		}, 3, 0, connectors.ErrResponse, "page 2 (GET "},
		{"connection always dropped", 2, func(t *testing.T, w http.ResponseWriter) {
			hijackClose(t, w)
		}, -3, 0, connectors.ErrConnect, "giving up after 3 attempts"},
		{"404 is not retried", 1, func(t *testing.T, w http.ResponseWriter) {
			http.Error(w, "no such dataset", http.StatusNotFound)
		}, 1, 404, connectors.ErrResponse, "HTTP 404 Not Found: no such dataset"},
		{"401 echoing the token is not retried", 2, func(t *testing.T, w http.ResponseWriter) {
			http.Error(w, "token "+testToken+" expired"+strings.Repeat(" and more", 100), http.StatusUnauthorized)
		}, 1, 401, connectors.ErrAuth, "HTTP 401 Unauthorized: token xxxxx expired and more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s, hits := flaky(t, tt.page, func(w http.ResponseWriter, n int64) bool { tt.fail(t, w); return true })
			c := open(t, s.URL, mem, func(h *httpconn.Source) { h.MaxRetries = 2 })
			ds := pageDS
			if tt.page > 1 {
				// A declared schema: Extract reads nothing, so page 2
				// fails in Next, after page 1's rows went out.
				ds.Schema = map[string]string{"id": "int64", "name": "string", "score": "float64"}
			}
			r, err := extract(t, c, &ds)
			if tt.page > 1 {
				require.NoError(t, err)
				rows, _, rerr := drain(r)
				r.Release()
				require.Len(t, rows, 2)
				require.False(t, r.Next())
				err = rerr
			}
			require.Error(t, err)
			require.ErrorIs(t, err, tt.sentinel)
			// A page after the first fails a stream already handed out.
			require.Equal(t, tt.page > 1, errors.Is(err, connectors.ErrStream))
			require.Contains(t, err.Error(), tt.msg)
			require.NotContains(t, err.Error(), testToken)
			require.NotContains(t, err.Error(), "query-secret-value")
			require.Contains(t, err.Error(), "api_key=xxx")
			if tt.requests < 0 {
				require.GreaterOrEqual(t, hits.Load(), -tt.requests)
				require.LessOrEqual(t, hits.Load(), -2*tt.requests)
			} else {
				require.Equal(t, tt.requests, hits.Load())
			}
			var se *httpconn.StatusError
			if tt.status != 0 {
				require.True(t, errors.As(err, &se))
				require.Equal(t, tt.status, se.Code)
				require.LessOrEqual(t, len([]rune(se.Excerpt)), 203)
			} else {
				require.False(t, errors.As(err, &se))
			}
		})
	}
}

// CKAN's {"success": false} is reported with its message, not retried.
func TestCKANErrorIntegration(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusConflict} {
		s := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			writeJSON(w, map[string]any{"success": false, "error": map[string]any{"message": "Resource \"nope\" was not found.", "__type": "Not Found Error"}})
		})
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		_, err := extract(t, open(t, s.URL, mem, nil), &httpconn.Dataset{CKAN: true, Params: map[string]string{"resource_id": "nope"}})
		require.ErrorContains(t, err, `CKAN error: Not Found Error: Resource "nope" was not found.`)
		require.Equal(t, int64(1), s.requests.Load())
		mem.AssertSize(t, 0)
	}
}

// However long the message of a CKAN error, with or without an error
// status, the error quotes an excerpt of it, without the token.
func TestCKANErrorIsCappedIntegration(t *testing.T) {
	long := strings.Repeat("ệ", 100) + testToken + strings.Repeat("x", 30000)
	for _, status := range []int{http.StatusOK, http.StatusConflict} {
		s := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			writeJSON(w, map[string]any{"success": false, "error": map[string]any{"message": long, "__type": "Validation Error"}})
		})
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		_, err := extract(t, open(t, s.URL, mem, nil), &httpconn.Dataset{CKAN: true, Params: map[string]string{"resource_id": "x"}})
		require.ErrorContains(t, err, "CKAN error: Validation Error: ệệệ")
		require.NotContains(t, err.Error(), testToken)
		require.Less(t, len([]rune(err.Error())), 400, status)
		mem.AssertSize(t, 0)
	}
}

// A cancelled context stops the read with an error.
func TestCancelIntegration(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"data": items(0, 2)})
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	c := open(t, s.URL, mem, nil)
	ds := pageDS
	ds.Schema = map[string]string{"id": "int64"}
	rr, err := c.Extract(ctx, connectorsRequest(&ds))
	require.NoError(t, err)
	defer rr.Release()
	require.True(t, rr.Next())
	cancel()
	require.False(t, rr.Next())
	require.ErrorIs(t, rr.Err(), context.Canceled)
}

func TestMissingTokenIntegration(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	c := open(t, s.URL, memory.DefaultAllocator, nil)
	t.Setenv("DQ_TEST_HTTP_TOKEN", "")
	_, err := extract(t, c, &pageDS)
	require.ErrorIs(t, err, connectors.ErrConfig)
	require.ErrorContains(t, err, "DQ_TEST_HTTP_TOKEN")
	require.Equal(t, int64(0), s.requests.Load())
}

// rate_limit spaces every request, retries included.
func TestRateLimitIntegration(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := intParam(r, "page", 1)
		writeJSON(w, map[string]any{"data": items(min((p-1)*2, 9), min(p*2, 9))})
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := open(t, s.URL, mem, func(h *httpconn.Source) { h.RateLimit = new(20.0) })
	start := time.Now()
	r, err := extract(t, c, &pageDS)
	require.NoError(t, err)
	defer r.Release()
	rows, _, err := drain(r)
	require.NoError(t, err)
	require.Len(t, rows, 9)
	require.Equal(t, int64(5), s.requests.Load())
	require.GreaterOrEqual(t, time.Since(start), 4*50*time.Millisecond)
}
