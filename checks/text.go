package checks

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

// words name something for people: Vietnamese, then English, both in the
// middle of a sentence (upper case only where the word always has it).
type words struct{ vi, en string }

// columnWords name the columns Vietnamese registries commonly have, so
// that a default title reads "Số CCCD không được trùng lặp" rather than
// "cccd không được trùng lặp". Another column is "trường <name>".
var columnWords = map[string]words{
	"cccd":          {"số CCCD", "citizen ID number (CCCD)"},
	"so_cccd":       {"số CCCD", "citizen ID number (CCCD)"},
	"cmnd":          {"số CMND", "former ID card number (CMND)"},
	"mst":           {"mã số thuế", "tax code"},
	"ma_so_thue":    {"mã số thuế", "tax code"},
	"bhxh":          {"mã số BHXH", "social insurance number"},
	"full_name":     {"họ tên", "full name"},
	"ho_ten":        {"họ tên", "full name"},
	"birth_date":    {"ngày sinh", "date of birth"},
	"ngay_sinh":     {"ngày sinh", "date of birth"},
	"death_date":    {"ngày mất", "date of death"},
	"gender":        {"giới tính", "gender"},
	"gioi_tinh":     {"giới tính", "gender"},
	"phone":         {"số điện thoại", "phone number"},
	"so_dien_thoai": {"số điện thoại", "phone number"},
	"email":         {"thư điện tử", "e-mail address"},
	"address":       {"địa chỉ", "address"},
	"dia_chi":       {"địa chỉ", "address"},
	"province_code": {"mã tỉnh", "province code"},
	"ma_tinh":       {"mã tỉnh", "province code"},
	"district_code": {"mã huyện", "district code"},
	"commune_code":  {"mã xã", "commune code"},
	"ward_code":     {"mã xã", "commune code"},
	"ma_xa":         {"mã xã", "commune code"},
	"status":        {"trạng thái", "status"},
	"trang_thai":    {"trạng thái", "status"},
	"updated_at":    {"thời điểm cập nhật", "update time"},
	"created_at":    {"thời điểm tạo", "creation time"},
}

// columnsOf names a check's columns: "số CCCD, họ tên và ngày sinh";
// known is false when one of them has no words of its own.
func columnsOf(s *config.Check) (w words, known bool) {
	cols := s.Columns
	if s.Column != "" {
		cols = append([]string{s.Column}, cols...)
	}
	known = len(cols) > 0
	var vi, en []string
	for _, c := range cols {
		cw, ok := columnWords[strings.ToLower(c)]
		if !ok {
			cw, known = words{"trường " + c, "field " + c}, false
		}
		vi, en = append(vi, cw.vi), append(en, cw.en)
	}
	return words{list(vi, "và"), list(en, "and")}, known
}

func list(items []string, and string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1]
}

// upper writes a text's first letter in upper case, as it starts a title.
func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// sentence makes a title from column words and what is required of them.
func sentence(cols words, vi, en string) (string, string) {
	return upper(cols.vi + vi), upper(cols.en + en)
}

// validatorText names what a format check's validator accepts and
// describes its rule.
var validatorText = map[string][2]words{
	"cccd": {{"Số căn cước công dân (CCCD) hợp lệ", "Valid citizen ID numbers (CCCD)"},
		{"12 chữ số: mã nơi đăng ký khai sinh (3 số), giới tính và thế kỷ sinh (1 số), năm sinh (2 số) và 6 số ngẫu nhiên.",
			"12 digits: birth registration place (3), gender and century of birth (1), year of birth (2) and 6 random digits."}},
	"cmnd": {{"Số chứng minh nhân dân (CMND) hợp lệ", "Valid former ID card numbers (CMND)"},
		{"9 chữ số (CMND cũ) hoặc 12 chữ số như số CCCD.", "9 digits (old card) or 12 digits like a CCCD number."}},
	"mst": {{"Mã số thuế hợp lệ", "Valid tax codes"},
		{"10 chữ số có số kiểm tra ở cuối, hoặc mã đơn vị phụ thuộc dạng 10 số-3 số.", "10 digits ending in a check digit, or a dependent unit's 10 digits-3 digits."}},
	"bhxh": {{"Mã số bảo hiểm xã hội hợp lệ", "Valid social insurance numbers"},
		{"10 chữ số.", "10 digits."}},
	"phone_vn": {{"Số điện thoại hợp lệ", "Valid phone numbers"},
		{"Di động 10 số với đầu số đang dùng, hoặc cố định 11 số 02x; số di động 11 số cũ (trước 2018) không hợp lệ.",
			"10-digit mobiles with a prefix in use, or 11-digit 02x landlines; an old 11-digit mobile (before 2018) is invalid."}},
	"email": {{"Địa chỉ thư điện tử hợp lệ", "Valid e-mail addresses"},
		{"Dạng ten@ten-mien, tên miền kết thúc bằng đuôi chữ cái.", "Of the form name@domain, the domain ending in a letter suffix."}},
	"admin_unit": {{"Mã xã, phường (từ 1/7/2025) hợp lệ", "Valid commune codes (from 1 July 2025)"},
		{"Mã có trong danh mục 3.321 đơn vị cấp xã từ 1/7/2025; mã đã bỏ khi sắp xếp là không hợp lệ.",
			"A code of the 3.321 communes in force since 1 July 2025; a code abolished by the reform is invalid."}},
	"province_2025": {{"Mã tỉnh, thành phố (từ 1/7/2025) hợp lệ", "Valid province codes (from 1 July 2025)"},
		{"Mã có trong danh mục 34 tỉnh, thành phố từ 1/7/2025.", "A code of the 34 provinces in force since 1 July 2025."}},
}

// referenceWords name the reference lists shipped with dq; a dataset or
// a list of the config's keeps its id.
var referenceWords = map[string]words{
	"admin_units_2025":      {"danh mục xã, phường từ 1/7/2025", "the list of communes from 1 July 2025"},
	"admin_units_pre2025":   {"danh mục xã, phường trước 1/7/2025", "the list of communes before 1 July 2025"},
	"provinces_2025":        {"danh mục tỉnh, thành phố từ 1/7/2025", "the list of provinces from 1 July 2025"},
	"provinces_pre2025":     {"danh mục tỉnh, thành phố trước 1/7/2025", "the list of provinces before 1 July 2025"},
	"cccd_birthplace_codes": {"danh mục mã nơi đăng ký khai sinh trên CCCD", "the list of CCCD birthplace codes"},
}

func otherOf(s *config.Check) words {
	other := param(s, "dataset")
	if other == "" {
		other = param(s, "reference")
	}
	if w, ok := referenceWords[other]; ok {
		return w
	}
	return words{other, other}
}

func defaultText(s *config.Check) Text {
	cols, known := columnsOf(s)
	other := otherOf(s)
	var t Text
	switch s.Kind {
	case "not_null":
		t.Title, t.TitleEN = sentence(cols, " phải có giá trị", " must be filled in")
		t.Description = "Một bản ghi không đạt khi thiếu giá trị (trống, NULL hoặc giá trị giữ chỗ như N/A)."
		t.DescriptionEN = "A record fails when a value is missing (empty, NULL or a placeholder such as N/A)."
	case "unique":
		t.Title, t.TitleEN = sentence(cols, " không được trùng lặp", " must not repeat")
		t.Description, t.DescriptionEN = "Mỗi giá trị chỉ được xuất hiện ở một bản ghi.", "Each value may belong to one record only."
		if len(s.Columns) > 1 {
			t.Description = "Mỗi bộ giá trị (" + cols.vi + ") chỉ được xuất hiện ở một bản ghi."
			t.DescriptionEN = "Each combination (" + cols.en + ") may belong to one record only."
		}
		if n := s.Params["normalize"]; n != nil {
			t.Title, t.TitleEN = t.Title+" (kể cả khi viết khác nhau)", t.TitleEN+" (even when written differently)"
			var opts []string
			_ = n.Decode(&opts)
			vi, en := normalizeWords(opts)
			t.Description += " Hai giá trị được coi là một khi chỉ khác nhau về " + vi + "."
			t.DescriptionEN += " Two values count as one when they differ only in " + en + "."
		}
	case "regex":
		t.Title, t.TitleEN = sentence(cols, " đúng định dạng", " in the expected format")
		if p := param(s, "pattern"); p != "" {
			t.Description, t.DescriptionEN = "Giá trị phải khớp mẫu "+p+".", "Values must match the pattern "+p+"."
		}
	case "format":
		v, ok := validatorText[param(s, "validator")]
		if !ok {
			t.Title, t.TitleEN = sentence(cols, " đúng định dạng", " in the expected format")
			break
		}
		t.Title, t.TitleEN = v[0].vi, v[0].en
		if !known {
			// A well-known column is what the validator's title names;
			// another says which it is.
			t.Title, t.TitleEN = t.Title+" ("+cols.vi+")", t.TitleEN+" ("+cols.en+")"
		}
		t.Description, t.DescriptionEN = v[1].vi, v[1].en
		if bd, g := param(s, "birth_date"), param(s, "gender"); bd != "" || g != "" {
			var vi, en []string
			for _, c := range []string{bd, g} {
				if c != "" {
					w := columnWords[c]
					if w.vi == "" {
						w = words{c, c}
					}
					vi, en = append(vi, w.vi), append(en, w.en)
				}
			}
			t.Description += " Năm sinh và giới tính trong số phải khớp với " + list(vi, "và") + " đã ghi."
			t.DescriptionEN += " The birth year and gender in the number must agree with the recorded " + list(en, "and") + "."
		}
	case "in_set":
		t.Title, t.TitleEN = sentence(cols, " thuộc danh mục cho phép", " is one of the allowed values")
		var vals []string
		if n := s.Params["values"]; n != nil {
			_ = n.Decode(&vals)
		}
		switch {
		case len(vals) > 0 && len(vals) <= maxListed:
			t.Description, t.DescriptionEN = "Giá trị cho phép: "+strings.Join(vals, ", ")+".", "Allowed values: "+strings.Join(vals, ", ")+"."
		case len(vals) > maxListed:
			t.Description = "Một trong " + humanNumber(float64(len(vals))) + " giá trị cho phép."
			t.DescriptionEN = "One of " + humanNumber(float64(len(vals))) + " allowed values."
		}
	case "between":
		t.Title, t.TitleEN = sentence(cols, " nằm trong khoảng cho phép", " within the allowed range")
		t.Description, t.DescriptionEN = rangeText(param(s, "min"), param(s, "max"), boundWords, "")
	case "length":
		t.Title, t.TitleEN = upper("độ dài "+cols.vi+" hợp lệ"), upper(cols.en+" of a valid length")
		t.Description, t.DescriptionEN = rangeText(param(s, "min"), param(s, "max"), numberWords, "ký tự|characters")
	case "row_count":
		t.Title, t.TitleEN = "Đủ số lượng bản ghi", "Enough records"
		if param(s, "min") == "" {
			t.Title, t.TitleEN = "Số lượng bản ghi trong mức dự kiến", "Records within the expected volume"
		}
		t.Description, t.DescriptionEN = rangeText(param(s, "min"), param(s, "max"), numberWords, "bản ghi|records")
	case "freshness":
		t.Title, t.TitleEN = "Dữ liệu được cập nhật kịp thời", "Data kept up to date"
		t.Description, t.DescriptionEN = "Tính từ lần cập nhật gần nhất đến lúc kiểm tra.", "From the latest update to the time of the check."
		if age, err := ParseAge(param(s, "max_age")); err == nil {
			vi, en := ageWords(age.Hours())
			t.Description = "Bản ghi mới nhất (" + cols.vi + ") không cũ hơn " + vi + " tính đến lúc kiểm tra."
			t.DescriptionEN = "The newest record (" + cols.en + ") is at most " + en + " old at the time of the check."
		}
	case "schema":
		t.Title, t.TitleEN = "Đủ các cột với đúng kiểu dữ liệu", "The expected columns, with their types"
		var req map[string]string
		if n := s.Params["require"]; n != nil {
			_ = n.Decode(&req)
		}
		if len(req) > 0 {
			names := make([]string, 0, len(req))
			for c := range req {
				names = append(names, c)
			}
			sort.Strings(names)
			for i, c := range names {
				names[i] = c + " (" + req[c] + ")"
			}
			t.Description, t.DescriptionEN = "Các cột bắt buộc: "+strings.Join(names, ", ")+".", "Required columns: "+strings.Join(names, ", ")+"."
		}
	case "references":
		t.Title, t.TitleEN = sentence(cols, " có trong "+other.vi, " found in "+other.en)
		t.Description = "Mỗi giá trị phải có trong " + other.vi + "; giá trị không tìm thấy là sai mã hoặc thiếu bản ghi ở nơi kia."
		t.DescriptionEN = "Every value must exist in " + other.en + "; one not found is a wrong code or a record missing there."
	case "agrees":
		t.Title, t.TitleEN = "Thông tin khớp với "+other.vi, "Agrees with "+other.en
		t.Description, t.DescriptionEN = "So sánh các bản ghi có ở cả hai nơi.", "Compares the records found in both."
		var compared map[string]yaml.Node
		if n := s.Params["columns"]; n != nil && n.Decode(&compared) == nil && len(compared) > 0 {
			names := make([]string, 0, len(compared))
			for c := range compared {
				names = append(names, c)
			}
			sort.Strings(names)
			w, _ := columnsOf(&config.Check{Columns: names})
			t.Description = "So sánh " + w.vi + " với " + other.vi + " trên các bản ghi có ở cả hai nơi."
			t.DescriptionEN = "Compares " + w.en + " with " + other.en + " for the records found in both."
		}
	case "coverage":
		t.Title, t.TitleEN = "Bao phủ đủ "+other.vi, "Covers "+other.en
		t.Description = "Các đối tượng của " + other.vi + " phải có ở đây."
		t.DescriptionEN = "The records of " + other.en + " must be found here."
		if m, err := strconv.ParseFloat(param(s, "min"), 64); err == nil {
			t.Description = "Ít nhất " + humanPercent(m*100) + " đối tượng của " + other.vi + " phải có ở đây."
			t.DescriptionEN = "At least " + humanPercent(m*100) + " of the records of " + other.en + " must be found here."
		}
	case "status_sync":
		t.Title, t.TitleEN = "Trạng thái được cập nhật theo "+other.vi, "Status kept in step with "+other.en
		state := ""
		if w := param(s, "where"); w != "" {
			state = " (" + w + ")"
		}
		t.Description = "Bản ghi còn ở trạng thái này" + state + " không được là đối tượng đã được ghi nhận thay đổi trong " + other.vi + "."
		t.DescriptionEN = "A record still in this state" + state + " must not be one recorded as changed in " + other.en + "."
	case "not_regex":
		t.Title, t.TitleEN = sentence(cols, " không chứa mẫu bị cấm", " free of forbidden patterns")
		if pats := listParam(s, "patterns"); len(pats) > 0 || param(s, "pattern") != "" {
			if len(pats) == 0 {
				pats = []string{param(s, "pattern")}
			}
			t.Description, t.DescriptionEN = "Giá trị không được khớp mẫu "+list(pats, "hoặc")+".", "Values must not match "+list(pats, "or")+"."
		}
	case "not_in_set":
		t.Title, t.TitleEN = sentence(cols, " không dùng giá trị bị loại trừ", " uses none of the excluded values")
		if vals := listParam(s, "values"); len(vals) > 0 && len(vals) <= maxListed {
			t.Description, t.DescriptionEN = "Giá trị không được dùng: "+strings.Join(vals, ", ")+".", "Values not allowed: "+strings.Join(vals, ", ")+"."
		}
	case "is_null":
		t.Title, t.TitleEN = sentence(cols, " phải để trống", " must stay empty")
		t.Description = "Trường đã ngừng sử dụng: một bản ghi không đạt khi còn giá trị."
		t.DescriptionEN = "A retired field: a record fails while it still holds a value."
	case "distinct_values":
		switch {
		case s.Params["contains"] != nil:
			t.Title, t.TitleEN = upper("dùng đủ các mã trong danh mục ("+cols.vi+")"), "Every listed code in use ("+cols.en+")"
			t.Description, t.DescriptionEN = "Mỗi giá trị trong danh mục phải xuất hiện ít nhất một lần.", "Each listed value must appear at least once."
		case s.Params["equals"] != nil:
			t.Title, t.TitleEN = upper("các giá trị của "+cols.vi+" đúng bằng danh mục"), upper("the values of "+cols.en+" are exactly the list")
		default:
			t.Title, t.TitleEN = upper("các giá trị của "+cols.vi+" thuộc danh mục"), upper("the values of "+cols.en+" are within the list")
		}
	case "metric":
		m, ok := metricTitles[param(s, "metric")]
		if !ok {
			m = words{"giá trị", "value"}
		}
		t.Title, t.TitleEN = upper(m.vi+" của "+cols.vi+" trong giới hạn"), upper(m.en+" of "+cols.en+" within bounds")
		t.Description, t.DescriptionEN = rangeText(param(s, "min"), param(s, "max"), boundWords, "")
	case "compare":
		w, _ := columnsOf(&config.Check{Column: param(s, "with")})
		op := param(s, "op")
		t.Title, t.TitleEN = sentence(cols, " "+op+" "+w.vi, " "+op+" "+w.en)
		t.Description, t.DescriptionEN = "So sánh hai trường của cùng một bản ghi.", "Compares two fields of the same record."
	case "expression":
		t.Title, t.TitleEN = "Bản ghi thoả quy tắc nghiệp vụ", "Records satisfy the business rule"
		t.Description, t.DescriptionEN = param(s, "valid_if"), param(s, "valid_if")
	case "sql_metric":
		t.Title, t.TitleEN = "Chỉ số tự định nghĩa trong giới hạn", "User-defined metric within bounds"
		vi, en := rangeText(param(s, "min"), param(s, "max"), numberWords, "")
		t.Description, t.DescriptionEN = param(s, "sql")+": "+vi, param(s, "sql")+": "+en
	case "failed_rows":
		t.Title, t.TitleEN = "Không có bản ghi vi phạm quy tắc", "No records break the rule"
		t.Description, t.DescriptionEN = "Các bản ghi do truy vấn trả về là vi phạm.", "The records the query returns break the rule."
	case "row_count_compare":
		t.Title, t.TitleEN = "Số lượng bản ghi phù hợp với "+other.vi, "Record count in line with "+other.en
		vi, en := rangeText(param(s, "min"), param(s, "max"), numberWords, "")
		if param(s, "measure") == "difference" {
			t.Description, t.DescriptionEN = "Số bản ghi trừ số bản ghi của "+other.vi+": "+vi, "Records minus those of "+other.en+": "+en
		} else {
			t.Description, t.DescriptionEN = "Số bản ghi chia cho số bản ghi của "+other.vi+": "+vi, "Records divided by those of "+other.en+": "+en
		}
	case "anomaly":
		t.Title, t.TitleEN = "Không có biến động bất thường so với các lần trước", "No unusual change from earlier runs"
		if m, ok := metricWords[param(s, "metric")]; ok {
			t.Description = "So sánh " + m.vi + " của lần chạy này với các lần chạy trước."
			t.DescriptionEN = "Compares " + m.en + " in this run with earlier runs."
		}
	default:
		t.Title, t.TitleEN = s.ID, s.ID
	}
	return t
}

// metricTitles name what a metric check measures.
var metricTitles = map[string]words{
	"min": {"giá trị nhỏ nhất", "minimum"}, "max": {"giá trị lớn nhất", "maximum"},
	"mean": {"giá trị trung bình", "mean"}, "sum": {"tổng", "sum"}, "stddev": {"độ lệch chuẩn", "standard deviation"},
	"median": {"trung vị", "median"}, "percentile": {"phân vị", "percentile"},
	"distinct_count": {"số giá trị khác nhau", "number of distinct values"}, "distinct_share": {"tỷ lệ giá trị khác nhau", "share of distinct values"},
	"duplicate_share": {"tỷ lệ giá trị trùng lặp", "share of duplicate values"}, "missing_share": {"tỷ lệ thiếu giá trị", "share of missing values"},
}

// listParam is a list parameter of a check as written (nil when absent
// or not a list of scalars).
func listParam(s *config.Check, key string) []string {
	var out []string
	if n := s.Params[key]; n != nil && n.Kind == yaml.SequenceNode {
		_ = n.Decode(&out)
	}
	return out
}

// maxListed is how many allowed values a description lists.
const maxListed = 12

var metricWords = map[string]words{
	"row_count":      {"số bản ghi", "the number of records"},
	"null_rate":      {"tỷ lệ thiếu giá trị", "the share of missing values"},
	"duplicate_rate": {"tỷ lệ trùng lặp", "the share of duplicates"},
	"freshness_lag":  {"độ trễ cập nhật", "the update lag"},
}

var normalizeText = map[string]words{
	"nfc":              {"cách mã hoá Unicode", "Unicode form"},
	"casefold":         {"chữ hoa, chữ thường", "case"},
	"trim":             {"dấu cách ở đầu và cuối", "leading and trailing spaces"},
	"collapse_spaces":  {"số dấu cách", "repeated spaces"},
	"strip_diacritics": {"dấu thanh", "diacritics"},
}

func normalizeWords(opts []string) (string, string) {
	var vi, en []string
	for _, o := range opts {
		if w, ok := normalizeText[o]; ok {
			vi, en = append(vi, w.vi), append(en, w.en)
		}
	}
	return list(vi, "hoặc"), list(en, "or")
}

// rangeText says "Từ a đến b." / "From a to b." of two bounds as written
// in the config, each in words; unit is "vi|en", after the numbers.
func rangeText(lo, hi string, say func(string) words, unit string) (string, string) {
	uvi, uen, _ := strings.Cut(unit, "|")
	if uvi != "" {
		uvi, uen = " "+uvi, " "+uen
	}
	a, b := say(lo), say(hi)
	switch {
	case lo != "" && hi != "":
		return "Từ " + a.vi + " đến " + b.vi + uvi + ".", "From " + a.en + " to " + b.en + uen + "."
	case lo != "":
		return "Ít nhất " + a.vi + uvi + ".", "At least " + a.en + uen + "."
	case hi != "":
		return "Nhiều nhất " + b.vi + uvi + ".", "At most " + b.en + uen + "."
	}
	return "", ""
}

func numberWords(s string) words {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return words{s, s}
	}
	return words{humanNumber(f), humanNumber(f)}
}

var relativeUnits = map[string]words{
	"y": {"năm", "year"}, "mo": {"tháng", "month"}, "w": {"tuần", "week"}, "d": {"ngày", "day"},
	"h": {"giờ", "hour"}, "m": {"phút", "minute"}, "s": {"giây", "second"},
}

// boundWords say a between bound: a number, a date (dd/mm/yyyy), today,
// now or a time relative to the check ("25 năm trước").
func boundWords(s string) words {
	b, err := parseBound(s)
	if err != nil {
		return words{s, s}
	}
	switch b.kind {
	case boundNumber:
		return numberWords(s)
	case boundDate:
		d := b.at.Format("02/01/2006")
		return words{d, d}
	case boundTimestamp:
		d := b.at.Format("02/01/2006 15:04")
		return words{d, d}
	}
	switch strings.ToLower(b.raw) {
	case "today":
		return words{"hôm nay", "today"}
	case "now":
		return words{"lúc kiểm tra", "the time of the check"}
	}
	m := relativeBound.FindStringSubmatch(b.raw)
	if m == nil {
		return words{s, s}
	}
	u := relativeUnits[m[3]]
	n, _ := strconv.Atoi(m[2])
	en := m[2] + " " + u.en
	if n != 1 {
		en += "s"
	}
	if m[1] == "-" {
		return words{m[2] + " " + u.vi + " trước", en + " ago"}
	}
	return words{m[2] + " " + u.vi + " sau", en + " ahead"}
}

// ageWords say a number of hours in hours under two days, else in days.
func ageWords(hours float64) (string, string) {
	if hours >= 48 {
		d := hours / 24
		return humanNumber(d) + " ngày", humanNumber(d) + " days"
	}
	unit := " hours"
	if hours == 1 {
		unit = " hour"
	}
	return humanNumber(hours) + " giờ", humanNumber(hours) + unit
}

// humanNumber writes a number one way in both languages, as the pages do: a
// dot between thousands and a decimal comma (1.000,5), at most two
// decimals.
func humanNumber(f float64) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

func humanPercent(p float64) string { return humanNumber(p) + " %" }

// param is a scalar parameter of a check as written ("" when absent or
// not a scalar).
func param(s *config.Check, key string) string {
	if n := s.Params[key]; n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}
