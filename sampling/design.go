package sampling

import "github.com/vn-registries/dq/config"

// Design is how a dataset's rows were chosen, as the checks that judge
// estimates need to know it.
type Design struct {
	Method   string // full, hash or rows
	Fraction float64
	Key      string // the column a hash sample is drawn on
	Seed     int64
}

// Of is a dataset's sampling design.
func Of(ds *config.Dataset) Design {
	if ds.Sample == nil {
		return Design{Method: MethodFull}
	}
	return Design{Method: ds.Sample.Method, Fraction: ds.Sample.Fraction, Key: ds.SampleKey(), Seed: ds.Sample.Seed}
}

// Full reports whether every row was read.
func (s Design) Full() bool { return s.Method == "" || s.Method == MethodFull }

// Coordinated reports whether two hash samples keep the same identities
// when joined on aCol = bCol: both hashed on exactly those columns with
// the same fraction and seed, so a key kept on one side is kept on the
// other. Joins of such samples are unbiased estimates.
func Coordinated(a Design, aCol string, b Design, bCol string) bool {
	return a.Method == MethodHash && b.Method == MethodHash && a.Key == aCol && b.Key == bCol &&
		a.Fraction == b.Fraction && a.Seed == b.Seed
}
