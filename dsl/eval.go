package dsl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// Data supplies the values of referenced objects when an evaluation context
// is built. A value that is not known yet (a response, while validating) is
// cty.DynamicVal.
type Data interface {
	// Value returns the value of addr: a variable's or local's value, an
	// endpoint's object (url, headers), a request's object (response), the
	// response of the request being checked.
	Value(addr addrs.Referenceable) cty.Value
}

// EvalContext builds an evaluation context that holds only the objects refs
// name, so that a context is small and cheap to build for every request.
func EvalContext(refs []*addrs.Reference, data Data, funcs map[string]function.Function) *hcl.EvalContext {
	ctx := &hcl.EvalContext{Functions: funcs}
	if len(refs) > 0 {
		ctx.Variables = variables(refs, data, refsAll)
	}
	return ctx
}

// SharedEvalContext is EvalContext for what every instance of a request
// block sees alike: the objects refs name except each, count and response.
// InstanceEvalContext adds those for one instance, so that checking
// thousands of instances builds the shared objects once.
func SharedEvalContext(refs []*addrs.Reference, data Data, funcs map[string]function.Function) *hcl.EvalContext {
	ctx := &hcl.EvalContext{Functions: funcs}
	if len(refs) > 0 {
		ctx.Variables = variables(refs, data, refsShared)
	}
	return ctx
}

// InstanceEvalContext is a child of shared, which SharedEvalContext built
// from the same refs, with the each, count and response objects that refs
// name, from data. It evaluates as EvalContext(refs, data, funcs) would.
func InstanceEvalContext(shared *hcl.EvalContext, refs []*addrs.Reference, data Data) *hcl.EvalContext {
	ctx := shared.NewChild()
	if len(refs) > 0 {
		ctx.Variables = variables(refs, data, refsInstance)
	}
	return ctx
}

// refsWhich selects the references variables builds objects for.
type refsWhich uint8

const (
	refsAll      refsWhich = iota
	refsShared             // all but each, count and response
	refsInstance           // each, count and response only
)

// rootAttr is one attribute of a root object (var.name, count.index).
type rootAttr struct {
	root, name string
	val        cty.Value
}

// variables builds the root objects of an evaluation context. It returns
// nil for an instance context with nothing of its own, so that lookups go
// on to the shared context; otherwise a map, empty if need be, so that a
// name no reference declared is an unknown variable, as it would be in
// one context.
func variables(refs []*addrs.Reference, data Data, which refsWhich) map[string]cty.Value {
	var small [8]rootAttr
	attrs := small[:0]
	var resp cty.Value
	hasResp := false
	for _, ref := range refs {
		var root, name string
		perInstance := false
		switch s := ref.Subject.(type) {
		case addrs.InputVariable:
			root, name = "var", s.Name
		case addrs.LocalValue:
			root, name = "local", s.Name
		case addrs.Endpoint:
			root, name = "endpoint", s.Name
		case addrs.Request:
			root, name = "request", s.Name
		case addrs.ModuleCall:
			root, name = "module", s.Name
		case addrs.EachAttr:
			root, name, perInstance = "each", s.Name, true
		case addrs.CountAttr:
			root, name, perInstance = "count", s.Name, true
		case addrs.Response:
			if which != refsShared {
				resp, hasResp = data.Value(s), true
			}
			continue
		default:
			continue
		}
		if which == refsShared && perInstance || which == refsInstance && !perInstance {
			continue
		}
		attrs = append(attrs, rootAttr{root: root, name: name, val: data.Value(ref.Subject)})
	}
	if which == refsInstance && len(attrs) == 0 && !hasResp {
		return nil
	}
	// Attributes of one root side by side, then one object per root.
	slices.SortStableFunc(attrs, func(a, b rootAttr) int { return strings.Compare(a.root, b.root) })
	roots := 0
	if hasResp {
		roots++
	}
	for i := range attrs {
		if i == 0 || attrs[i].root != attrs[i-1].root {
			roots++
		}
	}
	vars := make(map[string]cty.Value, roots)
	for i := 0; i < len(attrs); {
		j := i + 1
		for j < len(attrs) && attrs[j].root == attrs[i].root {
			j++
		}
		g := make(map[string]cty.Value, j-i)
		for _, a := range attrs[i:j] {
			g[a.name] = a.val
		}
		vars[attrs[i].root] = cty.ObjectVal(g)
		i = j
	}
	if hasResp {
		vars["response"] = resp
	}
	return vars
}

// EvalExpr evaluates expr and converts the result to want, with a diagnostic
// naming what was expected when it does not convert. what names the
// argument for messages ("method", "expect.status").
func EvalExpr(expr hcl.Expression, ctx *hcl.EvalContext, want cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	if t, ok := expr.(*hclsyntax.TemplateExpr); ok && (want == cty.String || want == cty.DynamicPseudoType) {
		if v, ok := evalTemplate(t, ctx, nil); ok {
			return v, nil
		}
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if want == cty.DynamicPseudoType {
		return val, diags
	}
	if want == cty.String && val.Type() == cty.Number && val.IsKnown() && !val.IsNull() && !val.IsMarked() {
		if v, ok := numberToString(val); ok {
			return v, diags
		}
	}
	conv, err := convert.Convert(val, want)
	if err != nil {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     fmt.Sprintf("Invalid value for %s", what),
			Detail:      fmt.Sprintf("%s must be %s: %s.", what, typeWithArticle(want), err),
			Subject:     expr.Range().Ptr(),
			Expression:  expr,
			EvalContext: ctx,
		})
	}
	return conv, diags
}

func typeWithArticle(t cty.Type) string {
	n := t.FriendlyName()
	switch n[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + n
	}
	return "a " + n
}

// EvalCheckRule evaluates a condition and, when it is false, its error
// message. A condition that is null, not a bool or fails to evaluate is an
// error diagnostic of its own, never a silent pass.
func EvalCheckRule(rule *CheckRule, ctx *hcl.EvalContext) (ok bool, message string, diags hcl.Diagnostics) {
	val, diags := rule.Condition.Value(ctx)
	if diags.HasErrors() {
		return false, "", diags
	}
	val, _ = val.Unmark()
	if !val.IsKnown() {
		return true, "", diags // decided later, when the value is known
	}
	if val.IsNull() {
		return false, "", append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid condition result",
			Detail:      "The condition's value is null. A condition must be true or false.",
			Subject:     rule.Condition.Range().Ptr(),
			Expression:  rule.Condition,
			EvalContext: ctx,
		})
	}
	b, err := convert.Convert(val, cty.Bool)
	if err != nil {
		return false, "", append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid condition result",
			Detail:      fmt.Sprintf("A condition must be true or false, not %s.", val.Type().FriendlyName()),
			Subject:     rule.Condition.Range().Ptr(),
			Expression:  rule.Condition,
			EvalContext: ctx,
		})
	}
	if b.True() {
		return true, "", diags
	}
	return false, ErrorMessage(rule.ErrorMessage, ctx), diags
}

// SensitiveMessage replaces an error message built from a sensitive value.
const SensitiveMessage = "The error message included a sensitive value, so it is not shown."

// ErrorMessage renders a check's error_message. A message built from a
// sensitive value is not shown, as in Terraform; a message that cannot be
// evaluated says so.
func ErrorMessage(expr hcl.Expression, ctx *hcl.EvalContext) string {
	if expr == nil {
		return "The condition is false."
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return "The condition is false, and its error_message could not be evaluated: " + diags[0].Summary + "."
	}
	if v.ContainsMarked() {
		return SensitiveMessage
	}
	if s, err := convert.Convert(v, cty.String); err == nil && s.IsKnown() && !s.IsNull() {
		return s.AsString()
	}
	return "The condition is false."
}
