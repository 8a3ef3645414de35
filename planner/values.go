package planner

import (
	"time"

	"github.com/vn-registries/dq/checks"
)

// values hands query results to checks.
type values struct {
	ds      Dataset
	aggs    []any
	aggErr  []error
	rows    [][]any
	rowErr  []error
	lists   [][][]any
	listErr []error
	readAt  time.Time
	// The plan's joins (pairs.go): values by checks.JoinMetric, each
	// pair's error, and the examples each check's pair collected.
	joinVals []any
	pairErr  []error
	joinRows map[*pairExamples][][]any
}

var _ checks.Values = (*values)(nil)

func (v *values) Int(m checks.Metric) int64 { return checks.ToInt64(v.aggs[m]) }

func (v *values) Float(m checks.Metric) (float64, bool) { return checks.ToFloat64(v.aggs[m]) }

func (v *values) Time(m checks.Metric) (time.Time, bool) {
	t, ok := v.aggs[m].(time.Time)
	return t, ok
}

func (v *values) Row(q checks.Query) []any   { return v.rows[q] }
func (v *values) List(l checks.List) [][]any { return v.lists[l] }
func (v *values) RowsTotal() int64           { return v.ds.RowsTotal }
func (v *values) Sampled() bool              { return v.ds.Sampled }
func (v *values) ReadAt() time.Time          { return v.readAt }
