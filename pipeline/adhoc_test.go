package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/result"
)

func TestParseCheckSpec(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"not_null(cccd)", "{id: not_null_cccd, kind: not_null, column: cccd}"},
		{"unique(full_name, birth_date)", "{id: unique_full_name_birth_date, kind: unique, columns: [full_name, birth_date]}"},
		{"format(cccd, validator=cccd, mostly=0.99)", "{id: format_cccd, kind: format, column: cccd, validator: cccd, mostly: 0.99}"},
		{"in_set(gender, values=[M, F])", "{id: in_set_gender, kind: in_set, column: gender, values: [M, F]}"},
		{"regex(cccd, pattern='^[0-9]{12}$')", "{id: regex_cccd, kind: regex, column: cccd, pattern: '^[0-9]{12}$'}"},
		{"regex(phone, pattern=^0[0-9]{9}$, id=phone_ok)", "{kind: regex, column: phone, pattern: '^0[0-9]{9}$', id: phone_ok}"},
		{"row_count(min=1000)", "{id: row_count, kind: row_count, min: 1000}"},
		{" between( birth_date , min=1900-01-01, max=today ) ", "{id: between_birth_date, kind: between, column: birth_date, min: 1900-01-01, max: today}"},
	} {
		n, err := parseCheckSpec(tc.spec)
		require.NoError(t, err, tc.spec)
		out, err := yaml.Marshal(n)
		require.NoError(t, err)
		require.Equal(t, tc.want+"\n", string(out), tc.spec)
	}
	for _, bad := range []string{"not null", "unique(a,", "in_set(g, values=[M, F)", "unique(a, , b)", "x(a, y=)"} {
		_, err := parseCheckSpec(bad)
		require.Error(t, err, bad)
	}
}

// An ad hoc run's problems are located where the steward wrote them: a
// --check spec, a line of the --checks file; two checks of a kind on a
// column get two ids.
func TestAdHocProblemsWhereWritten(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "citizens.csv")
	require.NoError(t, os.WriteFile(csv, []byte("cccd,gender\n001,M\n"), 0o644))
	block := filepath.Join(dir, "checks.yaml")
	require.NoError(t, os.WriteFile(block, []byte("key: cccd\nchecks:\n  - {id: g, kind: in_set, column: gender, valuse: [M, F]}\n"), 0o644))
	raw, err := os.ReadFile(block)
	require.NoError(t, err)
	_, err = PrepareAdHoc(AdHoc{Source: csv, Block: raw, BlockFile: block,
		Checks: []string{"regex(cccd, pattern='^[0-9]+$')", "regex(cccd, pattern='^[0-9{12}$')", "not_nul(cccd)"}}, nil, nil)
	require.Error(t, err)
	// The list of known kinds grows: compare up to it.
	got, _, _ := strings.Cut(err.Error(), " (known: ")
	require.Equal(t, block+`:3: dataset citizens: check g.valuse: unknown key "valuse" for kind in_set; did you mean values? (allowed: id, kind, dimension, column, columns, mostly, weight, nulls, null_values, examples, warn, values)
--check "regex(cccd, pattern='^[0-9{12}$')": dataset citizens: check regex_cccd_2.pattern: invalid pattern "^[0-9{12}$": missing closing ] at character 2: ^ ⟵ here: [0-9{12}$
--check "not_nul(cccd)": dataset citizens: check not_nul_cccd.kind: unknown check kind "not_nul"; did you mean not_null?`, got)

	_, err = PrepareAdHoc(AdHoc{Source: filepath.Join(dir, "nothere.csv"), Checks: []string{"not_null(a)"}}, nil, nil)
	require.ErrorContains(t, err, "nothere.csv: no such file, and not a postgres://, mysql://, clickhouse:// or https:// URL")
	_, err = PrepareAdHoc(AdHoc{Source: "postgres://u@127.0.0.1/db", Checks: []string{"not_null(a)"}}, nil, nil)
	require.ErrorContains(t, err, "name the table to read after it")
	_, err = PrepareAdHoc(AdHoc{Source: csv, Sample: "5%", Checks: []string{"not_null(cccd)"}}, nil, nil)
	require.ErrorContains(t, err, "hash sampling needs a key column")
}

// An https:// (here http://) SOURCE is a JSON API: its path and query
// are the dataset's.
func TestAdHocOnAnAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/citizens" || r.URL.Query().Get("province") != "01" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"cccd": "001099000001", "gender": "M"}, {"cccd": "001099000001", "gender": null}]`)
	}))
	defer srv.Close()
	p, err := PrepareAdHoc(AdHoc{Source: srv.URL + "/api/citizens?province=01", Checks: []string{"unique(cccd)", "not_null(gender)"}}, nil, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := RunAdHoc(context.Background(), p, Options{})
	require.NoError(t, err)
	ds := out.Datasets()
	require.Len(t, ds, 1)
	require.Equal(t, "citizens", ds[0].ID)
	require.Empty(t, ds[0].Error)
	for _, c := range ds[0].Checks {
		require.Equal(t, result.Fail, c.Status, c.ID)
	}
}
