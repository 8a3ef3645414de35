// Package scorecard holds what dq publishes: the per-ministry scorecard and
// the run index, their JSON form (scorecard.schema.json), the scoring
// roll-up and atomic writing. It knows scores and JSON, not SQL.
package scorecard

import (
	"time"

	"github.com/vn-registries/dq/result"
)

// SchemaVersion changes only when a field's meaning changes or one is
// removed; added fields keep the version. Version 2 (issue 11) gave
// `score` the meaning of docs/methodology.md: how far the requirements are
// met, each check weighted by its severity, with the share of records that
// pass kept as `records_score`. dq still reads version 1 documents (older
// runs), which have neither the new fields nor the new meaning.
const SchemaVersion = "2"

// MethodologyVersion names the version of docs/methodology.md the scores
// of a document were computed with.
const MethodologyVersion = "2026.1"

// Status of a check, dataset, ministry or run, from best to worst. It is
// the checks' own status, so a result needs no conversion to be published.
type Status = result.Status

const (
	Pass  = result.Pass
	Warn  = result.Warn
	Fail  = result.Fail
	Error = result.Error
)

// Worse returns the worse of two statuses; the empty status is best.
func Worse(a, b Status) Status { return result.Worse(a, b) }

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
	SchemaVersion      string `json:"schema_version"`
	MethodologyVersion string `json:"methodology_version,omitempty"`
	Run                Run    `json:"run"`
	Ministry           Ref    `json:"ministry"`
	// Score is the headline: how far the ministry's requirements are met
	// (docs/methodology.md); ScoreInterval95 its 95% interval when checks
	// ran on samples.
	Score           *float64  `json:"score"`
	ScoreInterval95 []float64 `json:"score_interval95,omitempty"`
	// RecordsScore is the share of records that pass, × 100.
	RecordsScore *float64 `json:"records_score,omitempty"`
	Band         string   `json:"band,omitempty"`
	Status       Status   `json:"status"`
	// Dimensions are the scores of the criteria measured; Criteria lists
	// every criterion of the config, measured or not.
	Dimensions map[string]float64 `json:"dimensions"`
	Criteria   []Criterion        `json:"criteria,omitempty"`
	Coverage   *Coverage          `json:"coverage,omitempty"`
	Datasets   []*Dataset         `json:"datasets"`
	Trend      *Trend             `json:"trend,omitempty"`
	// ShowPII says the examples are not masked (examples.show_pii).
	ShowPII bool `json:"show_pii,omitempty"`
	// Bands are the score bounds of the ratings, so that a page can state
	// them as the config set them.
	Bands *Bands `json:"bands,omitempty"`
}

// Criterion is one criterion of the standard (đúng, đủ, sạch, sống,
// thống nhất, dùng chung) as a dataset or a ministry meets it.
type Criterion struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	// Weight is the criterion's weight in the ministry score, so that the
	// score can be recomputed from the document alone; absent (1) in
	// documents written before it was published.
	Weight float64 `json:"weight,omitempty"`
	// Measured is false when no check scored it: "not measured", never
	// full marks.
	Measured bool     `json:"measured"`
	Score    *float64 `json:"score"`
	// Checks are the scored checks that measure it; Failed those that
	// failed.
	Checks int `json:"checks"`
	Failed int `json:"failed"`
}

// Coverage is how much of the standard a ministry measured.
type Coverage struct {
	CriteriaMeasured int `json:"criteria_measured"`
	CriteriaTotal    int `json:"criteria_total"`
	// DatasetsChecked are the datasets that could be read and scored, of
	// the DatasetsDeclared in the config.
	DatasetsChecked  int `json:"datasets_checked"`
	DatasetsDeclared int `json:"datasets_declared"`
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
	ID              string             `json:"id"`
	Source          string             `json:"source"`
	Sample          Sample             `json:"sample"`
	RowsTotal       *int64             `json:"rows_total"`
	RowsSampled     *int64             `json:"rows_sampled"`
	Score           *float64           `json:"score"`
	ScoreInterval95 []float64          `json:"score_interval95,omitempty"`
	RecordsScore    *float64           `json:"records_score,omitempty"`
	Band            string             `json:"band,omitempty"`
	Status          Status             `json:"status"`
	Dimensions      map[string]float64 `json:"dimensions"`
	Criteria        []Criterion        `json:"criteria,omitempty"`
	Weight          float64            `json:"weight"`
	Error           string             `json:"error,omitempty"`
	DurationMS      int64              `json:"duration_ms"`
	Checks          []*Check           `json:"checks"`
	Trend           *Trend             `json:"trend,omitempty"`
	Groups          *Groups            `json:"groups,omitempty"`
}

// Groups are a dataset's scores per value of its group_by column (per
// province, per unit), from the same scan.
type Groups struct {
	By        string `json:"by"`
	Truncated bool   `json:"truncated"`
	// Message says why the list is cut, when it is.
	Message string   `json:"message,omitempty"`
	Error   string   `json:"error,omitempty"`
	Values  []*Group `json:"values"`
}

// Group is one value of the group_by column.
type Group struct {
	Value string `json:"value"`
	// Name is the administrative unit a code stands for (refdata), when
	// the value is an unmasked province, district or commune code.
	Name       string             `json:"name,omitempty"`
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
// PassRate; table checks (row_count, freshness, schema) fill Value. NewCheck
// makes one from a result; Assemble scores it.
type Check struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Dimension string   `json:"dimension"`
	Column    string   `json:"column,omitempty"`
	Columns   []string `json:"columns,omitempty"`
	// Title and Description say what the check requires, for people:
	// Vietnamese, then English.
	Title         string `json:"title,omitempty"`
	TitleEN       string `json:"title_en,omitempty"`
	Description   string `json:"description,omitempty"`
	DescriptionEN string `json:"description_en,omitempty"`
	// Severity (critical, major, minor) weighs the check; KPI false (only
	// written when false) shows it without scoring it.
	Severity   string    `json:"severity,omitempty"`
	KPI        *bool     `json:"kpi,omitempty"`
	Status     Status    `json:"status"`
	Score      *float64  `json:"score"`
	Weight     float64   `json:"weight"`
	Rows       *int64    `json:"rows,omitempty"`
	Evaluated  *int64    `json:"evaluated,omitempty"`
	Failed     *int64    `json:"failed,omitempty"`
	PassRate   *float64  `json:"pass_rate,omitempty"`
	Interval95 []float64 `json:"interval95,omitempty"`
	Value      *float64  `json:"value,omitempty"`
	// Estimate marks a value measured on a sample that stands for the
	// population's only as an estimate (only written when true).
	Estimate  bool           `json:"estimate,omitempty"`
	Unit      string         `json:"unit,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
	Threshold map[string]any `json:"threshold,omitempty"`
	Examples  []Example      `json:"examples,omitempty"`
	Message   string         `json:"message,omitempty"`
	// Trend is the check's score in recent runs, for a check that did
	// not pass: since when it fails.
	Trend *Trend `json:"trend,omitempty"`
}

// CheckMeta says which check a result is of, as the config has it.
type CheckMeta struct {
	ID        string
	Kind      string
	Dimension string
	Column    string
	Columns   []string
	Weight    float64
	Severity  string
	KPI       bool
	// Title and Description, Vietnamese and English.
	Title, TitleEN, Description, DescriptionEN string
}

// NewCheck is the published form of a check's result, not yet scored.
func NewCheck(meta CheckMeta, r *result.Check, examples []Example) *Check {
	var kpi *bool
	if !meta.KPI {
		kpi = ptr(false)
	}
	return &Check{
		ID: meta.ID, Kind: meta.Kind, Dimension: meta.Dimension, Column: meta.Column, Columns: meta.Columns,
		Title: meta.Title, TitleEN: meta.TitleEN, Description: meta.Description, DescriptionEN: meta.DescriptionEN,
		Severity: meta.Severity, KPI: kpi,
		Weight: meta.Weight, Status: r.Status,
		Rows: r.Rows, Evaluated: r.Evaluated, Failed: r.Failed, PassRate: r.PassRate, Interval95: r.Interval95,
		Value: r.Value, Unit: r.Unit, Estimate: r.Estimate, Details: r.Details, Threshold: r.Threshold,
		Examples: examples, Message: r.Message,
	}
}

// NewGroupCheck is the published form of a check's result within a group,
// not yet scored. Its dimension and weight are those of the dataset's check
// with the same id.
func NewGroupCheck(id string, r *result.Check) *GroupCheck {
	return &GroupCheck{ID: id, Status: r.Status, Evaluated: r.Evaluated, Failed: r.Failed,
		PassRate: r.PassRate, Value: r.Value}
}

// Example is one failing row, masked: the dataset key and the checked
// value(s) only, never the whole row. Where the mask hides why the value
// failed, the property that failed is given beside it (mask.Explain):
// its shape, its year or its length, never more of the value.
type Example struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
	Count *int64 `json:"count,omitempty"`
	// Shape is the value with digits as 9 and letters as A or a.
	Shape string `json:"shape,omitempty"`
	// Year is the year of a date out of range.
	Year *int `json:"year,omitempty"`
	// Length is the value's length in characters.
	Length *int `json:"length,omitempty"`
}

// Index lists every ministry of a run.
type Index struct {
	SchemaVersion      string       `json:"schema_version"`
	MethodologyVersion string       `json:"methodology_version,omitempty"`
	Run                Run          `json:"run"`
	Status             Status       `json:"status"`
	Ministries         []IndexEntry `json:"ministries"`
	// Bands are the score bounds of the ratings (as on every card).
	Bands *Bands `json:"bands,omitempty"`
}

// IndexEntry is one line of the index.
type IndexEntry struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	File            string             `json:"file"`
	Score           *float64           `json:"score"`
	ScoreInterval95 []float64          `json:"score_interval95,omitempty"`
	RecordsScore    *float64           `json:"records_score,omitempty"`
	Band            string             `json:"band,omitempty"`
	Status          Status             `json:"status"`
	Dimensions      map[string]float64 `json:"dimensions"`
	Coverage        *Coverage          `json:"coverage,omitempty"`
	// Rank is the ministry's place by score, 1 the highest; ministries
	// without a score come last.
	Rank     int `json:"rank,omitempty"`
	Datasets int `json:"datasets"`
	Checks   int `json:"checks"`
	Failed   int `json:"checks_failed"`
}
