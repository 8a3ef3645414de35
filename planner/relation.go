package planner

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/sqltext"
)

// relation is the name every query of the plan reads from: a CTE over
// the dataset's table that adds the shared predicates as columns.
const relation = "_dq"

// predRef is a reference to a shared predicate's column, which another
// shared predicate may hold (a validator's parts test its structure).
var predRef = regexp.MustCompile(`\b_dq_p(\d+)\b`)

// with prefixes a query with the CTE defining relation, first (columns
// of the table's own, such as rowid) and the shared predicates query
// reads: a SELECT that computes no column the query reads still costs
// PostgreSQL a step per row.
func (p *Plan) with(query string, first ...string) string {
	return fmt.Sprintf("WITH %s AS %s(%s)\n%s", relation, p.ds.Dialect.InlineCTE(), p.relationSQL(p.read(query), first...), query)
}

// read is which shared predicates query reads, with the ones those read.
func (p *Plan) read(query string) map[int]bool {
	read := map[int]bool{}
	var visit func(text string)
	visit = func(text string) {
		for _, m := range predRef.FindAllStringSubmatch(text, -1) {
			if i, _ := strconv.Atoi(m[1]); i < len(p.preds) && !read[i] {
				read[i] = true
				visit(p.preds[i])
			}
		}
	}
	visit(query)
	return read
}

// relationSQL is the body of relation's CTE: the dataset's rows, then
// first, then the shared predicates read (nil: all). A predicate reading
// another is computed a SELECT above it, each SELECT fenced as the
// dialect's ComputeOnce says, so that every predicate is computed once
// per row; where no fence holds, the predicates read are written out and
// all sit in one SELECT (the shape ClickHouse's session rewrites).
func (p *Plan) relationSQL(read map[int]bool, first ...string) string {
	once, _ := p.ds.Dialect.ComputeOnce()
	preds, levels := p.relationLevels()
	if read != nil {
		var kept [][]int
		for _, level := range levels {
			var in []int
			for _, i := range level {
				if read[i] {
					in = append(in, i)
				}
			}
			if len(in) > 0 {
				kept = append(kept, in)
			}
		}
		levels = kept
	}
	if len(levels) == 0 {
		preds = nil
	}
	from := p.ds.Table
	var b strings.Builder
	for l := 0; l == 0 || l < len(levels); l++ {
		var cols []string
		if l == 0 {
			cols = append(cols, first...)
		}
		if l < len(levels) {
			for _, i := range levels[l] {
				cols = append(cols, fmt.Sprintf("%s AS _dq_p%d", preds[i], i))
			}
		}
		b.Reset()
		if len(cols) > 0 && len(preds) > 0 {
			b.WriteString(once)
		}
		b.WriteString("SELECT *")
		for _, c := range cols {
			b.WriteString(", " + c)
		}
		b.WriteString(" FROM " + from)
		if l+1 < len(levels) {
			from = fmt.Sprintf("(%s) AS _dq_l%d", b.String(), l)
		}
	}
	return b.String()
}

// relationLevels are the shared predicates as the relation computes them
// and their levels: worked out once for every query of the plan, as the
// checks add no predicate after New.
func (p *Plan) relationLevels() ([]string, [][]int) {
	if p.rel != nil && p.rel.of == len(p.preds) {
		return p.rel.preds, p.rel.levels
	}
	d := p.ds.Dialect
	r := &relationShape{of: len(p.preds), preds: p.preds}
	if _, fenced := d.ComputeOnce(); fenced {
		r.levels = exprLevels(r.preds, predRef)
	} else {
		r.preds = writtenOut(sqltext.Of(d.Name()), r.preds)
		if len(r.preds) > 0 {
			r.levels = [][]int{make([]int, len(r.preds))}
			for i := range r.preds {
				r.levels[0][i] = i
			}
		}
	}
	p.rel = r
	return r.preds, r.levels
}

// relationShape is relationLevels' answer for the plan's first of preds.
type relationShape struct {
	of     int
	preds  []string
	levels [][]int
}

// exprLevels orders expressions into levels: each after the ones it
// reads (which come before it, as they are numbered in order).
func exprLevels(exprs []string, ref *regexp.Regexp) [][]int {
	var levels [][]int
	depth := make([]int, len(exprs))
	for i, e := range exprs {
		for _, m := range ref.FindAllStringSubmatch(e, -1) {
			if j, _ := strconv.Atoi(m[1]); j < i {
				depth[i] = max(depth[i], depth[j]+1)
			}
		}
		for len(levels) <= depth[i] {
			levels = append(levels, nil)
		}
		levels[depth[i]] = append(levels[depth[i]], i)
	}
	return levels
}

// writtenOut is preds with every reference to an earlier predicate
// replaced by that predicate, itself written out. Only references outside
// literals and quoted names, as syn reads them, count: a pattern or a
// column name may hold "_dq_p0" as text.
func writtenOut(syn sqltext.Syntax, preds []string) []string {
	out := make([]string, len(preds))
	for i, e := range preds {
		refs := predRef.FindAllStringIndex(e, -1)
		if len(refs) == 0 {
			out[i] = e // most: no walk of a long IN list
			continue
		}
		code := map[int]bool{}
		next := 0
		syn.Code(e, func(at int) bool {
			for next < len(refs) && refs[next][0] < at {
				next++
			}
			if next < len(refs) && refs[next][0] == at {
				code[at] = true
			}
			return next < len(refs)
		})
		var b strings.Builder
		last := 0
		for _, at := range refs {
			j, _ := strconv.Atoi(e[at[0]+len("_dq_p") : at[1]])
			if j >= i || !code[at[0]] {
				continue
			}
			b.WriteString(e[last:at[0]])
			b.WriteString("(" + out[j] + ")")
			last = at[1]
		}
		b.WriteString(e[last:])
		out[i] = b.String()
	}
	return out
}
