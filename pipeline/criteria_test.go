//go:build duckdb_arrow

package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/scorecard"
)

// The checks of "thống nhất" and "dùng chung" that need the run itself:
// the time an API took to answer, the columns of the run before, a
// national key counted in the source, and groups per commune.

// checksByID indexes a dataset's checks.
func checksByID(d *scorecard.Dataset) map[string]*scorecard.Check {
	m := map[string]*scorecard.Check{}
	for _, c := range d.Checks {
		m[c.ID] = c
	}
	return m
}

// runAt prepares, runs and publishes a config at a fixed clock.
func runAt(t *testing.T, cfgYAML string, now time.Time) *Outcome {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(cfgYAML), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	out, err := Run(context.Background(), p, Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	_, err = Publish(context.Background(), p, out, nil)
	require.NoError(t, err)
	return out
}

// An API that answers late breaks its declared answer time; one whose
// newest record is older than its declared update frequency breaks that.
func TestReachableMeasuresALateAPI(t *testing.T) {
	now := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		updated := now.Add(-time.Hour)
		if r.URL.Path == "/late" {
			time.Sleep(2500 * time.Millisecond)
			updated = now.Add(-72 * time.Hour)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode([]map[string]any{
			{"id": 1, "updated_at": updated.Add(-time.Hour).Format(time.RFC3339)},
			{"id": 2, "updated_at": updated.Format(time.RFC3339)},
		})
	}))
	t.Cleanup(api.Close)
	cfgYAML := `
output: {dir: ` + filepath.Join(t.TempDir(), "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {api: {kind: http, http: {base_url: "` + api.URL + `"}}}
datasets:
  - id: prompt
    ministry: M
    source: api
    http: {path: prompt, schema: {id: int64, updated_at: timestamp}}
    checks: [{id: service, kind: reachable, max_seconds: 2, every: 24h, column: updated_at}]
  - id: late
    ministry: M
    source: api
    http: {path: late, schema: {id: int64, updated_at: timestamp}}
    checks: [{id: service, kind: reachable, max_seconds: 2, every: 24h, column: updated_at}]
`
	out := runAt(t, cfgYAML, now)
	prompt := checksByID(out.Cards[0].Datasets[0])["service"]
	require.Equal(t, scorecard.Pass, prompt.Status, prompt.Message)
	// Two seconds of slack for a loaded machine; the late API takes 2.5.
	require.Less(t, *prompt.Value, 2.0)
	require.Equal(t, "shared", prompt.Dimension)
	require.InDelta(t, 1.0, prompt.Details["age_hours"], 1e-9)

	late := checksByID(out.Cards[0].Datasets[1])["service"]
	require.Equal(t, scorecard.Fail, late.Status)
	require.GreaterOrEqual(t, *late.Value, 2.5, "the run timed the whole read")
	require.InDelta(t, 72.0, late.Details["age_hours"], 1e-9)
	require.Regexp(t, `^reading it took [0-9]+\.[0-9]s \(declared at most 2s\); the newest updated_at is 72h0m0s old \(declared every 24h0m0s\)$`, late.Message)
}

// A column renamed between two runs breaks the schema's consumers; the
// run after that compares with the new schema.
func TestSchemaStableAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	// JSON lines, as CSV columns are read as text and cannot change type.
	file := filepath.Join(dir, "people.jsonl")
	cfgYAML := `
output: {dir: ` + filepath.Join(dir, "out") + `}
ministries: [{id: M, name: M}]
sources: {files: {kind: file, root: ` + dir + `}}
datasets:
  - {id: people, ministry: M, source: files, path: people.jsonl, checks: [{id: stable, kind: schema_stable}]}
`
	clock := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	run := func(content string) *scorecard.Check {
		require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
		clock = clock.Add(24 * time.Hour)
		return checksByID(runAt(t, cfgYAML, clock).Cards[0].Datasets[0])["stable"]
	}
	first := run(`{"id": 1, "name": "An", "code": "A"}` + "\n")
	require.Equal(t, scorecard.Pass, first.Status)
	require.Equal(t, false, first.Details["judged"])
	same := run(`{"id": 2, "name": "Bình", "code": "B"}` + "\n")
	require.Equal(t, scorecard.Pass, same.Status)
	require.Equal(t, true, same.Details["judged"])

	changed := run(`{"id": 3, "full_name": "Cường", "code": 7, "phone": "0912345678"}` + "\n")
	require.Equal(t, scorecard.Fail, changed.Status)
	require.Equal(t, 2.0, *changed.Value)
	require.Equal(t, []string{"name → full_name"}, changed.Details["renamed"])
	require.Equal(t, []string{"code: VARCHAR → BIGINT"}, changed.Details["retyped"])
	require.Equal(t, []string{"phone"}, changed.Details["added"])

	again := run(`{"id": 4, "full_name": "Dung", "code": 8, "phone": "0912345679"}` + "\n")
	require.Equal(t, scorecard.Pass, again.Status, again.Message)
}

// nationalKeys is the table of checks' TestNationalKeyExactCounts, as
// rows for a server.
const nationalKeys = `(1, '001099012345', '0100233488', '00004', '01'),
 (2, '123456789', '0100233489', '00001', '02'),
 (3, NULL, NULL, NULL, NULL),
 (4, 'N/A', '', '  ', 'N/A'),
 (5, '079185000001', '0314409058-002', '99999', '99'),
 (6, 'abc', '0312687878-001', '00008', '24')`

// national_key counts the same in PostgreSQL and MariaDB as in the
// embedded engine, whether it runs in the source or on an extract.
func TestNationalKeyInSourceIntegration(t *testing.T) {
	for server, s := range inSourceServers(t) {
		t.Run(server, func(t *testing.T) {
			ctx := context.Background()
			_, err := s.db.ExecContext(ctx, "CREATE TABLE "+s.table+" (id INTEGER, cccd VARCHAR(20) NULL, mst VARCHAR(20) NULL, commune VARCHAR(10) NULL, province VARCHAR(5) NULL)")
			require.NoError(t, err)
			_, err = s.db.ExecContext(ctx, "INSERT INTO "+s.table+" VALUES "+nationalKeys)
			require.NoError(t, err)
			for _, engine := range []string{config.EngineSource, config.EngineDuckDB} {
				d := runYAML(t, eventsYAML(t, s, `    engine: `+engine+`
    checks:
      - {id: person, kind: national_key, column: cccd, validator: cccd}
      - {id: enterprise, kind: national_key, column: mst, validator: mst}
      - {id: place, kind: national_key, column: commune, validator: admin_unit}
      - {id: province, kind: national_key, column: province, validator: province_2025}
      - {id: service, kind: reachable, max_seconds: 60}
      - {id: stable, kind: schema_stable}
`)).Cards[0].Datasets[0]
				require.Empty(t, d.Error, engine)
				got := checksByID(d)
				for id, want := range map[string][2]int64{"person": {6, 4}, "enterprise": {6, 3}, "place": {6, 4}, "province": {6, 4}} {
					c := got[id]
					require.Equal(t, scorecard.Fail, c.Status, "%s %s: %s", engine, id, c.Message)
					require.Equal(t, want, [2]int64{*c.Evaluated, *c.Failed}, "%s %s", engine, id)
				}
				require.EqualValues(t, 1, got["person"].Details["cmnd"], engine)
				require.EqualValues(t, 1, got["place"].Details["stale_pre2025"], engine)
				require.EqualValues(t, 1, got["province"].Details["stale_pre2025"], engine)
				require.Equal(t, scorecard.Pass, got["service"].Status, "%s: %s", engine, got["service"].Message)
				require.Greater(t, *got["service"].Value, 0.0, "the session's opening or the extract is timed")
				require.Equal(t, scorecard.Pass, got["stable"].Status, engine)
				require.Len(t, got["stable"].Details["columns"], 5, engine)
			}
		})
	}
}

// A dataset that carries commune codes is scored per commune with
// group_by: labels in clear when the codes are not personal (mask: none),
// each group counted on its own.
func TestGroupsPerCommune(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,cccd,commune_code\n")
	// Three communes: 00004 with 3 records (one without a CCCD), 00008
	// with 2 (both valid), 00001 (retired in 2025) with 1.
	for i, r := range []struct{ cccd, commune string }{
		{"001099012345", "00004"}, {"", "00004"}, {"079185000001", "00004"},
		{"079185000002", "00008"}, {"079185000003", "00008"}, {"079185000004", "00001"},
	} {
		fmt.Fprintf(&b, "%d,%s,%s\n", i+1, r.cccd, r.commune)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "households.csv"), []byte(b.String()), 0o644))
	cfgYAML := `
output: {dir: ` + filepath.Join(dir, "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {files: {kind: file, root: ` + dir + `}}
datasets:
  - id: households
    ministry: M
    source: files
    path: households.csv
    key: id
    group_by: commune_code
    mask: {commune_code: none}
    checks:
      - {id: keyed, kind: national_key, column: cccd, validator: cccd}
      - {id: place, kind: national_key, column: commune_code, validator: admin_unit}
`
	d := runAt(t, cfgYAML, time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)).Cards[0].Datasets[0]
	require.Empty(t, d.Groups.Error)
	type counts struct {
		rows          int64
		keyed, placed int64 // failed
	}
	got := map[string]counts{}
	for _, g := range d.Groups.Values {
		c := counts{rows: g.Rows}
		for _, gc := range g.Checks {
			switch gc.ID {
			case "keyed":
				c.keyed = *gc.Failed
			case "place":
				c.placed = *gc.Failed
			}
		}
		got[g.Value] = c
	}
	require.Equal(t, map[string]counts{
		"00001": {rows: 1, keyed: 0, placed: 1},
		"00004": {rows: 3, keyed: 1, placed: 0},
		"00008": {rows: 2, keyed: 0, placed: 0},
	}, got)
}

// The shared lists shipped with dq name a code retired on 1 July 2025
// with its successor, from the reform's mappings (ward_mapping_2025.csv,
// provinces_pre2025.csv); a list of the config's own names its own.
func TestSharedListsNameSuccessors(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "places.csv"), []byte(`id,province,commune,hospital
1,01,00004,H1
2,02,00001,H9
3,27,00007,H9
4,27,00001,H2
5,99,99999,
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hospitals.csv"), []byte("code\nH1\nH2\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hospitals_retired.csv"), []byte("old,new\nH9,H1\n"), 0o644))
	cfgYAML := `
output: {dir: ` + filepath.Join(dir, "out") + `}
history: {off: true}
ministries: [{id: M, name: M}]
sources: {files: {kind: file, root: ` + dir + `}}
references:
  hospitals: {file: ` + filepath.Join(dir, "hospitals.csv") + `, column: code, retired: {file: ` + filepath.Join(dir, "hospitals_retired.csv") + `, column: old, successor: new}}
datasets:
  - id: places
    ministry: M
    source: files
    path: places.csv
    key: id
    mask: {province: none, commune: none, hospital: none}
    checks:
      - {id: province, kind: references, column: province, reference: provinces_2025}
      - {id: commune, kind: references, column: commune, reference: admin_units_2025}
      - {id: hospital, kind: references, column: hospital, reference: hospitals}
`
	got := checksByID(runAt(t, cfgYAML, time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)).Cards[0].Datasets[0])
	for id, want := range map[string]struct {
		failed, stale int64
		successors    []string
	}{
		"province": {4, 3, []string{"27 → 24", "02 → 08"}},
		"commune":  {4, 3, []string{"00001 → 00097", "00007 → 00008, 00025"}},
		"hospital": {2, 2, []string{"H9 → H1"}},
	} {
		c := got[id]
		require.Equal(t, "unified", c.Dimension, id)
		require.Equal(t, want.failed, *c.Failed, id)
		require.EqualValues(t, want.stale, c.Details["stale"], id)
		require.EqualValues(t, want.failed-want.stale, c.Details["unknown"], id)
		require.Equal(t, want.successors, c.Details["successors"], id)
	}
	var shown []string
	for _, e := range got["commune"].Examples {
		shown = append(shown, e.Value)
	}
	require.ElementsMatch(t, []string{"00001 → 00097", "00007 → 00008 (split 2 ways)", "00001 → 00097", "99999"}, shown)
}
