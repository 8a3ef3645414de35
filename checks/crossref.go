package checks

import (
	"fmt"
	"sort"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sampling"
)

// The cross-registry kinds (references, agrees, coverage, status_sync)
// join this dataset with another one loaded in the same engine. Their
// queries read this dataset as the plan's relation, qualified as "_dq",
// and the other as "o".

// unified is the criterion of agreeing with master registries and shared
// code lists ("thống nhất").
const unified = "unified"

// masterDimension is the default dimension of a check against dataset:
// unified for a master registry, the kind's own ("") otherwise.
func masterDimension(cfg *config.Config, dataset string) string {
	if cfg.IsMaster(dataset) {
		return unified
	}
	return ""
}

// onPair is the join of a cross-registry check: this column = other column.
type onPair struct {
	this, other string
}

// joinTarget validates the dataset: and on: that every join kind takes;
// need is the message when dataset: is missing.
func joinTarget(spec *config.Check, dataset string, on map[string]string, need string) (onPair, error) {
	if dataset == "" {
		return onPair{}, spec.Errorf("dataset", "%s", need)
	}
	return parseOn(spec, on)
}

// parseOn reads on: {this_column: other_column}; exactly one pair.
func parseOn(spec *config.Check, on map[string]string) (onPair, error) {
	if len(on) != 1 {
		return onPair{}, spec.Errorf("on", "on: must name one column pair, e.g. on: {cccd: cccd}")
	}
	for k, v := range on {
		return onPair{this: k, other: v}, nil
	}
	return onPair{}, nil
}

// joined is both sides of a cross-registry join, resolved for planning.
type joined struct {
	other        *Relation
	mine, theirs Column
	coordinated  bool
}

// join resolves the other dataset and both join columns and decides
// whether the samples allow the join (see coordination).
func join(s Scope, dataset string, on onPair, thisMustBeFull bool) (joined, error) {
	var j joined
	var err error
	if j.other, err = s.Other(dataset); err != nil {
		return j, err
	}
	if j.mine, err = s.Column(on.this); err != nil {
		return j, err
	}
	if j.theirs, err = otherColumn(j.other, on.other); err != nil {
		return j, err
	}
	j.coordinated, err = coordination(s, j.mine.Name, j.other, j.theirs.Name, thisMustBeFull)
	return j, err
}

// qualified returns the column as read through relation alias a.
func qualified(c Column, alias string) Column {
	c.SQL = alias + "." + c.SQL
	return c
}

// otherColumn finds a column of another relation or explains which exist.
func otherColumn(r *Relation, name string) (Column, error) {
	c, ok := r.Column(name)
	if !ok {
		names := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			names[i] = c.Name
		}
		return Column{}, fmt.Errorf("column %q not found in %s (columns: %v)", name, r.ID, names)
	}
	return c, nil
}

// joinKey is how keys of both sides are compared: as text, so an ID kept
// as text on one side and as a number on the other is a finding of its own
// (leading zeros lost), not a silent match.
func joinKey(d dialect.Dialect, expr string) string { return d.Text(expr) }

// coordination tells whether a check that looks identities up in other
// may run on these samples, and says why not.
func coordination(s Scope, thisCol string, other *Relation, otherCol string, thisMustBeFull bool) (coordinated bool, err error) {
	self := s.Sample()
	coordinated = sampling.Coordinated(self, thisCol, other.Sample, otherCol)
	switch {
	case coordinated:
		return true, nil
	case !other.Sample.Full():
		return false, fmt.Errorf("uncoordinated samples: %s is sampled (%s) but not on %s with this dataset's fraction, so matches would be missed and the result biased; sample both with method: hash on the joined key and the same fraction, or read %s in full",
			other.ID, other.Sample.Method, otherCol, other.ID)
	case thisMustBeFull && !self.Full():
		return false, fmt.Errorf("uncoordinated samples: this dataset is sampled (%s) but %s is read in full, so coverage would count the rows left out by the sample as missing; sample both with method: hash on the joined key and the same fraction", self.Method, other.ID)
	}
	return false, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
