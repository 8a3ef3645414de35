//go:build duckdb_arrow

package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
)

// open opens an engine for the test and pins a connection; close it with
// the returned function.
func open(t *testing.T, o engine.Options) (*engine.Conn, func()) {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, o)
	require.NoError(t, err)
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	return conn, func() {
		require.NoError(t, conn.Close())
		require.NoError(t, db.Close())
	}
}

// spillFolder is where the engine tells DuckDB to spill.
func spillFolder(t *testing.T, conn *engine.Conn) string {
	t.Helper()
	row, err := conn.QueryRow(context.Background(), "SELECT current_setting('temp_directory')")
	require.NoError(t, err)
	return row[0].(string)
}

// DuckDB spills into a private folder of the engine's (mode 0700) inside
// temp_dir, and only there, even when the engine is confined; Close
// removes it.
func TestSpillFolderIsPrivate(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	conn, closeDB := open(t, engine.Options{TempDir: base, MemoryLimit: "32MB", Threads: 1, Confine: true})
	spill := spillFolder(t, conn)
	require.Equal(t, base, filepath.Dir(spill))
	require.True(t, strings.HasPrefix(filepath.Base(spill), "dq-spill-"), spill)
	info, err := os.Stat(spill)
	require.NoError(t, err)
	require.Equal(t, os.ModeDir|0o700, info.Mode())

	// About 100 MB of text in a database limited to 32 MB.
	require.NoError(t, conn.Exec(ctx, "CREATE TABLE big AS SELECT i, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s FROM range(1500000) t(i)"))
	rows, err := conn.QueryRows(ctx, "SELECT path FROM duckdb_temporary_files()")
	require.NoError(t, err)
	require.NotEmpty(t, rows, "the table spilled")
	for _, r := range rows {
		require.Equal(t, spill, filepath.Dir(r[0].(string)))
	}

	closeDB()
	_, err = os.Stat(spill)
	require.ErrorIs(t, err, os.ErrNotExist)
	entries, err := os.ReadDir(base)
	require.NoError(t, err)
	require.Empty(t, entries)
}

// Without temp_dir, the spill folder is in the system's temporary folder,
// never in the working directory.
func TestSpillFolderDefault(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	conn, closeDB := open(t, engine.Options{})
	defer closeDB()
	require.Equal(t, tmp, filepath.Dir(spillFolder(t, conn)))
}

// A spill folder a killed run left behind is removed by the next Open;
// one whose engine is still open, one just made, or one that is not dq's
// or this user's to remove, stays.
func TestSpillFolderSweep(t *testing.T) {
	base := t.TempDir()
	mkdir := func(name string, owner bool, age time.Duration) string {
		p := filepath.Join(base, name)
		require.NoError(t, os.Mkdir(p, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(p, "duckdb_temp_storage_DEFAULT-0.tmp"), []byte("x"), 0o600))
		if owner {
			// A killed engine's owner file: nobody holds its lock.
			require.NoError(t, os.WriteFile(filepath.Join(p, ".owner"), nil, 0o600))
		}
		at := time.Now().Add(-age)
		require.NoError(t, os.Chtimes(p, at, at))
		return p
	}
	killed := mkdir("dq-spill-killed", true, 0)
	unlockedOld := mkdir("dq-spill-old", false, 2*time.Hour)
	unlockedNew := mkdir("dq-spill-starting", false, time.Minute)
	notOurs := mkdir("other-spill", true, 48*time.Hour)
	elsewhere := mkdir("target", true, 48*time.Hour)
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(base, "dq-spill-link")))
	keep := []string{unlockedNew, notOurs, elsewhere, filepath.Join(base, "dq-spill-link")}
	if os.Getuid() == 0 {
		// Only root can give a folder to another user.
		othersKilled := mkdir("dq-spill-nobody", true, 48*time.Hour)
		require.NoError(t, os.Chown(othersKilled, 65534, 65534))
		keep = append(keep, othersKilled)
	}

	// A live engine's folder, in this process: its lock is held.
	liveConn, closeLive := open(t, engine.Options{TempDir: base})
	live := spillFolder(t, liveConn)

	conn, closeDB := open(t, engine.Options{TempDir: base})
	mine := spillFolder(t, conn)
	for _, p := range []string{killed, unlockedOld} {
		_, err := os.Stat(p)
		require.ErrorIs(t, err, os.ErrNotExist, p)
	}
	for _, p := range append(keep, live, mine) {
		_, err := os.Lstat(p)
		require.NoError(t, err, p)
	}
	closeDB()
	closeLive()
	_, err := os.Stat(live)
	require.ErrorIs(t, err, os.ErrNotExist)
}
