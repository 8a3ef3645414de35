//go:build duckdb_arrow

package planner_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// langCheck is one check of the check-language benchmark and what a
// person writing one fused query by hand computes for it: its evaluated
// and failed counts (a row check), or its value.
type langCheck struct {
	yaml string
	// hand are the aggregates of the hand-written query this check needs:
	// evaluated and failed for "rate", the value for "value", none or
	// anything for "" (not compared: a date, an age, a schema).
	hand []string
	out  string
}

// missing is the hand-written "missing" test of a text column, the one
// dq uses: NULL, blank, or a default null token.
func missing(col string) string {
	return fmt.Sprintf(`(%s IS NULL OR regexp_full_match(%s, '(?i)\s*(?:|N/A|NULL|0000-00-00)\s*'))`, col, col)
}

// langChecks are 100 checks on the population registry, old kinds and new
// mixed as a real config mixes them. Every one is an aggregate of the one
// fused scan (uniqueness, a GROUP BY of its own, is left out, as a single
// hand-written query cannot hold it either).
func langChecks(today, now, fiveYears string) []langCheck {
	text := []string{"cccd", "full_name", "gender", "province_code", "commune_code", "phone", "status"}
	m := func(c string) string { return "m_" + c }
	ci := func(p string) string { return "count_if(" + p + ")" }
	rate := func(y string, evaluated, failed string) langCheck {
		return langCheck{yaml: y, hand: []string{evaluated, failed}, out: "rate"}
	}
	value := func(y, v string) langCheck { return langCheck{yaml: y, hand: []string{v}, out: "value"} }
	// valueRate is a value check on a text column: non-missing values,
	// those where valid is not true fail.
	valueRate := func(y, col, valid string) langCheck {
		return rate(y, ci("NOT "+m(col)), ci(fmt.Sprintf("NOT %s AND NOT coalesce(%s, false)", m(col), valid)))
	}
	typedRate := func(y, col, valid string) langCheck {
		return rate(y, ci(col+" IS NOT NULL"), ci(fmt.Sprintf("%s IS NOT NULL AND NOT coalesce(%s, false)", col, valid)))
	}
	var out []langCheck
	for _, c := range text {
		out = append(out, rate(fmt.Sprintf("{id: present_%s, kind: not_null, column: %s}", c, c), "count(*)", ci(m(c))))
	}
	out = append(out,
		rate("{id: present_birth, kind: not_null, column: birth_date}", "count(*)", ci("birth_date IS NULL")),
		rate("{id: present_updated, kind: not_null, column: updated_at}", "count(*)", ci("updated_at IS NULL")),
		rate("{id: identity, kind: not_null, columns: [cccd, full_name, birth_date]}", "count(*)", ci("m_cccd OR m_full_name OR birth_date IS NULL")),
		rate("{id: contact, kind: not_null, columns: [phone, commune_code]}", "count(*)", ci("m_phone OR m_commune_code")),
		rate("{id: born_sex, kind: not_null, columns: [birth_date, gender]}", "count(*)", ci("birth_date IS NULL OR m_gender")),
		valueRate(`{id: cccd_fmt, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}`, "cccd", `regexp_matches(cccd, '^[0-9]{12}$')`),
		valueRate(`{id: phone_fmt, kind: regex, column: phone, pattern: '^0[35789][0-9]{8}$'}`, "phone", `regexp_matches(phone, '^0[35789][0-9]{8}$')`),
		valueRate(`{id: commune_fmt, kind: regex, column: commune_code, pattern: '^[0-9]{5}$'}`, "commune_code", `regexp_matches(commune_code, '^[0-9]{5}$')`),
		valueRate(`{id: province_fmt, kind: regex, column: province_code, pattern: '^[0-9]{2}$'}`, "province_code", `regexp_matches(province_code, '^[0-9]{2}$')`),
		valueRate(`{id: name_fmt, kind: regex, column: full_name, pattern: '^[^0-9]+$'}`, "full_name", `regexp_matches(full_name, '^[^0-9]+$')`),
		valueRate(`{id: gender_fmt, kind: regex, column: gender, pattern: '^[MF]$'}`, "gender", `regexp_matches(gender, '^[MF]$')`),
		valueRate(`{id: gender_set, kind: in_set, column: gender, values: [M, F]}`, "gender", `gender IN ('M', 'F')`),
		valueRate(`{id: gender_set3, kind: in_set, column: gender, values: [M, F, X]}`, "gender", `gender IN ('M', 'F', 'X')`),
		valueRate(`{id: status_set, kind: in_set, column: status, values: [active, deceased, moved]}`, "status", `status IN ('active', 'deceased', 'moved')`),
		typedRate(`{id: born_range, kind: between, column: birth_date, min: 1900-01-01, max: today}`, "birth_date", "birth_date BETWEEN DATE '1900-01-01' AND "+today),
		typedRate(`{id: updated_range, kind: between, column: updated_at, min: -5y, max: now}`, "updated_at", "updated_at BETWEEN "+fiveYears+" AND "+now),
		typedRate(`{id: updated_since, kind: between, column: updated_at, min: 2000-01-01, strict_min: true}`, "updated_at", "updated_at > TIMESTAMP '2000-01-01 00:00:00'"),
		typedRate(`{id: income_floor, kind: between, column: income, min: 1000000}`, "income", "income >= 1000000"),
		typedRate(`{id: income_positive, kind: between, column: income, min: 0, strict_min: true}`, "income", "income > 0"),
		typedRate(`{id: born_past, kind: between, column: birth_date, max: today, strict_max: true}`, "birth_date", "birth_date < "+today),
		valueRate(`{id: name_len, kind: length, column: full_name, min: 2, max: 100}`, "full_name", "length(full_name) BETWEEN 2 AND 100"),
		valueRate(`{id: name_len_strict, kind: length, column: full_name, min: 1, strict_min: true}`, "full_name", "length(full_name) > 1"),
		valueRate(`{id: cccd_len, kind: length, column: cccd, min: 12, max: 12}`, "cccd", "length(cccd) BETWEEN 12 AND 12"),
		valueRate(`{id: phone_len, kind: length, column: phone, min: 10, max: 10}`, "phone", "length(phone) BETWEEN 10 AND 10"),
		valueRate(`{id: commune_len, kind: length, column: commune_code, min: 5, max: 5}`, "commune_code", "length(commune_code) BETWEEN 5 AND 5"),
		value("{id: volume, kind: row_count, min: 1000}", "count(*)"),
		langCheck{yaml: "{id: updated, kind: freshness, column: updated_at, max_age: 48h}", hand: []string{"max(updated_at)"}},
		langCheck{yaml: "{id: updated_week, kind: freshness, column: updated_at, max_age: 7d, warn: {max_age: 48h}, max_future: 1h}", hand: []string{"max(updated_at)"}},
		langCheck{yaml: "{id: columns, kind: schema, require: {cccd: VARCHAR, birth_date: DATE}}"},

		// The new kinds.
		valueRate(`{id: gender_not, kind: not_in_set, column: gender, values: [X, U]}`, "gender", `NOT gender IN ('X', 'U')`),
		valueRate(`{id: status_not, kind: not_in_set, column: status, values: [unknown]}`, "status", `NOT status IN ('unknown')`),
		valueRate(`{id: province_not, kind: not_in_set, column: province_code, values: ['00', '99']}`, "province_code", `NOT province_code IN ('00', '99')`),
		valueRate(`{id: cccd_not, kind: not_in_set, column: cccd, values: ['000000000000']}`, "cccd", `NOT cccd IN ('000000000000')`),
		valueRate(`{id: phone_not, kind: not_in_set, column: phone, values: ['0000000000', '0999999999']}`, "phone", `NOT phone IN ('0000000000', '0999999999')`),
		valueRate(`{id: name_no_digit, kind: not_regex, column: full_name, pattern: '[0-9]'}`, "full_name", `NOT regexp_matches(full_name, '[0-9]')`),
		valueRate(`{id: phone_no_zeros, kind: not_regex, column: phone, pattern: '^0{10}$'}`, "phone", `NOT regexp_matches(phone, '^0{10}$')`),
		valueRate(`{id: commune_digits, kind: not_regex, column: commune_code, pattern: '[^0-9]'}`, "commune_code", `NOT regexp_matches(commune_code, '[^0-9]')`),
		valueRate(`{id: name_no_dummy, kind: not_regex, column: full_name, patterns: ['^Test', '^XXX', 'N/A$']}`, "full_name",
			`NOT (regexp_matches(full_name, '^Test') OR regexp_matches(full_name, '^XXX') OR regexp_matches(full_name, 'N/A$'))`),
		valueRate(`{id: cccd_not_both, kind: not_regex, column: cccd, patterns: ['^0', '9$'], match: all}`, "cccd",
			`NOT (regexp_matches(cccd, '^0') AND regexp_matches(cccd, '9$'))`),
		valueRate(`{id: phone_carrier, kind: regex, column: phone, patterns: ['^03', '^09', '^08']}`, "phone",
			`(regexp_matches(phone, '^03') OR regexp_matches(phone, '^09') OR regexp_matches(phone, '^08'))`),
		rate("{id: phone_retired, kind: is_null, column: phone, mostly: 0}", "count(*)", ci("NOT m_phone")),
		rate("{id: updated_after_birth, kind: compare, column: updated_at, op: '>=', with: birth_date}",
			ci("NOT (updated_at IS NULL OR birth_date IS NULL)"), ci("NOT (updated_at IS NULL OR birth_date IS NULL) AND NOT coalesce(updated_at >= birth_date, false)")),
		rate("{id: born_before_update, kind: compare, column: birth_date, op: '<', with: updated_at}",
			ci("NOT (birth_date IS NULL OR updated_at IS NULL)"), ci("NOT (birth_date IS NULL OR updated_at IS NULL) AND NOT coalesce(birth_date < updated_at, false)")),
		rate("{id: phone_not_cccd, kind: compare, column: phone, op: '!=', with: cccd}",
			ci("NOT (m_phone OR m_cccd)"), ci("NOT (m_phone OR m_cccd) AND NOT coalesce(phone <> cccd, false)")),
		rate("{id: province_le_commune, kind: compare, column: province_code, op: '<=', with: commune_code}",
			ci("NOT (m_province_code OR m_commune_code)"), ci("NOT (m_province_code OR m_commune_code) AND NOT coalesce(province_code <= commune_code, false)")),
		rate(`{id: rule_born_updated, kind: expression, valid_if: "birth_date <= updated_at"}`, "count(*)", ci("NOT coalesce(birth_date <= updated_at, false)")),
		rate(`{id: rule_deceased, kind: expression, valid_if: "status <> 'deceased' OR updated_at IS NOT NULL"}`, "count(*)", ci("NOT coalesce(status <> 'deceased' OR updated_at IS NOT NULL, false)")),
		rate(`{id: rule_cccd, kind: expression, valid_if: "length(cccd) = 12 OR cccd IS NULL"}`, "count(*)", ci("NOT coalesce(length(cccd) = 12 OR cccd IS NULL, false)")),
		rate(`{id: rule_phone, kind: expression, valid_if: "phone IS NULL OR length(phone) = 10"}`, "count(*)", ci("NOT coalesce(phone IS NULL OR length(phone) = 10, false)")),
		rate(`{id: young, kind: failed_rows, query: "SELECT cccd FROM _dq WHERE birth_date > DATE '2020-01-01'", mostly: 0}`,
			"count(*)", ci("cccd IN (SELECT cccd FROM citizens WHERE birth_date > DATE '2020-01-01')")),
		value(`{id: income_avg_sql, kind: sql_metric, sql: "AVG(income)", min: 0}`, "avg(income)"),
		value(`{id: active_share, kind: sql_metric, sql: "AVG(CASE WHEN status = 'active' THEN 1.0 ELSE 0 END)", min: 0.5}`, "avg(CASE WHEN status = 'active' THEN 1.0 ELSE 0 END)"),
		value(`{id: provinces_sql, kind: sql_metric, sql: "COUNT(DISTINCT province_code)", min: 1}`, "count(DISTINCT province_code)"),
		value(`{id: longest_name, kind: sql_metric, sql: "MAX(length(full_name))", max: 100}`, "max(length(full_name))"),
		value(`{id: women_share, kind: sql_metric, sql: "SUM(CASE WHEN gender = 'F' THEN 1 ELSE 0 END) * 1.0 / COUNT(*)", min: 0.3}`, "count_if(gender = 'F') * 1.0 / count(*)"),
		value("{id: income_min, kind: metric, column: income, metric: min, min: 0}", "min(income)"),
		value("{id: income_max, kind: metric, column: income, metric: max, max: 100000000}", "max(income)"),
		value("{id: income_mean, kind: metric, column: income, metric: mean, min: 1000000}", "avg(income)"),
		value("{id: income_mean_strict, kind: metric, column: income, metric: mean, min: 0, strict_min: true}", "avg(income)"),
		value("{id: income_sum, kind: metric, column: income, metric: sum, min: 0}", "sum(income)"),
		value("{id: income_sum_bound, kind: metric, column: income, metric: sum, max: 1000000000000000000}", "sum(income)"),
		value("{id: income_sd, kind: metric, column: income, metric: stddev, max: 100000000}", "stddev_samp(income)"),
		value("{id: income_median, kind: metric, column: income, metric: median, min: 0}", "quantile_cont(income, 0.5)"),
		value("{id: income_p50, kind: metric, column: income, metric: percentile, percentile: 0.5, min: 0}", "quantile_cont(income, 0.5)"),
	)
	for _, p := range []string{"0.25", "0.75", "0.9", "0.95", "0.99"} {
		out = append(out, value(fmt.Sprintf("{id: income_p%s, kind: metric, column: income, metric: percentile, percentile: %s, min: 0}", strings.TrimPrefix(p, "0."), p),
			"quantile_cont(income, "+p+")"))
	}
	out = append(out,
		langCheck{yaml: "{id: oldest, kind: metric, column: birth_date, metric: min, min: 1900-01-01}", hand: []string{"min(birth_date)"}},
		langCheck{yaml: "{id: youngest, kind: metric, column: birth_date, metric: max, max: today}", hand: []string{"max(birth_date)"}},
		langCheck{yaml: "{id: latest_update, kind: metric, column: updated_at, metric: max, max: now}", hand: []string{"max(updated_at)"}},
	)
	for _, c := range []string{"province_code", "commune_code", "gender", "status", "phone", "cccd"} {
		out = append(out, value(fmt.Sprintf("{id: distinct_%s, kind: metric, column: %s, metric: distinct_count, min: 1}", c, c),
			fmt.Sprintf("count(DISTINCT CASE WHEN NOT %s THEN %s END)", m(c), c)))
	}
	share := func(c string) string {
		return fmt.Sprintf("count(DISTINCT CASE WHEN NOT %s THEN %s END) / count_if(NOT %s)", m(c), c, m(c))
	}
	out = append(out,
		value("{id: cccd_distinct_share, kind: metric, column: cccd, metric: distinct_share, min: 0.9}", share("cccd")),
		value("{id: cccd_dup_share, kind: metric, column: cccd, metric: duplicate_share, max: 0.1}", "1 - "+share("cccd")),
		value("{id: name_dup_share, kind: metric, column: full_name, metric: duplicate_share, max: 1}", "1 - "+share("full_name")),
	)
	for _, c := range text {
		out = append(out, value(fmt.Sprintf("{id: missing_%s, kind: metric, column: %s, metric: missing_share, max: 0.1}", c, c), ci(m(c))+" / count(*)"))
	}
	out = append(out,
		value("{id: missing_birth, kind: metric, column: birth_date, metric: missing_share, max: 0.1}", "count_if(birth_date IS NULL) / count(*)"),
		value("{id: missing_income, kind: metric, column: income, metric: missing_share, max: 0.1}", "count_if(income IS NULL) / count(*)"),
		rate("{id: genders_listed, kind: distinct_values, column: gender, within: [M, F]}",
			"count(DISTINCT CASE WHEN NOT m_gender THEN gender END)", "count(DISTINCT CASE WHEN NOT m_gender AND gender NOT IN ('M', 'F') THEN gender END)"),
		rate("{id: statuses_used, kind: distinct_values, column: status, contains: [active, deceased, moved]}",
			"3", "3 - count(DISTINCT CASE WHEN NOT m_status AND status IN ('active', 'deceased', 'moved') THEN status END)"),
		rate("{id: provinces_exact, kind: distinct_values, column: province_code, equals: ['01', '79', '48']}",
			"3 + count(DISTINCT CASE WHEN NOT m_province_code AND province_code NOT IN ('01', '79', '48') THEN province_code END)",
			"3 - count(DISTINCT CASE WHEN NOT m_province_code AND province_code IN ('01', '79', '48') THEN province_code END) + count(DISTINCT CASE WHEN NOT m_province_code AND province_code NOT IN ('01', '79', '48') THEN province_code END)"),
	)
	return out
}

// BenchmarkCheckLanguage times dq's plan for 100 checks, old kinds and
// new, against one hand-written query computing the same metrics, run in
// turn (dq, hand, hand, dq, ...) so that a load that comes and goes on
// the machine falls on both. Both results are compared: the hand query
// must compute what the checks report. DQ_BENCH_ROWS sets the population
// (10,000,000 for docs/performance.md).
func BenchmarkCheckLanguage(b *testing.B) {
	// DQ_BENCH_CITIZENS reads a population registry written elsewhere
	// instead (the scaling benchmark's 30M rows, beyond what the demo
	// generator writes: ~/.cache/dq-bench/scaling/demo-10000000-x3.parquet).
	file := os.Getenv("DQ_BENCH_CITIZENS")
	if file == "" {
		file = filepath.Join(benchData(b, benchRows()), "citizens.parquet")
	}
	ctx := context.Background()
	conn := enginetest.Conn(b, engine.Options{})
	d := dialect.DuckDB{}
	// The registry has no number column: income is derived from the ID,
	// with 1% missing.
	if err := conn.Exec(ctx, "CREATE TABLE citizens AS SELECT *, CASE WHEN hash(cccd) % 100 = 0 THEN NULL ELSE CAST(hash(cccd) % 50000000 AS BIGINT) END AS income FROM read_parquet("+
		d.String(file)+")"); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	today := d.Date(now)
	list := langChecks(today, d.Timestamp(now), d.Timestamp(now.AddDate(-5, 0, 0)))
	if len(list) != 100 {
		b.Fatalf("%d checks, want 100", len(list))
	}
	var yaml strings.Builder
	yaml.WriteString("ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: citizens\n    ministry: M\n    source: s\n    key: cccd\n    checks:\n")
	for _, c := range list {
		yaml.WriteString("      - " + c.yaml + "\n")
	}
	cfg, err := config.Parse("bench.yaml", []byte(yaml.String()), nil)
	if err != nil {
		b.Fatal(err)
	}
	ds := &cfg.Datasets[0]
	var built []*checks.Built
	for i := range ds.Checks {
		bc, err := checks.Build(cfg, &ds.Checks[i])
		if err != nil {
			b.Fatal(err)
		}
		built = append(built, bc)
	}
	desc, err := conn.Describe(ctx, "citizens")
	if err != nil {
		b.Fatal(err)
	}
	var cols []checks.Column
	for _, c := range desc {
		cols = append(cols, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
	}
	pds := planner.Dataset{Dialect: d, Table: d.Ident("citizens"), Columns: cols, Key: "cccd", Now: now,
		Tokens: func(c *config.Check) []string { return cfg.MissingTokens(ds, c) }, RowsTotal: -1}

	// The hand-written query: each text column's missing test once, then
	// every distinct aggregate once.
	var aggs []string
	for _, c := range list {
		for _, h := range c.hand {
			if !slices.Contains(aggs, h) {
				aggs = append(aggs, h)
			}
		}
	}
	var flags []string
	for _, c := range []string{"cccd", "full_name", "gender", "province_code", "commune_code", "phone", "status"} {
		flags = append(flags, missing(c)+" AS m_"+c)
	}
	hand := "SELECT " + strings.Join(aggs, ",\n  ") + "\nFROM (SELECT *, " + strings.Join(flags, ", ") + " FROM citizens) t"

	runDQ := func() []planner.Outcome {
		plan := planner.New(pds, built)
		if n := len(plan.SQL()); n != 1 {
			b.Fatalf("%d queries, want the one fused scan", n)
		}
		return plan.Run(ctx, conn, planner.Options{})
	}
	var dqTimes, handTimes []time.Duration
	var outs []planner.Outcome
	var handRow []any
	load0 := loadAverage()
	for i := 0; b.Loop(); i++ {
		for k := 0; k < 2; k++ {
			t0 := time.Now()
			if (i+k)%2 == 0 {
				outs = runDQ()
				dqTimes = append(dqTimes, time.Since(t0))
			} else {
				if handRow, err = conn.QueryRow(ctx, hand); err != nil {
					b.Fatal(err)
				}
				handTimes = append(handTimes, time.Since(t0))
			}
		}
	}
	load1 := loadAverage()
	compareWithHand(b, list, outs, aggs, handRow)
	// Each pair ran back to back, under the same load: the median of the
	// pairs' ratios is the figure; the medians and minimums are beside it.
	pairs := make([]float64, len(dqTimes))
	for i := range pairs {
		pairs[i] = float64(dqTimes[i]) / float64(handTimes[i])
	}
	ratio := medianOf(pairs)
	b.ReportMetric(ratio, "dq/hand")
	rows, err := conn.Count(ctx, "citizens", "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(rows), "rows")
	b.Logf("%d rows, 100 checks (%d distinct aggregates in dq's plan, %d in the hand query): dq/hand %.3f (median of %d back-to-back pairs %.3f); medians dq %v, hand %v (%.3f); fastest dq %v, hand %v (%.3f); dq runs %v, hand runs %v; load average %s -> %s",
		rows, planner.New(pds, built).Metrics(), len(aggs), ratio, len(pairs), pairs,
		median(dqTimes).Round(time.Millisecond), median(handTimes).Round(time.Millisecond), float64(median(dqTimes))/float64(median(handTimes)),
		slices.Min(dqTimes).Round(time.Millisecond), slices.Min(handTimes).Round(time.Millisecond), float64(slices.Min(dqTimes))/float64(slices.Min(handTimes)),
		dqTimes, handTimes, load0, load1)
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// compareWithHand requires every compared check to report what the hand
// query computed for it.
func compareWithHand(b *testing.B, list []langCheck, outs []planner.Outcome, aggs []string, row []any) {
	b.Helper()
	at := func(expr string) float64 {
		i := slices.Index(aggs, expr)
		if i < 0 {
			b.Fatalf("no hand aggregate %q", expr)
		}
		f, _ := checks.ToFloat64(row[i])
		return f
	}
	for i, c := range list {
		r := outs[i].Result
		if r.Status == result.Error {
			b.Fatalf("%s: %s", outs[i].Built.Spec.ID, r.Message)
		}
		switch c.out {
		case "rate":
			if float64(*r.Evaluated) != at(c.hand[0]) || float64(*r.Failed) != at(c.hand[1]) {
				b.Fatalf("%s: dq %d/%d, hand %v/%v", outs[i].Built.Spec.ID, *r.Evaluated, *r.Failed, at(c.hand[0]), at(c.hand[1]))
			}
		case "value":
			if want := at(c.hand[0]); r.Value == nil || math.Abs(*r.Value-want) > 1e-9*math.Max(1, math.Abs(want)) {
				b.Fatalf("%s: dq %v, hand %v", outs[i].Built.Spec.ID, r.Value, want)
			}
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// loadAverage is the machine's 1, 5 and 15 minute load, as the benchmark
// shares it with other work.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
