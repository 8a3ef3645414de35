package contract

import (
	"fmt"
	"strings"
)

// importODCS maps an Open Data Contract Standard v3 contract: each
// schema[] object is a dataset (physicalName, else name, is its table);
// its properties' required, unique, primaryKey, logicalTypeOptions and
// physicalType, and the quality[] rules of objects and properties
// (metric: or, in v3.0.0 library form, rule:) become checks.
func importODCS(doc map[string]any) (*Result, error) {
	r := &Result{Format: ODCS}
	for i, o := range list(doc["schema"]) {
		obj := obj(o)
		at := fmt.Sprintf("schema[%d]", i)
		name := str(obj["name"])
		table := str(obj["physicalName"])
		if table == "" {
			table = name
		}
		if name == "" {
			name = table
		}
		d := r.dataset(name, table)
		require := map[string]any{}
		var order []string
		for j, p := range list(obj["properties"]) {
			prop := obj2(p)
			col := str(prop["name"])
			pat := fmt.Sprintf("%s.properties[%d]", at, j)
			if col == "" {
				r.unmapped(d, pat, "a property", "it has no name")
				continue
			}
			r.odcsProperty(d, pat, col, prop)
			order = append(order, col)
			if t := str(prop["physicalType"]); t != "" {
				require[col] = t
			} else {
				require[col] = "ANY"
			}
			for k, q := range list(prop["quality"]) {
				r.odcsQuality(d, fmt.Sprintf("%s.quality[%d]", pat, k), col, obj2(q))
			}
		}
		if len(order) > 0 {
			req := orderedMap(order, require)
			d.add(at+".properties", "the columns the contract lists, with their physicalType where given (ANY: present, of any type); extra columns pass",
				"kind", "schema", "require", req)
		}
		for k, q := range list(obj["quality"]) {
			r.odcsQuality(d, fmt.Sprintf("%s.quality[%d]", at, k), "", obj2(q))
		}
	}
	return r, nil
}

func obj2(v any) map[string]any {
	if m := obj(v); m != nil {
		return m
	}
	return map[string]any{}
}

// odcsProperty maps what a property itself requires.
func (r *Result) odcsProperty(d *Dataset, at, col string, p map[string]any) {
	if p["primaryKey"] == true {
		if d.Key == "" {
			d.Key = col
		}
		d.add(at+".primaryKey", "a primary key: present and unique", "kind", "not_null", "column", col)
		d.add(at+".primaryKey", "", "kind", "unique", "column", col)
	}
	if p["required"] == true && p["primaryKey"] != true {
		d.add(at+".required", "dq counts blank text and null-like tokens (N/A) as missing too, not only NULL", "kind", "not_null", "column", col)
	}
	if p["unique"] == true && p["primaryKey"] != true {
		d.add(at+".unique", "", "kind", "unique", "column", col)
	}
	opts := obj2(p["logicalTypeOptions"])
	if pat := str(opts["pattern"]); pat != "" {
		d.add(at+".logicalTypeOptions.pattern", "searched in the value as JSON Schema does (anchor with ^ and $ to match whole values)", "kind", "regex", "column", col, "pattern", pat)
	}
	switch f := str(opts["format"]); f {
	case "":
	case "email":
		d.add(at+".logicalTypeOptions.format", "", "kind", "format", "column", col, "validator", "email")
	default:
		r.unmapped(d, at+".logicalTypeOptions.format", "format: "+f, "dq has no validator for this format (it has cccd, cmnd, mst, bhxh, phone_vn, email, admin_unit, province_2025)")
	}
	minL, okMinL := num(opts["minLength"])
	maxL, okMaxL := num(opts["maxLength"])
	if okMinL || okMaxL {
		kv := []any{"kind", "length", "column", col}
		if okMinL {
			kv = append(kv, "min", number(minL))
		}
		if okMaxL {
			kv = append(kv, "max", number(maxL))
		}
		d.add(at+".logicalTypeOptions.minLength/maxLength", "in characters", kv...)
	}
	r.odcsRange(d, at, col, p, opts)
}

// odcsRange maps minimum/maximum, inclusive as dq's between is; an
// exclusive bound (exclusiveMinimum: a number, or true in the older
// form) maps only on an integer column, one step in.
func (r *Result) odcsRange(d *Dataset, at, col string, p, opts map[string]any) {
	integer := strings.EqualFold(str(p["logicalType"]), "integer")
	var lo, hi *float64
	var notes []string
	take := func(key string, bound **float64, exclusive any, step float64) {
		v, ok := num(opts[key])
		excl := exclusive == true
		if ev, isNum := num(exclusive); isNum && exclusive != true {
			v, ok, excl = ev, true, true
		}
		if !ok {
			return
		}
		if excl {
			if !integer {
				r.unmapped(d, at+".logicalTypeOptions."+key, fmt.Sprintf("exclusive %s %v", key, number(v)), "dq's between is inclusive, and an exclusive bound has an inclusive twin only for whole numbers (logicalType: integer)")
				return
			}
			v += step
			notes = append(notes, fmt.Sprintf("exclusive %s read as %v inclusive (integers)", key, number(v)))
		}
		*bound = &v
	}
	take("minimum", &lo, opts["exclusiveMinimum"], 1)
	take("maximum", &hi, opts["exclusiveMaximum"], -1)
	if lo == nil && hi == nil {
		return
	}
	kv := []any{"kind", "between", "column", col}
	if lo != nil {
		kv = append(kv, "min", number(*lo))
	}
	if hi != nil {
		kv = append(kv, "max", number(*hi))
	}
	d.add(at+".logicalTypeOptions.minimum/maximum", strings.Join(append([]string{"inclusive"}, notes...), "; "), kv...)
}

// odcsMetric is the metric a quality rule names, in v3.0.0's library
// words too.
func odcsMetric(q map[string]any) string {
	m := str(q["metric"])
	if m == "" {
		m = str(q["rule"])
	}
	switch m {
	case "nullCheck", "nullValues", "notNull":
		return "nullValues"
	case "duplicateCount", "duplicateValues", "unique":
		return "duplicateValues"
	case "validValues", "invalidValues":
		return "invalidValues"
	}
	return m
}

// odcsOperators are the mustBe… keys, both spellings ODCS v3 releases
// have used.
var odcsOperators = map[string]string{
	"mustBe": "=", "mustNotBe": "!=",
	"mustBeGreaterThan": ">", "mustBeGreaterOrEqualTo": ">=", "mustBeGreaterThanOrEqualTo": ">=",
	"mustBeLessThan": "<", "mustBeLessOrEqualTo": "<=", "mustBeLessThanOrEqualTo": "<=",
	"mustBeBetween": "between", "mustNotBeBetween": "not between",
}

// odcsOperator is a rule's operator and operand; ok false when it has
// none (the default: the metric must be 0).
func odcsOperator(q map[string]any) (op string, v any, ok bool) {
	for k, o := range odcsOperators {
		if val, has := q[k]; has {
			return o, val, true
		}
	}
	return "", nil, false
}

// odcsQuality maps a quality rule of a property (col) or an object.
func (r *Result) odcsQuality(d *Dataset, at, col string, q map[string]any) {
	typ := str(q["type"])
	metric := odcsMetric(q)
	rule := metric
	if rule == "" {
		rule = "type: " + typ
	}
	switch typ {
	case "sql":
		r.unmapped(d, at, "a SQL rule", "dq runs no SQL a contract writes: config SQL is only a dataset's where: and query:, read-only (docs/reliability.md); write the rule as a check kind, or as a dataset with query: and checks")
		return
	case "text":
		r.unmapped(d, at, "a rule in words", "nothing to run: "+oneLine(str(q["description"])))
		return
	case "custom":
		r.unmapped(d, at, "a custom rule ("+str(q["engine"])+")", "written for another engine; dq cannot run it")
		return
	}
	op, operand, hasOp := odcsOperator(q)
	percent := strings.EqualFold(str(q["unit"]), "percent")
	args := obj2(q["arguments"])
	var c *Check
	switch metric {
	case "nullValues", "missingValues", "invalidValues", "duplicateValues":
		if col == "" && metric != "duplicateValues" {
			r.unmapped(d, at, metric, "a column metric on the whole object: put it under the property it is about")
			return
		}
		l, reason := odcsLimit(op, operand, hasOp, percent)
		if reason != "" {
			r.unmapped(d, at, fmt.Sprintf("%s %s %v", metric, op, operand), reason)
			return
		}
		switch metric {
		case "nullValues":
			c = d.add(at, "dq counts blank text and null-like tokens (N/A) as missing too, not only NULL", "kind", "not_null", "column", col)
		case "missingValues":
			c = d.add(at, "", "kind", "not_null", "column", col)
			var tokens []string
			for _, v := range list(args["missingValues"]) {
				if v != nil && strings.TrimSpace(str(v)) != "" {
					tokens = append(tokens, str(v))
				}
			}
			if len(tokens) > 0 {
				c.set("null_values", tokens)
			}
			c.Note = "NULL and blank text always count as missing in dq, with N/A, NULL, 0000-00-00 and the tokens listed"
		case "invalidValues":
			switch {
			case args["validValues"] != nil:
				c = d.add(at, "missing values are not judged (a completeness rule's), as in ODCS", "kind", "in_set", "column", col, "values", strs(args["validValues"]))
			case args["pattern"] != nil:
				c = d.add(at, "searched in the value (anchor with ^ and $)", "kind", "regex", "column", col, "pattern", str(args["pattern"]))
			default:
				r.unmapped(d, at, "invalidValues", "it says neither validValues nor pattern, so what is invalid is not written down")
				return
			}
		case "duplicateValues":
			cols := []string{col}
			if col == "" {
				cols = strs(args["properties"])
				if len(cols) == 0 {
					r.unmapped(d, at, "duplicateValues", "on the object without arguments.properties: which columns make a duplicate is not written down")
					return
				}
			}
			note := "dq counts every row of a duplicate group (a pair is 2 rows)"
			if percent {
				note += "; a percent bound is on that share, so it is stricter than a count of extra copies"
			}
			if len(cols) == 1 {
				c = d.add(at, note, "kind", "unique", "column", cols[0])
			} else {
				c = d.add(at, note, "kind", "unique", "columns", cols)
			}
		}
		if !r.applyLimit(d, c, l, at, rule) {
			return
		}
	case "rowCount":
		b, reason := odcsBounds(op, operand, hasOp)
		if reason != "" {
			r.unmapped(d, at, fmt.Sprintf("rowCount %s %v", op, operand), reason)
			return
		}
		c = d.add(at, "", append([]any{"kind", "row_count"}, b.kv()...)...)
	case "":
		r.unmapped(d, at, "a rule without metric", "no metric: (or rule:) to map")
		return
	default:
		r.unmapped(d, at, metric, "a metric dq does not know (it maps nullValues, missingValues, invalidValues, duplicateValues, rowCount)")
		return
	}
	if dim := criterion[strings.ToLower(str(q["dimension"]))]; dim != "" {
		c.set("dimension", dim)
	}
	if sev := severity(str(q["severity"])); sev != "" {
		c.set("severity", sev)
	}
}

// odcsLimit is the bound on failing rows an operator sets: =0, <, <=,
// or between 0 and x.
func odcsLimit(op string, v any, hasOp, percent bool) (limit, string) {
	if !hasOp {
		return limit{percent: percent}, ""
	}
	if op == "between" {
		pair := list(v)
		lo, ok1 := num(first(pair, 0))
		hi, ok2 := num(first(pair, 1))
		if ok1 && ok2 && lo == 0 {
			return limit{value: hi, percent: percent}, ""
		}
		return limit{}, "a lower bound on failing rows above 0 has no dq form: a check fails on too many defects, never on too few"
	}
	x, ok := num(v)
	if !ok {
		return limit{}, fmt.Sprintf("the operand %v is not a number", v)
	}
	switch op {
	case "=":
		if x == 0 {
			return limit{percent: percent}, ""
		}
		return limit{}, "exactly a number of failing rows above 0 has no dq form"
	case "<":
		return limit{value: x, percent: percent, strict: true}, ""
	case "<=":
		return limit{value: x, percent: percent}, ""
	}
	return limit{}, "a lower bound (or an exclusion) on failing rows has no dq form: a check fails on too many defects, never on too few"
}

// odcsBounds is the row count's range an operator sets; rows are whole,
// so a strict bound is one row in.
func odcsBounds(op string, v any, hasOp bool) (bounds, string) {
	if !hasOp {
		return bounds{}, "rowCount without mustBe…: no bound to check"
	}
	if op == "between" {
		pair := list(v)
		lo, ok1 := num(first(pair, 0))
		hi, ok2 := num(first(pair, 1))
		if !ok1 || !ok2 {
			return bounds{}, "mustBeBetween needs two numbers"
		}
		return bounds{min: &lo, max: &hi}, ""
	}
	x, ok := num(v)
	if !ok {
		return bounds{}, fmt.Sprintf("the operand %v is not a number", v)
	}
	switch op {
	case "=":
		return bounds{min: &x, max: ptr(x)}, ""
	case ">":
		return bounds{min: ptr(x + 1)}, ""
	case ">=":
		return bounds{min: &x}, ""
	case "<":
		return bounds{max: ptr(x - 1)}, ""
	case "<=":
		return bounds{max: &x}, ""
	}
	return bounds{}, "row_count checks a range; an exclusion (mustNotBe…) has no dq form"
}

func first(l []any, i int) any {
	if i < len(l) {
		return l[i]
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:119] + "…"
	}
	return s
}

// orderedMap is m as a YAML mapping in the order of keys.
func orderedMap(order []string, m map[string]any) any {
	out := ordered{}
	for _, k := range order {
		out = append(out, field{k, m[k]})
	}
	return out
}
