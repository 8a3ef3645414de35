package checks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/validators"
)

func init() {
	Register(Kind{Name: "format", Dimension: "correct", Severity: config.SeverityMajor, Columns: NamedColumnsAnd("birth_date", "gender"), New: func() Check { return &format{} }})
}

// format checks values with a named validator of package validators
// (cccd, cmnd, mst, bhxh, phone_vn, email, admin_unit, province_2025).
//
// For cccd, birth_date: and gender: name columns the number must agree
// with: digits 4–6 imply the birth year, digit 4 the sex (even = male;
// male:/female: list the gender column's values, compared trimmed and
// case-insensitively, M and F by default). A row fails when its number is
// malformed or, being well formed, contradicts a recorded birth year or
// gender; a missing or unknown birth date or gender is not compared.
// Details break the failures down; a row may count in several.
//
// Validators that know stale values (an 11-digit mobile, a commune code
// abolished in 2025) count them in details as well.
type format struct {
	valueCheck
	params struct {
		Validator string   `yaml:"validator"`
		BirthDate string   `yaml:"birth_date"`
		Gender    string   `yaml:"gender"`
		Male      []string `yaml:"male"`
		Female    []string `yaml:"female"`
	}

	// parts are the details' predicates, set by valid during Plan.
	parts   []formatPart
	metrics []Metric
}

// formatPart is one count of the details: rows (non-missing) where pred.
type formatPart struct {
	name, pred string
}

var _ Check = (*format)(nil)

func (c *format) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	p := &c.params
	if p.Validator == "" {
		return spec.Errorf("validator", "format needs validator: (one of %s)", strings.Join(validators.Names(), ", "))
	}
	if _, err := validators.New(p.Validator, validators.Options{}); err != nil {
		if errors.Is(err, validators.ErrUnknown) {
			return spec.Errorf("validator", "%v%s", err, config.DidYouMean(p.Validator, validators.Names()))
		}
		return err
	}
	if p.Validator != "cccd" {
		for key, set := range map[string]bool{"birth_date": p.BirthDate != "", "gender": p.Gender != "", "male": p.Male != nil, "female": p.Female != nil} {
			if set {
				return spec.Errorf(key, "%s: applies to validator: cccd only", key)
			}
		}
	}
	if p.Gender == "" && (p.Male != nil || p.Female != nil) {
		return spec.Errorf("male", "male: and female: need gender: (the column they are values of)")
	}
	if p.Male == nil {
		p.Male = []string{"M"}
	}
	if p.Female == nil {
		p.Female = []string{"F"}
	}
	male := map[string]bool{}
	for _, m := range p.Male {
		male[genderKey(m)] = true
	}
	for _, f := range p.Female {
		if male[genderKey(f)] {
			return spec.Errorf("female", "%q is in both male: and female:", f)
		}
	}
	if genderKey(strings.Join(p.Male, "")) == "" || genderKey(strings.Join(p.Female, "")) == "" {
		return spec.Errorf("male", "male: and female: must not be empty")
	}
	return nil
}

// validatorPredicates are v's valid and stale ("" if v is no Staler)
// predicates of x, their shared parts computed once per row.
func validatorPredicates(s Scope, v validators.Validator, x string) (valid, stale string) {
	if sv, ok := v.(validators.Staged); ok {
		return sv.StagedPredicates(s.Dialect(), x, s.Shared)
	}
	if st, ok := v.(validators.Staler); ok {
		stale = st.StalePredicate(s.Dialect(), x)
	}
	return v.Predicate(s.Dialect(), x), stale
}

// genderKey is how a gender value is compared: trimmed, upper case, as
// the SQL UPPER(TRIM(...)) does.
func genderKey(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func (c *format) valid(s Scope, col Column) (string, error) {
	d := s.Dialect()
	opts := validators.Options{Now: s.Now()}
	v, err := validators.New(c.params.Validator, opts)
	if err != nil {
		return "", err
	}
	x := d.Text(col.SQL)
	valid, stale := validatorPredicates(s, v, x)
	// Shared: the parts below test the structure too, and national_key
	// on the same column tests the same predicate; once per row is enough.
	structural := s.Shared(valid)
	c.parts = nil
	if st, ok := v.(validators.Staler); ok {
		c.parts = append(c.parts, formatPart{st.StaleLabel(), "COALESCE(" + stale + ", FALSE)"})
	}
	if c.params.BirthDate == "" && c.params.Gender == "" {
		return structural, nil
	}

	// The number's fields, read where the structure holds.
	birthYear, male := validators.CCCD(opts).StagedFields(d, x, s.Shared)
	c.parts = append(c.parts, formatPart{"invalid_format", "NOT COALESCE(" + structural + ", FALSE)"})
	valid = "(" + structural + ")"
	if c.params.BirthDate != "" {
		bcol, err := s.Column(c.params.BirthDate)
		if err != nil {
			return "", err
		}
		var date string
		switch {
		case bcol.Family == dialect.Text:
			date = d.TryCast(bcol.SQL, dialect.Date)
		case bcol.Family.Temporal():
			date = bcol.SQL
		default:
			return "", fmt.Errorf("birth_date column %s is %s; it must be a date, a timestamp or text holding dates", bcol.Name, bcol.Type)
		}
		year := dialect.Year(d, date)
		contra := s.Shared(fmt.Sprintf("(CASE WHEN %s THEN (CASE WHEN %s IS NULL THEN FALSE ELSE %s <> %s END) ELSE FALSE END)",
			structural, year, birthYear, year))
		c.parts = append(c.parts, formatPart{"contradicts_birth_year", contra})
		valid += " AND NOT " + contra
	}
	if c.params.Gender != "" {
		gcol, err := s.Column(c.params.Gender)
		if err != nil {
			return "", err
		}
		g := s.Shared("UPPER(TRIM(" + d.Text(gcol.SQL) + "))") // read twice below
		list := func(vals []string) string {
			q := make([]string, len(vals))
			for i, v := range vals {
				q[i] = d.String(genderKey(v))
			}
			return strings.Join(q, ", ")
		}
		contra := s.Shared(fmt.Sprintf("(CASE WHEN %s THEN (CASE WHEN %s IN (%s) THEN NOT (%s) WHEN %s IN (%s) THEN %s ELSE FALSE END) ELSE FALSE END)",
			structural, g, list(c.params.Male), male, g, list(c.params.Female), male))
		c.parts = append(c.parts, formatPart{"contradicts_gender", contra})
		valid += " AND NOT " + contra
	}
	return valid, nil
}

func (c *format) Plan(s Scope) error {
	if err := c.valueCheck.Plan(s); err != nil {
		return err
	}
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	notMissing := "NOT (" + s.Missing(col) + ")"
	c.metrics = make([]Metric, len(c.parts))
	for i, p := range c.parts {
		c.metrics[i] = s.Aggregate(dialect.CountIf(notMissing + " AND " + p.pred))
	}
	return nil
}

// formatWords say what a detail counts, for the message (which never
// carries values).
var formatWords = map[string]string{
	"invalid_format":         "malformed",
	"contradicts_birth_year": "contradicting the birth year",
	"contradicts_gender":     "contradicting the gender",
	"stale_pre2025":          "stale: commune codes abolished on 1 July 2025, see ward_mapping_2025",
	"stale_11digit":          "stale: 11-digit mobile numbers of before 2018",
}

func (c *format) Evaluate(v Values, r *result.Check) {
	c.valueCheck.Evaluate(v, r)
	if len(c.parts) == 0 {
		return
	}
	r.Details = map[string]any{}
	var words []string
	for i, p := range c.parts {
		n := v.Int(c.metrics[i])
		r.Details[p.name] = n
		if n > 0 {
			words = append(words, fmt.Sprintf("%d %s", n, formatWords[p.name]))
		}
	}
	if *r.Failed > 0 && len(words) > 0 {
		r.Message += " (" + strings.Join(words, "; ") + ")"
	}
}
