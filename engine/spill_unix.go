//go:build duckdb_arrow && unix

package engine

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockOwner creates a spill folder's owner file and locks it; the lock
// lasts as long as the returned file is open.
func lockOwner(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func ownedByMe(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}

// removeIfAbandoned removes a spill folder when its owner lock can be
// taken, which only happens once the engine that held it is gone (a lock
// taken twice in one process conflicts too, as each open file has its
// own). The folder is removed while the lock is held, so two sweepers
// never race over it.
func removeIfAbandoned(path string, info fs.FileInfo) {
	f, err := os.OpenFile(filepath.Join(path, ownerFile), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if time.Since(info.ModTime()) > unlockedGrace {
			os.RemoveAll(path)
		}
		return
	}
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return // in use
	}
	os.RemoveAll(path)
}
