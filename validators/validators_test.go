package validators

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var now2026 = Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}

func mustNew(t testing.TB, name string, o Options) Validator {
	t.Helper()
	v, err := New(name, o)
	require.NoError(t, err)
	return v
}

func TestRegistry(t *testing.T) {
	require.Equal(t, []string{"admin_unit", "bhxh", "cccd", "cmnd", "email", "mst", "phone_vn", "province_2025"}, Names())
	for _, n := range Names() {
		require.Equal(t, n, mustNew(t, n, now2026).Name())
		require.Contains(t, generators, n, "every validator has a generator for the agreement test")
	}
	_, err := New("cmt", now2026)
	require.True(t, errors.Is(err, ErrUnknown))
	require.ErrorContains(t, err, `"cmt" (known: admin_unit, bhxh, cccd, cmnd, email, mst, phone_vn, province_2025)`)
}

func TestReferenceListSizes(t *testing.T) {
	r := loadRefs()
	require.Len(t, r.birthplaces.list, 63)
	require.Len(t, r.mobile.list, 35)
	require.Len(t, r.oldMobile.list, 21)
	require.Len(t, r.wards.list, 3321)
	require.Len(t, r.staleWards.list, 10047-3316)
	require.Len(t, r.provinces.list, 34)
	require.Len(t, r.staleProvs.list, 29)
}

type cases map[string]bool

func requireCases(t *testing.T, v Validator, cs cases) {
	t.Helper()
	for s, want := range cs {
		require.Equal(t, want, v.Valid(s), "%s(%q)", v.Name(), s)
	}
}

func TestDomainExamples(t *testing.T) {
	requireCases(t, mustNew(t, "mst", now2026), cases{
		"0100233488": true, "0314409058": true, "0100112437": true, "0312687878": true,
		"0314409058-002": true, "0312687878-001": true, "0312687878-999": true,
		"0100233480":     false, // wrong check digit (DOMAIN §2)
		"0312687878-000": false, "0312687878001": false, "0312687878-01": false,
		" 0100233488": false, "010023348": false, "01002334888": false, "": false,
		"0100000000": false, // sequence all zeros (and no check digit fits)
		"٠١٠٠٢٣٣٤٨٨": false,
	})
	requireCases(t, mustNew(t, "cccd", now2026), cases{
		"001099012345": true,  // Hà Nội, male, 1999
		"079185000001": true,  // HCMC, female, 1985
		"034326000001": true,  // Thái Bình (merged away, still valid), female, 2026
		"034327000001": false, // born 2027: in the future
		"001499012345": false, // born 2199
		"00109901234":  false, // leading digits lost: 11 digits
		"003099012345": false, // 003 is no birthplace code
		"100099012345": false,
		"001099O12345": false,
	})
	requireCases(t, mustNew(t, "cmnd", now2026), cases{
		"123456789": true, "001099012345": true, "12345678": false, "1234567890": false, "003099012345": false,
	})
	requireCases(t, mustNew(t, "bhxh", now2026), cases{"0123456789": true, "012345678": false, "01234567890": false, "012345678a": false})
}

func TestCCCDGeneratedAndParsed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	v := CCCD(now2026)
	for range 5000 {
		s, year, male := genCCCD(r, 2026)
		require.True(t, v.Valid(s), s)
		info, ok := ParseCCCD(s)
		require.True(t, ok)
		require.Equal(t, CCCDInfo{Birthplace: s[:3], BirthYear: year, Male: male}, info)
		// Born after now: structurally parseable, but not valid.
		late, _, _ := genCCCD(r, 2399)
		info, _ = ParseCCCD(late)
		require.Equal(t, info.BirthYear <= 2026, v.Valid(late), late)
	}
	// The bound moves with now.
	require.False(t, CCCD(Options{Now: time.Date(2004, 12, 31, 0, 0, 0, 0, time.UTC)}).Valid("001205000001"))
	require.True(t, CCCD(Options{Now: time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)}).Valid("001205000001"))
}

// Every weight is non-zero modulo 11, a prime, so changing any one of the
// first 9 digits changes S mod 11 and breaks the check digit.
func TestMSTSingleDigitChangeFails(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	v := MST{}
	for range 300 {
		s := genMST(r)
		require.True(t, v.Valid(s), s)
		require.True(t, v.Valid(s+"-001"), s)
		for i := 0; i < 10; i++ {
			for c := byte('0'); c <= '9'; c++ {
				if c == s[i] {
					continue
				}
				b := []byte(s)
				b[i] = c
				require.False(t, v.Valid(string(b)), "%s → %s", s, b)
				require.False(t, v.Valid(string(b)+"-001"), "%s → %s-001", s, b)
			}
		}
	}
}

func TestPhone(t *testing.T) {
	for _, c := range []struct {
		in, national string
		kind         PhoneKind
	}{
		{"0912345678", "0912345678", PhoneMobile},
		{"091 234 5678", "0912345678", PhoneMobile},
		{"091.234.5678", "0912345678", PhoneMobile},
		{"091-234-5678", "0912345678", PhoneMobile},
		{"+84 912 345 678", "0912345678", PhoneMobile},
		{"+84912345678", "0912345678", PhoneMobile},
		{"84912345678", "0912345678", PhoneMobile},
		{"8484 1234567", "0841234567", PhoneMobile}, // 84 + VinaPhone 084
		{"0521234567", "0521234567", PhoneMobile},
		{"0871234567", "0871234567", PhoneMobile},  // iTel
		{"0241234567", "0241234567", PhoneInvalid}, // 024 is no mobile prefix
		{"024 3825 1234", "02438251234", PhoneLandline},
		{"+84 28 3822 1234", "02838221234", PhoneLandline},
		{"01681234567", "01681234567", PhoneStale}, // Viettel before 2018
		{"+84 168 123 4567", "01681234567", PhoneStale},
		{"01311234567", "01311234567", PhoneInvalid}, // never a prefix
		{"0912 345 67", "091234567", PhoneInvalid},   // 9 digits (a lost digit)
		{"912345678", "912345678", PhoneInvalid},     // leading 0 lost
		{"+840912345678", "00912345678", PhoneInvalid},
		{"(091) 2345678", "(091)2345678", PhoneInvalid},
		{"0912345678\t", "0912345678\t", PhoneInvalid},
		{"", "", PhoneInvalid},
		{"+", "+", PhoneInvalid},
	} {
		n, k := ParsePhone(c.in)
		require.Equal(t, c.national, n, c.in)
		require.Equal(t, c.kind, k, c.in)
		require.Equal(t, k == PhoneMobile || k == PhoneLandline, PhoneVN{}.Valid(c.in), c.in)
		require.Equal(t, k == PhoneStale, PhoneVN{}.Stale(c.in), c.in)
	}
	for old, want := range map[string]string{"01681234567": "0381234567", "0120 123 4567": "0701234567", "0199.123.4567": "0591234567"} {
		got, ok := MigratePhone(old)
		require.True(t, ok)
		require.Equal(t, want, got)
		require.True(t, PhoneVN{}.Valid(got))
	}
	_, ok := MigratePhone("0912345678")
	require.False(t, ok)
}

func TestEmail(t *testing.T) {
	long := strings.Repeat("a", 64)
	requireCases(t, Email{}, cases{
		"nguyen.van.a@gmail.com": true, "a+tag@sub.example.gov.vn": true, "O'Brien@x.ie": true,
		"x@xn--p1ai.xn--p1ai": false, // TLD must be letters
		"x@xn--p1ai.com":      true,
		long + "@x.vn":        true, long + "a@x.vn": false,
		"a@b": false, "a@b.c": false, "a..b@x.vn": false, ".a@x.vn": false, "a.@x.vn": false,
		"a@-x.vn": false, "a@x-.vn": false, "a b@x.vn": false, "a@@x.vn": false, "nguyễn@x.vn": false,
		"a@x.vn ": false, "\"a b\"@x.vn": false, "": false,
	})
}

func TestAdminUnits(t *testing.T) {
	a := AdminUnit{}
	// 00001 Phường Phúc Xá was merged into 00097 Phường Hồng Hà.
	require.False(t, a.Valid("00001"))
	require.True(t, a.Stale("00001"))
	code, partial, ok := Successor("00001")
	require.Equal(t, []any{"00097", false, true}, []any{code, partial, ok})
	// 00004 was Trúc Bạch and is now Ba Đình: valid, not stale.
	require.True(t, a.Valid("00004"))
	require.False(t, a.Stale("00004"))
	// 00007 Cống Vị was split.
	code, partial, ok = Successor("00007")
	require.Equal(t, []any{"00008", true, true}, []any{code, partial, ok})
	require.Equal(t, []Mapping{{"00008", true}, {"00025", true}}, Successors("00007"))
	// A fresh island code is valid and had no predecessor commune.
	require.True(t, a.Valid("11948"))
	_, _, ok = Successor("11948")
	require.False(t, ok)
	require.False(t, a.Valid("4"), "leading zeros lost")
	require.False(t, a.Valid(" 00004"))

	p := Province2025{}
	require.True(t, p.Valid("01"))
	require.True(t, p.Valid("91"), "An Giang is 91 after the reform")
	require.False(t, p.Valid("89"))
	require.True(t, p.Stale("89"))
	to, ok := ProvinceSuccessor("89")
	require.True(t, ok)
	require.Equal(t, "91", to)
	require.False(t, p.Stale("99"))
}

// ---- fuzzing: Valid against independent re-derivations ----

var mstShape = regexp.MustCompile(`^([0-9]{10})(?:-([0-9]{3}))?$`)

// mstReference follows the SQL form: (S + C) mod 11 = 10.
func mstReference(s string) bool {
	m := mstShape.FindStringSubmatch(s)
	if m == nil || m[1][2:9] == "0000000" || m[2] == "000" {
		return false
	}
	w := []int{31, 29, 23, 19, 17, 13, 7, 5, 3, 1}
	sum := 0
	for i, c := range m[1] {
		sum += w[i] * int(c-'0')
	}
	return sum%11 == 10
}

func FuzzMST(f *testing.F) {
	for _, s := range []string{"0100233488", "0100233480", "0314409058-002", "0312687878-000", "", "-", "0100233488-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := (MST{}).Valid(s), mstReference(s); got != want {
			t.Fatalf("Valid(%q) = %v, reference %v", s, got, want)
		}
	})
}

var cccdShape = regexp.MustCompile(`^([0-9]{3})([0-9])([0-9]{2})[0-9]{6}$`)

func FuzzCCCD(f *testing.F) {
	for _, s := range []string{"001099012345", "034327000001", "003099012345", "00109901234", "", "0010990123456"} {
		f.Add(s)
	}
	codes := map[string]bool{}
	for _, c := range column("vn-ids/cccd_birthplace_codes.csv", "cccd_code") {
		codes[c] = true
	}
	v := CCCD(now2026)
	f.Fuzz(func(t *testing.T, s string) {
		want := false
		if m := cccdShape.FindStringSubmatch(s); m != nil && codes[m[1]] {
			century := map[string]int{"0": 19, "1": 19, "2": 20, "3": 20, "4": 21, "5": 21, "6": 22, "7": 22, "8": 23, "9": 23}[m[2]]
			yy := int(m[3][0]-'0')*10 + int(m[3][1]-'0')
			want = century*100+yy <= 2026
		}
		if got := v.Valid(s); got != want {
			t.Fatalf("Valid(%q) = %v, reference %v", s, got, want)
		}
		if got := (CMND{cccd: v}).Valid(s); got != (want || regexp.MustCompile(`^[0-9]{9}$`).MatchString(s)) {
			t.Fatalf("cmnd Valid(%q) = %v", s, got)
		}
	})
}

// The SQL of phone_vn is a regular expression over the raw value; Go's
// regexp is RE2 like DuckDB's, so it is checked against ParsePhone here,
// without an engine.
var (
	phoneSQLValid = regexp.MustCompile(`^(?:` + phonePattern(false) + `)$`)
	phoneSQLStale = regexp.MustCompile(`^(?:` + phonePattern(true) + `)$`)
)

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+84 912 345 678", "84-84-1234567", "01681234567", "024 3825 1234", "+840912345678", "", "+", "8", "84"} {
		f.Add(s)
	}
	v := PhoneVN{}
	f.Fuzz(func(t *testing.T, s string) {
		n, k := ParsePhone(s)
		valid, stale := v.Valid(s), v.Stale(s)
		if valid != phoneSQLValid.MatchString(s) || stale != phoneSQLStale.MatchString(s) {
			t.Fatalf("%q: Valid %v Stale %v, SQL pattern disagrees", s, valid, stale)
		}
		if valid && stale {
			t.Fatalf("%q: valid and stale", s)
		}
		if n2, k2 := ParsePhone(n); n2 != n || k2 != k {
			t.Fatalf("%q: normalising twice changed %q (%v) to %q (%v)", s, n, k, n2, k2)
		}
		if valid && !v.Valid("+84 "+n[1:]) {
			t.Fatalf("%q: the E.164 form of %q is not valid", s, n)
		}
		if m, ok := MigratePhone(s); ok != stale || (ok && !v.Valid(m)) {
			t.Fatalf("%q: MigratePhone = %q, %v", s, m, ok)
		}
	})
}

// The generated corpora also go through the fuzz bodies' references.
func TestReferencesAgreeOnCorpus(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range corpus(r, "mst", 20000) {
		require.Equal(t, mstReference(s), MST{}.Valid(s), s)
	}
	for _, s := range corpus(r, "phone_vn", 20000) {
		require.Equal(t, PhoneVN{}.Valid(s), phoneSQLValid.MatchString(s), "%q", s)
		require.Equal(t, PhoneVN{}.Stale(s), phoneSQLStale.MatchString(s), "%q", s)
	}
}
