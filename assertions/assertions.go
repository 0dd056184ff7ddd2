package assertions

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Response is what checks look at.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Duration time.Duration
	// JSON returns the decoded body as a cty value (cty.NilVal when the
	// body is not JSON). It is called only by checks that need it.
	JSON func() cty.Value
}

// Expect holds an expect block's arguments; nil ones are absent.
type Expect struct {
	Status       hcl.Expression
	Headers      hcl.Expression
	JSON         hcl.Expression
	BodyContains hcl.Expression
	BodyMatches  hcl.Expression
	JSONSchema   hcl.Expression
	MaxDuration  hcl.Expression
	// Schemas caches compiled JSON Schemas across requests; nil compiles
	// each time.
	Schemas *SchemaCache
}

// Result is the outcome of one check.
type Result struct {
	// Name is the check as a user reads it: "expect.status", "assert".
	Name   string
	Passed bool
	// Warning is set on a failed assert of severity "warning": it is
	// reported but does not fail the request.
	Warning bool
	// Diags explain a failure (an error diagnostic) or a check that could
	// not be evaluated.
	Diags hcl.Diagnostics
}

// CheckExpect evaluates each present argument of e against resp and
// returns one result per argument, in a fixed order.
func CheckExpect(e Expect, ctx *hcl.EvalContext, resp *Response) []Result {
	var out []Result
	if e.Status != nil {
		out = append(out, checkStatus(e.Status, ctx, resp))
	}
	if e.Headers != nil {
		out = append(out, checkHeaders(e.Headers, ctx, resp))
	}
	if e.JSON != nil {
		out = append(out, checkJSON(e.JSON, ctx, resp))
	}
	if e.BodyContains != nil {
		out = append(out, checkBodyContains(e.BodyContains, ctx, resp))
	}
	if e.BodyMatches != nil {
		out = append(out, checkBodyMatches(e.BodyMatches, ctx, resp))
	}
	if e.JSONSchema != nil {
		out = append(out, checkJSONSchema(e.JSONSchema, ctx, resp, e.Schemas))
	}
	if e.MaxDuration != nil {
		out = append(out, checkMaxDuration(e.MaxDuration, ctx, resp))
	}
	return out
}

func evalArg(name string, expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() || v.IsNull() {
		return cty.NilVal, hcl.Diagnostics{{
			Severity:    hcl.DiagError,
			Summary:     fmt.Sprintf("Invalid expect.%s", name),
			Detail:      fmt.Sprintf("expect.%s has no value (null or unknown), so it cannot be checked.", name),
			Subject:     expr.Range().Ptr(),
			Expression:  expr,
			EvalContext: ctx,
		}}
	}
	return v, nil
}

func failure(name, summary, detail string, expr hcl.Expression, ctx *hcl.EvalContext) Result {
	return Result{Name: "expect." + name, Diags: hcl.Diagnostics{{
		Severity:    hcl.DiagError,
		Summary:     summary,
		Detail:      detail,
		Subject:     expr.Range().Ptr(),
		Expression:  expr,
		EvalContext: ctx,
	}}}
}

func typeError(name, want string, expr hcl.Expression, ctx *hcl.EvalContext, err error) Result {
	return failure(name, fmt.Sprintf("Invalid expect.%s", name),
		fmt.Sprintf("expect.%s must be %s: %s.", name, want, err), expr, ctx)
}

func checkStatus(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response) Result {
	const name = "status"
	v, diags := evalArg(name, expr, ctx)
	if diags.HasErrors() {
		return Result{Name: "expect." + name, Diags: diags}
	}
	var allowed []int
	if v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType() {
		l, err := convert.Convert(v, cty.List(cty.Number))
		if err != nil {
			return typeError(name, "a number or a list of numbers", expr, ctx, err)
		}
		for _, e := range l.AsValueSlice() {
			n, _ := e.AsBigFloat().Int64()
			allowed = append(allowed, int(n))
		}
	} else {
		n, err := convert.Convert(v, cty.Number)
		if err != nil {
			return typeError(name, "a number or a list of numbers", expr, ctx, err)
		}
		i, _ := n.AsBigFloat().Int64()
		allowed = []int{int(i)}
	}
	if len(allowed) == 0 {
		return failure(name, "Invalid expect.status", fmt.Sprintf("expect.status is an empty list, so no status can pass (got %d).", resp.Status), expr, ctx)
	}
	for _, a := range allowed {
		if a == resp.Status {
			return Result{Name: "expect." + name, Passed: true}
		}
	}
	want := fmt.Sprint(allowed[0])
	if len(allowed) != 1 {
		parts := make([]string, len(allowed))
		for i, a := range allowed {
			parts[i] = fmt.Sprint(a)
		}
		want = "one of " + strings.Join(parts, ", ")
	}
	detail := fmt.Sprintf("Expected status %s, got %d %s.", want, resp.Status, http.StatusText(resp.Status))
	if snippet := bodySnippet(resp.Body); snippet != "" {
		detail += "\nThe response body starts: " + snippet
	}
	return failure(name, "Unexpected status code", detail, expr, ctx)
}

// bodySnippet returns the body's first line, shortened, for messages.
func bodySnippet(b []byte) string { return BodySnippet(b) }

// maxSnippet bounds a body shown in a message.
const maxSnippet = 240

// BodySnippet is the start of a body for messages: runs of white space
// (line breaks included) become one space, so that an XML or pretty-printed
// JSON answer shows its content rather than its first line, and it is cut
// at a character boundary.
func BodySnippet(b []byte) string {
	if len(b) > 4*maxSnippet {
		b = b[:4*maxSnippet]
	}
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > maxSnippet {
		cut := maxSnippet
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + " …"
	}
	return s
}

func checkHeaders(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response) Result {
	const name = "headers"
	v, diags := evalArg(name, expr, ctx)
	if diags.HasErrors() {
		return Result{Name: "expect." + name, Diags: diags}
	}
	m, err := convert.Convert(v, cty.Map(cty.String))
	if err != nil {
		return typeError(name, "a map of strings", expr, ctx, err)
	}
	var problems []string
	keys := make([]string, 0, m.LengthInt())
	vals := m.AsValueMap()
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		want := vals[k].AsString()
		got, ok := resp.Header[http.CanonicalHeaderKey(k)]
		if !ok {
			problems = append(problems, fmt.Sprintf("header %q is missing (want %q)", strings.ToLower(k), want))
			continue
		}
		joined := strings.Join(got, ", ")
		if joined != want {
			problems = append(problems, fmt.Sprintf("header %q is %q, want %q", strings.ToLower(k), joined, want))
		}
	}
	if len(problems) == 0 {
		return Result{Name: "expect." + name, Passed: true}
	}
	return failure(name, "Unexpected response headers", capitalize(strings.Join(problems, "; "))+".", expr, ctx)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func checkJSON(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response) Result {
	const name = "json"
	want, diags := evalArg(name, expr, ctx)
	if diags.HasErrors() {
		return Result{Name: "expect." + name, Diags: diags}
	}
	got := cty.NilVal
	if resp.JSON != nil {
		got = resp.JSON()
	}
	if got == cty.NilVal {
		return failure(name, "Response is not JSON",
			fmt.Sprintf("expect.json needs a JSON body, but the body does not parse as JSON. It starts: %s", bodySnippet(resp.Body)), expr, ctx)
	}
	mismatches := Subset(want, got, "$")
	if len(mismatches) == 0 {
		return Result{Name: "expect." + name, Passed: true}
	}
	const maxShown = 10
	detail := "The response JSON does not contain the expected values:"
	for i, m := range mismatches {
		if i == maxShown {
			detail += fmt.Sprintf("\n  … and %d more", len(mismatches)-maxShown)
			break
		}
		detail += "\n  " + m
	}
	return failure(name, "Unexpected JSON body", detail, expr, ctx)
}

func stringArg(name string, expr hcl.Expression, ctx *hcl.EvalContext) (string, *Result) {
	v, diags := evalArg(name, expr, ctx)
	if diags.HasErrors() {
		return "", &Result{Name: "expect." + name, Diags: diags}
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		r := typeError(name, "a string", expr, ctx, err)
		return "", &r
	}
	return s.AsString(), nil
}

func checkBodyContains(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response) Result {
	const name = "body_contains"
	s, bad := stringArg(name, expr, ctx)
	if bad != nil {
		return *bad
	}
	if strings.Contains(string(resp.Body), s) {
		return Result{Name: "expect." + name, Passed: true}
	}
	return failure(name, "Body does not contain the expected text",
		fmt.Sprintf("The response body (%d bytes) does not contain %q. It starts: %s", len(resp.Body), s, bodySnippet(resp.Body)), expr, ctx)
}

func checkBodyMatches(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response) Result {
	const name = "body_matches"
	s, bad := stringArg(name, expr, ctx)
	if bad != nil {
		return *bad
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return typeError(name, "a valid regular expression", expr, ctx, err)
	}
	if re.Match(resp.Body) {
		return Result{Name: "expect." + name, Passed: true}
	}
	return failure(name, "Body does not match the expected pattern",
		fmt.Sprintf("The response body (%d bytes) does not match /%s/. It starts: %s", len(resp.Body), s, bodySnippet(resp.Body)), expr, ctx)
}

func checkMaxDuration(expr hcl.Expression, ctx *hcl.EvalContext, resp *Response) Result {
	const name = "max_duration"
	s, bad := stringArg(name, expr, ctx)
	if bad != nil {
		return *bad
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return typeError(name, `a duration such as "500ms" or "2s"`, expr, ctx, err)
	}
	if resp.Duration <= d {
		return Result{Name: "expect." + name, Passed: true}
	}
	return failure(name, "Response too slow",
		fmt.Sprintf("The response took %s, more than the allowed %s.", resp.Duration.Round(time.Millisecond), d), expr, ctx)
}

// SensitiveMessage replaces an error message built from a sensitive value.
const SensitiveMessage = "The error message included a sensitive value, so it is not shown."

// Assert evaluates an assert block. A false condition fails with the
// rendered error message; a condition that is null, not a bool or cannot be
// evaluated fails with a diagnostic of its own, never passes silently.
// With warning set, a false condition gives a warning instead of an error
// (a condition that cannot be evaluated is an error all the same).
func Assert(condition, errorMessage hcl.Expression, ctx *hcl.EvalContext, warning bool) Result {
	r := Result{Name: "assert"}
	val, diags := condition.Value(ctx)
	if diags.HasErrors() {
		r.Diags = diags
		return r
	}
	val, _ = val.UnmarkDeep()
	switch {
	case !val.IsKnown():
		r.Diags = hcl.Diagnostics{condDiag("The condition's value is unknown, so it cannot be checked.", condition, ctx)}
		return r
	case val.IsNull():
		r.Diags = hcl.Diagnostics{condDiag("The condition's value is null. A condition must be true or false.", condition, ctx)}
		return r
	}
	b, err := convert.Convert(val, cty.Bool)
	if err != nil {
		r.Diags = hcl.Diagnostics{condDiag(fmt.Sprintf("A condition must be true or false, not %s.", val.Type().FriendlyName()), condition, ctx)}
		return r
	}
	if b.True() {
		r.Passed = true
		return r
	}
	msg := "The condition is false."
	if errorMessage != nil {
		mv, mdiags := errorMessage.Value(ctx)
		switch {
		case mdiags.HasErrors():
			msg = "The condition is false, and its error_message could not be evaluated: " + mdiags[0].Summary + "."
		case mv.ContainsMarked():
			// As in Terraform: a message built from a sensitive value is
			// not shown.
			msg = SensitiveMessage
		default:
			if s, err := convert.Convert(mv, cty.String); err == nil && s.IsKnown() && !s.IsNull() {
				msg = s.AsString()
			}
		}
	}
	sev, summary := hcl.DiagError, "Assertion failed"
	if warning {
		sev, summary = hcl.DiagWarning, "Assertion failed (warning)"
		r.Warning = true
	}
	r.Diags = hcl.Diagnostics{{
		Severity:    sev,
		Summary:     summary,
		Detail:      msg,
		Subject:     condition.Range().Ptr(),
		Expression:  condition,
		EvalContext: ctx,
	}}
	return r
}

func condDiag(detail string, expr hcl.Expression, ctx *hcl.EvalContext) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity:    hcl.DiagError,
		Summary:     "Invalid condition result",
		Detail:      detail,
		Subject:     expr.Range().Ptr(),
		Expression:  expr,
		EvalContext: ctx,
	}
}
