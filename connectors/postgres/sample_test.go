//go:build duckdb_arrow

package postgres

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
)

// keysOf extracts ds and returns column col as strings, sorted.
func keysOf(t *testing.T, c *Connector, ds *config.Dataset, col string) []string {
	t.Helper()
	sch, recs := extractAll(t, c, ds)
	defer releaseAll(recs)
	idx := sch.FieldIndices(col)[0]
	var out []string
	for _, r := range recs {
		a := r.Column(idx)
		for i := 0; i < a.Len(); i++ {
			out = append(out, a.ValueStr(i))
		}
	}
	sort.Strings(out)
	return out
}

func TestHashSampleMatchesDuckDBIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf(`CREATE TABLE %s.people AS
		SELECT g AS id, 'CCCD' || lpad(g::text, 8, '0') AS cccd FROM generate_series(1, 10000) g`, schema))
	c := open(t, nil)
	ctx := context.Background()
	dc := enginetest.Conn(t, engine.Options{Threads: 1})
	require.NoError(t, dc.Exec(ctx, `CREATE TABLE people AS
		SELECT range AS id, 'CCCD' || lpad(CAST(range AS VARCHAR), 8, '0') AS cccd FROM range(1, 10001)`))
	d := dialect.DuckDB{}

	for _, key := range []string{"id", "cccd"} {
		for _, frac := range []float64{0.01, 0.1, 0.5} {
			t.Run(fmt.Sprintf("%s/%v", key, frac), func(t *testing.T) {
				ds := &config.Dataset{ID: "p", Table: schema + ".people", Key: key,
					Sample: &config.Sample{Method: "hash", Fraction: frac}}
				got := keysOf(t, c, ds, key)
				require.Equal(t, got, keysOf(t, c, ds, key), "hash sample is deterministic")
				rows, err := dc.QueryRows(ctx, fmt.Sprintf("SELECT CAST(%s AS VARCHAR) FROM people WHERE %s < %v",
					d.Ident(key), d.HashUnit(d.Ident(key)), frac))
				require.NoError(t, err)
				var want []string
				for _, r := range rows {
					want = append(want, r[0].(string))
				}
				sort.Strings(want)
				require.Equal(t, want, got)
				require.InDelta(t, frac*10000, len(got), 4*100*frac+30)
			})
		}
	}
}

func TestRowsSampleIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf(`CREATE TABLE %s.big AS SELECT g AS id, g %% 7 AS k FROM generate_series(1, 100000) g`, schema),
		fmt.Sprintf("ANALYZE %s.big", schema))
	c := open(t, nil)
	sample := func(seed int64, where string, query bool) []string {
		ds := &config.Dataset{ID: "b", Table: schema + ".big", Where: where,
			Sample: &config.Sample{Method: "rows", Rows: 1000, Seed: seed}}
		if query {
			ds.Table, ds.Query = "", "SELECT * FROM "+schema+".big"
		}
		return keysOf(t, c, ds, "id")
	}
	for _, query := range []bool{false, true} {
		a, b := sample(7, "", query), sample(7, "", query)
		require.Len(t, a, 1000)
		require.Equal(t, a, b, "same seed, same rows (query=%v)", query)
		require.NotEqual(t, a, sample(8, "", query), "another seed, other rows")
		f := sample(7, "k = 3", query)
		require.Len(t, f, 1000)
	}
}

func TestCountIntegration(t *testing.T) {
	conn, schema := testDB(t)
	exec(t, conn, fmt.Sprintf(`CREATE TABLE %s.big AS SELECT g AS id, g %% 10 AS k FROM generate_series(1, 50000) g`, schema))
	c := open(t, nil)
	ctx := context.Background()
	count := func(ds *config.Dataset) int64 {
		n, err := c.Count(ctx, connectors.Request{Dataset: ds})
		require.NoError(t, err)
		return n
	}
	tbl := schema + ".big"
	hash := &config.Sample{Method: "hash", Fraction: 0.1}
	require.EqualValues(t, 50000, count(&config.Dataset{Table: tbl, Key: "id", Sample: hash}), "sample not applied")
	require.EqualValues(t, 5000, count(&config.Dataset{Table: tbl, Where: "k = 3", Count: "exact"}))
	require.EqualValues(t, 5000, count(&config.Dataset{Query: "SELECT * FROM " + tbl, Where: "k = 3", Count: "estimate"}), "query: falls back to exact")
	// Never analyzed: reltuples is -1, so estimate counts.
	require.EqualValues(t, 50000, count(&config.Dataset{Table: tbl, Count: "estimate"}))
	exec(t, conn, "ANALYZE "+tbl)
	require.EqualValues(t, 50000, count(&config.Dataset{Table: tbl, Count: "estimate"}))
	require.InDelta(t, 5000, count(&config.Dataset{Table: tbl, Where: "k = 3", Count: "estimate"}), 1500)
}

// TestMemoryBoundedIntegration streams 2M rows (about 90 MB of Arrow data)
// while the allocator never holds more than a few batches.
func TestMemoryBoundedIntegration(t *testing.T) {
	testDB(t)
	mem := newPeakAllocator()
	defer mem.AssertSize(t, 0)
	c := openWith(t, connectors.Deps{Mem: mem}, nil)
	ds := &config.Dataset{ID: "gen", Query: `SELECT g AS id, md5(g::text) AS h, g * 0.5 AS half
		FROM generate_series(1, 2000000) g`}
	r, err := c.Extract(context.Background(), connectors.Request{Dataset: ds})
	require.NoError(t, err)
	var rows int64
	var sum int64
	for r.Next() {
		rec := r.RecordBatch()
		rows += rec.NumRows()
		ids := rec.Column(0).(*array.Int32)
		for _, v := range ids.Int32Values() {
			sum += int64(v)
		}
	}
	require.NoError(t, r.Err())
	r.Release()
	require.EqualValues(t, 2000000, rows)
	require.EqualValues(t, int64(2000000)*2000001/2, sum)
	t.Logf("peak Arrow memory %.1f MB for %d rows", float64(mem.peak.Load())/1e6, rows)
	require.Less(t, mem.peak.Load(), int64(40<<20), "peak Arrow memory")
	require.Equal(t, arrow.INT32, r.Schema().Field(0).Type.ID())
}
