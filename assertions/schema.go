package assertions

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// SchemaCache compiles each distinct schema once. It is safe for
// concurrent use; a run shares one among its requests.
type SchemaCache struct {
	mu sync.Mutex
	m  map[string]*compiledSchema
}

type compiledSchema struct {
	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

const schemaURL = "sigrun:///expect/json_schema.json"

// compile compiles a schema document, JSON Schema draft 2020-12 unless the
// document names another draft in $schema. References to other documents
// are refused: a check never reaches the network.
func (c *SchemaCache) compile(doc string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*compiledSchema{}
	}
	cs := c.m[doc]
	if cs == nil {
		cs = &compiledSchema{}
		c.m[doc] = cs
	}
	c.mu.Unlock()
	cs.once.Do(func() {
		parsed, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			cs.err = fmt.Errorf("the schema is not valid JSON: %s", err)
			return
		}
		comp := jsonschema.NewCompiler()
		comp.DefaultDraft(jsonschema.Draft2020)
		comp.UseLoader(jsonschema.SchemeURLLoader{})
		if err := comp.AddResource(schemaURL, parsed); err != nil {
			cs.err = err
			return
		}
		cs.schema, cs.err = comp.Compile(schemaURL)
	})
	return cs.schema, cs.err
}

// maxSchemaErrors bounds the schema violations listed in one diagnostic.
const maxSchemaErrors = 10

func checkJSONSchema(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response, cache *SchemaCache) Result {
	const name = "json_schema"
	v, diags := evalArg(name, expr, ctx)
	if diags.HasErrors() {
		return Result{Name: "expect." + name, Diags: diags}
	}
	// A schema is a JSON document (from file(...), say) or an HCL value.
	var doc string
	if v.Type() == cty.String {
		doc = v.AsString()
	} else {
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return typeError(name, "a JSON Schema (an object, or its JSON text)", expr, ctx, err)
		}
		doc = string(b)
	}
	if cache == nil {
		cache = &SchemaCache{}
	}
	schema, err := cache.compile(doc)
	if err != nil {
		return failure(name, "Invalid JSON Schema", fmt.Sprintf("expect.json_schema cannot be compiled: %s.", strings.TrimSpace(err.Error())), expr, ctx)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(resp.Body))
	if err != nil {
		return failure(name, "Response is not JSON",
			fmt.Sprintf("expect.json_schema needs a JSON body, but the body does not parse as JSON. It starts: %s", bodySnippet(resp.Body)), expr, ctx)
	}
	err = validateSafely(schema, inst)
	if err == nil {
		return Result{Name: "expect." + name, Passed: true}
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return failure(name, "Schema validation failed", err.Error(), expr, ctx)
	}
	lines := schemaViolations(ve.BasicOutput())
	detail := "The response JSON does not match the schema:"
	for i, l := range lines {
		if i == maxSchemaErrors {
			detail += fmt.Sprintf("\n  … and %d more", len(lines)-maxSchemaErrors)
			break
		}
		detail += "\n  " + l
	}
	return failure(name, "Response does not match the JSON Schema", detail, expr, ctx)
}

// schemaViolations lists the leaf errors of a basic output: where in the
// response (a JSON pointer), what is wrong, and which rule said so.
func schemaViolations(out *jsonschema.OutputUnit) []string {
	var units []jsonschema.OutputUnit
	for _, u := range out.Errors {
		if u.Error == nil {
			continue
		}
		msg := u.Error.String()
		// Container errors only announce their children.
		if strings.HasPrefix(msg, "validation failed") {
			continue
		}
		units = append(units, u)
	}
	// The validator visits object properties in map order: sort, so that
	// the same response always reads the same.
	sort.SliceStable(units, func(i, j int) bool {
		if units[i].InstanceLocation != units[j].InstanceLocation {
			return units[i].InstanceLocation < units[j].InstanceLocation
		}
		return units[i].KeywordLocation < units[j].KeywordLocation
	})
	var lines []string
	for _, u := range units {
		at := u.InstanceLocation
		if at == "" {
			at = "/"
		}
		lines = append(lines, fmt.Sprintf("at %s: %s (rule %s)", at, u.Error.String(), u.KeywordLocation))
	}
	if len(lines) == 0 && out.Error != nil {
		lines = append(lines, out.Error.String())
	}
	return lines
}
