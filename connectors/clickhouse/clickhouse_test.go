//go:build duckdb_arrow

package clickhouse

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/connectortest"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// cluster is a table of the test's own on both shards, with a
// Distributed table over them, dropped when the test ends.
type cluster struct {
	urls        []string
	local, dist string // database.table names
}

// plantedRows go to the shard of their index (odd rows to shard 1, even
// to shard 2), so the two copies of key '006' sit on different shards.
var plantedRows = []string{
	`(1, '001', 10, 1.5, '2020-01-01', '2026-01-01 08:00:00', 'Nguyễn Văn An')`,
	`(2, '002', NULL, -2.25, NULL, '2026-01-02 09:30:00', 'tab\there')`,
	`(3, NULL, 30, NULL, '2021-02-03', NULL, 'N/A')`,
	`(4, '004', 40, 4, '2022-12-31', '2026-01-03 23:59:59', 'back\\slash')`,
	`(5, '006', 50, 5, '2023-06-15', '2026-01-04 00:00:00', 'it\'s')`,
	`(6, '006', 60, 6, '2023-06-15', '2026-01-05 00:00:00', '')`,
}

func newCluster(t *testing.T) cluster {
	urls := connectortest.ClickHouseURLs(t)
	name := fmt.Sprintf("bench_ch_conn_%d", rand.Uint32())
	c := cluster{urls: urls, local: "default." + name + "_local", dist: "default." + name}
	for _, u := range urls {
		connectortest.ClickHouseExec(t, u,
			"CREATE TABLE "+c.local+" (id Int64, cccd Nullable(String), n Nullable(Int64), x Nullable(Float64), d Nullable(Date), ts Nullable(DateTime), name String) ENGINE = MergeTree ORDER BY id",
			"CREATE TABLE "+c.dist+" AS "+c.local+" ENGINE = Distributed(dq_cluster, default, "+name+"_local, id)")
		t.Cleanup(func() {
			connectortest.ClickHouseExec(t, u, "DROP TABLE IF EXISTS "+c.dist, "DROP TABLE IF EXISTS "+c.local)
		})
	}
	for i, r := range plantedRows {
		connectortest.ClickHouseExec(t, urls[(i+1)%2], "INSERT INTO "+c.local+" VALUES "+r)
	}
	return c
}

func open(t *testing.T, url, extra string) *Connector {
	src := config.NewSource("ch", "clickhouse", map[string]any{"url": url})
	if extra != "" {
		src = config.NewSource("ch", "clickhouse", map[string]any{"url": url, "statement_timeout": extra})
	}
	c, err := connectors.Open(src, connectors.Deps{})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c.(*Connector)
}

func extractAll(t *testing.T, c *Connector, ds *config.Dataset) (*arrow.Schema, [][]string) {
	t.Helper()
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
	require.NoError(t, err)
	defer r.Release()
	var rows [][]string
	for r.Next() {
		rec := r.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for j := range row {
				row[j] = rec.Column(j).ValueStr(i)
			}
			rows = append(rows, row)
		}
	}
	require.NoError(t, r.Err())
	return r.Schema(), rows
}

// An extract of the Distributed table reads both shards' rows, every
// value as written, with exact types.
func TestExtractIntegration(t *testing.T) {
	cl := newCluster(t)
	c := open(t, cl.urls[0], "")
	ds := &config.Dataset{ID: "people", Table: cl.dist}
	schema, rows := extractAll(t, c, ds)
	types := []string{}
	for _, f := range schema.Fields() {
		types = append(types, f.Name+":"+f.Type.String())
	}
	require.Equal(t, []string{"id:int64", "cccd:utf8", "n:int64", "x:float64", "d:date32", "ts:timestamp[us]", "name:utf8"}, types)
	byID := map[string][]string{}
	for _, r := range rows {
		byID[r[0]] = r
	}
	require.Len(t, rows, 6)
	require.Equal(t, []string{"1", "001", "10", "1.5", "2020-01-01", "2026-01-01T08:00:00", "Nguyễn Văn An"}, byID["1"])
	require.Equal(t, []string{"2", "002", "(null)", "-2.25", "(null)", "2026-01-02T09:30:00", "tab\there"}, byID["2"])
	require.Equal(t, []string{"3", "(null)", "30", "(null)", "2021-02-03", "(null)", "N/A"}, byID["3"])
	require.Equal(t, `back\slash`, byID["4"][6])
	require.Equal(t, `it's`, byID["5"][6])
	require.Equal(t, ``, byID["6"][6])

	n, err := c.Count(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "people", Table: cl.dist, Where: "n >= 30"}})
	require.NoError(t, err)
	require.Equal(t, int64(4), n)

	// Small batches: every row still read once.
	c.BatchRows = 4
	_, rows = extractAll(t, c, &config.Dataset{ID: "people", Table: cl.dist, Where: "cccd = '006'"})
	require.Len(t, rows, 2)
}

// A hash sample keeps exactly the keys DuckDB's keeps: the same first 32
// bits of md5 on both engines.
func TestHashUnitEqualsDuckDBIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	ctx := context.Background()
	// 943371417274: a unit of 1.35e-05, written differently as text.
	keys := []string{"", "0", "001", "079123456789", "Nguyễn", "it's", "a\tb", "ffffffff", "943371417274"}
	for i := 0; i < 200; i++ {
		keys = append(keys, fmt.Sprintf("%012d", rand.Int64N(1e12)))
	}
	ch, duck := dialect.ClickHouse{}, dialect.DuckDB{}
	conn := enginetest.Conn(t, engine.Options{})
	var chSel, duckSel []string
	for _, k := range keys {
		chSel = append(chSel, ch.HashUnit(ch.String(k)))
		duckSel = append(duckSel, duck.HashUnit(duck.String(k)))
	}
	want, err := conn.QueryRow(ctx, "SELECT "+strings.Join(duckSel, ", "))
	require.NoError(t, err)
	got := strings.Split(strings.TrimSpace(connectortest.ClickHouseExec(t, urls[0], "SELECT "+strings.Join(chSel, ", "))), "\t")
	require.Len(t, got, len(keys))
	for i, k := range keys {
		// As numbers: a unit below 1e-4 is written 0.0000… by ClickHouse
		// and 1e-05 by Go.
		g, err := strconv.ParseFloat(got[i], 64)
		require.NoError(t, err, "key %q", k)
		require.Equal(t, want[i], g, "key %q", k)
	}
}

// sample: hash keeps the same rows extracted from ClickHouse as DuckDB
// keeps of the same rows.
func TestHashSampleIntegration(t *testing.T) {
	cl := newCluster(t)
	c := open(t, cl.urls[1], "")
	ds := &config.Dataset{ID: "people", Table: cl.dist, Key: "id", Sample: &config.Sample{Method: "hash", Fraction: 0.5}}
	_, rows := extractAll(t, c, ds)
	var got []string
	for _, r := range rows {
		got = append(got, r[0])
	}
	conn := enginetest.Conn(t, engine.Options{})
	want, err := conn.QueryRows(context.Background(), "SELECT CAST(id AS VARCHAR) FROM range(1, 7) AS t(id) WHERE "+
		dialect.DuckDB{}.HashUnit("id")+" < 0.5 ORDER BY id")
	require.NoError(t, err)
	var wantIDs []string
	for _, r := range want {
		wantIDs = append(wantIDs, r[0].(string))
	}
	require.ElementsMatch(t, wantIDs, got)
	require.NotEmpty(t, got)
	require.Less(t, len(got), 6)
}

// A session answers typed values, counts duplicates whose copies sit on
// different shards exactly, and is read-only.
func TestSessionIntegration(t *testing.T) {
	cl := newCluster(t)
	ctx := context.Background()
	c := open(t, cl.urls[0], "")
	// The two copies of '006' are on different shards.
	for _, u := range cl.urls {
		require.Equal(t, "1\n", connectortest.ClickHouseExec(t, u, "SELECT count() FROM "+cl.local+" WHERE cccd = '006'"))
	}
	s, err := c.Session(ctx, connectors.Request{Dataset: &config.Dataset{ID: "people", Table: cl.dist}})
	require.NoError(t, err)
	defer s.Close()
	cols, err := s.Columns(ctx)
	require.NoError(t, err)
	require.Equal(t, connectors.SourceColumn{Name: "d", Type: "Nullable(Date)"}, cols[4])
	row, err := s.QueryRow(ctx, "WITH _dq AS (SELECT *, cccd IS NULL AS _dq_p0 FROM "+s.Relation()+")\n"+
		"SELECT count(), uniqExact(cccd), SUM(CASE WHEN _dq_p0 THEN 1 ELSE 0 END), min(d), max(ts), sum(x), toDecimal64(1.5, 2), 'a\\tb' FROM _dq")
	require.NoError(t, err)
	require.Equal(t, []any{int64(6), int64(4), int64(1), time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), 14.25, "1.50", "a\tb"}, row)
	rows, err := s.QueryRows(ctx, "WITH _dq AS (SELECT * FROM "+s.Relation()+")\nSELECT cccd, count() FROM _dq GROUP BY cccd HAVING count() > 1")
	require.NoError(t, err)
	require.Equal(t, [][]any{{"006", int64(2)}}, rows)

	_, err = s.QueryRow(ctx, "SELECT count() FROM "+cl.dist+" WHERE nosuchcolumn = 1")
	require.ErrorIs(t, err, connectors.ErrQuery)
	require.ErrorContains(t, err, "dataset people")
	require.ErrorContains(t, err, "nosuchcolumn")
	_, err = s.QueryRow(ctx, "CREATE TABLE default.bench_ch_conn_never (x Int8) ENGINE = Memory")
	require.ErrorIs(t, err, connectors.ErrQuery)
	require.ErrorContains(t, err, "readonly")
}

// The planner's WITH becomes a subquery at each FROM and JOIN of its
// name; quotes, qualified names and other names are left alone.
func TestRewriteInlinesRelation(t *testing.T) {
	got, err := rewrite("WITH _dq AS (SELECT *, (a = ')') AS _dq_p0 FROM (SELECT * FROM t) AS dq_rel)\n"+
		"SELECT count() FROM _dq JOIN (SELECT 1 AS k FROM _dq AS o) USING k WHERE '_dq' <> _dq.x AND _dq_p0", nil)
	require.NoError(t, err)
	body := "(SELECT *, (a = ')') AS _dq_p0 FROM (SELECT * FROM t) AS dq_rel)"
	require.Equal(t, "SELECT count() FROM "+body+" AS _dq JOIN (SELECT 1 AS k FROM "+body+" AS o) USING k WHERE '_dq' <> _dq.x AND _dq_p0", got)
	plain := "SELECT 1"
	got, err = rewrite(plain, nil)
	require.NoError(t, err)
	require.Equal(t, plain, got)
}

// What 18.16 lacks or gets wrong is rewritten, outside quotes only.
func TestRewriteFor1816(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT TRUE, false, 'TRUE', t.true":                                        "SELECT 1, 0, 'TRUE', t.true",
		"SELECT x AS _dq_group, count() FROM t GROUP BY 1":                          "SELECT x AS _dq_group, count() FROM t GROUP BY _dq_group",
		"SELECT UPPER(TRIM(toString(x))) = 'A', 'TRIM(y)'":                          `SELECT UPPER(replaceRegexpAll(toString(x), '^ +| +$', '')) = 'A', 'TRIM(y)'`,
		"SELECT (CASE substr(x, 1, 1) WHEN '0' THEN 1 WHEN '1' THEN 2 END + 3)":     "SELECT (CASE WHEN (substr(x, 1, 1)) = '0' THEN 1 WHEN (substr(x, 1, 1)) = '1' THEN 2 END + 3)",
		"SELECT CASE WHEN a THEN CASE b WHEN 1 THEN 2 END END":                      "SELECT CASE WHEN a THEN CASE WHEN (b) = 1 THEN 2 END END",
		"SELECT CASE a WHEN 1 THEN CASE WHEN c THEN 5 END WHEN 2 THEN 3 ELSE 4 END": "SELECT CASE WHEN (a) = 1 THEN CASE WHEN c THEN 5 END WHEN (a) = 2 THEN 3 ELSE 4 END",
	} {
		got, err := rewrite(in, nil)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
}

// The rewritten simple CASE answers on the server as SQL's does, where
// 18.16's own answers NULL.
func TestRewrittenCaseIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	q := "SELECT CASE x WHEN '0' THEN 1900 WHEN '1' THEN 2000 END + 5 FROM (SELECT arrayJoin(['0', '1', '2']) AS x)"
	require.Equal(t, "\\N\n\\N\n\\N\n", connectortest.ClickHouseExec(t, urls[0], q), "18.16's simple CASE")
	got, err := rewrite(q, nil)
	require.NoError(t, err)
	require.Equal(t, "1905\n2005\n\\N\n", connectortest.ClickHouseExec(t, urls[0], got))
}

// A cancelled statement is stopped on the server, not left running.
func TestCancelKillsOnServerIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	c := open(t, urls[0], "")
	ctx, cancel := context.WithCancel(context.Background())
	s, err := c.Session(ctx, connectors.Request{Dataset: &config.Dataset{ID: "slow", Query: "SELECT number FROM system.numbers"}})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := s.QueryRow(ctx, "SELECT count() FROM "+s.Relation()+" WHERE number % 1000003 = 1 AND 'bench_ch_cancel' != ''")
		done <- err
	}()
	running := func() string {
		return strings.TrimSpace(connectortest.ClickHouseExec(t, urls[0], "SELECT count() FROM system.processes WHERE query LIKE '%bench_ch_cancel%' AND query NOT LIKE '%system.processes%'"))
	}
	require.Eventually(t, func() bool { return running() == "1" }, 10*time.Second, 50*time.Millisecond)
	cancel()
	err = <-done
	require.ErrorIs(t, err, context.Canceled)
	require.Eventually(t, func() bool { return running() == "0" }, 10*time.Second, 50*time.Millisecond)
}

// max_execution_time ends a statement on the server, reported as a
// timeout.
func TestStatementTimeoutIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	c := open(t, urls[0], "1s")
	_, err := c.Count(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "slow", Query: "SELECT number FROM numbers(100000000000)"}})
	require.ErrorIs(t, err, connectors.ErrTimeout)
	require.ErrorContains(t, err, "dataset slow")
}

// A filtered table is read straight by every SELECT of the plan, the
// filter added to (or as) its WHERE, the shared predicates written out.
func TestRewriteFlattens(t *testing.T) {
	rel := "(SELECT * FROM `t` WHERE (a = 1\n) AND h < 0.5\n) AS dq_rel"
	f := &flat{rel: rel, base: "`t`", filter: "(a = 1\n) AND h < 0.5"}
	q := "WITH _dq AS (SELECT *, (x IS NULL OR match(x, ',')) AS _dq_p0, (y = ')') AS _dq_p1 FROM " + rel + ")\n" +
		"SELECT COUNT(*), SUM(n) FROM (SELECT COUNT(*) AS n FROM _dq WHERE NOT (_dq_p0) OR _dq_p1 GROUP BY x HAVING COUNT(*) > 1) dup"
	got, err := rewrite(q, f)
	require.NoError(t, err)
	require.Equal(t, "SELECT COUNT(*), SUM(n) FROM (SELECT COUNT(*) AS n FROM `t` AS _dq WHERE ((a = 1\n) AND h < 0.5) AND "+
		"( NOT (((x IS NULL OR match(x, ',')))) OR ((y = ')')) ) GROUP BY x HAVING COUNT(*) > 1) dup", got)
	got, err = rewrite("WITH _dq AS (SELECT * FROM "+rel+")\nSELECT x AS _dq_group, COUNT(*) FROM _dq GROUP BY 1", f)
	require.NoError(t, err)
	require.Equal(t, "SELECT x AS _dq_group, COUNT(*) FROM `t` AS _dq WHERE ((a = 1\n) AND h < 0.5) GROUP BY _dq_group", got)
	// Another relation than the session's: a subquery, as without flat.
	got, err = rewrite("WITH _dq AS (SELECT * FROM (SELECT 1) AS o)\nSELECT 1 FROM _dq", f)
	require.NoError(t, err)
	require.Equal(t, "SELECT 1 FROM (SELECT * FROM (SELECT 1) AS o) AS _dq", got)
}

// An exception the server meets after it has sent rows arrives as text
// after them, under a 200 status: the extract fails, it never ends as a
// short table.
func TestErrorMidStreamIntegration(t *testing.T) {
	urls := connectortest.ClickHouseURLs(t)
	c := open(t, urls[0], "")
	c.BatchRows = 1000
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "broken",
		Query: "SELECT number, throwIf(number = 900000) AS boom FROM numbers(1000000) SETTINGS max_block_size = 1000"}})
	require.NoError(t, err)
	defer r.Release()
	rows := 0
	for r.Next() {
		rows += int(r.RecordBatch().NumRows())
	}
	require.Greater(t, rows, 0, "rows came before the exception")
	require.Less(t, rows, 1000000)
	require.ErrorIs(t, r.Err(), connectors.ErrStream)
	require.ErrorContains(t, r.Err(), "dataset broken")
	require.ErrorContains(t, r.Err(), "the server failed mid-result: Code: 395")
}

// sample: rows keeps the n rows with the smallest md5(key || '#' || seed),
// the rows every other engine keeps.
func TestRowsSampleIntegration(t *testing.T) {
	cl := newCluster(t)
	c := open(t, cl.urls[0], "")
	ds := &config.Dataset{ID: "people", Table: cl.dist, Key: "name", Sample: &config.Sample{Method: "rows", Rows: 3, Seed: 7}}
	_, rows := extractAll(t, c, ds)
	var got []string
	for _, r := range rows {
		got = append(got, r[6])
	}
	conn := enginetest.Conn(t, engine.Options{})
	d := dialect.DuckDB{}
	names := []string{"'Nguyễn Văn An'", "'tab\there'", "'N/A'", `'back\slash'`, `'it''s'`, "''"}
	want, err := conn.QueryRows(context.Background(), "SELECT n FROM (VALUES ("+strings.Join(names, "), (")+")) AS t(n) ORDER BY "+
		d.HashUnit("n || '#7'")+", n LIMIT 3")
	require.NoError(t, err)
	var wantNames []string
	for _, r := range want {
		wantNames = append(wantNames, r[0].(string))
	}
	require.Equal(t, wantNames, got)
	_, err = c.Extract(context.Background(), connectors.Request{Dataset: &config.Dataset{ID: "people", Table: cl.dist,
		Sample: &config.Sample{Method: "rows", Rows: 3}}})
	require.ErrorIs(t, err, connectors.ErrConfig)
	require.ErrorContains(t, err, "needs key:")
}

// An extract asked for some columns selects only those, in the source's
// order, and still describes every column (the schema checks see them).
func TestExtractColumnsIntegration(t *testing.T) {
	cl := newCluster(t)
	c := open(t, cl.urls[0], "")
	ds := &config.Dataset{ID: "people", Table: cl.dist, Where: "n >= 30"}
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds, Columns: []string{"name", "cccd", "absent"}})
	require.NoError(t, err)
	defer r.Release()
	var got []string
	for _, f := range r.Schema().Fields() {
		got = append(got, f.Name)
	}
	require.Equal(t, []string{"cccd", "name"}, got)
	var full []string
	for _, f := range r.(connectors.Narrowed).SourceSchema().Fields() {
		full = append(full, f.Name+":"+f.Type.String())
	}
	require.Equal(t, []string{"id:int64", "cccd:utf8", "n:int64", "x:float64", "d:date32", "ts:timestamp[us]", "name:utf8"}, full)
	require.Contains(t, r.(connectors.Queried).Query(), "SELECT `cccd`, `name` FROM (")
	rows := 0
	for r.Next() {
		rows += int(r.RecordBatch().NumRows())
	}
	require.NoError(t, r.Err())
	require.Equal(t, 4, rows)

	// Every column asked: no narrowing, the plain SELECT.
	r2, err := c.Extract(context.Background(), connectors.Request{Dataset: ds, Columns: []string{"id", "cccd", "n", "x", "d", "ts", "name"}})
	require.NoError(t, err)
	defer r2.Release()
	require.Len(t, r2.Schema().Fields(), 7)
	require.NotContains(t, r2.(connectors.Queried).Query(), "SELECT `")
}

// A password in the URL is sent as Basic auth and never repeated in an
// error, even one about the server that would not answer.
func TestPasswordNotInErrors(t *testing.T) {
	src := config.NewSource("ch", "clickhouse", map[string]any{"url": "http://dq:s3cr3t-pw@127.0.0.1:1", "statement_timeout": "2s"})
	c, err := connectors.Open(src, connectors.Deps{})
	require.NoError(t, err)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = c.(*Connector).Count(ctx, connectors.Request{Dataset: &config.Dataset{ID: "people", Table: "t"}})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cr3t-pw")
	require.NotContains(t, fmt.Sprintf("%+v", err), "s3cr3t-pw")
	require.Contains(t, err.Error(), "127.0.0.1:1", "the server is named")
}
