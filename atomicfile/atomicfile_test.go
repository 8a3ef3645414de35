package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	require.NoError(t, WriteFile(p, []byte("one")))
	require.NoError(t, WriteFile(p, []byte("two")))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "two", string(b))
	fi, err := os.Stat(p)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)

	// Failing (the target is a directory): no temporary file left.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "d"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d", "f"), nil, 0o644))
	require.Error(t, WriteFile(filepath.Join(dir, "d"), []byte("x")))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2)
}

func TestCreateRefusesAnExistingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	require.NoError(t, Create(p, []byte("one")))
	require.Error(t, Create(p, []byte("two")))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "one", string(b))
}
