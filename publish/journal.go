package publish

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vn-registries/dq/atomicfile"
	"github.com/vn-registries/dq/scorecard"
)

// journal is written once every part of a run is staged and removed once
// every part is committed: a journal found by a later process means a
// publish was cut during its commit.
type journal struct {
	RunID     string    `json:"run_id"`
	StartedAt time.Time `json:"started_at"`
	Steps     []step    `json:"steps"` // in commit order, the run folder first
}

type step struct {
	Name  string `json:"name"`
	Store string `json:"store"`
	Tmp   string `json:"staged"`
}

const journalPrefix = "publishing-"

func (j *journal) write(state string) (string, error) {
	if err := os.MkdirAll(state, 0o755); err != nil {
		return "", err
	}
	raw, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(state, journalPrefix+j.RunID+".json")
	return path, atomicfile.WriteFile(path, append(raw, '\n'))
}

func removeJournal(path string) error {
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("publish: the run is published but its journal stays (the next run removes it): %w", err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// Recover finishes what a killed process left, before a run publishes:
// a publish cut during its commit is completed when its run folder is in
// place (the run was visible, so it stays), and undone otherwise; then
// every staged part no journal names (a process killed while staging) is
// removed. It must run under the output's lock (runlock), as it removes
// what another live publish would still be writing. It returns what it
// did, one line each, for the log.
func Recover(outputDir, state string, stores ...string) ([]string, error) {
	var did []string
	journals, _ := filepath.Glob(filepath.Join(state, journalPrefix+"*.json"))
	for _, path := range journals {
		raw, err := os.ReadFile(path)
		if err != nil {
			return did, err
		}
		var j journal
		if err := json.Unmarshal(raw, &j); err != nil || scorecard.CheckRunID(j.RunID) != nil {
			return did, fmt.Errorf("publish journal %s is damaged (%v): move it away and check runs/ and the history by hand", path, err)
		}
		run := scorecard.Run{ID: j.RunID, StartedAt: j.StartedAt}
		if _, err := os.Stat(RunDir(outputDir, j.RunID)); err == nil {
			for _, s := range j.Steps {
				if _, err := os.Stat(s.Tmp); err != nil {
					continue // committed before the cut
				}
				if err := commit(s, run, nil); err != nil {
					return did, fmt.Errorf("complete the publish of run %s: %w", j.RunID, err)
				}
			}
			if _, err := scorecard.PointLatest(outputDir, run); err != nil {
				return did, err
			}
			did = append(did, "completed the publish of run "+j.RunID+", cut during its commit")
		} else {
			for _, s := range j.Steps {
				os.RemoveAll(s.Tmp)
			}
			did = append(did, "undid the publish of run "+j.RunID+", cut before it was visible")
		}
		if err := os.Remove(path); err != nil {
			return did, err
		}
	}
	for _, dir := range append([]string{outputDir, filepath.Join(outputDir, scorecard.RunsDir), state}, stores...) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), scorecard.TmpPrefix) {
				if err := os.RemoveAll(filepath.Join(dir, e.Name())); err == nil {
					did = append(did, "removed "+filepath.Join(dir, e.Name())+", left by a process that was stopped")
				}
			}
		}
	}
	return did, nil
}
