package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "expression", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &expression{} }})
}

// expression is a row check whose rule is a SQL boolean predicate the
// config writes (valid_if: "death_date IS NULL OR death_date >= birth_date"),
// in the SQL of the engine the dataset's checks run in: DuckDB's for files
// and extracts, the source's for engine: source. Every row is evaluated; a
// row passes when the predicate is true, so NULL (unknown) fails: write
// the rows the rule does not apply to into it (x IS NULL OR ...). The
// predicate sees values as stored: a blank or N/A is not NULL there.
// columns: names the columns shown with failing examples.
type expression struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		ValidIf string `yaml:"valid_if"`
	}
	rows, failed Metric
}

var (
	_ Check   = (*expression)(nil)
	_ UserSQL = (*expression)(nil)
)

func (c *expression) Init(spec *config.Check) error {
	c.spec = spec
	if spec.Column != "" {
		return spec.Errorf("column", "expression takes columns: (shown with failing examples), not column:")
	}
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if c.params.ValidIf == "" {
		return spec.Errorf("valid_if", `expression needs valid_if:, a SQL condition true for a valid row, e.g. "death_date IS NULL OR death_date >= birth_date"`)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *expression) UserSQL() []SQLText {
	return []SQLText{{Key: "valid_if", Text: c.params.ValidIf, Shape: SQLPredicate}}
}

func (c *expression) Plan(s Scope) error {
	var cols []Column
	for _, name := range c.spec.Columns {
		col, err := s.Column(name)
		if err != nil {
			return err
		}
		cols = append(cols, col)
	}
	fails := fmt.Sprintf("NOT COALESCE((%s), FALSE)", c.params.ValidIf)
	c.rows = s.Aggregate("COUNT(*)")
	c.failed = s.Aggregate(dialect.CountIf(fails))
	registerExamples(s, fails, cols...)
	return nil
}

func (c *expression) Evaluate(v Values, r *result.Check) {
	rows := v.Int(c.rows)
	evaluateRate(rows, rows, v.Int(c.failed), c.threshold, r)
	if rows == 0 {
		r.Message = "no rows to evaluate"
	}
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d where %s is not true", countf(*r.Failed, "row"), rows, c.params.ValidIf)
	}
}
