package dialect

import (
	"fmt"
	"sort"
	"strings"
)

// maxFixedWidth bounds the patterns fixedWidth takes: longer ones keep
// their regular expression.
const maxFixedWidth = 64

// fixedWidth reads a regular expression that matches only strings of one
// length made of ASCII characters, position by position: ^, then ASCII
// literals and bracket classes of ASCII letters and digits, each with an
// optional {n}, then $; a (?:...) may enclose all of it. It returns the
// characters each position allows, or ok false for any other pattern
// (alternation, repetition other than {n}, ., escapes such as \d whose
// meaning depends on the locale, case-insensitive matching).
//
// Such patterns are the usual shape of a code's format (12 digits, CT and
// 10 digits), and a database's regex engine costs far more per row than
// comparing lengths and characters: PostgreSQL's ~ '^[0-9]{12}$' took
// 0.93 s per 1M rows, the comparisons 0.50 s (docs/performance.md).
func fixedWidth(pattern string) (positions []string, ok bool) {
	p, ok := strings.CutPrefix(pattern, "^")
	if !ok {
		return nil, false
	}
	if p, ok = strings.CutSuffix(p, "$"); !ok || strings.HasSuffix(p, `\`) {
		return nil, false
	}
	for strings.HasPrefix(p, "(?:") && strings.HasSuffix(p, ")") {
		p = p[len("(?:") : len(p)-1]
	}
	for i := 0; i < len(p); {
		var set string
		switch c := p[i]; {
		case c == '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end < 1 {
				return nil, false
			}
			set, ok = bracketSet(p[i+1 : i+1+end])
			if !ok {
				return nil, false
			}
			i += end + 2
		case c == '\\':
			if i+1 >= len(p) || !asciiPunct(p[i+1]) {
				return nil, false
			}
			set = p[i+1 : i+2]
			i += 2
		case asciiAlnum(c) || (asciiPunct(c) && !strings.ContainsRune(`.*+?()[]{}|^$\`, rune(c))):
			set = p[i : i+1]
			i++
		default:
			return nil, false
		}
		n := 1
		if i < len(p) && p[i] == '{' {
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return nil, false
			}
			if _, err := fmt.Sscanf(p[i+1:i+end], "%d", &n); err != nil || fmt.Sprint(n) != p[i+1:i+end] || n < 1 {
				return nil, false
			}
			i += end + 1
		}
		if i < len(p) && strings.IndexByte("*+?{", p[i]) >= 0 {
			return nil, false
		}
		for ; n > 0; n-- {
			if positions = append(positions, set); len(positions) > maxFixedWidth {
				return nil, false
			}
		}
	}
	return positions, len(positions) > 0
}

// bracketSet is the characters a bracket expression's inside lists:
// ASCII letters and digits, and ranges of them (a-z, 0-9) within one kind.
func bracketSet(inner string) (string, bool) {
	has := map[byte]bool{}
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if !asciiAlnum(c) {
			return "", false
		}
		if i+2 < len(inner) && inner[i+1] == '-' {
			hi := inner[i+2]
			if !sameKind(c, hi) || hi < c {
				return "", false
			}
			for x := c; x <= hi; x++ {
				has[x] = true
			}
			i += 2
			continue
		}
		has[c] = true
	}
	return sortedBytes(has), len(has) > 0
}

// sortedBytes is the set's bytes in order, as a string.
func sortedBytes(set map[byte]bool) string {
	var b []byte
	for c := range set {
		b = append(b, c)
	}
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	return string(b)
}

func asciiAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func asciiPunct(c byte) bool { return c > ' ' && c < 0x7f && !asciiAlnum(c) }

func sameKind(a, b byte) bool {
	kind := func(c byte) int {
		switch {
		case c >= '0' && c <= '9':
			return 0
		case c >= 'a' && c <= 'z':
			return 1
		default:
			return 2
		}
	}
	return kind(a) == kind(b)
}

// fixedWidthSQL is PostgreSQL's test that x (text) matches the positions
// of a fixedWidth pattern, without a regular expression, on x's bytes
// (textsend): its length, then that every byte is one the pattern allows
// somewhere, then the positions that allow fewer, each byte read as a
// number (get_byte). A byte-wise trim and get_byte allocate nothing per
// character, where text functions walk multi-byte characters: the
// 12-digit test took 0.22 s per 1M rows against 0.49 s for btrim on the
// text (docs/performance.md).
//
// A character outside ASCII is written with bytes of 0x80 and above in
// every encoding PostgreSQL serves (textsend writes the client's, UTF8
// on dq's connections), so it fails the second test; past it, bytes are
// characters and the positions are within the bytes. CASE keeps that
// order, which a WHERE's AND would leave to the planner. NULL when x is
// NULL, as the match would be; compared byte by byte, whatever the
// column's collation.
func fixedWidthSQL(x string, positions []string) string {
	all := map[byte]bool{}
	for _, s := range positions {
		for i := 0; i < len(s); i++ {
			all[s[i]] = true
		}
	}
	union := sortedBytes(all)
	b := "textsend(" + x + ")"
	var tests []string
	for i := 0; i < len(positions); {
		set := positions[i]
		j := i + 1
		for j < len(positions) && positions[j] == set {
			j++
		}
		switch {
		case set == union:
		case j-i == 1 || len(set) == 1:
			// One byte at a time: a comparison of numbers.
			for k := i; k < j; k++ {
				tests = append(tests, byteIn(fmt.Sprintf("get_byte(%s, %d)", b, k), set))
			}
		default:
			tests = append(tests, fmt.Sprintf("octet_length(btrim(substring(%s FROM %d FOR %d), %s)) = 0", b, i+1, j-i, byteaLiteral(set)))
		}
		i = j
	}
	rest := "TRUE"
	if len(tests) > 0 {
		rest = strings.Join(tests, " AND ")
	}
	return fmt.Sprintf("(CASE WHEN %[1]s IS NULL THEN NULL WHEN octet_length(%[1]s) <> %[2]d THEN FALSE "+
		"WHEN octet_length(btrim(%[3]s, %[4]s)) <> 0 THEN FALSE ELSE %[5]s END)",
		x, len(positions), b, byteaLiteral(union), rest)
}

// byteIn tests that the byte expr (a number) is one of set's (sorted):
// equal to the one, between the ends of one range, in a short list, or
// within one of several ranges ([A-Za-z]).
func byteIn(expr, set string) string {
	type span struct{ lo, hi byte }
	var spans []span
	for i := 0; i < len(set); i++ {
		if n := len(spans); n > 0 && spans[n-1].hi+1 == set[i] {
			spans[n-1].hi = set[i]
		} else {
			spans = append(spans, span{set[i], set[i]})
		}
	}
	switch {
	case len(set) == 1:
		return fmt.Sprintf("%s = %d", expr, set[0])
	case len(spans) == 1:
		return fmt.Sprintf("%s BETWEEN %d AND %d", expr, spans[0].lo, spans[0].hi)
	case len(set) <= 10:
		vals := make([]string, len(set))
		for i := range set {
			vals[i] = fmt.Sprint(set[i])
		}
		return fmt.Sprintf("%s IN (%s)", expr, strings.Join(vals, ", "))
	}
	terms := make([]string, len(spans))
	for i, r := range spans {
		terms[i] = fmt.Sprintf("%s BETWEEN %d AND %d", expr, r.lo, r.hi)
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

// byteaLiteral writes set's bytes as a bytea literal in hex.
func byteaLiteral(set string) string { return fmt.Sprintf(`'\x%x'::bytea`, set) }
