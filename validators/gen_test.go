package validators

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generators of valid values and of near misses, shared by the property
// tests and the SQL agreement test. All produce valid UTF-8 without NUL.

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// genCCCD is a valid number for a holder born in [1900, maxYear].
func genCCCD(r *rand.Rand, maxYear int) (s string, year int, male bool) {
	year = 1900 + r.IntN(maxYear-1900+1)
	male = r.IntN(2) == 0
	d4 := 2 * ((year - 1900) / 100)
	if !male {
		d4++
	}
	return fmt.Sprintf("%s%d%02d%s", pick(r, loadRefs().birthplaces.list), d4, year%100, digits(r, 6)), year, male
}

// genMST is a valid 10-digit tax code.
func genMST(r *rand.Rand) string {
	for {
		first9 := digits(r, 9)
		if c, ok := MSTCheckDigit(first9); ok && first9[2:] != "0000000" {
			return first9 + string(c)
		}
	}
}

// phoneFormat writes a national number the ways people do: with +84 or
// 84 for the 0, and spaces, dots or dashes between groups.
func phoneFormat(r *rand.Rand, national string) string {
	s := national
	switch r.IntN(4) {
	case 0:
		s = "+84" + s[1:]
	case 1:
		s = "84" + s[1:]
	}
	if r.IntN(2) == 0 {
		return s
	}
	sep := pick(r, []string{" ", ".", "-", "  ", " - "})
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && r.IntN(4) == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func genPhone(r *rand.Rand) string {
	refs := loadRefs()
	switch r.IntN(5) {
	case 0:
		return phoneFormat(r, "02"+digits(r, 9))
	case 1:
		return phoneFormat(r, pick(r, refs.oldMobile.list)+digits(r, 7)) // stale
	default:
		return phoneFormat(r, pick(r, refs.mobile.list)+digits(r, 7))
	}
}

func genEmail(r *rand.Rand) string {
	word := func(alpha string, n int) string {
		b := make([]byte, 1+r.IntN(n))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	}
	const atom = "abcxyzABC0129!#$%&'*+/=?^_`{|}~-"
	local := word(atom, 10)
	if r.IntN(10) == 0 { // about the 64-character limit
		local = strings.Repeat("a", 55+r.IntN(10)) + local
	}
	for r.IntN(3) == 0 {
		local += "." + word(atom, 6)
	}
	domain := word("abcz09", 8)
	if r.IntN(3) == 0 {
		domain += "-" + word("vnq", 4)
	}
	for r.IntN(2) == 0 {
		domain += "." + word("gov", 5)
	}
	return local + "@" + domain + "." + pick(r, []string{"vn", "com", "COM", "xn--p1ai", "gov.vn", "edu.vn"})
}

func genAdmin(r *rand.Rand) string {
	refs := loadRefs()
	switch r.IntN(3) {
	case 0:
		return pick(r, refs.staleWards.list)
	case 1:
		return digits(r, 5)
	}
	return pick(r, refs.wards.list)
}

func genProvince(r *rand.Rand) string {
	refs := loadRefs()
	switch r.IntN(3) {
	case 0:
		return pick(r, refs.staleProvs.list)
	case 1:
		return digits(r, 2)
	}
	return pick(r, refs.provinces.list)
}

// noise are characters that break values in realistic ways: separators,
// letters, Vietnamese letters, non-ASCII digits (Arabic-Indic, full
// width), white space of several kinds.
var noise = []string{"0", "1", "5", "9", " ", ".", "-", "+", "@", "a", "Z", "đ", "Ệ", "٣", "１", "\t", "\n", "\u00a0", "'", "_", "/"}

// mutate makes a near miss of s (which may still be valid).
func mutate(r *rand.Rand, s string) string {
	rs := []rune(s)
	n := 1 + r.IntN(2)
	for k := 0; k < n; k++ {
		i := 0
		if len(rs) > 0 {
			i = r.IntN(len(rs))
		}
		switch op := r.IntN(7); {
		case op == 0 && len(rs) > 0: // change a character to a digit
			rs[i] = rune('0' + r.IntN(10))
		case op == 1 && len(rs) > 0: // delete
			rs = append(rs[:i], rs[i+1:]...)
		case op == 2: // insert
			rs = append(rs[:i], append([]rune(pick(r, noise)), rs[i:]...)...)
		case op == 3 && len(rs) > 1: // swap neighbours
			j := (i + 1) % len(rs)
			rs[i], rs[j] = rs[j], rs[i]
		case op == 4: // pad
			rs = append([]rune(pick(r, noise)), rs...)
		case op == 5 && len(rs) > 0: // truncate
			rs = rs[:i]
		default: // replace by noise
			if len(rs) > 0 {
				rs[i] = []rune(pick(r, noise))[0]
			}
		}
	}
	return string(rs)
}

// randomString is short text from the noise alphabet.
func randomString(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(16); n > 0; n-- {
		b.WriteString(pick(r, noise))
	}
	return b.String()
}

// generators by validator name: a valid-ish value.
var generators = map[string]func(r *rand.Rand) string{
	"cccd": func(r *rand.Rand) string { s, _, _ := genCCCD(r, 2399); return s },
	"cmnd": func(r *rand.Rand) string {
		if r.IntN(2) == 0 {
			return digits(r, 9)
		}
		s, _, _ := genCCCD(r, 2399)
		return s
	},
	"mst": func(r *rand.Rand) string {
		s := genMST(r)
		if r.IntN(3) == 0 {
			s += "-" + pick(r, []string{"001", "002", "999", "000", "010"})
		}
		return s
	},
	"bhxh":          func(r *rand.Rand) string { return digits(r, 10) },
	"phone_vn":      genPhone,
	"email":         genEmail,
	"admin_unit":    genAdmin,
	"province_2025": genProvince,
}

// corpus is n strings for a validator: generated, mutated and random.
func corpus(r *rand.Rand, name string, n int) []string {
	gen := generators[name]
	out := make([]string, 0, n)
	for len(out) < n {
		switch k := r.IntN(10); {
		case k < 4:
			out = append(out, gen(r))
		case k < 9:
			out = append(out, mutate(r, gen(r)))
		default:
			out = append(out, randomString(r))
		}
	}
	return out
}
