package contract

import (
	"fmt"
	"regexp"
	"strings"
)

// importDBT maps a dbt schema.yml: each model (models[]) and each source
// table (sources[].tables[], named source.table) is a dataset; the tests
// of its columns and of itself (tests: or data_tests:), in dbt's generic
// forms and those of dbt-utils and dbt-expectations, become checks;
// a source's freshness (warn_after, error_after, loaded_at_field) a
// freshness check; a column's data_type a schema check.
func importDBT(doc map[string]any) (*Result, error) {
	r := &Result{Format: DBT}
	models := map[string]*Dataset{}
	type pending struct {
		d      *Dataset
		at     string
		col    string
		target string
		field  string
	}
	var rels []pending
	add := func(d *Dataset, at string, node map[string]any) {
		require := map[string]any{}
		var typed []string
		for j, c := range list(node["columns"]) {
			col := obj2(c)
			name := str(col["name"])
			cat := fmt.Sprintf("%s.columns[%d]", at, j)
			if t := str(col["data_type"]); t != "" {
				require[name] = t
				typed = append(typed, name)
			}
			for k, t := range dbtTests(col) {
				tat := fmt.Sprintf("%s.%s[%d]", cat, dbtTestsKey(col), k)
				name, args, cfg := dbtTest(t)
				if name == "relationships" {
					rels = append(rels, pending{d, tat, str(col["name"]), refName(str(args["to"])), str(args["field"])})
					continue
				}
				r.dbtTest(d, tat, str(col["name"]), name, args, cfg)
			}
		}
		if len(typed) > 0 {
			d.add(at+".columns[].data_type", "the columns with a data_type; extra columns pass", "kind", "schema", "require", orderedMap(typed, require))
		}
		for k, t := range dbtTests(node) {
			name, args, cfg := dbtTest(t)
			r.dbtTest(d, fmt.Sprintf("%s.%s[%d]", at, dbtTestsKey(node), k), "", name, args, cfg)
		}
	}
	for i, m := range list(doc["models"]) {
		model := obj2(m)
		name := str(model["name"])
		d := r.dataset(name, name)
		models[name] = d
		add(d, fmt.Sprintf("models[%d]", i), model)
	}
	for i, s := range list(doc["sources"]) {
		src := obj2(s)
		sname := str(src["name"])
		for j, t := range list(src["tables"]) {
			tbl := obj2(t)
			at := fmt.Sprintf("sources[%d].tables[%d]", i, j)
			table := str(tbl["identifier"])
			if table == "" {
				table = str(tbl["name"])
			}
			if schema := str(src["schema"]); schema != "" {
				table = schema + "." + table
			}
			d := r.dataset(sname+"."+str(tbl["name"]), table)
			models[sname+"."+str(tbl["name"])] = d
			add(d, at, tbl)
			fresh, fat := tbl["freshness"], at+".freshness"
			if fresh == nil {
				fresh, fat = src["freshness"], fmt.Sprintf("sources[%d].freshness", i)
			}
			field := str(tbl["loaded_at_field"])
			if field == "" {
				field = str(src["loaded_at_field"])
			}
			r.dbtFreshness(d, fat, obj(fresh), field)
		}
	}
	for _, p := range rels {
		target, ok := models[p.target]
		switch {
		case !ok:
			r.unmapped(p.d, p.at, "relationships to "+p.target, "the model it refers to is not in this file; dq joins datasets of one run (add it, then kind: references)")
		case p.field == "":
			r.unmapped(p.d, p.at, "relationships to "+p.target, "no field: the column it refers to is not written down")
		default:
			p.d.add(p.at, "missing values are not judged, as in dbt", "kind", "references", "column", p.col, "dataset", target.ID, "key", p.field)
		}
	}
	return r, nil
}

func dbtTestsKey(node map[string]any) string {
	if node["data_tests"] != nil {
		return "data_tests"
	}
	return "tests"
}

func dbtTests(node map[string]any) []any {
	if t := list(node["data_tests"]); t != nil {
		return t
	}
	return list(node["tests"])
}

// dbtTest reads a test as dbt writes it: a name, or {name: {args}}, or
// {name: x, test_name: t, ...}; dbt 1.10's arguments: and config: are
// read where they are.
func dbtTest(t any) (name string, args, cfg map[string]any) {
	if s, ok := t.(string); ok {
		return s, map[string]any{}, map[string]any{}
	}
	m := obj2(t)
	if tn := str(m["test_name"]); tn != "" {
		return tn, dbtArgs(m), obj2(m["config"])
	}
	for k, v := range m {
		a := obj2(v)
		return k, dbtArgs(a), obj2(a["config"])
	}
	return "", map[string]any{}, map[string]any{}
}

func dbtArgs(m map[string]any) map[string]any {
	if a := obj(m["arguments"]); a != nil {
		return a
	}
	return m
}

var refCall = regexp.MustCompile(`^\s*(?:ref|source)\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?\s*\)\s*$`)

// refName is the model ref('x') or source('s', 't') names: x, s.t.
func refName(s string) string {
	m := refCall.FindStringSubmatch(s)
	switch {
	case m == nil:
		return s
	case m[2] != "":
		return m[1] + "." + m[2]
	}
	return m[1]
}

// dbtTest maps one test of a column (col) or a model ("").
func (r *Result) dbtTest(d *Dataset, at, col, name string, args, cfg map[string]any) {
	short := name
	if i := strings.LastIndex(name, "."); i >= 0 {
		short = name[i+1:]
	}
	needCol := func() bool {
		if col == "" {
			r.unmapped(d, at, name, "a column test on a model: dbt needs column_name:, which is not written here")
			return false
		}
		return true
	}
	var c *Check
	switch short {
	case "not_null", "expect_column_values_to_not_be_null":
		if !needCol() {
			return
		}
		c = d.add(at, "dbt counts NULL only; dq counts blank text and null-like tokens (N/A) as missing too", "kind", "not_null", "column", col)
	case "not_empty_string":
		if !needCol() {
			return
		}
		c = d.add(at, "dq counts NULL and blank text as missing, so it checks more than an empty string", "kind", "not_null", "column", col)
	case "not_null_proportion":
		if !needCol() {
			return
		}
		least, ok := num(args["at_least"])
		if !ok {
			r.unmapped(d, at, name, "no at_least: proportion")
			return
		}
		c = d.add(at, "the proportion of rows not missing (NULL, blank or N/A in dq)", "kind", "not_null", "column", col, "mostly", least)
	case "unique", "expect_column_values_to_be_unique":
		if !needCol() {
			return
		}
		c = d.add(at, "dbt's failures are the duplicated values (dq's details.duplicate_keys); dq's failed counts every row of a duplicate group", "kind", "unique", "column", col)
	case "unique_combination_of_columns", "expect_compound_columns_to_be_unique":
		cols := strs(args["combination_of_columns"])
		if cols == nil {
			cols = strs(args["column_list"])
		}
		if len(cols) == 0 {
			r.unmapped(d, at, name, "no columns listed")
			return
		}
		c = d.add(at, "a hash GROUP BY on the columns; rows whose columns are all missing are not judged", "kind", "unique", "columns", cols)
	case "accepted_values", "expect_column_values_to_be_in_set":
		vals := args["values"]
		if vals == nil {
			vals = args["value_set"]
		}
		if !needCol() || vals == nil {
			if col != "" {
				r.unmapped(d, at, name, "no values listed")
			}
			return
		}
		c = d.add(at, "compared as text; missing values are not judged, as in dbt", "kind", "in_set", "column", col, "values", strs(vals))
	case "accepted_range", "expect_column_values_to_be_between":
		if !needCol() {
			return
		}
		exclusive := args["inclusive"] == false || args["strictly"] == true
		if exclusive {
			r.unmapped(d, at, name+" (exclusive)", "dq's between is inclusive; an exclusive range has no dq form for any number")
			return
		}
		kv := []any{"kind", "between", "column", col}
		if v, ok := num(args["min_value"]); ok {
			kv = append(kv, "min", number(v))
		}
		if v, ok := num(args["max_value"]); ok {
			kv = append(kv, "max", number(v))
		}
		if len(kv) == 4 {
			r.unmapped(d, at, name, "neither min_value nor max_value")
			return
		}
		c = d.add(at, "inclusive", kv...)
	case "expect_column_value_lengths_to_be_between":
		if !needCol() {
			return
		}
		kv := []any{"kind", "length", "column", col}
		if v, ok := num(args["min_value"]); ok {
			kv = append(kv, "min", number(v))
		}
		if v, ok := num(args["max_value"]); ok {
			kv = append(kv, "max", number(v))
		}
		c = d.add(at, "in characters, inclusive", kv...)
	case "expect_column_values_to_match_regex":
		if !needCol() {
			return
		}
		if args["is_raw"] == false || args["flags"] != nil {
			r.unmapped(d, at, name, "flags: or is_raw: false change how the pattern reads; dq takes an RE2 pattern as written")
			return
		}
		c = d.add(at, "RE2, searched in the value as dbt-expectations does", "kind", "regex", "column", col, "pattern", str(args["regex"]))
	case "expect_table_row_count_to_be_between":
		kv := []any{"kind", "row_count"}
		if v, ok := num(args["min_value"]); ok {
			kv = append(kv, "min", number(v))
		}
		if v, ok := num(args["max_value"]); ok {
			kv = append(kv, "max", number(v))
		}
		if len(kv) == 2 {
			r.unmapped(d, at, name, "neither min_value nor max_value")
			return
		}
		c = d.add(at, "inclusive", kv...)
	case "expect_column_to_exist":
		if !needCol() {
			return
		}
		c = d.add(at, "", "kind", "schema", "require", ordered{{col, "ANY"}})
	case "recency", "expect_row_values_to_have_recent_data":
		field := str(args["field"])
		if field == "" {
			field = str(args["column_name"])
		}
		if field == "" {
			field = col
		}
		n, ok := num(args["interval"])
		period := str(args["datepart"])
		age, err := period2age(n, period)
		if !ok || err != nil || field == "" {
			r.unmapped(d, at, name, "needs a field and an interval in minutes, hours or days")
			return
		}
		c = d.add(at, "the newest value's age at the run's start", "kind", "freshness", "column", field, "max_age", age)
	case "relationships":
		return // mapped once every model is known
	case "expression_is_true", "expect_column_values_to_satisfy_expression":
		r.unmapped(d, at, name, "a SQL expression: dq runs no SQL a contract writes (only a dataset's where: and query:); write it as a check kind")
		return
	default:
		r.unmapped(d, at, name, "a test dq does not know (it maps not_null, unique, accepted_values, relationships and the common dbt-utils and dbt-expectations tests)")
		return
	}
	if v, ok := num(args["mostly"]); ok && c != nil {
		c.set("mostly", v)
	}
	r.dbtConfig(d, c, at, name, cfg)
}

// dbtConfig maps a test's config: severity warn (a failure only warns,
// which dq has no switch for: the check weighs least and a note says
// so); where: and error_if/warn_if counts cannot be mapped.
func (r *Result) dbtConfig(d *Dataset, c *Check, at, name string, cfg map[string]any) {
	if strings.EqualFold(str(cfg["severity"]), "warn") {
		c.set("severity", "minor")
		if c.Note != "" {
			c.Note += "; "
		}
		c.Note += "dbt severity: warn (a failure only warns): dq still fails it, with the least weight"
	}
	if w := str(cfg["where"]); w != "" {
		r.unmapped(d, at+".config.where", name+" where "+w, "dq filters a whole dataset (where:), not one check; a dataset of its own with this where: can hold the check")
	}
	for _, k := range []string{"error_if", "warn_if"} {
		if v := str(cfg[k]); v != "" && v != "!=0" && v != "!= 0" {
			r.unmapped(d, at+".config."+k, fmt.Sprintf("%s %s", k, v), "a count of failing rows: dq thresholds a share of the rows (mostly:), whose number the test does not know")
		}
	}
}

// dbtFreshness maps a source's freshness: error_after is when the check
// fails, warn_after the stricter warn.
func (r *Result) dbtFreshness(d *Dataset, at string, fresh map[string]any, field string) {
	if fresh == nil {
		return
	}
	errAge, errErr := afterAge(obj(fresh["error_after"]))
	warnAge, warnErr := afterAge(obj(fresh["warn_after"]))
	switch {
	case field == "":
		r.unmapped(d, at, "freshness", "no loaded_at_field: the column that records loads is not written down")
		return
	case errErr != nil && warnErr != nil:
		r.unmapped(d, at, "freshness", "neither warn_after nor error_after is a count of minutes, hours or days")
		return
	}
	if errErr != nil {
		d.add(at+".warn_after", "only warn_after: dq fails where dbt warns", "kind", "freshness", "column", field, "max_age", warnAge)
		return
	}
	c := d.add(at+".error_after", "", "kind", "freshness", "column", field, "max_age", errAge)
	if warnErr == nil {
		c.set("warn", ordered{{"max_age", warnAge}})
		c.Origin += " and warn_after"
	}
}

func afterAge(m map[string]any) (string, error) {
	if m == nil {
		return "", fmt.Errorf("absent")
	}
	n, ok := num(m["count"])
	if !ok {
		return "", fmt.Errorf("no count")
	}
	return period2age(n, str(m["period"]))
}

// period2age writes n periods as freshness's max_age.
func period2age(n float64, period string) (string, error) {
	if n <= 0 || n != float64(int64(n)) {
		return "", fmt.Errorf("not a whole count")
	}
	switch strings.TrimSuffix(strings.ToLower(period), "s") {
	case "minute":
		return fmt.Sprintf("%dm", int64(n)), nil
	case "hour":
		return fmt.Sprintf("%dh", int64(n)), nil
	case "day":
		return fmt.Sprintf("%dd", int64(n)), nil
	}
	return "", fmt.Errorf("unknown period %q", period)
}
