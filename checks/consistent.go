package checks

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "consistent", Dimension: unified, Severity: config.SeverityMajor, New: func() Check { return &consistent{} }})
}

// consistent asks whether one attribute (a commune, gender, status or
// nationality code) is coded the same way here as in other datasets,
// usually the same ministry's: thống nhất within a ministry.
//
// Without on:, it compares value sets: a row fails when its code is used
// by none of the rows of some dataset of with: ("Nam" here where the
// others write M), and details count, per dataset, the distinct codes
// used only here and only there. With on: {this_key: other_key}, it
// compares the records of one entity: a row fails when the entity's code
// in some dataset of with: differs (the same citizen F here, M there);
// a record found in none of them, or with the code missing on either
// side, is not compared. Codes are compared as written, or with
// compare: code trimmed and case-folded. The samples must be
// coordinated as for agrees (hash samples on the compared column for
// value sets, on the key with on:).
type consistent struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		With    []consistentWith  `yaml:"with"`
		On      map[string]string `yaml:"on"`
		Compare string            `yaml:"compare"` // exact (default), code
	}
	on    onPair
	byKey bool

	coordinated bool
	rows        Metric
	result      Query
	// onlyThere is, per dataset of with: in value-set mode, its codes
	// never used here.
	onlyThere []Query
}

// consistentWith is one dataset compared with, and its column (default:
// the column of the same name). A plain name is a dataset.
type consistentWith struct {
	Dataset string `yaml:"dataset"`
	Column  string `yaml:"column"`
}

// UnmarshalYAML reads a dataset's name or {dataset:, column:}, strictly:
// a misspelt key would otherwise compare the wrong column silently.
func (w *consistentWith) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&w.Dataset)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k != "dataset" && k != "column" {
			return fmt.Errorf("line %d: with: unknown key %q (allowed: dataset, column)", n.Content[i].Line, k)
		}
	}
	type plain consistentWith
	return n.Decode((*plain)(w))
}

var (
	_ Check     = (*consistent)(nil)
	_ Dependent = (*consistent)(nil)
)

func (c *consistent) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if spec.Column == "" {
		return spec.Errorf("column", "consistent needs the column: whose codes are compared")
	}
	if len(spec.Columns) > 0 {
		return spec.Errorf("columns", "consistent compares one column:, not columns:")
	}
	if len(c.params.With) == 0 {
		return spec.Errorf("with", "consistent needs with: [other_dataset, {dataset: another, column: its_column}, ...]")
	}
	seen := map[string]bool{}
	for i, w := range c.params.With {
		if w.Dataset == "" {
			return spec.Errorf("with", "with[%d] needs dataset:", i)
		}
		if seen[w.Dataset] {
			return spec.Errorf("with", "dataset %s is listed twice in with:", w.Dataset)
		}
		seen[w.Dataset] = true
		if w.Column == "" {
			c.params.With[i].Column = spec.Column
		}
	}
	switch c.params.Compare {
	case "", "exact", "code":
	default:
		return spec.Errorf("compare", "compare must be exact or code, got %q", c.params.Compare)
	}
	if c.params.On != nil {
		var err error
		if c.on, err = parseOn(spec, c.params.On); err != nil {
			return err
		}
		c.byKey = true
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *consistent) Datasets() []string {
	out := make([]string, len(c.params.With))
	for i, w := range c.params.With {
		out[i] = w.Dataset
	}
	return out
}

func (c *consistent) References() []string { return nil }

// code renders a value as it is compared.
func (c *consistent) code(d dialect.Dialect, expr string) string {
	if c.params.Compare == "code" {
		return "UPPER(TRIM(" + d.Text(expr) + "))"
	}
	return d.Text(expr)
}

func (c *consistent) Plan(s Scope) error {
	d := s.Dialect()
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	here := c.code(d, "_dq."+col.SQL)
	where := "NOT (" + s.Missing(col) + ")"
	c.coordinated = true
	c.onlyThere = nil
	// One LEFT JOIN per dataset of with:, aliased rI, whose _dq_v is its
	// code (NULL when there is nothing to compare with).
	var joins []string
	var thisKey Column
	for i, w := range c.params.With {
		var other *Relation
		var theirs Column
		alias := fmt.Sprintf("r%d", i)
		if c.byKey {
			j, err := join(s, w.Dataset, c.on, false)
			if err != nil {
				return err
			}
			other, thisKey = j.other, j.mine
			c.coordinated = c.coordinated && j.coordinated
			if theirs, err = otherColumn(other, w.Column); err != nil {
				return err
			}
			// One value per entity there; a key repeated there is that
			// registry's uniqueness defect, reported by its own checks.
			joins = append(joins, fmt.Sprintf(
				"LEFT JOIN (SELECT %s AS _dq_k, MIN(%s) AS _dq_v FROM %s AS o WHERE %s IS NOT NULL AND NOT (%s) GROUP BY %s) %s ON %s = %s._dq_k",
				joinKey(d, "o."+j.theirs.SQL), c.code(d, "o."+theirs.SQL), other.Table, "o."+j.theirs.SQL,
				s.MissingIn(other, qualified(theirs, "o")), joinKey(d, "o."+j.theirs.SQL), alias, joinKey(d, "_dq."+thisKey.SQL), alias))
			continue
		}
		if other, err = s.Other(w.Dataset); err != nil {
			return err
		}
		if theirs, err = otherColumn(other, w.Column); err != nil {
			return err
		}
		co, err := coordination(s, col.Name, other, theirs.Name, false)
		if err != nil {
			return err
		}
		c.coordinated = c.coordinated && co
		codes := fmt.Sprintf("(SELECT DISTINCT %s AS _dq_v FROM %s AS o WHERE NOT (%s))", c.code(d, "o."+theirs.SQL), other.Table, s.MissingIn(other, qualified(theirs, "o")))
		joins = append(joins, fmt.Sprintf("LEFT JOIN %s %s ON %s = %s._dq_v", codes, alias, here, alias))
		c.onlyThere = append(c.onlyThere, s.Query(fmt.Sprintf(
			"SELECT COUNT(*) FROM %s x LEFT JOIN (SELECT DISTINCT %s AS _dq_h FROM %s AS _dq WHERE %s) h ON x._dq_v = h._dq_h WHERE h._dq_h IS NULL",
			codes, here, s.Table(), where)))
	}
	from := s.Table() + " AS _dq"
	var sums, anyDiffer, anyFound []string
	for i, lj := range joins {
		from += " " + lj
		v := fmt.Sprintf("r%d._dq_v", i)
		if c.byKey {
			differ := fmt.Sprintf("(%s IS NOT NULL AND %s <> %s)", v, v, here)
			anyDiffer, anyFound = append(anyDiffer, differ), append(anyFound, v+" IS NOT NULL")
			sums = append(sums, dialect.CountIf(v+" IS NOT NULL"), dialect.CountIf(differ))
			continue
		}
		anyDiffer = append(anyDiffer, v+" IS NULL")
		sums = append(sums, dialect.CountIf(v+" IS NULL"), fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s IS NULL THEN %s END)", v, here))
	}
	fails := "(" + strings.Join(anyDiffer, " OR ") + ")"
	evaluated := "COUNT(*)"
	if c.byKey {
		where += fmt.Sprintf(" AND NOT (%s)", s.Missing(thisKey))
		evaluated = dialect.CountIf(strings.Join(anyFound, " OR "))
	}
	c.rows = s.Aggregate("COUNT(*)")
	c.result = s.Query(fmt.Sprintf("SELECT %s, %s, %s FROM %s WHERE %s", evaluated, dialect.CountIf(fails), strings.Join(sums, ", "), from, where))
	if c.byKey {
		// The entity's key, its code here and in each dataset compared.
		eq := ExampleQuery{Key: thisKey.Name, Values: []string{col.Name}}
		sel := d.Text("_dq."+thisKey.SQL) + ", " + d.Text("_dq."+col.SQL)
		for i := range joins {
			sel += fmt.Sprintf(", r%d._dq_v", i)
			eq.Values = append(eq.Values, col.Name)
		}
		eq.SQL = fmt.Sprintf("SELECT %s FROM %s WHERE %s AND %s", sel, from, where, fails)
		s.Examples(eq)
		return nil
	}
	// The codes not shared, each with its rows: no record is shown.
	s.Examples(ExampleQuery{
		SQL:      fmt.Sprintf("SELECT %s, COUNT(*) FROM %s WHERE %s AND %s GROUP BY %s ORDER BY 2 DESC, 1", here, from, where, fails, here),
		Values:   []string{col.Name},
		HasCount: true,
	})
	return nil
}

func (c *consistent) Evaluate(v Values, r *result.Check) {
	row := v.Row(c.result)
	evaluated, failed := ToInt64(row[0]), ToInt64(row[1])
	evaluateRate(v.Int(c.rows), evaluated, failed, c.threshold, r)
	per := map[string]any{}
	var parts []string
	for i, w := range c.params.With {
		a, b := ToInt64(row[2+2*i]), ToInt64(row[3+2*i])
		if c.byKey {
			per[w.Dataset] = map[string]any{"matched": a, "failed": b}
			if b > 0 {
				parts = append(parts, fmt.Sprintf("%d differ from %s", b, w.Dataset))
			}
			continue
		}
		there := ToInt64(v.Row(c.onlyThere[i])[0])
		per[w.Dataset] = map[string]any{"failed": a, "codes_only_here": b, "codes_only_there": there}
		if b > 0 || there > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s used only here, %d only there", w.Dataset, countf(b, "code"), there))
		}
	}
	mode := "values"
	if c.byKey {
		mode = "keys"
	}
	r.Details = map[string]any{"compared": mode, "with": per, "coordinated_sample": c.coordinated}
	switch {
	case failed > 0:
		what := "have a code another dataset never uses"
		if c.byKey {
			what = "are coded otherwise elsewhere"
		}
		r.Message = fmt.Sprintf("%s of %d %s (%s)", countf(failed, "row"), evaluated, what, strings.Join(parts, "; "))
	case len(parts) > 0:
		r.Message = "codes differ: " + strings.Join(parts, "; ")
	}
}
