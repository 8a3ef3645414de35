package pipeline

import (
	"maps"
	"slices"
	"strings"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/sqlvalue"
)

// failingProperty is what of its checked value a kind judges, so that a
// masked example can still show why the value failed (mask.Explain). The
// other kinds' examples say why by themselves: a missing value reads
// NULL, a duplicate carries its count, a value not found elsewhere or
// not in a list is explained by the check's sentence.
var failingProperty = map[string]mask.Property{
	"regex":   mask.Form,
	"format":  mask.Form,
	"between": mask.Range,
	"length":  mask.Length,
}

// maskExamples turns raw failing rows into masked examples (policyOf),
// each value cut at mask.MaxValue characters, with what of the checked
// value failed where the mask hides it.
func maskExamples(cfg *config.Config, ds *config.Dataset, oc planner.Outcome) []scorecard.Example {
	eq := oc.Examples
	if eq == nil || len(oc.Rows) == 0 {
		return nil
	}
	policy := func(col string) mask.Policy { return policyOf(cfg, ds, col) }
	var prop mask.Property
	var checked string
	if oc.Built != nil && oc.Built.Spec != nil {
		prop, checked = failingProperty[oc.Built.Spec.Kind], oc.Built.Spec.Column
	}
	var out []scorecard.Example
	for _, row := range oc.Rows {
		var ex scorecard.Example
		i := 0
		if eq.Key != "" {
			ex.Key = mask.Cut(mask.Value(policy(eq.Key), sqlvalue.Text(row[0])), mask.MaxValue)
			i = 1
		}
		var vals []string
		for _, col := range eq.Values {
			if i < len(row) {
				if row[i] == nil {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, mask.Cut(mask.Value(policy(col), sqlvalue.Text(row[i])), mask.MaxValue))
					if prop != 0 && col == checked {
						ev := mask.Explain(policy(col), prop, sqlvalue.Text(row[i]))
						ex.Shape, ex.Year, ex.Length = ev.Shape, ev.Year, ev.Length
					}
				}
			}
			i++
		}
		ex.Value = strings.Join(vals, " | ")
		if eq.HasCount && i < len(row) {
			n := checks.ToInt64(row[i])
			ex.Count = &n
		}
		out = append(out, ex)
	}
	return out
}

// policyOf is how the values of ds's column col are shown in a
// scorecard, as examples or group labels: as mask: says, the key as an
// identifier and any other column partly; in clear for a steward's local
// run (examples.show_pii).
func policyOf(cfg *config.Config, ds *config.Dataset, col string) mask.Policy {
	if cfg.Examples.ShowPII {
		return mask.None
	}
	return configuredPolicy(ds, col)
}

// configuredPolicy is col's policy as the config gives it.
func configuredPolicy(ds *config.Dataset, col string) mask.Policy {
	if p, ok := ds.Mask[col]; ok {
		return mask.Policy(p)
	}
	if col == ds.Key {
		return mask.ID
	}
	return mask.Partial
}

// checkMasks reports the mask: policies of ds that package mask does not
// know, in column order, and a group_by column whose values may not
// label groups, located at the dataset.
func checkMasks(ds *config.Dataset) config.Errors {
	var errs config.Errors
	for _, col := range slices.Sorted(maps.Keys(ds.Mask)) {
		if _, err := mask.ParsePolicy(ds.Mask[col]); err != nil {
			errs = append(errs, ds.Errorf("mask."+col, "%v", err))
		}
	}
	if ds.GroupBy == "" {
		return errs
	}
	// Groups of a personal column are one per person (an identifier, a
	// name, a birth date): up to 1,000 people's values on a page, masked
	// or not. Hidden labels would all read alike.
	switch p := configuredPolicy(ds, ds.GroupBy); p {
	case mask.ID, mask.Name, mask.Date, mask.Hide:
		errs = append(errs, ds.Errorf("group_by", "%s is a personal column (mask: %s), which cannot label groups; group by a code such as province_code, or say mask: {%s: none} if it holds no personal data",
			ds.GroupBy, p, ds.GroupBy))
	}
	return errs
}

// scrub readies a message that may carry data (an engine's or a
// reader's error) for the scorecard, the page, the summary and the logs:
// a value taken from the environment reads as its ${NAME}; personal data
// is hidden (mask.Message) unless examples.show_pii; and it is cut at
// mask.MaxMessage characters either way.
func scrub(cfg *config.Config, msg string) string {
	msg = cfg.Redact(msg)
	if cfg.Examples.ShowPII {
		return mask.Cut(msg, mask.MaxMessage)
	}
	return mask.Message(msg)
}
