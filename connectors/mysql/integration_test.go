package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

const typesDDL = `SET SESSION sql_mode = '';
CREATE TABLE types (
  id INT PRIMARY KEY, ti TINYINT, b1 TINYINT(1), si SMALLINT, mi MEDIUMINT, i INT, bi BIGINT,
  ubi BIGINT UNSIGNED, ui INT UNSIGNED, de DECIMAL(12,3), dbig DECIMAL(30,5), f FLOAT, d DOUBLE,
  bit1 BIT(1), bit8 BIT(8), c CHAR(3), vc VARCHAR(20), tx TEXT, en ENUM('a','b'), st SET('x','y'),
  js JSON, dt DATE, tm TIME, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, bl BLOB, vb VARBINARY(8),
  yr YEAR, geo POINT NULL);
INSERT INTO types VALUES
  (1, -5, 1, -300, 70000, -2000000000, -9000000000000000000, 18446744073709551615, 4000000000,
   -123.450, 1234567890123456789012345.12345, 1.5, 2.25, b'1', b'10000001', 'abc', 'Việt Nam', 'long',
   'b', 'x,y', '{"a": 1}', '2024-02-29', '-12:30:00', '2024-01-02 03:04:05.123456',
   '2024-01-02 03:04:05.500000', x'00FF', x'0102', 2024, POINT(1, 2)),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 0, 0, 0, 0, 0, 0, 0, 0, 0.001, -0.00001, 0, 0, b'0', b'0', '', '', '', 'a', '', '[]',
   '0000-00-00', '00:00:00', '0000-00-00 00:00:00', NULL, x'', x'', 1901, NULL);`

func TestExtractTypesIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, typesDDL)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) }) // after the table's release
	c := openWith(t, name, connectors.Deps{Mem: mem}, settings{})
	tbl, warnings := extract(t, c, &config.Dataset{ID: "types", Table: "types", Query: ""})
	// Order is the primary key's in InnoDB.
	require.EqualValues(t, 3, tbl.NumRows())

	wantTypes := map[string]arrow.DataType{
		"ti": arrow.PrimitiveTypes.Int8, "b1": arrow.PrimitiveTypes.Int8, "si": arrow.PrimitiveTypes.Int16,
		"mi": arrow.PrimitiveTypes.Int32, "i": arrow.PrimitiveTypes.Int32, "bi": arrow.PrimitiveTypes.Int64,
		"ubi": arrow.PrimitiveTypes.Uint64, "ui": arrow.PrimitiveTypes.Uint32,
		"de": &arrow.Decimal128Type{Precision: 12, Scale: 3}, "dbig": &arrow.Decimal128Type{Precision: 30, Scale: 5},
		"f": arrow.PrimitiveTypes.Float32, "d": arrow.PrimitiveTypes.Float64,
		"bit1": arrow.FixedWidthTypes.Boolean, "bit8": arrow.PrimitiveTypes.Uint64,
		"c": arrow.BinaryTypes.String, "vc": arrow.BinaryTypes.String, "tx": arrow.BinaryTypes.String,
		"en": arrow.BinaryTypes.String, "st": arrow.BinaryTypes.String, "js": arrow.BinaryTypes.String,
		"dt": arrow.FixedWidthTypes.Date32, "tm": arrow.BinaryTypes.String,
		"dtm": &arrow.TimestampType{Unit: arrow.Microsecond},
		"ts":  &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		"bl":  arrow.BinaryTypes.Binary, "vb": arrow.BinaryTypes.Binary,
		"yr": arrow.PrimitiveTypes.Int16, "geo": arrow.BinaryTypes.String,
	}
	for col, want := range wantTypes {
		require.True(t, arrow.TypeEqual(want, colOf(t, tbl, col).DataType()), "%s: %s", col, colOf(t, tbl, col).DataType())
		require.True(t, colOf(t, tbl, col).IsNull(1), "%s row 2 is NULL", col)
	}
	want := map[string]string{
		"ti": "-5", "b1": "1", "si": "-300", "mi": "70000", "i": "-2000000000", "bi": "-9000000000000000000",
		"ubi": "18446744073709551615", "ui": "4000000000", "de": "-123.45", "dbig": "1234567890123456789012345.12345",
		"f": "1.5", "d": "2.25", "bit1": "true", "bit8": "129", "c": "abc", "vc": "Việt Nam", "tx": "long",
		"en": "b", "st": "x,y", "js": `{"a": 1}`, "dt": "2024-02-29", "tm": "-12:30:00",
		"dtm": "2024-01-02T03:04:05.123456", "ts": "2024-01-02T03:04:05.5Z", "bl": "AP8=", "vb": "AQI=", "yr": "2024",
	}
	for col, v := range want {
		require.Equal(t, v, colOf(t, tbl, col).ValueStr(0), col)
	}
	require.Equal(t, "0.001", colOf(t, tbl, "de").ValueStr(2))
	require.Equal(t, "-1e-05", colOf(t, tbl, "dbig").ValueStr(2))
	require.Equal(t, "false", colOf(t, tbl, "bit1").ValueStr(2))
	require.True(t, strings.HasPrefix(colOf(t, tbl, "geo").ValueStr(0), "0x"))
	// Zero dates are NULL, and said so.
	require.True(t, colOf(t, tbl, "dt").IsNull(2))
	require.True(t, colOf(t, tbl, "dtm").IsNull(2))
	require.Contains(t, strings.Join(warnings, "\n"), "column dt: 1 zero dates")
	require.Contains(t, strings.Join(warnings, "\n"), "column dtm: 1 zero dates")
	require.Contains(t, strings.Join(warnings, "\n"), `column geo: type "GEOMETRY" has no Arrow mapping`)
}

func seedKeys(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	exec(t, db, fmt.Sprintf(`CREATE TABLE people (id VARCHAR(12) PRIMARY KEY, v INT);
INSERT INTO people SELECT LPAD(seq, 12, '0'), seq %% 100 FROM seq_1_to_%d;`, n))
}

func keys(t testing.TB, tbl arrow.Table) []string {
	a := colOf(t, tbl, "id").(*array.String)
	out := make([]string, a.Len())
	for i := range out {
		out[i] = a.Value(i)
	}
	return out
}

func TestRowsSampleIntegration(t *testing.T) {
	name, db := testDB(t)
	seedKeys(t, db, 20000)
	c := open(t, name, settings{})
	ds := func(seed int64) *config.Dataset {
		return &config.Dataset{ID: "p", Table: "people", Key: "id", Where: "v < 50", Sample: &config.Sample{Method: "rows", Rows: 500, Seed: seed}}
	}
	a, _ := extract(t, c, ds(1))
	b, _ := extract(t, c, ds(1))
	other, _ := extract(t, c, ds(2))
	require.EqualValues(t, 500, a.NumRows())
	require.Equal(t, keys(t, a), keys(t, b))
	require.NotEqual(t, keys(t, a), keys(t, other))
	// The prefilter only prunes: the same rows as a plain ORDER BY hash.
	q, err := selectSQL(ds(1), -1)
	require.NoError(t, err)
	rows, err := db.Query(q)
	require.NoError(t, err)
	var plain []string
	for rows.Next() {
		var id string
		var v int
		require.NoError(t, rows.Scan(&id, &v))
		plain = append(plain, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, plain, keys(t, a))
}

func TestCountIntegration(t *testing.T) {
	name, db := testDB(t)
	seedKeys(t, db, 5000)
	exec(t, db, "ANALYZE TABLE people")
	c := open(t, name, settings{})
	ctx := context.Background()
	n, err := c.Count(ctx, connectors.Request{Dataset: &config.Dataset{Table: "people", Where: "v < 10"}})
	require.NoError(t, err)
	require.EqualValues(t, 500, n)
	n, err = c.Count(ctx, connectors.Request{Dataset: &config.Dataset{Query: "SELECT * FROM people WHERE v = 1"}})
	require.NoError(t, err)
	require.EqualValues(t, 50, n)
	n, err = c.Count(ctx, connectors.Request{Dataset: &config.Dataset{Table: name + ".people", Count: "estimate"}})
	require.NoError(t, err)
	require.InDelta(t, 5000, n, 2500)
}

func TestInjectionIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE canary (x INT); INSERT INTO canary VALUES (1)")
	c := open(t, name, settings{})
	for _, table := range []string{
		"canary`; DROP TABLE canary; --",
		"canary` WHERE 1; DROP TABLE canary; #",
		"x`/*", "canary`.`x",
	} {
		_, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "i", Table: table}})
		require.Error(t, err, table)
		require.ErrorContains(t, err, "doesn't exist")
	}
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM canary").Scan(&n))
	require.Equal(t, 1, n)
}

func TestReadOnlyIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE canary (x INT); INSERT INTO canary VALUES (1)")
	c := open(t, name, settings{})
	for _, q := range []string{
		"DELETE FROM canary",
		"SELECT * FROM canary; DELETE FROM canary",
		"SELECT 1 FROM canary) AS a, (SELECT 1 FROM canary WHERE 0) AS b; DELETE FROM canary; SELECT (1",
	} {
		_, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "w", Query: q}})
		require.Error(t, err, q)
	}
	tbl, _ := extract(t, c, &config.Dataset{ID: "ro", Query: "SELECT @@session.tx_read_only AS ro"})
	require.Equal(t, "1", colOf(t, tbl, "ro").ValueStr(0))
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM canary").Scan(&n))
	require.Equal(t, 1, n)
}

func TestFaultsIntegration(t *testing.T) {
	name, db := testDB(t)
	ctx := context.Background()
	ds := &config.Dataset{ID: "f", Table: "t"}
	exec(t, db, "CREATE TABLE t (x INT)")

	t.Run("refused", func(t *testing.T) {
		c := open(t, name, settings{DSN: "root:hunter2pw@tcp(127.0.0.1:1)/" + name})
		c.Backoff = 10 * time.Millisecond
		start := time.Now()
		_, err := c.Extract(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrConnect)
		require.ErrorContains(t, err, "root@127.0.0.1:1/"+name)
		require.NotContains(t, err.Error(), "hunter2pw")
		require.Less(t, time.Since(start), 5*time.Second)
	})
	t.Run("wrong password", func(t *testing.T) {
		user := "dq_" + name[len(name)-8:]
		exec(t, db, fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY 'Right-Pw-123'; GRANT SELECT ON %s.* TO '%s'@'%%'", user, name, user))
		t.Cleanup(func() { exec(t, db, fmt.Sprintf("DROP USER '%s'@'%%'", user)) })
		c := open(t, name, settings{DSN: fmt.Sprintf("mysql://%s:Wr0ng-Secret-pw@127.0.0.1:3306/%s", user, name)})
		_, err := c.Extract(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrAuth)
		require.NotContains(t, err.Error(), "Wr0ng-Secret-pw")
		_, err = c.Count(ctx, connectors.Request{Dataset: ds})
		require.ErrorIs(t, err, connectors.ErrAuth)
		require.NotContains(t, err.Error(), "Wr0ng-Secret-pw")
		// The right password works, read-only.
		ok := open(t, name, settings{DSN: fmt.Sprintf("%s:Right-Pw-123@tcp(127.0.0.1:3306)/%s", user, name)})
		_, err = ok.Count(ctx, connectors.Request{Dataset: ds})
		require.NoError(t, err)
	})
	t.Run("unknown table", func(t *testing.T) {
		c := open(t, name, settings{})
		_, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "f", Table: "nope"}})
		require.ErrorContains(t, err, "nope' doesn't exist")
		require.NotErrorIs(t, err, connectors.ErrConnect)
		require.ErrorIs(t, err, connectors.ErrQuery)
	})
	t.Run("timeout", func(t *testing.T) {
		c := open(t, name, settings{StatementTimeout: "1s"})
		start := time.Now()
		rdr, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "f", Query: "SELECT SLEEP(5) AS s"}})
		if err == nil {
			for rdr.Next() {
			}
			err = rdr.Err()
			rdr.Release()
		}
		require.ErrorIs(t, err, connectors.ErrTimeout)
		require.Less(t, time.Since(start), 4*time.Second)
	})
	t.Run("dropped mid-stream", func(t *testing.T) {
		seedKeys(t, db, 300000)
		c := open(t, name, settings{})
		c.BatchRows = 1000
		rdr, err := c.Extract(ctx, connectors.Request{Dataset: &config.Dataset{ID: "f", Table: "people"}})
		require.NoError(t, err)
		defer rdr.Release()
		require.True(t, rdr.Next())
		// Kill the streaming session from another connection.
		var id int64
		require.NoError(t, db.QueryRow(fmt.Sprintf(
			"SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '%s' AND INFO LIKE 'SELECT * FROM `people`%%'", name)).Scan(&id))
		exec(t, db, fmt.Sprintf("KILL %d", id))
		var n int64
		for rdr.Next() {
			n += rdr.RecordBatch().NumRows()
		}
		require.Less(t, n, int64(300000))
		err = rdr.Err()
		require.ErrorIs(t, err, connectors.ErrStream)
		t.Log(err)
	})
}

func TestBoundedMemoryIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, `CREATE TABLE big (id BIGINT PRIMARY KEY, name VARCHAR(40), born DATE, score DOUBLE);
INSERT INTO big SELECT seq, CONCAT('name-', seq), '2000-01-01' + INTERVAL (seq % 10000) DAY, seq / 7 FROM seq_1_to_1000000;`)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := openWith(t, name, connectors.Deps{Mem: mem}, settings{})
	rdr, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "big", Table: "big"}})
	require.NoError(t, err)
	var rows int64
	peak := 0
	var mu sync.Mutex
	for rdr.Next() {
		rows += rdr.RecordBatch().NumRows()
		mu.Lock()
		if cur := mem.CurrentAlloc(); cur > peak {
			peak = cur
		}
		mu.Unlock()
	}
	require.NoError(t, rdr.Err())
	rdr.Release()
	require.EqualValues(t, 1_000_000, rows)
	t.Logf("peak Arrow memory %.1f MiB for 1M rows", float64(peak)/(1<<20))
	// One 64k-row batch of these columns is about 4 MiB: a few in flight.
	require.Less(t, peak, 24<<20)
}
