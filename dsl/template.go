package dsl

import (
	"math/big"
	"math/bits"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// A request's path or header is most often a template of literals and
// references: "/items/${count.index}". HCL renders a template by converting
// each part with cty's conversion, which formats a number through
// math/big's shortest-decimal search at the number's full precision: ~2 µs
// and 26 allocations for a small integer, the largest single cost of
// evaluating such a request. The shortcuts below produce the same value for
// the common case and leave every other case to HCL; TestTemplateShortcut
// compares the two.

// InstanceRoots are one instance's count.index, or its each.key and
// each.value; cty.NilVal where the instance has none.
type InstanceRoots struct {
	CountIndex, EachKey, EachValue cty.Value
}

// EvalTemplateShared renders t as EvalExpr would with
// InstanceEvalContext(shared, refs, data), where data gives the values in
// roots, without building that context: a reference to count.index,
// each.key or each.value is taken from roots, any other from shared. ok is
// false where evalTemplate's would be, and for any other reference to count
// or each; the caller then builds the context.
func EvalTemplateShared(t *hclsyntax.TemplateExpr, shared *hcl.EvalContext, roots *InstanceRoots) (cty.Value, bool) {
	return evalTemplate(t, shared, roots)
}

// rootValue resolves a count.index, each.key or each.value reference from
// roots; found is false for a traversal that does not start at count or
// each, and ok false for one that does but that roots cannot answer.
func (roots *InstanceRoots) rootValue(tr hcl.Traversal) (v cty.Value, found, ok bool) {
	root, isRoot := tr[0].(hcl.TraverseRoot)
	if !isRoot || root.Name != "count" && root.Name != "each" {
		return cty.NilVal, false, false
	}
	if len(tr) != 2 {
		return cty.NilVal, true, false
	}
	attr, isAttr := tr[1].(hcl.TraverseAttr)
	if !isAttr {
		return cty.NilVal, true, false
	}
	switch {
	case root.Name == "count" && attr.Name == "index":
		v = roots.CountIndex
	case root.Name == "each" && attr.Name == "key":
		v = roots.EachKey
	case root.Name == "each" && attr.Name == "value":
		v = roots.EachValue
	}
	return v, true, v != cty.NilVal
}

// evalTemplate renders t when each of its parts is a literal or a reference
// to a known, non-null, unmarked string, bool or number, as HCL would
// render it in ctx; ok is false in every other case (a function call, a
// null, an unknown or a sensitive value, a diagnostic), for HCL to
// evaluate. roots, when not nil, answers count.index, each.key and
// each.value (see EvalTemplateShared).
func evalTemplate(t *hclsyntax.TemplateExpr, ctx *hcl.EvalContext, roots *InstanceRoots) (v cty.Value, ok bool) {
	var buf []byte
	var small [128]byte
	buf = small[:0]
	for _, part := range t.Parts {
		var pv cty.Value
		switch p := part.(type) {
		case *hclsyntax.LiteralValueExpr:
			pv = p.Val
		case *hclsyntax.ScopeTraversalExpr:
			found := false
			if roots != nil {
				var ok bool
				if pv, found, ok = roots.rootValue(p.Traversal); found && !ok {
					return cty.NilVal, false
				}
			}
			if !found {
				var diags hcl.Diagnostics
				pv, diags = p.Value(ctx)
				if len(diags) > 0 {
					return cty.NilVal, false
				}
			}
		default:
			return cty.NilVal, false
		}
		if pv.IsMarked() || !pv.IsKnown() || pv.IsNull() {
			return cty.NilVal, false
		}
		switch pv.Type() {
		case cty.String:
			buf = append(buf, pv.AsString()...)
		case cty.Bool:
			buf = strconv.AppendBool(buf, pv.True())
		case cty.Number:
			var ok bool
			if buf, ok = appendInteger(buf, pv.AsBigFloat()); !ok {
				return cty.NilVal, false
			}
		default:
			return cty.NilVal, false
		}
	}
	// cty.StringVal normalises to NFC, as HCL's result does; a known
	// template result is never null, which is all HCL's refinement adds.
	return cty.StringVal(string(buf)), true
}

// appendInteger appends f in decimal when it is an integer that cty's
// conversion to string would write digit for digit: an int64 of no more
// bits than f's precision (then no shorter decimal rounds to it) and not a
// negative zero ("-0"). ok is false otherwise.
func appendInteger(buf []byte, f *big.Float) ([]byte, bool) {
	if !f.IsInt() || f.Signbit() && f.Sign() == 0 {
		return buf, false
	}
	i, acc := f.Int64()
	if acc != big.Exact {
		return buf, false
	}
	mag := uint64(i)
	if i < 0 {
		mag = -mag
	}
	if uint(bits.Len64(mag)) > f.Prec() && i != 0 {
		return buf, false
	}
	return strconv.AppendInt(buf, i, 10), true
}

// numberToString is cty's conversion of a known, unmarked, non-null number
// to a string, taking the integer shortcut when it applies.
func numberToString(v cty.Value) (cty.Value, bool) {
	var small [24]byte
	if b, ok := appendInteger(small[:0], v.AsBigFloat()); ok {
		return cty.StringVal(string(b)), true
	}
	return cty.NilVal, false
}
