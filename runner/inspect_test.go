package runner

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestInspectExpr: inspectExpr, with its shortcuts for common shapes, says
// what a walk of the whole expression and its Variables say.
func TestInspectExpr(t *testing.T) {
	walked := func(e hcl.Expression) (pure, constant bool) {
		se, ok := e.(hclsyntax.Expression)
		if !ok {
			return false, false
		}
		pure = true
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && impureFunctions[call.Name] {
				pure = false
			}
			return nil
		})
		return pure, pure && len(e.Variables()) == 0
	}
	srcs := []string{`"GET"`, `1`, `true`, `null`, `"/items/1"`, `"/items/${1}"`, `"/items/${var.id}"`, `var.x`,
		`var.x.y[0]`, `each.key`, `count.index`, `"a${"b"}c"`, `<<EOT
text
EOT
`, `{ a = "1", b = "x y" }`, `{ a = var.x }`, `["a", "b"]`, `[for x in [1, 2] : x]`, `[for x in var.xs : x]`,
		`upper("a")`, `uuid()`, `"${timestamp()}"`, `"id-${uuid()}"`, `(1 + 2)`, `!true`, `true ? 1 : 2`,
		`local.a`, `request.a.response.json.id`, `"%{ if true }x%{ endif }"`, `{ for k, v in { a = 1 } : k => v }`,
		`{}`, `[]`, `{ "x-team" = "bench", b = ["x", "y z"], c = { d = 1 } }`, `{ (var.k) = 1 }`, `{ a.b = 1 }`,
		`{ true = 1, null = 2 }`, `{ "${var.k}" = 1 }`, `{ a = uuid() }`, `[1, [2, var.x]]`, `{ a = [1, { b = "c" }] }`,
		`{ a = "x", b = "${var.y}" }`, `[for x in [1] : x][0]`, `{ a = 1 }.a`, `-1`, `{ (k) = 1 }`, `{ null = var.x }`}
	for _, src := range srcs {
		e, diags := hclsyntax.ParseExpression([]byte(src), "x.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags)
		}
		gotPure, gotConst := inspectExpr(e)
		wantPure, wantConst := walked(e)
		if gotPure != wantPure || gotConst != wantConst {
			t.Errorf("%s: inspectExpr says pure %v, constant %v; a walk says %v, %v", src, gotPure, gotConst, wantPure, wantConst)
		}
	}
	if pure, constant := inspectExpr(hcl.StaticExpr(cty.True, hcl.Range{})); pure || constant {
		t.Errorf("an expression that is not native syntax is pure %v, constant %v", pure, constant)
	}
	if pure, constant := inspectExpr(nil); !pure || !constant {
		t.Errorf("nil is pure %v, constant %v", pure, constant)
	}
}
