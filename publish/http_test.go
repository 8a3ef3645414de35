package publish

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/scorecard"
)

// receiver is a dashboard endpoint that fails the first attempts of each
// scorecard and counts a scorecard once per idempotency key.
type receiver struct {
	mu       sync.Mutex
	failures int // how many attempts per key fail first
	status   int // the failing status
	attempts map[string]int
	stored   map[string]scorecard.Card
	auth     []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	rc.attempts[key]++
	rc.auth = append(rc.auth, r.Header.Get("Authorization"))
	if rc.attempts[key] <= rc.failures {
		if rc.status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(rc.status)
		io.WriteString(w, "try later")
		return
	}
	var c scorecard.Card
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil || r.Header.Get("Content-Type") != "application/json" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if _, seen := rc.stored[key]; !seen {
		rc.stored[key] = c
	}
	w.WriteHeader(http.StatusCreated)
}

func newReceiver(failures, status int) (*receiver, *httptest.Server) {
	rc := &receiver{failures: failures, status: status, attempts: map[string]int{}, stored: map[string]scorecard.Card{}}
	return rc, httptest.NewServer(rc)
}

func cards() []*scorecard.Card {
	s := 91.5
	return []*scorecard.Card{
		{SchemaVersion: scorecard.SchemaVersion, Ministry: scorecard.Ref{ID: "MPS"}, Score: &s, Status: scorecard.Pass},
		{SchemaVersion: scorecard.SchemaVersion, Ministry: scorecard.Ref{ID: "MOH"}, Score: &s, Status: scorecard.Warn},
	}
}

func fast(url string) *HTTP {
	return &HTTP{URL: url, Token: "tok-SECRET", Timeout: 2 * time.Second, TotalTimeout: 10 * time.Second,
		MaxRetries: 3, MinWait: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond}
}

func TestDeliverRetriesThenSucceeds(t *testing.T) {
	rc, srv := newReceiver(2, http.StatusServiceUnavailable)
	defer srv.Close()
	ds := fast(srv.URL).deliverAll(context.Background(), "run-1", cards())
	for _, d := range ds {
		require.True(t, d.Delivered, d.Error)
		require.Equal(t, 3, d.Attempts)
		require.Equal(t, http.StatusCreated, d.Status)
	}
	require.Equal(t, map[string]int{"run-1/MPS": 3, "run-1/MOH": 3}, rc.attempts)
	require.Len(t, rc.stored, 2, "each scorecard counted once")
	require.Equal(t, 91.5, *rc.stored["run-1/MPS"].Score)
	require.Equal(t, "Bearer tok-SECRET", rc.auth[0])
}

func TestDeliverHonoursRetryAfter(t *testing.T) {
	rc, srv := newReceiver(1, http.StatusTooManyRequests)
	defer srv.Close()
	t0 := time.Now()
	h := fast(srv.URL)
	h.MaxWait = 2 * time.Second
	ds := h.deliverAll(context.Background(), "run-2", cards()[:1])
	require.True(t, ds[0].Delivered, ds[0].Error)
	require.GreaterOrEqual(t, time.Since(t0), time.Second, "waited as Retry-After said")
	require.Equal(t, 2, rc.attempts["run-2/MPS"])
}

func TestDeliverDoesNotRetryRefusals(t *testing.T) {
	rc, srv := newReceiver(100, http.StatusUnprocessableEntity)
	defer srv.Close()
	ds := fast(srv.URL).deliverAll(context.Background(), "run-3", cards()[:1])
	require.False(t, ds[0].Delivered)
	require.Equal(t, 1, rc.attempts["run-3/MPS"], "a 4xx is not retried")
	require.Equal(t, http.StatusUnprocessableEntity, ds[0].Status)
	require.Contains(t, ds[0].Error, "422")
}

func TestDeliverGivesUpInBoundedTime(t *testing.T) {
	rc, srv := newReceiver(1000, http.StatusInternalServerError)
	defer srv.Close()
	h := fast(srv.URL)
	h.MaxRetries = 1000
	h.TotalTimeout = 300 * time.Millisecond
	t0 := time.Now()
	ds := h.deliverAll(context.Background(), "run-4", cards())
	require.Less(t, time.Since(t0), 2*time.Second)
	for _, d := range ds {
		require.False(t, d.Delivered)
		require.NotContains(t, d.Error, "tok-SECRET")
	}
	require.Greater(t, rc.attempts["run-4/MPS"], 1)
}

func TestDeliverToAClosedPort(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	h := fast(url)
	h.MaxRetries = 2
	ds := h.deliverAll(context.Background(), "run-5", cards()[:1])
	require.False(t, ds[0].Delivered)
	require.Equal(t, 3, ds[0].Attempts)
	require.NotEmpty(t, ds[0].Error)
}
