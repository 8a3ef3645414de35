package scorecard

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/result"
)

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return b
}

// mutate decodes doc, lets f change it and encodes it again.
func mutate(t *testing.T, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	f(m)
	return marshal(t, m)
}

func at(m map[string]any, path ...any) map[string]any {
	var cur any = m
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

func TestSchemaAcceptsProducedDocuments(t *testing.T) {
	require.NoError(t, Validate(marshal(t, fullCard())))
	require.NoError(t, Validate(marshal(t, fullIndex())))

	// A card straight out of the roll-up, with the fewest fields.
	d := &Dataset{ID: "d", Source: "s", Sample: Sample{Method: "full"}, Weight: 1,
		Checks: []*Check{NewCheck(CheckMeta{ID: "fresh", Kind: "freshness", Dimension: "alive", Weight: 1}, &result.Check{Status: Pass}, nil)}}
	idx, cards := Assemble(testRun, Scoring{Criteria: []CriterionDef{{ID: "alive", Name: "Sống", Weight: 1}}, Bands: testBands},
		[]Ref{{ID: "MOH", Name: "Bộ Y tế"}}, []*Dataset{d}, func(int) string { return "MOH" })
	require.NoError(t, Validate(marshal(t, cards[0])))
	idx.Ministries[0].File = FileName("MOH")
	require.NoError(t, Validate(marshal(t, idx)))

	idx = &Index{SchemaVersion: SchemaVersion, Run: testRun, Status: Pass, Ministries: []IndexEntry{}}
	require.NoError(t, Validate(marshal(t, idx)))
}

func TestSchemaRejects(t *testing.T) {
	card := marshal(t, fullCard())
	index := marshal(t, fullIndex())
	for _, tc := range []struct {
		name     string
		doc      []byte
		pointer  string
		contains string
	}{
		{"missing required field", mutate(t, card, func(m map[string]any) { delete(m, "run") }), "/", "run"},
		{"missing required check field", mutate(t, card, func(m map[string]any) {
			delete(at(m, "datasets", 0, "checks", 0), "weight")
		}), "/datasets/0/checks/0", "weight"},
		{"unknown field", mutate(t, card, func(m map[string]any) { at(m, "datasets", 0)["owner"] = "x" }), "/datasets/0", "owner"},
		{"unknown field in example", mutate(t, card, func(m map[string]any) {
			at(m, "datasets", 0, "checks", 0, "examples", 0)["full_row"] = "x"
		}), "/datasets/0/checks/0/examples/0", "full_row"},
		{"status ok", mutate(t, card, func(m map[string]any) { m["status"] = "ok" }), "/status", ""},
		{"score 101", mutate(t, card, func(m map[string]any) { at(m, "datasets", 0)["score"] = 101 }), "/datasets/0/score", ""},
		{"negative dimension score", mutate(t, card, func(m map[string]any) { at(m, "dimensions")["clean"] = -1 }), "/dimensions/clean", ""},
		{"band blue", mutate(t, card, func(m map[string]any) { m["band"] = "blue" }), "/band", ""},
		{"pass rate above 1", mutate(t, card, func(m map[string]any) { at(m, "datasets", 0, "checks", 0)["pass_rate"] = 1.5 }), "/datasets/0/checks/0/pass_rate", ""},
		{"interval of three", mutate(t, card, func(m map[string]any) {
			at(m, "datasets", 0, "checks", 0)["interval95"] = []any{0.1, 0.2, 0.3}
		}), "/datasets/0/checks/0/interval95", ""},
		{"check in error with a score", mutate(t, card, func(m map[string]any) { at(m, "datasets", 1, "checks", 0)["score"] = 0 }), "/datasets/1/checks/0/score", ""},
		{"schema version 3", mutate(t, card, func(m map[string]any) { m["schema_version"] = "3" }), "/schema_version", ""},
		{"details not an object", mutate(t, card, func(m map[string]any) { at(m, "datasets", 0, "checks", 1)["details"] = "x" }), "/datasets/0/checks/1/details", ""},
		{"bad time", mutate(t, card, func(m map[string]any) { at(m, "run")["started_at"] = "yesterday" }), "/run/started_at", ""},
		{"index: missing file", mutate(t, index, func(m map[string]any) { delete(at(m, "ministries", 0), "file") }), "/ministries/0", "file"},
		{"index: unknown field", mutate(t, index, func(m map[string]any) { m["generated_by"] = "x" }), "/", "generated_by"},
		{"index: status ok", mutate(t, index, func(m map[string]any) { at(m, "ministries", 1)["status"] = "ok" }), "/ministries/1/status", ""},
		{"index: file with a path", mutate(t, index, func(m map[string]any) { at(m, "ministries", 0)["file"] = "../MPS.json" }), "/ministries/0/file", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.doc)
			require.Error(t, err)
			var se *SchemaError
			require.ErrorAs(t, err, &se)
			var ptrs []string
			for _, p := range se.Problems {
				ptrs = append(ptrs, p.Pointer)
			}
			want := tc.pointer
			if want == "/" {
				want = ""
			}
			require.Contains(t, ptrs, want, "error: %v", err)
			require.Contains(t, err.Error(), tc.contains)
		})
	}
	require.Error(t, Validate([]byte(`{"schema_version": "1"} trailing`)))
	require.Error(t, Validate([]byte(`[]`)))
}

// The schema's description states the formula of scoring.go word for word.
func TestSchemaDescriptionStatesScoring(t *testing.T) {
	src, err := os.ReadFile("scoring.go")
	require.NoError(t, err)
	var lines []string
	in := false
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "// Scoring, written down once") {
			in = true
		}
		if !in {
			continue
		}
		if !strings.HasPrefix(l, "//") {
			break
		}
		lines = append(lines, strings.TrimPrefix(l, "//"))
	}
	require.NotEmpty(t, lines)
	formula := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")

	var schema struct{ Description string }
	require.NoError(t, json.Unmarshal(SchemaJSON, &schema))
	desc := strings.Join(strings.Fields(schema.Description), " ")
	require.Contains(t, desc, formula)
	for _, unit := range []string{"pass_rate = 1 - failed/evaluated", "details.duplicate_keys", "details.extra_rows", "masked"} {
		require.Contains(t, desc, unit)
	}
}

// The schema and the Go types name the same fields, the schema requires
// exactly those the Go types always write, every object is closed (or a
// map) and every field is described.
func TestSchemaMatchesGoTypes(t *testing.T) {
	var schema map[string]any
	require.NoError(t, json.Unmarshal(SchemaJSON, &schema))
	defs := schema["$defs"].(map[string]any)

	for def, typ := range map[string]reflect.Type{
		"card": reflect.TypeFor[Card](), "index": reflect.TypeFor[Index](), "index_entry": reflect.TypeFor[IndexEntry](),
		"run": reflect.TypeFor[Run](), "ministry": reflect.TypeFor[Ref](), "trend": reflect.TypeFor[Trend](),
		"dataset": reflect.TypeFor[Dataset](), "sample": reflect.TypeFor[Sample](), "check": reflect.TypeFor[Check](),
		"example": reflect.TypeFor[Example](), "criterion": reflect.TypeFor[Criterion](), "coverage": reflect.TypeFor[Coverage](),
	} {
		s := defs[def].(map[string]any)
		var goAll, goRequired []string
		for i := range typ.NumField() {
			name, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			goAll = append(goAll, name)
			if opts != "omitempty" {
				goRequired = append(goRequired, name)
			}
		}
		var schemaAll, schemaRequired []string
		for name := range s["properties"].(map[string]any) {
			schemaAll = append(schemaAll, name)
		}
		for _, name := range s["required"].([]any) {
			schemaRequired = append(schemaRequired, name.(string))
		}
		sort.Strings(goAll)
		sort.Strings(goRequired)
		sort.Strings(schemaAll)
		sort.Strings(schemaRequired)
		require.Equal(t, goAll, schemaAll, "$defs/%s properties vs %s", def, typ)
		require.Equal(t, goRequired, schemaRequired, "$defs/%s required vs %s", def, typ)
	}

	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok && !strings.HasSuffix(path, "/properties") {
				if _, isIf := x["const"]; !isIf && !strings.Contains(path, "/if") && !strings.Contains(path, "/then") && !strings.Contains(path, "/else") {
					require.Equal(t, false, x["additionalProperties"], "%s: open object", path)
					for name, p := range props {
						pm := p.(map[string]any)
						if _, ok := pm["description"]; ok {
							continue
						}
						ref, _ := pm["$ref"].(string)
						target, _ := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
						require.NotNil(t, target, "%s/properties/%s: no description", path, name)
						require.Contains(t, target, "description", "%s/properties/%s: no description", path, name)
					}
				}
			}
			for k, c := range x {
				walk(path+"/"+k, c)
			}
		case []any:
			for _, c := range x {
				walk(path+"/[]", c)
			}
		}
	}
	walk("#", schema)
}

// The top level (oneOf card, index) is what outside validators use.
func TestSchemaTopLevelOneOf(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("scorecard.schema.json", doc))
	sch, err := c.Compile("scorecard.schema.json")
	require.NoError(t, err)
	for _, v := range []any{fullCard(), fullIndex()} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(marshal(t, v)))
		require.NoError(t, err)
		require.NoError(t, sch.Validate(inst))
	}
	mixed := mutate(t, marshal(t, fullCard()), func(m map[string]any) { m["ministries"] = []any{} })
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(mixed))
	require.NoError(t, err)
	require.Error(t, sch.Validate(inst))
}
