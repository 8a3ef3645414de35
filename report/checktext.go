package report

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vn-registries/dq/scorecard"
)

// A check in words, built from its structured fields (status, counts,
// value and unit, threshold, details), in Vietnamese and English: never
// its raw JSON, a Go duration or the English message alone. The message
// is shown only as the English line of what words cannot say (an error,
// the columns a schema check misses).

// resultOf is what a check found, in a few words: "98,04 % đạt",
// "cập nhật cách đây 10 ngày", "20.400 bản ghi".
func resultOf(c *scorecard.Check) bi {
	switch {
	case c.Status == scorecard.Error:
		return bi{"không kiểm tra được", "could not be checked"}
	case c.PassRate != nil:
		r := fmtRate(*c.PassRate, c.Failed)
		return unrepeated(bi{r + " đạt", r + " pass"})
	case c.Value != nil:
		return unrepeated(valueOf(c))
	}
	return bi{}
}

// unrepeated drops from the English the figure the Vietnamese starts
// with, where both start alike: "20.400 bản ghi (records)", not
// "20.400 bản ghi (20.400 records)".
func unrepeated(b bi) bi {
	cut := 0
	for i := 0; i < len(b.Vi) && i < len(b.En) && b.Vi[i] == b.En[i]; i++ {
		if b.Vi[i] == ' ' {
			cut = i + 1
		}
	}
	if cut > 0 && cut < len(b.En) && strings.ContainsAny(b.En[:cut], "0123456789") {
		b.En = b.En[cut:]
	}
	return b
}

func valueOf(c *scorecard.Check) bi {
	v := *c.Value
	switch c.Unit {
	case "hours":
		age := fmtAge(v)
		if c.Kind == "freshness" {
			return bi{"cập nhật cách đây " + age.Vi, "updated " + age.En + " ago"}
		}
		return age
	case "rows":
		return records(int64(v))
	case "problems":
		n := fmtNumber(v)
		return bi{n + " vấn đề", n + plural(" problem", v)}
	case "share":
		return bi{fmtRate(v, nil), fmtRate(v, nil)}
	}
	n := fmtNumber(v)
	if c.Unit == "" {
		return bi{n, n}
	}
	return bi{n + " " + c.Unit, n + " " + c.Unit}
}

// thresholdOf says what a check requires, from its threshold: "tối thiểu
// 99 % bản ghi đạt", "cập nhật trong vòng 7 ngày".
func thresholdOf(c *scorecard.Check) bi {
	t := c.Threshold
	if len(t) == 0 {
		return bi{}
	}
	var vi, en []string
	add := func(b bi) { vi, en = append(vi, b.Vi), append(en, b.En) }
	warn, _ := t["warn"].(map[string]any)
	if m, ok := number(t["mostly"]); ok {
		if m >= 1 {
			add(bi{"mọi bản ghi đều đạt", "every record passes"})
		} else {
			add(bi{"tối thiểu " + fmtPercent(m*100) + " bản ghi đạt", "at least " + fmtPercent(m*100) + " of records pass"})
		}
		if w, ok := number(warn["mostly"]); ok {
			add(bi{"cảnh báo dưới " + fmtPercent(w*100), "warn below " + fmtPercent(w*100)})
		}
	}
	if h, ok := number(t["max_age_hours"]); ok {
		a := fmtAge(h)
		add(bi{"cập nhật trong vòng " + a.Vi, "updated within " + a.En})
		if w, ok := number(warn["max_age_hours"]); ok {
			a := fmtAge(w)
			add(bi{"cảnh báo khi cũ hơn " + a.Vi, "warn when older than " + a.En})
		}
	}
	if c.Kind == "anomaly" {
		if b := anomalyBound(t); !b.empty() {
			add(b)
		}
	} else if b := boundsOf(t, c.Unit); !b.empty() {
		add(b)
		if w := boundsOf(warn, c.Unit); !w.empty() {
			add(bi{"cảnh báo ngoài khoảng " + w.Vi, "warn outside " + w.En})
		}
	}
	if req := stringMap(t["require"]); len(req) > 0 {
		cols := make([]string, 0, len(req))
		for k, v := range req {
			cols = append(cols, k+" ("+v+")")
		}
		sort.Strings(cols)
		add(bi{"các cột bắt buộc: " + strings.Join(cols, ", "), "required columns: " + strings.Join(cols, ", ")})
	}
	return bi{strings.Join(vi, "; "), strings.Join(en, "; ")}
}

// stringMap reads a map of names, as a Go value (map[string]string)
// or read back from JSON (map[string]any).
func stringMap(v any) map[string]string {
	switch m := v.(type) {
	case map[string]string:
		return m
	case map[string]any:
		out := make(map[string]string, len(m))
		for k, x := range m {
			out[k] = fmt.Sprint(x)
		}
		return out
	}
	return nil
}

// boundsOf says a min/max threshold of a measured value.
func boundsOf(t map[string]any, unit string) bi {
	lo, hasLo := number(t["min"])
	hi, hasHi := number(t["max"])
	say := func(v float64) bi {
		if unit == "rows" {
			return records(int64(v))
		}
		return bi{fmtNumber(v), fmtNumber(v)}
	}
	switch {
	case hasLo && hasHi:
		return bi{"từ " + fmtNumber(lo) + " đến " + say(hi).Vi, "from " + fmtNumber(lo) + " to " + say(hi).En}
	case hasLo:
		return bi{"tối thiểu " + say(lo).Vi, "at least " + say(lo).En}
	case hasHi:
		return bi{"tối đa " + say(hi).Vi, "at most " + say(hi).En}
	}
	return bi{}
}

// anomalyBound says how far from its history a metric may move.
func anomalyBound(t map[string]any) bi {
	window, _ := count(t["window"])
	if t["method"] == "change" {
		if m, ok := number(t["max_change"]); ok {
			return bi{"thay đổi không quá " + fmtPercent(m*100) + " so với lần chạy trước",
				"changes by at most " + fmtPercent(m*100) + " from the previous run"}
		}
		return bi{}
	}
	k, ok := number(t["threshold"])
	if !ok {
		return bi{}
	}
	return bi{fmt.Sprintf("trong khoảng trung vị ± %s × độ lệch tuyệt đối trung vị (MAD) của %d lần chạy gần nhất", fmtNumber(k), window),
		fmt.Sprintf("within the median ± %s × the median absolute deviation (MAD) of the last %d runs", fmtNumber(k), window)}
}

// counted is "400 trên 20.400": failed of evaluated.
func counted(failed, of int64) bi {
	return bi{fmtInt(failed) + " trên " + fmtInt(of), fmtInt(failed) + " of " + fmtInt(of)}
}

// findingOf is one sentence on what is wrong, from the counts and the
// kind: "400 trên 20.400 bản ghi sai định dạng".
func findingOf(c *scorecard.Check) bi {
	if c.Status == scorecard.Pass {
		return bi{}
	}
	if c.Status == scorecard.Error {
		return bi{"Không kiểm tra được yêu cầu này.", "The check could not be run."}
	}
	d := c.Details
	if c.Failed != nil && c.Evaluated != nil {
		f, n := *c.Failed, *c.Evaluated
		of := counted(f, n)
		switch c.Kind {
		case "not_null":
			if c.Rows != nil {
				of = counted(f, *c.Rows)
			}
			m, _ := d["missing"].(map[string]any)
			return sentenceOf(of, "bản ghi thiếu giá trị", "records with a missing value", perColumn(m, nil))
		case "unique":
			dup, _ := count(d["duplicate_keys"])
			extra, _ := count(d["extra_rows"])
			return bi{fmt.Sprintf("%s bản ghi trùng nhau: %s giá trị xuất hiện nhiều lần, thừa %s bản ghi.", fmtInt(f), fmtInt(dup), fmtInt(extra)),
				fmt.Sprintf("%s records share %s repeated values (%s extra copies).", fmtInt(f), fmtInt(dup), fmtInt(extra))}
		case "format":
			return sentenceOf(of, "giá trị không hợp lệ", "values are invalid", formatParts(d))
		case "regex":
			return sentenceOf(of, "giá trị sai định dạng", "values are in the wrong format", bi{})
		case "in_set":
			return sentenceOf(of, "giá trị không thuộc danh mục cho phép", "values are not allowed", bi{})
		case "between":
			return sentenceOf(of, "giá trị nằm ngoài khoảng cho phép", "values are out of range", bi{})
		case "length":
			return sentenceOf(of, "giá trị có độ dài không hợp lệ", "values are of an invalid length", bi{})
		case "references":
			in := fmt.Sprint(d["in"])
			col := strings.Join(columnsOf(c), ", ")
			return sentenceOf(of, "bản ghi có "+col+" không tìm thấy trong "+in, "records have a "+col+" not found in "+in, bi{})
		case "agrees":
			with := fmt.Sprint(d["with"])
			if m, ok := count(d["matched"]); ok {
				of = counted(f, m)
			}
			cols, _ := d["columns"].(map[string]any)
			return sentenceOf(of, "bản ghi có ở "+with+" mang thông tin khác", "records found in "+with+" disagree",
				perColumn(cols, func(v any) (int64, bool) {
					m, _ := v.(map[string]any)
					return count(m["failed"])
				}))
		case "status_sync":
			return sentenceOf(of, "bản ghi vẫn ở trạng thái này dù đã được ghi nhận thay đổi trong "+fmt.Sprint(d["changed_in"]),
				"records are still in this state though recorded as changed in "+fmt.Sprint(d["changed_in"]), bi{})
		case "coverage":
			ref := fmt.Sprint(d["reference"])
			return sentenceOf(of, "đối tượng của "+ref+" không có ở đây", "records of "+ref+" are not found here", bi{})
		}
		return sentenceOf(of, "bản ghi không đạt", "records fail", bi{})
	}
	switch c.Kind {
	case "freshness":
		if c.Value == nil {
			return bi{"Không có giá trị thời điểm cập nhật nào.", "No update time at all."}
		}
		r := resultOf(c)
		if h, ok := number(c.Threshold["max_age_hours"]); ok {
			a := fmtAge(h)
			return bi{upper(r.Vi) + " (tối đa " + a.Vi + ").", upper(r.En) + " (at most " + a.En + ")."}
		}
		return bi{upper(r.Vi) + ".", upper(r.En) + "."}
	case "anomaly":
		if j, ok := d["judged"].(bool); ok && !j {
			need, _ := count(c.Threshold["min_history"])
			has, _ := count(d["history"])
			return bi{fmt.Sprintf("Chưa đánh giá: cần %d lần chạy trước, mới có %d.", need, has),
				fmt.Sprintf("Not judged yet: needs %d earlier runs, has %d.", need, has)}
		}
		if c.Value != nil {
			v := valueOf(c)
			return bi{"Giá trị lần này (" + v.Vi + ") khác thường so với các lần trước.", "This run's value (" + v.En + ") is unusual against earlier runs."}
		}
	case "schema":
		if c.Value != nil {
			v := valueOf(c)
			return bi{"Cấu trúc bảng có " + v.Vi + " về cột.", "The table has " + v.En + " with its columns."}
		}
	}
	if c.Value != nil {
		r, t := resultOf(c), thresholdOf(c)
		if t.empty() {
			return bi{upper(r.Vi) + ".", upper(r.En) + "."}
		}
		return bi{upper(r.Vi) + " (yêu cầu: " + t.Vi + ").", upper(r.En) + " (required: " + t.En + ")."}
	}
	return bi{}
}

func sentenceOf(of bi, vi, en string, parts bi) bi {
	s := bi{of.Vi + " " + vi, of.En + " " + en}
	if !parts.empty() {
		s.Vi += ": " + parts.Vi
		s.En += ": " + parts.En
	}
	return bi{s.Vi + ".", s.En + "."}
}

// perColumn lists a detail per column, most first: "full_name 200,
// birth_date 100", leaving out columns with none.
func perColumn(m map[string]any, get func(any) (int64, bool)) bi {
	if get == nil {
		get = count
	}
	type kv struct {
		k string
		n int64
	}
	var items []kv
	for k, v := range m {
		if n, ok := get(v); ok && n > 0 {
			items = append(items, kv{k, n})
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].n != items[j].n {
			return items[i].n > items[j].n
		}
		return items[i].k < items[j].k
	})
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.k + " " + fmtInt(it.n)
	}
	s := strings.Join(parts, ", ")
	return bi{s, s}
}

// formatDetails say what a format check's details count.
var formatDetails = []struct {
	key string
	w   bi
}{
	{"invalid_format", bi{"sai cấu trúc", "malformed"}},
	{"contradicts_birth_year", bi{"không khớp năm sinh", "contradicting the birth year"}},
	{"contradicts_gender", bi{"không khớp giới tính", "contradicting the gender"}},
	{"stale_pre2025", bi{"là mã xã đã bỏ từ 1/7/2025", "commune codes abolished on 1 July 2025"}},
	{"stale_11digit", bi{"là số di động 11 số cũ (trước 2018)", "old 11-digit mobile numbers (before 2018)"}},
}

func formatParts(d map[string]any) bi {
	var vi, en []string
	for _, f := range formatDetails {
		if n, ok := count(d[f.key]); ok && n > 0 {
			vi, en = append(vi, fmtInt(n)+" "+f.w.Vi), append(en, fmtInt(n)+" "+f.w.En)
		}
	}
	return bi{strings.Join(vi, "; "), strings.Join(en, "; ")}
}

func columnsOf(c *scorecard.Check) []string {
	if c.Column != "" {
		return append([]string{c.Column}, c.Columns...)
	}
	return c.Columns
}

// fixes say what to do about a failing check of a kind.
var fixes = map[string]bi{
	"not_null": {"Bổ sung giá trị còn thiếu cho các bản ghi này và đặt trường là bắt buộc khi nhập liệu.",
		"Fill in the missing values and make the field required at data entry."},
	"unique": {"Rà soát, hợp nhất các bản ghi trùng và thêm ràng buộc không trùng lặp ở cơ sở dữ liệu nguồn.",
		"Review and merge the duplicate records, and add a uniqueness constraint at the source."},
	"regex": {"Sửa các giá trị sai định dạng và kiểm tra định dạng ngay khi nhập liệu.",
		"Correct the malformed values and validate the format at data entry."},
	"format": {"Sửa các giá trị không hợp lệ và kiểm tra định dạng ngay khi nhập liệu.",
		"Correct the invalid values and validate them at data entry."},
	"in_set": {"Chuẩn hoá các giá trị về danh mục cho phép.", "Map the values to the allowed list."},
	"between": {"Sửa các giá trị nằm ngoài khoảng, thường là lỗi nhập ngày tháng hoặc số tiền.",
		"Correct the values out of range, often a mistyped date or amount."},
	"length": {"Sửa các giá trị quá ngắn hoặc quá dài (thường là viết tắt hoặc bị cắt).",
		"Correct the values too short or too long (often abbreviated or cut)."},
	"row_count": {"Kiểm tra việc nạp và đồng bộ dữ liệu: số bản ghi nằm ngoài mức dự kiến.",
		"Check the loading and synchronisation: the volume is outside what is expected."},
	"freshness": {"Khôi phục việc cập nhật, đồng bộ dữ liệu định kỳ.", "Resume the regular updates of the data."},
	"schema":    {"Bổ sung hoặc sửa các cột theo cấu trúc quy định.", "Add or correct the columns as the structure requires."},
	"references": {"Đối chiếu với danh mục, cơ sở dữ liệu được tham chiếu: sửa mã sai hoặc bổ sung bản ghi còn thiếu ở nơi đó.",
		"Reconcile with the referenced list or registry: correct wrong codes, or add the records missing there."},
	"agrees": {"Đối chiếu với cơ sở dữ liệu gốc và sửa thông tin sai lệch.",
		"Reconcile with the master registry and correct what disagrees."},
	"status_sync": {"Cập nhật trạng thái theo cơ sở dữ liệu gốc (ví dụ: đóng hồ sơ của người đã mất).",
		"Update the status from the master registry (e.g. close the records of the deceased)."},
	"coverage": {"Bổ sung các đối tượng còn thiếu so với cơ sở dữ liệu gốc.", "Add the records missing against the master registry."},
	"anomaly": {"Xem lại lần nạp dữ liệu gần nhất: số liệu thay đổi bất thường.",
		"Review the latest load: the figures changed unusually."},
}

// fixOf is what to do about a check that did not pass.
func fixOf(c *scorecard.Check) bi {
	if c.Status == scorecard.Error {
		return bi{"Sửa lỗi khiến kiểm tra không chạy được (xem thông báo lỗi), rồi chạy lại.",
			"Fix what stops the check (see the error), then run it again."}
	}
	f, ok := fixes[c.Kind]
	if !ok {
		f = bi{"Sửa các bản ghi không đạt.", "Correct the failing records."}
	}
	// What a format check's details point at.
	for _, extra := range []struct {
		key string
		w   bi
	}{
		{"contradicts_birth_year", bi{" Đối chiếu số định danh với ngày sinh đã ghi.", " Check the ID numbers against the recorded birth dates."}},
		{"contradicts_gender", bi{" Đối chiếu số định danh với giới tính đã ghi.", " Check the ID numbers against the recorded genders."}},
		{"stale_pre2025", bi{" Chuyển mã xã cũ sang mã mới theo bảng chuyển đổi 2025 (ward_mapping_2025).",
			" Move old commune codes to the new ones with the 2025 mapping (ward_mapping_2025)."}},
		{"stale_11digit", bi{" Chuyển số di động 11 số sang số 10 số.", " Move 11-digit mobile numbers to their 10-digit form."}},
	} {
		if n, ok := count(c.Details[extra.key]); ok && n > 0 {
			f.Vi += extra.w.Vi
			f.En += extra.w.En
		}
	}
	return f
}

// severityOf names a check's severity.
func severityOf(s string) bi {
	switch s {
	case "critical":
		return bi{"nghiêm trọng", "critical"}
	case "major":
		return bi{"quan trọng", "major"}
	case "minor":
		return bi{"thứ yếu", "minor"}
	}
	return bi{}
}

// example is a failing example as shown, with why it failed where the
// mask hides it. Its values are the checked columns' (joined by " | " in
// the scorecard); an empty one is said, as it is why a value is missing.
type example struct {
	Key, Count string
	Values     []exampleValue
	Why        bi
}

type exampleValue struct {
	Text  string
	Empty bool
}

func examplesOf(c *scorecard.Check) []example {
	var out []example
	for i, e := range c.Examples {
		if i == maxExamples {
			break
		}
		ex := example{Key: e.Key}
		for _, v := range strings.Split(e.Value, " | ") {
			ex.Values = append(ex.Values, exampleValue{Text: v, Empty: v == ""})
		}
		if e.Count != nil {
			ex.Count = "×" + fmtInt(*e.Count)
		}
		switch {
		case e.Shape != "":
			ex.Why = bi{"dạng " + e.Shape, "shape"}
		case e.Year != nil:
			ex.Why = bi{fmt.Sprintf("năm %d", *e.Year), fmt.Sprintf("year %d", *e.Year)}
		case e.Length != nil:
			n := fmtInt(int64(*e.Length))
			ex.Why = bi{n + " ký tự", n + plural(" character", float64(*e.Length))}
		}
		out = append(out, ex)
	}
	return out
}

// maxExamples bounds the examples shown per check (the pipeline keeps at
// most a few already).
const maxExamples = 10

// upper starts a sentence with a capital.
func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
