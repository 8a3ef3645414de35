package demo

// Identifier makers and checkers (DOMAIN.md §1–3).

var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// mstCheckDigit returns the check digit of a 9-digit MST body, and false
// when no valid number has this body (S mod 11 == 0 gives 10).
func mstCheckDigit(body string) (byte, bool) {
	s := 0
	for i := 0; i < 9; i++ {
		s += mstWeights[i] * int(body[i]-'0')
	}
	c := 10 - s%11
	if c == 10 {
		return 0, false
	}
	return byte('0' + c), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// ValidMST reports whether s is a well-formed Vietnamese tax code: 10 digits
// PPNNNNNNNC with a correct check digit and a non-zero sequence, or a branch
// code "<10 digits>-<001..999>".
func ValidMST(s string) bool {
	if len(s) == 14 && s[10] == '-' {
		suf := s[11:]
		if !allDigits(suf) || suf == "000" {
			return false
		}
		s = s[:10]
	}
	if len(s) != 10 || !allDigits(s) || s[2:9] == "0000000" {
		return false
	}
	c, ok := mstCheckDigit(s[:9])
	return ok && c == s[9]
}

// appendPadded appends v as exactly width decimal digits (v < 10^width).
func appendPadded(b []byte, v uint64, width int) []byte {
	var tmp [20]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:width]...)
}

// cccdSerialSpace is the number of distinct 6-digit CCCD serials.
const cccdSerialSpace = 1_000_000

// makeCCCD builds a 12-digit personal ID: birthplace code, century/sex digit,
// two-digit year and a 6-digit serial.
func makeCCCD(birthplace string, year int, male bool, serial int) string {
	d4 := 2 * (year/100 - 19)
	if !male {
		d4++
	}
	b := make([]byte, 0, 12)
	b = append(b, birthplace...)
	b = append(b, byte('0'+d4))
	b = appendPadded(b, uint64(year%100), 2)
	b = appendPadded(b, uint64(serial), 6)
	return string(b)
}

// makeMST builds a valid 10-digit tax code from a 2-digit prefix, a 6-digit
// number (unique per enterprise) and a preferred 9th digit; the 9th digit is
// moved on when the body has no valid check digit or the sequence is zero.
func makeMST(prefix string, six int, d9 int) string {
	b := make([]byte, 0, 10)
	b = append(b, prefix...)
	b = appendPadded(b, uint64(six), 6)
	b = append(b, '0')
	for t := 0; t < 10; t++ {
		d := (d9 + t) % 10
		if six == 0 && d == 0 {
			continue
		}
		b[8] = byte('0' + d)
		if c, ok := mstCheckDigit(string(b[:9])); ok {
			return string(append(b, c))
		}
	}
	panic("demo: no valid MST body") // unreachable: at most one digit is invalid
}

// breakMST changes the check digit of a valid MST so that the check fails.
func breakMST(mst string, delta int) string {
	b := []byte(mst)
	b[9] = byte('0' + (int(b[9]-'0')+1+delta%9)%10)
	return string(b)
}

// digits formats v (< 10^width) as exactly width digits.
func digits(v uint64, width int) string {
	return string(appendPadded(make([]byte, 0, width), v, width))
}

// makePhone builds a 10-digit mobile number from a 3-digit prefix ("032").
func makePhone(prefix string, seven int) string {
	b := make([]byte, 0, 10)
	b = append(b, prefix...)
	b = appendPadded(b, uint64(seven), 7)
	return string(b)
}
