package checks

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/validators"
)

func init() {
	Register(Kind{Name: "national_key", Dimension: "shared", Severity: config.SeverityMajor, Columns: NamedColumns, New: func() Check { return &nationalKey{} }})
}

// nationalKeys are the validators of the identifiers data is shared by
// across the state: the personal ID for people, the tax code for
// enterprises, the 2025 administrative codes for places.
var nationalKeys = []string{"admin_unit", "cccd", "mst", "province_2025"}

// nationalKey is the share of records that carry a valid national key
// (dùng chung: a record other registries can find), rather than only a
// local id. Unlike format, a record without the key fails, as that is
// what this kind measures: every row is evaluated, and nulls: does not
// apply. Details split the failures into missing and invalid keys, and
// count the records still keyed by a 9-digit CMND (cccd) or by a code
// retired on 1 July 2025 (admin_unit, province_2025).
type nationalKey struct {
	spec      *config.Check
	threshold rateThreshold
	params    struct {
		Validator string `yaml:"validator"`
	}

	rows, missing, invalid Metric
	// extra is the details' own count (cmnd or stale_pre2025), if any.
	extra     Metric
	extraName string
}

var _ Check = (*nationalKey)(nil)

func (c *nationalKey) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	if spec.Column == "" {
		return spec.Errorf("column", "national_key needs the column: holding the national key")
	}
	if len(spec.Columns) > 0 {
		return spec.Errorf("columns", "national_key takes one column:, not columns:")
	}
	found := false
	for _, n := range nationalKeys {
		found = found || n == c.params.Validator
	}
	if !found {
		return spec.Errorf("validator", "national_key needs validator: %s (cccd for people, mst for enterprises, admin_unit or province_2025 for places), got %q",
			strings.Join(nationalKeys, ", "), c.params.Validator)
	}
	t, err := parseRateThreshold(spec)
	c.threshold = t
	return err
}

func (c *nationalKey) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	d := s.Dialect()
	opts := validators.Options{Now: s.Now()}
	v, err := validators.New(c.params.Validator, opts)
	if err != nil {
		return err
	}
	x := d.Text(col.SQL)
	missing := s.Missing(col)
	// Shared: format: on the same column tests the same predicate.
	valid, stale := validatorPredicates(s, v, x)
	invalid := fmt.Sprintf("NOT (%s) AND NOT COALESCE(%s, FALSE)", missing, s.Shared(valid))
	c.rows = s.Aggregate("COUNT(*)")
	c.missing = s.Aggregate(dialect.CountIf(missing))
	c.invalid = s.Aggregate(dialect.CountIf(invalid))
	c.extraName = ""
	switch st, ok := v.(validators.Staler); {
	case ok:
		c.extraName = st.StaleLabel()
		c.extra = s.Aggregate(dialect.CountIf(fmt.Sprintf("NOT (%s) AND COALESCE(%s, FALSE)", missing, stale)))
	case c.params.Validator == "cccd":
		// The invalid ones a CMND validator accepts: a CMND validator
		// accepts a CCCD too, which invalid ones are not.
		c.extraName = "cmnd"
		c.extra = s.Aggregate(dialect.CountIf(fmt.Sprintf("%s AND COALESCE(%s, FALSE)", invalid, validators.CMNDLegacyPredicate(d, x))))
	}
	registerExamples(s, fmt.Sprintf("(%s) OR (%s)", missing, invalid), col)
	return nil
}

func (c *nationalKey) Evaluate(v Values, r *result.Check) {
	rows, missing, invalid := v.Int(c.rows), v.Int(c.missing), v.Int(c.invalid)
	evaluateRate(rows, rows, missing+invalid, c.threshold, r)
	r.Details = map[string]any{"validator": c.params.Validator, "missing": missing, "invalid": invalid}
	if c.extraName != "" {
		r.Details[c.extraName] = v.Int(c.extra)
	}
	if missing+invalid > 0 {
		r.Message = fmt.Sprintf("%s of %d carry no valid %s in %s (%d missing, %d invalid)",
			countf(missing+invalid, "row"), rows, c.params.Validator, c.spec.Column, missing, invalid)
	}
}
