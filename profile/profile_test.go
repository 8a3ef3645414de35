package profile

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/engine/enginetest"
	"github.com/vn-registries/dq/mask"
)

// A table with planted values: exact counts of missing (NULL, blank,
// N/A), distinct values, bounds, frequent values (masked where the
// column is personal), shapes and domains.
func TestRun(t *testing.T) {
	conn := enginetest.Conn(t, engine.Options{})
	ctx := context.Background()
	require.NoError(t, conn.Exec(ctx, `CREATE TABLE t AS SELECT
	  CASE WHEN i = 0 THEN NULL WHEN i = 1 THEN '  ' WHEN i = 2 THEN 'n/a' ELSE '0791' || CAST(i % 2 AS VARCHAR) || '5' || lpad(CAST(i AS VARCHAR), 6, '0') END AS cccd,
	  list_element(['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Chi'], CAST(i % 3 + 1 AS INTEGER)) AS full_name,
	  CASE WHEN i % 4 = 0 THEN 'F' ELSE 'M' END AS gender,
	  'HS' || lpad(CAST(i AS VARCHAR), 4, '0') AS student_id,
	  i AS n
	FROM range(100) r(i)`))
	in := []Input{{"cccd", "VARCHAR", dialect.Text}, {"full_name", "VARCHAR", dialect.Text}, {"gender", "VARCHAR", dialect.Text},
		{"student_id", "VARCHAR", dialect.Text}, {"n", "BIGINT", dialect.Integer}}
	p, err := Run(ctx, conn, Options{Dataset: "t", Table: "t", Columns: in, Rows: 100, RowsTotal: -1,
		Tokens: []string{"N/A"}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Exact: true})
	require.NoError(t, err)
	require.False(t, p.DistinctApproximate)
	col := map[string]*Column{}
	for _, c := range p.Columns {
		col[c.Name] = c
	}
	cccd := col["cccd"]
	require.Equal(t, int64(3), cccd.Missing)
	require.Equal(t, int64(1), cccd.Null)
	require.Equal(t, int64(1), cccd.Blank)
	require.Equal(t, int64(97), cccd.Distinct, "present values only")
	require.Equal(t, []Count{{"DDDDDDDDDDDD", 97}}, cccd.Shapes)
	require.Equal(t, "cccd", cccd.Domains[0].Name)
	require.Equal(t, 1.0, cccd.Domains[0].Share)
	require.Equal(t, mask.ID, cccd.Mask)
	require.Equal(t, "0791****0004", cccd.Min)

	name := col["full_name"]
	require.Equal(t, mask.Name, name.Mask)
	require.Equal(t, Count{"N. V. A.", 34}, name.Top[0])
	require.Equal(t, "Aa Aa Aa", name.Shapes[0].Value)

	g := col["gender"]
	require.Equal(t, mask.None, g.Mask)
	require.Equal(t, []Count{{"M", 75}, {"F", 25}}, g.Top)
	require.Equal(t, "^[A-Z]$", g.pattern)

	require.Equal(t, "^[A-Z]{2}[0-9]{4}$", col["student_id"].pattern)
	require.Equal(t, 1.0, col["student_id"].patternShare)
	require.Equal(t, "0", col["n"].Min)
	require.Equal(t, "99", col["n"].Max)

	var b strings.Builder
	WriteTable(&b, []*Profile{p})
	require.Contains(t, b.String(), "t: 100 rows; distinct counts exact")
	require.Regexp(t, `(?m)^gender\s+VARCHAR\s+0%\s+0%\s+2\s+F\s+M\s+M 75.0%, F 25.0%`, b.String())

	// Above ExactDistinctUpTo, distinct counts are HyperLogLog's, and say so.
	p, err = Run(ctx, conn, Options{Dataset: "t", Table: "t", Columns: in[:1], Rows: 100, RowsTotal: -1, ExactDistinctUpTo: 10, SampleRows: 50})
	require.NoError(t, err)
	require.True(t, p.DistinctApproximate)
	require.Equal(t, int64(50), p.SampleRows)
	b.Reset()
	WriteTable(&b, []*Profile{p})
	require.Contains(t, b.String(), "distinct counts are approximate")
	require.Contains(t, b.String(), "~")
}

func TestShapeRegex(t *testing.T) {
	for in, want := range map[string]string{
		"DDDDDDDDDDDD":   "[0-9]{12}",
		"AADDDD":         "[A-Z]{2}[0-9]{4}",
		"DDDDDDDDDD-DDD": `[0-9]{10}-[0-9]{3}`,
		"D.D":            `[0-9]\.[0-9]`,
	} {
		require.Equal(t, want, shapeRegex(in), in)
	}
}
