package http_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors"
	httpconn "github.com/vn-registries/dq/connectors/http"
)

// Retries, pages and the schema reach the logger the connector is given,
// named after the source, and no secret does.
func TestLogsIntegration(t *testing.T) {
	s, _ := flaky(t, 1, func(w http.ResponseWriter, n int64) bool {
		if n == 1 {
			http.Error(w, "busy "+testToken, http.StatusServiceUnavailable)
		}
		return n == 1
	})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := openWith(t, s.URL, connectors.Deps{Mem: mem, Logger: log}, func(h *httpconn.Source) { h.Headers = map[string]string{"X-Api-Key": "header-secret-value"} })
	r, err := extract(t, c, &pageDS)
	require.NoError(t, err)
	defer r.Release()
	rows, _, err := drain(r)
	require.NoError(t, err)
	require.Len(t, rows, 3)

	out := logs.String()
	require.Contains(t, out, `level=WARN msg="http: retrying page" source=api dataset=ds page="page 1 (GET `+s.URL+`?api_key=xxx&page=1&per_page=2)" attempt=2 reason="HTTP 503 Service Unavailable"`)
	require.Contains(t, out, `level=DEBUG msg="http: page read" source=api dataset=ds page="page 2 (GET `+s.URL+`?api_key=xxx&page=2&per_page=2)" records=1`)
	require.Contains(t, out, `level=INFO msg="http: inferred schema" source=api dataset=ds records=3 columns="id int64, name string, score float64"`)
	for _, secret := range []string{testToken, "query-secret-value", "header-secret-value"} {
		require.NotContains(t, out, secret)
	}
}
