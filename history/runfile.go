package history

import (
	"context"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// What the rollup takes from one run's files, read in Go (the rollup is
// built and kept up to date by dq's own code, without an engine): the
// rows its readers ask for, and each run's summary. A column a file lacks
// reads as NULL, as DuckDB's union_by_name reads it; numbers of any
// numeric type read as doubles, as the readers' CAST(… AS DOUBLE) does.

// fieldNames are the fields of a check's series (CheckSeries' field), in
// the order the rollup keeps them.
var fieldNames = [...]string{"value", "pass_rate", "score", "failed", "rows", "rows_total"}

const scoreField = 2 // index of "score" in fieldNames

// opt is a nullable number.
type opt struct {
	V  float64
	OK bool
}

// stamp is which run a row belongs to: its run_id and started_at (in
// microseconds; ok false when NULL). Rows of a series are ordered by it
// as the readers' ORDER BY started_at, run_id orders them.
type stamp struct {
	runID string
	at    int64
	atOK  bool
}

func (s stamp) time() time.Time {
	if !s.atOK {
		return time.Time{}
	}
	return time.UnixMicro(s.at).UTC()
}

// before orders stamps oldest first; a NULL time sorts first, so a
// series' newest rows are those with a time, as DuckDB's NULLS LAST
// after ORDER BY … DESC keeps them.
func (s stamp) before(o stamp) bool {
	if s.atOK != o.atOK {
		return !s.atOK
	}
	if s.at != o.at {
		return s.at < o.at
	}
	return s.runID < o.runID
}

type checkRow struct {
	stamp
	ref     CheckRef
	vals    [len(fieldNames)]opt
	details *string
}

type scoreRow struct {
	stamp
	ref   scoreRef
	score opt
}

// scoreRef names a score series: a ministry's (dataset "") or one of its
// datasets'.
type scoreRef struct{ Ministry, Dataset string }

// runSummary is what RunSummary is made of, per run_id of a file.
type runSummary struct {
	RunID      string   `json:"run_id"`
	At         int64    `json:"at_us"`
	AtOK       bool     `json:"at_ok"`
	Ministries []string `json:"ministries"`
	Checks     int      `json:"checks"`
	Failed     int      `json:"failed"`
}

// runRows is what one run folder's files hold, for the rollup.
type runRows struct {
	checks  []checkRow
	scores  []scoreRow
	summary []runSummary
}

// readRunFile reads a checks or scores file of the store. An error is
// the reason the file is skipped as unreadable: it does not open as
// Parquet (the reason the footer check gives, as Check reports it), its
// data cannot be read, or a column has a type no reader can use.
func readRunFile(ctx context.Context, path string, into *runRows, checks bool) error {
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		return err
	}
	defer f.Close()
	fr, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 4096}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	tbl, err := fr.ReadTable(ctx)
	if err != nil {
		return err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	var rows runRows
	for tr.Next() {
		if checks {
			err = rows.addChecks(tr.RecordBatch())
		} else {
			err = rows.addScores(tr.RecordBatch())
		}
		if err != nil {
			return err
		}
	}
	if err := tr.Err(); err != nil {
		return err
	}
	into.checks = append(into.checks, rows.checks...)
	into.scores = append(into.scores, rows.scores...)
	into.summary = append(into.summary, rows.summary...)
	return nil
}

// columns finds named columns of a record, nil for one it lacks.
func columns(rec arrow.RecordBatch, names ...string) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(names))
	for i, n := range names {
		idx := rec.Schema().FieldIndices(n)
		if len(idx) == 0 {
			continue
		}
		a := rec.Column(idx[0])
		if !usableType(a.DataType()) {
			return nil, fmt.Errorf("column %s is %s, which the history does not read", n, a.DataType())
		}
		out[i] = a
	}
	return out, nil
}

func usableType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY,
		arrow.FLOAT64, arrow.FLOAT32, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.DECIMAL128, arrow.DECIMAL256,
		arrow.TIMESTAMP, arrow.DATE32, arrow.NULL:
		return true
	}
	return false
}

func (r *runRows) addChecks(rec arrow.RecordBatch) error {
	cols, err := columns(rec, "run_id", "started_at", "ministry", "dataset", "check_id", "status", "details",
		fieldNames[0], fieldNames[1], fieldNames[2], fieldNames[3], fieldNames[4], fieldNames[5])
	if err != nil {
		return err
	}
	sums := map[string]int{} // run_id → index in r.summary
	for i := 0; i < int(rec.NumRows()); i++ {
		st := stampAt(cols[0], cols[1], i)
		ministry, mOK := strAt(cols[2], i)
		dataset, _ := strAt(cols[3], i)
		check, _ := strAt(cols[4], i)
		status, _ := strAt(cols[5], i)
		row := checkRow{stamp: st, ref: CheckRef{Dataset: dataset, Check: check}}
		if d, ok := strAt(cols[6], i); ok {
			row.details = &d
		}
		for f := range fieldNames {
			row.vals[f] = numAt(cols[7+f], i)
		}
		r.checks = append(r.checks, row)

		k, ok := sums[st.runID]
		if !ok {
			k = len(r.summary)
			sums[st.runID] = k
			r.summary = append(r.summary, runSummary{RunID: st.runID, At: st.at, AtOK: st.atOK})
		}
		s := &r.summary[k]
		if st.atOK && (!s.AtOK || st.at < s.At) {
			s.At, s.AtOK = st.at, true
		}
		if mOK && !contains(s.Ministries, ministry) {
			s.Ministries = append(s.Ministries, ministry)
		}
		s.Checks++
		if status == "fail" || status == "error" {
			s.Failed++
		}
	}
	return nil
}

func (r *runRows) addScores(rec arrow.RecordBatch) error {
	cols, err := columns(rec, "run_id", "started_at", "ministry", "dataset", "dimension", "score")
	if err != nil {
		return err
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		// Only the overall scores of ministries and datasets are read
		// back (ScoreSeries); a dimension's stays in the files.
		if dim, ok := strAt(cols[4], i); !ok || dim != "" {
			continue
		}
		ministry, mOK := strAt(cols[2], i)
		dataset, dOK := strAt(cols[3], i)
		if !mOK || !dOK {
			continue
		}
		r.scores = append(r.scores, scoreRow{stamp: stampAt(cols[0], cols[1], i),
			ref: scoreRef{Ministry: ministry, Dataset: dataset}, score: numAt(cols[5], i)})
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func stampAt(runID, at arrow.Array, i int) stamp {
	id, _ := strAt(runID, i)
	s := stamp{runID: id}
	s.at, s.atOK = microsAt(at, i)
	return s
}

func strAt(a arrow.Array, i int) (string, bool) {
	if a == nil || a.IsNull(i) {
		return "", false
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i), true
	case *array.LargeString:
		return a.Value(i), true
	case *array.Binary:
		return string(a.Value(i)), true
	case *array.LargeBinary:
		return string(a.Value(i)), true
	}
	return "", false
}

// numAt reads a number as a double. A number that is not finite (dq never
// records one: its scorecards are JSON) reads as NULL, as JSON, the
// rollup's format, holds no such number.
func numAt(a arrow.Array, i int) opt {
	if a == nil || a.IsNull(i) {
		return opt{}
	}
	var v float64
	switch a := a.(type) {
	case *array.Float64:
		v = a.Value(i)
	case *array.Float32:
		v = float64(a.Value(i))
	case *array.Int64:
		v = float64(a.Value(i))
	case *array.Int32:
		v = float64(a.Value(i))
	case *array.Int16:
		v = float64(a.Value(i))
	case *array.Int8:
		v = float64(a.Value(i))
	case *array.Uint64:
		v = float64(a.Value(i))
	case *array.Uint32:
		v = float64(a.Value(i))
	case *array.Uint16:
		v = float64(a.Value(i))
	case *array.Uint8:
		v = float64(a.Value(i))
	case *array.Decimal128:
		v = a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Decimal256:
		v = a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal256Type).Scale)
	default:
		return opt{}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return opt{}
	}
	return opt{V: v, OK: true}
}

func microsAt(a arrow.Array, i int) (int64, bool) {
	if a == nil || a.IsNull(i) {
		return 0, false
	}
	switch a := a.(type) {
	case *array.Timestamp:
		v := int64(a.Value(i))
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Second:
			return v * 1_000_000, true
		case arrow.Millisecond:
			return v * 1_000, true
		case arrow.Microsecond:
			return v, true
		case arrow.Nanosecond:
			return v / 1_000, true
		}
	case *array.Date32:
		return int64(a.Value(i)) * 86_400_000_000, true
	}
	return 0, false
}

// fileStamp tells whether a run's file is the one the rollup read: its
// size and modification time (a rename keeps both). Size -1: no file.
type fileStamp struct {
	Size  int64 `json:"size"`
	MTime int64 `json:"mtime_ns"`
}

func statFile(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return fileStamp{Size: -1}
	}
	return fileStamp{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
}
