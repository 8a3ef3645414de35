//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// names spells a few persons several ways:
//
//	id  name                   as written
//	1   Nguyễn Văn A           NFC
//	2   Nguyễn Văn A           NFD: e + U+0302 + U+0303, a + U+0306
//	3   Nguyễn  Văn A          double space
//	4   NGUYỄN VĂN A           upper case
//	5   " Nguyễn Văn A\t"      padded with a space and a tab
//	6   Nguyen Van A           without accents
//	7,8 Trần Thị Bình          exact copies
//	9   Lê Văn Đức
//	10  Le Van Duc             without accents, đ as d
//	11  NULL, 12 ''            missing
//	13  Lê Thị Lệ              NFC
//	14  Lê Thị Lệ              ệ as e + U+0302 + U+0323: not even canonical order
//
// Rows 1–6 share dob 1990-01-01; row 7 and 8 do not share one.
const names = `CREATE TABLE names AS SELECT * FROM (VALUES
 (1, 'Nguyễn Văn A', DATE '1990-01-01'),
 (2, 'Nguye` + "\u0302\u0303" + `n Va` + "\u0306" + `n A', DATE '1990-01-01'),
 (3, 'Nguyễn  Văn A', DATE '1990-01-01'),
 (4, 'NGUYỄN VĂN A', DATE '1990-01-01'),
 (5, ' Nguyễn Văn A` + "\t" + `', DATE '1990-01-01'),
 (6, 'Nguyen Van A', DATE '1990-01-01'),
 (7, 'Trần Thị Bình', DATE '1985-05-05'),
 (8, 'Trần Thị Bình', DATE '1986-06-06'),
 (9, 'Lê Văn Đức', DATE '1970-07-07'),
 (10, 'Le Van Duc', DATE '1970-07-07'),
 (11, NULL, NULL),
 (12, '', NULL),
 (13, 'Lê Thị Lệ', DATE '2000-01-01'),
 (14, 'Lê Thị Le` + "\u0302\u0323" + `', DATE '2000-01-01')
) AS t(id, full_name, dob)`

func TestUniqueNormalize(t *testing.T) {
	res, outs := runTable(t, names, "names", 14, `
- {id: raw, kind: unique, column: full_name}
- {id: nfc, kind: unique, column: full_name, normalize: [nfc]}
- {id: spaces, kind: unique, column: full_name, normalize: [nfc, collapse_spaces]}
- {id: casefold, kind: unique, column: full_name, normalize: [casefold]}
- {id: typing, kind: unique, column: full_name, normalize: [collapse_spaces, trim, casefold, nfc]}
- {id: all, kind: unique, column: full_name, normalize: [nfc, casefold, trim, collapse_spaces, strip_diacritics]}
- {id: strip_only, kind: unique, column: full_name, normalize: [strip_diacritics]}
- {id: with_dob, kind: unique, columns: [full_name, dob], normalize: [nfc, casefold, trim, collapse_spaces, strip_diacritics]}
`, planner.Options{ExampleLimit: 5})

	type dup struct{ keys, failed, extra int64 }
	for id, want := range map[string]dup{
		"raw":        {1, 2, 1},  // 7, 8
		"nfc":        {3, 6, 3},  // 1, 2 | 7, 8 | 13, 14
		"spaces":     {3, 7, 4},  // 1, 2, 3 | 7, 8 | 13, 14
		"casefold":   {2, 4, 2},  // 1, 4 | 7, 8 (2 and 14 are NFD, 5 padded, 3 spaced)
		"typing":     {3, 9, 6},  // 1–5 | 7, 8 | 13, 14
		"all":        {4, 12, 8}, // 1–6 | 7, 8 | 9, 10 | 13, 14
		"strip_only": {4, 9, 5},  // 1, 2, 6 | 7, 8 | 9, 10 | 13, 14
		"with_dob":   {3, 10, 7}, // 1–6 | 9, 10 | 13, 14 (7 and 8 differ by dob)
	} {
		r := res[id]
		requireCounts(t, res, id, counts{14, 12, want.failed}, result.Fail)
		require.Equal(t, map[string]any{"duplicate_keys": want.keys, "extra_rows": want.extra}, r.Details, id)
	}

	// Examples show a raw value of each group, not the normalised key:
	// here the smallest spelling, the padded one.
	raw := []any{"Nguyễn Văn A", "Nguye\u0302\u0303n Va\u0306n A", "Nguyễn  Văn A", "NGUYỄN VĂN A", " Nguyễn Văn A\t", "Nguyen Van A",
		"Trần Thị Bình", "Lê Văn Đức", "Le Van Duc", "Lê Thị Lệ", "Lê Thị Le\u0302\u0323"}
	for _, oc := range outs {
		if oc.Built.Spec.ID != "all" {
			continue
		}
		require.Len(t, oc.Rows, 4)
		require.Equal(t, []any{" Nguyễn Văn A\t", int64(6)}, oc.Rows[0])
		for _, row := range oc.Rows {
			require.Contains(t, raw, row[0])
		}
	}
}

func TestUniqueNormalizeConfig(t *testing.T) {
	require.ErrorContains(t, buildErr(t, `- {id: a, kind: unique, column: c, normalize: [nfkc]}`),
		`unknown normalization "nfkc" (known: nfc, casefold, trim, collapse_spaces, strip_diacritics)`)
}
