package scaling

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
)

// Chart is a line chart with linear axes from zero, so that a series
// growing in proportion to x is a straight line through the origin and a
// dashed reference line shows where "linear" would be.
type Chart struct {
	Title  string
	XLabel string
	YLabel string
	// XTick and YTick format a tick value (default: the number).
	XTick, YTick func(float64) string
	Series       []Series
}

// Series is one line of a chart.
type Series struct {
	Name   string
	Points []Point
	Dashed bool // a reference, not a measurement: no markers
}

// Point is one measured (or reference) value.
type Point struct{ X, Y float64 }

// The drawing area: fixed, so charts of the same kind line up in the docs.
const (
	chartW, chartH            = 760, 420
	marginL, marginR          = 72, 210
	marginT, marginB          = 44, 56
	plotW, plotH              = chartW - marginL - marginR, chartH - marginT - marginB
	legendX                   = chartW - marginR + 18
	fontFamily                = "sans-serif"
	axisColor, gridColor      = "#444", "#ddd"
	titleSize, labelSize, tsz = 16, 13, 11
)

// palette is colour-blind safe (Okabe–Ito); series take colours in order.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// SVG renders the chart. The output depends only on the chart, so a chart
// regenerated from the same measurements is byte for byte the same file.
func (c Chart) SVG() []byte {
	var maxX, maxY float64
	for _, s := range c.Series {
		for _, p := range s.Points {
			maxX, maxY = math.Max(maxX, p.X), math.Max(maxY, p.Y)
		}
	}
	xStep, xMax := niceScale(maxX)
	yStep, yMax := niceScale(maxY)
	xf, yf := c.XTick, c.YTick
	if xf == nil {
		xf = formatNumber
	}
	if yf == nil {
		yf = formatNumber
	}
	px := func(x float64) float64 { return marginL + x/xMax*plotW }
	py := func(y float64) float64 { return marginT + plotH - y/yMax*plotH }

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		chartW, chartH, chartW, chartH, fontFamily)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" font-weight="bold">%s</text>`+"\n", marginL, 26, titleSize, html.EscapeString(c.Title))
	for i := 0; float64(i)*yStep <= yMax+yStep/1e6; i++ {
		v := float64(i) * yStep
		y := py(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="%s"/>`+"\n", marginL, num(y), marginL+plotW, num(y), gridColor)
		fmt.Fprintf(&b, `<text x="%d" y="%s" font-size="%d" text-anchor="end">%s</text>`+"\n", marginL-6, num(y+4), tsz, html.EscapeString(yf(v)))
	}
	for i := 0; float64(i)*xStep <= xMax+xStep/1e6; i++ {
		v := float64(i) * xStep
		x := px(v)
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s"/>`+"\n", num(x), marginT+plotH, num(x), marginT+plotH+5, axisColor)
		fmt.Fprintf(&b, `<text x="%s" y="%d" font-size="%d" text-anchor="middle">%s</text>`+"\n", num(x), marginT+plotH+18, tsz, html.EscapeString(xf(v)))
	}
	fmt.Fprintf(&b, `<path d="M%d %dV%dH%d" fill="none" stroke="%s"/>`+"\n", marginL, marginT, marginT+plotH, marginL+plotW, axisColor)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" text-anchor="middle">%s</text>`+"\n", marginL+plotW/2, chartH-14, labelSize, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(18 %d) rotate(-90)" font-size="%d" text-anchor="middle">%s</text>`+"\n", marginT+plotH/2, labelSize, html.EscapeString(c.YLabel))

	for i, s := range c.Series {
		color := palette[i%len(palette)]
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		if len(s.Points) > 0 {
			b.WriteString(`<polyline fill="none" stroke="` + color + `" stroke-width="2"` + dash + ` points="`)
			for j, p := range s.Points {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(num(px(p.X)) + "," + num(py(p.Y)))
			}
			b.WriteString("\"/>\n")
		}
		if !s.Dashed {
			for _, p := range s.Points {
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s: %s, %s</title></circle>`+"\n",
					num(px(p.X)), num(py(p.Y)), color, html.EscapeString(s.Name), html.EscapeString(xf(p.X)), html.EscapeString(yf(p.Y)))
			}
		}
		ly := marginT + 10 + i*22
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", legendX, ly, legendX+24, ly, color, dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d">%s</text>`+"\n", legendX+30, ly+4, tsz, html.EscapeString(s.Name))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// niceScale picks a tick step of 1, 2 or 5 times a power of ten giving
// four to eight ticks, and the axis end: the first tick at or above max.
func niceScale(max float64) (step, end float64) {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		return 1, 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch r := raw / mag; {
	case r <= 1:
		step = mag
	case r <= 2:
		step = 2 * mag
	case r <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	end = math.Ceil(max/step-1e-9) * step
	return step, end
}

// num writes a coordinate with at most one decimal, without a trailing
// ".0", so that the files stay small and stable.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// formatNumber writes a tick value as briefly as it reads.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
