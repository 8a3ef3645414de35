package contract_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/contract"
	"github.com/vn-registries/dq/pipeline"
)

var update = flag.Bool("update", false, "rewrite contract/testdata/*.golden from the importers")

// Each testdata contract (written for these tests as a ministry's team
// would write it) imports to its golden dq text; the text is a dataset
// block dq prepares without a problem (every check kind and parameter
// valid), and every rule of the contract is either a check or listed as
// unmapped with its reason.
func TestImportGoldens(t *testing.T) {
	for _, tc := range []struct {
		file, format string
		checks       int
		unmapped     []string
	}{
		{"odcs_population.yaml", contract.ODCS, 15, []string{
			"citizens: schema[0].properties[1].quality[1]: nullValues: a count of 10 rows",
			"citizens: schema[0].properties[3].quality[1]: a rule in words",
			"citizens: schema[0].properties[5].logicalTypeOptions.format: format: uri",
			"citizens: schema[0].properties[7].logicalTypeOptions.minimum: exclusive minimum 0",
			"citizens: schema[0].properties[8].quality[0]: completenessRatio",
			"citizens: schema[0].properties[8].quality[1]: a custom rule (great-expectations)",
			"citizens: schema[0].quality[1]: a SQL rule",
		}},
		{"dbt_schema.yml", contract.DBT, 20, []string{
			"students: models[0].columns[4].data_tests[1]: dbt_expectations.expect_column_values_to_be_between (exclusive)",
			"students: models[0].columns[5].data_tests[1].config.where: not_null where grade > 5",
			"students: models[0].columns[5].data_tests[1].config.error_if: error_if >10",
			"students: models[0].columns[6].data_tests[2]: my_company.custom_commune_test",
			"students: models[0].data_tests[3]: dbt_utils.expression_is_true",
			"students: models[0].columns[6].data_tests[0]: relationships to communes",
		}},
		{"soda_enterprises.yaml", contract.Soda, 10, []string{
			"enterprises: columns[2].checks[0]: invalid valid length",
			"enterprises: columns[3].checks[0]: invalid: a count of 5 rows",
			"enterprises: columns[4].checks[0]: invalid valid_reference_data provinces",
			"enterprises: columns[4].checks[1].filter: missing where status = 'active'",
			"enterprises: columns[5].checks[1]: invalid invalid_values",
			"enterprises: checks[4]: metric",
			"enterprises: checks[5]: avg",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tc.file))
			require.NoError(t, err)
			r, err := contract.Import(tc.file, raw)
			require.NoError(t, err)
			require.Equal(t, tc.format, r.Format)
			text := r.YAML(tc.file)

			golden := filepath.Join("testdata", strings.TrimSuffix(tc.file, filepath.Ext(tc.file))+".golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(text), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), text, "run go test ./contract -update to accept the new text")

			n := 0
			for _, d := range r.Datasets {
				n += len(d.Checks)
			}
			require.Equal(t, tc.checks, n)
			var got []string
			for _, u := range r.Unmapped {
				got = append(got, u.String())
			}
			require.Len(t, got, len(tc.unmapped), strings.Join(got, "\n"))
			for i, u := range tc.unmapped {
				require.True(t, strings.HasPrefix(got[i], u), "unmapped[%d] = %q, want it to start with %q", i, got[i], u)
			}

			// dq reads the text as a dataset block: every check builds.
			dir := t.TempDir()
			p, err := pipeline.PrepareAdHoc(pipeline.AdHoc{Source: dir, Object: "x.csv", Block: []byte(text), BlockFile: tc.file}, nil, nil)
			require.NoError(t, err, text)
			p.Close()
		})
	}
}

func TestImportRefusesOtherFiles(t *testing.T) {
	_, err := contract.Import("x.yaml", []byte("ministries: []\ndatasets: []\n"))
	require.ErrorIs(t, err, contract.ErrFormat)
}
