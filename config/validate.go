package config

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// validate reports what is wrong in the sections config owns, one function
// per section: first the top-level sections (a setting located at its key
// when written, a list's items at the file), then sources and datasets in
// file order, each problem located and named. What other
// packages own is theirs to validate (pipeline.Prepare): check kinds'
// parameters, connectors' settings, mask policies (mask), sample settings
// (sampling). validate only reads c: defaults and normalisations are
// setDefaults', so a config reads the same whether or not it was validated.
func (c *Config) validate(unsetEnv []string) Errors {
	var errs Errors
	c.validateEnvironment(&errs, unsetEnv)
	c.validateMinistries(&errs)
	c.validateDimensions(&errs)
	c.validateEngine(&errs)
	c.validateScoring(&errs)
	c.validateDemo(&errs)
	c.validatePublish(&errs)
	c.validateReferences(&errs)
	c.validateSources(&errs)
	c.validateDatasets(&errs)
	return errs
}

// top is the location of a problem in a section whose lines are not kept.
func (c *Config) top() Location { return Location{File: c.File} }

// setting reports a problem with a top-level setting (dotted, e.g.
// engine.threads) at its line; one an override (DQ_*, a flag) set is not
// where the file says, and its message says where it came from.
func (c *Config) setting(errs *Errors, key, format string, args ...any) {
	if c.overridden[key] {
		errs.Add(c.top(), key, format+" (set by %s or its flag)", append(args, overrideVar(key))...)
		return
	}
	errs.Add(at(c.top(), lineOf(c.doc, key)), key, format, args...)
}

// checkWeight says what is wrong with a weight, "" when nothing: it is a
// finite number, 0 or more; NaN or an infinity would make every score it
// enters NaN, which JSON cannot even hold.
func checkWeight(w float64) string {
	switch {
	case w < 0:
		return "weight must not be negative"
	case math.IsNaN(w) || math.IsInf(w, 1):
		return fmt.Sprintf("weight must be a finite number, got %v", w)
	}
	return ""
}

// validateEnvironment names every ${NAME} the file uses that is not set:
// usually a secret the operator forgot to export.
func (c *Config) validateEnvironment(errs *Errors, unset []string) {
	for _, name := range unset {
		errs.Add(c.top(), "", "environment variable %s is referenced as ${%s} but not set", name, name)
	}
}

func (c *Config) validateMinistries(errs *Errors) {
	if len(c.Ministries) == 0 {
		errs.Add(c.top(), "ministries", "no ministry is defined; add e.g. ministries: [{id: MPS, name: Ministry of Public Security}]")
	}
	seen := map[string]bool{}
	for i, m := range c.Ministries {
		f := fmt.Sprintf("ministries[%d]", i)
		if m.ID == "" {
			errs.Add(c.top(), f, "a ministry needs an id")
		}
		if seen[m.ID] {
			errs.Add(c.top(), f, "ministry %q defined twice", m.ID)
		}
		seen[m.ID] = true
		if msg := checkWeight(m.Weight); msg != "" {
			errs.Add(c.top(), f, "%s", msg)
		}
	}
}

// validateDimensions checks dimensions: and kind_dimensions:, which must
// map onto them.
func (c *Config) validateDimensions(errs *Errors) {
	seen := map[string]bool{}
	for i, d := range c.Dimensions {
		f := fmt.Sprintf("dimensions[%d]", i)
		if d.ID == "" {
			errs.Add(c.top(), f, "a dimension needs an id")
		}
		if seen[d.ID] {
			errs.Add(c.top(), f, "dimension %q defined twice", d.ID)
		}
		seen[d.ID] = true
		if msg := checkWeight(d.Weight); msg != "" {
			errs.Add(c.top(), f, "%s", msg)
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(c.KindDims)) {
		if c.Dimension(c.KindDims[kind]) == nil {
			errs.Add(c.top(), "kind_dimensions."+kind, "dimension %q is not defined (defined: %s)", c.KindDims[kind], c.dimensionList())
		}
	}
}

// Engine bounds: beyond them a number is a typo, not a machine. A worker
// holds a dataset in the engine, so workers are fewer than threads.
const (
	MaxThreads = 1024
	MaxWorkers = 256
)

// memoryLimit is a size DuckDB's memory_limit reads: a number and a unit
// of 1000s (KB, MB, GB, TB, or K, M, G, T) or 1024s (KiB, MiB, GiB, TiB),
// any case.
var memoryLimit = regexp.MustCompile(`(?i)^\s*([0-9]+(?:\.[0-9]*)?)\s*(b|bytes?|[kmgt]|[kmgt]i?b)\s*$`)

// validateEngine checks the engine's settings, which the run hands to
// DuckDB and the worker pool as they are: one DuckDB refuses would stop
// the run after the config was declared valid.
func (c *Config) validateEngine(errs *Errors) {
	e := c.Engine
	if e.Threads < 0 || e.Threads > MaxThreads {
		c.setting(errs, "engine.threads", "must be between 0 (all cores) and %d, got %d", MaxThreads, e.Threads)
	}
	if e.Workers < 0 || e.Workers > MaxWorkers {
		c.setting(errs, "engine.workers", "must be between 1 and %d (0 or absent: min(4, cores)), got %d", MaxWorkers, e.Workers)
	}
	if e.MemoryLimit != "" {
		m := memoryLimit.FindStringSubmatch(e.MemoryLimit)
		if n, err := strconv.ParseFloat(firstGroup(m), 64); err != nil || !(n > 0) {
			c.setting(errs, "engine.memory_limit", "%q is not a size such as 4GB, 512MB or 2GiB", e.MemoryLimit)
		}
	}
}

// firstGroup is a match's first group, "" without a match.
func firstGroup(m []string) string {
	if len(m) < 2 {
		return ""
	}
	return m[1]
}

// validateScoring checks the settings that shape every scorecard: the
// bands a score is coloured by and the zone timestamps are read in.
func (c *Config) validateScoring(errs *Errors) {
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			c.setting(errs, "timezone", "unknown time zone %q (use an IANA name such as Asia/Ho_Chi_Minh)", c.Timezone)
		}
	}
	// Written so that NaN fails too.
	if g, y := c.Bands.Green, c.Bands.Yellow; !(0 <= y && y <= g && g <= 100) {
		c.setting(errs, "bands", "need 0 <= yellow <= green <= 100, got yellow %v green %v", y, g)
	}
}

// validateDemo checks the demo's size; setDefaults has turned 0 into the
// default.
func (c *Config) validateDemo(errs *Errors) {
	if c.Demo != nil && c.Demo.Rows < 0 {
		c.setting(errs, "demo.rows", "must be a positive number of rows, got %d", c.Demo.Rows)
	}
}

func (c *Config) validatePublish(errs *Errors) {
	h := c.Publish.HTTP
	if h == nil {
		return
	}
	if !strings.HasPrefix(h.URL, "http://") && !strings.HasPrefix(h.URL, "https://") {
		// Never the URL as written: it may hold a password or a key.
		c.setting(errs, "publish.http.url", "must be an http:// or https:// URL, got %q", RedactURL(h.URL))
	}
	if h.TokenEnv != "" {
		// Checked now rather than at delivery: an unset token would
		// otherwise be found after the whole run, or become an
		// anonymous POST.
		if v, ok := os.LookupEnv(h.TokenEnv); !ok || v == "" {
			c.setting(errs, "publish.http.token_env", "environment variable %s is not set or empty: the delivery would go without its token", h.TokenEnv)
		}
	}
	for _, d := range []struct{ key, value string }{{"timeout", h.Timeout}, {"total_timeout", h.TotalTimeout}} {
		if d.value == "" {
			continue
		}
		if v, err := time.ParseDuration(d.value); err != nil || v <= 0 {
			c.setting(errs, "publish.http."+d.key, "%q is not a positive duration such as 10s or 2m", d.value)
		}
	}
	if h.MaxRetries < 0 {
		c.setting(errs, "publish.http.max_retries", "must not be negative")
	}
}

func (c *Config) validateReferences(errs *Errors) {
	for _, name := range slices.Sorted(maps.Keys(c.References)) {
		r := c.References[name]
		if r.File == "" || r.Column == "" {
			errs.Add(c.top(), "references."+name, "a reference list needs file: and column:")
		}
		if rt := r.Retired; rt != nil && (rt.File == "" || rt.Column == "" || rt.Successor == "") {
			errs.Add(c.top(), "references."+name+".retired", "a list of retired codes needs file:, column: (the retired code) and successor: (the code that replaced it)")
		}
	}
}

// validateSources checks the keys every source shares; the rest of a
// source is its connector's.
func (c *Config) validateSources(errs *Errors) {
	for _, name := range c.sourcesInFileOrder() {
		s := c.Sources[name]
		loc := Location{File: c.File, Line: s.Line}
		if s.Kind == "" {
			errs.Add(loc, "sources."+name, "kind is missing (file, postgres, mysql, ...)")
		}
		if s.Timezone != "" {
			if _, err := time.LoadLocation(s.Timezone); err != nil {
				errs.Add(loc, "sources."+name+".timezone", "unknown time zone %q", s.Timezone)
			}
		}
	}
}

func (c *Config) sourcesInFileOrder() []string {
	return slices.SortedFunc(maps.Keys(c.Sources), func(a, b string) int {
		return cmp.Or(cmp.Compare(c.Sources[a].Line, c.Sources[b].Line), strings.Compare(a, b))
	})
}

func (c *Config) validateDatasets(errs *Errors) {
	if len(c.Datasets) == 0 {
		errs.Add(c.top(), "datasets", "no dataset is defined: nothing would be checked")
	}
	seen := map[string]bool{}
	for i := range c.Datasets {
		ds := &c.Datasets[i]
		if ds.ID == "" {
			errs.Add(ds.Location(), ds.Field(""), "a dataset needs an id")
		}
		if seen[ds.ID] {
			errs.Add(ds.Location(), ds.Field(""), "dataset id %q used twice", ds.ID)
		}
		seen[ds.ID] = true
		c.validateDataset(errs, ds)
	}
}

// validateDataset checks the keys of a dataset that config owns: how it
// refers to the rest of the file and how it is read. Its source's keys,
// mask policies and sample settings are checked by their owners.
func (c *Config) validateDataset(errs *Errors, ds *Dataset) {
	add := func(key, format string, args ...any) {
		errs.Add(ds.Location(), ds.Field(key), format, args...)
	}
	if c.Ministry(ds.Ministry) == nil {
		add("ministry", "ministry %q is not defined in ministries", ds.Ministry)
	}
	if _, ok := c.Sources[ds.Source]; !ok {
		add("source", "source %q is not defined in sources", ds.Source)
	}
	if msg := checkWeight(ds.Weight); msg != "" {
		add("weight", "%s", msg)
	}
	if ds.Timezone != "" {
		if _, err := time.LoadLocation(ds.Timezone); err != nil {
			add("timezone", "unknown time zone %q", ds.Timezone)
		}
	}
	switch ds.Engine {
	case "", EngineDuckDB, EngineSource:
	default:
		add("engine", "must be %s or %s, got %q", EngineDuckDB, EngineSource, ds.Engine)
	}
	switch ds.Count {
	case "", "exact", "estimate":
	default:
		add("count", "must be exact or estimate, got %q", ds.Count)
	}
	if ds.Incremental != nil && ds.Incremental.Column == "" {
		add("incremental.column", "incremental needs the column that records changes, e.g. updated_at")
	}
	if ds.Master && ds.Key == "" {
		// Other registries find their records in a master by its key.
		add("master", "a master registry needs key: (the national identifier other registries look it up by)")
	}
	if ds.Table != "" && ds.Query != "" {
		add("query", "give table: or query:, not both")
	}
	if len(ds.Checks) == 0 {
		add("checks", "the dataset has no checks; a dataset without checks would silently pass")
	}
	ids := map[string]bool{}
	for j := range ds.Checks {
		c.validateCheck(errs, ds, j, ids)
	}
}

// validateCheck checks the keys every check kind shares; the others are
// its kind's (package checks). ids holds the ids of the dataset's checks
// before this one.
func (c *Config) validateCheck(errs *Errors, ds *Dataset, j int, ids map[string]bool) {
	ch := &ds.Checks[j]
	add := func(key, format string, args ...any) {
		errs.Add(ch.Location(), checkField(ds, j, key), format, args...)
	}
	if ch.ID == "" {
		add("", "a check needs an id")
	}
	if ids[ch.ID] {
		add("", "check id %q used twice in this dataset", ch.ID)
	}
	ids[ch.ID] = true
	if ch.Kind == "" {
		add("", "kind is missing")
	}
	if ch.Dimension != "" && c.Dimension(ch.Dimension) == nil {
		add("dimension", "dimension %q is not defined (defined: %s)", ch.Dimension, c.dimensionList())
	}
	if m := ch.Mostly; m != nil && !(*m >= 0 && *m <= 1) {
		if *m >= 2 && *m <= 100 {
			// A percentage: say how to write it.
			add("mostly", "must be a share between 0 and 1, got %v (for %v%%, write %v)", *m, *m, *m/100)
		} else {
			add("mostly", "must be a share between 0 and 1, got %v", *m)
		}
	}
	if msg := checkWeight(ch.Weight); msg != "" {
		add("weight", "%s", msg)
	}
	if ch.Nulls != "ignore" && ch.Nulls != "fail" {
		add("nulls", "must be ignore or fail, got %q", ch.Nulls)
	}
	if ch.Examples != nil && *ch.Examples > MaxExampleLimit {
		add("examples", "at most %d examples per check", MaxExampleLimit)
	}
	switch ch.Severity {
	case "", SeverityCritical, SeverityMajor, SeverityMinor:
	default:
		add("severity", "must be critical, major or minor, got %q", ch.Severity)
	}
}

// Severities of a check: how much it weighs in the scores.
const (
	SeverityCritical = "critical"
	SeverityMajor    = "major"
	SeverityMinor    = "minor"
)

// checkField names the j-th check of ds, or one of its keys, in config's
// own messages: dataset a.checks.x.mostly, or dataset a.checks[2] for a
// check without an id.
func checkField(ds *Dataset, j int, key string) string {
	f := ds.Field(fmt.Sprintf("checks[%d]", j))
	if id := ds.Checks[j].ID; id != "" {
		f = ds.Field("checks." + id)
	}
	if key != "" {
		f += "." + key
	}
	return f
}

func (c *Config) dimensionList() string {
	ids := make([]string, len(c.Dimensions))
	for i, d := range c.Dimensions {
		ids[i] = d.ID
	}
	return strings.Join(ids, ", ")
}
