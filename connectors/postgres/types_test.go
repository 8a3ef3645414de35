//go:build duckdb_arrow

package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

const typesDDL = `CREATE TYPE %[1]s.color AS ENUM ('red', 'green');
CREATE TABLE %[1]s.types (
  id int4, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric(12,3), nu numeric, b bool,
  t text, vc varchar(10), bc char(3), nm name, d date, tm time, ts timestamp, tz timestamptz,
  u uuid, j json, jb jsonb, by bytea, arr int[], e %[1]s.color, iv interval);
INSERT INTO %[1]s.types VALUES
 (1, -32768, 2147483647, -9223372036854775808, 1.5, -2.25, -12345.678, 123456789.01234567891, true,
  'xin chào', 'abc', 'ab', 'nm', '2024-02-29', '13:45:10.123456', '2024-02-29 23:59:59.999999',
  '2024-02-29 23:59:59.5+07', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"a": 1}', '{"b": [1, 2]}',
  '\xdeadbeef', '{1,2,3}', 'red', '1 day 02:00:00'),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, 0, -1, 1, -0.0, 1e300, 0.001, -0.5, false, '', '', '', '', '1900-01-01', '00:00:00', '1960-06-01 00:00:00',
  'infinity', '00000000-0000-0000-0000-000000000000', '[]', 'null', '', '{}', 'green', '-1 mons');`

func TestTypesIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf(typesDDL, schema))
	mem := newPeakAllocator()
	defer mem.AssertSize(t, 0)
	c := openWith(t, connectors.Deps{Mem: mem}, nil)

	ds := &config.Dataset{ID: "types", Table: schema + ".types"}
	sch, recs := extractAll(t, c, ds)
	defer releaseAll(recs)
	require.Len(t, recs, 1)
	rec := recs[0]
	require.EqualValues(t, 3, rec.NumRows())

	wantTypes := map[string]string{
		"id": "int32", "i2": "int16", "i4": "int32", "i8": "int64", "f4": "float32", "f8": "float64",
		"n": "decimal(12, 3)", "nu": "decimal(38, 10)", "b": "bool", "t": "utf8", "vc": "utf8", "bc": "utf8",
		"nm": "utf8", "d": "date32", "tm": "time64[us]", "ts": "timestamp[us]", "tz": "timestamp[us, tz=UTC]",
		"u": "utf8", "j": "utf8", "jb": "utf8", "by": "binary", "arr": "utf8", "e": "utf8", "iv": "utf8",
	}
	require.Equal(t, len(wantTypes), sch.NumFields())
	for _, f := range sch.Fields() {
		require.Equal(t, wantTypes[f.Name], f.Type.String(), f.Name)
		require.True(t, f.Nullable)
	}

	want := map[string][3]string{
		"i2":  {"-32768", "(null)", "0"},
		"i4":  {"2147483647", "(null)", "-1"},
		"i8":  {"-9223372036854775808", "(null)", "1"},
		"f4":  {"1.5", "(null)", "0"},
		"f8":  {"-2.25", "(null)", "1e+300"},
		"n":   {"-12345.678", "(null)", "0.001"},
		"nu":  {"123456789.0123456789", "(null)", "-0.5"},
		"b":   {"true", "(null)", "false"},
		"t":   {"xin chào", "(null)", ""},
		"vc":  {"abc", "(null)", ""},
		"bc":  {"ab ", "(null)", "   "},
		"nm":  {"nm", "(null)", ""},
		"d":   {"2024-02-29", "(null)", "1900-01-01"},
		"tm":  {"13:45:10.123456", "(null)", "00:00:00.000000"},
		"ts":  {"2024-02-29 23:59:59.999999", "(null)", "1960-06-01 00:00:00"},
		"tz":  {"2024-02-29 16:59:59.5Z", "(null)", "(null)"},
		"u":   {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "(null)", "00000000-0000-0000-0000-000000000000"},
		"j":   {`{"a": 1}`, "(null)", "[]"},
		"jb":  {`{"b": [1, 2]}`, "(null)", "null"},
		"by":  {"3q2+7w==", "(null)", ""},
		"arr": {"{1,2,3}", "(null)", "{}"},
		"e":   {"red", "(null)", "green"},
		"iv":  {"1 day 02:00:00", "(null)", "-1 mons"},
	}
	for i, f := range sch.Fields() {
		w, ok := want[f.Name]
		if !ok {
			continue
		}
		col := rec.Column(i)
		for row := 0; row < 3; row++ {
			got := col.ValueStr(row)
			if ts, ok := col.(*array.Timestamp); ok && !ts.IsNull(row) {
				got = ts.Value(row).ToTime(arrow.Microsecond).Format("2006-01-02 15:04:05.999999Z07:00")
				if f.Name == "ts" {
					got = got[:len(got)-1]
				}
			}
			require.Equal(t, w[row], got, "%s row %d", f.Name, row+1)
		}
	}
	require.Equal(t, []byte("\xde\xad\xbe\xef"), rec.Column(sch.FieldIndices("by")[0]).(*array.Binary).Value(0))

	// The same stream loads into DuckDB with matching types and values.
	ctx := context.Background()
	dc := enginetest.Conn(t, engine.Options{Threads: 1})
	r, err := c.Extract(ctx, connectors.Request{Dataset: ds})
	require.NoError(t, err)
	require.NoError(t, dc.LoadArrow(ctx, "types", r))
	require.NoError(t, r.Err())
	r.Release()
	cols, err := dc.Describe(ctx, "types")
	require.NoError(t, err)
	got := map[string]string{}
	for _, c := range cols {
		got[c.Name] = c.Type
	}
	require.Equal(t, "SMALLINT", got["i2"])
	require.Equal(t, "BIGINT", got["i8"])
	require.Equal(t, "DECIMAL(12,3)", got["n"])
	require.Equal(t, "DECIMAL(38,10)", got["nu"])
	require.Equal(t, "DATE", got["d"])
	require.Equal(t, "TIME", got["tm"])
	require.Equal(t, "TIMESTAMP", got["ts"])
	require.Equal(t, "TIMESTAMP WITH TIME ZONE", got["tz"])
	require.Equal(t, "BLOB", got["by"])
	rows, err := dc.QueryRows(ctx, `SELECT CAST(i8 AS VARCHAR), CAST(n AS VARCHAR), CAST(nu AS VARCHAR), CAST(d AS VARCHAR),
		CAST(ts AS VARCHAR), CAST(epoch_us(tz) AS VARCHAR), u, t, CAST(b AS VARCHAR) FROM types ORDER BY id`)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	require.Equal(t, []any{"-9223372036854775808", "-12345.678", "123456789.0123456789", "2024-02-29",
		"2024-02-29 23:59:59.999999", "1709225999500000", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "xin chào", "true"}, rows[0])
	for _, v := range rows[1] {
		require.Nil(t, v)
	}
	nulls, err := dc.QueryRow(ctx, "SELECT COUNT(*) FROM types WHERE COLUMNS(*) IS NULL")
	require.NoError(t, err)
	_ = nulls
}

// A timestamp PostgreSQL holds but Arrow cannot fails the extract with the
// column named, rather than wrapping around to a date in the past.
func TestTimestampBeyondArrowIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf(`CREATE TABLE %[1]s.far (id int4, ts timestamp);
		INSERT INTO %[1]s.far VALUES (1, '2026-11-23 10:00:00'), (2, '294270-01-01 00:00:00')`, schema))
	c := open(t, nil)
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "far", Table: schema + ".far"}})
	require.NoError(t, err)
	defer r.Release()
	for r.Next() {
	}
	require.ErrorContains(t, r.Err(), `column "ts", row 2: a timestamp after 294246 AD cannot be held`)
}
