package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/validators"
)

// cleanCopies writes, from the demo registries in dir, copies without
// the planted defects demo/doc.go lists: the rows that carry one left
// out, one row per duplicated key kept.
func cleanCopies(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	conn := enginetest.Conn(t, engine.Options{})
	mst := validators.MST{}.Predicate(dialect.DuckDB{}, "mst")
	for _, q := range []string{
		`COPY (SELECT DISTINCT ON (cccd) * FROM read_parquet('` + dir + `/citizens.parquet')
		  WHERE regexp_full_match(cccd, '[0-9]{12}') AND full_name IS NOT NULL AND trim(full_name) NOT IN ('', 'N/A')
		    AND length(full_name) >= 2 AND birth_date BETWEEN DATE '1900-01-01' AND current_date AND gender IN ('M', 'F')
		  ORDER BY cccd, updated_at)
		 TO '` + out + `/citizens.parquet' (FORMAT parquet)`,
		`COPY (SELECT DISTINCT ON (student_id) * FROM read_csv('` + dir + `/students.csv', all_varchar = true)
		  WHERE coalesce(trim(cccd), '') <> '' AND full_name <> 'N/A' AND TRY_CAST(grade AS INTEGER) BETWEEN 1 AND 12
		    AND TRY_CAST(birth_date AS DATE) IS NOT NULL
		  ORDER BY student_id, updated_at)
		 TO '` + out + `/students.csv' (FORMAT csv, HEADER)`,
		`COPY (SELECT DISTINCT ON (mst) * FROM read_parquet('` + dir + `/enterprises.parquet')
		  WHERE ` + mst + ` AND name IS NOT NULL AND trim(name) <> '' AND capital_vnd >= 0
		  ORDER BY mst, updated_at)
		 TO '` + out + `/enterprises.parquet' (FORMAT parquet)`,
	} {
		require.NoError(t, conn.Exec(context.Background(), q))
	}
	return out
}

// statuses runs a config's text on source and returns each check's
// status.
func statuses(t *testing.T, source string, block []byte) map[string]result.Status {
	t.Helper()
	p, err := PrepareAdHoc(AdHoc{Source: source, Block: block, BlockFile: "suggested.yaml"}, nil, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := RunAdHoc(context.Background(), p, Options{})
	require.NoError(t, err)
	got := map[string]result.Status{}
	for _, d := range out.Datasets() {
		require.Empty(t, d.Error)
		for _, c := range d.Checks {
			got[c.ID] = c.Status
		}
	}
	return got
}

func failing(st map[string]result.Status) []string {
	var out []string
	for id, s := range st {
		if s != result.Pass {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// The config dq profile --suggest writes from a clean copy of a demo
// registry is valid, passes on that copy (through dq run's path:
// PrepareFile and Run), and fails on the registry with its planted
// defects, each defect caught by the check meant for it.
func TestSuggestedChecksCatchThePlantedDefects(t *testing.T) {
	dir := demoData(t)
	clean := cleanCopies(t, dir)
	for _, tc := range []struct {
		file string
		fail []string
	}{
		{"citizens.parquet", []string{"birth_date_present", "birth_date_range", "cccd_unique", "cccd_valid", "full_name_length", "full_name_present", "gender_values", "phone_unique"}},
		{"students.csv", []string{"birth_date_range", "cccd_present", "cccd_unique", "full_name_present", "grade_values", "student_id_unique"}},
		{"enterprises.parquet", []string{"capital_vnd_range", "mst_unique", "mst_valid", "name_present"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a := AdHoc{Source: filepath.Join(clean, tc.file), NoChecks: true}
			p, err := PrepareAdHoc(a, nil, nil)
			require.NoError(t, err)
			profiles, err := ProfileForSuggest(context.Background(), p, Options{})
			p.Close()
			require.NoError(t, err)
			text, err := Suggest(p, profiles, a)
			require.NoError(t, err)

			path := filepath.Join(t.TempDir(), "suggested.yaml")
			require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
			sp, err := PrepareFile(path, nil, nil)
			require.NoError(t, err, "dq validate accepts the suggestion:\n%s", text)
			out, err := Run(context.Background(), sp, Options{})
			sp.Close()
			require.NoError(t, err)
			require.Equal(t, result.Pass, out.Index.Status, "the suggestion passes on the data it came from:\n%s", text)

			got := statuses(t, filepath.Join(dir, tc.file), []byte(text))
			require.Equal(t, tc.fail, failing(got), "on the planted defects:\n%s", text)
		})
	}
}
