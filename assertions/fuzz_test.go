package assertions_test

// Fuzzing `expect` on arbitrary JSON (issue 9): Subset and CheckExpect with
// arbitrary response bodies and arbitrary expected values must return —
// never panic, never hang — and keep their obvious properties (a value is a
// subset of itself; headers set as expected match). The seed corpora (here
// and in testdata/fuzz) run in the ordinary `go test`; docs/reliability.md
// records the fuzzing runs.

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/assertions"
)

const fuzzDeadline = 20 * time.Second

func watchdog(what string, inputs ...any) *time.Timer {
	return time.AfterFunc(fuzzDeadline, func() {
		panic(fmt.Sprintf("%s did not return within %s on %q", what, fuzzDeadline, inputs))
	})
}

func static(v cty.Value) hcl.Expression { return hcl.StaticExpr(v, hcl.Range{Filename: "fuzz.hcl"}) }

var jsonSeeds = []string{
	`{}`, `[]`, `null`, `0`, `-1.5e3`, `"s"`, `true`,
	`{"name": "widget", "id": 7, "tags": ["a", "b"], "nested": {"x": [1, {"y": null}]}}`,
	`[{"id": 1}, {"id": 2}, {"id": 3}]`,
	`{"a": 1, "a": 2}`,
	`{"n": 1e100000000, "m": -1e-100000000, "p": 123456789012345678901234567890}`,
	`{"type": "object", "properties": {"n": {"minimum": 0, "multipleOf": 3}}, "required": ["n"]}`,
	`{"$ref": "#"}`,
	`{"$ref": "http://127.0.0.1:1/schema.json"}`,
	`{"pattern": "^(a+)+$", "type": "string"}`,
	`{"items": {"$ref": "#"}}`,
	`[[[[[[[[[[]]]]]]]]]]`,
	"{\"\xff\": \"\xfe\"}",
}

func FuzzSubset(f *testing.F) {
	for _, w := range jsonSeeds {
		for _, g := range jsonSeeds[:8] {
			f.Add([]byte(w), []byte(g))
		}
	}
	f.Fuzz(func(t *testing.T, want, got []byte) {
		defer watchdog("Subset", want, got).Stop()
		w, g := assertions.DecodeJSON(want), assertions.DecodeJSON(got)
		if w == cty.NilVal || g == cty.NilVal {
			return
		}
		assertions.Subset(w, g, "$")
		if d := assertions.Subset(g, g, "$"); len(d) != 0 {
			t.Fatalf("a value is not a subset of itself: %q for %s", d, got)
		}
	})
}

func FuzzCheckExpect(f *testing.F) {
	for i, w := range jsonSeeds {
		f.Add([]byte(jsonSeeds[(i+3)%len(jsonSeeds)]), []byte(w), "application/json", 200)
	}
	f.Add([]byte(`{"id": "abc", "tags": [`), []byte(`{"id": "abc"}`), "ab+c", 503)
	f.Add([]byte("\x00\xff"), []byte(`[200, 201]`), "(?i)x{1000}", -1)
	f.Add([]byte(`{"n": 1e100000000}`), []byte(`{"properties": {"n": {"minimum": 0}}}`), "1h", 0)

	var cache assertions.SchemaCache
	f.Fuzz(func(t *testing.T, body, want []byte, text string, status int) {
		defer watchdog("CheckExpect", body, want, text, status).Stop()
		wantVal := assertions.DecodeJSON(want)
		if wantVal == cty.NilVal {
			wantVal = cty.StringVal(string(want))
		}
		header := http.Header{"Content-Type": {text}, "X-Fuzz": {string(want)}}
		resp := &assertions.Response{
			Status: status, Header: header, Body: body, Duration: time.Duration(status) * time.Millisecond,
			JSON: func() cty.Value { return assertions.DecodeJSON(body) },
		}
		e := assertions.Expect{
			Status:       static(wantVal),
			Headers:      static(cty.MapVal(map[string]cty.Value{"content-type": cty.StringVal(text), "X-FUZZ": cty.StringVal(string(want))})),
			JSON:         static(wantVal),
			BodyContains: static(cty.StringVal(text)),
			BodyMatches:  static(cty.StringVal(text)),
			JSONSchema:   static(wantVal),
			MaxDuration:  static(cty.StringVal(text)),
			Schemas:      &cache,
		}
		results := assertions.CheckExpect(e, &hcl.EvalContext{}, resp)
		if len(results) != 7 {
			t.Fatalf("%d results for 7 arguments", len(results))
		}
		for _, r := range results {
			if !r.Passed && len(r.Diags) == 0 {
				t.Fatalf("%s failed without saying why", r.Name)
			}
		}
		// Headers set to what is expected match (when cty keeps the text
		// as it is: it normalises strings to NFC).
		if cty.StringVal(text).AsString() == text && cty.StringVal(string(want)).AsString() == string(want) && !results[1].Passed {
			t.Fatalf("expect.headers failed on the headers it expects: %v", results[1].Diags)
		}
		// A JSON body contains itself (expect.json = null is refused: it
		// cannot be told from a missing value).
		if got := assertions.DecodeJSON(body); got != cty.NilVal && !got.IsNull() {
			r := assertions.CheckExpect(assertions.Expect{JSON: static(got)}, &hcl.EvalContext{}, resp)
			if !r[0].Passed {
				t.Fatalf("expect.json with the body itself failed: %v", r[0].Diags)
			}
		}
	})
}
