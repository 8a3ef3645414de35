package mask

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Caps on what one text may carry out of the process: a 10 MB value or a
// reader's quote of a whole file must not become a 10 MB scorecard, page
// or log line.
const (
	// MaxMessage caps an error message.
	MaxMessage = 400
	// MaxValue caps one failing example's value, or a group's label.
	MaxValue = 200
)

// Cut shortens s to max characters, marked so that nobody takes the rest
// for the whole value.
func Cut(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s
	}
	r := []rune(s)
	return fmt.Sprintf("%s…[cut, %d characters]", string(r[:max]), n)
}

// rule hides one kind of data an error message can carry.
type rule struct {
	re   *regexp.Regexp
	repl func(m string) string
}

func replaceWith(s string) func(string) string { return func(string) string { return s } }

// messageRules run in order: each hides what the ones after it might
// only hide in part.
var messageRules = []rule{
	// A reader's copy of what it could not parse: DuckDB's CSV "Original
	// Line: 001099012345,Nguyễn Văn An,...", its JSON "Input: {...}".
	{regexp.MustCompile(`(Original Line|Input): [^\n]*`), func(m string) string {
		return m[:strings.Index(m, ": ")] + ": ***"
	}},
	// The string a cast could not convert, whatever its length or quotes
	// ("Could not convert string '001099012345' to INT32"); the closing
	// quote may be missing when the engine cut the value itself.
	{regexp.MustCompile(`(?i)convert string ('[^']*'?|"[^"]*"?)`), replaceWith("convert string '***'")},
	// A double-quoted value after a colon: DuckDB's `date field value out
	// of range: "1990-13-45"`, PostgreSQL's `invalid input syntax for type
	// integer: "x"`. Identifiers are quoted elsewhere (column "cccd").
	{regexp.MustCompile(`: "[^"\n]*"?`), replaceWith(`: "***"`)},
	// A single-quoted value, as engines quote them; short codes ('M')
	// stay readable. A value hidden above is one too, so that its closing
	// quote does not open another.
	{regexp.MustCompile(`'(\*\*\*|[^']{4,})'`), replaceWith("'***'")},
	// A JSON object, from its first key to the end of the line.
	{regexp.MustCompile(`\{\s*"[^\n]*`), replaceWith("{***}")},
	// An e-mail address; user@host:port and user@host/db name a database
	// server in connection errors and stay.
	{regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}[:/]?`), func(m string) string {
		if strings.HasSuffix(m, ":") || strings.HasSuffix(m, "/") {
			return m
		}
		return "***@***"
	}},
	// A run of 9 or more digits, maybe grouped by spaces, dots or dashes:
	// a CCCD (12), a CMND or a tax code (9, 10), a phone number (+84 912
	// 345 678). A date and time (2025-01-02 10:11) is not one.
	{regexp.MustCompile(`\+?[0-9](?:[ .-]?[0-9]){8,}`), func(m string) string {
		if dateTime.MatchString(m) {
			return m
		}
		return "***"
	}},
}

var dateTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2})?$`)

// Message hides the data an error message can carry and caps it at
// MaxMessage characters: values an engine quoted or a reader copied, the
// string a cast could not convert, JSON, e-mail addresses and long digit
// runs such as identifiers and phone numbers. An error is no way around
// masking. Identifiers (double-quoted, not after a colon), short codes
// and counts stay readable.
func Message(s string) string {
	for _, r := range messageRules {
		s = r.re.ReplaceAllStringFunc(s, r.repl)
	}
	return Cut(s, MaxMessage)
}
