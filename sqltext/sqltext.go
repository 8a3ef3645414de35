// Package sqltext reads the SQL a config holds as text (a dataset's
// where: and query:, a check's where:) the way the engine that runs it
// tokenizes it, and refuses what can never belong to the one read dq
// builds around it: a second statement, a quote or comment left open
// (it would swallow the SQL that follows), and on MySQL and MariaDB
// SELECT … INTO, which writes a file or variables on the server even
// inside a read-only transaction.
//
// It speaks early, at `dq validate`, with the field and its line. It is
// not the only guard: the database connectors send config text only
// through protocol paths that run a single statement, inside read-only
// transactions, so a text this lexer misreads still cannot write.
package sqltext

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotOneRead is wrapped by every refusal.
var ErrNotOneRead = errors.New("not part of one read-only statement")

// Syntax is how an engine's lexer reads quotes and comments.
type Syntax struct {
	name string
	// escapes lists the quote characters inside which a backslash
	// escapes the next character.
	escapes string
	// eStrings: E'…' strings take backslash escapes (PostgreSQL, DuckDB).
	eStrings bool
	// dollar: $tag$ … $tag$ strings (PostgreSQL, DuckDB).
	dollar bool
	// nested: block comments nest (PostgreSQL, DuckDB).
	nested bool
	// lineEnds end a -- (or #) comment.
	lineEnds string
	// dashSpace: -- starts a comment only before a space or a control
	// character, so 1--1 is arithmetic (MySQL, MariaDB).
	dashSpace bool
	// hash: # starts a comment (MySQL, MariaDB).
	hash bool
	// backtick: `…` quotes identifiers (MySQL, MariaDB).
	backtick bool
	// versioned: /*! … */ and /*M! … */ hold SQL the server runs.
	versioned bool
	// into: SELECT … INTO is refused.
	into bool
	// modes are server settings that change how quotes read: a text is
	// refused when a separator or INTO shows under any of them.
	modes []mode
}

// mode is a reading of the same syntax under a server setting.
type mode struct {
	name    string
	escapes string
}

var (
	// Postgres reads as PostgreSQL with standard_conforming_strings on
	// (its default since 9.1).
	Postgres = Syntax{name: "postgres", eStrings: true, dollar: true, nested: true, lineEnds: "\n\r"}
	// DuckDB is PostgreSQL's lexer (DuckDB's parser derives from it).
	DuckDB = Syntax{name: "duckdb", eStrings: true, dollar: true, nested: true, lineEnds: "\n\r"}
	// MySQL reads as MySQL 8 and MariaDB with the default sql_mode:
	// backslash escapes in '…' and "…" strings. The server's sql_mode
	// may say otherwise (NO_BACKSLASH_ESCAPES, ANSI_QUOTES), so a
	// separator or INTO is looked for under those readings too.
	MySQL = Syntax{name: "mysql", escapes: `'"`, lineEnds: "\n", dashSpace: true, hash: true,
		backtick: true, versioned: true, into: true,
		modes: []mode{{"sql_mode ANSI_QUOTES", `'`}, {"sql_mode NO_BACKSLASH_ESCAPES", ""}}}
	// ClickHouse reads as ClickHouse 18.16 and later: backslash escapes
	// in '…', "…" and `…`, -- comments to the end of the line, block
	// comments that do not nest. INTO OUTFILE is the command-line
	// client's, never run by the server.
	ClickHouse = Syntax{name: "clickhouse", escapes: "'\"`", lineEnds: "\n", backtick: true}
)

// Of is the syntax of a dialect by its name (dialect.Dialect's Name):
// postgres, mysql, clickhouse; anything else is DuckDB, where dq runs SQL itself.
func Of(dialect string) Syntax {
	switch dialect {
	case "postgres":
		return Postgres
	case "mysql":
		return MySQL
	case "clickhouse":
		return ClickHouse
	}
	return DuckDB
}

// Fragment checks a text that dq puts inside a statement (a filter): no
// statement separator anywhere, nothing left open, and no INTO where the
// syntax refuses it.
func Fragment(s Syntax, text string) error { return s.check(text, false) }

// Query checks a text that is a whole SELECT (a dataset's query:): as
// Fragment, except that it may end in semicolons, which the connectors
// drop.
func Query(s Syntax, text string) error { return s.check(text, true) }

func (s Syntax) check(text string, trailing bool) error {
	found := s.scan(text, s.escapes)
	if found.open >= 0 {
		return fmt.Errorf("%w: %s opened at %s is never closed", ErrNotOneRead, found.opener, where(text, found.open))
	}
	if err := s.refuse(text, found, trailing, ""); err != nil {
		return err
	}
	// Under another server mode a quote may end elsewhere, so only what
	// would then show outside quotes counts: an unclosed quote there is a
	// syntax error on such a server, not a way out.
	for _, m := range s.modes {
		if err := s.refuse(text, s.scan(text, m.escapes), trailing, m.name); err != nil {
			return err
		}
	}
	return nil
}

func (s Syntax) refuse(text string, f findings, trailing bool, mode string) error {
	as := ""
	if mode != "" {
		as = " (as a server with " + mode + " reads it)"
	}
	if f.sep >= 0 && !(trailing && strings.Trim(text[f.sep:], "; \t\r\n") == "") {
		return fmt.Errorf("%w: the ; at %s ends the statement, and what follows would be another one%s; give one statement's text", ErrNotOneRead, where(text, f.sep), as)
	}
	if f.into >= 0 {
		return fmt.Errorf("%w: INTO at %s would write a file or variables on the server%s; dq only reads", ErrNotOneRead, where(text, f.into), as)
	}
	return nil
}

// where names a byte offset of text for a person: the character, and the
// line when the text has several.
func where(text string, at int) string {
	line := 1 + strings.Count(text[:at], "\n")
	col := 1 + len([]rune(text[strings.LastIndexByte(text[:at], '\n')+1:at]))
	if strings.Contains(text, "\n") {
		return fmt.Sprintf("line %d, character %d", line, col)
	}
	return fmt.Sprintf("character %d", col)
}

// findings are the offsets of the first separator, INTO and unclosed
// quote or comment outside quotes and comments, -1 when none.
type findings struct {
	sep, into, open int
	opener          string
}

// scan reads text as the syntax's lexer does, with backslash escapes in
// the quote characters escapes lists.
func (s Syntax) scan(text, escapes string) findings {
	f := findings{sep: -1, into: -1, open: -1}
	n := len(text)
	// inVersioned: inside /*! … */, whose content the server runs.
	inVersioned := false
	opened := func(at int, what string) findings {
		f.open, f.opener = at, what
		return f
	}
	for i := 0; i < n; {
		c := text[i]
		switch {
		case c == ';':
			if f.sep < 0 {
				f.sep = i
			}
			i++
		case c == '\'' || c == '"' || (c == '`' && s.backtick):
			end := skipQuoted(text, i, strings.IndexByte(escapes, c) >= 0)
			if end < 0 {
				return opened(i, "a "+string(c)+" quote")
			}
			i = end
		case c == '-' && i+1 < n && text[i+1] == '-' && (!s.dashSpace || i+2 == n || text[i+2] <= ' '):
			i = skipLine(text, i, s.lineEnds)
		case c == '#' && s.hash:
			i = skipLine(text, i, s.lineEnds)
		case c == '/' && i+1 < n && text[i+1] == '*':
			if s.versioned && (strings.HasPrefix(text[i+2:], "!") || strings.HasPrefix(text[i+2:], "M!")) {
				i += 3
				if text[i-1] == 'M' {
					i++
				}
				for i < n && isDigit(text[i]) {
					i++
				}
				inVersioned = true
				continue
			}
			end := skipComment(text, i, s.nested)
			if end < 0 {
				return opened(i, "a /* comment")
			}
			i = end
		case c == '*' && inVersioned && i+1 < n && text[i+1] == '/':
			inVersioned = false
			i += 2
		case c == '$' && s.dollar:
			tag, ok := dollarTag(text[i:])
			if !ok {
				i++
				break
			}
			end := strings.Index(text[i+len(tag):], tag)
			if end < 0 {
				return opened(i, "a "+tag+" quote")
			}
			i += 2*len(tag) + end
		case isWordStart(c):
			j := i + 1
			for j < n && (isWordStart(text[j]) || isDigit(text[j]) || text[j] == '$') {
				j++
			}
			word := text[i:j]
			if s.eStrings && j < n && text[j] == '\'' && (word == "E" || word == "e") {
				end := skipQuoted(text, j, true)
				if end < 0 {
					return opened(i, "an E' quote")
				}
				j = end
			}
			// After a dot a word is a column or table name, reserved or not.
			if s.into && f.into < 0 && strings.EqualFold(word, "into") && (i == 0 || text[i-1] != '.') {
				f.into = i
			}
			i = j
		case isDigit(c):
			// A number, with its exponent and any junk the server would
			// refuse; never a $, which may open a dollar quote right after.
			for i < n && (isDigit(text[i]) || isWordStart(text[i]) || text[i] == '.') {
				i++
			}
		default:
			i++
		}
	}
	if inVersioned {
		// The server runs it to the end, so it hides nothing, but the
		// statement dq appends would land inside it.
		return opened(strings.LastIndex(text, "/*"), "a /*! comment")
	}
	return f
}

// skipQuoted returns the offset after the quote that closes the one at
// text[i], or -1. A doubled quote stands for itself; with backslash, a
// backslash escapes the next byte.
func skipQuoted(text string, i int, backslash bool) int {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(text) && text[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return -1
}

// skipLine returns the offset after the line comment at text[i].
func skipLine(text string, i int, ends string) int {
	if k := strings.IndexAny(text[i:], ends); k >= 0 {
		return i + k + 1
	}
	return len(text)
}

// skipComment returns the offset after the block comment at text[i], or -1.
func skipComment(text string, i int, nested bool) int {
	depth := 0
	for j := i; j+1 < len(text); j++ {
		switch {
		case text[j] == '/' && text[j+1] == '*' && (nested || depth == 0):
			depth++
			j++
		case text[j] == '*' && text[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// dollarTag is the $tag$ or $$ that opens a dollar-quoted string at the
// start of s. A $ that ends an identifier never gets here: words take it.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '$':
			return s[:j+1], true
		case isWordStart(c), isDigit(c) && j > 1:
		default:
			return "", false
		}
	}
	return "", false
}

// isWordStart: a letter, _ or any byte of a multi-byte UTF-8 character,
// as both lexers take them in identifiers.
func isWordStart(c byte) bool {
	return c == '_' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Code calls fn with the offset of each byte of text that the syntax's
// lexer reads as code: outside quoted strings, quoted names and comments,
// which it skips whole. fn returns false to stop. Code returns the offset
// where a quote or comment opens that text does not close, or -1: a
// prefix cut inside a literal says where the cut fell.
//
// It is for SQL dq writes or holds (the planner's expressions, a failed
// query's preview), where a parenthesis or a name inside a literal must
// not count.
func (s Syntax) Code(text string, fn func(i int) bool) (open int) {
	n := len(text)
	for i := 0; i < n; {
		c := text[i]
		end := i + 1
		switch {
		case c == '\'' || c == '"' || (c == '`' && s.backtick):
			end = skipQuoted(text, i, strings.IndexByte(s.escapes, c) >= 0)
		case (c == 'E' || c == 'e') && s.eStrings && i+1 < n && text[i+1] == '\'' && (i == 0 || !isWordStart(text[i-1]) && !isDigit(text[i-1])):
			if end = skipQuoted(text, i+1, true); end >= 0 {
				break
			}
			return i
		case c == '-' && i+1 < n && text[i+1] == '-' && (!s.dashSpace || i+2 == n || text[i+2] <= ' '),
			c == '#' && s.hash:
			end = skipLine(text, i, s.lineEnds)
		case c == '/' && i+1 < n && text[i+1] == '*':
			end = skipComment(text, i, s.nested)
		case c == '$' && s.dollar && (i == 0 || !isWordStart(text[i-1]) && !isDigit(text[i-1])):
			if tag, ok := dollarTag(text[i:]); ok {
				if k := strings.Index(text[i+len(tag):], tag); k >= 0 {
					end = i + 2*len(tag) + k
				} else {
					end = -1
				}
				break
			}
			if !fn(i) {
				return -1
			}
		default:
			if !fn(i) {
				return -1
			}
		}
		if end < 0 {
			return i
		}
		i = end
	}
	return -1
}

// QuoteEnd is the offset after the quoted string or name that opens at
// text[i], read as the syntax's lexer reads it, or -1 when text does not
// close it.
func (s Syntax) QuoteEnd(text string, i int) int {
	return skipQuoted(text, i, strings.IndexByte(s.escapes, text[i]) >= 0)
}
