// Package scorecard holds what dq publishes: the per-ministry scorecard and
// the run index, their JSON form (scorecard.schema.json), the scoring
// roll-up and atomic writing. It knows scores and JSON, not SQL.
package scorecard

import "time"

// SchemaVersion changes only when a field's meaning changes or one is
// removed; added fields keep the version.
const SchemaVersion = "1"

// Status of a check, dataset, ministry or run, from best to worst.
type Status string

const (
	Pass  Status = "pass"
	Warn  Status = "warn"
	Fail  Status = "fail"
	Error Status = "error"
)

func (s Status) rank() int {
	switch s {
	case Pass:
		return 0
	case Warn:
		return 1
	case Fail:
		return 2
	case Error:
		return 3
	}
	return -1
}

// Worse returns the worse of two statuses; the empty status is best.
func Worse(a, b Status) Status {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Run describes one dq run.
type Run struct {
	ID           string    `json:"id"`
	StartedAt    time.Time `json:"started_at"`
	FinishedAt   time.Time `json:"finished_at"`
	ConfigSHA256 string    `json:"config_sha256"`
	ToolVersion  string    `json:"tool_version"`
}

// Ref names a ministry.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Card is one ministry's scorecard.
type Card struct {
	SchemaVersion string             `json:"schema_version"`
	Run           Run                `json:"run"`
	Ministry      Ref                `json:"ministry"`
	Score         *float64           `json:"score"`
	Band          string             `json:"band,omitempty"`
	Status        Status             `json:"status"`
	Dimensions    map[string]float64 `json:"dimensions"`
	Datasets      []*Dataset         `json:"datasets"`
	Trend         *Trend             `json:"trend,omitempty"`
}

// Trend compares with earlier runs.
type Trend struct {
	PreviousScore *float64 `json:"previous_score"`
	Change        *float64 `json:"change,omitempty"`
	Series        []Point  `json:"series,omitempty"`
}

// Point is one run's score in a trend.
type Point struct {
	RunID string    `json:"run_id"`
	At    time.Time `json:"at"`
	Score *float64  `json:"score"`
}

// Dataset is the result of every check of one dataset.
type Dataset struct {
	ID          string             `json:"id"`
	Source      string             `json:"source"`
	Sample      Sample             `json:"sample"`
	RowsTotal   *int64             `json:"rows_total"`
	RowsSampled *int64             `json:"rows_sampled"`
	Score       *float64           `json:"score"`
	Band        string             `json:"band,omitempty"`
	Status      Status             `json:"status"`
	Dimensions  map[string]float64 `json:"dimensions"`
	Weight      float64            `json:"weight"`
	Error       string             `json:"error,omitempty"`
	DurationMS  int64              `json:"duration_ms"`
	Checks      []*Check           `json:"checks"`
	Trend       *Trend             `json:"trend,omitempty"`
	Groups      *Groups            `json:"groups,omitempty"`
}

// Groups are a dataset's scores per value of its group_by column (per
// province, per unit), from the same scan.
type Groups struct {
	By        string   `json:"by"`
	Truncated bool     `json:"truncated"`
	Error     string   `json:"error,omitempty"`
	Values    []*Group `json:"values"`
}

// Group is one value of the group_by column.
type Group struct {
	Value      string             `json:"value"`
	Rows       int64              `json:"rows"`
	Score      *float64           `json:"score"`
	Band       string             `json:"band,omitempty"`
	Status     Status             `json:"status"`
	Dimensions map[string]float64 `json:"dimensions"`
	Checks     []*GroupCheck      `json:"checks"`
}

// GroupCheck is a check's result within a group.
type GroupCheck struct {
	ID        string   `json:"id"`
	Status    Status   `json:"status"`
	Score     *float64 `json:"score"`
	Evaluated *int64   `json:"evaluated,omitempty"`
	Failed    *int64   `json:"failed,omitempty"`
	PassRate  *float64 `json:"pass_rate,omitempty"`
	Value     *float64 `json:"value,omitempty"`
}

// Sample says how the rows checked were chosen.
type Sample struct {
	Method   string   `json:"method"`
	Fraction *float64 `json:"fraction,omitempty"`
	Key      string   `json:"key,omitempty"`
}

// Check is one check's result. Row checks fill Rows, Evaluated, Failed and
// PassRate; table checks (row_count, freshness, schema) fill Value.
type Check struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	Dimension  string         `json:"dimension"`
	Column     string         `json:"column,omitempty"`
	Columns    []string       `json:"columns,omitempty"`
	Status     Status         `json:"status"`
	Score      *float64       `json:"score"`
	Weight     float64        `json:"weight"`
	Rows       *int64         `json:"rows,omitempty"`
	Evaluated  *int64         `json:"evaluated,omitempty"`
	Failed     *int64         `json:"failed,omitempty"`
	PassRate   *float64       `json:"pass_rate,omitempty"`
	Interval95 []float64      `json:"interval95,omitempty"`
	Value      *float64       `json:"value,omitempty"`
	Unit       string         `json:"unit,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
	Threshold  map[string]any `json:"threshold,omitempty"`
	Examples   []Example      `json:"examples,omitempty"`
	Message    string         `json:"message,omitempty"`
}

// Example is one failing row, masked: the dataset key and the checked
// value(s) only, never the whole row.
type Example struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
	Count *int64 `json:"count,omitempty"`
}

// Index lists every ministry of a run.
type Index struct {
	SchemaVersion string       `json:"schema_version"`
	Run           Run          `json:"run"`
	Status        Status       `json:"status"`
	Ministries    []IndexEntry `json:"ministries"`
}

// IndexEntry is one line of the index.
type IndexEntry struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	File       string             `json:"file"`
	Score      *float64           `json:"score"`
	Band       string             `json:"band,omitempty"`
	Status     Status             `json:"status"`
	Dimensions map[string]float64 `json:"dimensions"`
	Datasets   int                `json:"datasets"`
	Checks     int                `json:"checks"`
	Failed     int                `json:"checks_failed"`
}
