package report

import (
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/assertions"
	"github.com/sigrun-dev/sigrun/runner"
)

const fixtureSrc = `request "create_item" {
  path = "/items"
}

request "get_item" {
  path = "/items/1"
  expect {
    status = 200
  }
}

request "broken" {
  url = "http://127.0.0.1:1/nothing"
}

request "after_get" {
  depends_on = [request.get_item]
}

request "fan" {
  for_each = toset(["a", "b"])
}

request "warned" {
  assert {
    condition     = false
    severity      = "warning"
    error_message = "slow, but fine"
  }
}

request "late" {}
`

// rangeOf returns the range of the first occurrence of text on a line
// of the fixture.
func rangeOf(t *testing.T, text string) hcl.Range {
	t.Helper()
	src := []byte(fixtureSrc)
	line, col := 1, 1
	for i := 0; i < len(src); i++ {
		if string(src[i:min(len(src), i+len(text))]) == text {
			return hcl.Range{Filename: "main.hcl",
				Start: hcl.Pos{Line: line, Column: col, Byte: i},
				End:   hcl.Pos{Line: line, Column: col + len(text), Byte: i + len(text)}}
		}
		if src[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	t.Fatalf("%q not in the fixture", text)
	return hcl.Range{}
}

// fixture is a run with every kind of result: passed with an exchange, a
// failed check, a request that could not be sent, a skipped dependent,
// for_each instances, a module's request, a warning, a request that was
// not run (only its name, as the runner reports it), outputs of each kind
// and a run-level diagnostic.
func fixture(t *testing.T) (*runner.Summary, Meta) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(fixtureSrc), "main.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	files := map[string]*hcl.File{"main.hcl": f}
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	dur := func(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }

	statusDiag := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unexpected status code",
		Detail: "Expected status 200, got 500 Internal Server Error.\nThe response body starts: oops", Subject: rangeOf(t, "status = 200").Ptr()}
	warnDiag := &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Assertion failed (warning)",
		Detail: "slow, but fine", Subject: rangeOf(t, "condition     = false").Ptr()}
	sendDiag := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Request failed",
		Detail: "GET http://127.0.0.1:1/nothing: connection refused.", Subject: rangeOf(t, `request "broken"`).Ptr()}

	results := []*runner.RequestResult{
		{Name: "create_item", Block: "create_item", Method: "POST", URL: "http://127.0.0.1:9/items", Path: "/items",
			StatusCode: 201, Duration: dur(20), Attempts: 1, Outcome: runner.Passed, Started: at(0),
			DeclRange: rangeOf(t, `request "create_item"`), Tags: []string{"smoke"},
			Checks: []assertions.Result{{Name: "expect.status", Passed: true}},
			Exchange: &runner.Exchange{Method: "POST", URL: "http://127.0.0.1:9/items",
				RequestHeader: http.Header{"Content-Type": {"application/json"}, "Authorization": {"AWS4-HMAC-SHA256 Credential=AKID/x, Signature=(sensitive value)"}},
				RequestBody:   `{"name":"<widget>"}`, RequestBodySize: 19, Status: 201,
				ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: `{"id":"1"}`, ResponseBodySize: 10}},
		{Name: "get_item", Block: "get_item", Method: "GET", URL: "http://127.0.0.1:9/items/1", Path: "/items/1",
			StatusCode: 500, Duration: dur(15), Attempts: 3, Outcome: runner.Failed, Started: at(20),
			DeclRange: rangeOf(t, `request "get_item"`), DependsOn: []string{"create_item"},
			Checks: []assertions.Result{{Name: "expect.status", Diags: hcl.Diagnostics{statusDiag}}},
			Diags:  hcl.Diagnostics{statusDiag}},
		{Name: "broken", Block: "broken", Method: "GET", URL: "http://127.0.0.1:1/nothing", Path: "/nothing",
			Attempts: 1, Outcome: runner.Failed, Started: at(0), Duration: 0,
			DeclRange: rangeOf(t, `request "broken"`), Diags: hcl.Diagnostics{sendDiag}},
		{Name: "after_get", DeclRange: rangeOf(t, `request "after_get"`), Outcome: runner.Skipped,
			SkipReason: "skipped: request.get_item failed"},
		{Name: `fan["a"]`, Block: "fan", Method: "GET", Path: "/fan/a", URL: "http://127.0.0.1:9/fan/a",
			StatusCode: 200, Duration: dur(5), Attempts: 1, Outcome: runner.Passed, Started: at(1), DeclRange: rangeOf(t, `request "fan"`)},
		{Name: `fan["b"]`, Block: "fan", Method: "GET", Path: "/fan/b", URL: "http://127.0.0.1:9/fan/b",
			StatusCode: 200, Duration: dur(6), Attempts: 1, Outcome: runner.Passed, Started: at(2), DeclRange: rangeOf(t, `request "fan"`)},
		{Name: "warned", Block: "warned", Method: "GET", Path: "/w", URL: "http://127.0.0.1:9/w",
			StatusCode: 200, Duration: dur(3), Attempts: 1, Outcome: runner.Passed, Started: at(3), Warnings: 1,
			DeclRange: rangeOf(t, `request "warned"`),
			Checks:    []assertions.Result{{Name: "assert", Warning: true, Diags: hcl.Diagnostics{warnDiag}}},
			Diags:     hcl.Diagnostics{warnDiag}},
		{Name: "module.auth.request.login", Block: "module.auth.request.login", Module: "module.auth", Method: "POST",
			Path: "/login", URL: "http://127.0.0.1:9/login", StatusCode: 200, Duration: dur(4), Attempts: 1,
			Outcome: runner.Passed, Started: at(4), DeclRange: hcl.Range{Filename: "modules/auth/main.hcl", Start: hcl.Pos{Line: 1, Column: 1}, End: hcl.Pos{Line: 1, Column: 17}}},
		{Name: "late", DeclRange: rangeOf(t, `request "late"`), Outcome: runner.NotRun, SkipReason: "not run: interrupted"},
	}
	sum := &runner.Summary{
		Results: results,
		Outputs: []runner.OutputValue{
			{Name: "item_id", Value: cty.StringVal("1")},
			{Name: "token", Value: cty.StringVal("hunter2"), Sensitive: true},
			{Name: "marked", Value: cty.StringVal("x").Mark("sensitive")},
			{Name: "object", Value: cty.ObjectVal(map[string]cty.Value{"n": cty.NumberIntVal(3), "s": cty.StringVal("a")})},
			{Name: "later", Err: "not computed: skipped: request.get_item failed"},
		},
		Passed: 5, Failed: 2, Skipped: 1, NotRun: 1, Warnings: 1, Interrupted: true,
		Diags: hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid local value",
			Detail: "local.total: cannot add a string", Subject: rangeOf(t, `request "late"`).Ptr()}},
		Duration: dur(40),
	}
	return sum, Meta{Collection: "testdata/smoke", Started: t0, Files: files}
}

var runnerSummaryEmpty = runner.Summary{}
