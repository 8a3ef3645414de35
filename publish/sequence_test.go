package publish

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/history"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// stores is an output folder with its history and state folders.
type stores struct{ out, hist, state string }

func newStores(t *testing.T) stores {
	out := t.TempDir()
	return stores{out: out, hist: filepath.Join(out, "history"), state: filepath.Join(out, "state")}
}

func (s stores) publishers() []Publisher {
	return []Publisher{Directory{Dir: s.out}, History{Dir: s.hist}, Watermarks{OutputDir: s.out}}
}

// checkedRun is a small run of two ministries started at start.
func checkedRun(id string, start time.Time) *Run {
	run := scorecard.Run{ID: id, StartedAt: start, FinishedAt: start.Add(time.Minute)}
	idx := &scorecard.Index{SchemaVersion: scorecard.SchemaVersion, Run: run, Status: scorecard.Pass}
	r := &Run{Index: idx, Watermarks: watermark.Marks{"pop": {Column: "updated_at", Value: id, RunID: id, At: start}}}
	for _, c := range cards() {
		c.Run = run
		r.Cards = append(r.Cards, c)
		idx.Ministries = append(idx.Ministries, scorecard.IndexEntry{ID: c.Ministry.ID, Score: c.Score, Status: c.Status})
	}
	return r
}

// visible is what a reader sees of run id: its folder, its history, the
// watermark it set, and whether latest shows it.
func (s stores) visible(t *testing.T, id string) (folder, hist, mark, latest bool) {
	t.Helper()
	_, err := os.Stat(filepath.Join(s.out, "runs", id))
	folder = err == nil
	_, err = os.Stat(history.RunDir(s.hist, id))
	hist = err == nil
	m, err := watermark.Load(s.out)
	require.NoError(t, err)
	mark = m["pop"].RunID == id
	latest = scorecard.LatestRunID(s.out) == id
	return
}

// leftovers lists staged names and journals anywhere in the stores.
func (s stores) leftovers(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{s.out, filepath.Join(s.out, "runs"), s.hist, s.state} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), scorecard.TmpPrefix) || strings.HasPrefix(e.Name(), journalPrefix) {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	return out
}

var t0 = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)

func TestSequencePublishesEveryPartOrNone(t *testing.T) {
	s := newStores(t)
	r := checkedRun("run-1", t0)
	require.NoError(t, Sequence(context.Background(), s.state, r, s.publishers()...))
	f, h, m, l := s.visible(t, "run-1")
	require.Equal(t, []bool{true, true, true, true}, []bool{f, h, m, l})
	require.True(t, r.Latest)
	require.Equal(t, filepath.Join(s.out, "runs", "run-1"), r.Dir)
	require.Empty(t, s.leftovers(t))

	// A part that cannot be staged (the history is a file, not a folder:
	// as good as a full disk) publishes nothing of the run.
	require.NoError(t, os.RemoveAll(s.hist))
	require.NoError(t, os.WriteFile(s.hist, []byte("in the way"), 0o644))
	err := Sequence(context.Background(), s.state, checkedRun("run-2", t0.Add(time.Hour)), s.publishers()...)
	require.ErrorContains(t, err, "record run history")
	f, _, m, l = s.visible(t, "run-2")
	require.Equal(t, []bool{false, false, false}, []bool{f, m, l})
	require.Equal(t, "run-1", scorecard.LatestRunID(s.out))
	require.Empty(t, s.leftovers(t))
}

func TestCancelledBeforeCommitPublishesNothing(t *testing.T) {
	s := newStores(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Sequence(ctx, s.state, checkedRun("run-1", t0), s.publishers()...)
	require.ErrorIs(t, err, ErrCancelled)
	require.ErrorIs(t, err, context.Canceled)
	f, h, m, l := s.visible(t, "run-1")
	require.Equal(t, []bool{false, false, false, false}, []bool{f, h, m, l})
	require.Empty(t, s.leftovers(t))
}

// A publish killed at any point of its commit is completed by the next
// process when its run folder is in place, undone when not, and whatever
// a process killed while staging left is removed.
func TestRecoverAfterACutAtEveryStep(t *testing.T) {
	for cut := 0; cut <= 3; cut++ { // steps committed before the cut
		s := newStores(t)
		require.NoError(t, Sequence(context.Background(), s.state, checkedRun("run-0", t0), s.publishers()...))
		r := checkedRun("run-1", t0.Add(time.Hour))
		j := &journal{RunID: "run-1", StartedAt: t0.Add(time.Hour)}
		for _, p := range s.publishers() {
			staged, err := p.Stage(context.Background(), r)
			require.NoError(t, err)
			j.Steps = append(j.Steps, step{Name: p.Name(), Store: p.Store(), Tmp: staged})
		}
		_, err := j.write(s.state)
		require.NoError(t, err)
		for i := 0; i < cut; i++ {
			require.NoError(t, commit(j.Steps[i], r.Index.Run, nil))
		}
		// A process killed while staging another run left this behind.
		require.NoError(t, os.MkdirAll(filepath.Join(s.out, "runs", ".tmp-run-9-123"), 0o755))
		require.NoError(t, os.MkdirAll(filepath.Join(s.hist, ".tmp-run-9-456"), 0o755))

		did, err := Recover(s.out, s.state, s.hist)
		require.NoError(t, err, "cut after %d steps", cut)
		f, h, m, l := s.visible(t, "run-1")
		if cut == 0 {
			require.Equal(t, []bool{false, false, false, false}, []bool{f, h, m, l}, "cut before the run was visible: undone")
			require.Contains(t, did[0], "undid the publish of run run-1")
			require.Equal(t, "run-0", scorecard.LatestRunID(s.out))
		} else {
			require.Equal(t, []bool{true, true, true, true}, []bool{f, h, m, l}, "cut after %d steps: completed", cut)
			require.Contains(t, did[0], "completed the publish of run run-1")
		}
		require.Empty(t, s.leftovers(t), "cut after %d steps", cut)
		again, err := Recover(s.out, s.state, s.hist)
		require.NoError(t, err)
		require.Empty(t, again, "recovery is done once")
	}
}

func TestLatestNeverMovesBack(t *testing.T) {
	s := newStores(t)
	require.NoError(t, Sequence(context.Background(), s.state, checkedRun("new", t0.Add(time.Hour)), s.publishers()...))
	old := checkedRun("old", t0)
	require.NoError(t, Sequence(context.Background(), s.state, old, s.publishers()...))
	require.False(t, old.Latest)
	f, h, m, l := s.visible(t, "old")
	require.Equal(t, []bool{true, true, false, false}, []bool{f, h, m, l}, "published and recorded, but neither latest nor the watermark goes back")
	require.Equal(t, "new", scorecard.LatestRunID(s.out))
}

func TestRedeliverSendsOnlyWhatIsLeft(t *testing.T) {
	s := newStores(t)
	rc, srv := newReceiver(0, 0)
	defer srv.Close()
	r := checkedRun("run-1", t0)
	r.Pending = []string{"MPS", "MOH"}
	require.NoError(t, Sequence(context.Background(), s.state, r, s.publishers()...))
	var rec []Delivery
	raw, err := os.ReadFile(filepath.Join(r.Dir, DeliveryRecord))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &rec))
	require.Equal(t, []Delivery{{Ministry: "MPS", IdempotencyKey: "run-1/MPS"}, {Ministry: "MOH", IdempotencyKey: "run-1/MOH"}}, rec,
		"until delivered, the record says what is pending")

	// MPS was delivered before the process was cut.
	rec[0].Delivered, rec[0].Attempts, rec[0].Status = true, 1, 201
	require.NoError(t, writeRecord(r.Dir, rec))
	again, err := fast(srv.URL).Redeliver(context.Background(), s.out, "run-1")
	require.NoError(t, err)
	require.Equal(t, map[string]int{"run-1/MOH": 1}, rc.attempts, "only MOH is sent, with the run's key")
	require.Len(t, again.Deliveries, 2)
	require.True(t, again.Deliveries[0].Delivered && again.Deliveries[1].Delivered)
	raw, err = os.ReadFile(filepath.Join(r.Dir, DeliveryRecord))
	require.NoError(t, err)
	require.Contains(t, string(raw), `"ministry": "MOH"`)

	_, err = fast(srv.URL).Redeliver(context.Background(), s.out, "no-such-run")
	require.ErrorIs(t, err, os.ErrNotExist)
}
