//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// Which rows compound uniqueness skips: keys (birth_date, death_date) are
// (1990, -), (1985, -), (2000, 2020), (-, -), (1970, 1969), (1999, -)
// twice and (2001, -); old_cmnd is missing on six rows in three forms.
func TestUniqueIgnoreRowsIf(t *testing.T) {
	f := newRecords(t)
	res, _ := f.records(`
- {id: all_missing, kind: unique, columns: [birth_date, death_date]}
- {id: all_missing_said, kind: unique, columns: [birth_date, death_date], ignore_rows_if: all_missing}
- {id: any_missing, kind: unique, columns: [birth_date, death_date], ignore_rows_if: any_missing}
- {id: never, kind: unique, columns: [birth_date, death_date], ignore_rows_if: never}
- {id: cmnd, kind: unique, column: old_cmnd}
- {id: cmnd_never, kind: unique, column: old_cmnd, ignore_rows_if: never}
`)
	requireCounts(t, res, "all_missing", counts{8, 7, 2}, result.Fail)
	requireCounts(t, res, "all_missing_said", counts{8, 7, 2}, result.Fail)
	requireCounts(t, res, "any_missing", counts{8, 2, 0}, result.Pass)
	requireCounts(t, res, "never", counts{8, 8, 2}, result.Fail)
	requireCounts(t, res, "cmnd", counts{8, 2, 0}, result.Pass)
	// NULL, '' and N/A are one missing value: six rows share it.
	requireCounts(t, res, "cmnd_never", counts{8, 8, 6}, result.Fail)
	require.Equal(t, int64(1), res["cmnd_never"].Details["duplicate_keys"])
	require.Contains(t, initError(t, `- {id: a, kind: unique, column: x, ignore_rows_if: some}`), "ignore_rows_if must be all_missing, any_missing or never")
}
