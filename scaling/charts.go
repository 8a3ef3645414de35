package scaling

import "strconv"

// Charts are the SVG files drawn from the measurements, by file name. A
// series not measured gives no chart.
func Charts(ms []Measurement) map[string][]byte {
	out := map[string][]byte{}
	millions := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) + "M" }
	seconds := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) + " s" }
	gb := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) + " GB" }

	if rows := Summarize(ms, "rows"); len(rows) > 0 {
		var wall, cpu, mem []Point
		for _, s := range rows {
			x := float64(s.Rows) / 1e6
			wall = append(wall, Point{x, s.WallS})
			cpu = append(cpu, Point{x, s.CPUS})
			mem = append(mem, Point{x, s.PeakMB / 1024})
		}
		out["scaling-rows.svg"] = Chart{
			Title:  "dq run: time vs rows (one dataset, 20 checks)",
			XLabel: "rows read (millions)", YLabel: "seconds (median of rounds)",
			XTick: millions, YTick: seconds,
			Series: []Series{
				{Name: "wall time", Points: wall},
				{Name: "CPU time (user+sys)", Points: cpu},
				{Name: "wall, linear from first", Points: linearFrom(wall), Dashed: true},
				{Name: "CPU, linear from first", Points: linearFrom(cpu), Dashed: true},
			},
		}.SVG()
		out["scaling-memory.svg"] = Chart{
			Title:  "dq run: peak memory vs rows (one dataset, 20 checks)",
			XLabel: "rows read (millions)", YLabel: "peak RSS of the dq process",
			XTick: millions, YTick: gb,
			Series: []Series{
				{Name: "peak RSS", Points: mem},
				{Name: "linear from first", Points: linearFrom(mem), Dashed: true},
			},
		}.SVG()
	}
	if ds := Summarize(ms, "datasets"); len(ds) > 0 {
		var wall, cpu []Point
		for _, s := range ds {
			x := float64(s.Datasets)
			wall = append(wall, Point{x, s.WallS})
			cpu = append(cpu, Point{x, s.CPUS})
		}
		out["scaling-datasets.svg"] = Chart{
			Title:  "dq run: time vs datasets (same rows in total)",
			XLabel: "datasets (the same rows split between them)", YLabel: "seconds (median of rounds)",
			YTick: seconds,
			Series: []Series{
				{Name: "wall time", Points: wall},
				{Name: "CPU time (user+sys)", Points: cpu},
				{Name: "wall of one dataset", Points: flatFrom(wall), Dashed: true},
				{Name: "CPU of one dataset", Points: flatFrom(cpu), Dashed: true},
			},
		}.SVG()
	}
	return out
}

// linearFrom is the line through the origin and the first point: where the
// others would lie if the cost grew in proportion to x.
func linearFrom(ps []Point) []Point {
	if len(ps) == 0 || ps[0].X == 0 {
		return nil
	}
	k := ps[0].Y / ps[0].X
	out := []Point{{0, 0}}
	for _, p := range ps {
		out = append(out, Point{p.X, k * p.X})
	}
	return out
}

// flatFrom is the first point's value at every x: the cost when splitting
// the same rows into more datasets costs nothing.
func flatFrom(ps []Point) []Point {
	if len(ps) == 0 {
		return nil
	}
	out := make([]Point, len(ps))
	for i, p := range ps {
		out[i] = Point{p.X, ps[0].Y}
	}
	return out
}
