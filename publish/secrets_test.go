package publish

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/scorecard"
)

// deliverAll publishes the cards with h into a run folder and returns
// everything the delivery let out: its error, delivery.json and the logs.
func deliverAll(t *testing.T, h *HTTP) (record, logs string, err error) {
	t.Helper()
	var buf bytes.Buffer
	h.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	dir := t.TempDir()
	err = h.Deliver(context.Background(), &Run{Index: &scorecard.Index{Run: scorecard.Run{ID: "run-s"}}, Cards: cards(), Dir: dir})
	raw, rerr := os.ReadFile(filepath.Join(dir, DeliveryRecord))
	require.NoError(t, rerr)
	return string(raw), buf.String(), err
}

// A URL's user information and query values, the token and the header
// values appear in no message, record or log line: not when the receiver
// refuses (and echoes them), not when it cannot be reached.
func TestDeliveryNeverShowsCredentials(t *testing.T) {
	secrets := []string{"dq-user", "pa55word-x", "k3y-v4lue", "tok-SECRET", "hdr-S3CRET"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "refused "+r.URL.String()+" "+r.Header.Get("Authorization")+" "+r.Header.Get("X-Api-Key"))
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for name, base := range map[string]string{"refused": srv.URL, "unreachable": closed.URL} {
		t.Run(name, func(t *testing.T) {
			h := fast(strings.Replace(base, "http://", "http://dq-user:pa55word-x@", 1) + "/in?key=k3y-v4lue&page=1")
			h.Headers = map[string]string{"X-Api-Key": "hdr-S3CRET"}
			h.MaxRetries = 1
			record, logs, err := deliverAll(t, h)
			require.ErrorIs(t, err, ErrDelivery)
			require.Contains(t, err.Error(), strings.TrimPrefix(base, "http://")+"/in?key=xxx&page=xxx", "the endpoint, redacted")
			for _, text := range []string{err.Error(), record, logs} {
				for _, s := range secrets {
					require.NotContains(t, text, s)
				}
			}
		})
	}
	require.Equal(t, "http://host:1/in?key=xxx", (&HTTP{URL: "http://u:p@host:1/in?key=abc"}).Endpoint())
}

// A receiver that redirects to another port (another host for the
// browser's same-origin rule) gets nothing sent there, and the refusal is
// not retried; a redirect on the same host and port is followed.
func TestDeliveryRefusesRedirectsElsewhere(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.WriteHeader(http.StatusCreated)
	}))
	defer other.Close()
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		if r.URL.Path == "/here" {
			http.Redirect(w, r, "/there", http.StatusTemporaryRedirect)
			return
		}
		if r.URL.Path == "/there" {
			w.WriteHeader(http.StatusCreated)
			return
		}
		http.Redirect(w, r, other.URL+"/in", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()

	ds := fast(srv.URL+"/away").deliverAll(context.Background(), "run-r", cards()[:1])
	require.False(t, ds[0].Delivered)
	require.Contains(t, ds[0].Error, "redirect to another host or port refused")
	require.Equal(t, int32(0), elsewhere.Load(), "nothing reached the other port")
	require.Equal(t, int32(1), attempts.Load(), "a refused redirect is not retried")

	ds = fast(srv.URL+"/here").deliverAll(context.Background(), "run-r", cards()[:1])
	require.True(t, ds[0].Delivered, ds[0].Error)
}

// A token_env that names an unset variable sends nothing: no anonymous
// POST. (config refuses such a config before the run; this is the
// publisher's own guard.)
func TestDeliveryWithoutItsTokenSendsNothing(t *testing.T) {
	rc, srv := newReceiver(0, http.StatusOK)
	defer srv.Close()
	h := NewHTTP(&config.HTTPPublish{URL: srv.URL, TokenEnv: "DQ_TEST_UNSET_PUBLISH_TOKEN"}, func(string) string { return "" }, nil)
	record, _, err := deliverAll(t, h)
	require.ErrorIs(t, err, ErrDelivery)
	require.Empty(t, rc.attempts, "no request at all")
	require.Contains(t, record, "not sent: environment variable DQ_TEST_UNSET_PUBLISH_TOKEN (token_env) is not set or empty")
}
