package scorecard

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// SchemaJSON is scorecard.schema.json (JSON Schema draft 2020-12). It
// describes both documents dq publishes: a ministry Card ($defs/card) and
// the run Index ($defs/index); the top level is oneOf the two.
//
//go:embed scorecard.schema.json
var SchemaJSON []byte

// SchemaID is the schema's $id.
const SchemaID = "https://github.com/vn-registries/dq/scorecard/scorecard.schema.json"

var compiled struct {
	once        sync.Once
	card, index *jsonschema.Schema
	err         error
}

func schemas() (card, index *jsonschema.Schema, err error) {
	compiled.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
		if err != nil {
			compiled.err = fmt.Errorf("scorecard: parse embedded schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource(SchemaID, doc); err != nil {
			compiled.err = fmt.Errorf("scorecard: load embedded schema: %w", err)
			return
		}
		// Compile the whole document first so that a broken top level is
		// caught too, then the two definitions Validate dispatches to.
		for _, p := range []struct {
			loc string
			dst **jsonschema.Schema
		}{{SchemaID, new(*jsonschema.Schema)}, {SchemaID + "#/$defs/card", &compiled.card}, {SchemaID + "#/$defs/index", &compiled.index}} {
			s, err := c.Compile(p.loc)
			if err != nil {
				compiled.err = fmt.Errorf("scorecard: compile embedded schema: %w", err)
				return
			}
			*p.dst = s
		}
	})
	return compiled.card, compiled.index, compiled.err
}

// Problem is one place where a document breaks the schema.
type Problem struct {
	Pointer string // JSON pointer into the document ("" is the root)
	Message string
}

// SchemaError lists where a document breaks scorecard.schema.json.
type SchemaError struct {
	Document string // "card" or "index"
	Problems []Problem
}

func (e *SchemaError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scorecard: %s does not match scorecard.schema.json: ", e.Document)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		ptr := p.Pointer
		if ptr == "" {
			ptr = "/"
		}
		fmt.Fprintf(&b, "%s: %s", ptr, p.Message)
	}
	return b.String()
}

var printer = message.NewPrinter(language.English)

// Validate checks a produced JSON document (a Card or an Index) against
// scorecard.schema.json. A document with a "ministries" member is checked
// as an index, any other as a card, so that the errors name the fields of
// the document meant rather than those of both branches of the oneOf. The
// error is a *SchemaError listing the failing JSON pointers.
func Validate(doc []byte) error {
	card, index, err := schemas()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("scorecard: not JSON: %w", err)
	}
	sch, name := card, "card"
	if obj, ok := v.(map[string]any); ok {
		if _, ok := obj["ministries"]; ok {
			sch, name = index, "index"
		}
	}
	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return fmt.Errorf("scorecard: validate %s: %w", name, err)
	}
	se := &SchemaError{Document: name}
	collect(ve, &se.Problems)
	return se
}

// collect keeps the leaves of the error tree: the causes, not the
// "oneOf/$ref failed" wrappers above them.
func collect(e *jsonschema.ValidationError, out *[]Problem) {
	if len(e.Causes) == 0 {
		*out = append(*out, Problem{Pointer: pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(printer)})
		return
	}
	for _, c := range e.Causes {
		collect(c, out)
	}
}

func pointer(tokens []string) string {
	var b strings.Builder
	r := strings.NewReplacer("~", "~0", "/", "~1")
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(r.Replace(t))
	}
	return b.String()
}
