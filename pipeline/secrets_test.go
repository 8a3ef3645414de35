//go:build duckdb_arrow

package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/report"
	"github.com/vn-registries/dq/result"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// Planted personal data: a CCCD, a name, an e-mail address, a phone
// number, and a secret from the environment.
const (
	plantedCCCD   = "079123456789"
	plantedName   = "Nguyễn Văn Planted"
	plantedEmail  = "planted.person@example.vn"
	plantedPhone  = "0912345678"
	plantedSecret = "s3cr3t-folder-name"
)

var planted = []string{plantedCCCD, plantedName, plantedEmail, plantedPhone, plantedSecret}

// castExamples lists its failing examples with a cast the engine refuses
// on the first value, as a kind's example query can fail at run time.
type castExamples struct{ column string }

var _ checks.Check = (*castExamples)(nil)

func (c *castExamples) Init(spec *config.Check) error {
	c.column = spec.Column
	return nil
}

func (c *castExamples) Plan(s checks.Scope) error {
	col, err := s.Column(c.column)
	if err != nil {
		return err
	}
	s.Aggregate("COUNT(*)")
	s.Examples(checks.ExampleQuery{SQL: fmt.Sprintf("SELECT CAST(%s AS INTEGER) FROM %s", col.SQL, s.Table()), Values: []string{c.column}})
	return nil
}

func (c *castExamples) Evaluate(_ checks.Values, r *result.Check) {
	one := int64(1)
	r.Rows, r.Evaluated, r.Failed, r.PassRate = &one, &one, &one, new(0.0)
	r.Status = result.Fail
}

func init() {
	checks.Register(checks.Kind{Name: "test_cast_examples", Dimension: "correct", New: func() checks.Check { return &castExamples{} }})
}

// published is everything a run lets out: the scorecards' JSON, the pages,
// the summary and the logs.
type published struct {
	out                  *Outcome
	json, pages, summary string
	logs                 string
	datasets             map[string]*scorecard.Dataset
}

// runPublished runs cfgYAML (its sources' root is dir) and renders what
// the run publishes, with the logs at debug level.
func runPublished(t *testing.T, dir, cfgYAML string) published {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(strings.ReplaceAll(cfgYAML, "$DIR", dir)), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	out, err := Run(context.Background(), p, Options{Logger: log, Watermarks: watermark.Marks{}})
	require.NoError(t, err)
	raw, err := json.Marshal(struct {
		Index *scorecard.Index
		Cards []*scorecard.Card
	}{out.Index, out.Cards})
	require.NoError(t, err)
	pages, err := report.Render(out.Index, out.Cards)
	require.NoError(t, err)
	var html, summary strings.Builder
	for _, page := range pages {
		html.Write(page)
	}
	var sum bytes.Buffer
	out.WriteSummary(&sum, false)
	summary.Write(sum.Bytes())
	res := published{out: out, json: string(raw), pages: html.String(), summary: summary.String(), logs: logs.String(),
		datasets: map[string]*scorecard.Dataset{}}
	for _, c := range out.Cards {
		for _, d := range c.Datasets {
			res.datasets[d.ID] = d
		}
	}
	return res
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
}

// raggedCSV has a line with a column too many after DuckDB's sniffing
// sample, so the reader fails on it and quotes it.
func raggedCSV() string {
	var b strings.Builder
	b.WriteString("cccd,full_name,email\n")
	for i := range 25000 {
		fmt.Fprintf(&b, "0010990%05d,Tran Thi B,b@x.vn\n", i)
	}
	fmt.Fprintf(&b, "%s,%s,%s,%s\n", plantedCCCD, plantedName, plantedEmail, plantedPhone)
	return b.String()
}

// Errors that quote data (a reader's copy of a ragged line, a cast that
// could not convert a CCCD or a name, an example query that failed, a
// path from the environment) reach the scorecards, the pages, the
// summary and the logs scrubbed; with examples.show_pii a steward's run
// still shows them.
func TestPlantedDataStaysOutOfEveryOutput(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DQ_TEST_SECRET_DIR", plantedSecret)
	writeFile(t, dir, "ragged.csv", raggedCSV())
	writeFile(t, dir, "people.csv", fmt.Sprintf("cccd,full_name,email,phone\n%s,%s,%s,%s\n", plantedCCCD, plantedName, plantedEmail, plantedPhone))
	const cfgYAML = `ministries: [{id: MPS, name: Public Security}]
sources: {f: {kind: file, root: $DIR}}
datasets:
  - {id: ragged, ministry: MPS, source: f, path: ragged.csv, checks: [{id: n, kind: not_null, column: cccd}]}
  - {id: cast, ministry: MPS, source: f, path: people.csv, where: "CAST(cccd AS INTEGER) > 0", checks: [{id: n, kind: not_null, column: cccd}]}
  - {id: missing, ministry: MPS, source: f, path: "${DQ_TEST_SECRET_DIR}/people.csv", checks: [{id: n, kind: not_null, column: cccd}]}
  - id: people
    ministry: MPS
    source: f
    path: people.csv
    key: cccd
    checks:
      - {id: named, kind: coverage, dataset: people, on: {cccd: cccd}, where: "CAST(full_name AS INTEGER) > 0"}
      - {id: mailed, kind: test_cast_examples, column: email}
`
	res := runPublished(t, dir, cfgYAML)
	cfg, err := config.Parse("c.yaml", []byte(strings.ReplaceAll(cfgYAML, "$DIR", dir)), nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	var explained strings.Builder
	require.Error(t, Explain(context.Background(), p, &explained, nil), "the missing file cannot be planned")
	require.Contains(t, explained.String(), "${DQ_TEST_SECRET_DIR}/people.csv")
	for name, text := range map[string]string{"JSON": res.json, "pages": res.pages, "summary": res.summary, "logs": res.logs, "--explain": explained.String()} {
		for _, v := range planted {
			require.NotContains(t, text, v, "%s show %s", name, v)
		}
	}
	// The errors are there, scrubbed, not swallowed.
	require.Contains(t, res.datasets["ragged"].Error, "ragged.csv: line 25002: wrong number of fields (the header has 3)")
	require.Contains(t, res.datasets["cast"].Error, "Could not convert string '***' to INT32")
	require.Contains(t, res.datasets["missing"].Error, "${DQ_TEST_SECRET_DIR}/people.csv")
	people := res.datasets["people"].Checks
	require.Equal(t, scorecard.Error, people[0].Status)
	require.Contains(t, people[0].Message, "Could not convert string '***' to INT32")
	require.Equal(t, scorecard.Fail, people[1].Status, "a failed example query leaves the result as it is")
	require.Contains(t, people[1].Details["examples_error"], "Could not convert string '***' to INT32")
	require.Contains(t, res.logs, `"msg":"dataset failed"`)
	for _, d := range res.datasets {
		require.LessOrEqual(t, len([]rune(d.Error)), 450, d.ID)
	}

	// A steward's local run shows the data; secrets stay out all the same.
	local := runPublished(t, dir, strings.Replace(cfgYAML, "ministries:", "examples: {show_pii: true}\nministries:", 1))
	require.Contains(t, local.datasets["cast"].Error, "Could not convert string '"+plantedCCCD+"'")
	require.Contains(t, local.json, plantedName)
	require.NotContains(t, local.json, plantedSecret)
}

// A 10 MB value makes no 10 MB scorecard: in a CSV line the reader
// refuses, its error is cut; read, as a failing example, the value is.
func TestHugeValueKeepsTheScorecardSmall(t *testing.T) {
	dir := t.TempDir()
	huge := strings.Repeat("x", 10<<20)
	writeFile(t, dir, "huge.csv", "id,note\n1,"+huge+"\n2,short\n")
	writeFile(t, dir, "huge.jsonl", `{"id": "1", "note": "`+huge+`"}`+"\n"+`{"id": "2", "note": "short"}`+"\n")
	res := runPublished(t, dir, `ministries: [{id: MPS, name: Public Security}]
sources: {f: {kind: file, root: $DIR}}
datasets:
  - {id: csv, ministry: MPS, source: f, path: huge.csv, checks: [{id: short, kind: length, column: note, max: 100}]}
  - id: jsonl
    ministry: MPS
    source: f
    path: huge.jsonl
    key: id
    mask: {id: none, note: none}
    checks: [{id: short, kind: length, column: note, max: 100}]
`)
	require.NotEmpty(t, res.datasets["csv"].Error, "DuckDB refuses a 10 MB CSV line")
	note := res.datasets["jsonl"].Checks[0]
	require.Equal(t, scorecard.Fail, note.Status, note.Message)
	require.Len(t, note.Examples, 1)
	require.Equal(t, strings.Repeat("x", 200)+"…[cut, 10485760 characters]", note.Examples[0].Value)
	for name, text := range map[string]string{"JSON": res.json, "pages": res.pages, "logs": res.logs} {
		require.Less(t, len(text), 200<<10, name)
	}
}

// Group labels obey the group_by column's mask; a column whose values
// are people's (the key, a name, a date, or hidden) cannot label groups;
// and a cut list of groups says why.
func TestGroupLabels(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("cccd,full_name,commune,unit\n")
	for i := range planner.MaxGroups + 1 {
		commune := fmt.Sprintf("%05d", i%3)
		if i%3 == 2 {
			commune = ""
		}
		fmt.Fprintf(&b, "0790000%05d,Người %d,%s,U%04d\n", i, i, commune, i)
	}
	writeFile(t, dir, "people.csv", b.String())
	dataset := func(groupBy, mask string) string {
		return fmt.Sprintf(`ministries: [{id: MPS, name: Public Security}]
sources: {f: {kind: file, root: $DIR}}
datasets:
  - id: a
    ministry: MPS
    source: f
    path: people.csv
    key: cccd
    group_by: %s
    mask: {%s}
    checks: [{id: n, kind: not_null, column: full_name}]
`, groupBy, mask)
	}
	labels := func(g *scorecard.Groups) []string {
		var out []string
		for _, v := range g.Values {
			out = append(out, v.Value)
		}
		return out
	}

	g := runPublished(t, dir, dataset("commune", "")).datasets["a"].Groups
	require.Equal(t, []string{"00**0", "00**1", "NULL"}, labels(g), "partly masked by default; NULL is no value")
	require.False(t, g.Truncated)
	require.Empty(t, g.Message)

	g = runPublished(t, dir, dataset("commune", "commune: none")).datasets["a"].Groups
	require.Equal(t, []string{"00000", "00001", "NULL"}, labels(g), "mask: none shows the codes")

	res := runPublished(t, dir, dataset("unit", "unit: none"))
	g = res.datasets["a"].Groups
	require.True(t, g.Truncated)
	require.Len(t, g.Values, 4000)
	require.Equal(t, "unit has more than 4000 values: only the first 4000, in order, are scored per group; group by a column with fewer values, such as a province or commune code", g.Message)
	require.Contains(t, res.pages, g.Message)

	for _, tc := range []struct{ groupBy, mask, want string }{
		{"cccd", "", "c.yaml:4: dataset a.group_by: cccd is a personal column (mask: id), which cannot label groups; group by a code such as province_code, or say mask: {cccd: none} if it holds no personal data"},
		{"full_name", "full_name: name", "c.yaml:4: dataset a.group_by: full_name is a personal column (mask: name), which cannot label groups; group by a code such as province_code, or say mask: {full_name: none} if it holds no personal data"},
		{"commune", "commune: date", "c.yaml:4: dataset a.group_by: commune is a personal column (mask: date), which cannot label groups; group by a code such as province_code, or say mask: {commune: none} if it holds no personal data"},
		{"unit", "unit: hide", "c.yaml:4: dataset a.group_by: unit is a personal column (mask: hide), which cannot label groups; group by a code such as province_code, or say mask: {unit: none} if it holds no personal data"},
	} {
		cfg, err := config.Parse("c.yaml", []byte(strings.ReplaceAll(dataset(tc.groupBy, tc.mask), "$DIR", dir)), nil)
		require.NoError(t, err)
		_, err = Prepare(cfg, nil)
		require.EqualError(t, err, tc.want)
	}
}

// What an owner quotes of a value taken from the environment reads as
// its ${NAME} in dq validate's list.
func TestOwnersNeverQuoteASubstitutedValue(t *testing.T) {
	t.Setenv("DQ_TEST_SECRET_MIN", plantedSecret)
	path := filepath.Join(t.TempDir(), "dq.yaml")
	writeFile(t, filepath.Dir(path), "dq.yaml", `ministries: [{id: MPS, name: Public Security}]
sources: {f: {kind: file, root: data}}
datasets:
  - id: a
    ministry: MPS
    source: f
    path: a.csv
    checks:
      - {id: born, kind: between, column: dob, min: "${DQ_TEST_SECRET_MIN}", max: today}
`)
	_, err := PrepareFile(path, nil, nil)
	require.ErrorContains(t, err, `check born.min: "${DQ_TEST_SECRET_MIN}" is not a number, a date`)
	require.NotContains(t, err.Error(), plantedSecret)
}
