//go:build duckdb_arrow && !unix

package engine

import (
	"io/fs"
	"os"
)

// Without flock there is no portable way to tell that the engine using a
// spill folder is gone: its owner file is only created, and a killed
// run's folder stays until removed by hand.
func lockOwner(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

func ownedByMe(fs.FileInfo) bool { return false }

func removeIfAbandoned(string, fs.FileInfo) {}
