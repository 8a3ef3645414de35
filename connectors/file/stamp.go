package file

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/vn-registries/dq/connectors"
)

// A file rewritten or truncated while it is read yields rows of neither
// version, maybe a torn last row, and nothing to tell them from a complete
// read. A file's stamp (its identity, size and modification time) is
// taken before it is read and compared once it is read, in both modes;
// any difference fails the read. Only stat is called twice: the file is
// never read again. A rewrite that keeps the same file, the same size and
// the same modification time (within one tick of the file system's
// clock) is not seen.

// stampFiles stamps files before they are read.
func stampFiles(files []string) ([]fs.FileInfo, error) {
	out := make([]fs.FileInfo, len(files))
	for i, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		out[i] = info
	}
	return out, nil
}

// unchanged fails, as ErrStream, when the file is no longer the one
// stamped before.
func unchanged(name string, before fs.FileInfo) error {
	now, err := os.Stat(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return connectors.Mark(connectors.ErrStream, fmt.Errorf("read %s: the file changed while it was read: %w", name, err))
	}
	var what []string
	if !os.SameFile(before, now) {
		what = append(what, "replaced by another file")
	}
	if before.Size() != now.Size() {
		what = append(what, fmt.Sprintf("%d bytes, then %d", before.Size(), now.Size()))
	}
	if !before.ModTime().Equal(now.ModTime()) {
		what = append(what, "modified at "+now.ModTime().UTC().Format(time.RFC3339Nano))
	}
	if len(what) == 0 {
		return nil
	}
	return connectors.Mark(connectors.ErrStream, fmt.Errorf("read %s: the file changed while it was read (%s): the rows read are of neither version",
		name, strings.Join(what, "; ")))
}
