package demo

import (
	"math/rand/v2"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Synthetic Vietnamese names. Every list is NFC-normalised at start-up so
// the generator never emits a decomposed name unless it plants one.

type weighted struct {
	items []string
	cum   []int
}

func newWeighted(pairs ...any) weighted {
	var w weighted
	total := 0
	for i := 0; i < len(pairs); i += 2 {
		total += pairs[i+1].(int)
		w.items = append(w.items, norm.NFC.String(pairs[i].(string)))
		w.cum = append(w.cum, total)
	}
	return w
}

func (w weighted) pick(r *rand.Rand) string {
	x := r.IntN(w.cum[len(w.cum)-1])
	for i, c := range w.cum {
		if x < c {
			return w.items[i]
		}
	}
	return w.items[len(w.items)-1]
}

func nfcAll(xs ...string) []string {
	for i, x := range xs {
		xs[i] = norm.NFC.String(x)
	}
	return xs
}

// Family names weighted roughly by their share of the population.
var familyNames = newWeighted(
	"Nguyễn", 310, "Trần", 110, "Lê", 95, "Phạm", 70, "Hoàng", 50, "Huỳnh", 40,
	"Phan", 45, "Vũ", 39, "Võ", 35, "Đặng", 21, "Bùi", 20, "Đỗ", 14, "Hồ", 13,
	"Ngô", 13, "Dương", 10, "Lý", 5, "Đào", 8, "Đinh", 8, "Trương", 7, "Lâm", 5,
	"Mai", 5, "Trịnh", 5, "Tô", 3, "Hà", 4, "Cao", 4, "Lưu", 3, "Tạ", 2,
	"Thái", 2, "Châu", 2, "Kiều", 1, "Quách", 1, "Lương", 3,
)

var (
	middleMale = nfcAll("Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh",
		"Xuân", "Công", "Đình", "Ngọc", "Gia", "Hoàng", "Trung", "Anh", "Tiến", "Quang")
	middleFemale = nfcAll("Thị", "Thị", "Thị", "Ngọc", "Thanh", "Minh", "Xuân", "Thu",
		"Kim", "Mỹ", "Bảo", "Phương", "Hồng", "Thùy", "Diệu", "Khánh", "Hoài", "Lan")
	givenMale = nfcAll("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng",
		"Hùng", "Huy", "Khang", "Khoa", "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Phong",
		"Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trí", "Trung",
		"Tuấn", "Việt", "Vinh", "Hòa", "Đức", "Duy", "Hưng", "Lâm", "Tâm", "Khôi", "Bảo")
	givenFemale = nfcAll("Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền",
		"Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
		"Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Trinh",
		"Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hòa", "Thư", "Ngọc", "Nhi")
)

// nameParts draws a family name, one or two middle names and a given name.
func nameParts(r *rand.Rand, male bool) (family, middle, given string) {
	mids, givens := middleFemale, givenFemale
	if male {
		mids, givens = middleMale, givenMale
	}
	family = familyNames.pick(r)
	middle = mids[r.IntN(len(mids))]
	if r.IntN(5) == 0 {
		if m2 := mids[r.IntN(len(mids))]; m2 != middle {
			middle += " " + m2
		}
	}
	given = givens[r.IntN(len(givens))]
	if strings.HasSuffix(middle, given) {
		given = givens[(indexOf(givens, given)+1)%len(givens)]
	}
	if isASCII(family + middle + given) {
		// Keep at least one diacritic so an NFD copy never equals the NFC name.
		middle = mids[0]
	}
	return family, middle, given
}

// otherGiven returns a given name of the same sex that differs from g.
func otherGiven(r *rand.Rand, male bool, g string) string {
	givens := givenFemale
	if male {
		givens = givenMale
	}
	for {
		if x := givens[r.IntN(len(givens))]; x != g {
			return x
		}
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var (
	companyForms = newWeighted("Công ty TNHH", 50, "Công ty Cổ phần", 25,
		"Công ty TNHH MTV", 15, "Doanh nghiệp tư nhân", 10)
	companySectors = nfcAll("Thương mại", "Dịch vụ", "Xây dựng", "Sản xuất", "Đầu tư",
		"Công nghệ", "Vận tải", "Nông sản", "Thực phẩm", "Du lịch", "Dược phẩm",
		"Điện tử", "Thương mại và Dịch vụ", "Xuất nhập khẩu", "Cơ khí", "May mặc")
	companyBrands = nfcAll("An Phát", "Minh Long", "Hoàng Gia", "Thành Công", "Phú Quý",
		"Đại Việt", "Sao Mai", "Tân Tiến", "Hưng Thịnh", "Bình Minh", "Việt Á",
		"Trường Sơn", "Hòa Bình", "Kim Ngân", "Nam Á", "Phương Đông", "Thiên Long",
		"Hải Đăng", "Ánh Dương", "Đông Á", "Lộc Phát", "Quang Minh", "Vạn Xuân")
)

// companyName draws a synthetic enterprise name.
func companyName(r *rand.Rand) string {
	return companyForms.pick(r) + " " + companySectors[r.IntN(len(companySectors))] +
		" " + companyBrands[r.IntN(len(companyBrands))]
}
