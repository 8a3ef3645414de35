package checks

import (
	"strings"

	"github.com/vn-registries/dq/config"
)

func init() {
	Register(Kind{Name: "in_set", Dimension: "correct", Severity: config.SeverityMinor, New: func() Check { return &inSet{} }})
}

// inSet checks values against an allowed list, compared as text so the
// same config works on a numeric code column and a string one.
type inSet struct {
	valueCheck
	params struct {
		Values []string `yaml:"values"`
	}
}

var _ Check = (*inSet)(nil)

func (c *inSet) Init(spec *config.Check) error {
	if err := c.valueCheck.init(spec, c, &c.params); err != nil {
		return err
	}
	if len(c.params.Values) == 0 {
		return spec.Errorf("values", "in_set needs a non-empty values: list")
	}
	return nil
}

func (c *inSet) valid(s Scope, col Column) (string, error) {
	d := s.Dialect()
	quoted := make([]string, len(c.params.Values))
	for i, v := range c.params.Values {
		quoted[i] = d.String(v)
	}
	return d.Text(col.SQL) + " IN (" + strings.Join(quoted, ", ") + ")", nil
}
