package checks

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
)

// Text says what a check requires, for the people judged by it:
// Vietnamese first, English second.
type Text struct {
	Title, TitleEN, Description, DescriptionEN string
}

// Text is the check's title and description: the config's, else a
// default written from its kind and parameters.
func (b *Built) Text() Text {
	t := defaultText(b.Spec)
	s := b.Spec
	for _, f := range []struct{ own, into *string }{
		{&s.Title, &t.Title}, {&s.TitleEN, &t.TitleEN}, {&s.Description, &t.Description}, {&s.DescriptionEN, &t.DescriptionEN},
	} {
		if *f.own != "" {
			*f.into = *f.own
		}
	}
	// A Vietnamese title given without an English one stands for both.
	if s.Title != "" && s.TitleEN == "" {
		t.TitleEN = s.Title
	}
	if s.Description != "" && s.DescriptionEN == "" {
		t.DescriptionEN = s.Description
	}
	return t
}

// validatorTitles name what a format check's validator accepts.
var validatorTitles = map[string][2]string{
	"cccd":          {"Số căn cước công dân (CCCD) hợp lệ", "Valid citizen ID numbers (CCCD)"},
	"cmnd":          {"Số chứng minh nhân dân (CMND) hợp lệ", "Valid former ID card numbers (CMND)"},
	"mst":           {"Mã số thuế hợp lệ", "Valid tax codes (MST)"},
	"bhxh":          {"Mã số bảo hiểm xã hội hợp lệ", "Valid social insurance numbers"},
	"phone_vn":      {"Số điện thoại hợp lệ", "Valid phone numbers"},
	"email":         {"Địa chỉ thư điện tử hợp lệ", "Valid e-mail addresses"},
	"admin_unit":    {"Mã đơn vị hành chính (2025) hợp lệ", "Valid administrative unit codes (2025)"},
	"province_2025": {"Mã tỉnh, thành phố (2025) hợp lệ", "Valid province codes (2025)"},
}

// metricTitles name a metric kind's measure.
var metricTitles = map[string][2]string{
	"min": {"Giá trị nhỏ nhất", "Minimum"}, "max": {"Giá trị lớn nhất", "Maximum"},
	"mean": {"Giá trị trung bình", "Mean"}, "sum": {"Tổng", "Sum"}, "stddev": {"Độ lệch chuẩn", "Standard deviation"},
	"median": {"Trung vị", "Median"}, "percentile": {"Phân vị", "Percentile"},
	"distinct_count": {"Số giá trị khác nhau", "Distinct values"}, "distinct_share": {"Tỷ lệ giá trị khác nhau", "Distinct share"},
	"duplicate_share": {"Tỷ lệ giá trị trùng lặp", "Duplicate share"}, "missing_share": {"Tỷ lệ thiếu giá trị", "Missing share"},
}

func defaultText(s *config.Check) Text {
	cols := s.Column
	if len(s.Columns) > 0 {
		cols = strings.Join(s.Columns, ", ")
	}
	other := param(s, "dataset")
	if other == "" {
		other = param(s, "reference")
	}
	switch s.Kind {
	case "not_null":
		return Text{"Trường " + cols + " phải có giá trị", cols + " must be filled in",
			"Một bản ghi không đạt khi thiếu giá trị (trống, NULL hoặc giá trị giữ chỗ như N/A).",
			"A record fails when a value is missing (empty, NULL or a placeholder such as N/A)."}
	case "unique":
		vi, en := cols+" không được trùng lặp", cols+" must not repeat"
		if s.Params["normalize"] != nil {
			vi, en = vi+" (sau khi chuẩn hoá cách viết)", en+" (once spelling is normalised)"
		}
		return Text{vi, en, "Mỗi giá trị chỉ được xuất hiện ở một bản ghi.", "Each value may belong to one record only."}
	case "regex":
		return Text{cols + " đúng định dạng", cols + " in the expected format", "", ""}
	case "format":
		if t, ok := validatorTitles[param(s, "validator")]; ok {
			return Text{t[0] + " (" + cols + ")", t[1] + " (" + cols + ")", "", ""}
		}
		return Text{cols + " đúng định dạng", cols + " in the expected format", "", ""}
	case "in_set":
		return Text{cols + " thuộc danh mục cho phép", cols + " is one of the allowed values", "", ""}
	case "between":
		return Text{cols + " nằm trong khoảng cho phép", cols + " within its allowed range", "", ""}
	case "length":
		return Text{"Độ dài của " + cols + " hợp lệ", cols + " of a valid length", "", ""}
	case "row_count":
		return Text{"Đủ số lượng bản ghi", "Enough records", "", ""}
	case "freshness":
		return Text{"Dữ liệu được cập nhật kịp thời", "Data kept up to date", "Tính từ lần cập nhật gần nhất đến lúc kiểm tra.", "From the latest update to the time of the check."}
	case "schema":
		return Text{"Đủ các cột với đúng kiểu dữ liệu", "The expected columns, with their types", "", ""}
	case "references":
		return Text{cols + " có trong " + other, cols + " found in " + other, "", ""}
	case "agrees":
		return Text{"Thông tin khớp với " + other, "Agrees with " + other, "So sánh các bản ghi có ở cả hai nơi.", "Compares the records found in both."}
	case "coverage":
		return Text{"Bao phủ đủ " + other, "Covers " + other, "", ""}
	case "status_sync":
		return Text{"Trạng thái được cập nhật theo " + other, "Status kept in step with " + other, "", ""}
	case "not_regex":
		return Text{cols + " không chứa mẫu bị cấm", cols + " free of forbidden patterns", "", ""}
	case "not_in_set":
		return Text{cols + " không dùng giá trị bị loại bỏ", cols + " uses none of the excluded values", "", ""}
	case "is_null":
		return Text{"Trường " + cols + " phải để trống", cols + " must stay empty", "Trường đã ngừng sử dụng: một bản ghi không đạt khi còn giá trị.", "A retired field: a record fails while it still holds a value."}
	case "distinct_values":
		switch {
		case s.Params["contains"] != nil:
			return Text{"Dùng đủ các mã trong danh mục (" + cols + ")", "Every listed code in use (" + cols + ")", "Mỗi giá trị trong danh mục phải xuất hiện ít nhất một lần.", "Each listed value must appear at least once."}
		case s.Params["equals"] != nil:
			return Text{"Các giá trị của " + cols + " đúng bằng danh mục", "The values of " + cols + " are exactly the list", "", ""}
		}
		return Text{"Các giá trị của " + cols + " thuộc danh mục", "The values of " + cols + " are within the list", "", ""}
	case "metric":
		m := param(s, "metric")
		if t, ok := metricTitles[m]; ok {
			return Text{t[0] + " của " + cols + " trong giới hạn", t[1] + " of " + cols + " within bounds", "", ""}
		}
		return Text{cols + " trong giới hạn", cols + " within bounds", "", ""}
	case "compare":
		rel := cols + " " + param(s, "op") + " " + param(s, "with")
		return Text{"Nhất quán giữa các trường: " + rel, "Fields consistent: " + rel, "So sánh hai trường của cùng một bản ghi.", "Compares two fields of the same record."}
	case "expression":
		return Text{"Bản ghi thoả quy tắc nghiệp vụ", "Records satisfy the business rule", param(s, "valid_if"), param(s, "valid_if")}
	case "sql_metric":
		return Text{"Chỉ số tự định nghĩa trong giới hạn", "User-defined metric within bounds", param(s, "sql"), param(s, "sql")}
	case "failed_rows":
		return Text{"Không có bản ghi vi phạm quy tắc", "No records break the rule", "", ""}
	case "row_count_compare":
		return Text{"Số lượng bản ghi phù hợp với " + other, "Record count in line with " + other, "", ""}
	case "anomaly":
		return Text{"Không có biến động bất thường so với các lần trước", "No unusual change from earlier runs", "", ""}
	}
	return Text{s.ID, s.ID, "", ""}
}

// param is a scalar parameter of a check as written ("" when absent or
// not a scalar).
func param(s *config.Check, key string) string {
	if n := s.Params[key]; n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}
