package config

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// validate reports what is wrong in the sections config owns, one function
// per section: first those whose lines are not kept, then sources and
// datasets in file order, each problem located and named. What other
// packages own is theirs to validate (pipeline.Prepare): check kinds'
// parameters, connectors' settings, mask policies (mask), sample settings
// (sampling). validate only reads c: defaults and normalisations are
// setDefaults', so a config reads the same whether or not it was validated.
func (c *Config) validate(unsetEnv []string) Errors {
	var errs Errors
	c.validateEnvironment(&errs, unsetEnv)
	c.validateMinistries(&errs)
	c.validateDimensions(&errs)
	c.validateScoring(&errs)
	c.validatePublish(&errs)
	c.validateReferences(&errs)
	c.validateSources(&errs)
	c.validateDatasets(&errs)
	return errs
}

// top is the location of a problem in a section whose lines are not kept.
func (c *Config) top() Location { return Location{File: c.File} }

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
		if m.Weight < 0 {
			errs.Add(c.top(), f, "weight must not be negative")
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
		if d.Weight < 0 {
			errs.Add(c.top(), f, "weight must not be negative")
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(c.KindDims)) {
		if c.Dimension(c.KindDims[kind]) == nil {
			errs.Add(c.top(), "kind_dimensions."+kind, "dimension %q is not defined (defined: %s)", c.KindDims[kind], c.dimensionList())
		}
	}
}

// validateScoring checks the settings that shape every scorecard: the
// bands a score is coloured by and the zone timestamps are read in.
func (c *Config) validateScoring(errs *Errors) {
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			errs.Add(c.top(), "timezone", "unknown time zone %q (use an IANA name such as Asia/Ho_Chi_Minh)", c.Timezone)
		}
	}
	if c.Bands.Yellow > c.Bands.Green || c.Bands.Green > 100 || c.Bands.Yellow < 0 {
		errs.Add(c.top(), "bands", "need 0 <= yellow <= green <= 100, got yellow %v green %v", c.Bands.Yellow, c.Bands.Green)
	}
}

func (c *Config) validatePublish(errs *Errors) {
	h := c.Publish.HTTP
	if h == nil {
		return
	}
	if !strings.HasPrefix(h.URL, "http://") && !strings.HasPrefix(h.URL, "https://") {
		errs.Add(c.top(), "publish.http.url", "must be an http:// or https:// URL, got %q", h.URL)
	}
	for _, d := range []struct{ key, value string }{{"timeout", h.Timeout}, {"total_timeout", h.TotalTimeout}} {
		if d.value == "" {
			continue
		}
		if v, err := time.ParseDuration(d.value); err != nil || v <= 0 {
			errs.Add(c.top(), "publish.http."+d.key, "%q is not a positive duration such as 10s or 2m", d.value)
		}
	}
	if h.MaxRetries < 0 {
		errs.Add(c.top(), "publish.http.max_retries", "must not be negative")
	}
}

func (c *Config) validateReferences(errs *Errors) {
	for _, name := range slices.Sorted(maps.Keys(c.References)) {
		if r := c.References[name]; r.File == "" || r.Column == "" {
			errs.Add(c.top(), "references."+name, "a reference list needs file: and column:")
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
	if ds.Weight < 0 {
		add("weight", "weight must not be negative")
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
	if ch.Mostly != nil && (*ch.Mostly < 0 || *ch.Mostly > 1) {
		add("mostly", "must be a share between 0 and 1, got %v", *ch.Mostly)
	}
	if ch.Weight < 0 {
		add("weight", "weight must not be negative")
	}
	if ch.Nulls != "ignore" && ch.Nulls != "fail" {
		add("nulls", "must be ignore or fail, got %q", ch.Nulls)
	}
	if ch.Examples != nil && *ch.Examples > MaxExampleLimit {
		add("examples", "at most %d examples per check", MaxExampleLimit)
	}
}

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
