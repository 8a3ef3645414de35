package refdata

import "strings"

// Eras of the administrative units: the reform of 1 July 2025 merged
// provinces, abolished districts and merged communes.
const (
	before2025 = " (trước 1/7/2025)"
	from2025   = " (từ 1/7/2025)"
)

// current2025 is the share of a column's known codes that must be codes
// of 2025 for the column to be read as of 2025: a registry of before the
// reform has a third (communes) to a half (provinces) of them, one of
// 2025 with a few stale codes nearly all.
const current2025 = 0.9

// unitLists are the lists that name the codes of one width, before the
// reform and from it (empty: the level does not exist in that era).
var unitLists = map[int][2]string{
	2: {ProvincesPre2025, Provinces2025},
	3: {DistrictsPre2025, ""},
	5: {WardsPre2025, Wards2025},
}

// UnitNames names the administrative unit codes one column holds, as a
// scorecard's groups are: provinces (2 digits), districts (3, before
// 2025) or communes (5). The width is the column's: a column of numbers
// that lost its leading zeros (1 for 01) is read at the width of its
// longest value. The reform reused codes (the An Giang of 2025 has Kiên
// Giang's code, 91), and every code of 2025 was a code before it, so the
// era is chosen for the column as a whole: 2025, unless fewer than
// current2025 of the codes either list knows are codes of 2025; a code
// only the other era knows is named from it with its era said (a stale
// code in a registry of 2025). A code no list knows, or a value that is
// not a code, gets no name.
func UnitNames(codes []string) (map[string]string, error) {
	width := 0
	for _, c := range codes {
		if !digits(c) {
			continue
		}
		width = max(width, len(c))
	}
	switch width {
	case 1:
		width = 2
	case 4:
		width = 5
	}
	lists, ok := unitLists[width]
	out := map[string]string{}
	if !ok {
		return out, nil
	}
	var eras [2]map[string]string
	for i, name := range lists {
		eras[i] = map[string]string{}
		if name == "" {
			continue
		}
		t, err := Load(name)
		if err != nil {
			return nil, err
		}
		code, label := t.Column(t.Header[0]), t.Column("name")
		for _, row := range t.Rows {
			eras[i][row[code]] = row[label]
		}
	}
	padded := map[string]string{}
	var known2025 int
	either := 0
	for _, c := range codes {
		if !digits(c) || len(c) > width {
			continue
		}
		p := strings.Repeat("0", width-len(c)) + c
		padded[c] = p
		_, old := eras[0][p]
		_, now := eras[1][p]
		if old || now {
			either++
		}
		if now {
			known2025++
		}
	}
	era, other, otherSays := 1, 0, before2025
	if either > 0 && float64(known2025) < current2025*float64(either) {
		era, other, otherSays = 0, 1, from2025
	}
	for c, p := range padded {
		if name, ok := eras[era][p]; ok {
			out[c] = name
		} else if name, ok := eras[other][p]; ok {
			out[c] = name + otherSays
		}
	}
	return out, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
