package config

import "strings"

// Closest is the option nearest to s, when one is near enough to be what
// was meant: at most a third of s's letters off (one for a short word),
// by edit distance on the lower-cased words (a swap of two letters counts
// once), nearest first, then first listed. "" when none is.
func Closest(s string, options []string) string {
	best, bestD := "", 0
	limit := max(1, len([]rune(s))/3)
	for _, o := range options {
		d := distance(strings.ToLower(s), strings.ToLower(o))
		if d <= limit && (best == "" || d < bestD) && o != s {
			best, bestD = o, d
		}
	}
	return best
}

// DidYouMean is "; did you mean x?" for the option closest to s, or "".
func DidYouMean(s string, options []string) string {
	if c := Closest(s, options); c != "" {
		return "; did you mean " + c + "?"
	}
	return ""
}

// distance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours.
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
