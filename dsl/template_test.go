package dsl

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// hclEval is EvalExpr without its shortcuts: HCL's evaluation, then cty's
// conversion.
func hclEval(expr hcl.Expression, ctx *hcl.EvalContext, want cty.Type) (cty.Value, bool) {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, false
	}
	if want == cty.DynamicPseudoType {
		return v, true
	}
	c, err := convert.Convert(v, want)
	return c, err == nil
}

func shortcutNumbers() []cty.Value {
	negZero := new(big.Float).Neg(new(big.Float))
	return []cty.Value{
		cty.Zero, cty.NumberIntVal(1), cty.NumberIntVal(-1), cty.NumberIntVal(42),
		cty.NumberIntVal(1000), cty.NumberIntVal(1 << 53), cty.NumberIntVal(-(1 << 53)),
		cty.NumberIntVal(1<<53 + 1), cty.NumberIntVal(math.MaxInt64), cty.NumberIntVal(math.MinInt64),
		cty.NumberFloatVal(0.5), cty.NumberFloatVal(3), cty.NumberFloatVal(1e20),
		cty.NumberFloatVal(1 << 62), cty.NumberFloatVal(1<<62 + 1<<20), cty.NumberFloatVal(-7),
		cty.NumberFloatVal(math.Copysign(0, -1)), cty.NumberVal(negZero),
		cty.MustParseNumberVal("12345678901234567890123"), cty.MustParseNumberVal("0.1"),
		cty.MustParseNumberVal("1e3"), cty.MustParseNumberVal("-0"), cty.MustParseNumberVal("9007199254740993"),
		cty.NumberVal(new(big.Float).SetPrec(8).SetInt64(1000)),
		cty.NumberVal(new(big.Float).SetPrec(8).SetInt64(1001)),
		cty.NumberVal(new(big.Float).SetPrec(4).SetInt64(-96)),
		cty.NumberIntVal(3).Add(cty.NumberIntVal(4)), cty.NumberIntVal(10).Divide(cty.NumberIntVal(4)),
		cty.NumberIntVal(10).Divide(cty.NumberIntVal(3)),
	}
}

// TestTemplateShortcut: EvalExpr renders templates and converts numbers to
// strings exactly as HCL and cty do, for numbers of every precision and
// sign, strings that NFC changes, bools, and every case the shortcut
// leaves to HCL (nulls, unknowns, sensitive values, functions,
// collections).
func TestTemplateShortcut(t *testing.T) {
	templates := []string{
		`"/items/${x}"`, `"${x}${y}"`, `"a${x}b${y}c"`, `"${x}"`, `"${x}-${upper(y)}"`,
		`"%{ if true }${x}%{ endif }"`, `"p/${x}/${x}"`, `x`,
	}
	var others = []cty.Value{
		cty.StringVal(""), cty.StringVal("abc"), cty.StringVal("e\u0301t\u00e9"), cty.StringVal("日本"),
		cty.True, cty.False,
		cty.NullVal(cty.String), cty.NullVal(cty.Number), cty.UnknownVal(cty.String), cty.UnknownVal(cty.Number),
		cty.DynamicVal, cty.StringVal("secret").Mark("sensitive"), cty.NumberIntVal(7).Mark("sensitive"),
		cty.ListVal([]cty.Value{cty.StringVal("a")}), cty.EmptyObjectVal,
	}
	values := append(shortcutNumbers(), others...)
	funcs := map[string]function.Function{"upper": stdlib.UpperFunc}
	shortcuts := 0
	for _, src := range templates {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "t.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		for i, x := range values {
			y := values[(i*7+3)%len(values)]
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"x": x, "y": y}, Functions: funcs}
			for _, want := range []cty.Type{cty.String, cty.DynamicPseudoType} {
				got, gotDiags := EvalExpr(expr, ctx, want, "path")
				ref, refOK := hclEval(expr, ctx, want)
				if refOK == gotDiags.HasErrors() {
					t.Errorf("%s with x=%#v y=%#v as %s: errors %v, HCL's ok %v", src, x, y, want.FriendlyName(), gotDiags, refOK)
					continue
				}
				if refOK && !got.RawEquals(ref) {
					t.Errorf("%s with x=%#v y=%#v as %s: %#v, HCL gives %#v", src, x, y, want.FriendlyName(), got, ref)
				}
			}
			if te, ok := expr.(*hclsyntax.TemplateExpr); ok {
				if _, ok := evalTemplate(te, ctx, nil); ok {
					shortcuts++
				}
			}
		}
	}
	// The common case must take the shortcut, or this test compares HCL
	// with itself.
	expr, _ := hclsyntax.ParseExpression([]byte(`"/items/${x}"`), "t.hcl", hcl.InitialPos)
	if _, ok := evalTemplate(expr.(*hclsyntax.TemplateExpr), &hcl.EvalContext{Variables: map[string]cty.Value{"x": cty.NumberIntVal(7)}}, nil); !ok {
		t.Error(`"/items/${count.index}" does not take the shortcut`)
	}
	if shortcuts < 50 {
		t.Errorf("only %d evaluations took the shortcut", shortcuts)
	}
}

// TestNumberToString compares the integer shortcut with cty's conversion
// over random integers and floats of several precisions.
func TestNumberToString(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(v cty.Value) {
		t.Helper()
		want, err := convert.Convert(v, cty.String)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := numberToString(v); ok && !got.RawEquals(want) {
			t.Fatalf("%#v: %q, cty gives %q", v, got.AsString(), want.AsString())
		}
	}
	for _, v := range shortcutNumbers() {
		check(v)
	}
	for range 20000 {
		i := r.Int64() >> r.UintN(64)
		if r.IntN(2) == 0 {
			i = -i
		}
		check(cty.NumberIntVal(i))
		check(cty.NumberFloatVal(float64(i)))
		check(cty.NumberVal(new(big.Float).SetPrec(uint(1 + r.IntN(80))).SetInt64(i)))
		check(cty.MustParseNumberVal(big.NewInt(i).String()))
	}
}

// TestEvalTemplateShared: with an instance's roots, a template renders as
// it does in the instance's own context (InstanceEvalContext), and every
// case the shortcut cannot answer is left to that context.
func TestEvalTemplateShared(t *testing.T) {
	srcs := []string{
		`"/items/${count.index}"`, `"${each.key}=${each.value}"`, `"${var.a}/${count.index}/${local.b}"`,
		`"${each.value}-${var.a}"`, `"${count.index}${count.index}"`, `"/x/${each.value.name}"`,
		`"u-${upper(each.key)}"`, `"plain"`,
	}
	values := append(shortcutNumbers()[:8], cty.StringVal("k"), cty.StringVal("e\u0301"), cty.True,
		cty.UnknownVal(cty.String), cty.NullVal(cty.String), cty.StringVal("s").Mark("sensitive"),
		cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("n")}), cty.DynamicVal)
	funcs := map[string]function.Function{"upper": stdlib.UpperFunc}
	took := 0
	for _, src := range srcs {
		refs, expr := refsOf(t, src)
		tmpl, isTemplate := expr.(*hclsyntax.TemplateExpr)
		if !isTemplate {
			t.Fatalf("%s is not a template", src)
		}
		for i, v := range values {
			w := values[(i*5+1)%len(values)]
			data := newRecordingData()
			data.values["count.index"] = v
			data.values["each.key"] = w
			data.values["each.value"] = v
			shared := SharedEvalContext(refs, data, funcs)
			want, wantDiags := EvalExpr(expr, InstanceEvalContext(shared, refs, data), cty.String, "path")
			for _, roots := range []InstanceRoots{{CountIndex: v}, {EachKey: w, EachValue: v}, {}} {
				got, ok := EvalTemplateShared(tmpl, shared, &roots)
				if !ok {
					continue
				}
				took++
				if wantDiags.HasErrors() || !got.RawEquals(want) {
					t.Errorf("%s with %#v: %#v, the instance's context gives %#v %s", src, roots, got, want, diagsString(wantDiags))
				}
			}
		}
	}
	if took < 20 {
		t.Errorf("only %d evaluations took the shortcut", took)
	}
}
