package scorecard

import (
	"time"
)

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }

var testRun = Run{
	ID:           "20260301T010203Z-a1b2c3",
	StartedAt:    time.Date(2026, 3, 1, 1, 2, 3, 0, time.UTC),
	FinishedAt:   time.Date(2026, 3, 1, 1, 4, 5, 500_000_000, time.UTC),
	ConfigSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	ToolVersion:  "v0.3.0",
}

// fullCard fills every field a Card can have, optional ones included.
func fullCard() *Card {
	return &Card{
		SchemaVersion:      SchemaVersion,
		MethodologyVersion: MethodologyVersion,
		Run:                testRun,
		Ministry:           Ref{ID: "MPS", Name: "Bộ Công an"},
		Score:              f64(61.4),
		ScoreInterval95:    []float64{60.1, 62.7},
		RecordsScore:       f64(99.1),
		Band:               "red",
		Status:             Error,
		Dimensions:         map[string]float64{"correct": 95.1, "sufficient": 99, "clean": 88.2, "alive": 91},
		Criteria: []Criterion{
			{ID: "correct", Name: "Đúng", NameEN: "Correct", Weight: 2, Measured: true, Score: f64(95.1), Checks: 1, Failed: 1},
			{ID: "shared", Name: "Dùng chung", NameEN: "Shared", Weight: 1, Measured: false, Score: nil},
		},
		Coverage: &Coverage{CriteriaMeasured: 4, CriteriaTotal: 6, DatasetsChecked: 1, DatasetsDeclared: 2},
		ShowPII:  true,
		Bands:    &Bands{Green: 90, Yellow: 75},
		Datasets: []*Dataset{{
			ID:              "population.citizens",
			Source:          "population",
			Sample:          Sample{Method: "hash", Fraction: f64(0.1), Key: "cccd"},
			RowsTotal:       i64(1_000_000),
			RowsSampled:     i64(100_000),
			Score:           f64(93.4),
			ScoreInterval95: []float64{92.9, 93.9},
			RecordsScore:    f64(98.9),
			Band:            "yellow",
			Status:          Fail,
			Criteria: []Criterion{
				{ID: "correct", Name: "Đúng", NameEN: "Correct", Measured: true, Score: f64(95.1), Checks: 1, Failed: 1},
			},
			Dimensions: map[string]float64{"correct": 95.1, "sufficient": 99, "clean": 88.2, "alive": 91},
			Weight:     1,
			DurationMS: 1234,
			Checks: []*Check{{
				ID: "cccd_valid", Kind: "format", Dimension: "correct", Column: "cccd",
				Title: "Số căn cước công dân (CCCD) hợp lệ (cccd)", TitleEN: "Valid citizen ID numbers (CCCD) (cccd)",
				Description: "Cấu trúc số, năm sinh và giới tính khớp.", DescriptionEN: "Structure, birth year and gender agree.",
				Severity: "major",
				Status:   Fail, Score: f64(38.8), Weight: 1,
				Rows: i64(100_000), Evaluated: i64(99_800), Failed: i64(1_200),
				PassRate: f64(0.98798), Interval95: []float64{0.98727, 0.98864},
				Threshold: map[string]any{"mostly": 0.995},
				Examples: []Example{{Key: "0010****1234", Value: "0010****12", Shape: "9999999999", Length: ptr(10)},
					{Key: "0010****5678", Value: "0010****567A", Shape: "99999999999A"}},
				Message: "1,200 rows of 99,800 evaluated failed",
				Trend: &Trend{PreviousScore: f64(40), Change: f64(-1.2), Series: []Point{
					{RunID: "20260228T010203Z-a1b2c3", At: testRun.StartedAt.AddDate(0, 0, -1), Score: f64(40)},
					{RunID: testRun.ID, At: testRun.StartedAt, Score: f64(38.8)},
				}},
			}, {
				ID: "citizen_unique", Kind: "unique", Dimension: "clean", Columns: []string{"cccd", "ho_ten"},
				Severity: "minor", KPI: ptr(false),
				Status: Warn, Score: f64(100), Weight: 2,
				Rows: i64(100_000), Evaluated: i64(100_000), Failed: i64(500),
				PassRate: f64(0.995),
				Details:  map[string]any{"duplicate_keys": 240, "extra_rows": 260},
				Examples: []Example{{Key: "0790****0001", Value: "0790****0001|N. V. A.", Count: i64(3)},
					{Key: "0790****0002", Value: "2999******", Year: ptr(2999)}},
			}, {
				ID: "updated_recently", Kind: "freshness", Dimension: "alive", Column: "updated_at",
				Status: Pass, Score: f64(100), Weight: 1,
				Value: f64(5.5), Unit: "hours",
				Threshold: map[string]any{"max": "24h"},
			}},
		}, {
			ID:          "population.households",
			Source:      "population",
			Sample:      Sample{Method: "full"},
			RowsTotal:   nil,
			RowsSampled: nil,
			Score:       nil,
			Status:      Error,
			Dimensions:  map[string]float64{},
			Weight:      1,
			Error:       "connect: connection refused",
			DurationMS:  12,
			Checks: []*Check{{
				ID: "household_id_present", Kind: "not_null", Dimension: "sufficient", Column: "ho_id",
				Status: Error, Score: nil, Weight: 1, Message: "connect: connection refused",
			}},
		}},
		Trend: &Trend{PreviousScore: f64(92.8)},
	}
}

func fullIndex() *Index {
	return &Index{
		SchemaVersion: SchemaVersion,
		Run:           testRun,
		Status:        Error,
		Bands:         &Bands{Green: 90, Yellow: 75},
		Ministries: []IndexEntry{{
			ID: "MPS", Name: "Bộ Công an", File: "MPS.json", Score: f64(93.4), Band: "green", Status: Error,
			Dimensions: map[string]float64{"correct": 95.1, "alive": 91},
			Datasets:   2, Checks: 4, Failed: 2,
		}, {
			ID: "MOH", Name: "Bộ Y tế", File: "MOH.json", Score: nil, Status: Error,
			Dimensions: map[string]float64{}, Datasets: 1, Checks: 1, Failed: 1,
		}},
	}
}
