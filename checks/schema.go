package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "schema", Dimension: "correct", Severity: config.SeverityCritical, DatasetOnly: true, Columns: NamedColumns, New: func() Check { return &schema{} }})
}

// schema requires columns, optionally of given types. Type names are
// compared after folding common aliases (TEXT = VARCHAR, INT = INTEGER...);
// ANY or an empty type only requires the column.
type schema struct {
	spec     *config.Check
	require  map[string]string
	problems []string
}

var _ Check = (*schema)(nil)

func (c *schema) Init(spec *config.Check) error {
	c.spec = spec
	var p struct {
		Require map[string]string `yaml:"require"`
	}
	if err := spec.Decode(&p); err != nil {
		return err
	}
	if len(p.Require) == 0 {
		return spec.Errorf("require", "schema needs require: {column: TYPE, ...}")
	}
	if len(spec.Warn) > 0 || spec.Mostly != nil {
		return spec.Errorf("warn", "schema takes no thresholds: a column is there or not")
	}
	c.require = p.Require
	return nil
}

var typeAliases = map[string]string{
	"TEXT": "VARCHAR", "STRING": "VARCHAR", "CHAR": "VARCHAR", "BPCHAR": "VARCHAR",
	"INT": "INTEGER", "INT4": "INTEGER", "SIGNED": "INTEGER",
	"INT8": "BIGINT", "LONG": "BIGINT", "INT2": "SMALLINT", "SHORT": "SMALLINT", "INT1": "TINYINT",
	"FLOAT8": "DOUBLE", "NUMERIC": "DECIMAL", "REAL": "FLOAT", "FLOAT4": "FLOAT",
	"BOOL": "BOOLEAN", "LOGICAL": "BOOLEAN",
	"DATETIME": "TIMESTAMP", "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
}

func canonicalType(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	if a, ok := typeAliases[t]; ok {
		return a
	}
	return t
}

func (c *schema) Plan(s Scope) error {
	have := map[string]Column{}
	for _, col := range s.Columns() {
		have[col.Name] = col
	}
	names := make([]string, 0, len(c.require))
	for n := range c.require {
		names = append(names, n)
	}
	sort.Strings(names)
	c.problems = nil
	for _, n := range names {
		want := c.require[n]
		col, ok := have[n]
		switch {
		case !ok:
			c.problems = append(c.problems, fmt.Sprintf("%s is missing", n))
		case want == "" || strings.EqualFold(want, "ANY"):
		case canonicalType(col.Type) != canonicalType(want):
			c.problems = append(c.problems, fmt.Sprintf("%s is %s, expected %s", n, col.Type, want))
		}
	}
	return nil
}

func (c *schema) Evaluate(_ Values, r *result.Check) {
	r.Value, r.Unit = ptr(float64(len(c.problems))), "problems"
	r.Threshold = map[string]any{"require": c.require}
	if len(c.problems) == 0 {
		r.Status = result.Pass
		return
	}
	r.Status = result.Fail
	r.Message = strings.Join(c.problems, "; ")
}
