package dialect

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
)

func TestFixedWidth(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    []string // nil: not of fixed width
	}{
		{`^[0-9]{3}$`, []string{"0123456789", "0123456789", "0123456789"}},
		{`^(?:[0-9]{2})$`, []string{"0123456789", "0123456789"}},
		{`^0[35789]$`, []string{"0", "35789"}},
		{`^CT[0-9a-c]\-/$`, []string{"C", "T", "0123456789abc", "-", "/"}},
		{`^(?:(?:x{2}))$`, []string{"x", "x"}},
		{`^[a-cA-C]$`, []string{"ABCabc"}},
		{`^a{10}$`, []string{"a", "a", "a", "a", "a", "a", "a", "a", "a", "a"}},
		// Not fixed width, or not only ASCII, or not what the reader
		// can be sure of: the regex stays.
		{`[0-9]{3}`, nil},
		{`^[0-9]{3}`, nil},
		{`[0-9]{3}$`, nil},
		{`^$`, nil},
		{`^[0-9]+$`, nil},
		{`^[0-9]*$`, nil},
		{`^[0-9]?$`, nil},
		{`^[0-9]{2,3}$`, nil},
		{`^[0-9]{2,}$`, nil},
		{`^[0-9]{02}$`, nil},
		{`^[0-9]{0}$`, nil},
		{`^[0-9]{x}$`, nil},
		{`^[0-9]{3}{2}$`, nil},
		{`^[^0-9]$`, nil},
		{`^[]a]$`, nil},
		{`^[a-]$`, nil},
		{`^[9-0]$`, nil},
		{`^[0-z]$`, nil},
		{`^[[:digit:]]$`, nil},
		{`^[\d]$`, nil},
		{`^\d{12}$`, nil},
		{`^\w$`, nil},
		{`^.$`, nil},
		{`^a|b$`, nil},
		{`^(a)$`, nil},
		{`^(?:a)(?:b)$`, nil},
		{`^a b$`, nil},
		{`^é$`, nil},
		{`^a\$`, nil},
		{`^a\\$`, nil},
		{`^[0-9]{65}$`, nil},
	} {
		got, ok := fixedWidth(tc.pattern)
		require.Equal(t, tc.want != nil, ok, tc.pattern)
		require.Equal(t, tc.want, got, tc.pattern)
	}
}

func TestPostgresRegexFixedWidth(t *testing.T) {
	d := Postgres{}
	const s = `CAST("s" AS TEXT)`
	fw := func(n int, union, positions string) string {
		return `(CASE WHEN ` + s + ` IS NULL THEN NULL WHEN octet_length(` + s + `) <> ` + fmt.Sprint(n) + ` THEN FALSE ` +
			`WHEN octet_length(btrim(textsend(` + s + `), '\x` + union + `'::bytea)) <> 0 THEN FALSE ELSE ` + positions + ` END)`
	}
	require.Equal(t, fw(3, "30313233343536373839", "TRUE"), d.RegexFullMatch(`"s"`, `[0-9]{3}`))
	require.Equal(t, fw(10, "30313233343536373839",
		`get_byte(textsend(`+s+`), 0) = 48 AND get_byte(textsend(`+s+`), 1) IN (51, 53, 55, 56, 57)`),
		d.RegexMatch(`"s"`, `^0[35789][0-9]{8}$`))
	require.Equal(t, fw(6, "303132333435363738394354",
		`get_byte(textsend(`+s+`), 0) = 67 AND get_byte(textsend(`+s+`), 1) = 84`+
			` AND octet_length(btrim(substring(textsend(`+s+`) FROM 3 FOR 4), '\x30313233343536373839'::bytea)) = 0`),
		d.RegexMatch(`"s"`, `^CT[0-9]{4}$`))
	// Letters of both cases: two ranges of bytes.
	require.Equal(t, fw(2, fmt.Sprintf("%x", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
		`(get_byte(textsend(`+s+`), 0) BETWEEN 65 AND 90 OR get_byte(textsend(`+s+`), 0) BETWEEN 97 AND 122)`),
		d.RegexMatch(`"s"`, `^[A-Za-z][0-9A-Za-z]$`))
	// Case-insensitive, or not of fixed width: the regex.
	require.Equal(t, `(CAST("s" AS TEXT) ~* '^(?:[a-z]{3})$')`, d.RegexFullMatch(`"s"`, `(?i)[a-z]{3}`))
	require.Equal(t, `(CAST("s" AS TEXT) ~ '^(?:[0-9]{3,4})$')`, d.RegexFullMatch(`"s"`, `[0-9]{3,4}`))
}

// TestPostgresFixedWidthAgreesWithRegex runs random fixed-width patterns
// against random values inside PostgreSQL, both ways, and requires the
// same answer for every value (NULL, multi-byte text, near misses).
func TestPostgresFixedWidthAgreesWithRegex(t *testing.T) {
	ctx := context.Background()
	conn := pgTempTable(t, "CREATE TEMPORARY TABLE fw (id INTEGER, v TEXT)")

	r := rand.New(rand.NewPCG(3, 4))
	classes := []string{"0-9", "35789", "A-Z", "a-f0-9", "A-Za-z", "CT", "x"}
	literals := []string{"0", "C", "-", "/", `\.`, "'", "_"}
	var patterns [][]string // the pattern, then the characters to build values from
	for len(patterns) < 60 {
		var p strings.Builder
		var alphabet []string
		for n := 1 + r.IntN(4); n > 0; n-- {
			if r.IntN(2) == 0 {
				c := classes[r.IntN(len(classes))]
				fmt.Fprintf(&p, "[%s]", c)
				alphabet = append(alphabet, "0", "5", "9", "A", "Z", "a", "f", "g", "C", "T", "x")
			} else {
				l := literals[r.IntN(len(literals))]
				p.WriteString(l)
				alphabet = append(alphabet, strings.TrimPrefix(l, `\`))
			}
			if r.IntN(2) == 0 {
				fmt.Fprintf(&p, "{%d}", 1+r.IntN(4))
			}
		}
		patterns = append(patterns, []string{"^" + p.String() + "$", strings.Join(alphabet, "")})
	}
	noise := []string{"é", "Ⅻ", "٣", " ", "\t", "\n", "0", "1", "a", "A", "-"}
	d := Postgres{}
	for _, pa := range patterns {
		pattern, alphabet := pa[0], []rune(pa[1])
		positions, ok := fixedWidth(pattern)
		require.True(t, ok, pattern)
		_, err := conn.ExecContext(ctx, "DELETE FROM fw")
		require.NoError(t, err)
		var ph []string
		var args []any
		for i := 0; i < 300; i++ {
			var v any
			switch i % 3 {
			case 0: // random text from the pattern's characters and others
				var b strings.Builder
				for n := r.IntN(14); n > 0; n-- {
					if r.IntN(12) == 0 {
						b.WriteString(noise[r.IntN(len(noise))])
					} else {
						b.WriteRune(alphabet[r.IntN(len(alphabet))])
					}
				}
				v = b.String()
			default: // a match, and every other one changed in one place
				b := make([]string, len(positions))
				for k, set := range positions {
					b[k] = string(set[r.IntN(len(set))])
				}
				if i%3 == 2 {
					k := r.IntN(len(b))
					switch r.IntN(3) {
					case 0:
						b[k] = noise[r.IntN(len(noise))]
					case 1:
						b[k] = ""
					default:
						b[k] += string(alphabet[r.IntN(len(alphabet))])
					}
				}
				v = strings.Join(b, "")
			}
			if i == 0 {
				v = nil
			}
			ph = append(ph, fmt.Sprintf("($%d, $%d)", len(args)+1, len(args)+2))
			args = append(args, i, v)
		}
		_, err = conn.ExecContext(ctx, "INSERT INTO fw VALUES "+strings.Join(ph, ", "), args...)
		require.NoError(t, err)
		q := fmt.Sprintf("SELECT id, v, CASE WHEN v ~ %s THEN 'T' WHEN NOT (v ~ %s) THEN 'F' END, CASE WHEN %s THEN 'T' WHEN NOT %s THEN 'F' END FROM fw ORDER BY id",
			d.String(pattern), d.String(pattern), d.RegexMatch("v", pattern), d.RegexMatch("v", pattern))
		matched := 0
		func() {
			rows, err := conn.QueryContext(ctx, q)
			require.NoError(t, err, pattern)
			// Closed before conn, even when a require below fails.
			defer rows.Close()
			for rows.Next() {
				var id int
				var v, want, got sql.NullString
				require.NoError(t, rows.Scan(&id, &v, &want, &got))
				require.Equal(t, want, got, "%s on %q", pattern, v.String)
				if want.String == "T" {
					matched++
				}
			}
			require.NoError(t, rows.Err())
		}()
		require.Greater(t, matched, 90, pattern) // every exact build, and more
		require.Less(t, matched, 299, pattern)
	}
}

// TestPostgresMissingAgreesWithRegex holds PostgreSQL's missing test,
// which reads the regex only for some values, to the regex alone on
// random values near the tokens (every case, white space of every kind
// around them, control and multi-byte characters), under the database's
// collation and under C, for token lists it shapes and lists it leaves
// to the regex.
func TestPostgresMissingAgreesWithRegex(t *testing.T) {
	ctx := context.Background()
	conn := pgTempTable(t, `CREATE TEMPORARY TABLE miss (id INTEGER, v TEXT, c TEXT COLLATE "C")`)

	d := Postgres{}
	r := rand.New(rand.NewPCG(5, 6))
	space := []string{" ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u3000", "\u2003", "\u0085", "\x01", "\x1f"}
	other := []string{"x", "0", "/", "-", "é", "Ⅻ", "İ", "ı", "K", "\x7f", "~", "!"}
	for _, tokens := range [][]string{
		{"N/A", "NULL", "0000-00-00"}, // shaped
		{"KHONG CO", "-"},             // shaped, a space inside
		{},                            // blank only
		{"nil", "N/A"},                // i: the regex alone
		{"không", "N/A"},              // outside ASCII: the regex alone
		{"ABCDEFG"},                   // 128 cases: the regex alone
	} {
		var pool []string // the tokens and what values are made of
		pool = append(pool, tokens...)
		pool = append(pool, "n/a", "Null", "nULL", "0000-00-0", "NUL", "N/A/")
		_, err := conn.ExecContext(ctx, "DELETE FROM miss")
		require.NoError(t, err)
		var ph []string
		var args []any
		for i := 0; i < 600; i++ {
			var b strings.Builder
			for n := r.IntN(3); n > 0; n-- {
				b.WriteString(space[r.IntN(len(space))])
			}
			if r.IntN(5) > 0 && len(pool) > 0 {
				tok := []byte(pool[r.IntN(len(pool))])
				for k := range tok { // another case, now and then
					if r.IntN(3) == 0 {
						tok[k] = asciiUpper(tok[k])
					} else if r.IntN(3) == 0 {
						tok[k] = asciiLower(tok[k])
					}
				}
				b.Write(tok)
			}
			if r.IntN(6) == 0 {
				b.WriteString(other[r.IntN(len(other))])
			}
			for n := r.IntN(3); n > 0; n-- {
				b.WriteString(space[r.IntN(len(space))])
			}
			var v any = b.String()
			if i == 0 {
				v = nil
			}
			ph = append(ph, fmt.Sprintf("($%d, $%d, $%d)", len(args)+1, len(args)+2, len(args)+3))
			args = append(args, i, v, v)
		}
		_, err = conn.ExecContext(ctx, "INSERT INTO miss VALUES "+strings.Join(ph, ", "), args...)
		require.NoError(t, err)
		for _, col := range []string{"v", "c"} {
			got := Missing(d, col, Text, tokens)
			want := fmt.Sprintf("(%s IS NULL OR %s)", col, d.RegexFullMatch(col, `(?i)\s*(?:`+strings.Join(append([]string{""}, quoteAll(tokens)...), "|")+`)\s*`))
			_, shaped := d.MissingText(col, "", tokens)
			require.Equal(t, shaped, got != want, "%v: shaped only where MissingText says so", tokens)
			var n, missing int
			require.NoError(t, conn.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FILTER (WHERE (%s) IS DISTINCT FROM (%s)), COUNT(*) FILTER (WHERE %s) FROM miss", got, want, want)).Scan(&n, &missing))
			if n > 0 {
				var v string
				require.NoError(t, conn.QueryRowContext(ctx, fmt.Sprintf("SELECT %s FROM miss WHERE (%s) IS DISTINCT FROM (%s) LIMIT 1", col, got, want)).Scan(&v))
				t.Fatalf("%v on %s: %d values disagree with the regex, such as %q", tokens, col, n, v)
			}
			require.Greater(t, missing, 20, "%v: the values must hold missing ones", tokens)
			require.Less(t, missing, 540, "%v: and others", tokens)
		}
	}
}

func quoteAll(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = regexp.QuoteMeta(t)
	}
	return out
}

// pgTempTable is a connection to the loopback PostgreSQL holding the
// temporary table create makes, closed when the test ends.
func pgTempTable(t *testing.T, create string) *sql.Conn {
	t.Helper()
	if os.Getenv("DQ_SKIP_DB_TESTS") == "1" {
		t.Skip("DQ_SKIP_DB_TESTS=1")
	}
	ctx := context.Background()
	db, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = conn.ExecContext(ctx, create)
	require.NoError(t, err, "PostgreSQL must answer on loopback (set DQ_SKIP_DB_TESTS=1 to skip)")
	return conn
}
