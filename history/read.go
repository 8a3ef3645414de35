package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Querier runs SQL in DuckDB (engine.Conn is one); the store is read with
// read_parquet, so any number of runs is one scan.
type Querier interface {
	QueryRows(ctx context.Context, query string) ([][]any, error)
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// series runs a query returning (run_id, started_at, value) newest first
// and returns the points oldest first.
func series(ctx context.Context, q Querier, query string) ([]Point, error) {
	rows, err := q.QueryRows(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := make([]Point, 0, len(rows))
	for _, r := range rows {
		p := Point{RunID: fmt.Sprint(r[0])}
		if t, ok := r[1].(time.Time); ok {
			p.At = t.UTC()
		}
		if f, ok := r[2].(float64); ok {
			p.Value = &f
		}
		out = append(out, p)
	}
	slices.Reverse(out)
	return out, nil
}

// ScoreSeries is the overall score of a ministry (dataset "") or of one of
// its datasets in the last limit runs, oldest first.
func ScoreSeries(ctx context.Context, q Querier, dir, ministry, dataset string, limit int) ([]Point, error) {
	files, _ := readable(dir, ScoresFile)
	if len(files) == 0 {
		return nil, nil
	}
	return series(ctx, q, fmt.Sprintf(
		"SELECT run_id, started_at, score FROM read_parquet(%s, union_by_name = true) WHERE ministry = %s AND dataset = %s AND dimension = '' ORDER BY started_at DESC, run_id DESC LIMIT %d",
		fileList(files), quote(ministry), quote(dataset), limit))
}

// ErrUnknownField is a check field the history does not record.
var ErrUnknownField = errors.New("history: unknown field")

// Fields of a check's history.
var checkFields = map[string]bool{"value": true, "pass_rate": true, "score": true, "failed": true, "rows": true, "rows_total": true}

// CheckSeries is one field of a check of a dataset in the last limit runs,
// oldest first.
func CheckSeries(ctx context.Context, q Querier, dir, dataset, checkID, field string, limit int) ([]Point, error) {
	if !checkFields[field] {
		return nil, fmt.Errorf("%w %q (value, pass_rate, score, failed, rows, rows_total)", ErrUnknownField, field)
	}
	files, _ := readable(dir, ChecksFile)
	if len(files) == 0 {
		return nil, nil
	}
	return series(ctx, q, fmt.Sprintf(
		"SELECT run_id, started_at, CAST(%s AS DOUBLE) FROM read_parquet(%s, union_by_name = true) WHERE dataset = %s AND check_id = %s ORDER BY started_at DESC, run_id DESC LIMIT %d",
		field, fileList(files), quote(dataset), quote(checkID), limit))
}

// CheckDetails are a check's details in the last limit runs that recorded
// them, oldest first: runs of before the details column, or whose check
// had no details, are left out.
func CheckDetails(ctx context.Context, q Querier, dir, dataset, checkID string, limit int) ([]map[string]any, error) {
	files, _ := readable(dir, ChecksFile)
	files = withColumn(files, "details")
	if len(files) == 0 {
		return nil, nil
	}
	rows, err := q.QueryRows(ctx, fmt.Sprintf(
		"SELECT details FROM read_parquet(%s, union_by_name = true) WHERE dataset = %s AND check_id = %s AND details IS NOT NULL ORDER BY started_at DESC, run_id DESC LIMIT %d",
		fileList(files), quote(dataset), quote(checkID), limit))
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		var d map[string]any
		if err := json.Unmarshal([]byte(fmt.Sprint(r[0])), &d); err != nil {
			return nil, fmt.Errorf("history: details of %s/%s: %w", dataset, checkID, err)
		}
		out = append(out, d)
	}
	slices.Reverse(out)
	return out, nil
}

// CheckRef names a check in the history: its dataset and its id.
type CheckRef struct {
	Dataset, Check string
}

// CheckScores is the score of every recorded check in the last limit runs
// that recorded it, oldest first: one scan of the history for all the
// checks of a run, where CheckSeries is one per check.
func CheckScores(ctx context.Context, q Querier, dir string, limit int) (map[CheckRef][]Point, error) {
	files, _ := readable(dir, ChecksFile)
	if len(files) == 0 {
		return nil, nil
	}
	rows, err := q.QueryRows(ctx, fmt.Sprintf(
		"SELECT dataset, check_id, run_id, started_at, CAST(score AS DOUBLE) FROM ("+
			"SELECT dataset, check_id, run_id, started_at, score, row_number() OVER (PARTITION BY dataset, check_id ORDER BY started_at DESC, run_id DESC) AS n "+
			"FROM read_parquet(%s, union_by_name = true)) WHERE n <= %d ORDER BY dataset, check_id, started_at, run_id",
		fileList(files), limit))
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := map[CheckRef][]Point{}
	for _, r := range rows {
		ref := CheckRef{Dataset: fmt.Sprint(r[0]), Check: fmt.Sprint(r[1])}
		p := Point{RunID: fmt.Sprint(r[2])}
		if t, ok := r[3].(time.Time); ok {
			p.At = t.UTC()
		}
		if f, ok := r[4].(float64); ok {
			p.Value = &f
		}
		out[ref] = append(out[ref], p)
	}
	return out, nil
}

// RunSummary is one recorded run.
type RunSummary struct {
	RunID      string
	StartedAt  time.Time
	Ministries int
	Checks     int
	Failed     int
}

// Runs lists the last limit runs, newest first.
func Runs(ctx context.Context, q Querier, dir string, limit int) ([]RunSummary, error) {
	files, _ := readable(dir, ChecksFile)
	if len(files) == 0 {
		return nil, nil
	}
	rows, err := q.QueryRows(ctx, fmt.Sprintf(
		"SELECT run_id, MIN(started_at), COUNT(DISTINCT ministry), COUNT(*), COUNT(*) FILTER (WHERE status IN ('fail', 'error')) FROM read_parquet(%s, union_by_name = true) GROUP BY run_id ORDER BY 2 DESC, 1 DESC LIMIT %d",
		fileList(files), limit))
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := make([]RunSummary, 0, len(rows))
	for _, r := range rows {
		s := RunSummary{RunID: fmt.Sprint(r[0])}
		if t, ok := r[1].(time.Time); ok {
			s.StartedAt = t.UTC()
		}
		s.Ministries, s.Checks, s.Failed = toInt(r[2]), toInt(r[3]), toInt(r[4])
		out = append(out, s)
	}
	return out, nil
}

func toInt(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case int32:
		return int(x)
	case uint64:
		return int(x)
	}
	return 0
}
