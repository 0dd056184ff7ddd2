package dsl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/sigrun-dev/sigrun/dsl/funcs"
)

func testFuncs() map[string]function.Function {
	return funcs.Functions(funcs.Options{})
}

func flag(raw string) VarSource { return VarSource{Kind: VarFlag, Raw: raw} }

func varFile(name, src string) VarSource {
	return VarSource{Kind: VarFile, Filename: name, Src: []byte(src)}
}

func TestEnvSources(t *testing.T) {
	environ := []string{
		"PATH=/usr/bin",
		"SIGRUN_VAR_stage=dev",
		"SIGRUN_VAR_api_id=abc=def", // the value may hold "="
		"SIGRUN_VAR_novalue",        // no "=": not an assignment
		"sigrun_var_lower=x",        // the prefix is case-sensitive
		"XSIGRUN_VAR_other=x",       // the prefix must be at the start
		"SIGRUN_VAR_empty=",
		"SIGRUN_VARIANT=x",
	}
	got := EnvSources(environ)
	want := []VarSource{
		{Kind: VarEnv, Raw: "api_id=abc=def"},
		{Kind: VarEnv, Raw: "empty="},
		{Kind: VarEnv, Raw: "stage=dev"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvSources (-want +got):\n%s", diff)
	}
	if got := EnvSources(nil); len(got) != 0 {
		t.Errorf("EnvSources(nil) = %v", got)
	}
}

const precedenceSrc = `
variable "stage" {
  default = "default"
}

variable "other" {
  default = "other-default"
}
`

// TestResolveVariablesPrecedence: default < SIGRUN_VAR_ < --env file <
// --var and --var-file in the order given, the later winning, when the
// caller lists sources in that order (as the command line does).
func TestResolveVariablesPrecedence(t *testing.T) {
	env := EnvSources([]string{"SIGRUN_VAR_stage=from-env", "HOME=/root"})
	envFile := varFile("env/dev.hcl", `stage = "from-env-file"`)
	tests := []struct {
		name    string
		sources []VarSource
		want    string
	}{
		{"default", nil, "default"},
		{"environment over default", env, "from-env"},
		{"env file over environment", concat(env, envFile), "from-env-file"},
		{"--var over env file", concat(env, envFile, flag("stage=from-flag")), "from-flag"},
		{"--var-file after --var wins", concat(env, envFile, flag("stage=from-flag"), varFile("x.hcl", `stage = "from-var-file"`)), "from-var-file"},
		{"--var after --var-file wins", concat(env, envFile, varFile("x.hcl", `stage = "from-var-file"`), flag("stage=from-flag")), "from-flag"},
		{"last --var wins", concat(flag("stage=one"), flag("stage=two")), "two"},
		{"env file without the variable keeps the environment's", concat(env, varFile("env/dev.hcl", `other = "o"`)), "from-env"},
		{"value holding =", []VarSource{flag("stage=a=b")}, "a=b"},
		{"empty value", []VarSource{flag("stage=")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoadSrc(t, precedenceSrc)
			vals, diags := c.ResolveVariables(tt.sources, testFuncs())
			if len(diags) > 0 {
				t.Fatalf("diagnostics:%s", diagsString(diags))
			}
			if got := vals["stage"]; !got.RawEquals(cty.StringVal(tt.want)) {
				t.Errorf("stage = %#v, want %q", got, tt.want)
			}
			if len(vals) != 2 {
				t.Errorf("%d values, want 2: %v", len(vals), vals)
			}
		})
	}
}

func concat(parts ...any) []VarSource {
	var out []VarSource
	for _, p := range parts {
		switch p := p.(type) {
		case VarSource:
			out = append(out, p)
		case []VarSource:
			out = append(out, p...)
		}
	}
	return out
}

const typedSrc = `
variable "str" {
  type    = string
  default = "d"
}
variable "untyped" {
  default = "d"
}
variable "any" {
  type    = any
  default = "d"
}
variable "num" {
  type    = number
  default = 0
}
variable "flag" {
  type    = bool
  default = false
}
variable "list" {
  type    = list(string)
  default = []
}
variable "nums" {
  type    = map(number)
  default = {}
}
variable "obj" {
  type    = object({ name = string, n = number })
  default = { name = "x", n = 1 }
}
`

func TestResolveVariablesTypedParsing(t *testing.T) {
	tests := []struct {
		raw  string // name=value, given as --var and as SIGRUN_VAR_
		want cty.Value
	}{
		{`str=a b`, cty.StringVal("a b")},
		{`str="quoted"`, cty.StringVal(`"quoted"`)},
		{`str=[1, 2]`, cty.StringVal("[1, 2]")},
		{`str=${var.x}`, cty.StringVal("${var.x}")},
		{`untyped=42`, cty.StringVal("42")},
		{`untyped=a b`, cty.StringVal("a b")},
		// Terraform parses values for "any" as HCL, like every
		// non-primitive type constraint.
		{`any=[1, 2]`, cty.TupleVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)})},
		{`num=42`, cty.NumberIntVal(42)},
		{`num=-1.5`, cty.NumberFloatVal(-1.5)},
		{`num="7"`, cty.NumberIntVal(7)},
		{`flag=true`, cty.True},
		{`flag=false`, cty.False},
		{`list=["a", "b"]`, cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{`list=[1, 2]`, cty.ListVal([]cty.Value{cty.StringVal("1"), cty.StringVal("2")})},
		{`list=[]`, cty.ListValEmpty(cty.String)},
		{`nums={a = 1, "b" = 2}`, cty.MapVal(map[string]cty.Value{"a": cty.NumberIntVal(1), "b": cty.NumberIntVal(2)})},
		{`obj={name = "n", n = "3"}`, cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("n"), "n": cty.NumberIntVal(3)})},
	}
	for _, tt := range tests {
		name, _, _ := strings.Cut(tt.raw, "=")
		for _, kind := range []VarSourceKind{VarFlag, VarEnv} {
			t.Run(map[VarSourceKind]string{VarFlag: "flag", VarEnv: "env"}[kind]+"/"+tt.raw, func(t *testing.T) {
				c := mustLoadSrc(t, typedSrc)
				vals, diags := c.ResolveVariables([]VarSource{{Kind: kind, Raw: tt.raw}}, testFuncs())
				if len(diags) > 0 {
					t.Fatalf("diagnostics:%s", diagsString(diags))
				}
				if got := vals[name]; !got.RawEquals(tt.want) {
					t.Errorf("%s = %#v, want %#v", name, got, tt.want)
				}
			})
		}
	}
}

func TestResolveVariablesConversionErrors(t *testing.T) {
	tests := []struct {
		source  VarSource
		summary string
		details []string
	}{
		{flag("num=abc"), `Invalid value for variable "num"`, []string{"--var num", "must be a literal", "Variables not allowed"}},
		{flag("num=[1"), `Invalid value for variable "num"`, []string{"--var num", "is not valid for type number"}},
		{flag(`num="x"`), `Invalid value for variable "num"`, []string{"--var num", "does not fit type number", "a number is required"}},
		{flag("num="), `Invalid value for variable "num"`, []string{"--var num"}},
		{flag("flag=maybe"), `Invalid value for variable "flag"`, []string{"--var flag"}},
		{flag("flag=2"), `Invalid value for variable "flag"`, []string{"does not fit type bool", "bool required"}},
		{flag(`list="x"`), `Invalid value for variable "list"`, []string{"does not fit type list of string"}},
		{flag(`nums={a = "x"}`), `Invalid value for variable "nums"`, []string{"does not fit type map of number"}},
		{flag(`obj={name = "x"}`), `Invalid value for variable "obj"`, []string{`attribute "n" is required`}},
		{flag(`num=upper("x")`), `Invalid value for variable "num"`, []string{"must be a literal", "Function calls not allowed"}},
		{VarSource{Kind: VarEnv, Raw: "num=abc"}, `Invalid value for variable "num"`, []string{"environment variable SIGRUN_VAR_num"}},
		{flag("stage"), "Invalid --var option", []string{`The --var option takes name=value, not "stage".`}},
		{flag("=x"), "Invalid --var option", []string{`not "=x"`}},
		{flag("sttr=x"), `Value for undeclared variable "sttr"`, []string{`--var sttr=… sets a variable that the collection does not declare.`, `Did you mean "str"?`}},
		{flag("zzzzzz=x"), `Value for undeclared variable "zzzzzz"`, []string{"Declare it with a variable block first."}},
	}
	for _, tt := range tests {
		t.Run(tt.source.Raw, func(t *testing.T) {
			c := mustLoadSrc(t, typedSrc)
			vals, diags := c.ResolveVariables([]VarSource{tt.source}, testFuncs())
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got:%s", diagsString(diags))
			}
			d := diags[0]
			if d.Severity != hcl.DiagError || d.Summary != tt.summary {
				t.Errorf("got %q (severity %v), want error %q", d.Summary, d.Severity, tt.summary)
			}
			for _, s := range tt.details {
				if !strings.Contains(d.Detail, s) {
					t.Errorf("detail %q does not contain %q", d.Detail, s)
				}
			}
			// A bad value leaves the default in place.
			name, _, _ := strings.Cut(tt.source.Raw, "=")
			if v := c.Variable(name); v != nil && !vals[name].RawEquals(v.Default) {
				t.Errorf("%s = %#v after a failed conversion, want the default %#v", name, vals[name], v.Default)
			}
		})
	}
}

func TestResolveVariablesEnvironmentIgnored(t *testing.T) {
	// Like TF_VAR_, an environment value for an undeclared variable, or an
	// entry that names no variable at all, is not the user's mistake on
	// this command line and is ignored.
	for _, environ := range [][]string{
		{"SIGRUN_VAR_undeclared=x"},
		{"SIGRUN_VAR_strr=x"},
		{"SIGRUN_VAR_=x"},
	} {
		t.Run(environ[0], func(t *testing.T) {
			c := mustLoadSrc(t, typedSrc)
			vals, diags := c.ResolveVariables(EnvSources(environ), testFuncs())
			if len(diags) > 0 {
				t.Fatalf("diagnostics:%s", diagsString(diags))
			}
			if len(vals) != len(c.Variables) {
				t.Errorf("%d values, want %d", len(vals), len(c.Variables))
			}
		})
	}
}

func TestResolveVariablesVarFile(t *testing.T) {
	t.Run("values are converted", func(t *testing.T) {
		c := mustLoadSrc(t, typedSrc)
		vals, diags := c.ResolveVariables([]VarSource{varFile("prod.hcl", `
num  = "5"
list = ["a", 2]
flag = true
obj  = { name = "o", n = 2 }
`)}, testFuncs())
		if len(diags) > 0 {
			t.Fatalf("diagnostics:%s", diagsString(diags))
		}
		want := map[string]cty.Value{
			"num":  cty.NumberIntVal(5),
			"list": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("2")}),
			"flag": cty.True,
			"obj":  cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("o"), "n": cty.NumberIntVal(2)}),
			"str":  cty.StringVal("d"),
		}
		for name, w := range want {
			if !vals[name].RawEquals(w) {
				t.Errorf("%s = %#v, want %#v", name, vals[name], w)
			}
		}
		if c.Files["prod.hcl"] == nil {
			t.Error("the variable file is not in the source cache, so its diagnostics cannot show source")
		}
	})

	type diagWant struct {
		severity hcl.DiagnosticSeverity
		summary  string
		line     int
		column   int
		detail   string
	}
	tests := []struct {
		name string
		src  string
		want []diagWant
		vals map[string]cty.Value // values that must still be set
	}{
		{
			name: "undeclared name is a warning",
			src:  "str = \"s\"\nnmu = 1\nzzzzzz = 2\n",
			want: []diagWant{
				{hcl.DiagWarning, `Value for undeclared variable "nmu"`, 2, 1, `The variable file vars.hcl sets a variable that the collection does not declare. Did you mean "num"?`},
				{hcl.DiagWarning, `Value for undeclared variable "zzzzzz"`, 3, 1, "Declare it with a variable block first."},
			},
			vals: map[string]cty.Value{"str": cty.StringVal("s"), "num": cty.NumberIntVal(0)},
		},
		{
			name: "not a literal",
			src:  "str = \"s\"\nnum = var.other\n",
			want: []diagWant{{hcl.DiagError, "Invalid variable value", 2, 7, "must be literals"}},
			vals: map[string]cty.Value{"str": cty.StringVal("s")},
		},
		{
			name: "wrong type",
			src:  "\nnum = \"abc\"\n",
			want: []diagWant{{hcl.DiagError, `Invalid value for variable "num"`, 2, 7, "The value from vars.hcl does not fit type number: a number is required."}},
		},
		{
			name: "syntax error",
			src:  "num = \n",
			want: []diagWant{{hcl.DiagError, "Invalid expression", 1, 7, ""}},
		},
		{
			name: "blocks are not allowed",
			src:  "variable \"num\" {\n  default = 1\n}\n",
			want: []diagWant{{hcl.DiagError, "Unexpected \"variable\" block", 1, 1, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoadSrc(t, typedSrc)
			vals, diags := c.ResolveVariables([]VarSource{varFile("vars.hcl", tt.src)}, testFuncs())
			if len(diags) != len(tt.want) {
				t.Fatalf("want %d diagnostics, got:%s", len(tt.want), diagsString(diags))
			}
			for i, w := range tt.want {
				d := diags[i]
				if d.Severity != w.severity || d.Summary != w.summary {
					t.Errorf("diag %d: %q (severity %v), want %q (severity %v)", i, d.Summary, d.Severity, w.summary, w.severity)
				}
				if d.Subject == nil || d.Subject.Filename != "vars.hcl" || d.Subject.Start.Line != w.line || d.Subject.Start.Column != w.column {
					t.Errorf("diag %d %q: subject %v, want vars.hcl:%d,%d", i, d.Summary, d.Subject, w.line, w.column)
				}
				if !strings.Contains(d.Detail, w.detail) {
					t.Errorf("diag %d: detail %q does not contain %q", i, d.Detail, w.detail)
				}
			}
			for name, w := range tt.vals {
				if !vals[name].RawEquals(w) {
					t.Errorf("%s = %#v, want %#v", name, vals[name], w)
				}
			}
		})
	}
}

const requiredSrc = `
variable "stage" {
  default = "prod"
}

variable "api_id" {
  type = string
}

variable "region" {}
`

func TestResolveVariablesRequired(t *testing.T) {
	c := mustLoadSrc(t, requiredSrc)
	vals, diags := c.ResolveVariables(nil, testFuncs())
	if len(diags) != 2 {
		t.Fatalf("want two diagnostics, got:%s", diagsString(diags))
	}
	for i, w := range []struct {
		name string
		line int
	}{{"api_id", 6}, {"region", 10}} {
		d := diags[i]
		if d.Severity != hcl.DiagError || d.Summary != `No value for required variable "`+w.name+`"` {
			t.Errorf("diag %d: %q", i, d.Summary)
		}
		for _, s := range []string{
			`Variable "` + w.name + `" has no default`,
			"--var " + w.name + "=VALUE",
			"--var-file",
			"--env",
			"SIGRUN_VAR_" + w.name,
		} {
			if !strings.Contains(d.Detail, s) {
				t.Errorf("diag %d: detail %q does not contain %q", i, d.Detail, s)
			}
		}
		if d.Subject == nil || d.Subject.Filename != "coll/main.hcl" || d.Subject.Start.Line != w.line || d.Subject.Start.Column != 1 {
			t.Errorf("diag %d: subject %v, want coll/main.hcl:%d,1", i, d.Subject, w.line)
		}
	}
	if !vals["stage"].RawEquals(cty.StringVal("prod")) {
		t.Errorf("stage = %#v", vals["stage"])
	}

	// Every way of setting them works.
	vals, diags = c.ResolveVariables([]VarSource{
		{Kind: VarEnv, Raw: "api_id=from-env"},
		varFile("env/dev.hcl", `region = "eu-west-1"`),
	}, testFuncs())
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", diagsString(diags))
	}
	if !vals["api_id"].RawEquals(cty.StringVal("from-env")) || !vals["region"].RawEquals(cty.StringVal("eu-west-1")) {
		t.Errorf("api_id = %#v, region = %#v", vals["api_id"], vals["region"])
	}
}

const sensitiveSrc = `
variable "token" {
  type      = string
  sensitive = true
}

variable "plain" {
  default = "p"
}

variable "secret_list" {
  type      = list(string)
  sensitive = true
  default   = ["a"]
}
`

func TestResolveVariablesSensitive(t *testing.T) {
	for _, src := range []VarSource{flag("token=t0ken"), {Kind: VarEnv, Raw: "token=t0ken"}, varFile("v.hcl", `token = "t0ken"`)} {
		t.Run(src.Raw+src.Filename, func(t *testing.T) {
			c := mustLoadSrc(t, sensitiveSrc)
			vals, diags := c.ResolveVariables([]VarSource{src}, testFuncs())
			if len(diags) > 0 {
				t.Fatalf("diagnostics:%s", diagsString(diags))
			}
			tok := vals["token"]
			if !tok.HasMark(Sensitive) {
				t.Errorf("token is not marked sensitive: %#v", tok)
			}
			if un, _ := tok.Unmark(); !un.RawEquals(cty.StringVal("t0ken")) {
				t.Errorf("token = %#v", un)
			}
			if !vals["secret_list"].HasMark(Sensitive) {
				t.Error("a sensitive default is not marked")
			}
			if vals["plain"].IsMarked() {
				t.Errorf("plain is marked: %#v", vals["plain"])
			}
		})
	}
}

const validationSrc = `
variable "token" {
  type    = string
  default = "abcd"

  validation {
    condition     = length(var.token) > 3
    error_message = "The token must be longer than 3 characters, not ${length(var.token)}."
  }

  validation {
    condition     = can(regex("^[a-z]+$", var.token))
    error_message = "The token must be lower-case letters."
  }
}

variable "count" {
  type    = number
  default = 1

  validation {
    condition     = var.count >= 1 && var.count <= 10
    error_message = "count must be between 1 and 10."
  }
}
`

func TestResolveVariablesValidation(t *testing.T) {
	type failure struct {
		variable string
		line     int // the variable block's
		message  string
		rule     string // "file:line,col" of the validation block
	}
	tests := []struct {
		name    string
		sources []VarSource
		want    []failure
	}{
		{"defaults pass", nil, nil},
		{"values pass", []VarSource{flag("token=xyzzy"), flag("count=10")}, nil},
		{"first rule fails", []VarSource{flag("token=ab")}, []failure{
			{"token", 2, "The token must be longer than 3 characters, not 2.", "coll/main.hcl:6,3"},
		}},
		{"both rules fail", []VarSource{flag("token=AB")}, []failure{
			{"token", 2, "The token must be longer than 3 characters, not 2.", "coll/main.hcl:6,3"},
			{"token", 2, "The token must be lower-case letters.", "coll/main.hcl:11,3"},
		}},
		{"two variables fail", []VarSource{flag("token=ABCD"), varFile("v.hcl", "count = 11")}, []failure{
			{"token", 2, "The token must be lower-case letters.", "coll/main.hcl:11,3"},
			{"count", 17, "count must be between 1 and 10.", "coll/main.hcl:21,3"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoadSrc(t, validationSrc)
			_, diags := c.ResolveVariables(tt.sources, testFuncs())
			if len(diags) != len(tt.want) {
				t.Fatalf("want %d diagnostics, got:%s", len(tt.want), diagsString(diags))
			}
			for i, w := range tt.want {
				d := diags[i]
				if d.Severity != hcl.DiagError || d.Summary != "Invalid value for variable" {
					t.Errorf("diag %d: %q", i, d.Summary)
				}
				wantDetail := w.message + "\n\nThis was checked by the validation rule at " + w.rule + "."
				if d.Detail != wantDetail {
					t.Errorf("diag %d: detail %q, want %q", i, d.Detail, wantDetail)
				}
				if d.Subject == nil || d.Subject.Filename != "coll/main.hcl" || d.Subject.Start.Line != w.line {
					t.Errorf("diag %d: subject %v, want the %s variable block at line %d", i, d.Subject, w.variable, w.line)
				}
				if d.Expression == nil || d.EvalContext == nil {
					t.Errorf("diag %d: no Expression/EvalContext for rendering the values", i)
					continue
				}
				// The context holds the variable's value, for the renderer's
				// "var.x is ..." lines.
				if v, ok := d.EvalContext.Variables["var"]; !ok || !v.Type().HasAttribute(w.variable) {
					t.Errorf("diag %d: EvalContext has no var.%s", i, w.variable)
				}
			}
		})
	}
}

func TestResolveVariablesValidationNotRunOnErrors(t *testing.T) {
	// A value that would fail validation is not checked while another
	// variable has no value: the user first fixes the missing value.
	c := mustLoadSrc(t, validationSrc+"\nvariable \"required\" {}\n")
	_, diags := c.ResolveVariables([]VarSource{flag("token=A")}, testFuncs())
	if len(diags) != 1 || diags[0].Summary != `No value for required variable "required"` {
		t.Errorf("diagnostics:%s", diagsString(diags))
	}
}

func TestResolveVariablesValidationErrors(t *testing.T) {
	tests := []struct {
		name, condition, summary string
	}{
		{"null condition", `var.v == "" ? null : true`, "Invalid condition result"},
		{"non-bool condition", "length(var.v)", "Invalid condition result"},
		{"unknown function", "nosuchfunc(var.v)", "Call to unknown function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoadSrc(t, `
variable "v" {
  type    = string
  default = ""

  validation {
    condition     = `+tt.condition+`
    error_message = "bad"
  }
}
`)
			_, diags := c.ResolveVariables(nil, testFuncs())
			if len(diags) != 1 || diags[0].Summary != tt.summary || diags[0].Severity != hcl.DiagError {
				t.Fatalf("want one %q error, got:%s", tt.summary, diagsString(diags))
			}
			if s := diags[0].Subject; s == nil || s.Start.Line != 7 {
				t.Errorf("subject %v, want line 7", s)
			}
		})
	}
}

// TestResolveVariablesValidationSensitiveMessage: a validation failure of a
// sensitive variable must not print its value through the error message
// (DESIGN.md: secrets never appear in output). Terraform replaces such a
// message with a note that it included a sensitive value.
func TestResolveVariablesValidationSensitiveMessage(t *testing.T) {
	c := mustLoadSrc(t, `
variable "token" {
  type      = string
  sensitive = true

  validation {
    condition     = startswith(var.token, "tok_")
    error_message = "The token ${var.token} must start with tok_."
  }
}
`)
	_, diags := c.ResolveVariables([]VarSource{flag("token=hunter2")}, testFuncs())
	if len(diags) != 1 || diags[0].Summary != "Invalid value for variable" {
		t.Fatalf("want one validation failure, got:%s", diagsString(diags))
	}
	if strings.Contains(diags[0].Detail, "hunter2") {
		t.Errorf("the secret leaks into the diagnostic: %q", diags[0].Detail)
	}
}

func TestResolveVariablesNoVariables(t *testing.T) {
	c := mustLoadSrc(t, `output "o" { value = 1 }`)
	vals, diags := c.ResolveVariables(EnvSources([]string{"SIGRUN_VAR_x=1"}), nil)
	if len(diags) > 0 || len(vals) != 0 {
		t.Errorf("values %v, diagnostics:%s", vals, diagsString(diags))
	}
}
