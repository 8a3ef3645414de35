package checks

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
)

// Every kind's default title and description, for the checks of the demo
// and a few more: Vietnamese first, in words people use, the parameters
// said in human units, numbers written one way in both languages.
func TestDefaultText(t *testing.T) {
	for _, tc := range []struct {
		check string
		want  Text
	}{
		{`{id: a, kind: unique, columns: [cccd]}`, Text{"Số CCCD không được trùng lặp", "Citizen ID number (CCCD) must not repeat",
			"Mỗi giá trị chỉ được xuất hiện ở một bản ghi.", "Each value may belong to one record only."}},
		{`{id: a, kind: unique, columns: [full_name, birth_date, commune_code], normalize: [nfc, casefold, trim, collapse_spaces]}`, Text{
			"Họ tên, ngày sinh và mã xã không được trùng lặp (kể cả khi viết khác nhau)",
			"Full name, date of birth and commune code must not repeat (even when written differently)",
			"Mỗi bộ giá trị (họ tên, ngày sinh và mã xã) chỉ được xuất hiện ở một bản ghi. Hai giá trị được coi là một khi chỉ khác nhau về cách mã hoá Unicode, chữ hoa, chữ thường, dấu cách ở đầu và cuối hoặc số dấu cách.",
			"Each combination (full name, date of birth and commune code) may belong to one record only. Two values count as one when they differ only in Unicode form, case, leading and trailing spaces or repeated spaces."}},
		{`{id: a, kind: not_null, columns: [cccd, full_name]}`, Text{"Số CCCD và họ tên phải có giá trị", "Citizen ID number (CCCD) and full name must be filled in",
			"Một bản ghi không đạt khi thiếu giá trị (trống, NULL hoặc giá trị giữ chỗ như N/A).", "A record fails when a value is missing (empty, NULL or a placeholder such as N/A)."}},
		{`{id: a, kind: regex, column: phone, pattern: '^0[35789][0-9]{8}$'}`, Text{"Số điện thoại đúng định dạng", "Phone number in the expected format",
			"Giá trị phải khớp mẫu ^0[35789][0-9]{8}$.", "Values must match the pattern ^0[35789][0-9]{8}$."}},
		{`{id: a, kind: format, column: cccd, validator: cccd, birth_date: birth_date, gender: gender}`, Text{"Số căn cước công dân (CCCD) hợp lệ", "Valid citizen ID numbers (CCCD)",
			"12 chữ số: mã nơi đăng ký khai sinh (3 số), giới tính và thế kỷ sinh (1 số), năm sinh (2 số) và 6 số ngẫu nhiên. Năm sinh và giới tính trong số phải khớp với ngày sinh và giới tính đã ghi.",
			"12 digits: birth registration place (3), gender and century of birth (1), year of birth (2) and 6 random digits. The birth year and gender in the number must agree with the recorded date of birth and gender."}},
		{`{id: a, kind: format, column: legal_rep_id, validator: cccd}`, Text{"Số căn cước công dân (CCCD) hợp lệ (trường legal_rep_id)", "Valid citizen ID numbers (CCCD) (field legal_rep_id)",
			"12 chữ số: mã nơi đăng ký khai sinh (3 số), giới tính và thế kỷ sinh (1 số), năm sinh (2 số) và 6 số ngẫu nhiên.",
			"12 digits: birth registration place (3), gender and century of birth (1), year of birth (2) and 6 random digits."}},
		{`{id: a, kind: in_set, column: status, values: [active, suspended]}`, Text{"Trạng thái thuộc danh mục cho phép", "Status is one of the allowed values",
			"Giá trị cho phép: active, suspended.", "Allowed values: active, suspended."}},
		{`{id: a, kind: between, column: birth_date, min: 1900-01-01, max: today}`, Text{"Ngày sinh nằm trong khoảng cho phép", "Date of birth within the allowed range",
			"Từ 01/01/1900 đến hôm nay.", "From 01/01/1900 to today."}},
		{`{id: a, kind: between, column: birth_date, min: -25y, max: now}`, Text{"Ngày sinh nằm trong khoảng cho phép", "Date of birth within the allowed range",
			"Từ 25 năm trước đến lúc kiểm tra.", "From 25 years ago to the time of the check."}},
		{`{id: a, kind: between, column: monthly_wage_vnd, min: 0, max: 1000000000}`, Text{"Trường monthly_wage_vnd nằm trong khoảng cho phép", "Field monthly_wage_vnd within the allowed range",
			"Từ 0 đến 1.000.000.000.", "From 0 to 1.000.000.000."}},
		{`{id: a, kind: between, column: area_m2, min: 1.5}`, Text{"Trường area_m2 nằm trong khoảng cho phép", "Field area_m2 within the allowed range",
			"Ít nhất 1,5.", "At least 1,5."}},
		{`{id: a, kind: length, column: full_name, min: 2, max: 100}`, Text{"Độ dài họ tên hợp lệ", "Full name of a valid length",
			"Từ 2 đến 100 ký tự.", "From 2 to 100 characters."}},
		{`{id: a, kind: row_count, min: 1000}`, Text{"Đủ số lượng bản ghi", "Enough records", "Ít nhất 1.000 bản ghi.", "At least 1.000 records."}},
		{`{id: a, kind: row_count, max: 20000}`, Text{"Số lượng bản ghi trong mức dự kiến", "Records within the expected volume", "Nhiều nhất 20.000 bản ghi.", "At most 20.000 records."}},
		{`{id: a, kind: freshness, column: updated_at, max_age: 7d}`, Text{"Dữ liệu được cập nhật kịp thời", "Data kept up to date",
			"Bản ghi mới nhất (thời điểm cập nhật) không cũ hơn 7 ngày tính đến lúc kiểm tra.", "The newest record (update time) is at most 7 days old at the time of the check."}},
		{`{id: a, kind: freshness, column: updated_at, max_age: 36h}`, Text{"Dữ liệu được cập nhật kịp thời", "Data kept up to date",
			"Bản ghi mới nhất (thời điểm cập nhật) không cũ hơn 36 giờ tính đến lúc kiểm tra.", "The newest record (update time) is at most 36 hours old at the time of the check."}},
		{`{id: a, kind: schema, require: {updated_at: TIMESTAMP, cccd: VARCHAR}}`, Text{"Đủ các cột với đúng kiểu dữ liệu", "The expected columns, with their types",
			"Các cột bắt buộc: cccd (VARCHAR), updated_at (TIMESTAMP).", "Required columns: cccd (VARCHAR), updated_at (TIMESTAMP)."}},
		{`{id: a, kind: references, column: commune_code, reference: admin_units_2025}`, Text{"Mã xã có trong danh mục xã, phường từ 1/7/2025", "Commune code found in the list of communes from 1 July 2025",
			"Mỗi giá trị phải có trong danh mục xã, phường từ 1/7/2025; giá trị không tìm thấy là sai mã hoặc thiếu bản ghi ở nơi kia.",
			"Every value must exist in the list of communes from 1 July 2025; one not found is a wrong code or a record missing there."}},
		{`{id: a, kind: references, column: cccd, dataset: population.citizens, key: cccd}`, Text{"Số CCCD có trong population.citizens", "Citizen ID number (CCCD) found in population.citizens",
			"Mỗi giá trị phải có trong population.citizens; giá trị không tìm thấy là sai mã hoặc thiếu bản ghi ở nơi kia.",
			"Every value must exist in population.citizens; one not found is a wrong code or a record missing there."}},
		{`{id: a, kind: coverage, dataset: population.citizens, on: {cccd: cccd}, min: 0.5}`, Text{"Bao phủ đủ population.citizens", "Covers population.citizens",
			"Ít nhất 50 % đối tượng của population.citizens phải có ở đây.", "At least 50 % of the records of population.citizens must be found here."}},
		{`{id: a, kind: agrees, dataset: population.citizens, on: {cccd: cccd}, columns: {full_name: {with: full_name, compare: name}, gender: {with: gender}}}`,
			Text{"Thông tin khớp với population.citizens", "Agrees with population.citizens",
				"So sánh họ tên và giới tính với population.citizens trên các bản ghi có ở cả hai nơi.",
				"Compares full name and gender with population.citizens for the records found in both."}},
		{`{id: a, kind: status_sync, dataset: civil_status.deaths, on: {cccd: cccd}, where: "status = 'active'"}`,
			Text{"Trạng thái được cập nhật theo civil_status.deaths", "Status kept in step with civil_status.deaths",
				"Bản ghi còn ở trạng thái này (status = 'active') không được là đối tượng đã được ghi nhận thay đổi trong civil_status.deaths.",
				"A record still in this state (status = 'active') must not be one recorded as changed in civil_status.deaths."}},
		{`{id: a, kind: anomaly, metric: null_rate, column: full_name}`, Text{"Không có biến động bất thường so với các lần trước", "No unusual change from earlier runs",
			"So sánh tỷ lệ thiếu giá trị của lần chạy này với các lần chạy trước.", "Compares the share of missing values in this run with earlier runs."}},
		{`{id: a, kind: regex, column: cccd, pattern: 'x', title: Số CCCD đủ 12 số}`, Text{"Số CCCD đủ 12 số", "Số CCCD đủ 12 số",
			"Giá trị phải khớp mẫu x.", "Values must match the pattern x."}},
	} {
		t.Run(tc.check, func(t *testing.T) {
			var spec config.Check
			require.NoError(t, yaml.Unmarshal([]byte(tc.check), &spec))
			require.Equal(t, tc.want, (&Built{Spec: &spec}).Text())
		})
	}
}
