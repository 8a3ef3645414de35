package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "distinct_values", Dimension: "correct", Severity: config.SeverityMinor, Columns: NamedColumns, New: func() Check { return &distinctValues{} }})
}

// distinctValues judges the set of a column's distinct non-missing values
// (compared as exact text) against a list, one of:
//   - within: every value found is listed (evaluated: the distinct values
//     found; failed: those not listed), in_set's question asked of values
//     rather than rows;
//   - contains: every listed value is found, so a code list is fully used
//     and not only respected (evaluated: the listed values; failed: those
//     never found, named in details.missing_values);
//   - equals: both (evaluated: listed ∪ found; failed: listed not found
//     plus found not listed).
//
// Its units are values, so its pass rate is a share of values, with
// mostly: as for row checks. Values found outside the list are the failing
// examples, with their row counts, masked as the column's examples.
type distinctValues struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Within   []string `yaml:"within"`
		Contains []string `yaml:"contains"`
		Equals   []string `yaml:"equals"`
	}
	mode   string
	listed []string // distinct, in config order

	rows, found, outside Metric
	seen                 []Metric // per listed value: found or not
}

var _ Check = (*distinctValues)(nil)

// maxSetValues bounds contains: and equals:, each listed value being an
// aggregate of the fused scan; a longer code list is a reference list
// (references, coverage).
const maxSetValues = 1000

func (c *distinctValues) Init(spec *config.Check) error {
	c.spec = spec
	if spec.Column == "" || len(spec.Columns) > 0 {
		return spec.Errorf("column", "distinct_values checks one column:")
	}
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	given := 0
	for _, m := range []struct {
		name string
		list []string
	}{{"within", c.params.Within}, {"contains", c.params.Contains}, {"equals", c.params.Equals}} {
		if spec.Params[m.name] == nil {
			continue
		}
		given++
		c.mode = m.name
		// An empty set means nothing the check could fail (contains) or
		// that the column must be empty (within, equals), which is_null
		// says plainly.
		if len(m.list) == 0 {
			return spec.Errorf(m.name, "%s: is an empty list; list the values (a column that must stay empty is kind: is_null)", m.name)
		}
		seen := map[string]bool{}
		for _, v := range m.list {
			if strings.TrimSpace(v) == "" {
				return spec.Errorf(m.name, "a blank value is a missing one and never found; remove it")
			}
			if !seen[v] {
				seen[v] = true
				c.listed = append(c.listed, v)
			}
		}
	}
	switch {
	case given != 1:
		return spec.Errorf("within", "distinct_values needs one of within:, contains: or equals:")
	case c.mode != "within" && len(c.listed) > maxSetValues:
		return spec.Errorf(c.mode, "%d values: at most %d for %s:; check a longer code list with references or coverage against a reference list", len(c.listed), maxSetValues, c.mode)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

// DefaultDimension: a code list that must be fully used is about
// completeness; values outside a list are about correctness.
func (c *distinctValues) DefaultDimension(*config.Config) string {
	if c.mode == "contains" {
		return "sufficient"
	}
	return "correct"
}

func (c *distinctValues) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	d := s.Dialect()
	present := "NOT (" + s.Missing(col) + ")"
	v := d.Exact(col.SQL)
	c.rows = s.Aggregate("COUNT(*)")
	if c.mode != "contains" {
		unlisted := fmt.Sprintf("%s AND NOT (%s)", present, d.InList(v, c.listed))
		c.found = s.Aggregate(fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s THEN %s END)", present, v))
		c.outside = s.Aggregate(fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s THEN %s END)", unlisted, v))
		s.Examples(ExampleQuery{
			SQL:    fmt.Sprintf("SELECT %s, COUNT(*) AS n FROM %s WHERE %s GROUP BY %s ORDER BY n DESC, 1", d.Text(col.SQL), s.Table(), unlisted, d.Text(col.SQL)),
			Values: []string{col.Name}, HasCount: true,
		})
	}
	if c.mode != "within" {
		c.seen = c.seen[:0]
		for _, l := range c.listed {
			c.seen = append(c.seen, s.Aggregate(fmt.Sprintf("MAX(CASE WHEN %s AND %s = %s THEN 1 ELSE 0 END)", present, v, d.String(l))))
		}
	}
	return nil
}

func (c *distinctValues) Evaluate(v Values, r *result.Check) {
	var evaluated, failed, outside int64
	absent := []string{}
	if c.mode != "within" {
		for i, l := range c.listed {
			if v.Int(c.seen[i]) == 0 {
				absent = append(absent, l)
			}
		}
		evaluated, failed = int64(len(c.listed)), int64(len(absent))
	}
	if c.mode != "contains" {
		outside = v.Int(c.outside)
		failed += outside
		if c.mode == "within" {
			evaluated = v.Int(c.found)
		} else {
			evaluated += outside
		}
	}
	evaluateRate(v.Int(c.rows), evaluated, failed, c.threshold, r)
	if evaluated == 0 {
		r.Message = "no values found"
	}
	r.Details = map[string]any{"outside_values": outside}
	if c.mode != "within" {
		sort.Strings(absent)
		// Listed values come from the config, not the data: nothing to mask.
		r.Details["missing_values"] = absent
	}
	if v.Sampled() {
		// A sample misses rare values: the set it shows is smaller than
		// the population's, and no interval says by how much.
		r.Estimate = true
	}
	var parts []string
	if len(absent) > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d listed values never found (%s)", len(absent), len(c.listed), strings.Join(cut(absent, 10), ", ")))
	}
	if outside > 0 {
		parts = append(parts, fmt.Sprintf("%s found outside the list", countf(outside, "distinct value")))
	}
	if len(parts) > 0 {
		r.Message = strings.Join(parts, "; ")
	}
}

// cut keeps the first n values of a list for a message, saying how many
// more there are.
func cut(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(list[:n:n], fmt.Sprintf("%d more", len(list)-n))
}
