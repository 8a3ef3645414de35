package report

import (
	"time"

	"github.com/vn-registries/dq/scorecard"
)

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }

var fixtureRun = scorecard.Run{
	ID:           "20260301T010203Z-a1b2c3",
	StartedAt:    time.Date(2026, 3, 1, 1, 2, 3, 0, time.UTC),
	FinishedAt:   time.Date(2026, 3, 1, 1, 4, 5, 500_000_000, time.UTC),
	ConfigSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	ToolVersion:  "v0.3.0",
}

func series(scores ...*float64) []scorecard.Point {
	out := make([]scorecard.Point, len(scores))
	at := fixtureRun.StartedAt.AddDate(0, 0, -len(scores)+1)
	for i, s := range scores {
		out[i] = scorecard.Point{
			RunID: at.Format("20060102T150405Z") + "-r" + string(rune('a'+i)),
			At:    at,
			Score: s,
		}
		at = at.AddDate(0, 0, 1)
	}
	out[len(out)-1].RunID = fixtureRun.ID
	return out
}

// fixture is a realistic run: seven ministries, a dataset in error, a
// ministry with no score, failing examples, intervals and trends.
func fixture() (*scorecard.Index, []*scorecard.Card) {
	cards := []*scorecard.Card{
		{
			Ministry: scorecard.Ref{ID: "MPS", Name: "Bộ Công an (Ministry of Public Security)"},
			Score:    f64(93.4), Band: "green", Status: scorecard.Fail,
			Dimensions: map[string]float64{"correct": 95.1, "sufficient": 99, "clean": 88.2, "alive": 91},
			Trend: &scorecard.Trend{PreviousScore: f64(92.8), Change: f64(0.6),
				Series: series(f64(90.1), f64(91.7), nil, f64(92.8), f64(93.4))},
			Datasets: []*scorecard.Dataset{{
				ID: "population.citizens", Source: "population",
				Sample:    scorecard.Sample{Method: "hash", Fraction: f64(0.1), Key: "cccd"},
				RowsTotal: i64(1_000_000), RowsSampled: i64(100_000),
				Score: f64(93.4), Band: "green", Status: scorecard.Fail,
				Dimensions: map[string]float64{"correct": 95.1, "sufficient": 99, "clean": 88.2, "alive": 91},
				Weight:     1, DurationMS: 1234,
				Trend: &scorecard.Trend{PreviousScore: f64(92.8), Change: f64(0.6)},
				Checks: []*scorecard.Check{{
					ID: "updated_recently", Kind: "freshness", Dimension: "alive", Column: "updated_at",
					Status: scorecard.Pass, Score: f64(100), Weight: 1,
					Value: f64(5.5), Unit: "hours", Threshold: map[string]any{"max_age_hours": 24.0},
				}, {
					ID: "cccd_valid", Kind: "format", Dimension: "correct", Column: "cccd",
					Status: scorecard.Fail, Score: f64(98.8), Weight: 1,
					Rows: i64(100_000), Evaluated: i64(99_800), Failed: i64(1_200),
					PassRate: f64(0.98798), Interval95: []float64{0.98727, 0.98864},
					Threshold: map[string]any{"mostly": 0.995, "warn": map[string]any{"mostly": 0.999}},
					Examples: []scorecard.Example{
						{Key: "0010****1234", Value: "0010****12"},
						{Key: "0790****5678", Value: "079A****5678"},
					},
					Message: "1200 rows of 99800 evaluated failed",
				}, {
					ID: "citizen_unique", Kind: "unique", Dimension: "clean", Columns: []string{"cccd", "full_name"},
					Status: scorecard.Warn, Score: f64(99.5), Weight: 2,
					Rows: i64(100_000), Evaluated: i64(100_000), Failed: i64(500),
					PassRate: f64(0.995), Interval95: []float64{0.99454, 0.99542},
					Details:  map[string]any{"duplicate_keys": 240.0, "extra_rows": 260.0},
					Examples: []scorecard.Example{{Value: "0790****0001 | N. V. A.", Count: i64(3)}},
					Message:  "500 rows share 240 duplicated keys (260 extra copies)",
				}, {
					ID: "name_present", Kind: "not_null", Dimension: "sufficient", Columns: []string{"full_name", "birth_date"},
					Status: scorecard.Fail, Score: f64(99), Weight: 1,
					Rows: i64(100_000), Evaluated: i64(100_000), Failed: i64(1_000),
					PassRate: f64(0.99), Interval95: []float64{0.98937, 0.99059},
					Details:  map[string]any{"missing": map[string]any{"full_name": 700.0, "birth_date": 300.0}},
					Examples: []scorecard.Example{{Key: "0931****9082", Value: "B. T. V. | NULL"}},
					Message:  "1000 rows of 100000 with a missing value (full_name 700, birth_date 300)",
				}, {
					ID: "gender_known", Kind: "in_set", Dimension: "correct", Column: "gender",
					Status: scorecard.Pass, Score: f64(100), Weight: 1,
					Rows: i64(100_000), Evaluated: i64(100_000), Failed: i64(0),
					PassRate: f64(1), Interval95: []float64{0.99996, 1},
				}},
			}},
		},
		{
			Ministry: scorecard.Ref{ID: "VSS", Name: "Bảo hiểm xã hội Việt Nam (Vietnam Social Security)"},
			Score:    f64(78.25), Band: "yellow", Status: scorecard.Fail,
			Dimensions: map[string]float64{"correct": 81.5, "sufficient": 70, "clean": 99.2, "alive": 62.3},
			Trend: &scorecard.Trend{PreviousScore: f64(80), Change: f64(-1.75),
				Series: series(f64(82), f64(80), f64(78.25))},
			Datasets: []*scorecard.Dataset{{
				ID: "insurance.participants", Source: "vss_pg",
				Sample:    scorecard.Sample{Method: "full", Key: "bhxh"},
				RowsTotal: i64(12_060), RowsSampled: i64(12_060),
				Score: f64(78.25), Band: "yellow", Status: scorecard.Fail,
				Dimensions: map[string]float64{"correct": 81.5, "sufficient": 70, "clean": 99.2, "alive": 62.3},
				Weight:     1, DurationMS: 376,
				Checks: []*scorecard.Check{{
					ID: "in_population", Kind: "references", Dimension: "correct", Column: "cccd",
					Status: scorecard.Fail, Score: f64(99), Weight: 1,
					Rows: i64(12_060), Evaluated: i64(12_060), Failed: i64(120), PassRate: f64(0.99004975),
					Details:  map[string]any{"in": "population.citizens", "coordinated_sample": false},
					Examples: []scorecard.Example{{Key: "0333**5354", Value: "0172****8671"}},
					Message:  "120 rows of 12060 have a cccd not found in population.citizens",
				}, {
					ID: "deceased_still_active", Kind: "status_sync", Dimension: "alive",
					Status: scorecard.Error, Weight: 1,
					Message: "Binder Error: column \"status\" not found <script>alert(1)</script>",
				}},
			}},
		},
		{
			Ministry: scorecard.Ref{ID: "MOH", Name: "Bộ Y tế (Ministry of Health)"},
			Score:    f64(61.07), Band: "red", Status: scorecard.Error,
			Dimensions: map[string]float64{"correct": 55, "sufficient": 67.14},
			Trend:      &scorecard.Trend{PreviousScore: nil},
			Datasets: []*scorecard.Dataset{{
				ID: "health.insurance_cards", Source: "moh_mysql",
				Sample:    scorecard.Sample{Method: "hash", Fraction: f64(0.05), Key: "card_no"},
				RowsTotal: i64(98_000_000), RowsSampled: i64(4_900_123),
				Score: f64(61.07), Band: "red", Status: scorecard.Fail,
				Dimensions: map[string]float64{"correct": 55, "sufficient": 67.14},
				Weight:     1, DurationMS: 183_400,
				Checks: []*scorecard.Check{{
					ID: "card_format", Kind: "regex", Dimension: "correct", Column: "card_no",
					Status: scorecard.Fail, Score: f64(55), Weight: 1,
					Rows: i64(4_900_123), Evaluated: i64(4_899_000), Failed: i64(2_204_550),
					PassRate: f64(0.55), Interval95: []float64{0.54956, 0.55044},
					Threshold: map[string]any{"mostly": 0.99},
					Examples:  []scorecard.Example{{Key: "HS4****123", Value: "HS4 ***123"}, {Key: "DN4****999", Value: "dn4****999"}},
				}, {
					ID: "volume", Kind: "row_count", Dimension: "sufficient",
					Status: scorecard.Pass, Score: f64(100), Weight: 1,
					Value: f64(98_000_000), Unit: "rows", Threshold: map[string]any{"min": 1_000_000.0},
				}, {
					ID: "issued_present", Kind: "not_null", Dimension: "sufficient", Column: "issued_on",
					Status: scorecard.Fail, Score: f64(34.28), Weight: 1,
					Rows: i64(4_900_123), Evaluated: i64(4_900_123), Failed: i64(3_220_381),
					PassRate: f64(0.34280), Interval95: []float64{0.34238, 0.34322},
				}},
			}, {
				ID: "health.facilities", Source: "moh_api",
				Sample: scorecard.Sample{Method: "full"},
				Status: scorecard.Error, Weight: 1, DurationMS: 30_012,
				Error: "GET https://api.example.invalid/facilities: connection refused (after 5 attempts)",
				Checks: []*scorecard.Check{{
					ID: "facility_code_present", Kind: "not_null", Dimension: "sufficient", Column: "code",
					Status: scorecard.Error, Weight: 1, Message: "dataset could not be read",
				}},
			}},
		},
		{
			Ministry: scorecard.Ref{ID: "MOJ", Name: "Bộ Tư pháp (Ministry of Justice)"},
			Score:    f64(100), Band: "green", Status: scorecard.Pass,
			Dimensions: map[string]float64{"correct": 100, "alive": 100},
			Datasets: []*scorecard.Dataset{{
				ID: "civil_status.deaths", Source: "moj_file",
				Sample:    scorecard.Sample{Method: "full", Key: "cccd"},
				RowsTotal: i64(4_020), RowsSampled: i64(4_020),
				Score: f64(100), Band: "green", Status: scorecard.Pass,
				Dimensions: map[string]float64{"correct": 100, "alive": 100},
				Weight:     1, DurationMS: 88,
				Checks: []*scorecard.Check{{
					ID: "death_date_range", Kind: "between", Dimension: "correct", Column: "death_date",
					Status: scorecard.Pass, Score: f64(100), Weight: 1,
					Rows: i64(4_020), Evaluated: i64(4_020), Failed: i64(0), PassRate: f64(1),
				}, {
					ID: "updated", Kind: "freshness", Dimension: "alive", Column: "updated_at",
					Status: scorecard.Pass, Score: f64(100), Weight: 1, Value: f64(2.31), Unit: "hours",
				}},
			}},
		},
		{
			Ministry: scorecard.Ref{ID: "MOF", Name: "Bộ Tài chính (Ministry of Finance)"},
			Status:   scorecard.Error, Dimensions: map[string]float64{},
			Datasets: []*scorecard.Dataset{{
				ID: "tax.enterprises", Source: "mof_pg",
				Sample: scorecard.Sample{Method: "hash", Fraction: f64(0.2), Key: "mst"},
				Status: scorecard.Error, Weight: 1, DurationMS: 5_000,
				Error: "pq: password authentication failed for user \"dq_reader\"",
				Checks: []*scorecard.Check{{
					ID: "mst_checksum", Kind: "tax_code", Dimension: "correct", Column: "mst",
					Status: scorecard.Error, Weight: 1, Message: "dataset could not be read",
				}},
			}},
		},
	}
	idx := &scorecard.Index{SchemaVersion: scorecard.SchemaVersion, Run: fixtureRun, Status: scorecard.Error}
	for _, c := range cards {
		c.SchemaVersion = scorecard.SchemaVersion
		c.Run = fixtureRun
		e := scorecard.IndexEntry{ID: c.Ministry.ID, Name: c.Ministry.Name, Score: c.Score, Band: c.Band,
			Status: c.Status, Dimensions: c.Dimensions}
		for _, d := range c.Datasets {
			e.Datasets++
			for _, k := range d.Checks {
				e.Checks++
				if k.Status == scorecard.Fail || k.Status == scorecard.Error {
					e.Failed++
				}
			}
		}
		idx.Ministries = append(idx.Ministries, e)
	}
	return idx, cards
}
