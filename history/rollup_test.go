//go:build duckdb_arrow

package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/scorecard"
)

var base = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// runCards is run i of a varied history: two ministries, a check that
// comes and goes, a check whose value is NULL every third run, details on
// even runs only, and a failing check every fifth run.
func runCards(i int) []*scorecard.Card {
	score := 80 + float64(i%17)
	rows := int64(1000 + i)
	failed := int64(i % 7)
	rate := 1 - float64(failed)/float64(rows)
	status := scorecard.Pass
	if i%5 == 0 {
		status = scorecard.Fail
	}
	fmtCheck := &scorecard.Check{ID: "fmt", Kind: "regex", Dimension: "correct", Status: status,
		Score: ptr(score), PassRate: ptr(rate), Rows: ptr(rows), Evaluated: ptr(rows), Failed: ptr(failed), Value: ptr(float64(failed))}
	vol := &scorecard.Check{ID: "volume", Kind: "row_count", Dimension: "sufficient", Status: scorecard.Pass, Score: ptr(100.0)}
	if i%3 != 0 {
		vol.Value = ptr(float64(rows))
	}
	schema := &scorecard.Check{ID: "columns_stable", Kind: "schema_stable", Dimension: "consistent", Status: scorecard.Pass, Score: ptr(100.0)}
	if i%2 == 0 {
		schema.Details = map[string]any{"columns": []map[string]string{{"name": "cccd", "type": fmt.Sprintf("VARCHAR%d", i)}}}
	}
	pop := &scorecard.Dataset{ID: "pop", Score: ptr(score), Status: status, RowsTotal: ptr(rows), RowsSampled: ptr(rows),
		Dimensions: map[string]float64{"correct": score}, Checks: []*scorecard.Check{fmtCheck, vol, schema}}
	if i%4 == 1 {
		pop.Checks = append(pop.Checks, &scorecard.Check{ID: "sometimes", Kind: "not_null", Dimension: "complete", Status: scorecard.Error})
	}
	tax := &scorecard.Dataset{ID: "tax", Score: ptr(90.0), Status: scorecard.Pass,
		Checks: []*scorecard.Check{{ID: "fmt", Kind: "regex", Dimension: "correct", Status: scorecard.Pass, Score: ptr(90.0 + float64(i%3))}}}
	return []*scorecard.Card{
		{Ministry: scorecard.Ref{ID: "MPS"}, Score: ptr(score), Status: status, Dimensions: map[string]float64{"correct": score}, Datasets: []*scorecard.Dataset{pop}},
		{Ministry: scorecard.Ref{ID: "MOF"}, Score: ptr(90.0), Status: scorecard.Pass, Datasets: []*scorecard.Dataset{tax}},
	}
}

func runID(i int) string { return fmt.Sprintf("run-%03d", i) }

func appendRuns(t *testing.T, dir string, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		require.NoError(t, Append(dir, scorecard.Run{ID: runID(i), StartedAt: base.Add(time.Duration(i) * time.Hour)}, runCards(i)))
	}
}

// requireEqualsFullRead asks the rollup what every reader asks and
// requires the answers the per-run files give through DuckDB (read.go),
// for every series of the store and several limits.
func requireEqualsFullRead(t *testing.T, conn Querier, dir string, r *Rollup) {
	t.Helper()
	ctx := context.Background()
	require.Equal(t, Check(dir), r.Unreadable(dir), "unreadable files")
	require.Equal(t, Empty(dir), r.Empty())
	for _, limit := range []int{1, 20, 1000} {
		want, err := Runs(ctx, conn, dir, limit)
		require.NoError(t, err)
		require.Equal(t, nilIfEmpty(want), nilIfEmpty(r.Runs(limit)), "runs, limit %d", limit)
	}
	refs, scoreRefs := seriesOf(t, conn, dir)
	require.NotEmpty(t, refs)
	for _, limit := range []int{9, keep} {
		for _, ref := range refs {
			fields := fieldNames[:]
			if limit != keep {
				fields = []string{"value"} // each field once, at the limit that cuts series
			}
			for _, f := range fields {
				want, err := CheckSeries(ctx, conn, dir, ref.Dataset, ref.Check, f, limit)
				require.NoError(t, err)
				got, err := r.CheckSeries(ref.Dataset, ref.Check, f, limit)
				require.NoError(t, err)
				require.Equal(t, nilIfEmpty(want), nilIfEmpty(got), "%v %s limit %d", ref, f, limit)
			}
			want, err := CheckDetails(ctx, conn, dir, ref.Dataset, ref.Check, min(limit, KeepDetails))
			require.NoError(t, err)
			got, err := r.CheckDetails(ref.Dataset, ref.Check, min(limit, KeepDetails))
			require.NoError(t, err)
			require.Equal(t, nilIfEmpty(want), nilIfEmpty(got), "details of %v", ref)
		}
		want, err := CheckScores(ctx, conn, dir, limit)
		require.NoError(t, err)
		got, err := r.CheckScores(limit)
		require.NoError(t, err)
		require.Equal(t, want, got, "check scores, limit %d", limit)
		for _, s := range scoreRefs {
			want, err := ScoreSeries(ctx, conn, dir, s.Ministry, s.Dataset, limit)
			require.NoError(t, err)
			got, err := r.ScoreSeries(s.Ministry, s.Dataset, limit)
			require.NoError(t, err)
			require.Equal(t, nilIfEmpty(want), nilIfEmpty(got), "scores of %v, limit %d", s, limit)
		}
	}
}

func nilIfEmpty[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

// seriesOf lists every check and score series the readable files hold.
func seriesOf(t *testing.T, conn Querier, dir string) ([]CheckRef, []scoreRef) {
	ctx := context.Background()
	var refs []CheckRef
	var srefs []scoreRef
	if files, _ := readable(dir, ChecksFile); len(files) > 0 {
		rows, err := conn.QueryRows(ctx, "SELECT DISTINCT dataset, check_id FROM read_parquet("+fileList(files)+", union_by_name = true) ORDER BY 1, 2")
		require.NoError(t, err)
		for _, r := range rows {
			refs = append(refs, CheckRef{Dataset: fmt.Sprint(r[0]), Check: fmt.Sprint(r[1])})
		}
	}
	if files, _ := readable(dir, ScoresFile); len(files) > 0 {
		rows, err := conn.QueryRows(ctx, "SELECT DISTINCT ministry, dataset FROM read_parquet("+fileList(files)+") ORDER BY 1, 2")
		require.NoError(t, err)
		for _, r := range rows {
			srefs = append(srefs, scoreRef{Ministry: fmt.Sprint(r[0]), Dataset: fmt.Sprint(r[1])})
		}
	}
	return refs, srefs
}

func load(t *testing.T, dir string) *Rollup {
	t.Helper()
	r, err := Load(context.Background(), dir)
	require.NoError(t, err)
	return r
}

// The rollup answers every reader as the per-run files do: on a history
// longer than it keeps (so its series are cut), with files of the format
// before details (DuckDB's own types: decimals, TIMESTAMPTZ), and with
// damaged files, which both skip and report alike.
func TestRollupEqualsFullRead(t *testing.T) {
	keep = 20 // series cut in a short history
	defer func() { keep = Keep }()
	dir := t.TempDir()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	ctx := context.Background()
	appendRuns(t, dir, 0, keep+7)
	// A run of the earlier format, written by DuckDB, older than the rest,
	// recorded after the rollup (as by a dq without it).
	old := RunDir(dir, "run-old")
	require.NoError(t, os.MkdirAll(old, 0o755))
	require.NoError(t, conn.Exec(ctx, fmt.Sprintf(`COPY (SELECT 'run-old' AS run_id, TIMESTAMPTZ '2026-10-31 00:00:00+00' AS started_at,
		'MPS' AS ministry, 'pop' AS dataset, 'fmt' AS check_id, 'regex' AS kind, 'correct' AS dimension, 'fail' AS status,
		99.5 AS score, 1.0 AS pass_rate, 7.0 AS value, 100::BIGINT AS rows, 100::BIGINT AS evaluated, 3::INTEGER AS failed,
		100::BIGINT AS rows_total, 100::BIGINT AS rows_sampled) TO '%s' (FORMAT parquet)`, filepath.Join(old, ChecksFile))))

	r := load(t, dir)
	require.Contains(t, r.Repair(), "added 1 run", "the DuckDB-written run had no rollup")
	requireEqualsFullRead(t, conn, dir, r)
	_, err := r.CheckSeries("pop", "fmt", "value", keep+1)
	require.ErrorIs(t, err, ErrBeyondRollup, "older values were left out")
	pts, err := r.CheckSeries("pop", "sometimes", "score", keep+1)
	require.NoError(t, err, "a series shorter than the rollup keeps is whole")
	require.Len(t, pts, 7, "runs 1, 5, 9, ... 25")
	vals, err := r.CheckSeries("pop", "volume", "value", 3)
	require.NoError(t, err)
	require.Equal(t, []Point{
		{RunID: "run-024", At: base.Add(24 * time.Hour), Value: nil},
		{RunID: "run-025", At: base.Add(25 * time.Hour), Value: ptr(1025.0)},
		{RunID: "run-026", At: base.Add(26 * time.Hour), Value: ptr(1026.0)},
	}, vals, "run-024's value is NULL")

	// Damage: a checks file cut in half, a scores file overwritten.
	cut := filepath.Join(RunDir(dir, runID(10)), ChecksFile)
	raw, err := os.ReadFile(cut)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cut, raw[:len(raw)/2], 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(RunDir(dir, runID(24)), ScoresFile), []byte("not parquet"), 0o644))
	r = load(t, dir)
	require.Contains(t, r.Repair(), "changed since it was read")
	require.Len(t, r.Unreadable(dir), 2)
	requireEqualsFullRead(t, conn, dir, r)
	vals, err = r.CheckSeries("pop", "fmt", "failed", 200)
	require.ErrorIs(t, err, ErrBeyondRollup)
	runs := r.Runs(1000)
	require.Len(t, runs, keep+7, "run 10's checks do not read; the DuckDB run does")
	require.Equal(t, RunSummary{RunID: "run-old", StartedAt: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), Ministries: 1, Checks: 1, Failed: 1}, runs[len(runs)-1])

	// The next run's record writes the repaired rollup: read as it is.
	appendRuns(t, dir, keep+7, keep+8)
	r = load(t, dir)
	require.Empty(t, r.Repair(), "the rollup matches the store")
	requireEqualsFullRead(t, conn, dir, r)
	require.Len(t, r.Unreadable(dir), 2, "the damaged files are still reported")
}

// A rollup that is deleted, damaged, of an older dq's store (runs it does
// not name), or names a run removed by hand is repaired from the runs'
// files, and the repair is written with the next run.
func TestRollupRepaired(t *testing.T) {
	dir := t.TempDir()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	appendRuns(t, dir, 0, 12)
	path := filepath.Join(dir, RollupFile)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Empty(t, load(t, dir).Repair())

	for k, c := range []struct {
		name, repair string
		damage       func()
	}{
		{"deleted", "rebuilt from the runs' files: the rollup is missing", func() { require.NoError(t, os.Remove(path)) }},
		{"cut short", "the rollup is damaged", func() { require.NoError(t, os.WriteFile(path, good[:len(good)/3], 0o644)) }},
		{"changed in place", "checksum does not match", func() {
			require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(good), `"run":"run-003"`, `"run":"run-333"`, 1)), 0o644))
		}},
		{"of another format", "of format 0", func() { require.NoError(t, os.WriteFile(path, []byte(`{"format":0}`), 0o644)) }},
		{"a run removed by hand", "names run folder run=run-004", func() {
			require.NoError(t, os.RemoveAll(RunDir(dir, runID(4))))
		}},
		{"a run recorded by a dq without the rollup", "added 1 run", func() {
			tmp, err := Stage(dir, scorecard.Run{ID: "run-older-dq", StartedAt: base.Add(-time.Hour)}, runCards(99))
			require.NoError(t, err)
			require.NoError(t, os.Remove(filepath.Join(tmp, stagedRollup)))
			require.NoError(t, Commit(dir, tmp, "run-older-dq"))
		}},
	} {
		require.NoError(t, os.WriteFile(path, good, 0o644))
		c.damage()
		r := load(t, dir)
		require.Contains(t, r.Repair(), c.repair, c.name)
		requireEqualsFullRead(t, conn, dir, r)
		// The next record writes the repaired rollup.
		nextID := fmt.Sprintf("next-%d", k)
		require.NoError(t, Append(dir, scorecard.Run{ID: nextID, StartedAt: base.Add(time.Duration(100+k) * time.Hour)}, runCards(1)))
		next := load(t, dir)
		require.Empty(t, next.Repair(), c.name)
		require.Equal(t, nextID, next.Runs(1)[0].RunID)
		require.Equal(t, r.Runs(100), next.Runs(100)[1:], "%s: the rollup written is the repaired one and the run", c.name)
		good, err = os.ReadFile(path)
		require.NoError(t, err)
	}
}

// A record killed at any line of its commit leaves a store that reads
// right: completed by the publish journal's recovery (Commit again, when
// the staged folder is still there), or, with the staged names removed
// as leftovers, repaired by the next Load.
func TestCommitCutAtEveryLine(t *testing.T) {
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	for cut := 1; cut <= 2; cut++ { // renames done before the cut
		for _, recovery := range []string{"journal", "leftovers removed"} {
			name := fmt.Sprintf("cut after %d, %s", cut, recovery)
			dir := t.TempDir()
			appendRuns(t, dir, 0, 3)
			id := runID(3)
			tmp, err := Stage(dir, scorecard.Run{ID: id, StartedAt: base.Add(3 * time.Hour)}, runCards(3))
			require.NoError(t, err)
			// Commit's renames, up to the cut.
			pending := filepath.Join(dir, scorecard.TmpPrefix+"rollup-"+id+".json")
			require.NoError(t, os.Rename(filepath.Join(tmp, stagedRollup), pending))
			if cut >= 2 {
				require.NoError(t, os.Rename(tmp, RunDir(dir, id)))
			}
			_, tmpLeft := os.Stat(tmp)
			switch {
			case recovery == "journal" && tmpLeft == nil:
				require.NoError(t, Commit(dir, tmp, id), name)
			default:
				// What publish.Recover does with what no journal completes.
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), scorecard.TmpPrefix) {
						require.NoError(t, os.RemoveAll(filepath.Join(dir, e.Name())))
					}
				}
			}
			r := load(t, dir)
			requireEqualsFullRead(t, conn, dir, r)
			_, recorded := os.Stat(RunDir(dir, id))
			runs := r.Runs(10)
			require.Equal(t, recorded == nil, runs[0].RunID == id, name)
			if cut == 1 && recovery == "journal" {
				require.Empty(t, r.Repair(), "%s: completed, rollup and all", name)
				require.Len(t, runs, 4)
			}
			if cut == 2 {
				require.Len(t, runs, 4, name)
				require.Contains(t, r.Repair(), "added 1 run", "%s: the run's folder is in place, the rollup without it", name)
			}
		}
	}
}

// A run records itself onto the rollup it loaded, without reading it
// again, and without changing it for the readers that hold it; a run
// recorded meanwhile by another process is not lost.
func TestStageOntoALoadedRollup(t *testing.T) {
	dir := t.TempDir()
	conn := enginetest.Conn(t, engine.Options{Threads: 1})
	appendRuns(t, dir, 0, 3)
	loaded := load(t, dir)
	appendRuns(t, dir, 3, 4) // another process, meanwhile
	tmp, err := StageOnto(dir, loaded, scorecard.Run{ID: runID(4), StartedAt: base.Add(4 * time.Hour)}, runCards(4))
	require.NoError(t, err)
	require.NoError(t, Commit(dir, tmp, runID(4)))
	require.Len(t, loaded.Runs(100), 3, "the loaded rollup is as its readers read it")

	r := load(t, dir)
	require.Empty(t, r.Repair())
	require.Len(t, r.Runs(100), 5)
	requireEqualsFullRead(t, conn, dir, r)
}
