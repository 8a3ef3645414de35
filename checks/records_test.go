//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// records has planted defects for the kinds that compare columns, bound
// aggregates and judge sets of values; every test below knows its exact
// counts:
//
//	id cccd birth_date issued_date  death_date start..end          wage  score  province gender old_cmnd  name
//	1  001  1990-01-01 2010-05-01   NULL       01-01 08 .. 01-02   10M   7.5    01       M      NULL      Nguyễn Văn An
//	2  002  1985-03-03 1984-01-01   NULL       01-01 08 .. 01-01   12M   8      01       F      ''        Trần Thị Bình   <- issued before birth; end = start
//	3  003  2000-07-07 N/A          2020-01-01 01-03 08 .. 01-02   8M    abc    79       M      N/A       Test User       <- end before start; score not a number
//	4  004  NULL       2015-01-01   NULL       NULL .. 01-05       NULL  ''     79       f      123456789 Lê Văn Cường    <- retired column filled; gender lower case
//	5  005  1970-02-02 not a date   1969-12-31 01-01 08 .. NULL    15M   9      02       F      NULL      XXX             <- died before birth; issued not a date
//	6  006  1999-09-09 2017-09-09   NULL       01-01 08 .. 01-04   9M    6.5    ZZ       NULL   NULL      Phạm Thị Dung   <- province outside the list
//	7  006  1999-09-09 2017-09-09   NULL       01-01 08 .. 01-04   9M    6.5    '01 '    M      987654321 Phạm Thị Dung   <- key repeated; trailing space; retired filled
//	8  NULL 2001-01-01 2019-01-01   NULL       01-01 08 .. 01-01 09 11M  7      NULL     M      NULL      Hoàng Mai
//
// note is missing on every row (NULL, ”, 'N/A').
const records = `CREATE TABLE records AS SELECT * FROM (VALUES
 (1, '001', DATE '1990-01-01', '2010-05-01', CAST(NULL AS DATE), TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-02 08:00:00', 10000000, '7.5', '01', 'M', NULL, 'Nguyễn Văn An', CAST(NULL AS VARCHAR)),
 (2, '002', DATE '1985-03-03', '1984-01-01', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-01 08:00:00', 12000000, '8', '01', 'F', '', 'Trần Thị Bình', ''),
 (3, '003', DATE '2000-07-07', 'N/A', DATE '2020-01-01', TIMESTAMP '2026-01-03 08:00:00', TIMESTAMP '2026-01-02 08:00:00', 8000000, 'abc', '79', 'M', 'N/A', 'Test User', 'N/A'),
 (4, '004', NULL, '2015-01-01', NULL, NULL, TIMESTAMP '2026-01-05 08:00:00', NULL, '', '79', 'f', '123456789', 'Lê Văn Cường', NULL),
 (5, '005', DATE '1970-02-02', 'not a date', DATE '1969-12-31', TIMESTAMP '2026-01-01 08:00:00', NULL, 15000000, '9', '02', 'F', NULL, 'XXX', NULL),
 (6, '006', DATE '1999-09-09', '2017-09-09', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-04 08:00:00', 9000000, '6.5', 'ZZ', NULL, NULL, 'Phạm Thị Dung', NULL),
 (7, '006', DATE '1999-09-09', '2017-09-09', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-04 08:00:00', 9000000, '6.5', '01 ', 'M', '987654321', 'Phạm Thị Dung', '  '),
 (8, NULL, DATE '2001-01-01', '2019-01-01', NULL, TIMESTAMP '2026-01-01 08:00:00', TIMESTAMP '2026-01-01 09:00:00', 11000000, '7', NULL, 'M', NULL, 'Hoàng Mai', NULL)
) AS t(id, cccd, birth_date, issued_date, death_date, start_ts, end_ts, wage, score, province, gender, old_cmnd, name, note)`

// recordsSet is the records table as a dataset keyed by cccd, read in
// full.
var recordsSet = dataset{table: "records", key: "cccd", rows: 8}

func newRecords(t *testing.T) *fixture {
	f := newFixture(t)
	require.NoError(t, f.conn.Exec(f.ctx, records))
	// The same columns and no rows: what every kind says of nothing.
	require.NoError(t, f.conn.Exec(f.ctx, "CREATE TABLE nothing AS SELECT * FROM records WHERE false"))
	return f
}

// initError is the error a check written in YAML fails to build with.
func initError(t *testing.T, checkYAML string) string {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte("ministries: [{id: M, name: M}]\nsources: {s: {kind: file}}\ndatasets:\n  - id: d\n    ministry: M\n    source: s\n    checks:\n"+indent(checkYAML, "      ")), nil)
	require.NoError(t, err)
	_, err = checks.Build(cfg, &cfg.Datasets[0].Checks[0])
	require.Error(t, err, checkYAML)
	return err.Error()
}

// requireValue checks a table check's status and value.
func requireValue(t *testing.T, res map[string]*result.Check, id string, want float64, status result.Status) {
	t.Helper()
	r := res[id]
	require.NotNil(t, r, id)
	require.Equal(t, status, r.Status, "status of %s: %s", id, r.Message)
	require.NotNil(t, r.Value, "%s: %s", id, r.Message)
	require.InDelta(t, want, *r.Value, 1e-9*max(1, want), id)
}

// requireNoValue checks a bounded check that had nothing to measure.
func requireNoValue(t *testing.T, res map[string]*result.Check, id string) {
	t.Helper()
	r := res[id]
	require.NotNil(t, r, id)
	require.Equal(t, result.Fail, r.Status, id)
	require.Nil(t, r.Value, id)
	require.Contains(t, r.Message, "no value", id)
}

// onePlan runs checks on records and returns the results with the plan.
func (f *fixture) records(checksYAML string) (map[string]*result.Check, *planner.Plan) {
	f.t.Helper()
	return f.runTable(recordsSet, checksYAML, planner.Options{ExampleLimit: 5})
}

func plannerOptions(examples int) planner.Options { return planner.Options{ExampleLimit: examples} }

// outcome finds a check's outcome by id.
func outcome(outs []planner.Outcome, id string) planner.Outcome {
	for _, oc := range outs {
		if oc.Built.Spec.ID == id {
			return oc
		}
	}
	return planner.Outcome{}
}

// requireCounts0 checks a row check over no rows: it passes, as nothing
// was found wrong.
func requireCounts0(t *testing.T, res map[string]*result.Check, id string) {
	t.Helper()
	r := res[id]
	require.NotNil(t, r, id)
	require.Equal(t, result.Pass, r.Status, "%s: %s", id, r.Message)
	require.Equal(t, counts{0, 0, 0}, counts{*r.Rows, *r.Evaluated, *r.Failed}, id)
	require.Equal(t, 1.0, *r.PassRate, id)
}
