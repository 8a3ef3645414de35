// Package scaling measures how dq's cost grows with rows and datasets, and
// draws it: the measurements file (docs/scaling.csv) that the scaling
// benchmark writes, and the SVG charts rendered from it (docs/scaling-*.svg),
// so that re-running the benchmark redraws the charts and nothing else
// needs editing. See docs/performance.md ("Scaling curves") and
// docs/scale.md.
package scaling

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Measurement is one run of the dq binary, measured as a child process.
type Measurement struct {
	Series   string  // rows, datasets, sample, shard
	Point    string  // what varies within the series: "10M", "25", "shard-1-of-2"
	Datasets int     // datasets in the run's config
	Rows     int64   // rows read by the run, all datasets together
	Round    int     // 1..rounds: the points of a series run in turns
	WallS    float64 // elapsed seconds
	CPUS     float64 // user + system seconds of dq (rusage of the child)
	PeakMB   float64 // peak resident memory of dq (rusage Maxrss), MB
	Load1    float64 // 1-minute load average when the run started
	Detail   string  // what else the run showed (intervals of a sample)
}

var header = []string{"series", "point", "datasets", "rows", "round", "wall_s", "cpu_s", "peak_rss_mb", "load1", "detail"}

// WriteCSV writes the measurements with a header line.
func WriteCSV(w io.Writer, ms []Measurement) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, m := range ms {
		rec := []string{m.Series, m.Point, strconv.Itoa(m.Datasets), strconv.FormatInt(m.Rows, 10), strconv.Itoa(m.Round),
			fixed(m.WallS, 3), fixed(m.CPUS, 3), fixed(m.PeakMB, 1), fixed(m.Load1, 2), m.Detail}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads what WriteCSV wrote; an error names the line and column.
func ReadCSV(r io.Reader) ([]Measurement, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		return nil, fmt.Errorf("line 1: header must be %s", strings.Join(header, ","))
	}
	var ms []Measurement
	for i, rec := range recs[1:] {
		line := i + 2
		m := Measurement{Series: rec[0], Point: rec[1], Detail: rec[9]}
		var errs []string
		atoi := func(col int, dst *int) {
			v, err := strconv.Atoi(rec[col])
			if err != nil {
				errs = append(errs, fmt.Sprintf("line %d, %s: %q is not an integer", line, header[col], rec[col]))
			}
			*dst = v
		}
		atof := func(col int, dst *float64) {
			v, err := strconv.ParseFloat(rec[col], 64)
			if err != nil {
				errs = append(errs, fmt.Sprintf("line %d, %s: %q is not a number", line, header[col], rec[col]))
			}
			*dst = v
		}
		var rows int
		atoi(2, &m.Datasets)
		atoi(3, &rows)
		m.Rows = int64(rows)
		atoi(4, &m.Round)
		atof(5, &m.WallS)
		atof(6, &m.CPUS)
		atof(7, &m.PeakMB)
		atof(8, &m.Load1)
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// Replace returns old without the series that fresh measured, then fresh:
// a run of some series keeps the others' measurements.
func Replace(old, fresh []Measurement) []Measurement {
	measured := map[string]bool{}
	for _, m := range fresh {
		measured[m.Series] = true
	}
	var out []Measurement
	for _, m := range old {
		if !measured[m.Series] {
			out = append(out, m)
		}
	}
	return append(out, fresh...)
}

// Summary is a point of a series over its rounds: the median of each.
type Summary struct {
	Point    string
	Datasets int
	Rows     int64
	Runs     int
	WallS    float64
	CPUS     float64
	PeakMB   float64
}

// Summarize gives the points of one series in the order they were first
// measured, each the median of its rounds.
func Summarize(ms []Measurement, series string) []Summary {
	var order []string
	by := map[string][]Measurement{}
	for _, m := range ms {
		if m.Series != series {
			continue
		}
		if _, ok := by[m.Point]; !ok {
			order = append(order, m.Point)
		}
		by[m.Point] = append(by[m.Point], m)
	}
	var out []Summary
	for _, p := range order {
		runs := by[p]
		pick := func(f func(Measurement) float64) float64 {
			vs := make([]float64, len(runs))
			for i, m := range runs {
				vs[i] = f(m)
			}
			return median(vs)
		}
		out = append(out, Summary{Point: p, Datasets: runs[0].Datasets, Rows: runs[0].Rows, Runs: len(runs),
			WallS:  pick(func(m Measurement) float64 { return m.WallS }),
			CPUS:   pick(func(m Measurement) float64 { return m.CPUS }),
			PeakMB: pick(func(m Measurement) float64 { return m.PeakMB })})
	}
	return out
}

// median of an even count is the mean of the middle two.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func fixed(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
