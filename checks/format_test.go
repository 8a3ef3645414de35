//go:build duckdb_arrow

package checks_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// runTable loads ddl (which creates table) in a fresh engine, plans the
// checks written in YAML against it with key id and runs them at
// runStart (2026-11-23, Hanoi).
func runTable(t *testing.T, ddl, table string, rowsTotal int64, checksYAML string, opts planner.Options) (map[string]*result.Check, []planner.Outcome) {
	t.Helper()
	ctx := context.Background()
	conn := enginetest.Conn(t, engine.Options{MemoryLimit: "512MB", Threads: 1})
	require.NoError(t, conn.Exec(ctx, ddl))

	cfgYAML := "ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: " + table +
		"\n    ministry: M\n    source: s\n    key: id\n    checks:\n" + indent(checksYAML, "      ")
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML), nil)
	require.NoError(t, err)
	ds := &cfg.Datasets[0]
	var built []*checks.Built
	for i := range ds.Checks {
		b, err := checks.Build(cfg, &ds.Checks[i])
		require.NoError(t, err)
		built = append(built, b)
	}
	desc, err := conn.Describe(ctx, table)
	require.NoError(t, err)
	d := dialect.DuckDB{}
	var cols []checks.Column
	for _, c := range desc {
		cols = append(cols, checks.Column{Name: c.Name, Type: c.Type, Family: d.FamilyOf(c.Type), SQL: d.Ident(c.Name)})
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	require.NoError(t, err)
	plan := planner.New(planner.Dataset{
		Dialect: d, Table: d.Ident(table), Columns: cols, Key: "id", Now: runStart.In(loc),
		Tokens:    func(c *config.Check) []string { return cfg.MissingTokens(ds, c) },
		RowsTotal: rowsTotal,
	}, built)
	outs := plan.Run(ctx, conn, opts)
	return byID(outs), outs
}

// buildErr builds one check and returns its config error.
func buildErr(t *testing.T, checkYAML string) error {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte("ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: x\n    ministry: M\n    source: s\n    checks:\n"+indent(checkYAML, "      ")), nil)
	require.NoError(t, err)
	_, err = checks.Build(cfg, &cfg.Datasets[0].Checks[0])
	require.Error(t, err)
	return err
}

// citizens has planted defects; the run is in 2026.
//
//	id cccd          dob         dob_text    gender  defect of the cccd
//	1  001099012345  1999-03-04  1999-03-04  M       none (Hà Nội, male, 1999)
//	2  079185000001  1985-01-01  1985-01-01  F       none (HCMC, female, 1985)
//	3  001099012346  1998-01-01  unknown     M       year 1999 ≠ 1998 (dob only)
//	4  001199012347  1999-05-05  1999-05-05  M       digit 4 = 1 is female
//	5  034203000001  2004-01-01  2004-01-01  F       male, 2003: both
//	6  003099012345  1990-01-01  1990-01-01  M       003 is no birthplace
//	7  00109901234   1999-01-01  1999-01-01  M       11 digits
//	8  001227000001  2027-01-01  2027-01-01  M       born 2027, after the run
//	9  NULL          1999-01-01  1999-01-01  M       missing
//	10 ''            1999-01-01  1999-01-01  M       missing
//	11 001099012348  NULL        NULL        NULL    none; nothing to compare
//	12 001099012349  1999-01-01  1999-01-01  X       none; X is no gender
//	13 001301000002  2001-07-07  2001-07-07  Nữ      none (Nữ = female when listed)
//	14 001300000003  2000-02-02  2000-02-02  nam     female; contradicts when Nam = male
const citizens = `CREATE TABLE citizens AS SELECT * FROM (VALUES
 (1, '001099012345', DATE '1999-03-04', '1999-03-04', 'M', '0912345678', '00004', '0100233488', 1099012345),
 (2, '079185000001', DATE '1985-01-01', '1985-01-01', 'F', '+84 168 123 4567', '00001', '0100233480', 79185000001),
 (3, '001099012346', DATE '1998-01-01', 'unknown', 'M', '024 3825 1234', '00007', '0314409058-002', NULL),
 (4, '001199012347', DATE '1999-05-05', '1999-05-05', 'M', '091234567', '99999', '0314409058-000', NULL),
 (5, '034203000001', DATE '2004-01-01', '2004-01-01', 'F', '0120.123.4567', '4', '0312687878', NULL),
 (6, '003099012345', DATE '1990-01-01', '1990-01-01', 'M', NULL, NULL, NULL, NULL),
 (7, '00109901234', DATE '1999-01-01', '1999-01-01', 'M', 'N/A', '11948', 'N/A', NULL),
 (8, '001227000001', DATE '2027-01-01', '2027-01-01', 'M', '', '', '', NULL),
 (9, NULL, DATE '1999-01-01', '1999-01-01', 'M', NULL, NULL, NULL, NULL),
 (10, '', DATE '1999-01-01', '1999-01-01', 'M', NULL, NULL, NULL, NULL),
 (11, '001099012348', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (12, '001099012349', DATE '1999-01-01', '1999-01-01', 'X', NULL, NULL, NULL, NULL),
 (13, '001301000002', DATE '2001-07-07', '2001-07-07', 'Nữ', NULL, NULL, NULL, NULL),
 (14, '001300000003', DATE '2000-02-02', '2000-02-02', 'nam', NULL, NULL, NULL, NULL)
) AS t(id, cccd, dob, dob_text, gender, phone, ward, mst, cccd_num)`

func TestFormatExactCounts(t *testing.T) {
	res, _ := runTable(t, citizens, "citizens", 14, `
- {id: cccd, kind: format, column: cccd, validator: cccd}
- {id: cccd_nulls_fail, kind: format, column: cccd, validator: cccd, nulls: fail}
- {id: cccd_person, kind: format, column: cccd, validator: cccd, birth_date: dob, gender: gender}
- {id: cccd_person_vi, kind: format, column: cccd, validator: cccd, birth_date: dob_text, gender: gender, male: [M, Nam], female: [F, Nữ]}
- {id: cccd_birth_only, kind: format, column: cccd, validator: cccd, birth_date: dob}
- {id: cccd_numeric, kind: format, column: cccd_num, validator: cccd}
- {id: phone, kind: format, column: phone, validator: phone_vn}
- {id: ward, kind: format, column: ward, validator: admin_unit}
- {id: mst, kind: format, column: mst, validator: mst}
`, planner.Options{})

	// Structure only: rows 6, 7 and 8; NULL and '' are not evaluated.
	requireCounts(t, res, "cccd", counts{14, 12, 3}, result.Fail)
	require.Nil(t, res["cccd"].Details)
	requireCounts(t, res, "cccd_nulls_fail", counts{14, 14, 5}, result.Fail)

	// Rows 3 and 5 contradict the birth year, 4 and 5 the gender; 11, 12,
	// 13 and 14 have nothing comparable (NULL, X, Nữ and nam unlisted).
	requireCounts(t, res, "cccd_person", counts{14, 12, 6}, result.Fail)
	require.Equal(t, map[string]any{"invalid_format": int64(3), "contradicts_birth_year": int64(2), "contradicts_gender": int64(2)}, res["cccd_person"].Details)
	require.Equal(t, "6 rows of 12 evaluated failed (3 malformed; 2 contradicting the birth year; 2 contradicting the gender)", res["cccd_person"].Message)

	// Text dates: row 3's 'unknown' is not compared. Vietnamese genders,
	// compared case-insensitively: 13 (Nữ) agrees, 14 (nam) contradicts.
	requireCounts(t, res, "cccd_person_vi", counts{14, 12, 6}, result.Fail)
	require.Equal(t, map[string]any{"invalid_format": int64(3), "contradicts_birth_year": int64(1), "contradicts_gender": int64(3)}, res["cccd_person_vi"].Details)

	requireCounts(t, res, "cccd_birth_only", counts{14, 12, 5}, result.Fail)
	require.Equal(t, map[string]any{"invalid_format": int64(3), "contradicts_birth_year": int64(2)}, res["cccd_birth_only"].Details)

	// A numeric column lost the leading zeros: every value fails.
	requireCounts(t, res, "cccd_numeric", counts{14, 2, 2}, result.Fail)

	// Phones: 091234567 (9 digits) and the two 11-digit mobiles fail; N/A
	// and '' are missing.
	requireCounts(t, res, "phone", counts{14, 5, 3}, result.Fail)
	require.Equal(t, map[string]any{"stale_11digit": int64(2)}, res["phone"].Details)

	// Wards: 00004 and 11948 are 2025 codes; 00001 and 00007 were
	// abolished; 99999 and 4 never existed.
	requireCounts(t, res, "ward", counts{14, 6, 4}, result.Fail)
	require.Equal(t, map[string]any{"stale_pre2025": int64(2)}, res["ward"].Details)
	require.Contains(t, res["ward"].Message, "2 stale: commune codes abolished")

	// Tax codes: wrong check digit and a -000 suffix.
	requireCounts(t, res, "mst", counts{14, 5, 2}, result.Fail)

	for id, r := range res {
		for _, personal := range []string{"0012", "0791", "0342", "0030", "0912", "0168", "1999", "Nữ"} {
			require.NotContains(t, r.Message, personal, "the message of %s carries no values", id)
		}
	}
}

func TestFormatExamplesAreFailingRows(t *testing.T) {
	_, outs := runTable(t, citizens, "citizens", 14,
		`- {id: cccd_person, kind: format, column: cccd, validator: cccd, birth_date: dob, gender: gender}`,
		planner.Options{ExampleLimit: 10})
	require.Len(t, outs, 1)
	var ids []string
	for _, row := range outs[0].Rows {
		ids = append(ids, row[0].(string))
	}
	require.ElementsMatch(t, []string{"3", "4", "5", "6", "7", "8"}, ids)
}

func TestFormatConfigErrors(t *testing.T) {
	for yml, msg := range map[string]string{
		`- {id: a, kind: format, column: c}`:                                           "format needs validator: (one of admin_unit, bhxh, cccd, cmnd, email, mst, phone_vn, province_2025)",
		`- {id: a, kind: format, column: c, validator: cmt}`:                           `unknown validator "cmt" (known: admin_unit, bhxh, cccd, cmnd, email, mst, phone_vn, province_2025)`,
		`- {id: a, kind: format, column: c, validator: mst, birth_date: d}`:            "birth_date: applies to validator: cccd only",
		`- {id: a, kind: format, column: c, validator: cccd, male: [M]}`:               "male: and female: need gender:",
		`- {id: a, kind: format, column: c, validator: cccd, gender: g, male: [M, F]}`: `"F" is in both male: and female:`,
		`- {id: a, kind: format, column: c, validator: cccd, pattern: x}`:              `unknown key "pattern"`,
		`- {id: a, kind: format, validator: cccd}`:                                     "a format check needs column:",
	} {
		require.ErrorContains(t, buildErr(t, yml), msg, yml)
	}
}

func TestFormatPlanErrors(t *testing.T) {
	res, _ := runTable(t, citizens, "citizens", 14, `
- {id: no_col, kind: format, column: cccd, validator: cccd, birth_date: born}
- {id: bad_type, kind: format, column: cccd, validator: cccd, birth_date: id}
`, planner.Options{})
	require.Equal(t, result.Error, res["no_col"].Status)
	require.Contains(t, res["no_col"].Message, `column "born" not found`)
	require.Equal(t, result.Error, res["bad_type"].Status)
	require.Contains(t, res["bad_type"].Message, "birth_date column id is INTEGER")
}
