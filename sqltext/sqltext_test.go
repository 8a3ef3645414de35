package sqltext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFragment(t *testing.T) {
	all := []Syntax{Postgres, DuckDB, MySQL}
	pgLike := []Syntax{Postgres, DuckDB}
	for _, tc := range []struct {
		text string
		in   []Syntax
		want string // "" accepted, else a part of the message
	}{
		// What real filters look like: accepted everywhere.
		{"status <> 'merged'", all, ""},
		{"name = 'O''Brien' AND x > 1", all, ""},
		{`"weird;col" = 1`, all, ""},
		{"x = 1 -- a note; with a semicolon\n", all, ""},
		{"x = 1 /* a note; */", all, ""},
		{"", all, ""},
		{"t.into = 1", []Syntax{MySQL}, ""},
		{"x = $$a;b$$ AND y = $tag$it's; $$ still$tag$", pgLike, ""},
		{"x = E'it\\'s; fine'", pgLike, ""},
		{"a$b$c = 1", pgLike, ""},             // $ inside an identifier opens nothing
		{"x = $1", pgLike, ""},                // a parameter, not a quote
		{"x = 'it\\'s'", []Syntax{MySQL}, ""}, // backslash escape in MySQL's default mode
		{"x = 1 /* outer /* inner; */ still; */", pgLike, ""},
		{"x = 1 # a note; here\n", []Syntax{MySQL}, ""},
		{"`a;b` = 1", []Syntax{MySQL}, ""},

		// A second statement.
		{"1=1; DELETE FROM t", all, "the ; at character 4 ends the statement"},
		{"1=1);\nSET default_transaction_read_only = off;\nSELECT (1", all, "line 1, character 5"},
		{"x = 'a'; DROP TABLE t; -- '", all, "the ; at character 8"},
		{"x = 1 */ ; */", []Syntax{MySQL}, "the ;"},
		{"x = 1;", all, "the ;"},                         // no trailing ; in a filter
		{"x = 'a\\'; b", pgLike, "the ; at character 9"}, // backslash is a plain character
		{"x = 'a\\'; b'", []Syntax{MySQL}, "NO_BACKSLASH_ESCAPES"},
		{"x = 1 /* outer /* inner */ ; */", []Syntax{MySQL}, "the ;"},
		{"x = 1 /* outer /* inner */ ; */", pgLike, ""},
		{"x = 1--1; DROP TABLE t", []Syntax{MySQL}, "the ;"}, // 1--1 is arithmetic there
		{"x = 1--1; DROP TABLE t", pgLike, ""},
		{"1=1 /*!50000 ; DROP TABLE t */", []Syntax{MySQL}, "the ;"},
		{"1=1 /*M!100000 ; DROP TABLE t */", []Syntax{MySQL}, "the ;"},
		{"x = 1 # not a comment here; DROP", pgLike, "the ;"},
		{"$a$ x $a$; y", pgLike, "the ;"},
		{"1$$;$$ = 1", pgLike, ""}, // a number ends before $, which then quotes
		// Under another sql_mode the quote ends earlier.
		{`x = 'a\'; DELETE FROM t; -- '`, []Syntax{MySQL}, "NO_BACKSLASH_ESCAPES"},
		{`x = "a\"; DELETE FROM t; -- "`, []Syntax{MySQL}, "ANSI_QUOTES"},

		// INTO, MySQL only.
		{"1=1) INTO OUTFILE '/tmp/x' #", []Syntax{MySQL}, "INTO at character 6 would write a file"},
		{"1=1) into dumpfile '/tmp/x' #", []Syntax{MySQL}, "INTO at character 6"},
		{"1=1) INTO @v #", []Syntax{MySQL}, "INTO"},
		{"x = 'INTO' AND `into` = 1", []Syntax{MySQL}, ""},
		{`x = 'a\' INTO OUTFILE \'/tmp/x\' #'`, []Syntax{MySQL}, "INTO at character 10 would write a file or variables on the server (as a server with sql_mode NO_BACKSLASH_ESCAPES reads it)"},
		{"x = 1 INTO y", pgLike, ""},

		// Left open: it would swallow what dq appends.
		{"x = 'abc", all, "a ' quote opened at character 5 is never closed"},
		{`"abc = 1`, all, `a " quote opened at character 1`},
		{"x = 1 /* note", all, "a /* comment opened at character 7"},
		{"x = 1 /* a /* b */", pgLike, "a /* comment"},
		{"x = $q$ abc", pgLike, "a $q$ quote"},
		{"x = E'abc\\'", pgLike, "an E' quote"},
		{"x = `a", []Syntax{MySQL}, "a ` quote"},
		{"1=1 /*! AND 1", []Syntax{MySQL}, "a /*! comment"},
	} {
		for _, s := range tc.in {
			t.Run(s.name+"/"+tc.text, func(t *testing.T) {
				err := Fragment(s, tc.text)
				if tc.want == "" {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, ErrNotOneRead)
				require.Contains(t, err.Error(), tc.want)
			})
		}
	}
}

func TestQuery(t *testing.T) {
	for _, s := range []Syntax{Postgres, DuckDB, MySQL} {
		require.NoError(t, Query(s, "SELECT * FROM t WHERE x = ';'"))
		require.NoError(t, Query(s, "SELECT 1;"), "a trailing ; is dropped by the connectors")
		require.NoError(t, Query(s, "SELECT 1 ; ;\n"))
		require.ErrorIs(t, Query(s, "SELECT 1; SELECT 2"), ErrNotOneRead)
		require.ErrorIs(t, Query(s, "SELECT 1; -- done"), ErrNotOneRead)
		require.ErrorIs(t, Fragment(s, "x = 1;"), ErrNotOneRead)
	}
	err := Query(MySQL, "SELECT a FROM t\nWHERE b = 1\nINTO OUTFILE '/tmp/x'")
	require.ErrorContains(t, err, "INTO at line 3, character 1")
}

// ClickHouse reads a backslash as an escape in every quote, identifiers
// too: a quote it escapes does not close the text.
func TestClickHouseQuotes(t *testing.T) {
	require.NoError(t, Fragment(ClickHouse, "`a\\`;b` = 'x\\';y'"))
	require.ErrorIs(t, Fragment(ClickHouse, "a = 'x\\'; DROP TABLE t"), ErrNotOneRead)
	require.ErrorIs(t, Fragment(ClickHouse, "a = 1; SELECT 2"), ErrNotOneRead)
}

func TestCode(t *testing.T) {
	code := func(s Syntax, text string) (string, int) {
		var b strings.Builder
		open := s.Code(text, func(i int) bool { b.WriteByte(text[i]); return true })
		return b.String(), open
	}
	for _, tc := range []struct {
		s          Syntax
		text, want string
		open       int
	}{
		{Postgres, `a = 'x)' AND "b(" = 1`, `a =  AND  = 1`, -1},
		{Postgres, `'it''s' || E'a\'b' || $q$ ) $q$ -- c (`, ` ||  ||  `, -1},
		{Postgres, `a /* ( /* nested */ ) */ b`, `a  b`, -1},
		{Postgres, `x = 'a\' AND y`, `x =  AND y`, -1}, // no backslash escape
		{MySQL, `x = 'a\' AND y' # (`, `x =  `, -1},
		{MySQL, "`(` + 1", " + 1", -1},
		{ClickHouse, `f('a\'b', "c") -- )`, "f(, ) ", -1},
		{Postgres, `SELECT 'cut here`, `SELECT `, 7},
	} {
		got, open := code(tc.s, tc.text)
		require.Equal(t, tc.want, got, tc.text)
		require.Equal(t, tc.open, open, tc.text)
	}
	// fn stops the walk.
	n := 0
	require.Equal(t, -1, Postgres.Code("abcdef", func(int) bool { n++; return n < 3 }))
	require.Equal(t, 3, n)
}
