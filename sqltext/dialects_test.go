package sqltext_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sqltext"
)

// The dialects' quoting read by their syntaxes: an external test, as
// dialect reads SQL through sqltext.

func TestOf(t *testing.T) {
	want := map[string]sqltext.Syntax{"postgres": sqltext.Postgres, "mysql": sqltext.MySQL, "duckdb": sqltext.DuckDB, "clickhouse": sqltext.ClickHouse}
	for _, d := range []dialect.Dialect{dialect.Postgres{}, dialect.MySQL{}, dialect.DuckDB{}, dialect.ClickHouse{}} {
		require.Equal(t, want[d.Name()], sqltext.Of(d.Name()), d.Name())
	}
}

// FuzzFragment: no text panics the lexer; a text it accepts has nothing
// open, so a ; after a newline is always seen; and what the dialects
// quote (the incremental window's value, a configured column) is always
// accepted, whatever it holds.
func FuzzFragment(f *testing.F) {
	for _, s := range []string{"status <> 'merged'", "x = $$a$$", "/*! 1 */", "a -- b", "E'\\''", "`x`", "'\\", "\"a\"\"b\"", "$1$a$", "1--1", "/* /* */"} {
		f.Add(s)
	}
	dialects := []dialect.Dialect{dialect.Postgres{}, dialect.MySQL{}, dialect.DuckDB{}, dialect.ClickHouse{}}
	f.Fuzz(func(t *testing.T, text string) {
		for _, d := range dialects {
			s := sqltext.Of(d.Name())
			if err := sqltext.Fragment(s, text); err == nil {
				err := sqltext.Fragment(s, text+"\n;")
				if !errors.Is(err, sqltext.ErrNotOneRead) || !strings.Contains(err.Error(), "the ;") {
					t.Fatalf("%s: %q accepted, but a ; after it is not seen: %v", d.Name(), text, err)
				}
			}
			for _, frag := range []string{d.Ident(text) + " > " + d.String(text), dialect.QualifiedIdent(d, text)} {
				if err := sqltext.Fragment(s, frag); err != nil {
					t.Fatalf("%s: quoted %q refused: %v", d.Name(), frag, err)
				}
			}
		}
	})
}
