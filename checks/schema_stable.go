package checks

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "schema_stable", Dimension: "shared", Severity: config.SeverityMajor, DatasetOnly: true, Columns: NamedColumns, New: func() Check { return &schemaStable{} }})
}

// schemaStable holds the columns a dataset publishes to those of the
// last run that recorded them (dùng chung: its consumers do not break):
// a column removed, renamed or retyped is a defect, an added one is not.
// A removed column and an added one of the same type at the same place
// are taken for a rename. Types are compared after folding aliases, as
// schema does. The columns are this check's details, so the run history
// carries them to the next run; with no earlier run (or no history) the
// check passes, not judged, as anomaly does. A table check: Value is the
// number of breaking changes.
type schemaStable struct {
	spec     *config.Check
	current  []column
	previous []column
	judged   bool
}

// column is one published column, as details record it.
type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

var _ Check = (*schemaStable)(nil)

func (c *schemaStable) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&struct{}{}); err != nil {
		return err
	}
	if spec.Column != "" || len(spec.Columns) > 0 {
		return spec.Errorf("column", "schema_stable compares every column of the dataset; it takes no column:")
	}
	if len(spec.Warn) > 0 || spec.Mostly != nil {
		return spec.Errorf("warn", "schema_stable takes no thresholds: any breaking change fails it")
	}
	return nil
}

func (c *schemaStable) Plan(s Scope) error {
	c.current = nil
	for _, col := range s.Columns() {
		c.current = append(c.current, column{Name: col.Name, Type: canonicalType(col.Type)})
	}
	past, err := s.HistoryDetails()
	if err != nil {
		return fmt.Errorf("reading the run history: %w", err)
	}
	c.previous, c.judged = nil, false
	for i := len(past) - 1; i >= 0 && !c.judged; i-- {
		c.previous, c.judged = recordedColumns(past[i]["columns"])
	}
	return nil
}

// recordedColumns reads the columns details recorded, as JSON decoding
// gives them back; ok is false when there are none.
func recordedColumns(v any) (cols []column, ok bool) {
	list, _ := v.([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		if name == "" {
			return nil, false
		}
		cols = append(cols, column{Name: name, Type: canonicalType(typ)})
	}
	return cols, len(cols) > 0
}

// schemaChanges are the differences between two runs' columns.
type schemaChanges struct {
	removed, renamed, retyped, added []string
}

func diffColumns(prev, cur []column) schemaChanges {
	var ch schemaChanges
	now := map[string]int{}
	for i, c := range cur {
		now[c.Name] = i
	}
	before := map[string]bool{}
	gone := map[int]column{} // removed, by their place
	for i, p := range prev {
		before[p.Name] = true
		j, ok := now[p.Name]
		switch {
		case !ok:
			gone[i] = p
		case cur[j].Type != p.Type:
			ch.retyped = append(ch.retyped, fmt.Sprintf("%s: %s → %s", p.Name, p.Type, cur[j].Type))
		}
	}
	for j, c := range cur {
		if before[c.Name] {
			continue
		}
		if p, ok := gone[j]; ok && p.Type == c.Type {
			ch.renamed = append(ch.renamed, p.Name+" → "+c.Name)
			delete(gone, j)
			continue
		}
		ch.added = append(ch.added, c.Name)
	}
	for i, p := range prev {
		if _, ok := gone[i]; ok {
			ch.removed = append(ch.removed, p.Name)
		}
	}
	return ch
}

func (c *schemaStable) Evaluate(_ Values, r *result.Check) {
	r.Status = result.Pass
	d := map[string]any{"columns": c.current, "judged": c.judged}
	r.Details = d
	if !c.judged {
		r.Message = "not judged: no earlier run recorded this dataset's columns"
		return
	}
	ch := diffColumns(c.previous, c.current)
	breaking := len(ch.removed) + len(ch.renamed) + len(ch.retyped)
	r.Value, r.Unit = ptr(float64(breaking)), "changes"
	d["removed"], d["renamed"], d["retyped"], d["added"] = orEmpty(ch.removed), orEmpty(ch.renamed), orEmpty(ch.retyped), orEmpty(ch.added)
	var parts []string
	for _, p := range []struct {
		what  string
		names []string
	}{{"removed", ch.removed}, {"renamed", ch.renamed}, {"retyped", ch.retyped}, {"added (not a defect)", ch.added}} {
		if len(p.names) > 0 {
			parts = append(parts, p.what+" "+strings.Join(p.names, ", "))
		}
	}
	if breaking > 0 {
		r.Status = result.Fail
	}
	if len(parts) > 0 {
		r.Message = "since the last run: " + strings.Join(parts, "; ")
	}
}

// orEmpty makes a nil list an empty one, so details always show the
// four lists.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
