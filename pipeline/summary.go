package pipeline

import (
	"io"

	"github.com/vn-registries/dq/scorecard"
)

// WriteSummary prints the run for people: one line per ministry with its
// score per dimension (in the config's order), then the failing checks.
func (o *Outcome) WriteSummary(w io.Writer, color bool) {
	scorecard.WriteSummary(w, o.Index, o.Dimensions, color, o.Cards...)
}
