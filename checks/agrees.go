package checks

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "agrees", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &agrees{} }})
}

// agrees compares attributes of the records found on both sides of a join
// (this dataset and another registry): a row fails when any compared
// attribute disagrees. An attribute missing on either side is not compared
// (it is a completeness defect). Per-attribute counts go in details; against
// a master registry, so does how many attributes are held again there
// (recollected).
type agrees struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Dataset string               `yaml:"dataset"`
		On      map[string]string    `yaml:"on"`
		Columns map[string]attribute `yaml:"columns"`
	}
	on    onPair
	attrs []string // this-side column names, sorted

	coordinated bool
	// master is true when the other dataset is a master registry: every
	// attribute compared is then one held again (re-collected).
	master bool
	rows   Metric
	// matched and failed rows, then evaluated and failed per attribute.
	matched, failed JoinMetric
	sums            []JoinMetric
}

// attribute is one compared column: the other side's column and how.
type attribute struct {
	With       string `yaml:"with"`
	Compare    string `yaml:"compare"`    // exact (default), name, date, code, number
	Diacritics *bool  `yaml:"diacritics"` // name: false ignores accents
}

var (
	_ Check     = (*agrees)(nil)
	_ Dependent = (*agrees)(nil)
)

func (c *agrees) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	var err error
	if c.on, err = joinTarget(spec, c.params.Dataset, c.params.On, "agrees needs the dataset: to compare with"); err != nil {
		return err
	}
	if len(c.params.Columns) == 0 {
		return spec.Errorf("columns", "agrees needs columns: {this_column: {with: other_column, compare: name}}")
	}
	for name, a := range c.params.Columns {
		if a.With == "" {
			a.With = name
		}
		switch a.Compare {
		case "", "exact", "name", "date", "code", "number":
		default:
			return spec.Errorf("columns", "column %s: compare must be exact, name, date, code or number, got %q", name, a.Compare)
		}
		if a.Diacritics != nil && a.Compare != "name" {
			return spec.Errorf("columns", "column %s: diacritics: applies to compare: name only", name)
		}
		c.params.Columns[name] = a
	}
	c.attrs = sortedKeys(c.params.Columns)
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

// DefaultDimension: attributes held again where a master registry holds
// them must agree with it, "unified"; agreeing with any other registry is
// "correct".
func (c *agrees) DefaultDimension(cfg *config.Config) string {
	return masterDimension(cfg, c.params.Dataset)
}

func (c *agrees) Datasets() []string   { return []string{c.params.Dataset} }
func (c *agrees) References() []string { return nil }

// comparable renders an expression in the form two values are compared in.
func comparable(d dialect.Dialect, expr string, a attribute) string {
	switch a.Compare {
	case "name":
		return NormalizedName(d, expr, a.Diacritics == nil || *a.Diacritics)
	case "date":
		return d.TryCast(expr, dialect.Date)
	case "code":
		return "UPPER(TRIM(" + d.Text(expr) + "))"
	case "number":
		return d.TryCast(expr, dialect.Float)
	}
	return d.Text(expr)
}

// NormalizedName is the match key of a personal name: NFC, lower case,
// white space collapsed, and, unless diacritics count, accents stripped
// with đ mapped to d (NFD does not decompose it).
func NormalizedName(d dialect.Dialect, expr string, diacritics bool) string {
	e := fmt.Sprintf("TRIM(regexp_replace(lower(nfc_normalize(%s)), '\\s+', ' ', 'g'))", d.Text(expr))
	if !diacritics {
		e = withoutAccents(e)
	}
	return e
}

// withoutAccents strips the accents of a normalised name.
func withoutAccents(name string) string {
	return fmt.Sprintf("replace(strip_accents(%s), 'đ', 'd')", name)
}

// comparableIn is comparable computed once per row of a join: a name
// without accents is the stripped form of the normalised name, which
// another attribute or check on the same join may compare as it is.
func comparableIn(j Join, d dialect.Dialect, expr string, a attribute) string {
	if a.Compare == "name" && a.Diacritics != nil && !*a.Diacritics {
		return j.Row(withoutAccents(j.Row(NormalizedName(d, expr, true))))
	}
	return j.Row(comparable(d, expr, a))
}

func (c *agrees) Plan(s Scope) error {
	d := s.Dialect()
	j, err := join(s, c.params.Dataset, c.on, false)
	if err != nil {
		return err
	}
	other, thisKey := j.other, j.mine
	c.coordinated, c.master = j.coordinated, other.Master
	// One row per key on the other side; a key repeated there is the other
	// registry's uniqueness defect, reported by its own checks. The join
	// is shared with every check against the same dataset on this key.
	pj, err := s.Join(other, thisKey, j.theirs)
	if err != nil {
		return err
	}
	var anyDisagree []string
	c.sums = nil
	for _, name := range c.attrs {
		a := c.params.Columns[name]
		mine, err := s.Column(name)
		if err != nil {
			return err
		}
		theirs, err := pj.Column(a.With)
		if err != nil {
			return err
		}
		// Each computed once per row: both present, then disagreeing
		// (the normalised forms of both sides, once each).
		both := pj.Row(fmt.Sprintf("NOT (%s) AND NOT (%s)", s.Missing(mine), s.MissingIn(other, theirs)))
		differ := pj.Row(fmt.Sprintf("%s AND NOT COALESCE(%s = %s, FALSE)", both, comparableIn(pj, d, "_dq."+mine.SQL, a), comparableIn(pj, d, theirs.SQL, a)))
		c.sums = append(c.sums, pj.Aggregate(dialect.CountIf(both)), pj.Aggregate(dialect.CountIf(differ)))
		anyDisagree = append(anyDisagree, differ)
	}
	// A row whose key is missing matches nothing (Scope.Join), so the
	// matched rows are those with a key found there.
	fails := pj.Row(strings.Join(anyDisagree, " OR "))
	c.rows = s.Aggregate("COUNT(*)")
	c.matched, c.failed = pj.Aggregate(dialect.CountIf(pj.Found())), pj.Aggregate(dialect.CountIf(fails))
	crossJoinExamples(s, pj, fails, thisKey)
	return nil
}

func (c *agrees) Evaluate(v Values, r *result.Check) {
	matched, failed := v.JoinInt(c.matched), v.JoinInt(c.failed)
	evaluateRate(v.Int(c.rows), matched, failed, c.threshold, r)
	per := map[string]any{}
	var parts []string
	for i, name := range c.attrs {
		ev, fl := v.JoinInt(c.sums[2*i]), v.JoinInt(c.sums[2*i+1])
		per[name] = map[string]any{"evaluated": ev, "failed": fl}
		if fl > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name, fl))
		}
	}
	r.Details = map[string]any{"with": c.params.Dataset, "matched": matched, "columns": per, "coordinated_sample": c.coordinated}
	if c.master {
		// Attributes the master already holds, collected again here.
		r.Details["recollected"] = len(c.attrs)
	}
	if failed > 0 {
		r.Message = fmt.Sprintf("%s of %d found in %s disagree (%s)", countf(failed, "row"), matched, c.params.Dataset, strings.Join(parts, ", "))
	}
}
