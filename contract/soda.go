package contract

import (
	"fmt"
	"path"
	"strings"
)

// importSoda maps a Soda data contract: dataset: is the dataset (its
// last /-separated part the table), filter: its where:; the checks of
// columns[] (missing, invalid, duplicate, in the contract language of
// Soda 4, or type: no_missing_values, missing_count, invalid_percent,
// ... of Soda 3's contracts) and of the dataset (row_count, freshness,
// schema, duplicate over columns) become checks, their threshold:
// (must_be…, metric: count or percent) mostly: or bounds.
func importSoda(doc map[string]any) (*Result, error) {
	r := &Result{Format: Soda}
	full := str(doc["dataset"])
	d := r.dataset(path.Base(full), path.Base(full))
	if f := str(doc["filter"]); f != "" {
		d.Where = f
	}
	require := map[string]any{}
	var cols []string
	for i, c := range list(doc["columns"]) {
		col := obj2(c)
		name := str(col["name"])
		at := fmt.Sprintf("columns[%d]", i)
		cols = append(cols, name)
		if t := str(col["data_type"]); t != "" {
			require[name] = t
		} else {
			require[name] = "ANY"
		}
		// Soda 3 wrote a column's missing and valid settings on the
		// column; they apply to its checks.
		for j, ch := range list(col["checks"]) {
			typ, body := sodaCheck(ch)
			r.sodaColumnCheck(d, fmt.Sprintf("%s.checks[%d]", at, j), name, typ, body, col)
		}
	}
	var schema *Check
	for i, ch := range list(doc["checks"]) {
		typ, body := sodaCheck(ch)
		at := fmt.Sprintf("checks[%d]", i)
		switch typ {
		case "schema":
			if len(cols) == 0 {
				r.unmapped(d, at, "schema", "no columns: listed to require")
				continue
			}
			schema = d.add(at, "the columns listed, with their data_type where given; extra columns and another order pass", "kind", "schema", "require", orderedMap(cols, require))
			if body["allow_extra_columns"] == false {
				schema.Note += "; allow_extra_columns: false is not checked (dq's schema requires, it does not forbid)"
			}
		case "row_count":
			b, reason := sodaBounds(obj2(body["threshold"]), bounds{min: ptr(1)})
			if reason != "" {
				r.unmapped(d, at, "row_count", reason)
				continue
			}
			note := ""
			if body["threshold"] == nil {
				note = "Soda's default: more than 0 rows"
			}
			d.add(at, note, append([]any{"kind", "row_count"}, b.kv()...)...)
		case "freshness":
			r.sodaFreshness(d, at, body)
		case "duplicate", "duplicate_count", "duplicate_percent":
			cs := strs(body["columns"])
			if len(cs) == 0 {
				r.unmapped(d, at, typ, "no columns: which columns make a duplicate is not written down")
				continue
			}
			l, reason := sodaLimit(typ, obj2(body["threshold"]), body)
			if reason != "" {
				r.unmapped(d, at, typ, reason)
				continue
			}
			c := d.add(at, "dq counts every row of a duplicate group (a pair is 2 rows)", "kind", "unique", "columns", cs)
			r.applyLimit(d, c, l, at, typ)
		case "":
			r.unmapped(d, at, "a check", "no check type")
		default:
			r.unmapped(d, at, typ, sodaUnknown(typ))
		}
	}
	return r, nil
}

// sodaCheck reads a check as {type: {settings}} (Soda 4) or {type: t,
// ...settings} (Soda 3).
func sodaCheck(ch any) (string, map[string]any) {
	m := obj2(ch)
	if t := str(m["type"]); t != "" {
		return t, m
	}
	for k, v := range m {
		return k, obj2(v)
	}
	return "", map[string]any{}
}

func sodaUnknown(typ string) string {
	switch {
	case typ == "metric" || strings.Contains(typ, "sql") || typ == "failed_rows" || typ == "user_defined":
		return "a SQL metric or query: dq runs no SQL a contract writes (only a dataset's where: and query:)"
	case typ == "aggregate" || strings.HasPrefix(typ, "avg") || strings.HasPrefix(typ, "sum"):
		return "an aggregate of a column (average, sum...): no dq check kind computes it"
	}
	return "a check type dq does not know (it maps missing, invalid, duplicate, row_count, freshness, schema)"
}

// sodaColumnCheck maps a check of column col.
func (r *Result) sodaColumnCheck(d *Dataset, at, col, typ string, body, colSettings map[string]any) {
	setting := func(k string) any {
		if v, ok := body[k]; ok {
			return v
		}
		return colSettings[k]
	}
	if f := str(body["filter"]); f != "" {
		r.unmapped(d, at+".filter", typ+" where "+f, "dq filters a whole dataset (where:), not one check")
		return
	}
	if unit, ok := strings.CutPrefix(typ, "freshness_in_"); ok {
		// Soda 3: type: freshness_in_hours, must_be_less_than: 6.
		b := map[string]any{"column": col, "unit": strings.TrimSuffix(unit, "s"), "threshold": body}
		r.sodaFreshness(d, at, b)
		return
	}
	l, reason := sodaLimit(typ, obj2(body["threshold"]), body)
	if reason != "" {
		r.unmapped(d, at, typ, reason)
		return
	}
	var c *Check
	switch typ {
	case "missing", "no_missing_values", "missing_count", "missing_percent":
		c = d.add(at, "", "kind", "not_null", "column", col)
		var notes []string
		if mv := strs(setting("missing_values")); len(mv) > 0 {
			c.set("null_values", mv)
			notes = append(notes, "NULL, blank text, N/A, NULL and 0000-00-00 always count as missing in dq, with the missing_values listed")
		} else {
			notes = append(notes, "Soda counts NULL only by default; dq counts blank text and null-like tokens (N/A) as missing too")
		}
		if setting("missing_format") != nil || setting("missing_regex_sql") != nil {
			notes = append(notes, "missing_format is not mapped: dq's missing tokens are values, not patterns")
		}
		c.Note = strings.Join(notes, "; ")
	case "invalid", "no_invalid_values", "invalid_count", "invalid_percent":
		c = r.sodaValidity(d, at, col, typ, setting)
		if c == nil {
			return
		}
	case "duplicate", "no_duplicate_values", "duplicate_count", "duplicate_percent":
		c = d.add(at, "dq counts every row of a duplicate group (a pair is 2 rows), so a percent bound is stricter than on extra copies", "kind", "unique", "column", col)
	default:
		r.unmapped(d, at, typ, sodaUnknown(typ))
		return
	}
	r.applyLimit(d, c, l, at, typ)
}

// sodaValidity maps an invalid check by what it says valid means; only
// one rule per check maps (dq's kinds each test one thing), the others
// are listed.
func (r *Result) sodaValidity(d *Dataset, at, col, typ string, setting func(string) any) *Check {
	var c *Check
	rest := func(what string) {
		r.unmapped(d, at, typ+" "+what, "one invalid check maps to one dq check; add a check of its own for this rule")
	}
	note := "missing values are not judged (a completeness rule's), as in Soda"
	if v := setting("valid_values"); v != nil {
		c = d.add(at, note+"; compared as text", "kind", "in_set", "column", col, "values", strs(v))
	}
	if f := obj(setting("valid_format")); f != nil || setting("valid_regex_sql") != nil || setting("valid_format") != nil {
		pattern := str(f["regex"])
		if pattern == "" {
			pattern = str(setting("valid_regex_sql"))
		}
		switch {
		case c != nil:
			rest("valid_format")
		case pattern == "":
			r.unmapped(d, at, typ+" valid_format", "a named format without its regex: dq cannot tell what it accepts")
		default:
			c = d.add(at, note+"; the regex is RE2, searched in the value (anchor with ^ and $)", "kind", "regex", "column", col, "pattern", pattern)
		}
	}
	lo, okLo := num(setting("valid_min"))
	hi, okHi := num(setting("valid_max"))
	if okLo || okHi {
		if c != nil {
			rest("valid_min/valid_max")
		} else {
			kv := []any{"kind", "between", "column", col}
			if okLo {
				kv = append(kv, "min", number(lo))
			}
			if okHi {
				kv = append(kv, "max", number(hi))
			}
			c = d.add(at, note+"; inclusive", kv...)
		}
	}
	minL, okMinL := num(setting("valid_min_length"))
	maxL, okMaxL := num(setting("valid_max_length"))
	if n, ok := num(setting("valid_length")); ok {
		minL, maxL, okMinL, okMaxL = n, n, true, true
	}
	if okMinL || okMaxL {
		if c != nil {
			rest("valid length")
		} else {
			kv := []any{"kind", "length", "column", col}
			if okMinL {
				kv = append(kv, "min", number(minL))
			}
			if okMaxL {
				kv = append(kv, "max", number(maxL))
			}
			c = d.add(at, note+"; in characters", kv...)
		}
	}
	if ref := obj(setting("valid_reference_data")); ref != nil {
		switch other := path.Base(str(ref["dataset"])); {
		case c != nil:
			rest("valid_reference_data")
		case other != d.ID:
			// A Soda contract is about one dataset; dq joins datasets of
			// one run.
			r.unmapped(d, at, typ+" valid_reference_data "+other, "the dataset it refers to is not in this contract; dq joins datasets of one run (add it, then kind: references)")
		default:
			c = d.add(at, note, "kind", "references", "column", col, "dataset", other, "key", str(ref["column"]))
		}
	}
	if setting("invalid_values") != nil {
		r.unmapped(d, at, typ+" invalid_values", "a list of forbidden values: dq's in_set lists the allowed ones")
	}
	if c == nil && setting("invalid_values") == nil && setting("valid_reference_data") == nil {
		r.unmapped(d, at, typ, "no valid_values, valid_format, valid_min/max, valid length or valid_reference_data: what is invalid is not written down")
	}
	return c
}

// sodaLimit reads a missing, invalid or duplicate check's threshold:
// Soda 4's threshold: {must_be…, metric: count|percent}, else Soda 3's
// must_be… keys beside the type, percent for the *_percent types;
// without one, no failing row is allowed.
func sodaLimit(typ string, th, body map[string]any) (limit, string) {
	src := th
	if len(src) == 0 {
		src = body
	}
	percent := strings.EqualFold(str(th["metric"]), "percent") || strings.HasSuffix(typ, "_percent")
	for _, k := range []string{"must_be_greater_than", "must_be_greater_than_or_equal", "must_not_be", "must_not_be_between"} {
		if _, ok := src[k]; ok {
			return limit{}, "a lower bound (or an exclusion) on failing rows has no dq form: a check fails on too many defects, never on too few"
		}
	}
	if v, ok := src["must_be"]; ok {
		x, isNum := num(v)
		if !isNum || x != 0 {
			return limit{}, "exactly a number of failing rows above 0 has no dq form"
		}
		return limit{percent: percent}, ""
	}
	if v, ok := num(src["must_be_less_than"]); ok {
		return limit{value: v, percent: percent, strict: true}, ""
	}
	if v, ok := num(src["must_be_less_than_or_equal"]); ok {
		return limit{value: v, percent: percent}, ""
	}
	if b := obj(src["must_be_between"]); b != nil {
		if v, ok := num(b["less_than_or_equal"]); ok {
			return limit{value: v, percent: percent}, ""
		}
		if v, ok := num(b["less_than"]); ok {
			return limit{value: v, percent: percent, strict: true}, ""
		}
	}
	return limit{percent: percent}, ""
}

// sodaBounds reads a row count's threshold; def is Soda's default.
func sodaBounds(th map[string]any, def bounds) (bounds, string) {
	if len(th) == 0 {
		return def, ""
	}
	var b bounds
	if v, ok := num(th["must_be"]); ok {
		return bounds{min: &v, max: ptr(v)}, ""
	}
	if v, ok := num(th["must_be_greater_than"]); ok {
		b.min = ptr(v + 1)
	}
	if v, ok := num(th["must_be_greater_than_or_equal"]); ok {
		b.min = &v
	}
	if v, ok := num(th["must_be_less_than"]); ok {
		b.max = ptr(v - 1)
	}
	if v, ok := num(th["must_be_less_than_or_equal"]); ok {
		b.max = &v
	}
	if bt := obj(th["must_be_between"]); bt != nil {
		if v, ok := num(bt["greater_than"]); ok {
			b.min = ptr(v + 1)
		}
		if v, ok := num(bt["greater_than_or_equal"]); ok {
			b.min = &v
		}
		if v, ok := num(bt["less_than"]); ok {
			b.max = ptr(v - 1)
		}
		if v, ok := num(bt["less_than_or_equal"]); ok {
			b.max = &v
		}
	}
	if b.min == nil && b.max == nil {
		return b, fmt.Sprintf("a threshold dq cannot read (%s): it maps must_be, must_be_greater_than(_or_equal), must_be_less_than(_or_equal), must_be_between", strings.Join(keys(th), ", "))
	}
	return b, ""
}

// sodaFreshness maps a freshness check: the newest value of column must
// be younger than the threshold, in unit (hour by default).
func (r *Result) sodaFreshness(d *Dataset, at string, body map[string]any) {
	col := str(body["column"])
	th := obj2(body["threshold"])
	unit := str(body["unit"])
	if unit == "" {
		unit = str(th["unit"])
	}
	if unit == "" {
		unit = "hour"
	}
	v, ok := num(th["must_be_less_than_or_equal"])
	note := ""
	if !ok {
		v, ok = num(th["must_be_less_than"])
		note = "less than read as at most"
	}
	if !ok {
		v, ok = num(body["must_be_less_than"])
	}
	age, err := period2age(v, unit)
	if col == "" || !ok || err != nil {
		r.unmapped(d, at, "freshness", "needs column: and a threshold must_be_less_than(_or_equal) in whole minutes, hours or days")
		return
	}
	d.add(at, note, "kind", "freshness", "column", col, "max_age", age)
}
