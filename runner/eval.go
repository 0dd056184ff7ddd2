package runner

import (
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/sigrun-dev/sigrun/dsl"
)

// evaluator evaluates a block's arguments into Go values, accumulating
// diagnostics and the secret strings it met (values marked sensitive), so
// that they can be redacted from everything the run shows.
type evaluator struct {
	ctx     *hcl.EvalContext
	diags   hcl.Diagnostics
	secrets []string
	// unknown is set when a value was unknown: in a validate pass that is
	// expected (it waits on a response); in a run it never happens.
	unknown bool
}

func (e *evaluator) eval(expr hcl.Expression, want cty.Type, what string) (cty.Value, bool) {
	v, diags := dsl.EvalExpr(expr, e.ctx, want, what)
	e.diags = append(e.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	v, marks := v.UnmarkDeep()
	if !v.IsWhollyKnown() {
		e.unknown = true
		return cty.NilVal, false
	}
	if _, sensitive := marks[dsl.Sensitive]; sensitive {
		e.collectSecrets(v)
	}
	return v, true
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
		EvalContext: e.ctx,
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
	return out, true
}

// stringMap evaluates a map of strings (headers), sorted by name.
func (e *evaluator) stringMap(expr hcl.Expression, what string) ([]pair, bool) {
	if expr == nil {
		return nil, false
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
	return out, true
}
