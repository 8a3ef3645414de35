//go:build duckdb_arrow

package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// User SQL is read as the engine that runs it reads it: MySQL's DIV and
// its backslash-escaped quote are fine in a MySQL source's own SQL
// (engine: source), and refused where DuckDB runs the same text.
func TestUserSQLReadAsItsEngineReadsIt(t *testing.T) {
	write := func(engine, path string) string {
		p := filepath.Join(t.TempDir(), "c.yaml")
		require.NoError(t, os.WriteFile(p, []byte(`ministries: [{id: M, name: M}]
sources:
  my: {kind: mysql, dsn: "mysql://dq@127.0.0.1:3306/test"}
  files: {kind: file, root: .}
datasets:
  - id: a
    ministry: M
    `+path+`
    key: id
    engine: `+engine+`
    checks:
      - {id: div, kind: expression, valid_if: "wage DIV 1000 > 0"}
      - {id: quote, kind: failed_rows, query: "SELECT id FROM _dq WHERE name = 'it\\'s'"}
`), 0o600))
		return p
	}
	p, err := PrepareFile(write("source", "source: my\n    table: a"), nil, nil)
	require.NoError(t, err, "MySQL's own SQL, checked by MySQL's lexer only")
	p.Close()

	_, err = PrepareFile(write("duckdb", "source: files\n    path: a.csv"), nil, nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), `check div.valid_if: DuckDB cannot parse it: syntax error at or near "DIV" (at character 6)`)
	require.Contains(t, err.Error(), `check quote.query: not part of one read-only statement: a ' quote opened at character`)
}
