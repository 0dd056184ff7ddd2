package dsl

import (
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// recordingData is a Data that answers from a table and records every
// address it was asked for.
type recordingData struct {
	mu     sync.Mutex
	values map[string]cty.Value
	asked  []string
}

func (d *recordingData) Value(addr addrs.Referenceable) cty.Value {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, addr.String())
	if v, ok := d.values[addr.String()]; ok {
		return v
	}
	return cty.DynamicVal
}

func (d *recordingData) askedSet() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range d.asked {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

func newRecordingData() *recordingData {
	return &recordingData{values: map[string]cty.Value{
		"var.a":        cty.StringVal("A"),
		"var.unused":   cty.StringVal("never asked"),
		"local.b":      cty.NumberIntVal(2),
		"endpoint.api": cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal("https://api")}),
		"request.r": cty.ObjectVal(map[string]cty.Value{
			"response": cty.ObjectVal(map[string]cty.Value{"status": cty.NumberIntVal(201)}),
		}),
		"request.fe": cty.ObjectVal(map[string]cty.Value{
			"k": cty.ObjectVal(map[string]cty.Value{
				"response": cty.ObjectVal(map[string]cty.Value{"body": cty.StringVal("fe-body")}),
			}),
		}),
		"each.key":    cty.StringVal("k"),
		"count.index": cty.NumberIntVal(3),
		"response":    cty.ObjectVal(map[string]cty.Value{"status": cty.NumberIntVal(200)}),
	}}
}

func refsOf(t *testing.T, src string) ([]*addrs.Reference, hcl.Expression) {
	t.Helper()
	expr := parseExpr(t, src)
	refs, diags := References(expr)
	if diags.HasErrors() {
		t.Fatalf("References(%s): %s", src, diagsString(diags))
	}
	return refs, expr
}

func TestEvalContextBuildsOnlyReferencedObjects(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		asked []string
		roots []string
		want  cty.Value
	}{
		{
			name:  "one variable",
			src:   `"${var.a}-x"`,
			asked: []string{"var.a"},
			roots: []string{"var"},
			want:  cty.StringVal("A-x"),
		},
		{
			name:  "every kind",
			src:   `"${var.a} ${local.b} ${endpoint.api.url} ${request.r.response.status} ${request.fe["k"].response.body} ${each.key} ${count.index} ${response.status}"`,
			asked: []string{"count.index", "each.key", "endpoint.api", "local.b", "request.fe", "request.r", "response", "var.a"},
			roots: []string{"count", "each", "endpoint", "local", "request", "response", "var"},
			want:  cty.StringVal("A 2 https://api 201 fe-body k 3 200"),
		},
		{
			name:  "functions and for expressions",
			src:   `upper(join(",", [for x in [var.a, "b"] : x]))`,
			asked: []string{"var.a"},
			roots: []string{"var"},
			want:  cty.StringVal("A,B"),
		},
		{
			name:  "credentials are never values",
			src:   `[credentials.ci, var.a][1]`,
			asked: []string{"var.a"},
			roots: []string{"var"},
		},
	}
	fns := map[string]function.Function{"upper": stdlib.UpperFunc, "join": stdlib.JoinFunc}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := newRecordingData()
			refs, expr := refsOf(t, tt.src)
			ctx := EvalContext(refs, data, fns)
			if diff := cmp.Diff(tt.asked, data.askedSet()); diff != "" {
				t.Errorf("addresses asked for (-want +got):\n%s", diff)
			}
			var roots []string
			for k := range ctx.Variables {
				roots = append(roots, k)
			}
			sort.Strings(roots)
			if diff := cmp.Diff(tt.roots, roots); diff != "" {
				t.Errorf("context roots (-want +got):\n%s", diff)
			}
			if v := ctx.Variables["var"]; v != cty.NilVal {
				if v.Type().HasAttribute("unused") {
					t.Error("var.unused is in the context")
				}
			}
			if len(ctx.Functions) != len(fns) {
				t.Errorf("context has %d functions, want %d", len(ctx.Functions), len(fns))
			}
			if tt.want == cty.NilVal {
				return
			}
			got, diags := expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatalf("evaluation: %s", diagsString(diags))
			}
			if !got.RawEquals(tt.want) {
				t.Errorf("value = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEvalContextGroupsMembers(t *testing.T) {
	data := newRecordingData()
	data.values["var.c"] = cty.True
	refs, _ := refsOf(t, `var.a == "A" && var.c && var.a != ""`)
	ctx := EvalContext(refs, data, nil)
	want := cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("A"), "c": cty.True})
	if got := ctx.Variables["var"]; !got.RawEquals(want) {
		t.Errorf("var = %#v, want %#v", got, want)
	}
	if len(ctx.Variables) != 1 {
		t.Errorf("context roots %v, want only var", ctx.Variables)
	}
}

func TestEvalContextWithoutReferences(t *testing.T) {
	data := newRecordingData()
	fns := map[string]function.Function{"upper": stdlib.UpperFunc}
	ctx := EvalContext(nil, data, fns)
	if len(data.asked) != 0 {
		t.Errorf("data asked for %v", data.asked)
	}
	if len(ctx.Variables) != 0 {
		t.Errorf("variables %v", ctx.Variables)
	}
	if _, ok := ctx.Functions["upper"]; !ok {
		t.Error("functions not kept")
	}
	got, diags := parseExpr(t, `upper("x")`).Value(ctx)
	if diags.HasErrors() || !got.RawEquals(cty.StringVal("X")) {
		t.Errorf("upper(x) = %#v:%s", got, diagsString(diags))
	}
}

func TestEvalContextUnknownResponse(t *testing.T) {
	// While validating, a response is unknown: the context holds
	// DynamicVal and expressions on it evaluate to unknown values.
	data := &recordingData{values: map[string]cty.Value{}}
	refs, expr := refsOf(t, `request.r.response.json.id`)
	ctx := EvalContext(refs, data, nil)
	got, diags := expr.Value(ctx)
	if diags.HasErrors() {
		t.Fatalf("evaluation: %s", diagsString(diags))
	}
	if got.IsKnown() {
		t.Errorf("value = %#v, want unknown", got)
	}
}

func TestEvalExpr(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{
			"secret": cty.StringVal("7").Mark(Sensitive),
		}),
	}}
	okTests := []struct {
		src  string
		want cty.Type
		val  cty.Value
	}{
		{`"42"`, cty.Number, cty.NumberIntVal(42)},
		{`42`, cty.String, cty.StringVal("42")},
		{`"GET"`, cty.String, cty.StringVal("GET")},
		{`[1, "2"]`, cty.List(cty.String), cty.ListVal([]cty.Value{cty.StringVal("1"), cty.StringVal("2")})},
		{`{ a = 1 }`, cty.DynamicPseudoType, cty.ObjectVal(map[string]cty.Value{"a": cty.NumberIntVal(1)})},
		{`null`, cty.String, cty.NullVal(cty.String)},
		{`var.secret`, cty.Number, cty.NumberIntVal(7).Mark(Sensitive)},
	}
	for _, tt := range okTests {
		t.Run(tt.src, func(t *testing.T) {
			got, diags := EvalExpr(parseExpr(t, tt.src), ctx, tt.want, "x")
			if len(diags) > 0 {
				t.Fatalf("diagnostics:%s", diagsString(diags))
			}
			if !got.RawEquals(tt.val) {
				t.Errorf("got %#v, want %#v", got, tt.val)
			}
		})
	}

	errTests := []struct {
		src, what string
		want      cty.Type
		summary   string
		detail    string
	}{
		{`{ a = 1 }`, "method", cty.String, "Invalid value for method", "method must be a string: string required, but have object."},
		{`"abc"`, "expect.status", cty.Number, "Invalid value for expect.status", "expect.status must be a number: a number is required."},
		{`"x"`, "tags", cty.List(cty.String), "Invalid value for tags", "tags must be a list of string: list of string required, but have string."},
		{`[1]`, "query", cty.Map(cty.String), "Invalid value for query", "query must be a map of string: map of string required."},
		{`"x"`, "json_schema", cty.EmptyObject, "Invalid value for json_schema", "json_schema must be an object: object required, but have string."},
		{`"maybe"`, "unsigned_payload", cty.Bool, "Invalid value for unsigned_payload", "unsigned_payload must be a bool: a bool is required."},
	}
	for _, tt := range errTests {
		t.Run(tt.what, func(t *testing.T) {
			expr := parseExpr(t, tt.src)
			got, diags := EvalExpr(expr, ctx, tt.want, tt.what)
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got:%s", diagsString(diags))
			}
			d := diags[0]
			if d.Severity != hcl.DiagError || d.Summary != tt.summary || d.Detail != tt.detail {
				t.Errorf("got %q / %q, want %q / %q", d.Summary, d.Detail, tt.summary, tt.detail)
			}
			if d.Subject == nil || *d.Subject != expr.Range() {
				t.Errorf("subject %v, want the expression's range %v", d.Subject, expr.Range())
			}
			if d.Expression != expr || d.EvalContext != ctx {
				t.Error("the diagnostic does not carry the expression and its context")
			}
			if got.IsKnown() {
				t.Errorf("value %#v, want unknown", got)
			}
		})
	}

	t.Run("evaluation error", func(t *testing.T) {
		got, diags := EvalExpr(parseExpr(t, `var.nope`), ctx, cty.String, "path")
		if !diags.HasErrors() || got.IsKnown() {
			t.Errorf("got %#v:%s", got, diagsString(diags))
		}
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, `"nope"`) {
			t.Errorf("want the HCL error about var.nope, got:%s", diagsString(diags))
		}
	})
}

func TestEvalCheckRule(t *testing.T) {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"response": cty.ObjectVal(map[string]cty.Value{
				"status":  cty.NumberIntVal(500),
				"json":    cty.NullVal(cty.DynamicPseudoType),
				"unknown": cty.UnknownVal(cty.Bool),
				"marked":  cty.True.Mark(Sensitive),
			}),
		},
		Functions: map[string]function.Function{"upper": stdlib.UpperFunc},
	}
	tests := []struct {
		name      string
		condition string
		message   string
		ok        bool
		wantMsg   string
		summary   string // of the one error diagnostic, "" for none
		detail    string
	}{
		{"true", `response.status == 500`, `"x"`, true, "", "", ""},
		{"false renders the message", `response.status == 200`, `"want 200, got ${response.status}"`, false, "want 200, got 500", "", ""},
		{"message with a function", `false`, `upper("bad")`, false, "BAD", "", ""},
		{"message converted to string", `false`, `42`, false, "42", "", ""},
		{"null message", `false`, `null`, false, "The condition is false.", "", ""},
		{"unknown message", `false`, `response.unknown ? "a" : "b"`, false, "The condition is false.", "", ""},
		{"message that cannot be a string", `false`, `{ a = 1 }`, false, "The condition is false.", "", ""},
		{"string true converts", `"true"`, `"x"`, true, "", "", ""},
		{"marked condition", `response.marked`, `"x"`, true, "", "", ""},
		{"unknown is decided later", `response.unknown`, `"x"`, true, "", "", ""},
		{"null", `response.json`, `"x"`, false, "", "Invalid condition result", "The condition's value is null. A condition must be true or false."},
		{"number", `response.status`, `"x"`, false, "", "Invalid condition result", "A condition must be true or false, not number."},
		{"string", `"yes"`, `"x"`, false, "", "Invalid condition result", "A condition must be true or false, not string."},
		{"object", `response`, `"x"`, false, "", "Invalid condition result", "A condition must be true or false, not object."},
		{"evaluation error", `response.nope == 1`, `"x"`, false, "", "Unsupported attribute", ""},
		{"message error", `false`, `response.nope`, false, "The condition is false, and its error_message could not be evaluated: Unsupported attribute.", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := checkRule(t, tt.condition, tt.message)
			ok, msg, diags := EvalCheckRule(rule, ctx)
			if ok != tt.ok || msg != tt.wantMsg {
				t.Errorf("got (%v, %q), want (%v, %q)", ok, msg, tt.ok, tt.wantMsg)
			}
			if tt.summary == "" {
				if len(diags) > 0 {
					t.Errorf("diagnostics:%s", diagsString(diags))
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity != hcl.DiagError || diags[0].Summary != tt.summary {
				t.Fatalf("want one %q error, got:%s", tt.summary, diagsString(diags))
			}
			d := diags[0]
			if tt.detail != "" && d.Detail != tt.detail {
				t.Errorf("detail %q, want %q", d.Detail, tt.detail)
			}
			if tt.summary == "Invalid condition result" {
				if d.Subject == nil || *d.Subject != rule.Condition.Range() {
					t.Errorf("subject %v, want the condition's range", d.Subject)
				}
				if d.Expression != rule.Condition || d.EvalContext != ctx {
					t.Error("the diagnostic does not carry the condition and its context")
				}
			}
		})
	}
}

// TestEvalCheckRuleSensitiveMessage: an error message built from a
// sensitive value must not reveal it (DESIGN.md: secrets never appear in
// output; Terraform says the message included a sensitive value instead).
func TestEvalCheckRuleSensitiveMessage(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"token": cty.StringVal("hunter2").Mark(Sensitive)}),
	}}
	rule := checkRule(t, `var.token == "x"`, `"bad token ${var.token}"`)
	ok, msg, diags := EvalCheckRule(rule, ctx)
	if ok || len(diags) > 0 {
		t.Fatalf("got ok %v:%s", ok, diagsString(diags))
	}
	if msg == "" {
		t.Error("empty message for a failed condition")
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("message reveals the sensitive value: %q", msg)
	}
}

// TestInstanceEvalContextEqualsEvalContext: an instance context over a
// shared one evaluates every expression as the one-piece context does:
// values, and errors with their text (an unknown variable's suggestion
// draws on both levels).
func TestInstanceEvalContextEqualsEvalContext(t *testing.T) {
	fns := map[string]function.Function{"upper": stdlib.UpperFunc, "join": stdlib.JoinFunc}
	for _, src := range []string{
		`"${var.a} ${local.b} ${endpoint.api.url} ${request.r.response.status} ${request.fe["k"].response.body} ${each.key} ${count.index} ${response.status}"`,
		`"/items/${count.index}"`,
		`"${var.a}-${var.a}-${var.c}"`,
		`upper(join(",", [for x in [var.a, each.key] : x]))`,
		`response.status + count.index`,
		`[credentials.ci, var.a][1]`,
		`var.nope`,
		`"constant"`,
	} {
		refs, expr := refsOf(t, src)
		data := newRecordingData()
		data.values["var.c"] = cty.True
		whole := EvalContext(refs, data, fns)
		inst := InstanceEvalContext(SharedEvalContext(refs, data, fns), refs, data)
		want, wantDiags := expr.Value(whole)
		got, gotDiags := expr.Value(inst)
		if !got.RawEquals(want) {
			t.Errorf("%s: %#v, one-piece context: %#v", src, got, want)
		}
		if g, w := diagsString(gotDiags), diagsString(wantDiags); g != w {
			t.Errorf("%s: diagnostics\n%s\none-piece context:\n%s", src, g, w)
		}
	}
}
