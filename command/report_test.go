package command_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/command"
	"github.com/sigrun-dev/sigrun/report"
	"github.com/sigrun-dev/sigrun/report/reporttest"
)

// runProc runs the command line with a Process the test sets up
// (terminals, environment); Stdout and Stderr are captured.
func runProc(t *testing.T, ctx context.Context, p command.Process, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	p.Stdout, p.Stderr = &out, &errOut
	code := command.Main(ctx, args, &p)
	return result{code, out.String(), errOut.String()}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counts reads "N passed, N failed, N skipped".
func counts(t *testing.T, line string) (passed, failed, skipped int) {
	t.Helper()
	if _, err := fmt.Sscanf(line, "%d passed, %d failed, %d skipped", &passed, &failed, &skipped); err != nil {
		t.Fatalf("not a summary line: %q", line)
	}
	return
}

// checkReports reads the JSON and JUnit reports a run wrote and checks
// them against the run's summary line: the JSON report validates against
// docs/report-schema.json, the JUnit XML passes the strict parser, and
// both count what the run counted.
func checkReports(t *testing.T, summaryLine, jsonFile, junitFile string) *report.Report {
	t.Helper()
	passed, failed, skipped := counts(t, summaryLine)
	data := readFile(t, jsonFile)
	if err := reporttest.ValidateJSON(data); err != nil {
		t.Fatalf("%s does not validate against the schema: %v", jsonFile, err)
	}
	rep, err := report.ReadJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if s.Passed != passed || s.Failed != failed || s.Skipped+s.NotRun != skipped || s.Total != passed+failed+skipped || len(rep.Requests) != s.Total {
		t.Errorf("JSON summary %+v, run %q", s, summaryLine)
	}
	if junitFile != "" {
		doc, err := reporttest.ParseJUnit(readFile(t, junitFile))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Tests != passed+failed+skipped || doc.Failures+doc.Errors != failed || doc.Skipped != skipped {
			t.Errorf("JUnit tests=%d failures=%d errors=%d skipped=%d, run %q", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, summaryLine)
		}
	}
	return rep
}

const reportCollection = `
variable "base_url" { type = string }
request "create" {
  url    = "${var.base_url}/create"
  method = "POST"
  json   = { name = "widget" }
  tags   = ["smoke"]
  expect { status = 200 }
}
request "broken" {
  url = "${var.base_url}/fail"
  expect { status = 200 }
  assert {
    condition     = try(response.json.ok, false)
    error_message = "the API must say ok"
  }
}
request "after_broken" {
  url = "${var.base_url}/after/${request.broken.response.status}"
}
request "fan" {
  for_each = toset(["a", "b", "c"])
  url      = "${var.base_url}/fan/${each.key}?after=${request.create.response.status}"
}
request "slowish" {
  url = "${var.base_url}/create"
  assert {
    condition     = response.status == 201
    severity      = "warning"
    error_message = "expected 201 some day"
  }
}
output "created" { value = request.create.response.status }
`

// reportServer answers /fail with 500, everything else with 200 and a
// JSON echo of the request's headers.
func reportServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/fail") {
			w.WriteHeader(500)
		}
		json.NewEncoder(w).Encode(map[string]any{"echo": r.Header, "path": r.URL.Path})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Several --report flags in one run, written although the run failed.
func TestRunWritesEveryReport(t *testing.T) {
	srv := reportServer(t)
	dir := writeCollection(t, map[string]string{"main.hcl": reportCollection})
	out := t.TempDir()
	res := run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL,
		"--report", "junit="+filepath.Join(out, "junit.xml"),
		"--report", "json="+filepath.Join(out, "report.json"),
		"--report", "html="+filepath.Join(out, "nested", "report.html"))
	if res.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if got := lastLine(res.stdout); got != "5 passed, 1 failed, 1 skipped" {
		t.Fatalf("last line %q\n%s", got, res.stdout)
	}
	rep := checkReports(t, lastLine(res.stdout), filepath.Join(out, "report.json"), filepath.Join(out, "junit.xml"))

	byName := map[string]*report.Request{}
	for _, r := range rep.Requests {
		byName[r.Name] = r
	}
	b := byName["broken"]
	if b == nil || b.Outcome != "failed" || b.Status != 500 || b.Attempts != 1 || b.Started == nil || len(b.Checks) != 2 {
		t.Fatalf("broken: %+v", b)
	}
	var msgs []string
	for _, d := range b.Diagnostics {
		msgs = append(msgs, d.Detail)
		if d.Range == nil || d.Range.Filename == "" || d.Snippet == nil {
			t.Errorf("diagnostic without place or snippet: %+v", d)
		}
	}
	if !strings.Contains(strings.Join(msgs, "\n"), "the API must say ok") {
		t.Errorf("the assert's message is not in the report: %v", msgs)
	}
	if a := byName["after_broken"]; a.Outcome != "skipped" || a.SkipReason != "skipped: request.broken failed" || strings.Join(a.DependsOn, ",") != "broken" {
		t.Errorf("after_broken: %+v", a)
	}
	if f := byName[`fan["b"]`]; f == nil || f.Block != "fan" || strings.Join(f.DependsOn, ",") != "create" || f.Exchange == nil {
		t.Errorf(`fan["b"]: %+v`, f)
	}
	if c := byName["create"]; strings.Join(c.Tags, ",") != "smoke" || c.Exchange == nil || c.Exchange.RequestBody != `{"name":"widget"}` {
		t.Errorf("create: %+v", c)
	}
	if w := byName["slowish"]; w.Outcome != "passed" || w.Warnings != 1 {
		t.Errorf("slowish: %+v", w)
	}
	if len(rep.Outputs) != 1 || string(rep.Outputs[0].Value) != "200" {
		t.Errorf("outputs %+v", rep.Outputs)
	}
	page := string(readFile(t, filepath.Join(out, "nested", "report.html")))
	if !strings.Contains(page, `data-requests="7"`) || !strings.Contains(page, "the API must say ok") {
		t.Error("the HTML report lacks the requests or the failure")
	}
}

// An interrupted run still writes its reports; requests that did not run
// are marked so.
func TestReportsOfAnInterruptedRun(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fast" {
			return
		}
		once.Do(func() { close(started) })
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	dir := writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "fast" { url = "${var.base_url}/fast" }
request "slow" {
  url        = "${var.base_url}/slow"
  depends_on = [request.fast]
}
request "after" {
  url        = var.base_url
  depends_on = [request.slow]
}`})
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	res := run(t, ctx, nil, "run", dir, "--var", "base_url="+srv.URL, "--parallel", "1",
		"--report", "json="+filepath.Join(out, "r.json"), "--report", "junit="+filepath.Join(out, "r.xml"), "--report", "html="+filepath.Join(out, "r.html"))
	if res.code != 130 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	rep := checkReports(t, lastLine(res.stdout), filepath.Join(out, "r.json"), filepath.Join(out, "r.xml"))
	if !rep.Summary.Interrupted || rep.Summary.OK || rep.Summary.Passed != 1 || rep.Summary.NotRun != 2 {
		t.Errorf("summary %+v", rep.Summary)
	}
	for _, r := range rep.Requests[1:] {
		if r.Outcome != "not_run" || !strings.HasPrefix(r.SkipReason, "not run: interrupted") {
			t.Errorf("%s: %s %q", r.Name, r.Outcome, r.SkipReason)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "r.html")); err != nil {
		t.Error(err)
	}
}

func TestReportFlagErrors(t *testing.T) {
	srv, count := countingServer(t, 200)
	dir := writeCollection(t, map[string]string{"main.hcl": "variable \"base_url\" { type = string }\nrequest \"a\" { url = var.base_url }\n"})
	for args, want := range map[string]string{
		"--report xml=a.xml":                       `unknown format "xml"`,
		"--report junit":                           "write FORMAT=FILE",
		"--report junit=a.xml --report json=a.xml": "write the same file",
		"--shard 5/4":                              "K must be from 1 to N",
		"--shard two":                              "write K/N",
	} {
		res := run(t, context.Background(), nil, append([]string{"run", dir, "--var", "base_url=" + srv.URL}, strings.Fields(args)...)...)
		if res.code != 2 || !strings.Contains(res.stderr, want) {
			t.Errorf("%s: exit %d, stderr %q", args, res.code, res.stderr)
		}
	}
	if n := count.Load(); n != 0 {
		t.Errorf("%d requests sent despite a command-line error", n)
	}
	// A report that cannot be written fails a run that passed.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o644)
	res := run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--report", "json="+filepath.Join(blocker, "r.json"))
	if res.code != 1 || !strings.Contains(res.stderr, "cannot write the report") || lastLine(res.stdout) != "1 passed, 0 failed, 0 skipped" {
		t.Errorf("unwritable report: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
}

// Secrets never appear anywhere: a run with static keys and a session
// token, a sensitive variable and a bearer token, against a server that
// echoes every header back, with --verbose, every report, GitHub
// annotations and the step summary.
func TestNoSecretInAnyOutput(t *testing.T) {
	const (
		accessKey = "AKIDSIGRUNREDACTION1"
		secret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiREDACTIONKEY"
		token     = "FwoGZXIvYXdzREDACTIONSESSIONTOKEN0123456789abcdef"
		sensitive = "hunter2-sensitive-variable"
		bearer    = "bearer-token-REDACTION-0123456789"
	)
	var mu sync.Mutex
	var signatures []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := regexp.MustCompile(`Signature=([0-9a-f]+)`).FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			mu.Lock()
			signatures = append(signatures, m[1])
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
		w.Header().Set("X-Echo-Token", r.Header.Get("X-Amz-Security-Token"))
		status := 200
		if strings.HasSuffix(r.URL.Path, "/fail") {
			status = 500
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"echo": r.Header, "query": r.URL.RawQuery, "padding": strings.Repeat("x", 10000)})
	}))
	defer srv.Close()
	dir := writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
variable "password" {
  type      = string
  sensitive = true
}
credentials "static" {
  access_key_id     = "` + accessKey + `"
  secret_access_key = "` + secret + `"
  session_token     = "` + token + `"
}
endpoint "api" {
  url = var.base_url
  auth "aws_sigv4" {
    credentials = credentials.static
    service     = "execute-api"
    region      = "us-east-1"
  }
}
request "signed" {
  endpoint = endpoint.api
  path     = "/signed"
  headers  = { "x-password" = var.password }
  query    = { p = var.password }
  json     = { password = var.password }
}
request "signed_fail" {
  endpoint = endpoint.api
  path     = "/signed/fail"
  headers  = { "x-password" = var.password }
  assert {
    condition     = response.body == var.password
    error_message = "body was ${response.body}"
  }
}
request "bearer" {
  url = "${var.base_url}/bearer/fail"
  auth "bearer" { token = "` + bearer + `" }
  assert {
    condition     = response.json.echo.Authorization[0] == "x"
    error_message = "got ${response.json.echo.Authorization[0]}"
  }
  assert {
    condition     = false
    severity      = "warning"
    error_message = "header ${response.headers["x-echo-authorization"]}"
  }
}
output "echoed" { value = request.signed.response.body }
output "password" {
  value     = var.password
  sensitive = true
}
`})
	out := t.TempDir()
	stepSummary := filepath.Join(out, "step-summary.md")
	files := map[string]string{
		"junit": filepath.Join(out, "r.xml"), "json": filepath.Join(out, "r.json"), "html": filepath.Join(out, "r.html"),
	}
	args := []string{"run", dir, "--var", "base_url=" + srv.URL, "--var", "password=" + sensitive, "--verbose"}
	for f, name := range files {
		args = append(args, "--report", f+"="+name)
	}
	res := runProc(t, context.Background(), command.Process{
		Environ: []string{"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + stepSummary},
	}, args...)
	if res.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	everything := map[string]string{"stdout": res.stdout, "stderr": res.stderr, "step summary": string(readFile(t, stepSummary))}
	for f, name := range files {
		everything[f+" report"] = string(readFile(t, name))
	}
	mu.Lock()
	sigs := append([]string(nil), signatures...)
	mu.Unlock()
	if len(sigs) < 2 {
		t.Fatalf("the server saw %d signatures", len(sigs))
	}
	secrets := append([]string{secret, token, sensitive, bearer}, sigs...)
	for where, text := range everything {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the secret %q", where, s)
			}
		}
	}
	// It was all there to leak: the exchange is shown, redacted.
	for _, want := range []string{
		"Signature=(sensitive value)", "X-Amz-Security-Token: (sensitive value)", "Authorization: Bearer (sensitive value)",
		"X-Password: (sensitive value)", "Credential=" + accessKey + "/", `{"password":"(sensitive value)"}`,
		"more bytes)", // long bodies are shortened
		"::error file=", "::warning file=",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("--verbose output lacks %q", want)
		}
	}
	checkReports(t, lastLine(res.stdout), files["json"], files["junit"])
}

// In GitHub Actions: annotations on the failing checks' lines, warnings
// as ::warning, a Markdown summary; the run's last line is still the
// summary. Elsewhere, none of it.
func TestGitHubActions(t *testing.T) {
	srv := reportServer(t)
	dir := writeCollection(t, map[string]string{"main.hcl": reportCollection})
	stepSummary := filepath.Join(t.TempDir(), "summary.md")
	os.WriteFile(stepSummary, []byte("earlier step\n"), 0o644)
	res := runProc(t, context.Background(), command.Process{Environ: []string{"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + stepSummary}},
		"run", dir, "--var", "base_url="+srv.URL)
	if res.code != 1 || lastLine(res.stdout) != "5 passed, 1 failed, 1 skipped" {
		t.Fatalf("exit %d\n%s", res.code, res.stdout)
	}
	file := filepath.Join(dir, "main.hcl")
	for _, re := range []string{
		`(?m)^::error file=` + regexp.QuoteMeta(file) + `,line=12,col=\d+,endLine=12,endColumn=\d+,title=sigrun%3A broken%3A Unexpected status code::.*500`,
		`(?m)^::error file=` + regexp.QuoteMeta(file) + `,line=14,col=\d+,.*title=sigrun%3A broken%3A .*::the API must say ok$`,
		`(?m)^::warning file=` + regexp.QuoteMeta(file) + `,line=28,.*::expected 201 some day$`,
	} {
		if !regexp.MustCompile(re).MatchString(res.stdout) {
			t.Errorf("no line matching %s in:\n%s", re, res.stdout)
		}
	}
	md := string(readFile(t, stepSummary))
	for _, want := range []string{"earlier step\n### ❌ sigrun: ", "**5 passed, 1 failed, 1 skipped**", "| ❌ | `broken` | GET | /fail | 500 |", "| ⏭️ | `after_broken` |"} {
		if !strings.Contains(md, want) {
			t.Errorf("step summary lacks %q:\n%s", want, md)
		}
	}
	res = run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL)
	if strings.Contains(res.stdout, "::error") || strings.Contains(res.stdout, "::warning") {
		t.Error("annotations outside GitHub Actions")
	}
}

// The progress line: on a terminal's stderr only, never in a log.
func TestProgressOnlyOnATerminal(t *testing.T) {
	srv := reportServer(t)
	dir := writeCollection(t, map[string]string{"main.hcl": reportCollection})
	for _, tty := range []bool{false, true} {
		res := runProc(t, context.Background(), command.Process{StdoutIsTerminal: tty, StderrIsTerminal: tty, Environ: []string{"NO_COLOR=1"}},
			"run", dir, "--var", "base_url="+srv.URL)
		if res.code != 1 || lastLine(res.stdout) != "5 passed, 1 failed, 1 skipped" {
			t.Fatalf("tty %v: exit %d\n%s", tty, res.code, res.stdout)
		}
		hasProgress := strings.Contains(res.stderr, "\r") || strings.Contains(res.stderr, "done")
		if hasProgress != tty {
			t.Errorf("tty %v: stderr %q", tty, res.stderr)
		}
		if strings.Contains(res.stdout, "\r") || strings.Contains(res.stdout, "\x1b[K") {
			t.Errorf("tty %v: the progress line got into stdout", tty)
		}
		if tty && !strings.HasSuffix(res.stderr, "\r\x1b[K") {
			t.Errorf("the status line is not cleared at the end: %q", res.stderr[max(0, len(res.stderr)-80):])
		}
	}
	// Not in CI, nor on a dumb terminal.
	for _, env := range []string{"CI=true", "TERM=dumb"} {
		res := runProc(t, context.Background(), command.Process{StderrIsTerminal: true, Environ: []string{env}}, "run", dir, "--var", "base_url="+srv.URL)
		if strings.Contains(res.stderr, "\r") {
			t.Errorf("%s: progress drawn", env)
		}
	}
}
