// Package runlock keeps two dq processes from publishing into the same
// output folder or history at once: each takes an exclusive, advisory
// lock on a file in the folder for as long as it runs. The kernel drops
// the lock when the process ends, however it ends, so a killed run never
// leaves a stale lock behind.
package runlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// File is the lock file of a folder.
const File = ".dq.lock"

// ErrBusy is a folder another dq process holds.
var ErrBusy = errors.New("another dq process is using this folder")

// Lock is held on one or more folders.
type Lock struct {
	files []*os.File
}

// holder is what the lock file says about who holds it, for the message
// the next process prints.
type holder struct {
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Command string    `json:"command"`
}

// Acquire locks every folder (created if missing), or none: when one is
// held by another process it returns an error wrapping ErrBusy that says
// which process holds it and since when. what says what this process is
// doing ("dq run", "dq merge"), for that message.
func Acquire(what string, dirs ...string) (*Lock, error) {
	l := &Lock{}
	seen := map[string]bool{}
	for _, dir := range dirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			l.Release()
			return nil, err
		}
		if seen[abs] {
			continue
		}
		seen[abs] = true
		f, err := lock(abs, what)
		if err != nil {
			l.Release()
			return nil, err
		}
		l.files = append(l.files, f)
	}
	return l, nil
}

func lock(dir, what string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, File)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var h holder
			raw := make([]byte, 512)
			n, _ := f.ReadAt(raw, 0)
			if json.Unmarshal(raw[:n], &h) == nil && h.PID > 0 {
				return nil, fmt.Errorf("%w: %s is held by %s (pid %d) since %s; wait for it to finish, or stop it",
					ErrBusy, dir, h.Command, h.PID, h.Since.Format(time.RFC3339))
			}
			return nil, fmt.Errorf("%w: %s is held by another process; wait for it to finish, or stop it", ErrBusy, dir)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	raw, _ := json.Marshal(holder{PID: os.Getpid(), Since: time.Now().UTC().Truncate(time.Second), Command: what})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(raw, '\n'), 0)
	}
	return f, nil
}

// Release unlocks every folder. The lock files stay: removing one while
// another process waits to open it would let two processes hold "the"
// lock at once.
func (l *Lock) Release() {
	if l == nil {
		return
	}
	for _, f := range l.files {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
	l.files = nil
}
