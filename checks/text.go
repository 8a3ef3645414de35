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
