package file_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors"
)

// bigRows is more than one batch of rows, so a read is still going on
// after its first batch.
const bigRows = 100000

// writeBig writes a file of bigRows rows in the format its name says,
// last modified an hour ago, so that even a rewrite of the same bytes
// changes its modification time.
func writeBig(t *testing.T, path string) {
	t.Helper()
	var b strings.Builder
	switch filepath.Ext(path) {
	case ".csv":
		b.WriteString("id,name\n")
		for i := range bigRows {
			fmt.Fprintf(&b, "%012d,name %d\n", i, i)
		}
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	case ".jsonl":
		for i := range bigRows {
			fmt.Fprintf(&b, `{"id":"%012d","name":"name %d"}`+"\n", i, i)
		}
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	case ".parquet":
		b.WriteString("[")
		for i := range bigRows {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"%012d","name":"name %d"}`, i, i)
		}
		b.WriteString("]")
		writeParquet(t, path, arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		}, nil), b.String(), 30000)
	}
	hourAgo := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(path, hourAgo, hourAgo))
}

// fileChanges are the ways a file changes under a reader: rewritten in
// place (the same bytes, so only its modification time tells), truncated,
// or replaced by a new file renamed over it (the same bytes too).
var fileChanges = map[string]func(t *testing.T, path string){
	"rewritten in place": func(t *testing.T, path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, b, 0o644))
	},
	"truncated": func(t *testing.T, path string) {
		info, err := os.Stat(path)
		require.NoError(t, err)
		require.NoError(t, os.Truncate(path, info.Size()/2))
	},
	"replaced": func(t *testing.T, path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path+".new", b, 0o644))
		hourAgo := time.Now().Add(-time.Hour)
		require.NoError(t, os.Chtimes(path+".new", hourAgo, hourAgo))
		require.NoError(t, os.Rename(path+".new", path))
	},
}

// A file that changes while the Arrow path reads it, after its first
// batch, fails the stream with ErrStream and a message naming the file,
// in every format; in a glob, the file that changed is named.
func TestArrowReadOfChangingFile(t *testing.T) {
	for _, name := range []string{"a.csv", "a.jsonl", "a.parquet"} {
		for change, apply := range fileChanges {
			t.Run(name+" "+change, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				dir := t.TempDir()
				path := filepath.Join(dir, name)
				writeBig(t, path)
				r := extract(t, mem, dir, name)
				defer r.Release()
				require.True(t, r.Next())
				apply(t, path)
				for r.Next() {
				}
				require.ErrorIs(t, r.Err(), connectors.ErrStream)
				require.ErrorContains(t, r.Err(), "read "+path+": the file changed while it was read")
			})
		}
	}
	t.Run("glob", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		writeBig(t, filepath.Join(dir, "part-1.csv"))
		writeBig(t, filepath.Join(dir, "part-2.csv"))
		r := extract(t, mem, dir, "part-*.csv")
		defer r.Release()
		require.True(t, r.Next())
		fileChanges["rewritten in place"](t, filepath.Join(dir, "part-2.csv"))
		for r.Next() {
		}
		require.ErrorIs(t, r.Err(), connectors.ErrStream)
		require.ErrorContains(t, r.Err(), "read "+filepath.Join(dir, "part-2.csv")+": the file changed while it was read (modified at ")
	})
}
