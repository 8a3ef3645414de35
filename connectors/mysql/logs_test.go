package mysql

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

// Connection retries and values read as NULL reach the logger the
// connector is given, named after the source, never with the password.
func TestLogsIntegration(t *testing.T) {
	name, db := testDB(t)
	var logs bytes.Buffer
	deps := connectors.Deps{Logger: slog.New(slog.NewTextHandler(&logs, nil))}

	c := openWith(t, name, deps, settings{DSN: "root:hunter2pw@tcp(127.0.0.1:1)/" + name})
	c.Backoff = time.Millisecond
	_, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "f", Table: "t"}})
	require.ErrorIs(t, err, connectors.ErrConnect)
	require.Contains(t, logs.String(), `level=WARN msg="mysql: connection failed, retrying" source=test addr=root@127.0.0.1:1/`+name+` op=connect attempt=1`)
	require.Contains(t, logs.String(), "attempt=2")
	require.NotContains(t, logs.String(), "hunter2pw")

	exec(t, db, "SET SESSION sql_mode = ''; CREATE TABLE z (d DATE); INSERT INTO z VALUES ('0000-00-00'), ('2024-01-02')")
	extract(t, openWith(t, name, deps, settings{}), &config.Dataset{ID: "z", Table: "z"})
	require.Contains(t, logs.String(), `level=WARN msg="dataset z: column d: 1 zero dates (0000-00-00) read as NULL" source=test`)
}
