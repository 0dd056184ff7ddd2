package dsl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
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
	if len(refs) == 0 {
		return ctx
	}
	groups := map[string]map[string]cty.Value{}
	vars := map[string]cty.Value{}
	put := func(root, name string, v cty.Value) {
		g := groups[root]
		if g == nil {
			g = map[string]cty.Value{}
			groups[root] = g
		}
		g[name] = v
	}
	for _, ref := range refs {
		switch s := ref.Subject.(type) {
		case addrs.InputVariable:
			put("var", s.Name, data.Value(s))
		case addrs.LocalValue:
			put("local", s.Name, data.Value(s))
		case addrs.Endpoint:
			put("endpoint", s.Name, data.Value(s))
		case addrs.Request:
			put("request", s.Name, data.Value(s))
		case addrs.ModuleCall:
			put("module", s.Name, data.Value(s))
		case addrs.EachAttr:
			put("each", s.Name, data.Value(s))
		case addrs.CountAttr:
			put("count", s.Name, data.Value(s))
		case addrs.Response:
			vars["response"] = data.Value(s)
		}
	}
	for root, g := range groups {
		vars[root] = cty.ObjectVal(g)
	}
	ctx.Variables = vars
	return ctx
}

// EvalExpr evaluates expr and converts the result to want, with a diagnostic
// naming what was expected when it does not convert. what names the
// argument for messages ("method", "expect.status").
func EvalExpr(expr hcl.Expression, ctx *hcl.EvalContext, want cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if want == cty.DynamicPseudoType {
		return val, diags
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
