// Package history keeps every run's check results and scores, so
// scorecards can show trends and anomaly checks can compare a metric with
// its past. The store is a folder of Parquet files, one folder per run
// (run=<id>/checks.parquet, run=<id>/scores.parquet), each written to a
// temporary folder and renamed into place: runs append without locks, a
// crashed run leaves only a temporary folder that readers ignore, and any
// tool that reads Parquet (DuckDB, pandas, Spark) can query the history.
//
// Beside the run folders, the rollup (RollupFile, rollup.go) keeps each
// series' newest records in one file, written with each run's record; a
// run reads it once (Load) instead of every run's files, and it is
// rebuilt from the run folders whenever it does not match them. The
// functions of read.go read the run folders themselves (the full read),
// for what the rollup does not keep.
package history

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/vn-registries/dq/atomicfile"
	"github.com/vn-registries/dq/scorecard"
)

// Files of one run.
const (
	ChecksFile = "checks.parquet"
	ScoresFile = "scores.parquet"
)

// RunDir is the folder of one run in the store.
func RunDir(dir, runID string) string { return filepath.Join(dir, "run="+runID) }

// ChecksGlob and ScoresGlob match every complete run's files, for any
// Parquet reader (the README's example queries).
func ChecksGlob(dir string) string { return filepath.Join(dir, "run=*", ChecksFile) }
func ScoresGlob(dir string) string { return filepath.Join(dir, "run=*", ScoresFile) }

var checkSchema = arrow.NewSchema([]arrow.Field{
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "started_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "ministry", Type: arrow.BinaryTypes.String},
	{Name: "dataset", Type: arrow.BinaryTypes.String},
	{Name: "check_id", Type: arrow.BinaryTypes.String},
	{Name: "kind", Type: arrow.BinaryTypes.String},
	{Name: "dimension", Type: arrow.BinaryTypes.String},
	{Name: "status", Type: arrow.BinaryTypes.String},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "pass_rate", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "rows", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "evaluated", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "failed", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "rows_total", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "rows_sampled", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	// details is the check's details as JSON, for checks that compare
	// with what an earlier run found (schema_stable); files written
	// before it have no such column, which readers take as NULL.
	{Name: "details", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var scoreSchema = arrow.NewSchema([]arrow.Field{
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "started_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "ministry", Type: arrow.BinaryTypes.String},
	{Name: "dataset", Type: arrow.BinaryTypes.String},   // "" for the ministry itself
	{Name: "dimension", Type: arrow.BinaryTypes.String}, // "" for the overall score
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "status", Type: arrow.BinaryTypes.String},
}, nil)

// Append adds one run to the store at dir: Stage then Commit.
func Append(dir string, run scorecard.Run, cards []*scorecard.Card) error {
	tmp, err := Stage(dir, run, cards)
	if err != nil {
		return err
	}
	if err := Commit(dir, tmp, run.ID); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// Stage writes one run's records where no reader looks: every check of
// every card and every score (ministry, dataset, dimension), in a
// temporary folder of the store that Commit renames into place. Passes
// are kept too, so a pass rate and a trend can be computed for any
// period. On error nothing is left behind.
func Stage(dir string, run scorecard.Run, cards []*scorecard.Card) (string, error) {
	return StageOnto(dir, nil, run, cards)
}

// StageOnto is Stage onto the rollup the run loaded (Load; nil: read
// it), so that a run reads its history once: the store is listed again,
// and the rollup read again only if the store changed meanwhile.
func StageOnto(dir string, base *Rollup, run scorecard.Run, cards []*scorecard.Card) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	if _, err := os.Stat(RunDir(dir, run.ID)); err == nil {
		return "", fmt.Errorf("history: run %s is already recorded", run.ID)
	}
	tmp := filepath.Join(dir, scorecard.TmpPrefix+run.ID+"-"+randomHex())
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	checks, scores := records(run, cards)
	defer checks.Release()
	defer scores.Release()
	if err := writeParquet(filepath.Join(tmp, ChecksFile), checks); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := writeParquet(filepath.Join(tmp, ScoresFile), scores); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := stageRollup(dir, tmp, base, run.ID, checks, scores); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

// stageRollup writes, inside the staged folder, the rollup with this run
// added: the store's rollup as Load reads (or repairs) it, and the run's
// records as written, with the stamps of the staged files, which the
// rename into the store keeps.
func stageRollup(dir, tmp string, base *Rollup, runID string, checks, scores arrow.RecordBatch) error {
	var err error
	if base != nil {
		// Checked against the store again, as Load checks the file.
		base, err = loadOnto(context.Background(), dir, base.clone(), "")
	} else {
		base, err = Load(context.Background(), dir)
	}
	if err != nil {
		return err
	}
	var rows runRows
	if err := rows.addChecks(checks); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := rows.addScores(scores); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	e := &runEntry{Checks: statFile(filepath.Join(tmp, ChecksFile)), Scores: statFile(filepath.Join(tmp, ScoresFile)), Summary: rows.summary}
	base.add(map[string]*runEntry{"run=" + runID: e}, rows)
	raw, err := base.encode()
	if err != nil {
		return fmt.Errorf("history: rollup: %w", err)
	}
	if err := atomicfile.Create(filepath.Join(tmp, stagedRollup), raw); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// Commit renames a staged run (Stage's folder) into the store, then its
// rollup over the store's, with renames only, so that a process killed at
// any line leaves a store Load reads right: the staged rollup is first
// moved out of the folder (to a staged name of its own), the folder is
// renamed into the store, and the rollup replaces the store's. Killed
// before the folder's rename, the journal's recovery calls Commit again,
// which finishes both; killed after it, the store's rollup lacks the run
// (or the staged rollup is removed as a leftover), and Load adds the run
// from its files.
func Commit(dir, tmp, runID string) error {
	final := RunDir(dir, runID)
	if _, err := os.Stat(final); err == nil {
		return fmt.Errorf("history: run %s is already recorded", runID)
	}
	pending := filepath.Join(dir, scorecard.TmpPrefix+"rollup-"+runID+".json")
	if err := os.Rename(filepath.Join(tmp, stagedRollup), pending); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("history: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := os.Rename(pending, filepath.Join(dir, RollupFile)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // staged by a dq without the rollup: Load adds the run
		}
		return fmt.Errorf("history: %w", err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

func records(run scorecard.Run, cards []*scorecard.Card) (arrow.RecordBatch, arrow.RecordBatch) {
	mem := memory.DefaultAllocator
	cb := array.NewRecordBuilder(mem, checkSchema)
	defer cb.Release()
	sb := array.NewRecordBuilder(mem, scoreSchema)
	defer sb.Release()
	at := arrow.Timestamp(run.StartedAt.UTC().UnixMicro())
	score := func(ministry, dataset, dim string, s *float64, st scorecard.Status) {
		sb.Field(0).(*array.StringBuilder).Append(run.ID)
		sb.Field(1).(*array.TimestampBuilder).Append(at)
		sb.Field(2).(*array.StringBuilder).Append(ministry)
		sb.Field(3).(*array.StringBuilder).Append(dataset)
		sb.Field(4).(*array.StringBuilder).Append(dim)
		appendFloat(sb.Field(5), s)
		sb.Field(6).(*array.StringBuilder).Append(string(st))
	}
	for _, card := range cards {
		m := card.Ministry.ID
		score(m, "", "", card.Score, card.Status)
		for dim, s := range card.Dimensions {
			score(m, "", dim, &s, "")
		}
		for _, d := range card.Datasets {
			score(m, d.ID, "", d.Score, d.Status)
			for dim, s := range d.Dimensions {
				score(m, d.ID, dim, &s, "")
			}
			for _, c := range d.Checks {
				cb.Field(0).(*array.StringBuilder).Append(run.ID)
				cb.Field(1).(*array.TimestampBuilder).Append(at)
				for i, s := range []string{m, d.ID, c.ID, c.Kind, c.Dimension, string(c.Status)} {
					cb.Field(2 + i).(*array.StringBuilder).Append(s)
				}
				appendFloat(cb.Field(8), c.Score)
				appendFloat(cb.Field(9), c.PassRate)
				appendFloat(cb.Field(10), c.Value)
				appendInt(cb.Field(11), c.Rows)
				appendInt(cb.Field(12), c.Evaluated)
				appendInt(cb.Field(13), c.Failed)
				appendInt(cb.Field(14), d.RowsTotal)
				appendInt(cb.Field(15), d.RowsSampled)
				appendJSON(cb.Field(16), c.Details)
			}
		}
	}
	return cb.NewRecordBatch(), sb.NewRecordBatch()
}

func appendFloat(b array.Builder, v *float64) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.(*array.Float64Builder).Append(*v)
}

// appendJSON writes details as JSON; details that do not encode (never
// the case for a check's numbers, lists and strings) are recorded as
// NULL rather than failing the run's history.
func appendJSON(b array.Builder, details map[string]any) {
	raw, err := json.Marshal(details)
	if details == nil || err != nil {
		b.AppendNull()
		return
	}
	b.(*array.StringBuilder).Append(string(raw))
}

func appendInt(b array.Builder, v *int64) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.(*array.Int64Builder).Append(*v)
}

func writeParquet(path string, rec arrow.RecordBatch) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return fmt.Errorf("history: %w", err)
	}
	if err := w.Write(rec); err != nil {
		w.Close()
		return fmt.Errorf("history: write %s: %w", path, err)
	}
	if err := w.Close(); err != nil { // closes f
		return fmt.Errorf("history: close %s: %w", path, err)
	}
	return syncFile(path)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ErrNoHistory says the store has no run yet.
var ErrNoHistory = errors.New("no run recorded yet")

func randomHex() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Point is one past value of a series.
type Point struct {
	RunID string
	At    time.Time
	Value *float64
}
