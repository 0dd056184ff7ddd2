package dsl

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestBodyContent: where bodyContent does not leave a body to HCL's
// Content, it gives what Content gives, for every body of the test
// collections and samples against every schema.
func TestBodyContent(t *testing.T) {
	schemas := []*hcl.BodySchema{fileSchema, variableBlockSchema, checkRuleSchema, assertBlockSchema,
		credentialsBlockSchema, assumeRoleSchema, webIdentitySchema, tlsBlockSchema, endpointBlockSchema,
		requestBlockSchema, multipartBlockSchema, multipartFieldSchema, multipartFileSchema, expectBlockSchema,
		retryBlockSchema, outputBlockSchema}
	for _, s := range authSchemas {
		schemas = append(schemas, s)
	}
	var bodies []*hclsyntax.Body
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		bodies = append(bodies, b)
		for _, block := range b.Blocks {
			walk(block.Body)
		}
	}
	for name, src := range pieceSources(t) {
		f, _ := hclsyntax.ParseConfig([]byte(src), name, hcl.InitialPos)
		walk(f.Body.(*hclsyntax.Body))
	}
	fast := 0
	for _, b := range bodies {
		for _, schema := range schemas {
			if !fitsSchema(b, schema) {
				continue
			}
			fast++
			got, gotDiags := bodyContent(b, schema)
			want, wantDiags := b.Content(schema)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotDiags, wantDiags) {
				t.Errorf("%s: the body's content differs from Content's: %#v, %s; want %#v, %s",
					b.SrcRange, got, gotDiags, want, wantDiags)
			}
		}
	}
	if fast < 1000 {
		t.Errorf("only %d bodies fit a schema", fast)
	}
}
