package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/scorecard"
)

// maskExamples turns raw failing rows into masked examples. The key column
// is masked as an identifier unless configured otherwise; any other column
// is partially masked unless the config says it holds no personal data.
func maskExamples(cfg *config.Config, ds *config.Dataset, oc planner.Outcome) []scorecard.Example {
	eq := oc.Examples
	if eq == nil || len(oc.Rows) == 0 {
		return nil
	}
	policy := func(col string) mask.Policy {
		if cfg.Examples.ShowPII {
			return mask.None
		}
		if p, ok := ds.Mask[col]; ok {
			return mask.Policy(p)
		}
		if col == ds.Key {
			return mask.ID
		}
		return mask.Partial
	}
	var out []scorecard.Example
	for _, row := range oc.Rows {
		var ex scorecard.Example
		i := 0
		if eq.Key != "" {
			ex.Key = mask.Value(policy(eq.Key), text(row[0]))
			i = 1
		}
		var vals []string
		for _, col := range eq.Values {
			if i < len(row) {
				if row[i] == nil {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, mask.Value(policy(col), text(row[i])))
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

// checkMasks reports the mask: policies of ds that package mask does not
// know, in column order, located at the dataset.
func checkMasks(ds *config.Dataset) config.Errors {
	var errs config.Errors
	for _, col := range slices.Sorted(maps.Keys(ds.Mask)) {
		if _, err := mask.ParsePolicy(ds.Mask[col]); err != nil {
			errs = append(errs, ds.Errorf("mask."+col, "%v", err))
		}
	}
	return errs
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// scrub hides quoted values in engine errors unless PII may be shown.
func scrub(cfg *config.Config, msg string) string {
	if cfg.Examples.ShowPII {
		return msg
	}
	return mask.Message(msg)
}
