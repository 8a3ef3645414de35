//go:build duckdb_arrow

package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

// not_in_set, not_regex, lists of patterns and is_null on planted values.
func TestNegationsAndListsExactCounts(t *testing.T) {
	f := newRecords(t)
	res, plan := f.records(`
- {id: no_placeholder, kind: not_in_set, column: name, values: [XXX, Test User]}
- {id: no_x, kind: not_in_set, column: gender, values: [X]}
- {id: gender_exact, kind: in_set, column: gender, values: [M, F]}
- {id: no_test_name, kind: not_regex, column: name, pattern: '^(Test|XXX)'}
- {id: no_digits_or_x, kind: not_regex, column: name, patterns: ['[0-9]', '^X+$']}
- {id: not_both, kind: not_regex, column: name, patterns: ['^T', 'User$'], match: all}
- {id: family_any, kind: regex, column: name, patterns: ['^Nguyễn', '^Trần'], match: any}
- {id: family_all, kind: regex, column: name, patterns: ['^P', 'Dung$'], match: all}
- {id: cmnd_retired, kind: is_null, column: old_cmnd}
- {id: cmnd_retired_mostly, kind: is_null, column: old_cmnd, mostly: 0.75}
- {id: note_retired, kind: is_null, column: note}
`)
	requireCounts(t, res, "no_placeholder", counts{8, 8, 2}, result.Fail)
	// A missing gender is not evaluated; 'f' is not X.
	requireCounts(t, res, "no_x", counts{8, 7, 0}, result.Pass)
	// Exact text: 'f' is not F, on every engine.
	requireCounts(t, res, "gender_exact", counts{8, 7, 1}, result.Fail)
	requireCounts(t, res, "no_test_name", counts{8, 8, 2}, result.Fail)
	requireCounts(t, res, "no_digits_or_x", counts{8, 8, 1}, result.Fail)
	// Only 'Test User' matches both; 'Trần Thị Bình' matches one.
	requireCounts(t, res, "not_both", counts{8, 8, 1}, result.Fail)
	requireCounts(t, res, "family_any", counts{8, 8, 6}, result.Fail)
	requireCounts(t, res, "family_all", counts{8, 8, 6}, result.Fail)
	// NULL, '' and N/A are missing: two rows hold a value.
	requireCounts(t, res, "cmnd_retired", counts{8, 8, 2}, result.Fail)
	require.Contains(t, res["cmnd_retired"].Message, "2 rows of 8 hold a value in old_cmnd")
	requireCounts(t, res, "cmnd_retired_mostly", counts{8, 8, 2}, result.Pass)
	requireCounts(t, res, "note_retired", counts{8, 8, 0}, result.Pass)
	require.Len(t, plan.SQL(), 1, "every check in the one fused scan")

	outs := plan.Run(f.ctx, f.conn, plannerOptions(5))
	ex := outcome(outs, "cmnd_retired")
	require.Equal(t, "cccd", ex.Examples.Key)
	require.ElementsMatch(t, [][]any{{"004", "123456789"}, {"006", "987654321"}}, ex.Rows)
}

// Empty lists and patterns mean nothing a check could say about the data:
// dq validate refuses them, with the key they are at.
func TestNegationEdgeCasesAreConfigErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{`- {id: a, kind: not_in_set, column: x, values: []}`, "check a.values: not_in_set needs a non-empty values: list"},
		{`- {id: a, kind: in_set, column: x}`, "check a.values: in_set needs a non-empty values: list"},
		{`- {id: a, kind: regex, column: x, pattern: ''}`, "check a.pattern: regex needs pattern: (or patterns: with match: any or all); an empty pattern matches every value"},
		{`- {id: a, kind: not_regex, column: x, patterns: []}`, "check a.patterns: patterns: is an empty list"},
		{`- {id: a, kind: not_regex, column: x, patterns: ['^a', '']}`, "check a.patterns: an empty pattern matches every value"},
		{`- {id: a, kind: regex, column: x, pattern: '^a', patterns: ['^b']}`, "give pattern: or patterns:, not both"},
		{`- {id: a, kind: regex, column: x, patterns: ['^a'], match: some}`, "check a.match: match must be any or all"},
		{`- {id: a, kind: regex, column: x, pattern: '^a', match: all}`, "match: goes with a list of patterns:"},
		{`- {id: a, kind: not_regex, column: x, patterns: ['(']}`, "check a.patterns: invalid pattern"},
		{`- {id: a, kind: is_null, columns: [x, y]}`, "is_null checks one column:"},
	} {
		require.Contains(t, initError(t, c.yaml), c.want, c.yaml)
	}
}
