package scaling

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "redraw docs/scaling-*.svg from docs/scaling.csv")

func TestNiceScale(t *testing.T) {
	for _, c := range []struct{ max, step, end float64 }{
		{2, 0.5, 2},
		{30.6, 10, 40},
		{10.2, 5, 15},
		{7.3, 2, 8},
		{1, 0.2, 1},
		{0, 1, 1},
		{123, 50, 150},
	} {
		step, end := niceScale(c.max)
		require.InDelta(t, c.step, step, 1e-12, "step of %v", c.max)
		require.InDelta(t, c.end, end, 1e-12, "end of %v", c.max)
	}
}

func TestChartSVG(t *testing.T) {
	svg := string(Chart{Title: "a < b", XLabel: "x", YLabel: "y", Series: []Series{
		{Name: "measured", Points: []Point{{1, 1}, {2, 2}}},
		{Name: "reference", Points: []Point{{0, 0}, {2, 1}}, Dashed: true},
	}}.SVG())
	// Axes end at 2 (ticks of 0.5); the plot is 478 × 320 px from (72, 44):
	// (1, 1) is at 72 + 478/2, 44 + 320/2.
	require.Contains(t, svg, `<polyline fill="none" stroke="#0072B2" stroke-width="2" points="311,204 550,44"/>`)
	require.Contains(t, svg, `<polyline fill="none" stroke="#D55E00" stroke-width="2" stroke-dasharray="6 4" points="72,364 550,204"/>`)
	require.Equal(t, 2, strings.Count(svg, "<circle"), "markers on measured points only")
	require.Contains(t, svg, ">a &lt; b</text>")
	require.Equal(t, 5, strings.Count(svg, `text-anchor="end"`), "y ticks 0, 0.5, 1, 1.5, 2")
	require.True(t, strings.HasPrefix(svg, "<svg ") && strings.HasSuffix(svg, "</svg>\n"))
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "well-formed XML")
	}
}

func TestCSVRoundTrip(t *testing.T) {
	ms := []Measurement{
		{Series: "rows", Point: "1M", Datasets: 1, Rows: 1020000, Round: 1, WallS: 4.5, CPUS: 6.25, PeakMB: 412.5, Load1: 2.31},
		{Series: "sample", Point: "100M-hash-1%", Datasets: 1, Rows: 102000000, Round: 2, WallS: 61, CPUS: 99, PeakMB: 900, Detail: "width median 0.1 pp, widest 0.2 pp"},
	}
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, ms))
	got, err := ReadCSV(&b)
	require.NoError(t, err)
	require.Equal(t, ms, got)

	_, err = ReadCSV(strings.NewReader("series,point,datasets,rows,round,wall_s,cpu_s,peak_rss_mb,load1,detail\nrows,1M,1,x,1,1,1,1,1,\n"))
	require.EqualError(t, err, `line 2, rows: "x" is not an integer`)
}

func TestSummarizeAndReplace(t *testing.T) {
	ms := []Measurement{
		{Series: "rows", Point: "3M", Rows: 3, WallS: 9, CPUS: 1, PeakMB: 5},
		{Series: "rows", Point: "1M", Rows: 1, WallS: 3},
		{Series: "rows", Point: "3M", Rows: 3, WallS: 7, CPUS: 3, PeakMB: 1},
		{Series: "rows", Point: "3M", Rows: 3, WallS: 8, CPUS: 2, PeakMB: 9},
		{Series: "datasets", Point: "5", WallS: 1},
	}
	s := Summarize(ms, "rows")
	require.Equal(t, []Summary{
		{Point: "3M", Rows: 3, Runs: 3, WallS: 8, CPUS: 2, PeakMB: 5},
		{Point: "1M", Rows: 1, Runs: 1, WallS: 3},
	}, s)
	require.Equal(t, 2.5, median([]float64{3, 1, 2, 4}))

	got := Replace(ms, []Measurement{{Series: "rows", Point: "1M", WallS: 1}})
	require.Equal(t, []Measurement{{Series: "datasets", Point: "5", WallS: 1}, {Series: "rows", Point: "1M", WallS: 1}}, got)
}

// TestChartsMatchMeasurements keeps the charts in docs/ drawn from the
// measurements next to them: the benchmark redraws them when it writes the
// file; -update redraws them after the file was edited by hand.
func TestChartsMatchMeasurements(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "docs", "scaling.csv"))
	require.NoError(t, err)
	defer f.Close()
	ms, err := ReadCSV(f)
	require.NoError(t, err, "docs/scaling.csv")
	charts := Charts(ms)
	require.Len(t, charts, 3, "rows, memory and datasets charts")
	for name, svg := range charts {
		path := filepath.Join("..", "docs", name)
		if *update {
			require.NoError(t, os.WriteFile(path, svg, 0o644))
			continue
		}
		old, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(svg), string(old), "docs/%s is not what docs/scaling.csv draws: go test ./scaling -run TestChartsMatchMeasurements -update", name)
	}
}
