//go:build duckdb_arrow

package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DuckDB writes what does not fit in its memory limit to files in its
// temp_directory, by default ./.tmp in the working directory: shared with
// whoever else runs there, as readable as the umask allows, and left
// behind when a run is killed. Each engine gets a private spill folder
// instead, made on Open, removed on Close, and swept by the next Open
// when a killed run left it behind.
const (
	// spillPrefix starts the name of every spill folder, so that a sweep
	// only ever looks at dq's.
	spillPrefix = "dq-spill-"
	// ownerFile, inside a spill folder, is locked by the engine using it
	// for as long as it is open; the kernel drops the lock when the
	// process ends, however it ends.
	ownerFile = ".owner"
	// unlockedGrace is how old a spill folder without an owner file must
	// be to be swept: its engine locks one within microseconds of making
	// the folder, so a younger one may be an engine starting up.
	unlockedGrace = time.Hour
)

// spillDir is an engine's private spill folder.
type spillDir struct {
	path  string
	owner *os.File // holds the owner lock while the engine is open
}

// newSpillDir makes a spill folder (mode 0700) in base, os.TempDir() when
// base is "", after sweeping base of the folders killed runs left.
func newSpillDir(base string) (*spillDir, error) {
	if base == "" {
		base = os.TempDir()
	} else if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, fmt.Errorf("engine: temp_dir: %w", err)
	}
	base, err := filepath.Abs(base)
	if err != nil {
		return nil, fmt.Errorf("engine: temp_dir: %w", err)
	}
	sweepSpill(base)
	path, err := os.MkdirTemp(base, spillPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("engine: spill folder: %w", err)
	}
	owner, err := lockOwner(filepath.Join(path, ownerFile))
	if err != nil {
		os.RemoveAll(path)
		return nil, fmt.Errorf("engine: spill folder: %w", err)
	}
	return &spillDir{path: path, owner: owner}, nil
}

// remove deletes the folder, then lets go of its lock.
func (s *spillDir) remove() error {
	err := os.RemoveAll(s.path)
	s.owner.Close()
	return err
}

// sweepSpill removes the spill folders in base whose engine is gone:
// dq's, owned by this user, whose owner file nobody holds locked (or
// that have none and are older than unlockedGrace). A folder an engine
// still uses, in this process or another, is never touched. Sweeping is
// best effort: what cannot be removed stays for a later run.
func sweepSpill(base string) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), spillPrefix) || !e.IsDir() {
			continue
		}
		path := filepath.Join(base, e.Name())
		info, err := os.Lstat(path)
		if err != nil || !info.IsDir() || !ownedByMe(info) {
			continue
		}
		removeIfAbandoned(path, info)
	}
}
