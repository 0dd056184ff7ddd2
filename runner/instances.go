package runner

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// MaxInstances bounds the instances of one request block: a for_each over
// a million keys is refused with a message rather than exhausting memory.
const MaxInstances = 100_000

// instance is one instance of a request block: the block itself when it
// has neither for_each nor count.
type instance struct {
	// key is each.key (a string) or count.index (a number); cty.NilVal
	// for a block without for_each or count, cty.DynamicVal while the
	// keys are unknown (validate pass).
	key   cty.Value
	value cty.Value // each.value
	// id is the key as text ("" for a plain block), name the instance's
	// display name: get, get["a"], get[0].
	id, name string
}

func plainInstance(name string) *instance {
	return &instance{key: cty.NilVal, value: cty.NilVal, name: name}
}

// instanceSet is what state knows of a block's instances.
type instanceSet struct {
	expanded bool
	isCount  bool
	// known is false while the keys wait on a response (validate pass).
	known bool
	ids   []string
	// responses by instance id, filled as instances finish.
	responses map[string]*response
	// memo is the value of request.NAME once it can no longer change.
	memo cty.Value
}

// expand evaluates a request block's for_each or count into its instances,
// sorted (map keys and set members in lexical order, count in index
// order). unknown is set when the keys wait on a response.
func (r *Runner) expand(n *node, st *state) (insts []*instance, unknown bool, diags hcl.Diagnostics) {
	req := n.request
	base := st.sc.requestName(req.Name)
	if !req.Expanded() {
		return []*instance{plainInstance(base)}, false, nil
	}
	ctx := dsl.EvalContext(n.expandRefs, st, st.sc.funcs)
	if req.Count != nil {
		v, diags := dsl.EvalExpr(req.Count, ctx, cty.Number, "count")
		if diags.HasErrors() {
			return nil, false, diags
		}
		if v.IsMarked() {
			return nil, false, sensitiveExpansion(req.Count, "count")
		}
		if !v.IsKnown() {
			return nil, true, nil
		}
		if v.IsNull() {
			return nil, false, badExpansion(req.Count, ctx, "count", "count must be a whole number, not null.")
		}
		c, acc := v.AsBigFloat().Int64()
		if acc != 0 || c < 0 {
			return nil, false, badExpansion(req.Count, ctx, "count", fmt.Sprintf("count must be a whole number from 0, not %s.", v.AsBigFloat().Text('f', -1)))
		}
		if c > MaxInstances {
			return nil, false, badExpansion(req.Count, ctx, "count", fmt.Sprintf("count is %d; a request block has at most %d instances.", c, MaxInstances))
		}
		// The instances share one array: a count of thousands is one
		// allocation, not thousands.
		insts = make([]*instance, c)
		all := make([]instance, c)
		for i := range insts {
			id := strconv.Itoa(i)
			all[i] = instance{key: cty.NumberIntVal(int64(i)), value: cty.NilVal, id: id, name: base + "[" + id + "]"}
			insts[i] = &all[i]
		}
		return insts, false, nil
	}

	v, diags := req.ForEach.Value(ctx)
	if diags.HasErrors() {
		return nil, false, diags
	}
	if v.ContainsMarked() {
		return nil, false, sensitiveExpansion(req.ForEach, "for_each")
	}
	// A known map or object has known keys even when its values wait on a
	// response (for_each = request.other): the instances are known, each
	// with an unknown each.value. Anything else must be wholly known.
	if !v.IsKnown() || (!v.IsWhollyKnown() && !(v.Type().IsMapType() || v.Type().IsObjectType())) {
		return nil, true, nil
	}
	if v.IsNull() {
		return nil, false, badExpansion(req.ForEach, ctx, "for_each", "for_each must be a map, a set of strings or a list, not null.")
	}
	t := v.Type()
	n0 := 0
	if v.CanIterateElements() {
		n0 = v.LengthInt()
	}
	if n0 > MaxInstances {
		return nil, false, badExpansion(req.ForEach, ctx, "for_each", fmt.Sprintf("for_each has %d elements; a request block has at most %d instances.", n0, MaxInstances))
	}
	switch {
	case t.IsMapType() || t.IsObjectType():
		m := v.AsValueMap()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			insts = append(insts, &instance{key: cty.StringVal(k), value: m[k], id: k, name: fmt.Sprintf("%s[%q]", base, k)})
		}
	case t.IsSetType():
		if t.ElementType() != cty.String {
			return nil, false, badExpansion(req.ForEach, ctx, "for_each",
				fmt.Sprintf("A set given to for_each must hold strings, not %s.", t.ElementType().FriendlyName()))
		}
		var keys []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsNull() {
				return nil, false, badExpansion(req.ForEach, ctx, "for_each", "A set given to for_each must not hold null.")
			}
			keys = append(keys, e.AsString())
		}
		sort.Strings(keys)
		for _, k := range keys {
			insts = append(insts, &instance{key: cty.StringVal(k), value: cty.StringVal(k), id: k, name: fmt.Sprintf("%s[%q]", base, k)})
		}
	case t.IsListType() || t.IsTupleType():
		// A list (csvdecode(file("users.csv")), say): one instance per
		// element, keyed by its index as a string.
		for i, e := range v.AsValueSlice() {
			k := fmt.Sprint(i)
			insts = append(insts, &instance{key: cty.StringVal(k), value: e, id: k, name: fmt.Sprintf("%s[%q]", base, k)})
		}
	default:
		return nil, false, badExpansion(req.ForEach, ctx, "for_each",
			fmt.Sprintf("for_each must be a map, a set of strings or a list, not %s.", t.FriendlyName()))
	}
	return insts, false, nil
}

func badExpansion(expr hcl.Expression, ctx *hcl.EvalContext, arg, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity:    hcl.DiagError,
		Summary:     fmt.Sprintf("Invalid %s argument", arg),
		Detail:      detail,
		Subject:     expr.Range().Ptr(),
		Expression:  expr,
		EvalContext: ctx,
	}}
}

func sensitiveExpansion(expr hcl.Expression, arg string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s argument", arg),
		Detail: fmt.Sprintf("Sensitive values cannot be used in %s: instance keys are shown in every report. "+
			"Use the sensitive value inside the request instead.", arg),
		Subject: expr.Range().Ptr(),
	}}
}

// instanceRoots are inst's count.index, or each.key and each.value, as
// instanceData gives them (see dsl.EvalTemplateShared).
func instanceRoots(n *node, inst *instance) dsl.InstanceRoots {
	if inst == nil || inst.key == cty.NilVal {
		return dsl.InstanceRoots{}
	}
	if n.request != nil && n.request.Count != nil {
		return dsl.InstanceRoots{CountIndex: inst.key}
	}
	if n.request != nil && n.request.Expanded() {
		return dsl.InstanceRoots{EachKey: inst.key, EachValue: inst.value}
	}
	return dsl.InstanceRoots{}
}

// instanceData is what an instance's expressions see: the shared state,
// each.key/each.value or count.index, and in its checks its response.
type instanceData struct {
	st   *state
	inst *instance
	// resp is the instance's response in its checks; nil while unknown.
	resp *response
}

func (d instanceData) Value(addr addrs.Referenceable) cty.Value {
	switch a := addr.(type) {
	case addrs.Response:
		if d.resp == nil {
			return cty.UnknownVal(responseType)
		}
		return d.resp.value()
	case addrs.EachAttr:
		if d.inst == nil || d.inst.key == cty.NilVal {
			return cty.DynamicVal
		}
		if a.Name == "key" {
			return d.inst.key
		}
		return d.inst.value
	case addrs.CountAttr:
		if d.inst == nil || d.inst.key == cty.NilVal {
			return cty.DynamicVal
		}
		return d.inst.key
	}
	return d.st.Value(addr)
}
