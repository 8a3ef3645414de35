package profile

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/mask"
)

// Suggestion is a dataset's suggested key, masks and checks, each check
// with the reason it is suggested: the idea of Deequ's constraint
// suggestion and DQOps' rule miner. A threshold is the level the data
// meets today (a share rounded down to 0.1%), so a check suggested from
// data with defects passes on it and fails when it gets worse; from
// clean data, every threshold is strict. Its checks are YAML flow
// mappings, as a config writes them.
type Suggestion struct {
	Key    string
	Mask   map[string]mask.Policy
	Checks []Suggested
}

// Suggested is one check and why.
type Suggested struct {
	Why   string
	Check string
}

// Thresholds of the suggestions.
const (
	// maxInSet is the most distinct values a column may have to be
	// suggested an in_set check.
	maxInSet = 12
	// minEvidence is the fewest present values a check on a column is
	// suggested from.
	minEvidence = 20
	// rareValue is the share below which a value of a code column is
	// taken for a defect rather than a code.
	rareValue = 0.001
	// minFormatShare is the share of sampled values a validator must pass
	// for a format check to be suggested.
	minFormatShare = 0.9
	// volumeMargin is how far the row count may fall before row_count
	// fails.
	volumeMargin = 0.9
)

// freshnessName tells a column that records changes.
var freshnessName = regexp.MustCompile(`(?i)(updated|modified|changed|cap_nhat|last_|_at$)`)

// Suggest proposes checks for the profiled table; key, when given, is
// the dataset's identifier column. now is the run's start (freshness,
// "today").
func Suggest(p *Profile, key string, now time.Time) Suggestion {
	s := Suggestion{Key: key, Mask: map[string]mask.Policy{}}
	var unique []*Column
	for _, c := range p.Columns {
		s.column(p, c, now, &unique)
	}
	if s.Key == "" && len(unique) > 0 {
		s.Key = unique[0].Name
		for _, c := range unique {
			if d, ok := c.Domain(); ok && personalDomains[d.Name] {
				s.Key = c.Name
				break
			}
		}
	}
	for _, c := range p.Columns {
		if c.Personal && !(c.Name == s.Key && c.Mask == mask.ID) {
			s.Mask[c.Name] = c.Mask
		}
	}
	if p.Rows > 0 {
		s.add(fmt.Sprintf("%s rows today; fails when the dataset shrinks by more than %d%%", thousands(p.Rows), int(math.Round((1-volumeMargin)*100))),
			"id", "volume", "kind", "row_count", "min", int64(math.Floor(float64(p.Rows)*volumeMargin)))
	}
	if len(p.Columns) > 0 {
		req := mapping()
		for _, c := range p.Columns {
			req.Content = append(req.Content, scalar(c.Name), scalar(c.Type))
		}
		s.add("the columns and types of today: fails when one is dropped, renamed or changes type",
			"id", "columns", "kind", "schema", "require", req)
	}
	return s
}

// column suggests the checks of one column; a unique one is added to
// unique, for the key.
func (s *Suggestion) column(p *Profile, c *Column, now time.Time, unique *[]*Column) {
	if c.Present == 0 {
		s.Checks = append(s.Checks, Suggested{Why: fmt.Sprintf("%s: every value missing; no check suggested", c.Name)})
		return
	}
	present := float64(c.Present) / float64(p.Rows)
	switch {
	case c.Missing == 0:
		s.add(fmt.Sprintf("%s: no value missing in %s rows", c.Name, thousands(p.Rows)),
			"id", c.Name+"_present", "kind", "not_null", "column", c.Name)
	case present >= 0.5:
		s.add(fmt.Sprintf("%s: %s present today (missing: NULL, blank or a null-like token); keeps it from getting worse, raise mostly to 1 if every row must have one", c.Name, pctOf(present)),
			"id", c.Name+"_present", "kind", "not_null", "column", c.Name, "mostly", floor3(present))
	}
	if c.Present < minEvidence {
		return
	}
	dom, hasDom := c.Domain()
	dates := hasDom && strings.HasPrefix(dom.Name, "date_text")
	if c.Distinct >= c.Present && (c.family == dialect.Text && !dates || c.family == dialect.Integer) {
		how := "exact"
		if !c.uniqueExact {
			how = "approximate: HyperLogLog may miss a few duplicates"
		}
		*unique = append(*unique, c)
		s.add(fmt.Sprintf("%s: all %s present values distinct (%s): an identifier", c.Name, thousands(c.Present), how),
			"id", c.Name+"_unique", "kind", "unique", "column", c.Name)
	}
	if hasDom && !dates && dom.Share >= minFormatShare {
		s.add(fmt.Sprintf("%s: %s of the %s present values are valid %s", c.Name, pctOf(dom.Share), thousands(c.Present), dom.Name),
			rate("id", c.Name+"_valid", "kind", "format", "column", c.Name, "validator", dom.Name, dom.Share)...)
		return
	}
	if vals, rare, ok := codes(c); ok {
		list := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		var seen []string
		for _, v := range vals {
			list.Content = append(list.Content, scalar(v.Value))
			seen = append(seen, fmt.Sprintf("%s %s", v.Value, pctOf(float64(v.Count)/float64(c.Present))))
		}
		why := fmt.Sprintf("%s: a code with %d values (%s)", c.Name, len(vals), strings.Join(seen, ", "))
		if len(rare) > 0 {
			why += "; left out as likely defects: " + strings.Join(rare, ", ")
		}
		s.add(why, "id", c.Name+"_values", "kind", "in_set", "column", c.Name, "values", list)
		return
	}
	switch {
	case c.family == dialect.Text && !dates:
		if c.pattern != "" && c.patternShare >= 0.99 {
			s.add(fmt.Sprintf("%s: %s of the %s present values have the shape %s", c.Name, pctOf(c.patternShare), thousands(c.Present), shapesOf(c)),
				rate("id", c.Name+"_pattern", "kind", "regex", "column", c.Name, "pattern", c.pattern, c.patternShare)...)
		} else if c.MinLength != nil && *c.MaxLength > 0 {
			s.add(fmt.Sprintf("%s: %d to %d characters today", c.Name, *c.MinLength, *c.MaxLength),
				"id", c.Name+"_length", "kind", "length", "column", c.Name, "min", *c.MinLength, "max", *c.MaxLength)
		}
	case c.family.Numeric():
		lo, errLo := strconv.ParseFloat(c.minRaw, 64)
		hi, errHi := strconv.ParseFloat(c.maxRaw, 64)
		if errLo == nil && errHi == nil {
			s.add(fmt.Sprintf("%s: between %s and %s today", c.Name, c.minRaw, c.maxRaw),
				"id", c.Name+"_range", "kind", "between", "column", c.Name, "min", number(lo), "max", number(hi))
		}
	}
	if c.family.Temporal() || hasDom && dom.Name == "date_text" && dom.Share >= minFormatShare {
		s.dates(c, now)
	}
}

// dates suggests the bounds of a date or timestamp column (to the year,
// so the file shows no one's birth date), and its freshness when it
// records changes.
func (s *Suggestion) dates(c *Column, now time.Time) {
	lo, okLo := parseTime(c.minRaw, now.Location())
	hi, okHi := parseTime(c.maxRaw, now.Location())
	if !okLo || !okHi {
		return
	}
	args := []any{"id", c.Name + "_range", "kind", "between", "column", c.Name, "min", fmt.Sprintf("%04d-01-01", lo.Year())}
	why := fmt.Sprintf("%s: from %d", c.Name, lo.Year())
	if !hi.After(now) {
		// today is midnight: a timestamp of this morning is after it.
		upper := "today"
		if c.family == dialect.Timestamp || c.family == dialect.TimestampTZ || strings.Contains(c.maxRaw, ":") {
			upper = "now"
		}
		args = append(args, "max", upper)
		why += " to " + upper + "; none in the future"
	} else {
		why += fmt.Sprintf(" to %d", hi.Year())
		args = append(args, "max", fmt.Sprintf("%04d-12-31", hi.Year()))
	}
	s.add(why, args...)
	if freshnessName.MatchString(c.Name) && !hi.After(now) && (c.family.Temporal() || strings.Contains(c.maxRaw, ":")) {
		age := now.Sub(hi)
		if age <= 30*24*time.Hour {
			maxAge := max(48*time.Hour, 2*age).Round(time.Hour)
			s.add(fmt.Sprintf("%s: the newest change is %s old; fails when no row changed for twice as long (at least 48h)", c.Name, age.Round(time.Minute)),
				"id", c.Name+"_fresh", "kind", "freshness", "column", c.Name, "max_age", ageText(maxAge))
		}
	}
}

// codes are a code column's values (few distinct values, each common),
// and the rare ones left out; ok false when the column is no code, or a
// personal one (whose values a config should not list).
func codes(c *Column) (vals []Count, rare []string, ok bool) {
	if c.Personal || c.Distinct > maxInSet || len(c.values) == 0 || c.family.Temporal() {
		return nil, nil, false
	}
	var covered int64
	for _, v := range c.values {
		covered += v.Count
		if float64(v.Count) < rareValue*float64(c.Present) {
			rare = append(rare, fmt.Sprintf("%s (%d rows)", v.Value, v.Count))
			continue
		}
		vals = append(vals, v)
	}
	if covered != c.Present || len(vals) == 0 || c.family.Numeric() && len(vals) > 5 {
		return nil, nil, false
	}
	slices.SortFunc(vals, func(a, b Count) int { return strings.Compare(a.Value, b.Value) })
	return vals, rare, true
}

// shapeRegex turns a shape into RE2: runs of D and A become [0-9]{n} and
// [A-Z]{n}, anything else is itself.
func shapeRegex(shape string) string {
	var b strings.Builder
	r := []rune(shape)
	for i := 0; i < len(r); {
		j := i
		for j < len(r) && r[j] == r[i] {
			j++
		}
		class := ""
		switch r[i] {
		case 'D':
			class = "[0-9]"
		case 'A':
			class = "[A-Z]"
		}
		switch {
		case class == "":
			b.WriteString(regexp.QuoteMeta(string(r[i:j])))
		case j-i == 1:
			b.WriteString(class)
		default:
			fmt.Fprintf(&b, "%s{%d}", class, j-i)
		}
		i = j
	}
	return b.String()
}

func shapesOf(c *Column) string {
	var parts []string
	for _, s := range c.Shapes {
		parts = append(parts, s.Value)
	}
	return strings.Join(parts, " or ")
}

// rate is a check's keys, with mostly: when the share is below 1.
func rate(kv ...any) []any {
	share := kv[len(kv)-1].(float64)
	kv = kv[:len(kv)-1]
	if share < 1 {
		kv = append(kv, "mostly", floor3(share))
	}
	return kv
}

// add appends a check built from keys and values.
func (s *Suggestion) add(why string, kv ...any) {
	n := mapping()
	for i := 0; i+1 < len(kv); i += 2 {
		var v *yaml.Node
		switch x := kv[i+1].(type) {
		case *yaml.Node:
			v = x
		case string:
			v = scalar(x)
		default:
			v = &yaml.Node{}
			if err := v.Encode(x); err != nil {
				panic(err) // numbers always encode
			}
		}
		n.Content = append(n.Content, scalar(kv[i].(string)), v)
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		panic(err) // a tree of scalars, lists and mappings always marshals
	}
	s.Checks = append(s.Checks, Suggested{Why: why, Check: strings.TrimSpace(string(out))})
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle} }

// scalar is s as YAML writes a string: quoted when it would read as
// something else.
func scalar(s string) *yaml.Node {
	n := &yaml.Node{}
	if err := n.Encode(s); err != nil {
		panic(err)
	}
	return n
}

// floor3 rounds a share down to 0.1%, so the data of today meets it.
func floor3(f float64) float64 { return math.Floor(f*1000) / 1000 }

// number keeps whole numbers whole.
func number(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return int64(f)
	}
	return f
}

func pctOf(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ageText writes a duration as freshness's max_age: whole days, else hours.
func ageText(d time.Duration) string {
	if h := int64(d.Hours()); h%24 == 0 {
		return fmt.Sprintf("%dd", h/24)
	}
	return fmt.Sprintf("%dh", int64(math.Ceil(d.Hours())))
}

// parseTime reads a date or timestamp as DuckDB writes it as text; one
// without a zone is wall-clock time in loc, the dataset's.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
