package runner_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// load builds a collection from files given as text.
func load(t *testing.T, files map[string]string) *dsl.Collection {
	t.Helper()
	c, diags := dsl.Load(mapFS(files), "", nil)
	if diags.HasErrors() {
		t.Fatalf("load: %s", diags.Error())
	}
	return c
}

// newRunner prepares a run with base_url set to url.
func newRunner(t *testing.T, c *dsl.Collection, url string, opts runner.Options) *runner.Runner {
	t.Helper()
	opts.Vars = append([]dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + url}}, opts.Vars...)
	r, diags := runner.New(c, opts)
	if diags.HasErrors() {
		t.Fatalf("runner.New: %s", diags.Error())
	}
	return r
}

// recorder is a test server that records the requests it gets and answers
// through a handler function.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	srv  *httptest.Server
}

type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

func newRecorder(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body []byte)) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
		rec.mu.Unlock()
		handle(w, r, body)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.reqs)
}

func (rec *recorder) paths() []string {
	var out []string
	for _, r := range rec.requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func okJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

const header = `
variable "base_url" { type = string }
endpoint "api" { url = var.base_url }
`

func result(sum *runner.Summary, name string) *runner.RequestResult {
	for _, r := range sum.Results {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// A chain passes values from one response to the next request, and a
// request whose dependency failed is skipped with the reason, while an
// independent branch goes on.
func TestChainAndSkipOnFailure(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/items":
			okJSON(w, 201, map[string]any{"id": "abc 1/2", "tags": []string{"x"}})
		case "/items/abc+1/2":
			okJSON(w, 200, map[string]any{"ok": true})
		case "/broken":
			okJSON(w, 500, map[string]any{"error": "boom"})
		default:
			okJSON(w, 200, map[string]any{})
		}
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "create" {
  endpoint = endpoint.api
  method   = "post"
  path     = "/items"
  json     = { name = "widget" }
  expect { status = 201 }
}
request "get" {
  endpoint = endpoint.api
  path     = "/items/${urlencode(request.create.response.json.id)}"
  expect { status = 200 }
}
request "broken" {
  endpoint = endpoint.api
  path     = "/broken"
  expect { status = 200 }
}
request "after_broken" {
  endpoint   = endpoint.api
  path       = "/after"
  depends_on = [request.broken]
}
request "after_after" {
  endpoint = endpoint.api
  path     = "/x/${request.after_broken.response.status}"
}
output "id" { value = request.create.response.json.id }
output "never" { value = request.after_after.response.status }
`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	if sum.Passed != 2 || sum.Failed != 1 || sum.Skipped != 2 {
		t.Fatalf("passed/failed/skipped = %d/%d/%d, want 2/1/2", sum.Passed, sum.Failed, sum.Skipped)
	}
	if got := result(sum, "after_broken").SkipReason; got != "skipped: request.broken failed" {
		t.Errorf("skip reason = %q", got)
	}
	if got := result(sum, "after_after").SkipReason; got != "skipped: request.broken failed" {
		t.Errorf("skip reason of a transitive dependent = %q, want the root cause", got)
	}
	for _, p := range rec.paths() {
		if strings.HasPrefix(p, "GET /after") || strings.HasPrefix(p, "GET /x/") {
			t.Errorf("a skipped request was sent: %s", p)
		}
	}
	// The POST carried the encoded JSON with its content type.
	for _, r := range rec.requests() {
		if r.Path == "/items" {
			if r.Method != "POST" || r.Body != `{"name":"widget"}` || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("create sent %s %q (%s)", r.Method, r.Body, r.Header.Get("Content-Type"))
			}
		}
	}
	// urlencode has Terraform's semantics: a space becomes +.
	if got := result(sum, "get").Path; got != "/items/abc+1%2F2" {
		t.Errorf("get path = %q", got)
	}
	if len(sum.Outputs) != 2 || sum.Outputs[0].Value.AsString() != "abc 1/2" || sum.Outputs[1].Err == "" {
		t.Errorf("outputs = %+v", sum.Outputs)
	}
	if sum.OK() {
		t.Error("a run with a failure must not be OK")
	}
}

// Independent requests really run at the same time: the server holds each
// request until all of them have arrived.
func TestIndependentRequestsRunConcurrently(t *testing.T) {
	const n = 4
	var arrived sync.WaitGroup
	arrived.Add(n)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		arrived.Done()
		select {
		case <-all:
			okJSON(w, 200, map[string]any{})
		case <-time.After(5 * time.Second):
			okJSON(w, 504, map[string]any{"error": "the other requests never came"})
		}
	})
	var src strings.Builder
	src.WriteString(header)
	for i := range n {
		fmt.Fprintf(&src, "request \"r%d\" {\n endpoint = endpoint.api\n path = \"/%d\"\n expect { status = 200 }\n}\n", i, i)
	}
	c := load(t, map[string]string{"main.hcl": src.String()})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{Parallel: n}).Run(context.Background())
	if sum.Passed != n {
		t.Fatalf("%d of %d passed: the requests did not run concurrently", sum.Passed, n)
	}
}

// --parallel bounds the requests in flight.
func TestParallelBound(t *testing.T) {
	var cur, peak atomic.Int32
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		c := cur.Add(1)
		for p := peak.Load(); c > p && !peak.CompareAndSwap(p, c); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		cur.Add(-1)
		okJSON(w, 200, map[string]any{})
	})
	var src strings.Builder
	src.WriteString(header)
	for i := range 8 {
		fmt.Fprintf(&src, "request \"r%d\" {\n endpoint = endpoint.api\n path = \"/%d\"\n}\n", i, i)
	}
	c := load(t, map[string]string{"main.hcl": src.String()})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{Parallel: 2}).Run(context.Background())
	if sum.Passed != 8 {
		t.Fatalf("passed %d", sum.Passed)
	}
	if p := peak.Load(); p > 2 {
		t.Fatalf("%d requests in flight at once with --parallel 2", p)
	}
}

// With --parallel 1 the order is the topological order, ties broken by
// position in the files (files in name order), every time.
func TestParallelOneOrder(t *testing.T) {
	files := map[string]string{
		"a.hcl": header + `
request "third" {
  endpoint = endpoint.api
  path     = "/third/${request.first.response.status}"
}
request "first" {
  endpoint = endpoint.api
  path     = "/first"
}`,
		"b.hcl": `
request "second" {
  endpoint = endpoint.api
  path     = "/second"
}
request "fourth" {
  endpoint   = endpoint.api
  path       = "/fourth"
  depends_on = [request.third]
}`,
	}
	want := []string{"GET /first", "GET /third/200", "GET /second", "GET /fourth"}
	for i := range 5 {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
			time.Sleep(time.Duration(len(r.URL.Path)%3) * time.Millisecond)
			okJSON(w, 200, map[string]any{})
		})
		c := load(t, files)
		newRunner(t, c, rec.srv.URL, runner.Options{Parallel: 1}).Run(context.Background())
		if got := rec.paths(); !slices.Equal(got, want) {
			t.Fatalf("run %d: order %v, want %v", i, got, want)
		}
	}
}

// Ctrl-C: no new request starts, the one in flight is cancelled, and the
// summary still covers every request.
func TestInterruptCancelsInFlight(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		once.Do(func() { close(started) })
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "slow" {
  endpoint = endpoint.api
  path     = "/slow"
}
request "next" {
  endpoint   = endpoint.api
  path       = "/next"
  depends_on = [request.slow]
}
request "other" {
  endpoint = endpoint.api
  path     = "/other"
}`})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	begin := time.Now()
	sum := newRunner(t, c, rec.srv.URL, runner.Options{Parallel: 1}).Run(ctx)
	if d := time.Since(begin); d > 3*time.Second {
		t.Fatalf("the run took %s after the interrupt", d)
	}
	if !sum.Interrupted || sum.NotRun != 3 {
		t.Fatalf("interrupted=%v notRun=%d, want true and 3", sum.Interrupted, sum.NotRun)
	}
	if got := result(sum, "slow").SkipReason; !strings.Contains(got, "interrupted") {
		t.Errorf("in-flight request reason %q", got)
	}
	if len(rec.requests()) != 1 {
		t.Errorf("%d requests sent, want only the first", len(rec.requests()))
	}
}

func TestTimeout(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "slow" {
  endpoint = endpoint.api
  path     = "/slow"
  timeout  = "100ms"
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	r := result(sum, "slow")
	if r.Outcome != runner.Failed || len(r.Diags) == 0 || !strings.Contains(r.Diags[0].Detail, "timeout of 100ms") {
		t.Fatalf("outcome %v, diags %v", r.Outcome, r.Diags)
	}
}

// One after another on one worker, requests that time out and requests
// that do not: each gets a timeout of its own, a timed-out request leaves
// nothing behind for the next, and one that answered in time leaves no
// timer that would cut a later one short.
func TestTimeoutsInSequence(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if strings.HasPrefix(r.URL.Path, "/r/slow") {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		time.Sleep(150 * time.Millisecond) // longer than the slow ones' timeout, within its own
		okJSON(w, 200, map[string]any{})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "r" {
  count    = 6
  endpoint = endpoint.api
  path     = count.index % 2 == 1 ? "/r/slow/${count.index}" : "/r/fast/${count.index}"
  timeout  = count.index % 2 == 1 ? "100ms" : "2s"
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{Parallel: 1}).Run(context.Background())
	for i := range 6 {
		r := result(sum, fmt.Sprintf("r[%d]", i))
		if r == nil {
			t.Fatalf("no result for r[%d]", i)
		}
		if i%2 == 1 {
			if r.Outcome != runner.Failed || len(r.Diags) == 0 || !strings.Contains(r.Diags[0].Detail, "timeout of 100ms") {
				t.Errorf("r[%d]: outcome %v, diags %v; want a timeout", i, r.Outcome, r.Diags)
			}
		} else if r.Outcome != runner.Passed {
			t.Errorf("r[%d]: outcome %v, diags %v; want passed", i, r.Outcome, r.Diags)
		}
	}
}

// A request without a body goes out as a client would send it, read off the
// wire: "Content-Length: 0" for the methods that carry a body, no length
// and no chunked encoding for the others.
func TestRequestsWithoutBodyOnTheWire(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	heads := map[string]string{} // "METHOD path" -> header lines
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(conn)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					method, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
					path, _, _ := strings.Cut(rest, " ")
					var lines []string
					for {
						l, err := br.ReadString('\n')
						if err != nil {
							return
						}
						if l == "\r\n" {
							break
						}
						lines = append(lines, strings.ToLower(strings.TrimSpace(l)))
					}
					mu.Lock()
					heads[method+" "+path] = strings.Join(lines, "\n")
					mu.Unlock()
					io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
				}
			}()
		}
	}()
	c := load(t, map[string]string{"main.hcl": header + `
request "get" {
  endpoint = endpoint.api
  path     = "/get"
}
request "post" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/post"
}
request "put_empty" {
  endpoint = endpoint.api
  method   = "PUT"
  path     = "/put"
  body     = ""
}
request "delete" {
  endpoint = endpoint.api
  method   = "DELETE"
  path     = "/delete"
}`})
	sum := newRunner(t, c, "http://"+ln.Addr().String(), runner.Options{}).Run(context.Background())
	if sum.Passed != 4 {
		for _, r := range sum.Results {
			t.Logf("%s: %v %v", r.Name, r.Outcome, r.Diags)
		}
		t.Fatalf("passed %d of 4", sum.Passed)
	}
	mu.Lock()
	defer mu.Unlock()
	for req, wantLength := range map[string]bool{"GET /get": false, "POST /post": true, "PUT /put": true,
		"DELETE /delete": false} {
		h, ok := heads[req]
		if !ok {
			t.Errorf("%s never reached the server; it saw %v", req, heads)
			continue
		}
		if strings.Contains(h, "transfer-encoding") {
			t.Errorf("%s: chunked with no body:\n%s", req, h)
		}
		if got := strings.Contains(h, "content-length: 0"); got != wantLength {
			t.Errorf("%s: Content-Length: 0 sent %v, want %v:\n%s", req, got, wantLength, h)
		}
	}
}

// Query values are encoded per RFC 3986 (%20, never +), bodies per kind,
// headers merged from the endpoint.
func TestRequestEncoding(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{}) })
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "payload.bin"), []byte("file body"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
endpoint "api" {
  url     = var.base_url
  headers = { "X-Api-Version" = "2", "X-Override" = "endpoint" }
}
request "q" {
  endpoint = endpoint.api
  path     = "/q"
  query    = { b = "2", a = "x y+z/é", multi = ["2", "1"] }
  headers  = { "x-override" = "request" }
}
request "form" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/form"
  form     = { name = "a b", tag = ["x", "y"] }
}
request "raw" {
  endpoint = endpoint.api
  method   = "PUT"
  path     = "/raw"
  body     = "plain text"
}
request "file" {
  endpoint  = endpoint.api
  method    = "PUT"
  path      = "/file"
  body_file = "payload.bin"
}
request "abs" {
  url = "${var.base_url}/abs?keep=1"
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{BaseDir: dir, Parallel: 1}).Run(context.Background())
	if sum.Passed != 5 {
		t.Fatalf("passed %d: %+v", sum.Passed, sum.Results)
	}
	got := map[string]recorded{}
	for _, r := range rec.requests() {
		got[r.Path] = r
	}
	if q := got["/q"].RawQuery; q != "a=x%20y%2Bz%2F%C3%A9&b=2&multi=2&multi=1" {
		t.Errorf("query = %q", q)
	}
	if h := got["/q"].Header; h.Get("X-Api-Version") != "2" || h.Get("X-Override") != "request" {
		t.Errorf("headers = %v", h)
	}
	if f := got["/form"]; f.Body != "name=a+b&tag=x&tag=y" || f.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("form = %q %q", f.Body, f.Header.Get("Content-Type"))
	}
	if b := got["/raw"].Body; b != "plain text" {
		t.Errorf("raw body = %q", b)
	}
	if b := got["/file"]; b.Body != "file body" || b.Header.Get("Content-Length") != "" && b.Header.Get("Content-Length") != "9" {
		t.Errorf("file body = %q", b.Body)
	}
	if q := got["/abs"].RawQuery; q != "keep=1" {
		t.Errorf("absolute url query = %q", q)
	}
}

func TestAuthKinds(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{}) })
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
variable "token" {
  type      = string
  default   = "tok-123456"
  sensitive = true
}
endpoint "api" {
  url = var.base_url
  auth "bearer" { token = var.token }
}
request "bearer" {
  endpoint = endpoint.api
  path     = "/bearer"
}
request "basic" {
  endpoint = endpoint.api
  path     = "/basic"
  auth "basic" {
    username = "u"
    password = "p@ss"
  }
}
request "key_header" {
  endpoint = endpoint.api
  path     = "/key_header"
  auth "api_key" {
    name  = "X-Api-Key"
    value = "k-abcdef"
  }
}
request "key_query" {
  endpoint = endpoint.api
  path     = "/key_query"
  auth "api_key" {
    name  = "api_key"
    value = "k-qwerty"
    in    = "query"
  }
}
request "none" {
  endpoint = endpoint.api
  path     = "/none"
  auth "none" {}
}`})
	r := newRunner(t, c, rec.srv.URL, runner.Options{})
	sum := r.Run(context.Background())
	if sum.Passed != 5 {
		t.Fatalf("passed %d", sum.Passed)
	}
	got := map[string]recorded{}
	for _, x := range rec.requests() {
		got[x.Path] = x
	}
	if a := got["/bearer"].Header.Get("Authorization"); a != "Bearer tok-123456" {
		t.Errorf("bearer: %q", a)
	}
	if a := got["/basic"].Header.Get("Authorization"); a != "Basic dTpwQHNz" {
		t.Errorf("basic: %q", a)
	}
	if a := got["/key_header"].Header.Get("X-Api-Key"); a != "k-abcdef" {
		t.Errorf("api key header: %q", a)
	}
	if q := got["/key_query"].RawQuery; q != "api_key=k-qwerty" {
		t.Errorf("api key query: %q", q)
	}
	if a := got["/none"].Header.Get("Authorization"); a != "" {
		t.Errorf("auth none sent %q", a)
	}
	if u := result(sum, "key_query").URL; strings.Contains(u, "k-qwerty") {
		t.Errorf("the result URL shows the API key: %s", u)
	}
	for _, secret := range []string{"tok-123456", "dTpwQHNz", "k-abcdef", "k-qwerty"} {
		if got := r.Redact("x " + secret + " y"); got != "x "+runner.Redacted+" y" {
			t.Errorf("Redact(%q) = %q", secret, got)
		}
	}
}

// Checks run against the response; every failing check is reported.
func TestChecksAllReported(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("X-Trace", "t1")
		okJSON(w, 403, map[string]any{"message": "denied", "items": []any{1, 2, 3}})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "r" {
  endpoint = endpoint.api
  path     = "/r"
  expect {
    status        = 200
    headers       = { "x-trace" = "t2" }
    json          = { message = "ok", items = [1, 2, 3] }
    body_contains = "welcome"
  }
  assert {
    condition     = response.status < 400 && length(response.json.items) == 3
    error_message = "status was ${response.status}"
  }
  assert {
    condition     = response.headers["x-trace"] == "t1"
    error_message = "passes"
  }
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	r := result(sum, "r")
	var summaries []string
	for _, d := range r.Diags {
		summaries = append(summaries, d.Summary)
	}
	want := []string{"Unexpected status code", "Unexpected response headers", "Unexpected JSON body",
		"Body does not contain the expected text", "Assertion failed"}
	if !slices.Equal(summaries, want) {
		t.Fatalf("diagnostics %q, want %q", summaries, want)
	}
	if d := r.Diags[4]; d.Detail != "status was 403" || d.Expression == nil || d.EvalContext == nil || d.Subject.Start.Line != 15 {
		t.Errorf("assert diagnostic: %+v", d)
	}
	if d := r.Diags[2]; !strings.Contains(d.Detail, `$.message: want "ok", got "denied"`) {
		t.Errorf("json detail: %s", d.Detail)
	}
	if len(r.Checks) != 6 || !r.Checks[5].Passed {
		t.Errorf("checks: %+v", r.Checks)
	}
}

func TestRetryUntil(t *testing.T) {
	var calls atomic.Int32
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if calls.Add(1) <= 3 {
			okJSON(w, 404, map[string]any{})
			return
		}
		okJSON(w, 200, map[string]any{"ready": true})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "poll" {
  endpoint = endpoint.api
  path     = "/poll"
  retry {
    attempts = 10
    interval = "10ms"
    until    = response.status == 200
  }
  expect { json = { ready = true } }
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	r := result(sum, "poll")
	if r.Outcome != runner.Passed || r.Attempts != 4 {
		t.Fatalf("outcome %v after %d attempts, want passed after 4", r.Outcome, r.Attempts)
	}
}

// Problems found before the run: nothing is sent.
func TestValidationErrorsSendNothing(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{}) })
	cases := map[string]struct {
		src     string
		summary string
		line    int
	}{
		"type error": {`request "a" {
  endpoint = endpoint.api
  method   = ["GET"]
}`, "Invalid value for method", 3},
		"unknown response attribute": {`request "a" {
  endpoint = endpoint.api
  expect { status = response.code }
}`, "Unsupported attribute", 3},
		"cycle": {`request "a" {
  endpoint = endpoint.api
  path     = "/${request.b.response.status}"
}
request "b" {
  endpoint = endpoint.api
  path     = "/${request.a.response.status}"
}`, "Dependency cycle", 1},
		"custom domain without service": {`request "a" {
  url = "https://api.example.com/x"
  auth "aws_sigv4" {}
}`, "Cannot tell the signing service and region", 3},
		"bad status type": {`request "a" {
  endpoint = endpoint.api
  expect { status = "abc" }
}`, "Invalid value for expect.status", 3},
		"bad timeout": {`request "a" {
  endpoint = endpoint.api
  timeout  = "soon"
}`, "Invalid value for timeout", 3},
		"relative url": {`request "a" {
  url = "/items/1"
}`, "Invalid URL", 2},
		"counted url that is not http": {`request "a" {
  count = 2
  url   = "ftp://example.com/${count.index}"
}`, "Invalid URL", 3},
		"non-bool condition": {`request "a" {
  endpoint = endpoint.api
  assert {
    condition     = "yes"
    error_message = "x"
  }
}`, "Invalid condition", 4},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := load(t, map[string]string{"main.hcl": header + tc.src})
			_, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + rec.srv.URL}}})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			d := firstError(diags)
			if d.Summary != tc.summary {
				t.Fatalf("summary %q, want %q (%s)", d.Summary, tc.summary, diags.Error())
			}
			if d.Subject == nil || d.Subject.Start.Line != tc.line+3 {
				t.Fatalf("subject %v, want line %d", d.Subject, tc.line+3)
			}
			if d.Expression != nil && d.EvalContext == nil {
				t.Fatal("the diagnostic names an expression but has no context to show its values")
			}
		})
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests were sent from invalid collections", n)
	}
}

func firstError(diags hcl.Diagnostics) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d
		}
	}
	return nil
}

// response.url is the URL that answered, after redirects, with secrets in
// its query redacted.
func TestResponseURL(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "/landed?x=1&y=a%20b", http.StatusFound)
			return
		}
		okJSON(w, 200, map[string]any{})
	})
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
endpoint "api" { url = var.base_url }
request "hop" {
  endpoint = endpoint.api
  path     = "/hop"
}
request "plain" {
  endpoint = endpoint.api
  path     = "/plain/a b"
  query    = { q = "1" }
}
request "keyed" {
  endpoint = endpoint.api
  path     = "/keyed"
  auth "api_key" {
    name  = "api_key"
    value = "k-qwerty-secret"
    in    = "query"
  }
}
output "hop"   { value = request.hop.response.url }
output "plain" { value = request.plain.response.url }
output "keyed" { value = request.keyed.response.url }
`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	if sum.Passed != 3 {
		t.Fatalf("passed %d: %+v", sum.Passed, sum.Results)
	}
	want := map[string]string{
		"hop":   rec.srv.URL + "/landed?x=1&y=a%20b",
		"plain": rec.srv.URL + "/plain/a%20b?q=1",
		"keyed": rec.srv.URL + "/keyed?api_key=" + runner.Redacted,
	}
	for _, o := range sum.Outputs {
		if got := o.Value.AsString(); got != want[o.Name] {
			t.Errorf("request.%s.response.url = %q, want %q", o.Name, got, want[o.Name])
		}
	}
}
