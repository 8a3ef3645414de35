//go:build duckdb_arrow

package pipeline

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/scorecard"
)

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoData generates a small demo once for the package's tests.
func demoData(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "dq-pipeline-demo-")
		if demoErr == nil {
			_, demoErr = demo.Generate(demoDir, demo.Options{Rows: 4000, Seed: 3, AsOf: time.Now().UTC().Truncate(time.Hour)})
		}
	})
	require.NoError(t, demoErr)
	return demoDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// demoPrepared loads configs/demo.yaml pointed at the test's data, after
// edit rewrites its text.
func demoPrepared(t *testing.T, edit func(string) string) *Prepared {
	t.Helper()
	raw, err := os.ReadFile("../configs/demo.yaml")
	require.NoError(t, err)
	s := strings.Replace(string(raw), "root: ../testdata/demo", "root: "+demoData(t), 1)
	s = strings.Replace(s, "demo: {dir: ../testdata/demo, rows: 20000, seed: 1}\n", "", 1)
	if edit != nil {
		s = edit(s)
	}
	cfg, err := config.Parse("demo.yaml", []byte(s), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

func results(out *Outcome) map[string]*scorecard.Check {
	m := map[string]*scorecard.Check{}
	for _, c := range out.Cards {
		for _, d := range c.Datasets {
			for _, ch := range d.Checks {
				m[d.ID+"/"+ch.ID] = ch
			}
		}
	}
	return m
}

// The Arrow path (what database and HTTP sources use) must give the same
// counts as DuckDB reading the files itself.
func TestArrowPathMatchesDirect(t *testing.T) {
	ctx := context.Background()
	direct, err := Run(ctx, demoPrepared(t, nil), Options{})
	require.NoError(t, err)
	arrow, err := Run(ctx, demoPrepared(t, func(s string) string {
		return strings.Replace(s, "{kind: file, root:", "{kind: file, mode: arrow, root:", 1)
	}), Options{})
	require.NoError(t, err)
	d, a := results(direct), results(arrow)
	require.Len(t, a, len(d))
	for id, dc := range d {
		ac := a[id]
		require.NotEqual(t, scorecard.Error, dc.Status, "%s: %s", id, dc.Message)
		require.Equal(t, dc.Status, ac.Status, id)
		require.Equal(t, dc.Rows, ac.Rows, id)
		require.Equal(t, dc.Evaluated, ac.Evaluated, id)
		require.Equal(t, dc.Failed, ac.Failed, id)
		// Freshness is measured against each run's own clock, a load time
		// by each run.
		if dc.Unit != "hours" && dc.Unit != "seconds" {
			require.Equal(t, dc.Value, ac.Value, id)
		}
	}
}

func TestHashSampleOnFiles(t *testing.T) {
	ctx := context.Background()
	full, err := Run(ctx, demoPrepared(t, nil), Options{})
	require.NoError(t, err)
	sampled, err := Run(ctx, demoPrepared(t, func(s string) string {
		return strings.Replace(s, "    key: cccd\n", "    key: cccd\n    sample: {method: hash, fraction: 0.3}\n", 1)
	}), Options{})
	require.NoError(t, err)
	var pop *scorecard.Dataset
	for _, d := range sampled.Cards[0].Datasets {
		if d.ID == "population.citizens" {
			pop = d
		}
	}
	require.NotNil(t, pop)
	fullRows := *full.Cards[0].Datasets[0].RowsTotal
	require.Equal(t, fullRows, *pop.RowsTotal, "N is the whole dataset")
	require.Less(t, *pop.RowsSampled, fullRows*4/10)
	require.Greater(t, *pop.RowsSampled, fullRows*2/10)
	require.NotNil(t, pop.Sample.Fraction)

	f, s := results(full)["population.citizens/cccd_format"], results(sampled)["population.citizens/cccd_format"]
	require.Len(t, s.Interval95, 2)
	require.LessOrEqual(t, s.Interval95[0], *s.PassRate)
	require.GreaterOrEqual(t, s.Interval95[1], *s.PassRate)
	require.Nil(t, f.Interval95, "no interval on full data")
	// Volume is judged on N, not on the sample's size.
	require.Equal(t, float64(fullRows), *results(sampled)["population.citizens/volume"].Value)

	// Deterministic: the same sample twice.
	again, err := Run(ctx, demoPrepared(t, func(s string) string {
		return strings.Replace(s, "    key: cccd\n", "    key: cccd\n    sample: {method: hash, fraction: 0.3}\n", 1)
	}), Options{})
	require.NoError(t, err)
	require.Equal(t, s.Failed, results(again)["population.citizens/cccd_format"].Failed)
}

func TestExplainListsFusedScan(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Explain(context.Background(), demoPrepared(t, nil), &b, nil))
	out := b.String()
	require.Contains(t, out, "-- dataset population.citizens")
	require.Contains(t, out, "23 checks, ")
	require.NotContains(t, out, "check service will be error", "the load time is measured when the run reads")
	require.Contains(t, out, `WITH _dq AS NOT MATERIALIZED (SELECT *`)
	require.Contains(t, out, "read_parquet(")
	require.Equal(t, 8, strings.Count(out, "-- dataset "))
}

// The demo on coordinated 30% samples (population, insurance and deaths
// hashed on the citizen ID): every cross-registry estimate's interval
// contains the full-data value, and the checks say the samples line up.
func TestCoordinatedDemoSampleCoversTheTruth(t *testing.T) {
	ctx := context.Background()
	full, err := Run(ctx, demoPrepared(t, nil), Options{})
	require.NoError(t, err)
	sample := "    sample: {method: hash, fraction: 0.3, key: cccd}\n"
	sampled, err := Run(ctx, demoPrepared(t, func(s string) string {
		s = strings.Replace(s, "    path: citizens.parquet\n", "    path: citizens.parquet\n"+sample, 1)
		s = strings.Replace(s, "    path: insurance.parquet\n", "    path: insurance.parquet\n"+sample, 1)
		return strings.Replace(s, "    path: deaths.parquet\n", "    path: deaths.parquet\n"+sample, 1)
	}), Options{})
	require.NoError(t, err)
	f, s := results(full), results(sampled)
	for _, id := range []string{"insurance.participants/in_population", "insurance.participants/agrees_with_population",
		"insurance.participants/deceased_still_active", "insurance.participants/population_covered"} {
		truth, est := f[id], s[id]
		require.NotEqual(t, scorecard.Error, est.Status, "%s: %s", id, est.Message)
		require.Equal(t, true, est.Details["coordinated_sample"], id)
		require.Len(t, est.Interval95, 2, id)
		require.Less(t, *est.Evaluated, *truth.Evaluated, id)
		require.LessOrEqual(t, est.Interval95[0], *truth.PassRate, id)
		require.GreaterOrEqual(t, est.Interval95[1], *truth.PassRate, id)
	}
}

// Scores per province come from the same scan and add up to the dataset.
func TestGroupByProvince(t *testing.T) {
	out, err := Run(context.Background(), demoPrepared(t, nil), Options{})
	require.NoError(t, err)
	var pop *scorecard.Dataset
	for _, d := range out.Cards[0].Datasets {
		if d.ID == "population.citizens" {
			pop = d
		}
	}
	require.NotNil(t, pop.Groups)
	g := pop.Groups
	require.Empty(t, g.Error)
	require.Equal(t, "province_code", g.By)
	require.False(t, g.Truncated)
	require.LessOrEqual(t, len(g.Values), 34, "the 2025 provinces")
	require.Greater(t, len(g.Values), 10)
	byID := map[string]*scorecard.Check{}
	for _, c := range pop.Checks {
		byID[c.ID] = c
	}
	var rows int64
	sums := map[string]int64{}
	for _, v := range g.Values {
		rows += v.Rows
		require.NotNil(t, v.Score, v.Value)
		if v.Value == "01" {
			require.Equal(t, "Thành phố Hà Nội", v.Name, "a province code is named from refdata")
		}
		require.NotEmpty(t, v.Name, "every demo province is a province of 2025: %s", v.Value)
		for _, c := range v.Checks {
			if c.Failed != nil {
				sums[c.ID] += *c.Failed
			}
		}
		for _, c := range v.Checks {
			require.NotEqual(t, "cccd_unique", c.ID, "group-by checks are not grouped")
		}
	}
	require.Equal(t, *pop.RowsSampled, rows)
	for _, id := range []string{"cccd_format", "gender_known", "birth_range", "cccd_present", "cccd_valid"} {
		require.Equal(t, *byID[id].Failed, sums[id], id)
	}
}
