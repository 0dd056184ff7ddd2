package dsl

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// bodyContent is body.Content(schema), quicker for the body of a valid
// block. HCL's Content builds four maps for every body it decodes, to find
// what the schema lacks, what it requires and what it hides; a collection
// has tens of thousands of bodies. When every argument and block of a
// parsed body is in the schema, with its labels, and every required
// argument is there, the content is simply all of the body and there is
// no diagnostic; anything else (or a body that is not native syntax) is
// left to Content, for its diagnostics.
func bodyContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	b, ok := body.(*hclsyntax.Body)
	if !ok || !fitsSchema(b, schema) {
		return body.Content(schema)
	}
	content := &hcl.BodyContent{
		Attributes:       make(hcl.Attributes, len(b.Attributes)),
		MissingItemRange: b.MissingItemRange(),
	}
	for name, attr := range b.Attributes {
		content.Attributes[name] = attr.AsHCLAttribute()
	}
	for _, block := range b.Blocks {
		content.Blocks = append(content.Blocks, block.AsHCLBlock())
	}
	return content, nil
}

// fitsSchema reports whether Content would take all of b without a
// diagnostic.
func fitsSchema(b *hclsyntax.Body, schema *hcl.BodySchema) bool {
	for name := range b.Attributes {
		if !hasAttribute(schema, name) {
			return false
		}
	}
	for _, a := range schema.Attributes {
		if _, ok := b.Attributes[a.Name]; a.Required && !ok {
			return false
		}
	}
next:
	for _, block := range b.Blocks {
		for _, s := range schema.Blocks {
			if s.Type == block.Type {
				if len(block.Labels) != len(s.LabelNames) {
					return false
				}
				continue next
			}
		}
		return false
	}
	return true
}

func hasAttribute(schema *hcl.BodySchema, name string) bool {
	for _, a := range schema.Attributes {
		if a.Name == name {
			return true
		}
	}
	return false
}
