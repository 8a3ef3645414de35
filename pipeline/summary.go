package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// WriteSummary prints the run for people: one line per ministry with its
// score per dimension (in the config's order), then the failing checks.
func (o *Outcome) WriteSummary(w io.Writer, color bool) {
	scorecard.WriteSummary(w, o.Index, o.Dimensions, color, o.Cards...)
}

// Datasets are the run's datasets, ministry by ministry, in config order.
func (o *Outcome) Datasets() []*scorecard.Dataset {
	var out []*scorecard.Dataset
	for _, c := range o.Cards {
		out = append(out, c.Datasets...)
	}
	return out
}

// WriteChecks prints each dataset's checks as a table (dq check).
func (o *Outcome) WriteChecks(w io.Writer, color bool) {
	for i, d := range o.Datasets() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		scorecard.WriteCheckTable(w, d, color)
	}
}

// WriteChecksJSON prints the checks as the scorecard has them: a list for
// one dataset, an object of lists by dataset id for several.
func (o *Outcome) WriteChecksJSON(w io.Writer) error {
	ds := o.Datasets()
	var v any = map[string][]*scorecard.Check{}
	if len(ds) == 1 {
		v = ds[0].Checks
	} else {
		for _, d := range ds {
			v.(map[string][]*scorecard.Check)[d.ID] = d.Checks
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// RunAdHoc runs an ad hoc config (PrepareAdHoc): nothing is published,
// recorded or read from earlier runs.
func RunAdHoc(ctx context.Context, p *Prepared, o Options) (*Outcome, error) {
	o.Watermarks = watermark.Marks{}
	return Run(ctx, p, o)
}
