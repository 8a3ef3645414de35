package config

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// validate checks what needs no knowledge of check kinds or connectors;
// those are checked by the packages that own them (see pipeline.Plan).
func (c *Config) validate(unsetEnv []string) Errors {
	var errs Errors
	at := func(line int) Location { return Location{File: c.File, Line: line} }
	top := Location{File: c.File}

	for _, name := range unsetEnv {
		errs.Add(top, "", "environment variable %s is referenced as ${%s} but not set", name, name)
	}
	if len(c.Ministries) == 0 {
		errs.Add(top, "ministries", "no ministry is defined; add e.g. ministries: [{id: MPS, name: Ministry of Public Security}]")
	}
	if len(c.Datasets) == 0 {
		errs.Add(top, "datasets", "no dataset is defined: nothing would be checked")
	}
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			errs.Add(top, "timezone", "unknown time zone %q (use an IANA name such as Asia/Ho_Chi_Minh)", c.Timezone)
		}
	}
	if c.Bands.Yellow > c.Bands.Green || c.Bands.Green > 100 || c.Bands.Yellow < 0 {
		errs.Add(top, "bands", "need 0 <= yellow <= green <= 100, got yellow %v green %v", c.Bands.Yellow, c.Bands.Green)
	}
	if c.Examples.Limit < 0 {
		c.Examples.Limit = -1
	}

	dims := map[string]bool{}
	for i, d := range c.Dimensions {
		f := fmt.Sprintf("dimensions[%d]", i)
		if d.ID == "" {
			errs.Add(top, f, "a dimension needs an id")
		}
		if dims[d.ID] {
			errs.Add(top, f, "dimension %q defined twice", d.ID)
		}
		if d.Weight < 0 {
			errs.Add(top, f, "weight must not be negative")
		}
		dims[d.ID] = true
	}
	kinds := make([]string, 0, len(c.KindDims))
	for k := range c.KindDims {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if !dims[c.KindDims[k]] {
			errs.Add(top, "kind_dimensions."+k, "dimension %q is not defined (defined: %s)", c.KindDims[k], c.dimensionList())
		}
	}

	ministries := map[string]bool{}
	for i, m := range c.Ministries {
		f := fmt.Sprintf("ministries[%d]", i)
		if m.ID == "" {
			errs.Add(top, f, "a ministry needs an id")
		}
		if ministries[m.ID] {
			errs.Add(top, f, "ministry %q defined twice", m.ID)
		}
		if m.Weight < 0 {
			errs.Add(top, f, "weight must not be negative")
		}
		ministries[m.ID] = true
	}

	for name, s := range c.Sources {
		if s.Kind == "" {
			errs.Add(at(s.Line), "sources."+name, "kind is missing (file, postgres, mysql, ...)")
		}
		if s.Timezone != "" {
			if _, err := time.LoadLocation(s.Timezone); err != nil {
				errs.Add(at(s.Line), "sources."+name+".timezone", "unknown time zone %q", s.Timezone)
			}
		}
	}

	if h := c.Publish.HTTP; h != nil {
		if !strings.HasPrefix(h.URL, "http://") && !strings.HasPrefix(h.URL, "https://") {
			errs.Add(top, "publish.http.url", "must be an http:// or https:// URL, got %q", h.URL)
		}
		for key, v := range map[string]string{"timeout": h.Timeout, "total_timeout": h.TotalTimeout} {
			if v == "" {
				continue
			}
			if d, err := time.ParseDuration(v); err != nil || d <= 0 {
				errs.Add(top, "publish.http."+key, "%q is not a positive duration such as 10s or 2m", v)
			}
		}
		if h.MaxRetries < 0 {
			errs.Add(top, "publish.http.max_retries", "must not be negative")
		}
	}
	for name, r := range c.References {
		if r.File == "" || r.Column == "" {
			errs.Add(top, "references."+name, "a reference list needs file: and column:")
		}
	}

	ids := map[string]bool{}
	for i := range c.Datasets {
		ds := &c.Datasets[i]
		loc := at(ds.Line)
		f := fmt.Sprintf("datasets[%d]", i)
		if ds.ID == "" {
			errs.Add(loc, f, "a dataset needs an id")
		} else {
			f = "dataset " + ds.ID
		}
		if ids[ds.ID] {
			errs.Add(loc, f, "dataset id %q used twice", ds.ID)
		}
		ids[ds.ID] = true
		if !ministries[ds.Ministry] {
			errs.Add(loc, f+".ministry", "ministry %q is not defined in ministries", ds.Ministry)
		}
		if _, ok := c.Sources[ds.Source]; !ok {
			errs.Add(loc, f+".source", "source %q is not defined in sources", ds.Source)
		}
		if ds.Weight < 0 {
			errs.Add(loc, f+".weight", "weight must not be negative")
		}
		if ds.Timezone != "" {
			if _, err := time.LoadLocation(ds.Timezone); err != nil {
				errs.Add(loc, f+".timezone", "unknown time zone %q", ds.Timezone)
			}
		}
		switch ds.Sample.Method {
		case "full":
		case "hash":
			if ds.SampleKey() == "" {
				errs.Add(loc, f+".sample", "hash sampling needs a key column: the dataset's key: or sample.key:")
			}
			if ds.Sample.Fraction <= 0 || ds.Sample.Fraction > 1 {
				errs.Add(loc, f+".sample.fraction", "must be in (0, 1], got %v", ds.Sample.Fraction)
			}
		case "rows":
			if ds.Sample.Rows <= 0 {
				errs.Add(loc, f+".sample.rows", "must be a positive number of rows")
			}
		default:
			errs.Add(loc, f+".sample.method", "unknown method %q (full, hash, rows)", ds.Sample.Method)
		}
		switch ds.Engine {
		case "", EngineDuckDB, EngineSource:
		default:
			errs.Add(loc, f+".engine", "must be %s or %s, got %q", EngineDuckDB, EngineSource, ds.Engine)
		}
		switch ds.Count {
		case "", "exact", "estimate":
		default:
			errs.Add(loc, f+".count", "must be exact or estimate, got %q", ds.Count)
		}
		if ds.Incremental != nil && ds.Incremental.Column == "" {
			errs.Add(loc, f+".incremental.column", "incremental needs the column that records changes, e.g. updated_at")
		}
		if ds.Table != "" && ds.Query != "" {
			errs.Add(loc, f+".query", "give table: or query:, not both")
		}
		for col, how := range ds.Mask {
			switch how {
			case "id", "name", "date", "hide", "partial", "none":
			default:
				errs.Add(loc, f+".mask."+col, "unknown mask %q (id, name, date, partial, hide, none)", how)
			}
		}
		if len(ds.Checks) == 0 {
			errs.Add(loc, f+".checks", "the dataset has no checks; a dataset without checks would silently pass")
		}
		checkIDs := map[string]bool{}
		for j := range ds.Checks {
			ch := &ds.Checks[j]
			cf := fmt.Sprintf("%s.checks[%d]", f, j)
			if ch.ID != "" {
				cf = f + ".checks." + ch.ID
			}
			if ch.ID == "" {
				errs.Add(ch.Location(), cf, "a check needs an id")
			}
			if checkIDs[ch.ID] {
				errs.Add(ch.Location(), cf, "check id %q used twice in this dataset", ch.ID)
			}
			checkIDs[ch.ID] = true
			if ch.Kind == "" {
				errs.Add(ch.Location(), cf, "kind is missing")
			}
			if ch.Dimension != "" && !dims[ch.Dimension] {
				errs.Add(ch.Location(), cf+".dimension", "dimension %q is not defined (defined: %s)", ch.Dimension, c.dimensionList())
			}
			if ch.Mostly != nil && (*ch.Mostly < 0 || *ch.Mostly > 1) {
				errs.Add(ch.Location(), cf+".mostly", "must be a share between 0 and 1, got %v", *ch.Mostly)
			}
			if ch.Weight < 0 {
				errs.Add(ch.Location(), cf+".weight", "weight must not be negative")
			}
			if ch.Nulls != "ignore" && ch.Nulls != "fail" {
				errs.Add(ch.Location(), cf+".nulls", "must be ignore or fail, got %q", ch.Nulls)
			}
			if ch.Examples != nil && *ch.Examples > MaxExampleLimit {
				errs.Add(ch.Location(), cf+".examples", "at most %d examples per check", MaxExampleLimit)
			}
		}
	}
	return errs
}

func (c *Config) dimensionList() string {
	s := ""
	for i, d := range c.Dimensions {
		if i > 0 {
			s += ", "
		}
		s += d.ID
	}
	return s
}
