package addrs

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Reference is one use of an address inside an expression.
type Reference struct {
	Subject     Referenceable
	SourceRange hcl.Range
	// Remaining is the part of the traversal after the address, e.g. the
	// .response.json.id of request.create.response.json.id.
	Remaining hcl.Traversal
}

// ParseRef turns an absolute traversal into a Reference. Its diagnostics
// point at the traversal's range and say what shape was expected.
func ParseRef(traversal hcl.Traversal) (*Reference, hcl.Diagnostics) {
	root := traversal.RootName()
	rootRange := traversal[0].SourceRange()

	switch root {
	case "var", "local", "credentials", "endpoint", "request", "each", "count", "module":
		name, rng, remain, diags := parseSingleAttrRef(traversal)
		if diags.HasErrors() {
			return nil, diags
		}
		var subj Referenceable
		switch root {
		case "var":
			subj = InputVariable{Name: name}
		case "local":
			subj = LocalValue{Name: name}
		case "credentials":
			subj = Credentials{Name: name}
		case "endpoint":
			subj = Endpoint{Name: name}
		case "request":
			subj = Request{Name: name}
		case "module":
			subj = ModuleCall{Name: name}
		case "each":
			if name != "key" && name != "value" {
				return nil, hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Invalid \"each\" attribute",
					Detail:   fmt.Sprintf("The \"each\" object has the attributes \"key\" and \"value\", not %q.", name),
					Subject:  rng.Ptr(),
				}}
			}
			subj = EachAttr{Name: name}
		case "count":
			if name != "index" {
				return nil, hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Invalid \"count\" attribute",
					Detail:   fmt.Sprintf("The \"count\" object has the attribute \"index\", not %q.", name),
					Subject:  rng.Ptr(),
				}}
			}
			subj = CountAttr{Name: name}
		}
		return &Reference{Subject: subj, SourceRange: rng, Remaining: remain}, nil

	case "response":
		return &Reference{
			Subject:     Response{},
			SourceRange: rootRange,
			Remaining:   traversal[1:],
		}, nil

	default:
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown symbol",
			Detail: fmt.Sprintf("There is no symbol named %q. References start with var, local, "+
				"credentials, endpoint, request, module, response, each or count.", root),
			Subject: rootRange.Ptr(),
		}}
	}
}

// parseSingleAttrRef parses ROOT.NAME, also accepting ROOT["NAME"].
func parseSingleAttrRef(traversal hcl.Traversal) (string, hcl.Range, hcl.Traversal, hcl.Diagnostics) {
	root := traversal.RootName()
	rootRange := traversal[0].SourceRange()
	if len(traversal) < 2 {
		return "", hcl.Range{}, nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference",
			Detail:   fmt.Sprintf("The %q object cannot be used on its own: name one of its members, e.g. %s.NAME.", root, root),
			Subject:  rootRange.Ptr(),
		}}
	}
	switch step := traversal[1].(type) {
	case hcl.TraverseAttr:
		return step.Name, hcl.RangeBetween(rootRange, step.SrcRange), traversal[2:], nil
	case hcl.TraverseIndex:
		if step.Key.Type().FriendlyName() == "string" && step.Key.IsKnown() && !step.Key.IsNull() {
			return step.Key.AsString(), hcl.RangeBetween(rootRange, step.SrcRange), traversal[2:], nil
		}
	}
	return "", hcl.Range{}, nil, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference",
		Detail:   fmt.Sprintf("A reference to %s needs a name after the dot, e.g. %s.NAME.", root, root),
		Subject:  traversal[1].SourceRange().Ptr(),
	}}
}
