package runner

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// evaluator evaluates a block's arguments into Go values, accumulating
// diagnostics and the secret strings it met (values marked sensitive), so
// that they can be redacted from everything the run shows.
type evaluator struct {
	// ctx is the evaluation context; use context(), which builds it on
	// first need from shared, refs and data when those are set.
	ctx *hcl.EvalContext
	// shared (dsl.SharedEvalContext of refs) and roots serve templates
	// until something needs the instance's own context.
	shared *hcl.EvalContext
	refs   []*addrs.Reference
	data   dsl.Data
	roots  dsl.InstanceRoots
	// consts holds the values of a node's expressions that refer to
	// nothing, evaluated once for all its instances; nil: none.
	consts  *constCache
	diags   hcl.Diagnostics
	secrets []string
	// unknown is set when a value was unknown: in a validate pass that is
	// expected (it waits on a response); in a run it never happens.
	unknown bool
}

// context returns the evaluation context, building an instance's from its
// shared one on first need.
func (e *evaluator) context() *hcl.EvalContext {
	if e.ctx == nil && e.shared != nil {
		e.ctx = dsl.InstanceEvalContext(e.shared, e.refs, e.data)
	}
	return e.ctx
}

func (e *evaluator) eval(expr hcl.Expression, want cty.Type, what string) (cty.Value, bool) {
	if v, ok := e.consts.get(expr, want); ok {
		return v, true
	}
	if e.ctx == nil && e.shared != nil && (want == cty.String || want == cty.DynamicPseudoType) {
		// A template of literals and references needs no context of the
		// instance's own (dsl.EvalTemplateShared): "/items/${count.index}".
		if t, ok := expr.(*hclsyntax.TemplateExpr); ok {
			if v, ok := dsl.EvalTemplateShared(t, e.shared, &e.roots); ok {
				e.consts.put(expr, want, v)
				return v, true
			}
		}
	}
	v, diags := dsl.EvalExpr(expr, e.context(), want, what)
	e.diags = append(e.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	var marks cty.ValueMarks
	if v.ContainsMarked() {
		v, marks = v.UnmarkDeep()
	}
	if !v.IsWhollyKnown() {
		e.unknown = true
		return cty.NilVal, false
	}
	if _, sensitive := marks[dsl.Sensitive]; sensitive {
		e.collectSecrets(v)
	} else {
		e.consts.put(expr, want, v)
	}
	return v, true
}

// constCache keeps the values of expressions that refer to nothing and
// call no impure function: the same for every instance of a block. It is
// safe for concurrent use. A block has few such expressions, so the cache
// is lists, quicker to search than maps are to build for every block.
type constCache struct {
	// constant lists the expressions that may be cached.
	constant []hcl.Expression
	mu       sync.RWMutex
	vals     []constVal
	pairs    []constPairs
}

// constVal is an expression's value converted to want.
type constVal struct {
	expr hcl.Expression
	want cty.Type
	v    cty.Value
}

// constPairs is a map argument in its final form.
type constPairs struct {
	expr  hcl.Expression
	pairs []pair
}

// has reports whether expr may be cached.
func (c *constCache) has(expr hcl.Expression) bool {
	if c == nil {
		return false
	}
	for _, e := range c.constant {
		if e == expr {
			return true
		}
	}
	return false
}

func (c *constCache) get(expr hcl.Expression, want cty.Type) (cty.Value, bool) {
	if !c.has(expr) {
		return cty.NilVal, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, cv := range c.vals {
		if cv.expr == expr && cv.want == want {
			return cv.v, true
		}
	}
	return cty.NilVal, false
}

func (c *constCache) put(expr hcl.Expression, want cty.Type, v cty.Value) {
	if !c.has(expr) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, cv := range c.vals {
		if cv.expr == expr && cv.want == want {
			c.vals[i].v = v
			return
		}
	}
	c.vals = append(c.vals, constVal{expr: expr, want: want, v: v})
}

// getPairs and putPairs cache a constant map argument in its final form.
// The pairs are shared: callers must not modify them.
func (c *constCache) getPairs(expr hcl.Expression) ([]pair, bool) {
	if !c.has(expr) {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, cp := range c.pairs {
		if cp.expr == expr {
			return cp.pairs, true
		}
	}
	return nil, false
}

func (c *constCache) putPairs(expr hcl.Expression, p []pair) {
	if !c.has(expr) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, cp := range c.pairs {
		if cp.expr == expr {
			c.pairs[i].pairs = p
			return
		}
	}
	c.pairs = append(c.pairs, constPairs{expr: expr, pairs: p})
}

func (e *evaluator) collectSecrets(v cty.Value) {
	if v.IsNull() || !v.IsKnown() {
		return
	}
	switch {
	case v.Type() == cty.String:
		if s := v.AsString(); s != "" {
			e.secrets = append(e.secrets, s)
		}
	case v.Type().IsPrimitiveType():
		if s, err := convert.Convert(v, cty.String); err == nil {
			e.secrets = append(e.secrets, s.AsString())
		}
	case v.CanIterateElements():
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			e.collectSecrets(ev)
		}
	}
}

func (e *evaluator) errorf(expr hcl.Expression, summary, format string, args ...any) {
	e.diags = append(e.diags, &hcl.Diagnostic{
		Severity:    hcl.DiagError,
		Summary:     summary,
		Detail:      fmt.Sprintf(format, args...),
		Subject:     expr.Range().Ptr(),
		Expression:  expr,
		EvalContext: e.context(),
	})
}

// str evaluates a string argument; ok is false when it is absent, null,
// unknown or invalid.
func (e *evaluator) str(expr hcl.Expression, what string) (string, bool) {
	if expr == nil {
		return "", false
	}
	v, ok := e.eval(expr, cty.String, what)
	if !ok || v.IsNull() {
		return "", false
	}
	return v.AsString(), true
}

func (e *evaluator) boolean(expr hcl.Expression, what string) (bool, bool) {
	if expr == nil {
		return false, false
	}
	v, ok := e.eval(expr, cty.Bool, what)
	if !ok || v.IsNull() {
		return false, false
	}
	return v.True(), true
}

func (e *evaluator) duration(expr hcl.Expression, what string) (time.Duration, bool) {
	s, ok := e.str(expr, what)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		e.errorf(expr, fmt.Sprintf("Invalid value for %s", what),
			"%s must be a positive duration such as \"500ms\", \"10s\" or \"1m\", not %q.", what, s)
		return 0, false
	}
	return d, true
}

func (e *evaluator) strings(expr hcl.Expression, what string) ([]string, bool) {
	if expr == nil {
		return nil, false
	}
	v, ok := e.eval(expr, cty.List(cty.String), what)
	if !ok || v.IsNull() {
		return nil, false
	}
	out := make([]string, 0, v.LengthInt())
	for _, s := range v.AsValueSlice() {
		if !s.IsNull() {
			out = append(out, s.AsString())
		}
	}
	return out, true
}

// pair is one name and its values, in the order written.
type pair struct {
	name   string
	values []string
}

// multiMap evaluates a map whose values are strings or lists of strings
// (query, form), returning pairs sorted by name.
func (e *evaluator) multiMap(expr hcl.Expression, what string) ([]pair, bool) {
	if expr == nil {
		return nil, false
	}
	if p, ok := e.consts.getPairs(expr); ok {
		return p, true
	}
	v, ok := e.eval(expr, cty.DynamicPseudoType, what)
	if !ok || v.IsNull() {
		return nil, false
	}
	if !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		e.errorf(expr, fmt.Sprintf("Invalid value for %s", what),
			"%s must be a map of strings or lists of strings, not %s.", what, v.Type().FriendlyName())
		return nil, false
	}
	var out []pair
	for k, val := range v.AsValueMap() {
		p := pair{name: k}
		switch {
		case val.IsNull():
			continue
		case val.Type().IsListType() || val.Type().IsTupleType() || val.Type().IsSetType():
			l, err := convert.Convert(val, cty.List(cty.String))
			if err != nil {
				e.errorf(expr, fmt.Sprintf("Invalid value for %s", what), "%s[%q] must be a string or a list of strings: %s.", what, k, err)
				return nil, false
			}
			for _, s := range l.AsValueSlice() {
				p.values = append(p.values, s.AsString())
			}
		default:
			s, err := convert.Convert(val, cty.String)
			if err != nil {
				e.errorf(expr, fmt.Sprintf("Invalid value for %s", what), "%s[%q] must be a string or a list of strings: %s.", what, k, err)
				return nil, false
			}
			p.values = []string{s.AsString()}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	if len(e.diags) == 0 {
		e.consts.putPairs(expr, out)
	}
	return out, true
}

// stringMap evaluates a map of strings (headers), sorted by name.
func (e *evaluator) stringMap(expr hcl.Expression, what string) ([]pair, bool) {
	if expr == nil {
		return nil, false
	}
	if p, ok := e.consts.getPairs(expr); ok {
		return p, true
	}
	v, ok := e.eval(expr, cty.Map(cty.String), what)
	if !ok || v.IsNull() {
		return nil, false
	}
	out := make([]pair, 0, v.LengthInt())
	for k, s := range v.AsValueMap() {
		if !s.IsNull() {
			out = append(out, pair{name: k, values: []string{s.AsString()}})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	if len(e.diags) == 0 {
		e.consts.putPairs(expr, out)
	}
	return out, true
}
