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
// of a fixedWidth pattern, without a regular expression: its length in
// bytes, then that every character is one the pattern allows somewhere
// (so all are ASCII and characters are bytes), then the positions that
// allow fewer. NULL when x is NULL, as the match would be. Compared byte
// by byte, whatever the column's collation.
func fixedWidthSQL(d Postgres, x string, positions []string) string {
	all := map[byte]bool{}
	for _, s := range positions {
		for i := 0; i < len(s); i++ {
			all[s[i]] = true
		}
	}
	union := sortedBytes(all)
	tests := []string{
		fmt.Sprintf("octet_length(%s) = %d", x, len(positions)),
		fmt.Sprintf("btrim(%s, %s) = ''", x, d.String(union)),
	}
	for i := 0; i < len(positions); {
		set := positions[i]
		j := i + 1
		switch {
		case set == union:
			i = j
			continue
		case len(set) == 1:
			// A run of literals is one comparison.
			for j < len(positions) && len(positions[j]) == 1 {
				j++
			}
			lit := strings.Join(positions[i:j], "")
			tests = append(tests, fmt.Sprintf("%s = %s", d.Exact(fmt.Sprintf("substr(%s, %d, %d)", x, i+1, j-i)), d.String(lit)))
		default:
			for j < len(positions) && positions[j] == set {
				j++
			}
			part := fmt.Sprintf("substr(%s, %d, %d)", x, i+1, j-i)
			if j-i == 1 && len(set) <= 10 {
				vals := make([]string, len(set))
				for k := range set {
					vals[k] = d.String(set[k : k+1])
				}
				tests = append(tests, fmt.Sprintf("%s IN (%s)", d.Exact(part), strings.Join(vals, ", ")))
			} else {
				tests = append(tests, fmt.Sprintf("btrim(%s, %s) = ''", part, d.String(set)))
			}
		}
		i = j
	}
	return "(" + strings.Join(tests, " AND ") + ")"
}
