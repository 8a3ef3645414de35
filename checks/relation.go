package checks

import "github.com/vn-registries/dq/config"

// Relation is another dataset, or a reference list shipped with dq, as a
// cross-registry check sees it: loaded in the same engine, joinable.
type Relation struct {
	ID      string
	Table   string // quoted
	Columns []Column
	// Key is the dataset's key (a reference list's code column).
	Key    string
	Sample SampleInfo
	// RowsTotal is the population size N, -1 when unknown.
	RowsTotal int64
}

// Column finds a column of the relation.
func (r *Relation) Column(name string) (Column, bool) {
	for _, c := range r.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// SampleInfo is how a dataset was sampled.
type SampleInfo struct {
	Method   string
	Fraction float64
	Key      string
	Seed     int64
}

// SampleOf describes a dataset's sample.
func SampleOf(ds *config.Dataset) SampleInfo {
	return SampleInfo{Method: ds.Sample.Method, Fraction: ds.Sample.Fraction, Key: ds.SampleKey(), Seed: ds.Sample.Seed}
}

// Full reports whether every row was read.
func (s SampleInfo) Full() bool { return s.Method == "" || s.Method == "full" }

// Coordinated reports whether two hash samples keep the same identities
// when joined on aCol = bCol: both hashed on exactly those columns with
// the same fraction and seed, so a key kept on one side is kept on the
// other. Joins of such samples are unbiased estimates.
func Coordinated(a SampleInfo, aCol string, b SampleInfo, bCol string) bool {
	return a.Method == "hash" && b.Method == "hash" && a.Key == aCol && b.Key == bCol &&
		a.Fraction == b.Fraction && a.Seed == b.Seed
}

// Dependent is implemented by checks that read other datasets or
// reference lists, so the pipeline loads those first.
type Dependent interface {
	Datasets() []string
	References() []string
}
