package dsl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// EnvVarPrefix prefixes environment variables that set input variables:
// SIGRUN_VAR_stage=dev sets var.stage.
const EnvVarPrefix = "SIGRUN_VAR_"

// Sensitive is the cty mark carried by sensitive values and everything
// derived from them. Renderers show such values as (sensitive value).
const Sensitive = "sensitive"

// VarSourceKind says where a variable value came from.
type VarSourceKind int

const (
	// VarEnv is a SIGRUN_VAR_name environment variable.
	VarEnv VarSourceKind = iota
	// VarFile is a variable file: --var-file, or env/NAME.hcl chosen with --env.
	VarFile
	// VarFlag is --var name=value.
	VarFlag
)

// VarSource is one source of variable values. Sources are applied in
// order, later ones winning, which gives Terraform's precedence when the
// caller lists environment variables first, then the --env file, then the
// --var and --var-file options in the order they were given.
type VarSource struct {
	Kind VarSourceKind
	// Raw is "name=value" for VarEnv (without the prefix) and VarFlag.
	Raw string
	// Filename and Src are the variable file for VarFile.
	Filename string
	Src      []byte
}

// EnvSources returns the SIGRUN_VAR_ entries of environ as sources, sorted
// by name so that their order does not depend on the environment's.
func EnvSources(environ []string) []VarSource {
	var out []VarSource
	for _, kv := range environ {
		if rest, ok := strings.CutPrefix(kv, EnvVarPrefix); ok && strings.Contains(rest, "=") && !strings.HasPrefix(rest, "=") {
			out = append(out, VarSource{Kind: VarEnv, Raw: rest})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Raw < out[j].Raw })
	return out
}

// ResolveVariables computes the value of every variable from its default
// and the sources, converts each to its declared type, marks sensitive
// values and checks validation blocks. funcs is the function table for
// validation conditions.
func (c *Collection) ResolveVariables(sources []VarSource, funcs map[string]function.Function) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	values := make(map[string]cty.Value, len(c.Variables))
	for _, v := range c.Variables {
		if !v.Required() {
			values[v.Name] = v.Default
		}
	}

	for _, src := range sources {
		switch src.Kind {
		case VarEnv, VarFlag:
			name, raw, ok := strings.Cut(src.Raw, "=")
			if !ok || name == "" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid --var option",
					Detail:   fmt.Sprintf("The --var option takes name=value, not %q.", src.Raw),
				})
				continue
			}
			v := c.Variable(name)
			if v == nil {
				if src.Kind == VarEnv {
					continue // like TF_VAR_, an environment value for an undeclared variable is ignored
				}
				diags = append(diags, c.undeclaredVarValue(name, "--var "+name+"=…", nil))
				continue
			}
			val, moreDiags := parseRawVariable(v, raw, sourceLabel(src, name))
			diags = append(diags, moreDiags...)
			if !moreDiags.HasErrors() {
				values[name] = val
			}
		case VarFile:
			fileVals, moreDiags := c.parseVarFile(src)
			diags = append(diags, moreDiags...)
			for k, val := range fileVals {
				values[k] = val
			}
		}
	}

	for _, v := range c.Variables {
		val, ok := values[v.Name]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("No value for required variable %q", v.Name),
				Detail: fmt.Sprintf("Variable %q has no default, so it must be set: with --var %s=VALUE, in a "+
					"--var-file or an env/NAME.hcl file chosen with --env, or with the environment variable %s%s.",
					v.Name, v.Name, EnvVarPrefix, v.Name),
				Subject: v.DeclRange.Ptr(),
			})
			continue
		}
		if v.Sensitive {
			val = val.Mark(Sensitive)
			values[v.Name] = val
		}
	}
	if diags.HasErrors() {
		return values, diags
	}
	diags = append(diags, c.checkVariableValidations(values, funcs)...)
	return values, diags
}

func sourceLabel(src VarSource, name string) string {
	if src.Kind == VarEnv {
		return "environment variable " + EnvVarPrefix + name
	}
	return "--var " + name
}

func (c *Collection) undeclaredVarValue(name, where string, subject *hcl.Range) *hcl.Diagnostic {
	var names []string
	for _, v := range c.Variables {
		names = append(names, v.Name)
	}
	detail := fmt.Sprintf("%s sets a variable that the collection does not declare.", where)
	if s := nameSuggestion(name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else {
		detail += " Declare it with a variable block first."
	}
	sev := hcl.DiagError
	if subject != nil {
		sev = hcl.DiagWarning
	}
	return &hcl.Diagnostic{
		Severity: sev,
		Summary:  fmt.Sprintf("Value for undeclared variable %q", name),
		Detail:   detail,
		Subject:  subject,
	}
}

// parseRawVariable reads a value given as text: as is for string (and
// untyped) variables, as an HCL expression for others, like Terraform's -var.
func parseRawVariable(v *Variable, raw, label string) (cty.Value, hcl.Diagnostics) {
	if !v.ParseHCL {
		return cty.StringVal(raw), nil
	}
	if diags := checkNesting([]byte(raw), label, true); diags.HasErrors() {
		return cty.NilVal, diags
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), label, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid value for variable %q", v.Name),
			Detail:   fmt.Sprintf("The value from %s is not valid for type %s: %s.", label, v.Type.FriendlyName(), diags[0].Summary),
		}}
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid value for variable %q", v.Name),
			Detail:   fmt.Sprintf("The value from %s must be a literal: %s.", label, diags[0].Summary),
		}}
	}
	return convertVariable(v, val, label, nil)
}

func convertVariable(v *Variable, val cty.Value, label string, subject *hcl.Range) (cty.Value, hcl.Diagnostics) {
	if v.TypeDefaults != nil {
		val = v.TypeDefaults.Apply(val)
	}
	conv, err := convert.Convert(val, v.Type)
	if err != nil {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid value for variable %q", v.Name),
			Detail:   fmt.Sprintf("The value from %s does not fit type %s: %s.", label, v.Type.FriendlyName(), err),
			Subject:  subject,
		}}
	}
	return conv, nil
}

func (c *Collection) parseVarFile(src VarSource) (map[string]cty.Value, hcl.Diagnostics) {
	if diags := checkNesting(src.Src, src.Filename, false); diags.HasErrors() {
		return nil, diags
	}
	f, diags := hclsyntax.ParseConfig(src.Src, src.Filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	c.Files[src.Filename] = f
	attrs, diags := f.Body.JustAttributes()
	out := map[string]cty.Value{}
	for _, attr := range sortedAttributes(attrs) {
		v := c.Variable(attr.Name)
		if v == nil {
			diags = append(diags, c.undeclaredVarValue(attr.Name, "The variable file "+src.Filename, attr.NameRange.Ptr()))
			continue
		}
		val, moreDiags := attr.Expr.Value(nil)
		if moreDiags.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid variable value",
				Detail:   "Values in a variable file must be literals: they cannot refer to other objects or call functions.",
				Subject:  attr.Expr.Range().Ptr(),
			})
			continue
		}
		conv, moreDiags := convertVariable(v, val, src.Filename, attr.Expr.Range().Ptr())
		diags = append(diags, moreDiags...)
		if !moreDiags.HasErrors() {
			out[attr.Name] = conv
		}
	}
	return out, diags
}

func (c *Collection) checkVariableValidations(values map[string]cty.Value, funcs map[string]function.Function) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, v := range c.Variables {
		for _, rule := range v.Validations {
			ctx := &hcl.EvalContext{
				Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.Name: values[v.Name]})},
				Functions: funcs,
			}
			ok, msg, moreDiags := EvalCheckRule(rule, ctx)
			diags = append(diags, moreDiags...)
			if moreDiags.HasErrors() || ok {
				continue
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity:    hcl.DiagError,
				Summary:     "Invalid value for variable",
				Detail:      msg + fmt.Sprintf("\n\nThis was checked by the validation rule at %s:%d,%d.", rule.DeclRange.Filename, rule.DeclRange.Start.Line, rule.DeclRange.Start.Column),
				Subject:     v.DeclRange.Ptr(),
				Expression:  rule.Condition,
				EvalContext: ctx,
			})
		}
	}
	return diags
}

// ModuleVariables computes the variables of a module call's child from the
// call's input expressions (evaluated with ctx, the parent's context) and
// the child's defaults, converting each to its type, marking sensitive
// ones and checking validation blocks (with funcs, the child's function
// table). Unknown inputs stay unknown.
func ModuleVariables(call *ModuleCall, ctx *hcl.EvalContext, funcs map[string]function.Function) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	child := call.Child
	values := make(map[string]cty.Value, len(child.Variables))
	for _, v := range child.Variables {
		in := call.Input(v.Name)
		if in == nil {
			if v.Required() {
				continue // reported when the collection was loaded
			}
			values[v.Name] = v.Default
		} else {
			val, moreDiags := in.Expr.Value(ctx)
			diags = append(diags, moreDiags...)
			if moreDiags.HasErrors() {
				values[v.Name] = cty.DynamicVal
				continue
			}
			label := fmt.Sprintf("module %q argument %s", call.Name, v.Name)
			conv, moreDiags := convertVariable(v, val, label, in.Expr.Range().Ptr())
			diags = append(diags, moreDiags...)
			if moreDiags.HasErrors() {
				values[v.Name] = cty.DynamicVal
				continue
			}
			values[v.Name] = conv
		}
		if v.Sensitive {
			values[v.Name] = values[v.Name].Mark(Sensitive)
		}
	}
	if diags.HasErrors() {
		return values, diags
	}
	known := true
	for _, val := range values {
		if !val.IsWhollyKnown() {
			known = false
		}
	}
	if known {
		diags = append(diags, child.checkVariableValidations(values, funcs)...)
	}
	return values, diags
}
