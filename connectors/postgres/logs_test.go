package postgres

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// Connect retries and columns read as text reach the logger the
// connector is given, named after the source, never with the password.
func TestLogsIntegration(t *testing.T) {
	testDB(t)
	var logs bytes.Buffer
	deps := connectors.Deps{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	const pw = "S3cretPW"

	c := openWith(t, deps, func(s *settings) { s.DSN = "postgres://postgres:" + pw + "@127.0.0.1:1/test?connect_timeout=2" })
	c.MinBackoff, c.MaxBackoff = time.Millisecond, time.Millisecond
	_, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "t", Query: "SELECT 1 AS x"}})
	require.ErrorIs(t, err, connectors.ErrConnect)
	require.Contains(t, logs.String(), `level=WARN msg="postgres: connect failed, retrying" source=pg addr=postgres@127.0.0.1:1/test attempt=1`)
	require.Contains(t, logs.String(), "attempt=2")

	c = openWith(t, deps, nil)
	_, recs := extractAll(t, c, &config.Dataset{ID: "t", Query: "SELECT 1 AS x, interval '1 day' AS i"})
	releaseAll(recs)
	require.Contains(t, logs.String(), `level=WARN msg="postgres: columns read as text" source=pg dataset=t columns=[i]`)
	require.Contains(t, logs.String(), `level=DEBUG msg="postgres: extract done" source=pg dataset=t rows=1`)
	require.NotContains(t, logs.String(), pw)
}
