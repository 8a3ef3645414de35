//go:build duckdb_arrow

package pipeline

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
)

// A ministry can recompute its own score from its JSON with the formulas
// of docs/methodology.md. This test does, for every demo scorecard, with
// its own reading of the document: it reads the JSON as plain maps and
// shares no code with package scorecard.
func TestScoresRecomputeFromJSON(t *testing.T) {
	cfg, dir := demoRunForScores(t)
	critWeight := map[string]float64{}
	for _, d := range cfg.Dimensions {
		critWeight[d.ID] = d.Weight
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	cards := 0
	for _, f := range files {
		if filepath.Base(f) == "index.json" {
			continue
		}
		var card map[string]any
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &card))
		cards++
		recomputeCard(t, card, cfg.DimensionIDs(), critWeight)
	}
	require.Equal(t, len(cfg.Ministries), cards)
}

// The demo's ministries spread over the scores as their planted defects
// say (this order, worst first, is written down here so that a change of
// method or data that reorders them is seen): the land registry is stale
// and fails most of its checks, so agriculture comes last; justice fails
// none at this size but does not measure "alive", which costs it a sixth
// and keeps it from "good". Ratings agree with statuses.
func TestDemoRanking(t *testing.T) {
	_, dir := demoRunForScores(t)
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	require.NoError(t, err)
	var idx struct {
		Ministries []struct {
			ID       string
			Score    float64
			Band     string
			Status   string
			Rank     int
			Coverage struct {
				CriteriaMeasured int `json:"criteria_measured"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &idx))
	worstFirst := make([]string, len(idx.Ministries))
	for _, m := range idx.Ministries {
		worstFirst[len(idx.Ministries)-m.Rank] = m.ID
		require.False(t, m.Status != "pass" && m.Band == "green", "%s: %s but rated good", m.ID, m.Status)
		require.Greater(t, m.Score, 30.0, m.ID)
		require.Less(t, m.Score, 90.0, m.ID)
		if m.ID == "MOJ" {
			require.Equal(t, 5, m.Coverage.CriteriaMeasured)
		} else {
			require.Equal(t, 6, m.Coverage.CriteriaMeasured, m.ID)
		}
	}
	require.Equal(t, []string{"MAE", "MOET", "VSS", "MOH", "MPS", "MOF", "MOJ"}, worstFirst)
	// The spread is wide enough to rank: 40 points between the ends.
	lo, hi := 100.0, 0.0
	for _, m := range idx.Ministries {
		lo, hi = min(lo, m.Score), max(hi, m.Score)
	}
	require.Greater(t, hi-lo, 35.0)
}

// demoRunForScores publishes one demo run and returns its config and
// folder.
func demoRunForScores(t *testing.T) (*config.Config, string) {
	asOf := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	data := t.TempDir()
	_, err := demo.Generate(data, demo.Options{Rows: 4000, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	raw, err := os.ReadFile("../configs/demo.yaml")
	require.NoError(t, err)
	out := t.TempDir()
	s := strings.Replace(string(raw), "root: ../testdata/demo", "root: "+data, 1)
	s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
	s = strings.Replace(s, "output: {dir: ../out/scorecards}", "output: {dir: "+out+"}", 1)
	cfg, err := config.Parse("demo.yaml", []byte(s), nil)
	require.NoError(t, err)
	return cfg, publishDemoRun(t, cfg, "recompute", asOf.Add(time.Hour))
}

func recomputeCard(t *testing.T, card map[string]any, criteria []string, critWeight map[string]float64) {
	ministry := card["ministry"].(map[string]any)["id"].(string)
	// Per criterion, the datasets' criterion scores and weights.
	type acc struct{ sum, w float64 }
	byCrit := map[string]*acc{}
	var records acc
	for _, dv := range card["datasets"].([]any) {
		d := dv.(map[string]any)
		dw := d["weight"].(float64)
		crit := map[string]*acc{}
		var rec acc
		for _, cv := range d["checks"].([]any) {
			c := cv.(map[string]any)
			if c["status"] == "error" || c["kpi"] == false {
				continue
			}
			r := requirementFromJSON(c)
			if got, ok := c["score"].(float64); ok {
				require.InDelta(t, 100*r, got, 0.006, "%s/%s/%s", ministry, d["id"], c["id"])
			}
			w := map[string]float64{"critical": 3, "major": 2, "minor": 1}[c["severity"].(string)] * c["weight"].(float64)
			a := crit[c["dimension"].(string)]
			if a == nil {
				a = &acc{}
				crit[c["dimension"].(string)] = a
			}
			a.sum += w * r
			a.w += w
			if p, ok := c["pass_rate"].(float64); ok {
				rec.sum += w * p
				rec.w += w
			}
		}
		var ds acc
		for _, id := range criteria {
			a := crit[id]
			if a == nil || a.w == 0 {
				continue
			}
			s := a.sum / a.w
			ds.sum += critWeight[id] * s
			ds.w += critWeight[id]
			m := byCrit[id]
			if m == nil {
				m = &acc{}
				byCrit[id] = m
			}
			m.sum += dw * s
			m.w += dw
		}
		if ds.w > 0 {
			require.InDelta(t, 100*ds.sum/ds.w, d["score"].(float64), 0.01, "%s/%s", ministry, d["id"])
		} else {
			require.Nil(t, d["score"], "%s/%s", ministry, d["id"])
		}
		if rec.w > 0 {
			require.InDelta(t, 100*rec.sum/rec.w, d["records_score"].(float64), 0.01, "%s/%s records", ministry, d["id"])
			records.sum += dw * rec.sum / rec.w
			records.w += dw
		}
	}
	var total acc
	for _, id := range criteria {
		s := 0.0 // not measured counts 0
		if m := byCrit[id]; m != nil && m.w > 0 {
			s = m.sum / m.w
		}
		total.sum += critWeight[id] * s
		total.w += critWeight[id]
	}
	require.InDelta(t, 100*total.sum/total.w, card["score"].(float64), 0.01, "%s", ministry)
	if records.w > 0 {
		require.InDelta(t, 100*records.sum/records.w, card["records_score"].(float64), 0.01, "%s records", ministry)
	}
}

// requirementFromJSON is section 1 of docs/methodology.md.
func requirementFromJSON(c map[string]any) float64 {
	if c["status"] == "pass" || c["status"] == "warn" {
		return 1
	}
	th, _ := c["threshold"].(map[string]any)
	clamp := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	if m, ok := th["mostly"].(float64); ok {
		if p, ok := c["pass_rate"].(float64); ok {
			return clamp(0.5 - 10*(m-p))
		}
	}
	v, ok := c["value"].(float64)
	if !ok {
		return 0
	}
	if m, ok := th["max_age_hours"].(float64); ok && m > 0 {
		if v < 0 { // ahead of now
			if f, ok := th["max_future_hours"].(float64); ok && f > 0 {
				return clamp(0.5 * (2 - -v/f))
			}
			return 0
		}
		return clamp(0.5 * (2 - v/m))
	}
	if lo, ok := th["min"].(float64); ok && v < lo && lo > 0 {
		return clamp(0.5 * (1 - (lo-v)/lo))
	}
	if hi, ok := th["max"].(float64); ok && v > hi && hi > 0 {
		return clamp(0.5 * (1 - (v-hi)/hi))
	}
	return 0
}
