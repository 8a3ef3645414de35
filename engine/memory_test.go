//go:build duckdb_arrow

package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
)

// memoryLimit is the engine's memory_limit as DuckDB reports it.
func memoryLimit(t *testing.T, o engine.Options) string {
	t.Helper()
	ctx := context.Background()
	o.TempDir = t.TempDir()
	db, err := engine.Open(ctx, o)
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	row, err := conn.QueryRow(ctx, "SELECT current_setting('memory_limit')")
	require.NoError(t, err)
	return row[0].(string)
}

func TestMemoryLimit(t *testing.T) {
	// A limit the config gives is DuckDB's.
	require.Equal(t, "512.0 MiB", memoryLimit(t, engine.Options{MemoryLimit: "512MiB"}))
	if runtime.GOOS != "linux" {
		t.Skip("the default is DuckDB's own off Linux")
	}
	// None given: half of RAM, not DuckDB's 80%. DuckDB rounds the size it
	// shows, so the default is compared with the same size given
	// explicitly, and with what 80% would show.
	def := engine.DefaultMemoryLimit()
	require.Regexp(t, `^[1-9][0-9]*MiB$`, def)
	got := memoryLimit(t, engine.Options{})
	require.Equal(t, memoryLimit(t, engine.Options{MemoryLimit: def}), got)
	var mib int64
	_, err := fmt.Sscanf(def, "%dMiB", &mib)
	require.NoError(t, err)
	eighty := fmt.Sprintf("%dMiB", mib*2*8/10)
	require.NotEqual(t, memoryLimit(t, engine.Options{MemoryLimit: eighty}), got)
}
