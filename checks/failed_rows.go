package checks

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "failed_rows", Dimension: "correct", Severity: config.SeverityMajor, New: func() Check { return &failedRows{} }})
}

// failedRows is a row check whose failing rows a query from the config
// names by their key: query: returns a column named as the dataset's key
// (other columns are ignored), reading the dataset as the relation _dq
// (its rows after where:, sample and incremental window), in the SQL of
// the engine it lives in. Every row of the dataset is evaluated; a row
// fails when its key is among those returned, so a key returned twice
// counts once, a key the dataset repeats fails every row holding it, and
// a key the dataset does not hold counts for nothing. The query runs as
// a subquery of the fused scan (key IN (SELECT key FROM (query))), so it
// is scored per group with group_by, and can only read.
type failedRows struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Query string `yaml:"query"`
	}
	rows, failed Metric
}

var (
	_ Check   = (*failedRows)(nil)
	_ UserSQL = (*failedRows)(nil)
)

func (c *failedRows) Init(spec *config.Check) error {
	c.spec = spec
	if spec.Column != "" || len(spec.Columns) > 0 {
		return spec.Errorf("column", "failed_rows takes no column: its query returns the failing rows' keys")
	}
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if c.params.Query == "" {
		return spec.Errorf("query", `failed_rows needs query:, a SELECT returning the failing rows' keys, e.g. "SELECT cccd FROM _dq WHERE ..."`)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *failedRows) UserSQL() []SQLText {
	return []SQLText{{Key: "query", Text: c.params.Query, Shape: SQLQuery}}
}

func (c *failedRows) Plan(s Scope) error {
	key, ok := s.Key()
	if !ok {
		return fmt.Errorf("failed_rows needs the dataset's key: its query names failing rows by their key")
	}
	failing := fmt.Sprintf("%s IN (SELECT _dq_f.%s FROM (%s) _dq_f)", key.SQL, key.SQL, c.params.Query)
	c.rows = s.Aggregate("COUNT(*)")
	c.failed = s.Aggregate(dialect.CountIf(failing))
	registerExamples(s, failing)
	return nil
}

func (c *failedRows) Evaluate(v Values, r *result.Check) {
	rows := v.Int(c.rows)
	evaluateRate(rows, rows, v.Int(c.failed), c.threshold, r)
	if rows == 0 {
		r.Message = "no rows to evaluate"
	}
	if *r.Failed > 0 {
		r.Message = fmt.Sprintf("%s of %d returned by the query", countf(*r.Failed, "row"), rows)
	}
}
