// Package watermark keeps how far each incremental dataset has been read:
// the largest value of its incremental column in the last published run,
// in <output.dir>/state/watermarks.json. The next run reads only rows
// beyond it.
package watermark

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vn-registries/dq/atomicfile"
)

// Mark is one dataset's watermark.
type Mark struct {
	Column string    `json:"column"`
	Value  string    `json:"value"`
	RunID  string    `json:"run_id"`
	At     time.Time `json:"at"`
}

// Marks are kept per dataset id.
type Marks map[string]Mark

// File is where the marks of an output folder are kept.
func File(outputDir string) string {
	return filepath.Join(outputDir, "state", "watermarks.json")
}

// Load reads the stored marks; none stored is not an error.
func Load(outputDir string) (Marks, error) {
	raw, err := os.ReadFile(File(outputDir))
	if errors.Is(err, os.ErrNotExist) {
		return Marks{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := Marks{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to read every incremental dataset in full)", File(outputDir), err)
	}
	return m, nil
}

// Save merges a run's new marks into the store, atomically: Stage then
// Commit. Call it only once the run is published: a run that did not
// complete must not move a dataset's window.
func Save(outputDir string, updates Marks) error {
	tmp, err := Stage(outputDir, updates)
	if err != nil || tmp == "" {
		return err
	}
	if err := Commit(outputDir, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Stage writes the store as it will be with a run's marks merged in, to a
// temporary file beside it that Commit renames over it; "" when there is
// nothing to update. A mark replaces the stored one only when its run did
// not start earlier, so publishing an older run never moves a window back.
func Stage(outputDir string, updates Marks) (string, error) {
	if len(updates) == 0 {
		return "", nil
	}
	m, err := Load(outputDir)
	if err != nil {
		return "", err
	}
	for id, u := range updates {
		if old, ok := m[id]; ok && old.Column == u.Column && u.At.Before(old.At) {
			continue
		}
		m[id] = u
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(File(outputDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".tmp-watermarks-*.json")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(append(raw, '\n'))
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// Commit renames a staged store (Stage's file) over the store.
func Commit(outputDir, tmp string) error {
	if err := os.Rename(tmp, File(outputDir)); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(File(outputDir)))
}
