package report

import (
	"time"

	"github.com/vn-registries/dq/scorecard"
)

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }
func intp(v int) *int        { return &v }

var fixtureRun = scorecard.Run{
	ID:           "20260301T010203Z-a1b2c3",
	StartedAt:    time.Date(2026, 3, 1, 1, 2, 3, 0, time.UTC),
	FinishedAt:   time.Date(2026, 3, 1, 1, 4, 5, 500_000_000, time.UTC),
	ConfigSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	ToolVersion:  "v0.3.0",
}

// series is one score per day up to the fixture's run, this run last.
func series(scores ...*float64) []scorecard.Point {
	out := make([]scorecard.Point, len(scores))
	at := fixtureRun.StartedAt.AddDate(0, 0, -len(scores)+1)
	for i, s := range scores {
		out[i] = scorecard.Point{RunID: at.Format("20060102T150405Z") + "-r" + string(rune('a'+i)), At: at, Score: s}
		at = at.AddDate(0, 0, 1)
	}
	out[len(out)-1].RunID = fixtureRun.ID
	return out
}

var fixtureScoring = scorecard.Scoring{Bands: scorecard.Bands{Green: 90, Yellow: 75}, Criteria: []scorecard.CriterionDef{
	{ID: "correct", Name: "Đúng", NameEN: "Correct", Weight: 1},
	{ID: "sufficient", Name: "Đủ", NameEN: "Sufficient", Weight: 1},
	{ID: "clean", Name: "Sạch", NameEN: "Clean", Weight: 1},
	{ID: "alive", Name: "Sống", NameEN: "Alive", Weight: 1},
	{ID: "unified", Name: "Thống nhất", NameEN: "Unified", Weight: 1},
	{ID: "shared", Name: "Dùng chung", NameEN: "Shared", Weight: 1},
}}

// rowCheck is a row check with its counts and pass-rate bar.
func rowCheck(id, kind, crit, col, severity string, evaluated, failed int64, mostly float64, st scorecard.Status) *scorecard.Check {
	rate := 1 - float64(failed)/float64(evaluated)
	return &scorecard.Check{ID: id, Kind: kind, Dimension: crit, Column: col, Severity: severity, Weight: 1, Status: st,
		Rows: i64(evaluated), Evaluated: i64(evaluated), Failed: i64(failed), PassRate: &rate,
		Threshold: map[string]any{"mostly": mostly}}
}

func titled(c *scorecard.Check, vi, en, desc, descEN string) *scorecard.Check {
	c.Title, c.TitleEN, c.Description, c.DescriptionEN = vi, en, desc, descEN
	return c
}

// fixture is a realistic run, scored by scorecard.Assemble: six
// ministries, a sample with its interval, criteria not measured, a
// dataset in error, a ministry with no score, one rated below its score
// for a failing check, a check not scored, failing examples that say
// why, trends (one with a gap), failing checks' own trends, and a
// dataset scored per province.
func fixture() (*scorecard.Index, []*scorecard.Card) {
	cccd := rowCheck("cccd_valid", "format", "correct", "cccd", "major", 99_800, 1_200, 0.995, scorecard.Fail)
	cccd.Rows, cccd.Interval95 = i64(100_000), []float64{0.98727, 0.98864}
	cccd.Threshold["warn"] = map[string]any{"mostly": 0.999}
	cccd.Details = map[string]any{"invalid_format": int64(1_100), "contradicts_birth_year": int64(100)}
	cccd.Examples = []scorecard.Example{
		{Key: "0010****1234", Value: "0010****12", Shape: "9999999999"},
		{Key: "0790****5678", Value: "079A****5678", Shape: "999A99999999"},
	}
	cccd.Message = "1200 rows of 99800 evaluated failed (1100 malformed; 100 contradicting the birth year)"
	titled(cccd, "Số căn cước công dân (CCCD) hợp lệ", "Valid citizen ID numbers (CCCD)",
		"12 chữ số: mã nơi đăng ký khai sinh, giới tính và thế kỷ sinh, năm sinh và 6 số ngẫu nhiên.",
		"12 digits: birth registration place, gender and century, year of birth and 6 random digits.")

	unique := rowCheck("citizen_unique", "unique", "clean", "", "critical", 100_000, 500, 0.99, scorecard.Warn)
	unique.Columns, unique.Interval95 = []string{"cccd", "full_name"}, []float64{0.99454, 0.99542}
	unique.Threshold["warn"] = map[string]any{"mostly": 0.999}
	unique.Details = map[string]any{"duplicate_keys": int64(240), "extra_rows": int64(260)}
	unique.Examples = []scorecard.Example{{Value: "0790****0001 | N. V. A.", Count: i64(3)}}
	titled(unique, "Số CCCD và họ tên không được trùng lặp", "Citizen ID number (CCCD) and full name must not repeat", "", "")

	names := rowCheck("name_present", "not_null", "sufficient", "", "major", 100_000, 1_000, 1, scorecard.Fail)
	names.Columns, names.Interval95 = []string{"full_name", "birth_date"}, []float64{0.98937, 0.99059}
	names.Details = map[string]any{"missing": map[string]any{"full_name": int64(700), "birth_date": int64(300)}}
	names.Examples = []scorecard.Example{{Key: "0931****9082", Value: "B. T. V. | NULL"}, {Key: "0511****4153", Value: " | 1943******"}}
	titled(names, "Họ tên và ngày sinh phải có giá trị", "Full name and date of birth must be filled in",
		"Một bản ghi không đạt khi thiếu giá trị (trống, NULL hoặc giá trị giữ chỗ như N/A).",
		"A record fails when a value is missing (empty, NULL or a placeholder such as N/A).")

	birth := rowCheck("birth_range", "between", "correct", "birth_date", "minor", 100_000, 60, 1, scorecard.Fail)
	birth.Interval95 = []float64{0.99925, 0.99950}
	birth.Examples = []scorecard.Example{{Key: "0400****0421", Value: "2999******", Year: intp(2999)}}
	titled(birth, "Ngày sinh nằm trong khoảng cho phép", "Date of birth within the allowed range", "Từ 01/01/1900 đến hôm nay.", "From 01/01/1900 to today.")

	gender := rowCheck("gender_known", "in_set", "correct", "gender", "minor", 100_000, 0, 1, scorecard.Pass)
	gender.Interval95 = []float64{0.99996, 1}
	titled(gender, "Giới tính thuộc danh mục cho phép", "Gender is one of the allowed values", "Giá trị cho phép: M, F.", "Allowed values: M, F.")

	fresh := &scorecard.Check{ID: "updated_recently", Kind: "freshness", Dimension: "alive", Column: "updated_at", Severity: "major", Weight: 1,
		Status: scorecard.Pass, Value: f64(5.5), Unit: "hours", Threshold: map[string]any{"max_age_hours": 24.0}}
	titled(fresh, "Dữ liệu được cập nhật kịp thời", "Data kept up to date", "", "")

	population := &scorecard.Dataset{
		ID: "population.citizens", Source: "population",
		Sample:    scorecard.Sample{Method: "hash", Fraction: f64(0.1), Key: "cccd"},
		RowsTotal: i64(1_000_000), RowsSampled: i64(100_000), Weight: 1, DurationMS: 1234,
		Checks: []*scorecard.Check{fresh, cccd, unique, names, birth, gender},
		Groups: &scorecard.Groups{By: "province_code", Values: []*scorecard.Group{
			{Value: "01", Name: "Thành phố Hà Nội", Rows: 41_200, Checks: []*scorecard.GroupCheck{
				{ID: "cccd_valid", Status: scorecard.Pass, PassRate: f64(0.999)}, {ID: "name_present", Status: scorecard.Fail, PassRate: f64(0.998)}}},
			{Value: "79", Name: "Thành phố Hồ Chí Minh", Rows: 58_700, Checks: []*scorecard.GroupCheck{
				{ID: "cccd_valid", Status: scorecard.Fail, PassRate: f64(0.97)}, {ID: "name_present", Status: scorecard.Fail, PassRate: f64(0.985)}}},
			{Value: "NULL", Rows: 100, Checks: []*scorecard.GroupCheck{{ID: "cccd_valid", Status: scorecard.Error}}},
		}},
	}

	inPop := rowCheck("in_population", "references", "correct", "cccd", "major", 20_400, 120, 1, scorecard.Fail)
	inPop.Details = map[string]any{"in": "population.citizens", "coordinated_sample": false}
	inPop.Examples = []scorecard.Example{{Key: "0333**5354", Value: "0172****8671"}}
	inPop.Message = "120 rows of 20400 have a cccd not found in population.citizens"
	titled(inPop, "Số CCCD có trong population.citizens", "Citizen ID number (CCCD) found in population.citizens", "", "")
	bhxh := rowCheck("bhxh_format", "regex", "correct", "bhxh", "major", 20_400, 408, 1, scorecard.Fail)
	bhxh.KPI = new(bool)
	titled(bhxh, "Mã số BHXH đúng định dạng", "Social insurance number in the expected format", "Giá trị phải khớp mẫu ^[0-9]{10}$.", "Values must match the pattern ^[0-9]{10}$.")
	stale := &scorecard.Check{ID: "updated", Kind: "freshness", Dimension: "alive", Column: "updated_at", Severity: "major", Weight: 1,
		Status: scorecard.Fail, Value: f64(240.6), Unit: "hours",
		Threshold: map[string]any{"max_age_hours": 168.0, "warn": map[string]any{"max_age_hours": 72.0}},
		Details:   map[string]any{"latest": "2026-02-19T08:00:00+07:00", "measured_at": "2026-03-01T08:02:03+07:00"},
		Message:   "newest updated_at is 240h36m0s old (max 168h0m0s)"}
	titled(stale, "Dữ liệu được cập nhật kịp thời", "Data kept up to date",
		"Bản ghi mới nhất (thời điểm cập nhật) không cũ hơn 7 ngày tính đến lúc kiểm tra.", "The newest record (update time) is at most 7 days old at the time of the check.")
	sync := &scorecard.Check{ID: "deceased_still_active", Kind: "status_sync", Dimension: "alive", Severity: "critical", Weight: 1,
		Status: scorecard.Error, Message: "Binder Error: column \"status\" not found <script>alert(1)</script>"}
	titled(sync, "Trạng thái được cập nhật theo civil_status.deaths", "Status kept in step with civil_status.deaths", "", "")
	insurance := &scorecard.Dataset{
		ID: "insurance.participants", Source: "vss_pg", Sample: scorecard.Sample{Method: "full", Key: "bhxh"},
		RowsTotal: i64(20_400), RowsSampled: i64(20_400), Weight: 1, DurationMS: 376,
		Checks: []*scorecard.Check{inPop, bhxh, stale, sync},
	}

	card := rowCheck("card_format", "regex", "correct", "card_no", "major", 4_899_000, 2_204_550, 0.99, scorecard.Fail)
	card.Rows, card.Interval95 = i64(4_900_123), []float64{0.54956, 0.55044}
	card.Examples = []scorecard.Example{{Key: "HS4****123", Value: "HS4 ***123", Shape: "AA9␣9999999"}, {Key: "DN4****999", Value: "dn4****999", Shape: "aa99999999"}}
	titled(card, "Trường card_no đúng định dạng", "Field card_no in the expected format", "", "")
	volume := &scorecard.Check{ID: "volume", Kind: "row_count", Dimension: "sufficient", Severity: "critical", Weight: 1,
		Status: scorecard.Pass, Value: f64(98_000_000), Unit: "rows", Threshold: map[string]any{"min": 1_000_000.0}}
	titled(volume, "Đủ số lượng bản ghi", "Enough records", "Ít nhất 1.000.000 bản ghi.", "At least 1,000,000 records.")
	issued := rowCheck("issued_present", "not_null", "sufficient", "issued_on", "major", 4_900_123, 3_220_381, 1, scorecard.Fail)
	issued.Interval95 = []float64{0.34238, 0.34322}
	cards := &scorecard.Dataset{
		ID: "health.insurance_cards", Source: "moh_mysql", Sample: scorecard.Sample{Method: "hash", Fraction: f64(0.05), Key: "card_no"},
		RowsTotal: i64(98_000_000), RowsSampled: i64(4_900_123), Weight: 1, DurationMS: 183_400,
		Checks: []*scorecard.Check{card, volume, issued},
	}
	facilities := &scorecard.Dataset{
		ID: "health.facilities", Source: "moh_api", Sample: scorecard.Sample{Method: "full"}, Weight: 1, DurationMS: 30_012,
		Error: "GET https://api.example.invalid/facilities: connection refused (after 5 attempts)",
		Checks: []*scorecard.Check{{ID: "facility_code_present", Kind: "not_null", Dimension: "sufficient", Column: "code", Weight: 1,
			Status: scorecard.Error, Message: "not evaluated: the dataset could not be read"}},
	}

	deaths := &scorecard.Dataset{
		ID: "civil_status.deaths", Source: "moj_file", Sample: scorecard.Sample{Method: "full", Key: "cccd"},
		RowsTotal: i64(4_020), RowsSampled: i64(4_020), Weight: 1, DurationMS: 88,
		Checks: []*scorecard.Check{
			rowCheck("death_date_range", "between", "correct", "death_date", "minor", 4_020, 0, 1, scorecard.Pass),
			rowCheck("cccd_present", "not_null", "sufficient", "cccd", "major", 4_020, 0, 1, scorecard.Pass),
			rowCheck("cccd_unique", "unique", "clean", "cccd", "critical", 4_020, 0, 1, scorecard.Pass),
			{ID: "updated", Kind: "freshness", Dimension: "alive", Column: "updated_at", Severity: "major", Weight: 1,
				Status: scorecard.Pass, Value: f64(2.31), Unit: "hours", Threshold: map[string]any{"max_age_hours": 48.0}},
			rowCheck("in_population", "references", "unified", "cccd", "major", 4_020, 0, 1, scorecard.Pass),
			rowCheck("shared_id", "format", "shared", "cccd", "major", 4_020, 0, 1, scorecard.Pass),
		},
	}

	enterprises := &scorecard.Dataset{
		ID: "tax.enterprises", Source: "mof_pg", Sample: scorecard.Sample{Method: "hash", Fraction: f64(0.2), Key: "mst"},
		Weight: 1, DurationMS: 5_000, Error: "pq: password authentication failed for user \"dq_reader\"",
		Checks: []*scorecard.Check{{ID: "mst_checksum", Kind: "format", Dimension: "correct", Column: "mst", Weight: 1,
			Status: scorecard.Error, Message: "not evaluated: the dataset could not be read"}},
	}

	// Every criterion measured, one minor check failing a little: a score
	// above the green bound, rated fair.
	students := &scorecard.Dataset{
		ID: "education.students", Source: "moet_file", Sample: scorecard.Sample{Method: "full", Key: "student_id"},
		RowsTotal: i64(4_020), RowsSampled: i64(4_020), Weight: 1, DurationMS: 51,
		Checks: []*scorecard.Check{
			rowCheck("student_unique", "unique", "correct", "student_id", "critical", 4_020, 0, 1, scorecard.Pass),
			rowCheck("grade_range", "between", "correct", "grade", "minor", 4_020, 2, 1, scorecard.Fail),
			rowCheck("identity_present", "not_null", "sufficient", "cccd", "major", 4_020, 0, 1, scorecard.Pass),
			rowCheck("name_unique", "unique", "clean", "full_name", "major", 4_020, 0, 0.99, scorecard.Pass),
			{ID: "updated", Kind: "freshness", Dimension: "alive", Column: "updated_at", Severity: "major", Weight: 1,
				Status: scorecard.Pass, Value: f64(3.1), Unit: "hours", Threshold: map[string]any{"max_age_hours": 48.0}},
			rowCheck("in_population", "references", "unified", "cccd", "major", 4_020, 0, 1, scorecard.Pass),
			rowCheck("school_code", "in_set", "shared", "school_code", "minor", 4_020, 0, 1, scorecard.Pass),
		},
	}

	ministries := []scorecard.Ref{
		{ID: "MPS", Name: "Bộ Công an (Ministry of Public Security)"},
		{ID: "VSS", Name: "Bảo hiểm xã hội Việt Nam (Vietnam Social Security)"},
		{ID: "MOH", Name: "Bộ Y tế (Ministry of Health)"},
		{ID: "MOJ", Name: "Bộ Tư pháp (Ministry of Justice)"},
		{ID: "MOF", Name: "Bộ Tài chính (Ministry of Finance)"},
		{ID: "MOET", Name: "Bộ Giáo dục và Đào tạo (Ministry of Education and Training)"},
	}
	datasets := []*scorecard.Dataset{population, insurance, cards, facilities, deaths, enterprises, students}
	of := []string{"MPS", "VSS", "MOH", "MOH", "MOJ", "MOF", "MOET"}
	idx, out := scorecard.Assemble(fixtureRun, fixtureScoring, ministries, datasets, func(i int) string { return of[i] })
	for i := range idx.Ministries {
		idx.Ministries[i].File = scorecard.FileName(idx.Ministries[i].ID)
	}
	// Trends come from the history, after scoring.
	mps, vss := out[0], out[1]
	prev := *mps.Score - 0.6
	mps.Trend = &scorecard.Trend{PreviousScore: f64(prev), Change: f64(0.6),
		Series: series(f64(prev-3), f64(prev-1.5), nil, f64(prev), mps.Score)}
	population.Trend = &scorecard.Trend{PreviousScore: f64(prev), Change: f64(0.6)}
	vss.Trend = &scorecard.Trend{PreviousScore: f64(*vss.Score + 1.75), Change: f64(-1.75),
		Series: series(f64(*vss.Score+3), f64(*vss.Score+1.75), vss.Score)}
	out[2].Trend = &scorecard.Trend{PreviousScore: nil}
	// name_present fails for the third run in a row; birth_range for the
	// first time; cccd_valid has no history.
	names.Trend = &scorecard.Trend{PreviousScore: f64(30), Change: f64(*names.Score - 30),
		Series: series(f64(100), f64(25), f64(30), names.Score)}
	birth.Trend = &scorecard.Trend{PreviousScore: f64(100), Change: f64(*birth.Score - 100),
		Series: series(f64(100), f64(100), birth.Score)}
	return idx, out
}
