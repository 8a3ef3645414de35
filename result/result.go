// Package result holds what a check found, before it is scored or written:
// the check kinds fill it, the planner hands it on, the scorecard scores it
// and turns it into JSON. It imports no other dq package, so neither the
// kinds nor the planner depend on the published form.
package result

// Status of a check, dataset, ministry or run, from best to worst.
type Status string

const (
	Pass  Status = "pass"
	Warn  Status = "warn"
	Fail  Status = "fail"
	Error Status = "error"
)

func (s Status) rank() int {
	switch s {
	case Pass:
		return 0
	case Warn:
		return 1
	case Fail:
		return 2
	case Error:
		return 3
	}
	return -1
}

// Worse returns the worse of two statuses; the empty status is best.
func Worse(a, b Status) Status {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Check is one check's result. Row checks fill Rows, Evaluated, Failed and
// PassRate; table checks (row_count, freshness, schema) fill Value and
// never PassRate, which is how scoring tells the two apart.
type Check struct {
	Status    Status
	Rows      *int64
	Evaluated *int64
	Failed    *int64
	PassRate  *float64
	// Interval95 bounds PassRate when the rows checked are a sample, or
	// Value for a metric that is a share of rows or a count scaled up
	// from a sample.
	Interval95 []float64
	Value      *float64
	Unit       string
	// Estimate marks a result measured on a sample that stands for the
	// population's only as an estimate, with no interval a sample can
	// give (a minimum, a maximum, a distinct count).
	Estimate  bool
	Details   map[string]any
	Threshold map[string]any
	// Message says why, in words: the failures found, or the error that
	// kept the check from being evaluated.
	Message string
}
