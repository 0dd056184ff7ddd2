package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sigrun-dev/sigrun/report/reporttest"
	"github.com/sigrun-dev/sigrun/view"
)

func build(t *testing.T) *Report {
	t.Helper()
	sum, meta := fixture(t)
	return Build(sum, meta)
}

func encode(t *testing.T, format string, rep *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, format, rep); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBuild(t *testing.T) {
	rep := build(t)
	want := Summary{Total: 9, Passed: 5, Failed: 2, Skipped: 1, NotRun: 1, Warnings: 1, Interrupted: true, OK: false}
	if rep.Summary != want {
		t.Errorf("summary %+v, want %+v", rep.Summary, want)
	}
	if rep.Collection.Name != "smoke" {
		t.Errorf("collection name %q", rep.Collection.Name)
	}
	byName := map[string]*Request{}
	for _, r := range rep.Requests {
		byName[r.Name] = r
	}
	// A result that carries only its name gets its block from it.
	if r := byName["late"]; r.Block != "late" || r.Outcome != OutcomeNotRun || r.Started != nil || r.SkipReason != "not run: interrupted" {
		t.Errorf("late: %+v", r)
	}
	if r := byName["module.auth.request.login"]; r.Module != "module.auth" || r.ShortName() != "login" {
		t.Errorf("module request: %+v", r)
	}
	d := byName["get_item"].Diagnostics[0]
	if d.Range == nil || d.Range.Line != 8 || d.Snippet == nil || !strings.Contains(d.Snippet.Code, "status = 200") {
		t.Errorf("diagnostic not in view.Diagnostic form with its snippet: %+v", d)
	}
	outs := map[string]string{}
	for _, o := range rep.Outputs {
		outs[o.Name] = string(o.Value) + "|" + o.Error
	}
	for name, want := range map[string]string{
		"item_id": `"1"|`, "token": `"(sensitive value)"|`, "marked": `"(sensitive value)"|`,
		"object": `{"n":3,"s":"a"}|`, "later": "null|not computed: skipped: request.get_item failed",
	} {
		if outs[name] != want {
			t.Errorf("output %s = %s, want %s", name, outs[name], want)
		}
	}
}

// Results that carry only their name get their dependencies and tags
// from the plan.
func TestBuildFillsFromBlocks(t *testing.T) {
	sum, meta := fixture(t)
	meta.Blocks = []Block{{Name: "after_get", DependsOn: []string{"get_item"}, Tags: []string{"t"}}, {Name: "create_item", DependsOn: []string{"nope"}}}
	rep := Build(sum, meta)
	for _, r := range rep.Requests {
		switch r.Name {
		case "after_get":
			if strings.Join(r.DependsOn, ",") != "get_item" || strings.Join(r.Tags, ",") != "t" {
				t.Errorf("after_get: %v %v", r.DependsOn, r.Tags)
			}
		case "create_item":
			if len(r.DependsOn) != 0 {
				t.Errorf("a result that ran keeps its own dependencies: %v", r.DependsOn)
			}
		}
	}
}

func TestBuildRedacts(t *testing.T) {
	sum, meta := fixture(t)
	meta.Redact = func(s string) string { return strings.ReplaceAll(s, "widget", "(sensitive value)") }
	rep := Build(sum, meta)
	for _, format := range Formats {
		if out := encode(t, format, rep); bytes.Contains(out, []byte("widget")) {
			t.Errorf("%s report shows a redacted value", format)
		}
	}
}

// The JUnit report, read by a parser that knows only the JUnit schema's
// elements and attributes, has the run's counts.
func TestJUnit(t *testing.T) {
	rep := build(t)
	doc, err := reporttest.ParseJUnit(encode(t, "junit", rep))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Tests != rep.Summary.Total || doc.Failures+doc.Errors != rep.Summary.Failed || doc.Skipped != rep.Summary.Skipped+rep.Summary.NotRun {
		t.Errorf("counts tests=%d failures=%d errors=%d skipped=%d; run %+v", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, rep.Summary)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "smoke" || doc.Suites[1].Name != "smoke/module.auth" {
		t.Fatalf("suites: %+v", doc.Suites)
	}
	cases := map[string]reporttest.TestCase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.Classname+" "+c.Name] = c
		}
	}
	get := cases["smoke get_item"]
	if len(get.Failures) != 1 || get.Failures[0].Message != "main.hcl:8: Unexpected status code: Expected status 200, got 500 Internal Server Error." ||
		get.Failures[0].Type != "expect.status" || get.File != "main.hcl" || get.Line != 5 || get.Time != 0.015 {
		t.Errorf("get_item: %+v", get)
	}
	if !strings.Contains(get.Failures[0].Text, "on main.hcl:8:5, in request \"get_item\"") {
		t.Errorf("failure text lacks the place:\n%s", get.Failures[0].Text)
	}
	if b := cases["smoke broken"]; len(b.Errors) != 1 || !strings.Contains(b.Errors[0].Message, "connection refused") {
		t.Errorf("a request that could not be sent is an error: %+v", b)
	}
	if s := cases["smoke after_get"]; len(s.Skipped) != 1 || s.Skipped[0].Message != "skipped: request.get_item failed" {
		t.Errorf("after_get: %+v", s)
	}
	if s := cases["smoke late"]; len(s.Skipped) != 1 || s.Skipped[0].Message != "not run: interrupted" {
		t.Errorf("late: %+v", s)
	}
	for _, name := range []string{`smoke fan["a"]`, `smoke fan["b"]`, "smoke/module.auth login"} {
		if _, ok := cases[name]; !ok {
			t.Errorf("no test case %s", name)
		}
	}
	if w := cases["smoke warned"]; w.SystemOut == nil || !strings.Contains(*w.SystemOut, "slow, but fine") {
		t.Errorf("the warning is not in the passing case's output: %+v", w)
	}
	if doc.Suites[0].SystemErr == nil || !strings.Contains(*doc.Suites[0].SystemErr, "Invalid local value") {
		t.Error("the run-level diagnostic is not in the suite's system-err")
	}
}

// Text that XML cannot hold (a terminal escape, NUL, bad UTF-8 from a
// response body) does not break the document.
func TestJUnitControlCharacters(t *testing.T) {
	rep := build(t)
	rep.Requests[1].Diagnostics[0].Detail = "body: \x1b[31mred\x00 \xff]]> end"
	rep.Requests[1].Exchange = &Exchange{Method: "GET", URL: "http://x/", Status: 200, ResponseBody: "\x07bell ]]> \x1b"}
	doc, err := reporttest.ParseJUnit(encode(t, "junit", rep))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Suites[0].Cases {
		if c.Name == "get_item" && (!strings.Contains(c.Failures[0].Text, "\uFFFD[31mred\uFFFD \uFFFD]]> end") || !strings.Contains(*c.SystemOut, "]]>")) {
			t.Errorf("%q %q", c.Failures[0].Text, *c.SystemOut)
		}
	}
}

// The strict parser does refuse what is not JUnit.
func TestStrictJUnitParserRefuses(t *testing.T) {
	for _, doc := range []string{
		`<testsuites tests="1"><testsuite name="a" tests="1"><testcase name="x"><bogus/></testcase></testsuite></testsuites>`,
		`<testsuites tests="1" colour="red"><testsuite name="a" tests="1"><testcase name="x"/></testsuite></testsuites>`,
		`<testsuites tests="2"><testsuite name="a" tests="1"><testcase name="x"/></testsuite></testsuites>`,
		`<testsuites tests="1" failures="1" skipped="1"><testsuite name="a" tests="1" failures="1" skipped="1"><testcase name="x"><failure/><skipped/></testcase></testsuite></testsuites>`,
		`<testsuite name="a" tests="0"></testsuite>`,
	} {
		if _, err := reporttest.ParseJUnit([]byte(doc)); err == nil {
			t.Errorf("accepted %s", doc)
		}
	}
}

func TestJSONSchema(t *testing.T) {
	rep := build(t)
	data := encode(t, "json", rep)
	if err := reporttest.ValidateJSON(data); err != nil {
		t.Fatalf("the report does not validate:\n%v\n%s", err, data)
	}
	// An empty run too.
	empty := Build(&runnerSummaryEmpty, Meta{Collection: "x"})
	if err := reporttest.ValidateJSON(encode(t, "json", empty)); err != nil {
		t.Fatalf("an empty report does not validate: %v", err)
	}
	// The schema is strict: it refuses what the report must not be.
	for name, mutate := range map[string]func(m map[string]any){
		"unknown field":    func(m map[string]any) { m["extra"] = 1 },
		"bad outcome":      func(m map[string]any) { req(m, 0)["outcome"] = "ok" },
		"bad version":      func(m map[string]any) { m["format_version"] = "2.0" },
		"bad time":         func(m map[string]any) { m["started"] = "yesterday" },
		"skip no reason":   func(m map[string]any) { delete(req(m, 3), "skip_reason") },
		"sensitive shown":  func(m map[string]any) { m["outputs"].([]any)[1].(map[string]any)["value"] = "hunter2" },
		"diag no severity": func(m map[string]any) { delete(req(m, 1)["diagnostics"].([]any)[0].(map[string]any), "severity") },
	} {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		mutate(m)
		bad, _ := json.Marshal(m)
		if err := reporttest.ValidateJSON(bad); err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

func req(m map[string]any, i int) map[string]any { return m["requests"].([]any)[i].(map[string]any) }

func TestJSONRoundTrip(t *testing.T) {
	rep := build(t)
	back, err := ReadJSON(bytes.NewReader(encode(t, "json", rep)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b json.RawMessage) bool {
			var ca, cb bytes.Buffer
			return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
		})); diff != "" {
		t.Errorf("round trip (-built +read):\n%s", diff)
	}
	if _, err := ReadJSON(strings.NewReader(`{"tool":"sigrun","format_version":"2.0"}`)); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("a report of another major version: %v", err)
	}
	if _, err := ReadJSON(strings.NewReader(`{"x":1}`)); err == nil {
		t.Error("accepted a JSON document that is not a report")
	}
}

func TestHTMLSelfContained(t *testing.T) {
	rep := build(t)
	page := string(encode(t, "html", rep))
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<link\b`), regexp.MustCompile(`(?i)\ssrc\s*=`), regexp.MustCompile(`(?i)url\(`),
		regexp.MustCompile(`(?i)@import`), regexp.MustCompile(`(?i)href\s*=\s*"(https?:)?//`),
		regexp.MustCompile(`<widget>`), // the body is escaped
	} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("the page has %q", m)
		}
	}
	for _, want := range []string{
		`Content-Security-Policy" content="default-src 'none'`,
		`id="sigrun-timeline"`, `data-requests="9"`, "module.auth.request.login",
		"{&#34;name&#34;:&#34;&lt;widget&gt;&#34;}", // the request body, escaped
		"Unexpected status code", "not run: interrupted", "Interrupted",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(page, "</script>"); n != 2 {
		t.Errorf("%d script ends, want 2: the data must not close its element", n)
	}
}

func TestAnnotations(t *testing.T) {
	rep := build(t)
	var got []string
	for _, r := range rep.Requests {
		got = append(got, Annotations(r)...)
	}
	want := []string{
		"::error file=main.hcl,line=8,col=5,endLine=8,endColumn=17,title=sigrun%3A get_item%3A Unexpected status code::Expected status 200, got 500 Internal Server Error.%0AThe response body starts: oops",
		// Properties escape : and , too; the message only %, CR and LF (as @actions/core).
		"::error file=main.hcl,line=12,col=1,endLine=12,endColumn=17,title=sigrun%3A broken%3A Request failed::GET http://127.0.0.1:1/nothing: connection refused.",
		"::warning file=main.hcl,line=26,col=5,endLine=26,endColumn=26,title=sigrun%3A warned%3A Assertion failed (warning)::slow, but fine",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	d := &view.Diagnostic{Severity: "error", Summary: "a, b: c", Detail: "100%\r\nsure"}
	if got := Annotation(d, "x", &view.Range{Filename: "d,ir/f:1.hcl", Line: 2, Column: 3}); got != "::error file=d%2Cir/f%3A1.hcl,line=2,col=3,title=sigrun%3A x%3A a%2C b%3A c::100%25%0D%0Asure" {
		t.Errorf("escaping: %s", got)
	}
}

func TestMarkdown(t *testing.T) {
	rep := build(t)
	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"### ⏹️ sigrun: smoke", "**5 passed, 2 failed, 2 skipped**", "| ❌ | `get_item` | GET | /items/1 | 500 | 15ms | Unexpected status code: Expected status 200, got 500 Internal Server Error. |",
		"| ⏭️ | `after_get` |", "| ⏹️ | `late` |", "<details><summary>Failures</summary>", "```text\nError: Unexpected status code",
		"| `token` | \"(sensitive value)\" |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the summary lacks %q:\n%s", want, md)
		}
	}
	// Every row of the requests' table has its 7 cells: no value breaks it.
	rows := 0
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ✅") || strings.HasPrefix(line, "| ❌") || strings.HasPrefix(line, "| ⏭️") || strings.HasPrefix(line, "| ⏹️") {
			rows++
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 8 {
				t.Errorf("row with %d cell walls: %q", n, line)
			}
		}
	}
	if rows != len(rep.Requests) {
		t.Errorf("%d rows for %d requests", rows, len(rep.Requests))
	}
}

func TestWriteTargets(t *testing.T) {
	if _, err := ParseTargets([]string{"junit=a.xml", "json=a.xml"}); err == nil {
		t.Error("two reports to one file accepted")
	}
	for _, bad := range []string{"junit", "xml=a", "junit=", "=a"} {
		if _, err := ParseTarget(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	dir := t.TempDir()
	rep := build(t)
	for _, f := range Formats {
		target := Target{Format: f, Path: filepath.Join(dir, "sub", "report."+f)}
		if err := Write(rep, target); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if len(entries) != 3 {
		t.Errorf("files: %v (temporary files must be gone)", entries)
	}
}

func TestCollectionName(t *testing.T) {
	for in, want := range map[string]string{"samples/quickstart": "quickstart", "./smoke/": "smoke", "smoke/main.hcl": "smoke", "": "sigrun"} {
		if got := CollectionName(in); got != want {
			t.Errorf("CollectionName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CollectionName("."); got == "" || got == "." {
		t.Errorf("CollectionName(.) = %q", got)
	}
}

// A run without requests (an empty shard) has one empty suite; a run of
// modules only has no empty suite for the collection.
func TestJUnitSuitesOfEmptyAndModuleRuns(t *testing.T) {
	empty := Build(&runnerSummaryEmpty, Meta{Collection: "x"})
	doc, err := reporttest.ParseJUnit(encode(t, "junit", empty))
	if err != nil || len(doc.Suites) != 1 || doc.Suites[0].Name != "x" || doc.Tests != 0 {
		t.Fatalf("empty run: %+v %v", doc, err)
	}
	rep := build(t)
	rep.Diagnostics = nil
	var mods []*Request
	for _, r := range rep.Requests {
		if r.Module != "" {
			mods = append(mods, r)
		}
	}
	rep.Requests = mods
	doc, err = reporttest.ParseJUnit(encode(t, "junit", rep))
	if err != nil || len(doc.Suites) != 1 || doc.Suites[0].Name != "smoke/module.auth" {
		t.Fatalf("modules only: %+v %v", doc, err)
	}
}
