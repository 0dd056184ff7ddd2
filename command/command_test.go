package command_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/command"
	"github.com/sigrun-dev/sigrun/demo"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, ctx context.Context, env []string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := command.Main(ctx, args, &command.Process{Stdout: &out, Stderr: &errOut, Environ: env})
	return result{code, out.String(), errOut.String()}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func writeCollection(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// countingServer counts the requests it receives and echoes each request's
// headers back as JSON, so that tests can see what a server could leak.
func countingServer(t *testing.T, status int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"echo": r.Header, "query": r.URL.RawQuery})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestDemo(t *testing.T) {
	res := run(t, context.Background(), nil, "demo")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if got := lastLine(res.stdout); got != "8 passed, 0 failed, 0 skipped" {
		t.Fatalf("last line %q\n%s", got, res.stdout)
	}
	if strings.Contains(res.stdout, demo.SecretAccessKey) {
		t.Error("demo output shows the secret key")
	}
	if strings.Contains(res.stdout, "\x1b[") {
		t.Error("colour escapes written to a non-terminal")
	}
}

// `sigrun demo --serve` in one terminal, `sigrun run samples/quickstart` in
// another.
func TestDemoServeThenRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out command.LockedBuffer
	done := make(chan int)
	go func() {
		done <- command.Main(ctx, []string{"demo", "--serve"}, &command.Process{Stdout: &out, Stderr: &out})
	}()
	var url string
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+/demo)`)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		t.Fatalf("demo --serve printed no URL:\n%s", out.String())
	}
	for _, want := range []string{demo.AccessKeyID, "sigrun run samples/quickstart --var base_url=" + url} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve output lacks %q", want)
		}
	}
	res := run(t, context.Background(), nil, "run", "../samples/quickstart", "--var", "base_url="+url)
	if res.code != 0 || lastLine(res.stdout) != "8 passed, 0 failed, 0 skipped" {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("demo --serve exited %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("demo --serve did not stop when interrupted")
	}
}

// An invalid collection exits 2 with a diagnostic naming file:line:col and
// showing the source line, without a Go stack trace, and sends nothing.
func TestInvalidCollectionsExit2(t *testing.T) {
	srv, count := countingServer(t, 200)
	head := "variable \"base_url\" { type = string }\nendpoint \"api\" { url = var.base_url }\n"
	cases := map[string]struct {
		src, where, line string
	}{
		"syntax error": {head + "request \"a\" {\n  endpoint = endpoint.api\n  path = \"/x\n}\n",
			"main.hcl:5:13", `path = "/x`},
		"unknown reference": {head + "request \"a\" {\n  endpoint = endpoint.api\n  path = \"/${var.stag}\"\n}\n",
			"main.hcl:5:14", `path = "/${var.stag}"`},
		"cycle": {head + "request \"a\" {\n  endpoint = endpoint.api\n  path = \"/${request.b.response.status}\"\n}\n" +
			"request \"b\" {\n  endpoint = endpoint.api\n  path = \"/${request.a.response.status}\"\n}\n",
			"main.hcl:3:1", `request "a" {`},
		"type error": {head + "request \"a\" {\n  endpoint = endpoint.api\n  headers = [\"x\"]\n}\n",
			"main.hcl:5:13", `headers = ["x"]`},
		"unknown argument": {head + "request \"a\" {\n  endpoint = endpoint.api\n  methd = \"GET\"\n}\n",
			"main.hcl:5:3", `methd = "GET"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeCollection(t, map[string]string{"main.hcl": tc.src})
			for _, cmd := range []string{"run", "validate"} {
				res := run(t, context.Background(), nil, cmd, dir, "--var", "base_url="+srv.URL)
				if res.code != 2 {
					t.Fatalf("%s: exit %d, want 2\n%s%s", cmd, res.code, res.stdout, res.stderr)
				}
				if !strings.Contains(res.stderr, tc.where) {
					t.Errorf("%s: stderr lacks %q:\n%s", cmd, tc.where, res.stderr)
				}
				if !strings.Contains(res.stderr, tc.line) {
					t.Errorf("%s: stderr lacks the source line %q:\n%s", cmd, tc.line, res.stderr)
				}
				if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic") {
					t.Errorf("%s: stack trace in output:\n%s", cmd, res.stderr)
				}
				if !strings.Contains(lastLine(res.stderr), "nothing was sent") {
					t.Errorf("%s: last line %q", cmd, lastLine(res.stderr))
				}
			}
		})
	}
	if n := count.Load(); n != 0 {
		t.Fatalf("%d requests were sent from invalid collections", n)
	}
}

func TestMissingRequiredVariable(t *testing.T) {
	dir := writeCollection(t, map[string]string{"main.hcl": "variable \"api_id\" { type = string }\n"})
	res := run(t, context.Background(), nil, "validate", dir)
	if res.code != 2 {
		t.Fatalf("exit %d", res.code)
	}
	for _, want := range []string{`No value for required variable "api_id"`, "--var api_id=VALUE", "SIGRUN_VAR_api_id", "main.hcl:1:1"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	// The environment variable sets it.
	if res := run(t, context.Background(), []string{"SIGRUN_VAR_api_id=x"}, "validate", dir); res.code != 0 {
		t.Fatalf("with SIGRUN_VAR_api_id: exit %d\n%s", res.code, res.stderr)
	}
}

func TestCommandLineErrorsAreOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--nope"},
		{"frobnicate"},
		{"run", "a", "b"},
		{"run", "--parallel", "0", "."},
		{"run", "/does/not/exist"},
		{"run", ".", "--var-file", "/does/not/exist.hcl"},
	} {
		res := run(t, context.Background(), nil, args...)
		if res.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, res.code)
		}
		if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "Usage:") {
			t.Errorf("%v: noisy error:\n%s", args, res.stderr)
		}
	}
}

const secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
const sessionToken = "FwoGZXIvYXdzSESSIONTOKENabcdefghijklmnop"

// No secret appears in any output: the secret key, the session token, the
// signature, a sensitive variable, a bearer token — even when the server
// echoes the request's headers and a failing check prints the body.
func TestSecretsNeverShown(t *testing.T) {
	srv, _ := countingServer(t, 500)
	dir := writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
variable "password" {
  type      = string
  sensitive = true
}
credentials "static" {
  access_key_id     = "AKIDEXAMPLE"
  secret_access_key = "` + secretKey + `"
  session_token     = "` + sessionToken + `"
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
  expect {
    status        = 200
    body_contains = "nope"
  }
  assert {
    condition     = response.body == var.password
    error_message = "body was ${response.body}"
  }
}
request "bearer" {
  endpoint = endpoint.api
  path     = "/bearer"
  auth "bearer" { token = "bearer-token-0123456789" }
  expect { status = 200 }
  assert {
    condition     = response.json.echo.Authorization[0] == "x"
    error_message = "got ${response.json.echo.Authorization[0]}"
  }
}
output "echoed" { value = request.signed.response.body }
`})
	res := run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--var", "password=hunter2-sensitive")
	if res.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	all := res.stdout + res.stderr
	for _, secret := range []string{secretKey, sessionToken, "hunter2-sensitive", "bearer-token-0123456789"} {
		if strings.Contains(all, secret) {
			t.Errorf("output shows %q", secret)
		}
	}
	if m := regexp.MustCompile(`[0-9a-f]{64}`).FindString(all); m != "" {
		t.Errorf("output shows a signature-like value %s", m)
	}
	if !strings.Contains(all, "(sensitive value)") {
		t.Errorf("expected redaction markers in the output:\n%s", all)
	}
	if got := lastLine(res.stdout); got != "0 passed, 2 failed, 0 skipped" {
		t.Errorf("last line %q", got)
	}
}

func TestColour(t *testing.T) {
	srv, _ := countingServer(t, 500)
	dir := writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "a" {
  url = var.base_url
  expect { status = 200 }
}`})
	runWith := func(env []string, tty bool) string {
		var out, errOut bytes.Buffer
		command.Main(context.Background(), []string{"run", dir, "--var", "base_url=" + srv.URL},
			&command.Process{Stdout: &out, Stderr: &errOut, Environ: env, StdoutIsTerminal: tty})
		return out.String()
	}
	if s := runWith(nil, true); !strings.Contains(s, "\x1b[") {
		t.Error("no colour on a terminal")
	}
	if s := runWith([]string{"NO_COLOR=1"}, true); strings.Contains(s, "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
	if s := runWith(nil, false); strings.Contains(s, "\x1b[") {
		t.Error("colour on a non-terminal")
	}
}

func TestInterruptExit130(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	dir := writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "slow" { url = var.base_url }
request "after" {
  url        = var.base_url
  depends_on = [request.slow]
}`})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	res := run(t, ctx, nil, "run", dir, "--var", "base_url="+srv.URL)
	if res.code != 130 {
		t.Fatalf("exit %d, want 130\n%s", res.code, res.stdout)
	}
	if got := lastLine(res.stdout); got != "0 passed, 0 failed, 2 skipped" {
		t.Fatalf("last line %q", got)
	}
	if !strings.Contains(res.stdout, "Interrupted") {
		t.Errorf("no interruption notice:\n%s", res.stdout)
	}
}

// Variables from an env file and --var-file; --var and --var-file in order.
func TestVariableSources(t *testing.T) {
	srv, _ := countingServer(t, 200)
	dir := writeCollection(t, map[string]string{
		"main.hcl": `
variable "base_url" { type = string }
variable "stage" {
  type    = string
  default = "default"
}
request "a" {
  url = "${var.base_url}/${var.stage}"
  expect { status = 200 }
}
output "stage" { value = var.stage }`,
		"env/prod.hcl":      `stage = "from-env-file"`,
		"vars/override.hcl": `stage = "from-var-file"`,
		"vars/unknown.hcl":  `nope = 1`,
	})
	check := func(want string, env []string, args ...string) {
		t.Helper()
		res := run(t, context.Background(), env, append([]string{"run", dir, "--var", "base_url=" + srv.URL}, args...)...)
		if res.code != 0 || !strings.Contains(res.stdout, `stage = "`+want+`"`) {
			t.Fatalf("args %v: exit %d, want stage %q\n%s%s", args, res.code, want, res.stdout, res.stderr)
		}
	}
	check("default", nil)
	check("from-env", []string{"SIGRUN_VAR_stage=from-env"})
	check("from-env-file", []string{"SIGRUN_VAR_stage=from-env"}, "--env", "prod")
	check("from-flag", nil, "--env", "prod", "--var", "stage=from-flag")
	check("from-var-file", nil, "--var", "stage=from-flag", "--var-file", filepath.Join(dir, "vars", "override.hcl"))
	check("from-flag", nil, "--var-file", filepath.Join(dir, "vars", "override.hcl"), "--var", "stage=from-flag")

	res := run(t, context.Background(), nil, "run", dir, "--env", "missing")
	if res.code != 2 || !strings.Contains(res.stderr, "env/missing.hcl") {
		t.Fatalf("missing env file: exit %d %s", res.code, res.stderr)
	}
	res = run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--var", "stagee=x")
	if res.code != 2 || !strings.Contains(res.stderr, `Did you mean "stage"?`) {
		t.Fatalf("undeclared --var: exit %d %s", res.code, res.stderr)
	}
	res = run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--var-file", filepath.Join(dir, "vars", "unknown.hcl"))
	if res.code != 0 || !strings.Contains(res.stderr, "Warning:") {
		t.Fatalf("undeclared name in a var file must warn: exit %d %s", res.code, res.stderr)
	}
}
