// Package contract turns the quality rules teams keep for other tools
// into dq dataset blocks: Open Data Contract Standard (ODCS) v3 contracts
// (odcs.go), dbt schema.yml tests (dbt.go) and Soda data contracts
// (soda.go). Every rule it understands becomes a check; every rule it
// cannot map is listed with its reason (Unmapped), never dropped. Where a
// format's metric means something a little different from dq's (NULL
// only, or NULL and blank; duplicates as values or as rows; exclusive
// bounds), the check carries a note saying how it was mapped; the tables
// of docs/contracts.md say it for every rule.
//
// It reads YAML and writes YAML text; it knows no config struct, no
// check kind's code and no source: what it writes is read by dq as any
// dataset block is, and validated there.
package contract

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Formats are the contract formats Import reads.
const (
	ODCS = "odcs"
	DBT  = "dbt"
	Soda = "soda"
)

// ErrFormat is returned for a file that is none of the formats.
var ErrFormat = errors.New("not a contract dq can read")

// Result is a contract read into dq terms.
type Result struct {
	Format   string
	Datasets []*Dataset
	Unmapped []Unmapped
}

// Dataset is one table of the contract as a dq dataset block.
type Dataset struct {
	ID    string
	Table string
	Key   string
	// Where filters the whole dataset (a contract's dataset filter).
	Where  string
	Checks []*Check
	ids    map[string]int
}

// Check is one dq check and the rule it came from.
type Check struct {
	// Origin is where the rule is in the contract, e.g.
	// schema[0].properties[2].required.
	Origin string
	// Note says how the rule's meaning and dq's differ, when they do.
	Note   string
	fields []field
}

type field struct {
	key   string
	value any
}

// Unmapped is a rule dq cannot run, and why.
type Unmapped struct {
	Dataset, Origin, Rule, Reason string
}

// Import reads a contract in any of the formats, told apart by its keys
// (Detect); name is used in messages.
func Import(name string, raw []byte) (*Result, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch Detect(doc) {
	case ODCS:
		return importODCS(doc)
	case DBT:
		return importDBT(doc)
	case Soda:
		return importSoda(doc)
	}
	return nil, fmt.Errorf("%s: %w: expected an ODCS v3 contract (apiVersion, kind: DataContract, schema:), a dbt schema.yml (version: 2, models: or sources:) or a Soda contract (dataset:, columns: or checks:)", name, ErrFormat)
}

// Detect tells a contract's format from its top-level keys.
func Detect(doc map[string]any) string {
	switch {
	case doc["kind"] == "DataContract" || doc["apiVersion"] != nil && doc["schema"] != nil:
		return ODCS
	case doc["models"] != nil || doc["sources"] != nil && doc["version"] != nil:
		return DBT
	case doc["dataset"] != nil && (doc["columns"] != nil || doc["checks"] != nil):
		return Soda
	}
	return ""
}

func (r *Result) dataset(id, table string) *Dataset {
	d := &Dataset{ID: id, Table: table, ids: map[string]int{}}
	r.Datasets = append(r.Datasets, d)
	return d
}

func (r *Result) unmapped(d *Dataset, origin, rule, reason string) {
	id := ""
	if d != nil {
		id = d.ID
	}
	r.Unmapped = append(r.Unmapped, Unmapped{Dataset: id, Origin: origin, Rule: rule, Reason: reason})
}

// add appends a check; kv are its keys after id (kind first). Its id is
// made from the kind and columns, unique in the dataset.
func (d *Dataset) add(origin, note string, kv ...any) *Check {
	c := &Check{Origin: origin, Note: note}
	base := ""
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		c.fields = append(c.fields, field{k, kv[i+1]})
		switch k {
		case "kind":
			base = fmt.Sprint(kv[i+1])
		case "column":
			base = fmt.Sprint(kv[i+1]) + "_" + base
		case "columns":
			if cols, ok := kv[i+1].([]string); ok {
				base = strings.Join(cols, "_") + "_" + base
			}
		}
	}
	id := strings.Trim(idChars.Replace(base), "_")
	d.ids[id]++
	if n := d.ids[id]; n > 1 {
		id += "_" + strconv.Itoa(n)
	}
	c.fields = append([]field{{"id", id}}, c.fields...)
	d.Checks = append(d.Checks, c)
	return c
}

var idChars = strings.NewReplacer(".", "_", " ", "_", "-", "_", "/", "_", "\"", "", "'", "")

// set adds or replaces a key of the check.
func (c *Check) set(key string, value any) {
	for i := range c.fields {
		if c.fields[i].key == key {
			c.fields[i].value = value
			return
		}
	}
	c.fields = append(c.fields, field{key, value})
}

// YAML is the contract as dq reads it: a datasets: list (for dq check
// --checks, or to paste into a config, with ministry: and source:
// added), each check after a comment naming the rule it came from and
// how its meaning differs; the rules not mapped are listed first, as
// comments, with their reasons.
func (r *Result) YAML(source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Imported by dq import from %s (%s). Each check names the rule it came\n", source, formatName[r.Format])
	b.WriteString("# from. Run with: dq check SOURCE --checks THIS_FILE, or add ministry: and\n")
	b.WriteString("# source: to each dataset and paste them into a config.\n")
	if len(r.Unmapped) > 0 {
		fmt.Fprintf(&b, "#\n# %d rules not mapped (dq runs no check for them):\n", len(r.Unmapped))
		for _, u := range r.Unmapped {
			fmt.Fprintf(&b, "#   %s: %s: %s\n", u.where(), u.Rule, u.Reason)
		}
	}
	b.WriteString("datasets:\n")
	for _, d := range r.Datasets {
		fmt.Fprintf(&b, "  - id: %s\n", text(d.ID))
		if d.Table != "" {
			fmt.Fprintf(&b, "    table: %s   # or path: for a file\n", text(d.Table))
		}
		if d.Key != "" {
			fmt.Fprintf(&b, "    key: %s\n", text(d.Key))
		}
		if d.Where != "" {
			fmt.Fprintf(&b, "    where: %s\n", text(d.Where))
		}
		if len(d.Checks) == 0 {
			b.WriteString("    checks: []   # no rule of this dataset could be mapped\n")
			continue
		}
		b.WriteString("    checks:\n")
		for _, c := range d.Checks {
			fmt.Fprintf(&b, "      # %s", c.Origin)
			if c.Note != "" {
				fmt.Fprintf(&b, ": %s", c.Note)
			}
			fmt.Fprintf(&b, "\n      - %s\n", c.flow())
		}
	}
	return b.String()
}

var formatName = map[string]string{ODCS: "Open Data Contract Standard v3", DBT: "dbt schema.yml", Soda: "Soda data contract"}

func (u Unmapped) where() string {
	if u.Dataset == "" {
		return u.Origin
	}
	return u.Dataset + ": " + u.Origin
}

// String is the unmapped rule on one line, for a terminal.
func (u Unmapped) String() string { return u.where() + ": " + u.Rule + ": " + u.Reason }

// flow is the check as a YAML flow mapping.
func (c *Check) flow() string {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	for _, f := range c.fields {
		v := &yaml.Node{}
		if err := v.Encode(f.value); err != nil {
			v.Encode(fmt.Sprint(f.value))
		}
		flowStyle(v)
		k := &yaml.Node{}
		k.Encode(f.key)
		n.Content = append(n.Content, k, v)
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		return "{}"
	}
	return strings.TrimSpace(string(out))
}

func flowStyle(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		flowStyle(c)
	}
}

func text(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSpace(string(out))
}

// Shared readers of loosely typed YAML.

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(x, "%")), 64)
		return f, err == nil
	}
	return 0, false
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func strs(v any) []string {
	var out []string
	for _, x := range list(v) {
		out = append(out, str(x))
	}
	return out
}

// number keeps whole numbers whole in the YAML written.
func number(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return int64(f)
	}
	return f
}

// share rounds a share to 6 decimals, so 1 - 0.05 is 0.95.
func share(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// keys lists a mapping's keys, sorted, for messages.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// criterion maps the quality dimensions other tools name (ODCS and
// Soda: completeness, accuracy, ...) to dq's criteria.
var criterion = map[string]string{
	"completeness": "sufficient", "coverage": "sufficient",
	"accuracy": "correct", "validity": "correct", "conformity": "correct",
	"uniqueness": "clean",
	"timeliness": "alive", "freshness": "alive",
	"consistency": "unified",
}

// severity maps a severity another tool writes to dq's; "" when it has
// none dq can take.
func severity(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical", "blocker", "high", "error":
		return "critical"
	case "major", "medium", "warning", "warn":
		return "major"
	case "minor", "low", "info":
		return "minor"
	}
	return ""
}

// limit is a bound on the failing rows of a rule (missing, invalid,
// duplicate values): at most value rows, or value percent of them.
type limit struct {
	value   float64
	percent bool
	strict  bool // < rather than <=
}

// mostly is the dq threshold for the limit: a count of 0 is dq's default
// (every row passes); a share p% is mostly: 1 - p/100, a strict < p%
// read as <= p% (a note says so). A count above 0 has no dq form: dq
// thresholds are shares of the rows evaluated, whose number a contract
// does not know.
func (l limit) mostly() (m *float64, note, reason string) {
	switch {
	case l.value < 0 || l.strict && l.value == 0:
		return nil, "", "a bound no count can meet"
	case !l.percent && l.value == 0:
		return nil, "", ""
	case !l.percent:
		return nil, "", fmt.Sprintf("a count of %v rows: dq thresholds a share of the rows (mostly:), and a count is a share only of a known row count; write mostly: as the share you accept", number(l.value))
	}
	v := share(1 - l.value/100)
	if l.strict {
		note = fmt.Sprintf("less than %v%% read as at most %v%%", number(l.value), number(l.value))
	}
	return &v, note, ""
}

// applyLimit sets the check's mostly: from the limit, or says why not.
func (r *Result) applyLimit(d *Dataset, c *Check, l limit, origin, rule string) bool {
	m, note, reason := l.mostly()
	if reason != "" {
		d.Checks = d.Checks[:len(d.Checks)-1]
		r.unmapped(d, origin, rule, reason)
		return false
	}
	if m != nil && *m < 1 {
		c.set("mostly", *m)
	}
	if note != "" {
		if c.Note != "" {
			c.Note += "; "
		}
		c.Note += note
	}
	return true
}

// bounds is a count's allowed range (row_count): min and max, inclusive,
// of whole rows.
type bounds struct{ min, max *float64 }

func (b bounds) kv() []any {
	var out []any
	if b.min != nil {
		out = append(out, "min", number(*b.min))
	}
	if b.max != nil {
		out = append(out, "max", number(*b.max))
	}
	return out
}

func ptr(f float64) *float64 { return &f }

// ordered is a mapping written in its order (a schema's columns).
type ordered []field

func (o ordered) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	for _, f := range o {
		k, v := &yaml.Node{}, &yaml.Node{}
		if err := k.Encode(f.key); err != nil {
			return nil, err
		}
		if err := v.Encode(f.value); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, v)
	}
	return n, nil
}
