package sampling

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
)

func TestCheckSettings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		key    string
		sample *config.Sample
		want   []string
	}{
		{"no sample", "", nil, nil},
		{"full", "", &config.Sample{Method: MethodFull, Fraction: 7}, nil},
		{"method left to the connectors", "", &config.Sample{}, nil},
		{"hash on the key", "id", &config.Sample{Method: MethodHash, Fraction: 0.05}, nil},
		{"hash on sample.key", "", &config.Sample{Method: MethodHash, Fraction: 1, Key: "cccd"}, nil},
		{"hash without a key", "", &config.Sample{Method: MethodHash, Fraction: 0.5}, []string{
			"c.yaml:4: dataset a.sample: hash sampling needs a key column: the dataset's key: or sample.key:",
		}},
		{"hash without a fraction", "id", &config.Sample{Method: MethodHash}, []string{
			"c.yaml:4: dataset a.sample.fraction: must be in (0, 1], got 0",
		}},
		{"hash of more than everything", "id", &config.Sample{Method: MethodHash, Fraction: 1.5}, []string{
			"c.yaml:4: dataset a.sample.fraction: must be in (0, 1], got 1.5",
		}},
		{"hash without key nor fraction", "", &config.Sample{Method: MethodHash, Fraction: -0.1}, []string{
			"c.yaml:4: dataset a.sample: hash sampling needs a key column: the dataset's key: or sample.key:",
			"c.yaml:4: dataset a.sample.fraction: must be in (0, 1], got -0.1",
		}},
		{"hash of NaN", "id", &config.Sample{Method: MethodHash, Fraction: math.NaN()}, []string{
			"c.yaml:4: dataset a.sample.fraction: must be in (0, 1], got NaN",
		}},
		{"hash of infinity", "id", &config.Sample{Method: MethodHash, Fraction: math.Inf(1)}, []string{
			"c.yaml:4: dataset a.sample.fraction: must be in (0, 1], got +Inf",
		}},
		{"rows", "", &config.Sample{Method: MethodRows, Rows: 200000, Seed: 7}, nil},
		{"rows, seed 0", "", &config.Sample{Method: MethodRows, Rows: 10}, nil},
		{"negative seed", "", &config.Sample{Method: MethodRows, Rows: 10, Seed: -7}, []string{
			"c.yaml:4: dataset a.sample.seed: must not be negative, got -7",
		}},
		{"no rows", "", &config.Sample{Method: MethodRows}, []string{
			"c.yaml:4: dataset a.sample.rows: must be a positive number of rows",
		}},
		{"negative rows", "", &config.Sample{Method: MethodRows, Rows: -5}, []string{
			"c.yaml:4: dataset a.sample.rows: must be a positive number of rows",
		}},
		{"unknown method", "id", &config.Sample{Method: "reservoir", Fraction: 0.1}, []string{
			`c.yaml:4: dataset a.sample.method: unknown method "reservoir" (full, hash, rows)`,
		}},
		{"method names are lower case", "id", &config.Sample{Method: "HASH", Fraction: 0.1}, []string{
			`c.yaml:4: dataset a.sample.method: unknown method "HASH" (full, hash, rows)`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := &config.Dataset{ID: "a", Key: tc.key, Sample: tc.sample, File: "c.yaml", Line: 4}
			errs := CheckSettings(ds)
			if tc.want == nil {
				require.Empty(t, errs)
				return
			}
			require.ErrorIs(t, errs.Err(), config.ErrInvalid)
			require.Equal(t, strings.Join(tc.want, "\n"), errs.Error())
		})
	}
}

// The settings of every sample a config may give, read through config as
// dq validate reads them.
func TestCheckSettingsFromAConfig(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(`ministries: [{id: MPS}]
sources: {db: {kind: postgres}}
datasets:
  - {id: whole, ministry: MPS, source: db, table: t, checks: [{id: x, kind: not_null, column: c}]}
  - {id: hashed, ministry: MPS, source: db, table: t, key: id, sample: {fraction: 0.1}, checks: [{id: x, kind: not_null, column: c}]}
  - {id: keyless, ministry: MPS, source: db, table: t, sample: {fraction: 0.1}, checks: [{id: x, kind: not_null, column: c}]}
  - ministry: MPS
    source: db
    table: t
    sample: {method: rows}
    checks: [{id: x, kind: not_null, column: c}]
  - {id: nan, ministry: MPS, source: db, table: t, key: id, sample: {fraction: .nan}, checks: [{id: x, kind: not_null, column: c}]}
  - {id: seeded, ministry: MPS, source: db, table: t, sample: {method: rows, rows: 10, seed: -1}, checks: [{id: x, kind: not_null, column: c}]}
`), nil)
	require.EqualError(t, err, "c.yaml:7: datasets[3]: a dataset needs an id")
	var got []string
	for i := range cfg.Datasets {
		for _, e := range CheckSettings(&cfg.Datasets[i]) {
			got = append(got, e.Error())
		}
	}
	require.Equal(t, []string{
		"c.yaml:6: dataset keyless.sample: hash sampling needs a key column: the dataset's key: or sample.key:",
		"c.yaml:7: datasets[3].sample.rows: must be a positive number of rows",
		"c.yaml:12: dataset nan.sample.fraction: must be in (0, 1], got NaN",
		"c.yaml:13: dataset seeded.sample.seed: must not be negative, got -1",
	}, got)
}
