//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// nationalKeysTable holds national keys with planted defects (pipeline's
// TestNationalKeyInSourceIntegration plants the same on the servers):
//
//	id  cccd           mst             commune  province
//	1   001099012345   0100233488      00004    01
//	2   123456789      0100233489      00001    02       <- CMND; bad check digit; retired 2025 x2
//	3   NULL           NULL            NULL     NULL     <- missing x4
//	4   N/A            ''              '  '     N/A      <- missing x4
//	5   079185000001   0314409058-002  99999    99       <- unknown commune and province
//	6   abc            0312687878-001  00008    24       <- not an ID
const nationalKeysTable = `CREATE TABLE nkeys AS SELECT * FROM (VALUES
 (1, '001099012345', '0100233488', '00004', '01'),
 (2, '123456789', '0100233489', '00001', '02'),
 (3, NULL, NULL, NULL, NULL),
 (4, 'N/A', '', '  ', 'N/A'),
 (5, '079185000001', '0314409058-002', '99999', '99'),
 (6, 'abc', '0312687878-001', '00008', '24')
) AS t(id, cccd, mst, commune, province)`

func TestNationalKeyExactCounts(t *testing.T) {
	res, outs := runTable(t, nationalKeysTable, "nkeys", 6, `
- {id: person, kind: national_key, column: cccd, validator: cccd}
- {id: enterprise, kind: national_key, column: mst, validator: mst}
- {id: place, kind: national_key, column: commune, validator: admin_unit}
- {id: province, kind: national_key, column: province, validator: province_2025, mostly: 0.5}
`, planner.Options{ExampleLimit: 5})

	// Every row is evaluated: a record without its national key fails.
	requireCounts(t, res, "person", counts{6, 6, 4}, result.Fail)
	require.Equal(t, map[string]any{"validator": "cccd", "missing": int64(2), "invalid": int64(2), "cmnd": int64(1)}, res["person"].Details)
	require.Equal(t, "4 rows of 6 carry no valid cccd in cccd (2 missing, 2 invalid)", res["person"].Message)
	require.Equal(t, "shared", outs[0].Built.Dimension)
	require.Equal(t, "major", outs[0].Built.Severity)
	require.Len(t, outs[0].Rows, 4, "the rows without a valid key are the examples, with their own key")

	requireCounts(t, res, "enterprise", counts{6, 6, 3}, result.Fail)
	require.Equal(t, map[string]any{"validator": "mst", "missing": int64(2), "invalid": int64(1)}, res["enterprise"].Details)

	requireCounts(t, res, "place", counts{6, 6, 4}, result.Fail)
	require.Equal(t, map[string]any{"validator": "admin_unit", "missing": int64(2), "invalid": int64(2), "stale_pre2025": int64(1)}, res["place"].Details)

	requireCounts(t, res, "province", counts{6, 6, 4}, result.Fail)
	require.Equal(t, int64(1), res["province"].Details["stale_pre2025"])
}

func TestNationalKeyConfig(t *testing.T) {
	for y, want := range map[string]string{
		`{id: x, kind: national_key, validator: cccd}`:                         "national_key needs the column: holding the national key",
		`{id: x, kind: national_key, column: c, validator: bhxh}`:              `national_key needs validator: admin_unit, cccd, mst, province_2025 (cccd for people, mst for enterprises, admin_unit or province_2025 for places), got "bhxh"`,
		`{id: x, kind: national_key, columns: [a, b], validator: cccd}`:        "national_key needs the column: holding the national key",
		`{id: x, kind: national_key, column: c, columns: [a], validator: mst}`: "national_key takes one column:, not columns:",
	} {
		require.ErrorContains(t, buildErr(t, "- "+y), want, y)
	}
}
