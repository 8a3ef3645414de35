package pipeline

import (
	"fmt"

	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/refdata"
	"github.com/vn-registries/dq/scorecard"
)

// groupResults checks a dataset per value of its group_by column, with the
// dataset's plan; assemble scores each group with the same roll-up as the
// dataset itself. Labels are the column's values masked as its examples
// would be (checkMasks refuses a personal column), and a cut list says so.
// A label shown as it is that is an administrative unit's code gets the
// unit's name; a masked one does not, as its name would tell the code.
//
// The groups come from the plan's run (Options.GroupBy, groupColumn):
// its grouped scan gave the dataset's metrics too.
func (r *run) groupResults(d *datasetRun, plan *planner.Plan) *scorecard.Groups {
	ds := d.cfg
	g := &scorecard.Groups{By: ds.GroupBy, Values: []*scorecard.Group{}}
	if groupColumn(d) == "" {
		g.Error = "group_by column " + ds.GroupBy + " not found in the dataset"
		return g
	}
	groups, truncated, err := plan.Groups()
	if err != nil {
		g.Error = scrub(r.cfg, err.Error())
		return g
	}
	g.Truncated = truncated
	if truncated {
		g.Message = fmt.Sprintf("%s has more than %d values: only the first %d, in order, are scored per group; group by a column with fewer values, such as a province or commune code",
			ds.GroupBy, planner.MaxGroups, planner.MaxGroups)
	}
	policy := policyOf(r.cfg, ds, ds.GroupBy)
	var clear []string
	for _, grp := range groups {
		if grp.Value != planner.NullGroup && mask.Value(policy, grp.Value) == grp.Value {
			clear = append(clear, grp.Value)
		}
	}
	names, err := refdata.UnitNames(clear)
	if err != nil {
		// The lists are embedded: only a broken build gets here, and the
		// groups stand without names.
		r.log.Warn("group names unavailable", "dataset", ds.ID, "error", err)
	}
	for _, grp := range groups {
		label := grp.Value
		if label != planner.NullGroup {
			label = mask.Cut(mask.Value(policy, label), mask.MaxValue)
		}
		out := &scorecard.Group{Value: label, Rows: grp.Rows, Name: names[grp.Value]}
		for _, gc := range grp.Checks {
			out.Checks = append(out.Checks, scorecard.NewGroupCheck(gc.Built.Spec.ID, gc.Result))
		}
		g.Values = append(g.Values, out)
	}
	return g
}

// groupColumn is the SQL of the dataset's group_by column, "" when it
// has none or the column is not found.
func groupColumn(d *datasetRun) string {
	if d.cfg.GroupBy == "" {
		return ""
	}
	for _, c := range d.described.Columns {
		if c.Name == d.cfg.GroupBy {
			return c.SQL
		}
	}
	return ""
}
