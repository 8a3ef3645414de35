package checks_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
)

// dimensionConfig has a master registry (pop), an ordinary one (ins) and
// the checks whose default dimension depends on which they look at.
const dimensionConfig = `ministries: [{id: M, name: M}]
sources: {s: {kind: file}}
datasets:
  - id: pop
    ministry: M
    source: s
    key: cccd
    master: true
    checks: [{id: x, kind: not_null, column: cccd}]
  - id: other
    ministry: M
    source: s
    key: cccd
    checks: [{id: x, kind: not_null, column: cccd}]
  - id: ins
    ministry: M
    source: s
    key: bhxh
    checks:
      - {id: ref_master, kind: references, column: cccd, dataset: pop, key: cccd}
      - {id: ref_other, kind: references, column: cccd, dataset: other, key: cccd}
      - {id: ref_list, kind: references, column: commune_code, reference: admin_units_2025}
      - {id: agrees_master, kind: agrees, dataset: pop, on: {cccd: cccd}, columns: {gender: {}}}
      - {id: agrees_other, kind: agrees, dataset: other, on: {cccd: cccd}, columns: {gender: {}}}
      - {id: coverage_master, kind: coverage, dataset: pop, on: {cccd: cccd}}
      - {id: coverage_other, kind: coverage, dataset: other, on: {cccd: cccd}}
      - {id: lag, kind: anomaly, metric: freshness_lag, column: updated_at}
      - {id: own, kind: references, column: cccd, dataset: pop, key: cccd, dimension: correct}
`

func buildDimensions(t *testing.T, yaml string) map[string]string {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(yaml), nil)
	require.NoError(t, err)
	out := map[string]string{}
	ds := cfg.Dataset("ins")
	for i := range ds.Checks {
		b, err := checks.Build(cfg, &ds.Checks[i])
		require.NoError(t, err, ds.Checks[i].ID)
		out[b.Spec.ID] = b.Dimension
	}
	return out
}

// Cross-registry checks against a master registry or a shared code list
// measure "unified"; against any other dataset they keep their kind's
// criterion. A check's own dimension: still wins.
func TestDefaultDimensionOfCrossRegistryChecks(t *testing.T) {
	require.Equal(t, map[string]string{
		"ref_master": "unified", "ref_other": "correct", "ref_list": "unified",
		"agrees_master": "unified", "agrees_other": "correct",
		"coverage_master": "unified", "coverage_other": "sufficient",
		"lag": "alive", "own": "correct",
	}, buildDimensions(t, dimensionConfig))
}

// A config with its own four criteria (written before the six) keeps
// working: a default naming a criterion it does not define falls back to
// the kind's registered default.
func TestDefaultDimensionFallsBackForOwnDimensions(t *testing.T) {
	four := "dimensions: [{id: correct}, {id: sufficient}, {id: clean}]\n" + dimensionConfig
	require.Equal(t, map[string]string{
		"ref_master": "correct", "ref_other": "correct", "ref_list": "correct",
		"agrees_master": "correct", "agrees_other": "correct",
		"coverage_master": "sufficient", "coverage_other": "sufficient",
		"lag": "sufficient", "own": "correct",
	}, buildDimensions(t, four))

	// A kind whose registered default the config lacks is still refused,
	// with the way out.
	cfg, err := config.Parse("c.yaml", []byte(`dimensions: [{id: correct}]
ministries: [{id: M, name: M}]
sources: {s: {kind: file}}
datasets: [{id: a, ministry: M, source: s, checks: [{id: fresh, kind: freshness, column: t, max_age: 1d}]}]
`), nil)
	require.NoError(t, err)
	_, err = checks.Build(cfg, &cfg.Datasets[0].Checks[0])
	require.ErrorContains(t, err, `kind freshness belongs to dimension "alive" by default, which this config does not define; map it with kind_dimensions or set dimension:`)
}

// The table "Criteria of check kinds" in configs/README.md names every
// registered kind once, with its registered criterion first.
func TestCriteriaTableMatchesKinds(t *testing.T) {
	raw, err := os.ReadFile("../configs/README.md")
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(raw), "## Criteria of check kinds")
	require.True(t, ok)
	documented := map[string]string{}
	row := regexp.MustCompile("^\\| ((?:`[a-z_]+`(?:, )?)+) \\| ([a-z]+)")
	for _, line := range strings.Split(table, "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, k := range strings.Split(m[1], ", ") {
			k = strings.Trim(k, "`")
			require.NotContains(t, documented, k, "%s listed twice", k)
			documented[k] = m[2]
		}
	}
	for _, name := range checks.Names() {
		if strings.HasPrefix(name, "test_") {
			continue // the tests' own kinds
		}
		k, _ := checks.Lookup(name)
		require.Equal(t, k.Dimension, documented[name], "configs/README.md: criterion of %s", name)
		delete(documented, name)
	}
	require.Empty(t, documented, "kinds documented but not registered")
}
