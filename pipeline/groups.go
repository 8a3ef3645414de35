package pipeline

import (
	"context"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/scorecard"
)

// groupScores scores a dataset per value of its group_by column, with the
// same roll-up as the dataset itself.
func groupScores(ctx context.Context, ex planner.Executor, cfg *config.Config, ds *config.Dataset, pds planner.Dataset, plan *planner.Plan) *scorecard.Groups {
	g := &scorecard.Groups{By: ds.GroupBy, Values: []*scorecard.Group{}}
	var col string
	for _, c := range pds.Columns {
		if c.Name == ds.GroupBy {
			col = c.SQL
		}
	}
	if col == "" {
		g.Error = "group_by column " + ds.GroupBy + " not found in the dataset"
		return g
	}
	groups, truncated, err := plan.RunGroups(ctx, ex, col, planner.MaxGroups)
	if err != nil {
		g.Error = scrub(cfg, err.Error())
		return g
	}
	g.Truncated = truncated
	for _, grp := range groups {
		tmp := &scorecard.Dataset{}
		out := &scorecard.Group{Value: grp.Value, Rows: grp.Rows}
		for _, gc := range grp.Checks {
			scorecard.ScoreCheck(gc.Result, gc.Built.Kind.RowLevel)
			tmp.Checks = append(tmp.Checks, gc.Result)
			r := gc.Result
			out.Checks = append(out.Checks, &scorecard.GroupCheck{ID: r.ID, Status: r.Status, Score: r.Score,
				Evaluated: r.Evaluated, Failed: r.Failed, PassRate: r.PassRate, Value: r.Value})
		}
		scorecard.ScoreDataset(tmp, dimWeights(cfg), bands(cfg))
		out.Score, out.Band, out.Status, out.Dimensions = tmp.Score, tmp.Band, tmp.Status, tmp.Dimensions
		g.Values = append(g.Values, out)
	}
	return g
}
