package load

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	_ "github.com/vn-registries/dq/connectors/mysql" // reads back what was written
)

// mysqlDB creates a database dq_test_<random>, dropped at the end, and
// returns its URL.
func mysqlDB(t *testing.T) (string, *sql.DB) {
	t.Helper()
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	root, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/test?multiStatements=true")
	require.NoError(t, err)
	require.NoError(t, root.Ping(), "MariaDB must answer on 127.0.0.1:3306 (DQ_SKIP_DB_TESTS=1 skips)")
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "dq_test_" + hex.EncodeToString(b[:])
	_, err = root.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = root.Exec("DROP DATABASE IF EXISTS " + name)
		root.Close()
	})
	return "mysql://root@127.0.0.1:3306/" + name, root
}

// mysqlTypes are the types the demo writes, with edge values.
const mysqlTypes = `SET SESSION sql_mode = '';
CREATE TABLE %[1]s.types (
  id INT PRIMARY KEY, ti TINYINT, si SMALLINT, i INT, bi BIGINT, ubi BIGINT UNSIGNED, de DECIMAL(12,3),
  d DOUBLE, bit1 BIT(1), vc VARCHAR(20), dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, bl BLOB);
INSERT INTO %[1]s.types VALUES
  (1, -5, -300, -2000000000, -9000000000000000000, 18446744073709551615, -123.450, 2.25, b'1', 'Việt Nam',
   '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.500000', x'00FF'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 0, 0, 0, 0, 0, 0.001, 0, b'0', '', '0000-00-00', '0000-00-00 00:00:00', NULL, x'');`

func TestWriteMySQLIntegration(t *testing.T) {
	url, root := mysqlDB(t)
	name := url[strings.LastIndexByte(url, '/')+1:]
	_, err := root.Exec(strings.ReplaceAll(mysqlTypes, "%[1]s", name))
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	sch, recs := readBack(t, "mysql", url, &config.Dataset{ID: "t", Query: "SELECT * FROM types"}, mem)
	src := array.NewTableFromRecords(sch, recs)
	defer src.Release()
	for _, r := range recs {
		r.Release()
	}
	rdr := array.NewTableReader(src, 100)
	defer rdr.Release()
	n, err := writeMySQL(context.Background(), url, "copy", rdr)
	require.NoError(t, err)
	require.EqualValues(t, 3, n)

	sch, recs = readBack(t, "mysql", url, &config.Dataset{ID: "t", Query: "SELECT * FROM copy ORDER BY id"}, mem)
	back := array.NewTableFromRecords(sch, recs)
	defer back.Release()
	for _, r := range recs {
		r.Release()
	}
	for i, f := range src.Schema().Fields() {
		a, b := column(t, src, f.Name), column(t, back, f.Name)
		for r := 0; r < a.Len(); r++ {
			// An instant is written as DATETIME(6) in UTC: it comes back without zone.
			require.Equal(t, strings.TrimSuffix(a.ValueStr(r), "Z"), b.ValueStr(r), "%d %s row %d", i, f.Name, r)
		}
	}

	_, err = writeMySQL(context.Background(), "mysql://root:hunter2pw@127.0.0.1:1/"+name, "x", rdr)
	require.ErrorIs(t, err, connectors.ErrConnect)
	require.NotContains(t, err.Error(), "hunter2pw")
}

// column is a table's column as one array.
func column(t *testing.T, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	require.Len(t, idx, 1, name)
	chunks := tbl.Column(idx[0]).Data().Chunks()
	require.Len(t, chunks, 1, name)
	return chunks[0]
}
