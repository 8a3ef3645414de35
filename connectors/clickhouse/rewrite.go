package clickhouse

import (
	"errors"
	"strings"

	"github.com/vn-registries/dq/sqltext"
)

// rewrite turns the portable SQL the planner and the check kinds write
// into SQL that ClickHouse 18.16 reads with the same meaning. Each step
// is one thing 18.16 lacks or gets wrong:
//   - WITH name AS (body) query: 18.16's WITH names expressions only, so
//     each FROM of the relation reads its table itself (see flatten), or,
//     for a relation that is not a filtered table (a query:, a rows
//     sample), each FROM or JOIN of name becomes "(body) AS name";
//   - TRUE and FALSE are unknown: 1 and 0, the values comparisons yield;
//   - GROUP BY 1 groups by the constant 1: the planner's positional group
//     becomes the name of that first column, _dq_group;
//   - CASE x WHEN a THEN … (a simple CASE) without a non-NULL ELSE yields
//     NULL on every row in 18.16, a wrong answer: it becomes the searched
//     CASE WHEN (x) = a THEN …;
//   - TRIM(x) is unknown: the spaces at both ends removed by a regex
//     (SQL's TRIM removes spaces only, as here).
func rewrite(q string, f *flat) (string, error) {
	if fq, ok := flatten(q, f); ok {
		q = fq
	} else {
		var err error
		if q, err = inlineRelation(q); err != nil {
			return "", err
		}
	}
	q = booleans(q)
	if strings.Contains(q, " AS _dq_group") {
		q = replaceWords(q, []string{"GROUP", "BY", "1"}, "GROUP BY _dq_group")
	}
	q = trims(q)
	return simpleCase(q)
}

// token is a word, a quoted text, or one other byte of a query.
type token struct {
	at, end int
	word    bool
}

// tokens splits q, skipping white space; quotes are one token each (a
// backslash escapes in them, as ClickHouse reads it).
func tokens(q string) []token {
	var out []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"' || c == '`':
			j := skipQuote(q, i)
			out = append(out, token{at: i, end: j})
			i = j
		case isWord(c) || isDigit(c):
			j := i
			for j < len(q) && (isWord(q[j]) || isDigit(q[j])) {
				j++
			}
			out = append(out, token{at: i, end: j, word: true})
			i = j
		default:
			out = append(out, token{at: i, end: i + 1})
			i++
		}
	}
	return out
}

func isWord(c byte) bool  { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (t token) is(q, w string) bool { return t.word && strings.EqualFold(q[t.at:t.end], w) }

// qualified reports whether the word at t is part of a dotted name.
func (t token) qualified(q string) bool {
	return (t.at > 0 && q[t.at-1] == '.') || (t.end < len(q) && q[t.end] == '.')
}

// edit is a replacement of q[at:end].
type edit struct {
	at, end int
	with    string
}

func apply(q string, edits []edit) string {
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(q[last:e.at])
		b.WriteString(e.with)
		last = e.end
	}
	b.WriteString(q[last:])
	return b.String()
}

// inlineRelation: see rewrite. A query without the planner's WITH is
// returned as it is.
func inlineRelation(q string) (string, error) {
	rest, ok := strings.CutPrefix(q, "WITH ")
	if !ok {
		return q, nil
	}
	sp := strings.Index(rest, " AS (")
	if sp <= 0 {
		return q, nil
	}
	name := rest[:sp]
	open := len("WITH ") + sp + len(" AS ")
	end := closing(q, open)
	if end < 0 {
		return "", errors.New("the query's WITH clause is not closed")
	}
	body := q[open : end+1]
	tail := strings.TrimLeft(q[end+1:], "\n")
	toks := tokens(tail)
	var edits []edit
	for i, t := range toks {
		if !t.word || tail[t.at:t.end] != name || i == 0 || t.qualified(tail) {
			continue
		}
		if !toks[i-1].is(tail, "FROM") && !toks[i-1].is(tail, "JOIN") {
			continue
		}
		with := body + " AS " + name
		if i+1 < len(toks) && toks[i+1].is(tail, "AS") {
			with = body
		}
		edits = append(edits, edit{t.at, t.end, with})
	}
	return apply(tail, edits), nil
}

// booleans: see rewrite.
func booleans(q string) string {
	var edits []edit
	for _, t := range tokens(q) {
		switch {
		case t.qualified(q):
		case t.is(q, "TRUE"):
			edits = append(edits, edit{t.at, t.end, "1"})
		case t.is(q, "FALSE"):
			edits = append(edits, edit{t.at, t.end, "0"})
		}
	}
	return apply(q, edits)
}

// replaceWords replaces each run of the words seq (case-insensitive,
// outside quotes) with with.
func replaceWords(q string, seq []string, with string) string {
	toks := tokens(q)
	var edits []edit
	for i := 0; i+len(seq) <= len(toks); i++ {
		match := true
		for j, w := range seq {
			if !toks[i+j].is(q, w) {
				match = false
				break
			}
		}
		if match {
			edits = append(edits, edit{toks[i].at, toks[i+len(seq)-1].end, with})
			i += len(seq) - 1
		}
	}
	return apply(q, edits)
}

// trims: see rewrite. TRIM( … ) becomes replaceRegexpAll( … , '^ +| +$', ”).
func trims(q string) string {
	toks := tokens(q)
	var edits []edit
	for i, t := range toks {
		if !t.is(q, "TRIM") || t.qualified(q) || i+1 == len(toks) || q[toks[i+1].at] != '(' {
			continue
		}
		end := closing(q, toks[i+1].at)
		if end < 0 {
			continue
		}
		edits = append(edits, edit{t.at, t.end, "replaceRegexpAll"}, edit{end, end, `, '^ +| +$', ''`})
	}
	// Edits must be in order of position.
	sortEdits(edits)
	return apply(q, edits)
}

// sortEdits orders edits by position, an insertion before a replacement
// at the same place.
func sortEdits(e []edit) {
	before := func(a, b edit) bool { return a.at < b.at || (a.at == b.at && a.end == a.at && b.end > b.at) }
	for i := 1; i < len(e); i++ {
		for j := i; j > 0 && before(e[j], e[j-1]); j-- {
			e[j], e[j-1] = e[j-1], e[j]
		}
	}
}

// simpleCase: see rewrite. The subject is repeated in each WHEN; nested
// CASEs and parentheses are skipped over.
func simpleCase(q string) (string, error) {
	for guard := 0; guard < 1000; guard++ {
		toks := tokens(q)
		found := false
		for i, t := range toks {
			if !t.is(q, "CASE") || t.qualified(q) || i+1 == len(toks) || toks[i+1].is(q, "WHEN") {
				continue
			}
			// The subject runs to the first WHEN at this CASE's depth.
			depth, k := 0, i+1
			for ; k < len(toks); k++ {
				c := q[toks[k].at]
				switch {
				case c == '(':
					depth++
				case c == ')':
					depth--
				case depth == 0 && toks[k].is(q, "CASE"):
					depth += 1000 // a nested CASE in the subject: not rewritten
				case depth >= 1000 && toks[k].is(q, "END"):
					depth -= 1000
				}
				if depth == 0 && toks[k].is(q, "WHEN") {
					break
				}
			}
			if k == len(toks) {
				return "", errors.New("a CASE without WHEN")
			}
			subject := strings.TrimSpace(q[toks[i+1].at:toks[k].at])
			edits := []edit{{toks[i+1].at, toks[k].at, ""}}
			// Each WHEN of this CASE, to its END.
			depth = 0
			for m := k; m < len(toks); m++ {
				c := q[toks[m].at]
				switch {
				case c == '(':
					depth++
				case c == ')':
					depth--
				case toks[m].is(q, "CASE"):
					depth++
				case toks[m].is(q, "END") && depth > 0:
					depth--
				case toks[m].is(q, "END"):
					m = len(toks)
				case depth == 0 && toks[m].is(q, "WHEN"):
					edits = append(edits, edit{toks[m].end, toks[m].end, " (" + subject + ") ="})
				}
			}
			q = apply(q, edits)
			found = true
			break
		}
		if !found {
			return q, nil
		}
	}
	return "", errors.New("too many CASE expressions")
}

// closing is the index of the parenthesis closing the one at q[open],
// quotes skipped, or -1.
func closing(q string, open int) int {
	depth := 0
	for i := open; i < len(q); {
		switch q[i] {
		case '\'', '"', '`':
			i = skipQuote(q, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

// skipQuote returns the index after the quote closing the one at s[i]; a
// backslash escapes, as ClickHouse reads it.
func skipQuote(s string, i int) int {
	if end := sqltext.ClickHouse.QuoteEnd(s, i); end >= 0 {
		return end
	}
	return len(s)
}

// flat is a session's relation read straight from its table: base (a
// quoted table name) and filter (the where: and sample: predicates, or
// ""), which together are the rows of rel, the session's Relation.
type flat struct {
	rel, base, filter string
}

// flatten rewrites the planner's "WITH _dq AS (SELECT *, P0 AS _dq_p0, …
// FROM rel) query" so that each SELECT reading _dq reads the table
// itself: FROM base AS _dq, the filter added to its WHERE, and each
// shared predicate _dq_pN written out where it is used (ClickHouse
// computes an expression repeated in a query once). A Distributed table
// then aggregates on its shards: read through a subquery, 18.16 first
// ships the shards' rows to the server that was asked (measured: the
// fused scan twice as slow on two shards). ok is false when q is not of
// that shape; rewrite then inlines the relation as a subquery.
func flatten(q string, f *flat) (string, bool) {
	if f == nil || f.base == "" {
		return "", false
	}
	prefix := "WITH _dq AS (SELECT *"
	if !strings.HasPrefix(q, prefix) {
		return "", false
	}
	open := len("WITH _dq AS ")
	end := closing(q, open)
	if end < 0 {
		return "", false
	}
	middle, ok := strings.CutSuffix(q[len(prefix):end], " FROM "+f.rel)
	if !ok {
		return "", false
	}
	preds := map[string]string{}
	for _, part := range splitTop(middle) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.LastIndex(part, " AS ")
		if i < 0 || !strings.HasPrefix(part[i+4:], "_dq_p") {
			return "", false
		}
		preds[part[i+4:]] = "(" + part[:i] + ")"
	}
	tail := strings.TrimLeft(q[end+1:], "\n")
	toks := tokens(tail)
	var edits []edit
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.word || t.qualified(tail) {
			continue
		}
		w := tail[t.at:t.end]
		if p, ok := preds[w]; ok {
			edits = append(edits, edit{t.at, t.end, p})
			continue
		}
		if w != "_dq" || i == 0 || !toks[i-1].is(tail, "FROM") {
			continue
		}
		if i+1 < len(toks) && (toks[i+1].is(tail, "AS") || toks[i+1].is(tail, "JOIN") || q[toks[i+1].at] == ',') {
			return "", false // an alias or a join: not the planner's shapes
		}
		edits = append(edits, edit{t.at, t.end, f.base + " AS _dq"})
		if f.filter == "" {
			continue
		}
		if i+1 < len(toks) && toks[i+1].is(tail, "WHERE") {
			w := toks[i+1]
			edits = append(edits, edit{w.end, w.end, " (" + f.filter + ") AND ("})
			at := clauseEnd(tail, toks, i+2)
			close := ")"
			if at < len(tail) && tail[at] != ')' {
				close = ") "
			}
			edits = append(edits, edit{at, at, close})
			i++
			continue
		}
		edits = append(edits, edit{t.end, t.end, " WHERE (" + f.filter + ")"})
	}
	sortEdits(edits)
	return apply(tail, edits), true
}

// clauseEnd is where a WHERE clause whose first token is toks[from]
// ends: before the next GROUP, HAVING, ORDER, LIMIT, SETTINGS, FORMAT or
// UNION at its depth, before the parenthesis closing its SELECT, or at
// the end.
func clauseEnd(q string, toks []token, from int) int {
	depth := 0
	for k := from; k < len(toks); k++ {
		t := toks[k]
		switch c := q[t.at]; {
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return t.at
			}
			depth--
		case depth == 0 && t.word:
			for _, kw := range []string{"GROUP", "HAVING", "ORDER", "LIMIT", "SETTINGS", "FORMAT", "UNION"} {
				if t.is(q, kw) {
					return t.at
				}
			}
		}
	}
	return len(q)
}

// splitTop splits s at the commas outside parentheses and quotes.
func splitTop(s string) []string {
	var out []string
	depth, last := 0, 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '\'', '"', '`':
			i = skipQuote(s, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[last:i])
				last = i + 1
			}
		}
		i++
	}
	return append(out, s[last:])
}
