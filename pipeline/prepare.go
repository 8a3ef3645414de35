// Package pipeline wires a run together: it validates the plan (datasets ×
// checks × connectors) before anything connects, extracts each dataset into
// the embedded DuckDB in a bounded worker pool, runs the planner, masks
// examples, scores, and hands scorecards to the publishers.
package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/viper"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	_ "github.com/vn-registries/dq/connectors/all" // every connector kind
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sampling"
	"github.com/vn-registries/dq/sqltext"
)

// Prepared is a validated config with its checks built and its connectors
// created (not connected).
type Prepared struct {
	Config     *config.Config
	Checks     map[string][]*checks.Built // by dataset id
	Connectors map[string]connectors.Connector
}

// PrepareFile loads the config at path, with v's overrides (v may be nil),
// and prepares it: `dq validate` and `dq run` in one step. A file that
// decoded but failed config's validation is still handed to its other
// owners, so every problem of the file comes back at once, in file order,
// as config.Errors; a file that cannot be read or decoded stops at that.
func PrepareFile(path string, v *viper.Viper, log *slog.Logger) (*Prepared, error) {
	cfg, err := config.Load(path, v)
	if cfg == nil {
		return nil, err
	}
	p, perr := Prepare(cfg, log)
	if err == nil && perr == nil {
		return p, nil
	}
	if p != nil {
		p.Close()
	}
	var errs config.Errors
	for _, e := range []error{err, perr} {
		var es config.Errors
		if e != nil && !errors.As(e, &es) {
			return nil, errors.Join(err, perr) // not problems of the file: nothing to order
		}
		errs = append(errs, es...)
	}
	slices.SortStableFunc(errs, func(a, b *config.Error) int { return cmp.Compare(a.Loc.Line, b.Loc.Line) })
	return nil, errs
}

// Prepare validates what the packages owning a config's parts validate
// without connecting: every check's parameters, every source's settings,
// each dataset's mask policies and sample settings. It expects cfg from
// config.Load, and does not trip over one that failed config's validation
// (an unknown source, a check without a kind): those problems are config's
// to report. All problems are returned together as config.Errors. The
// connectors log to log (nil discards).
func Prepare(cfg *config.Config, log *slog.Logger) (*Prepared, error) {
	p := &Prepared{Config: cfg, Checks: map[string][]*checks.Built{}, Connectors: map[string]connectors.Connector{}}
	var errs config.Errors
	// In file order, so that problems are listed as they were written.
	names := slices.SortedFunc(maps.Keys(cfg.Sources), func(a, b string) int {
		return cmp.Or(cmp.Compare(cfg.Sources[a].Line, cfg.Sources[b].Line), strings.Compare(a, b))
	})
	for _, name := range names {
		src := cfg.Sources[name]
		if src.Kind == "" {
			continue // config reports it
		}
		src.Name = name
		c, err := connectors.Open(src, connectors.Deps{Logger: log})
		if err != nil {
			addConnectorError(&errs, err, config.Location{File: cfg.File, Line: src.Line}, "sources."+name)
			continue
		}
		p.Connectors[name] = c
	}
	datasetIDs := map[string]bool{}
	inSource := map[string]bool{}
	u := &userSQL{engineOf: map[string]string{}}
	defer u.close()
	for i := range cfg.Datasets {
		ds := &cfg.Datasets[i]
		datasetIDs[ds.ID] = true
		inSource[ds.ID] = ds.InSource()
		if c, ok := p.Connectors[ds.Source]; ok {
			if a, err := accessOf(c, ds); err == nil {
				u.engineOf[ds.ID] = "duckdb"
				if a.path == checkInSource {
					u.engineOf[ds.ID] = a.dialect.Name()
				}
			}
		}
	}
	for i := range cfg.Datasets {
		ds := &cfg.Datasets[i]
		if c, ok := p.Connectors[ds.Source]; ok {
			a, err := accessOf(c, ds)
			if errors.Is(err, errNoPushdown) {
				errs.Add(config.Location{File: cfg.File, Line: ds.Line}, ds.Field("engine"),
					"source %s (kind %s) cannot run checks itself; engine: source needs a postgres, mysql or clickhouse source (or drop engine: to extract into the embedded engine)",
					ds.Source, cfg.Sources[ds.Source].Kind)
			}
			errs = append(errs, checkSQLText(ds, c, a)...)
		}
		if src, ok := cfg.Sources[ds.Source]; ok {
			if err := connectors.CheckDataset(src.Kind, ds); err != nil {
				addConnectorError(&errs, err, config.Location{File: cfg.File, Line: ds.Line}, ds.Field(""))
			}
		}
		errs = append(errs, checkMasks(ds)...)
		errs = append(errs, sampling.CheckSettings(ds)...)
		for j := range ds.Checks {
			if ds.Checks[j].Kind == "" {
				continue // config reports it
			}
			b, err := checks.Build(cfg, &ds.Checks[j])
			if err != nil {
				if ce, ok := err.(*config.Error); ok {
					ce.Field = fmt.Sprintf("%s: %s", ds.Field(""), ce.Field)
					errs = append(errs, ce)
				} else {
					errs.Add(ds.Checks[j].Location(), fmt.Sprintf("%s: check %s", ds.Field(""), ds.Checks[j].ID), "%v", err)
				}
				continue
			}
			errs = append(errs, u.check(ds, b)...)
			if dep, ok := b.Check.(checks.Dependent); ok {
				// Joins run in the embedded engine, which holds both sides
				// only when neither stays in its source; a count is taken
				// wherever a dataset lives.
				_, counts := b.Check.(checks.Tallied)
				counts = counts || joinsInCluster(cfg, ds, b.Check)
				if ds.InSource() && !counts {
					errs.Add(ds.Checks[j].Location(), fmt.Sprintf("%s: check %s", ds.Field(""), ds.Checks[j].ID),
						"%s joins another dataset or a reference list, which runs in the embedded engine; this dataset has engine: source (move the check to a dataset without it, or drop engine: source; on a ClickHouse source, references to a dataset of the same source with engine: source joins there)", ds.Checks[j].Kind)
				}
				for _, id := range dep.Datasets() {
					if !datasetIDs[id] {
						errs.Add(ds.Checks[j].Location(), fmt.Sprintf("%s: check %s.dataset", ds.Field(""), ds.Checks[j].ID), "dataset %q is not defined in this config", id)
					} else if inSource[id] && !counts {
						errs.Add(ds.Checks[j].Location(), fmt.Sprintf("%s: check %s.dataset", ds.Field(""), ds.Checks[j].ID),
							"dataset %q has engine: source, so it is never in the embedded engine to join with; drop its engine: source to check against it", id)
					}
				}
				for _, n := range dep.References() {
					if !slices.Contains(ReferenceNames(cfg), n) {
						errs.Add(ds.Checks[j].Location(), fmt.Sprintf("%s: check %s.reference", ds.Field(""), ds.Checks[j].ID), "unknown reference list %q (known: %v)", n, ReferenceNames(cfg))
					}
				}
			}
			p.Checks[ds.ID] = append(p.Checks[ds.ID], b)
		}
	}
	if len(errs) > 0 {
		p.Close()
		cfg.RedactErrors(errs) // an owner may quote a value from the environment
		return nil, errs
	}
	return p, nil
}

// checkSQLText reads a dataset's SQL text as the engine that runs it
// does: where: where the rows are filtered (the source, or the embedded
// DuckDB, whose multi-statement Exec would run a second statement),
// query: in the source. Each must be one statement's text, so no config
// reaches past the read dq builds around it: no second statement (a SET
// that lifts read-only, a write), nothing left open, no MySQL INTO.
func checkSQLText(ds *config.Dataset, c connectors.Connector, a access) config.Errors {
	var errs config.Errors
	if err := sqltext.Fragment(sqltext.Of(a.dialect.Name()), ds.Where); err != nil {
		errs.Add(ds.Location(), ds.Field("where"), "%v", err)
	}
	src := dialect.Dialect(dialect.DuckDB{})
	if d, ok := c.(connectors.Dialected); ok {
		src = d.Dialect()
	}
	if err := sqltext.Query(sqltext.Of(src.Name()), ds.Query); err != nil {
		errs.Add(ds.Location(), ds.Field("query"), "%v", err)
	}
	return errs
}

// addConnectorError records a connector's problem: its config errors as
// they are, as they say where; anything else at the source or dataset
// (loc, field) it is about.
func addConnectorError(errs *config.Errors, err error, loc config.Location, field string) {
	var (
		ces config.Errors
		ce  *config.Error
	)
	switch {
	case errors.As(err, &ces):
		*errs = append(*errs, ces...)
	case errors.As(err, &ce):
		*errs = append(*errs, ce)
	default:
		errs.Add(loc, field, "%v", err)
	}
}

// Close releases the connectors.
func (p *Prepared) Close() {
	for _, c := range p.Connectors {
		c.Close()
	}
}

// joinsInCluster reports whether a check of ds joins inside the source
// ds stays in: references to a dataset when ds and every dataset it
// joins are engine: source on one ClickHouse source, which joins them
// itself. Joins elsewhere run in the embedded engine.
func joinsInCluster(cfg *config.Config, ds *config.Dataset, c checks.Check) bool {
	sj, ok := c.(checks.SourceJoiner)
	if !ok || !sj.JoinsInSource() || !ds.InSource() || len(sj.References()) > 0 {
		return false
	}
	if src, ok := cfg.Sources[ds.Source]; !ok || src.Kind != "clickhouse" {
		return false
	}
	for _, id := range sj.Datasets() {
		o := cfg.Dataset(id)
		if o == nil || !o.InSource() || o.Source != ds.Source {
			return false
		}
	}
	return true
}
