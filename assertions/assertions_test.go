package assertions

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func expr(t *testing.T, src string) hcl.Expression {
	t.Helper()
	e, diags := hclsyntax.ParseExpression([]byte(src), "checks.hcl", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		t.Fatalf("parse %q: %s", src, diags)
	}
	return e
}

func testResponse() *Response {
	json := cty.ObjectVal(map[string]cty.Value{
		"name":  cty.StringVal("widget"),
		"count": cty.NumberIntVal(3),
		"items": cty.TupleVal([]cty.Value{
			cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("a"), "n": cty.NumberIntVal(1)}),
			cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("b"), "n": cty.NumberIntVal(2)}),
		}),
		"none": cty.NullVal(cty.DynamicPseudoType),
	})
	return &Response{
		Status:   201,
		Header:   http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}},
		Body:     []byte(`{"name":"widget","count":3,"items":[{"id":"a","n":1},{"id":"b","n":2}],"none":null}`),
		Duration: 120 * time.Millisecond,
		JSON:     func() cty.Value { return json },
	}
}

func TestExpectChecks(t *testing.T) {
	tests := []struct {
		name    string
		e       func(t *testing.T) Expect
		pass    bool
		summary string
		detail  string
	}{
		{"status equal", func(t *testing.T) Expect { return Expect{Status: expr(t, "201")} }, true, "", ""},
		{"status in list", func(t *testing.T) Expect { return Expect{Status: expr(t, "[200, 201]")} }, true, "", ""},
		{"status mismatch", func(t *testing.T) Expect { return Expect{Status: expr(t, "200")} }, false,
			"Unexpected status code", "Expected status 200, got 201 Created."},
		{"status not in list", func(t *testing.T) Expect { return Expect{Status: expr(t, "[200, 204]")} }, false,
			"Unexpected status code", "Expected status one of 200, 204, got 201 Created."},
		{"status wrong type", func(t *testing.T) Expect { return Expect{Status: expr(t, `"ok"`)} }, false,
			"Invalid expect.status", "must be a number or a list of numbers"},
		{"headers case-insensitive", func(t *testing.T) Expect {
			return Expect{Headers: expr(t, `{"content-TYPE" = "application/json"}`)}
		}, true, "", ""},
		{"repeated header joined", func(t *testing.T) Expect { return Expect{Headers: expr(t, `{"x-multi" = "a, b"}`)} }, true, "", ""},
		{"header value mismatch", func(t *testing.T) Expect { return Expect{Headers: expr(t, `{"content-type" = "text/plain"}`)} }, false,
			"Unexpected response headers", `Header "content-type" is "application/json", want "text/plain".`},
		{"header missing", func(t *testing.T) Expect { return Expect{Headers: expr(t, `{"etag" = "x"}`)} }, false,
			"Unexpected response headers", `Header "etag" is missing (want "x").`},
		{"json subset", func(t *testing.T) Expect {
			return Expect{JSON: expr(t, `{name = "widget", items = [{id = "a"}, {id = "b"}]}`)}
		}, true, "", ""},
		{"json null matches null", func(t *testing.T) Expect { return Expect{JSON: expr(t, `{none = null}`)} }, true, "", ""},
		{"json number compares numerically", func(t *testing.T) Expect { return Expect{JSON: expr(t, `{count = 3.0}`)} }, true, "", ""},
		{"json mismatch names the path", func(t *testing.T) Expect { return Expect{JSON: expr(t, `{items = [{id = "a"}, {id = "c"}]}`)} }, false,
			"Unexpected JSON body", `$.items[1].id: want "c", got "b"`},
		{"json array length", func(t *testing.T) Expect { return Expect{JSON: expr(t, `{items = [{id = "a"}]}`)} }, false,
			"Unexpected JSON body", "$.items: want an array of 1 elements, got 2"},
		{"json missing key", func(t *testing.T) Expect { return Expect{JSON: expr(t, `{missing = 1}`)} }, false,
			"Unexpected JSON body", "$.missing: missing (want 1)"},
		{"json type mismatch", func(t *testing.T) Expect { return Expect{JSON: expr(t, `{count = "3"}`)} }, false,
			"Unexpected JSON body", `$.count: want "3", got 3`},
		{"body contains", func(t *testing.T) Expect { return Expect{BodyContains: expr(t, `"widget"`)} }, true, "", ""},
		{"body does not contain", func(t *testing.T) Expect { return Expect{BodyContains: expr(t, `"gadget"`)} }, false,
			"Body does not contain the expected text", `does not contain "gadget"`},
		{"body matches", func(t *testing.T) Expect { return Expect{BodyMatches: expr(t, `"\"count\":\\d+"`)} }, true, "", ""},
		{"body does not match", func(t *testing.T) Expect { return Expect{BodyMatches: expr(t, `"^<html"`)} }, false,
			"Body does not match the expected pattern", "does not match /^<html/"},
		{"bad regex", func(t *testing.T) Expect { return Expect{BodyMatches: expr(t, `"("`)} }, false,
			"Invalid expect.body_matches", "valid regular expression"},
		{"fast enough", func(t *testing.T) Expect { return Expect{MaxDuration: expr(t, `"1s"`)} }, true, "", ""},
		{"too slow", func(t *testing.T) Expect { return Expect{MaxDuration: expr(t, `"100ms"`)} }, false,
			"Response too slow", "The response took 120ms, more than the allowed 100ms."},
		{"null argument", func(t *testing.T) Expect { return Expect{Status: expr(t, `null`)} }, false,
			"Invalid expect.status", "has no value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := CheckExpect(tc.e(t), &hcl.EvalContext{}, testResponse())
			if len(res) != 1 {
				t.Fatalf("%d results", len(res))
			}
			r := res[0]
			if r.Passed != tc.pass {
				t.Fatalf("passed = %v, want %v (%v)", r.Passed, tc.pass, r.Diags)
			}
			if tc.pass {
				if len(r.Diags) != 0 {
					t.Fatalf("passing check has diagnostics %v", r.Diags)
				}
				return
			}
			d := r.Diags[0]
			if d.Summary != tc.summary || !strings.Contains(d.Detail, tc.detail) {
				t.Fatalf("got %q / %q\nwant %q / %q", d.Summary, d.Detail, tc.summary, tc.detail)
			}
			if d.Subject == nil || d.Subject.Filename != "checks.hcl" {
				t.Fatalf("no subject: %#v", d)
			}
		})
	}
}

func TestExpectNotJSON(t *testing.T) {
	resp := testResponse()
	resp.JSON = func() cty.Value { return cty.NilVal }
	res := CheckExpect(Expect{JSON: expr(t, `{a = 1}`)}, &hcl.EvalContext{}, resp)
	if res[0].Passed || res[0].Diags[0].Summary != "Response is not JSON" {
		t.Fatalf("%+v", res[0])
	}
}

// Every present argument is checked and reported; one failing does not
// hide the others.
func TestExpectReportsEveryArgument(t *testing.T) {
	res := CheckExpect(Expect{
		Status:       expr(t, "500"),
		Headers:      expr(t, `{"x" = "y"}`),
		JSON:         expr(t, `{name = "widget"}`),
		BodyContains: expr(t, `"nope"`),
	}, &hcl.EvalContext{}, testResponse())
	var names []string
	for _, r := range res {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, ","); got != "expect.status,expect.headers,expect.json,expect.body_contains" {
		t.Fatalf("results %s", got)
	}
	if res[0].Passed || res[1].Passed || !res[2].Passed || res[3].Passed {
		t.Fatalf("outcomes %+v", res)
	}
}

func TestAssert(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"response": cty.ObjectVal(map[string]cty.Value{"status": cty.NumberIntVal(403)}),
	}}
	tests := []struct {
		cond, msg string
		pass      bool
		summary   string
		detail    string
	}{
		{"response.status == 403", `"x"`, true, "", ""},
		{"response.status == 200", `"status was ${response.status}"`, false, "Assertion failed", "status was 403"},
		{"response.status == 200", `"${response.nope}"`, false, "Assertion failed", "error_message could not be evaluated"},
		{"null", `"x"`, false, "Invalid condition result", "null"},
		{`"yes"`, `"x"`, false, "Invalid condition result", "not string"},
		{"response.nope", `"x"`, false, "Unsupported attribute", ""},
	}
	for _, tc := range tests {
		t.Run(tc.cond+" "+tc.msg, func(t *testing.T) {
			r := Assert(expr(t, tc.cond), expr(t, tc.msg), ctx, false)
			if r.Passed != tc.pass {
				t.Fatalf("passed = %v (%v)", r.Passed, r.Diags)
			}
			if tc.pass {
				return
			}
			d := r.Diags[0]
			if d.Summary != tc.summary || !strings.Contains(d.Detail, tc.detail) {
				t.Fatalf("got %q / %q", d.Summary, d.Detail)
			}
			if tc.summary == "Assertion failed" && (d.Expression == nil || d.EvalContext != ctx) {
				t.Fatal("a failed assertion must carry its expression and context for the renderer")
			}
		})
	}
	unknown := &hcl.EvalContext{Variables: map[string]cty.Value{"response": cty.DynamicVal}}
	if r := Assert(expr(t, "response.ok"), expr(t, `"x"`), unknown, false); r.Passed || r.Diags[0].Summary != "Invalid condition result" {
		t.Fatalf("an unknown condition must not pass: %+v", r)
	}
}

func TestAssertWarning(t *testing.T) {
	r := Assert(expr(t, "false"), expr(t, `"slow but fine"`), &hcl.EvalContext{}, true)
	if r.Passed || !r.Warning || r.Diags[0].Severity != hcl.DiagWarning || r.Diags[0].Detail != "slow but fine" {
		t.Fatalf("%+v", r)
	}
	// A warning-level assert that cannot be evaluated is still an error.
	r = Assert(expr(t, `"x"`), expr(t, `"m"`), &hcl.EvalContext{}, true)
	if r.Warning || r.Diags[0].Severity != hcl.DiagError {
		t.Fatalf("%+v", r)
	}
}

func TestJSONSchema(t *testing.T) {
	cache := &SchemaCache{}
	schema := `{
	  "type": "object",
	  "required": ["name", "items"],
	  "properties": {
	    "name":  {"type": "string", "minLength": 1},
	    "count": {"type": "integer", "maximum": 2},
	    "items": {"type": "array", "items": {"type": "object", "required": ["id", "missing"]}}
	  }
	}`
	tests := []struct {
		name  string
		src   string
		pass  bool
		lines []string
	}{
		{"text schema passes", `"{\"type\": \"object\", \"required\": [\"name\"]}"`, true, nil},
		{"object schema passes", `{type = "object", properties = {name = {const = "widget"}}}`, true, nil},
		{"violations name pointer and rule", "s", false, []string{
			"at /count: maximum: got 3, want 2 (rule /properties/count/maximum)",
			"at /items/0: missing property 'missing' (rule /properties/items/items/required)",
			"at /items/1: missing property 'missing' (rule /properties/items/items/required)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"s": cty.StringVal(schema)}}
			res := CheckExpect(Expect{JSONSchema: expr(t, tc.src), Schemas: cache}, ctx, testResponse())
			r := res[0]
			if r.Passed != tc.pass {
				t.Fatalf("passed=%v %v", r.Passed, r.Diags)
			}
			if tc.pass {
				return
			}
			d := r.Diags[0]
			if d.Summary != "Response does not match the JSON Schema" {
				t.Fatalf("summary %q", d.Summary)
			}
			for _, l := range tc.lines {
				if !strings.Contains(d.Detail, l) {
					t.Errorf("detail lacks %q:\n%s", l, d.Detail)
				}
			}
		})
	}
	bad := CheckExpect(Expect{JSONSchema: expr(t, `{type = 5}`)}, &hcl.EvalContext{}, testResponse())
	if bad[0].Passed || bad[0].Diags[0].Summary != "Invalid JSON Schema" {
		t.Fatalf("an invalid schema must be reported: %+v", bad[0])
	}
	remote := CheckExpect(Expect{JSONSchema: expr(t, `{"$ref" = "https://example.com/s.json"}`)}, &hcl.EvalContext{}, testResponse())
	if remote[0].Passed || remote[0].Diags[0].Summary != "Invalid JSON Schema" {
		t.Fatalf("a remote $ref must be refused, not fetched: %+v", remote[0])
	}
}
