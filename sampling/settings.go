package sampling

import (
	"strings"

	"github.com/vn-registries/dq/config"
)

// The methods a dataset's sample.method may name.
const (
	// MethodFull reads every row.
	MethodFull = "full"
	// MethodHash keeps a row when the hash of its key falls below the
	// fraction, so registries keyed by the same identifiers keep the same
	// people.
	MethodHash = "hash"
	// MethodRows draws a fixed number of rows at random.
	MethodRows = "rows"
)

var methods = []string{MethodFull, MethodHash, MethodRows}

// CheckSettings reports what is wrong with a dataset's sample: settings,
// each located at the dataset. config fills in the method before this
// runs; a dataset built in code without a sample, or without a method, is
// read whole, as the connectors read it.
func CheckSettings(ds *config.Dataset) config.Errors {
	s := ds.Sample
	if s == nil {
		return nil
	}
	var errs config.Errors
	switch s.Method {
	case "", MethodFull:
	case MethodHash:
		if ds.SampleKey() == "" {
			errs = append(errs, ds.Errorf("sample", "hash sampling needs a key column: the dataset's key: or sample.key:"))
		}
		// Written so that NaN fails too.
		if !(s.Fraction > 0 && s.Fraction <= 1) {
			errs = append(errs, ds.Errorf("sample.fraction", "must be in (0, 1], got %v", s.Fraction))
		}
	case MethodRows:
		if s.Rows <= 0 {
			errs = append(errs, ds.Errorf("sample.rows", "must be a positive number of rows"))
		}
		// DuckDB's REPEATABLE (n) does not even parse a negative seed:
		// the extract would fail after dq validate said the config is
		// fine.
		if s.Seed < 0 {
			errs = append(errs, ds.Errorf("sample.seed", "must not be negative, got %d", s.Seed))
		}
	default:
		errs = append(errs, ds.Errorf("sample.method", "unknown method %q (%s)", s.Method, strings.Join(methods, ", ")))
	}
	return errs
}
