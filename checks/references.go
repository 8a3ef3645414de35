package checks

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "references", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &references{} }})
}

// references is reference integrity: the share of non-missing values of a
// column that exist in another dataset's key (or a column of it), or in a
// reference list shipped with dq (administrative units...).
//
// A list that declares its retired codes (the administrative units and
// provinces of 2025 do: the mapping of the 1 July 2025 reform) tells a
// stale code from an unknown one: details count the rows whose code was
// retired and name the most frequent such codes with their successors
// ("00001 → 00097"), and the failing examples show the successor too.
type references struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Dataset   string `yaml:"dataset"`
		Key       string `yaml:"key"`
		Reference string `yaml:"reference"`
	}

	rows, evaluated Metric
	failed          Query
	// Against another dataset: failedJoin, from the pair's join.
	joined       bool
	failedJoin   JoinMetric
	coordinated  bool
	sampledOther bool
	// With retired codes: the failed query also counts stale rows and
	// codes, and successors lists the most frequent.
	retired    bool
	successors List
}

// maxSuccessors bounds the stale codes named in details.
const maxSuccessors = 10

var (
	_ Check     = (*references)(nil)
	_ Dependent = (*references)(nil)
)

func (c *references) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if spec.Column == "" {
		return spec.Errorf("column", "references needs the column: to look up")
	}
	if (c.params.Dataset == "") == (c.params.Reference == "") {
		return spec.Errorf("dataset", "references needs dataset: (with key:) or reference:, one of the two")
	}
	if c.params.Reference != "" && c.params.Key != "" {
		return spec.Errorf("key", "key: goes with dataset:; a reference list has its own code column")
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

// DefaultDimension: a shared code list or a master registry is what
// every registry must agree with, "unified"; another dataset is plain
// reference integrity, "correct".
func (c *references) DefaultDimension(cfg *config.Config) string {
	if c.params.Reference != "" || cfg.IsMaster(c.params.Dataset) {
		return unified
	}
	return ""
}

func (c *references) Datasets() []string {
	if c.params.Dataset == "" {
		return nil
	}
	return []string{c.params.Dataset}
}

func (c *references) References() []string {
	if c.params.Reference == "" {
		return nil
	}
	return []string{c.params.Reference}
}

func (c *references) JoinsInSource() bool { return c.params.Dataset != "" }

func (c *references) other(s Scope) (*Relation, error) {
	if c.params.Reference != "" {
		return s.Reference(c.params.Reference)
	}
	return s.Other(c.params.Dataset)
}

func (c *references) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	other, err := c.other(s)
	if err != nil {
		return err
	}
	keyName := c.params.Key
	if keyName == "" {
		keyName = other.Key
	}
	if keyName == "" {
		return fmt.Errorf("%s has no key; say which column to look up with key:", other.ID)
	}
	key, err := otherColumn(other, keyName)
	if err != nil {
		return err
	}
	if c.coordinated, err = coordination(s, col.Name, other, key.Name, false); err != nil {
		return err
	}
	c.sampledOther = !other.Sample.Full()
	d := s.Dialect()
	missing := s.Missing(col)
	c.rows = s.Aggregate("COUNT(*)")
	c.evaluated = s.Aggregate(dialect.CountIf("NOT (" + missing + ")"))
	c.retired = other.Retired != nil
	// In a source (a ClickHouse cluster joining two of its datasets), the
	// plain join below, in the dialect's SQL.
	_, embedded := d.(dialect.DuckDB)
	if !c.retired && c.params.Reference == "" && embedded {
		// Another dataset: a pass of the join every check against it on
		// this column shares.
		j, err := s.Join(other, col, key)
		if err != nil {
			return err
		}
		pred := j.Row(fmt.Sprintf("NOT (%s) AND NOT %s", missing, j.Found()))
		c.failedJoin, c.joined = j.Aggregate(dialect.CountIf(pred)), true
		crossJoinExamples(s, j, pred, col)
		return nil
	}
	code := joinKey(d, "_dq."+col.SQL)
	// Found is a constant of the matched side, not its key: ClickHouse
	// 18.16 gives an unmatched row the default value (0), and the left
	// side's key for the right side's.
	from := fmt.Sprintf("%s AS _dq LEFT JOIN (SELECT DISTINCT %s AS _dq_ref, 1 AS _dq_m FROM %s AS o WHERE %s IS NOT NULL) r ON %s = r._dq_ref",
		s.Table(), joinKey(d, "o."+key.SQL), other.Table, "o."+key.SQL, code)
	pred := fmt.Sprintf("NOT (%s) AND COALESCE(r._dq_m, 0) = 0", missing)
	if !c.retired {
		c.failed = s.Query(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", from, pred))
		crossExamples(s, from, pred, col)
		return nil
	}
	rt := other.Retired.Relation
	old, err := otherColumn(rt, rt.Key)
	if err != nil {
		return err
	}
	succ, err := otherColumn(rt, other.Retired.Successor)
	if err != nil {
		return err
	}
	oldText, succText := joinKey(d, "m."+old.SQL), d.Text("m."+succ.SQL)
	// One row per retired code: its first successor and how many it has.
	stale := fmt.Sprintf("(SELECT %s AS _dq_old, MIN(%s) AS _dq_new, COUNT(DISTINCT %s) AS _dq_n FROM %s AS m WHERE %s IS NOT NULL GROUP BY %s) st",
		oldText, succText, succText, rt.Table, "m."+old.SQL, oldText)
	withStale := from + " LEFT JOIN " + stale + " ON " + code + " = st._dq_old"
	c.failed = s.Query(fmt.Sprintf("SELECT COUNT(*), %s, COUNT(DISTINCT st._dq_old) FROM %s WHERE %s",
		dialect.CountIf("st._dq_old IS NOT NULL"), withStale, pred))
	top := fmt.Sprintf("SELECT %s AS _dq_code, COUNT(*) AS _dq_rows FROM %s WHERE %s AND st._dq_old IS NOT NULL GROUP BY %s ORDER BY 2 DESC, 1 LIMIT %d",
		code, withStale, pred, code, maxSuccessors)
	// Every successor of each: a code is split at most a handful of ways.
	c.successors = s.List(fmt.Sprintf("SELECT t._dq_code, %s, t._dq_rows FROM (%s) t JOIN %s AS m ON t._dq_code = %s ORDER BY 3 DESC, 1, 2",
		succText, top, rt.Table, oldText), 100*maxSuccessors)
	// A stale example reads "00001 → 00097", or "… (split 3 ways)".
	shown := fmt.Sprintf("CASE WHEN st._dq_old IS NULL THEN %s WHEN st._dq_n > 1 THEN CONCAT(%s, ' → ', st._dq_new, ' (split ', %s, ' ways)') ELSE CONCAT(%s, ' → ', st._dq_new) END",
		code, code, d.Text("st._dq_n"), code)
	eq := ExampleQuery{Values: []string{col.Name}}
	sel := shown
	if k, ok := s.Key(); ok && k.Name != col.Name {
		sel = d.Text("_dq."+k.SQL) + ", " + sel
		eq.Key = k.Name
	}
	eq.SQL = fmt.Sprintf("SELECT %s FROM %s WHERE %s", sel, withStale, pred)
	s.Examples(eq)
	return nil
}

func (c *references) Evaluate(v Values, r *result.Check) {
	var row []any
	if c.joined {
		row = []any{v.JoinInt(c.failedJoin)}
	} else {
		row = v.Row(c.failed)
	}
	evaluateRate(v.Int(c.rows), v.Int(c.evaluated), ToInt64(row[0]), c.threshold, r)
	target := c.params.Reference
	if target == "" {
		target = c.params.Dataset
	}
	r.Details = map[string]any{"in": target, "coordinated_sample": c.coordinated}
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d have a %s not found in %s", countf(*r.Failed, "row"), *r.Evaluated, c.spec.Column, target)
	}
	if !c.retired {
		return
	}
	stale, codes := ToInt64(row[1]), ToInt64(row[2])
	r.Details["stale"], r.Details["stale_codes"], r.Details["unknown"] = stale, codes, *r.Failed-stale
	r.Details["successors"] = successorList(v.List(c.successors))
	if stale > 0 {
		r.Message += fmt.Sprintf("; %s retired, with a successor (%s), see details", countf(stale, "row"), countf(codes, "code"))
	}
}

// successorList renders rows of (stale code, successor, rows), most rows
// first, as "00001 → 00097" or "00019 → 00004, 00070" for a code split
// several ways.
func successorList(rows [][]any) []string {
	var order []string
	next := map[string][]string{}
	for _, row := range rows {
		old, succ := fmt.Sprint(row[0]), fmt.Sprint(row[1])
		if _, seen := next[old]; !seen {
			order = append(order, old)
		}
		next[old] = append(next[old], succ)
	}
	out := make([]string, 0, len(order))
	for _, old := range order {
		out = append(out, old+" → "+strings.Join(next[old], ", "))
	}
	return out
}

// crossJoinExamples collects the failing rows of a join, where pred
// holds, in its pass: this dataset's key and the checked column, as
// crossExamples lists them.
func crossJoinExamples(s Scope, j Join, pred string, col Column) {
	d := s.Dialect()
	eq := ExampleQuery{Values: []string{col.Name}}
	sel := []string{d.Text("_dq." + col.SQL)}
	if key, ok := s.Key(); ok && key.Name != col.Name {
		sel = append([]string{d.Text("_dq." + key.SQL)}, sel...)
		eq.Key = key.Name
	}
	j.Examples(pred, sel, eq)
}

// crossExamples lists failing rows of a join: this dataset's key and the
// checked column, read through alias _dq.
func crossExamples(s Scope, from, pred string, col Column) {
	d := s.Dialect()
	eq := ExampleQuery{Values: []string{col.Name}}
	sel := d.Text("_dq." + col.SQL)
	if key, ok := s.Key(); ok && key.Name != col.Name {
		sel = d.Text("_dq."+key.SQL) + ", " + sel
		eq.Key = key.Name
	}
	eq.SQL = fmt.Sprintf("SELECT %s FROM %s WHERE %s", sel, from, pred)
	s.Examples(eq)
}
