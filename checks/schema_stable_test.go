//go:build duckdb_arrow

package checks_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/result"
)

// recorded is a run's details as the history gives them back: decoded
// JSON, columns as name and type.
func recorded(t *testing.T, columns string) map[string]any {
	t.Helper()
	var d map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"columns": `+columns+`}`), &d))
	return d
}

// The people table has id INTEGER, cccd VARCHAR, full_name VARCHAR, dob
// DATE, gender VARCHAR, grade VARCHAR, updated_at TIMESTAMP.
const peopleColumns = `[{"name": "id", "type": "INTEGER"}, {"name": "cccd", "type": "TEXT"}, {"name": "full_name", "type": "VARCHAR"},
 {"name": "dob", "type": "DATE"}, {"name": "gender", "type": "VARCHAR"}, {"name": "grade", "type": "VARCHAR"}, {"name": "updated_at", "type": "TIMESTAMP"}]`

func TestSchemaStableAgainstTheLastRun(t *testing.T) {
	f := newFixture(t)
	y := `- {id: stable, kind: schema_stable}`

	// First run: nothing to compare with.
	res, _ := f.run(y, planner.Options{})
	r := res["stable"]
	require.Equal(t, result.Pass, r.Status)
	require.Equal(t, false, r.Details["judged"])
	require.Nil(t, r.Value)
	require.Len(t, r.Details["columns"], 7, "recorded for the next run")
	require.Equal(t, "shared", f.built["stable"].Dimension)

	// The same columns (TEXT is VARCHAR): pass, judged.
	f.details = map[string][]map[string]any{"stable": {recorded(t, peopleColumns)}}
	res, _ = f.run(y, planner.Options{})
	r = res["stable"]
	require.Equal(t, result.Pass, r.Status, r.Message)
	require.Equal(t, true, r.Details["judged"])
	require.Equal(t, 0.0, *r.Value)

	// The last run with columns counts (the one after it recorded none):
	// name became full_name in place, grade was a number, phone is gone;
	// updated_at is new, which breaks no consumer.
	changed := `[{"name": "id", "type": "INTEGER"}, {"name": "cccd", "type": "VARCHAR"}, {"name": "name", "type": "VARCHAR"},
 {"name": "dob", "type": "DATE"}, {"name": "gender", "type": "VARCHAR"}, {"name": "grade", "type": "INTEGER"}, {"name": "phone", "type": "VARCHAR"}]`
	f.details = map[string][]map[string]any{"stable": {recorded(t, peopleColumns), recorded(t, changed), {"other": 1.0}}}
	res, _ = f.run(y, planner.Options{})
	r = res["stable"]
	require.Equal(t, result.Fail, r.Status)
	require.Equal(t, 3.0, *r.Value)
	require.Equal(t, "changes", r.Unit)
	require.Equal(t, []string{"phone"}, r.Details["removed"])
	require.Equal(t, []string{"name → full_name"}, r.Details["renamed"])
	require.Equal(t, []string{"grade: INTEGER → VARCHAR"}, r.Details["retyped"])
	require.Equal(t, []string{"updated_at"}, r.Details["added"])
	require.Equal(t, "since the last run: removed phone; renamed name → full_name; retyped grade: INTEGER → VARCHAR; added (not a defect) updated_at", r.Message)

	// Only a column added: still stable.
	fewer := `[{"name": "id", "type": "INTEGER"}, {"name": "cccd", "type": "VARCHAR"}, {"name": "full_name", "type": "VARCHAR"},
 {"name": "dob", "type": "DATE"}, {"name": "gender", "type": "VARCHAR"}, {"name": "grade", "type": "VARCHAR"}]`
	f.details = map[string][]map[string]any{"stable": {recorded(t, fewer)}}
	res, _ = f.run(y, planner.Options{})
	require.Equal(t, result.Pass, res["stable"].Status)
	require.Equal(t, []string{"updated_at"}, res["stable"].Details["added"])
}

func TestSchemaStableConfig(t *testing.T) {
	for y, want := range map[string]string{
		`{id: x, kind: schema_stable, column: a}`:   "schema_stable compares every column of the dataset; it takes no column:",
		`{id: x, kind: schema_stable, mostly: 0.9}`: "schema_stable takes no thresholds",
		`{id: x, kind: schema_stable, require: {}}`: `unknown key "require" for kind schema_stable`,
	} {
		require.ErrorContains(t, buildErr(t, "- "+y), want, y)
	}
}
