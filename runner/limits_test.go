package runner_test

// Limits (issue 9): a body or header too large, a graph too deep or too
// wide, a for_each of a million keys, pathological JSON. Each is refused or
// handled with a clear message and bounded memory, never an out-of-memory
// crash or a hang. docs/reliability.md records the measurements.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
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

// relPeakHeap samples the heap while f runs and returns how far it grew above
// where it started (an upper bound of what f held at once), and how long f
// took.
func relPeakHeap(f func()) (grew uint64, took time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	peak.Store(base)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	f()
	took = time.Since(start)
	close(stop)
	wg.Wait()
	return peak.Load() - base, took
}

const relMiB = 1 << 20

// A response body larger than max_body_size (16 MiB by default) is not
// held in memory: it is streamed through a hash and counted, the request
// passes unless a check needs the body, and a check that does fails with a
// message that says why. A body that never ends is cut by the timeout.
func TestLimitResponseBody(t *testing.T) {
	const size = runner.DefaultMaxBodySize + relMiB
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	stop := make(chan struct{})
	srv := relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sized": // with a Content-Length
			w.Header().Set("Content-Length", fmt.Sprint(size))
		case "/endless": // chunked, forever
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				select {
				case <-stop:
					return
				case <-r.Context().Done():
					return
				default:
				}
			}
		}
		for n := 0; n < size; n += len(chunk) { // "/chunked": no Content-Length
			w.Write(chunk)
		}
	}), nil)
	t.Cleanup(func() { close(stop) })
	c := relLoad(t, fmt.Sprintf(`
request "sized" {
  url = "%[1]s/sized"
  assert {
    condition     = response.body_size == %[2]d
    error_message = "body_size is ${response.body_size}"
  }
}
request "chunked" {
  url = "%[1]s/chunked"
  expect { body_contains = "x" }
}
request "endless" {
  url     = "%[1]s/endless"
  timeout = "1s"
}
`, srv.URL, size))
	var sum *runner.Summary
	grew, took := relPeakHeap(func() { sum = relNew(t, c, runner.Options{Parallel: 1}).Run(context.Background()) })
	t.Logf("two bodies of %d MiB and one endless body: heap grew by at most %d MiB, %s", size/relMiB, grew/relMiB, took.Round(time.Millisecond))
	if r := relResult(t, sum, "sized"); r.Outcome != runner.Passed {
		t.Errorf("sized: %v\n%s", r.Outcome, relDetail(r))
	}
	if r := relResult(t, sum, "chunked"); r.Outcome != runner.Failed || !strings.Contains(relDetail(r), "larger than max_body_size (16.0 MiB)") {
		t.Errorf("chunked: %v\n%s", r.Outcome, relDetail(r))
	}
	if r := relResult(t, sum, "endless"); r.Outcome != runner.Failed || !strings.Contains(relDetail(r), "did not arrive within the timeout of 1s") {
		t.Errorf("endless: %v\n%s", r.Outcome, relDetail(r))
	}
	// Memory: at most one body's worth kept, whatever arrived.
	if grew > 128*relMiB {
		t.Errorf("the heap grew by %d MiB", grew/relMiB)
	}
}

// A response header block larger than Go's limit (10 MiB, the transport's
// MaxResponseHeaderBytes default, which sigrun keeps) fails the request
// with a message that names it.
func TestLimitResponseHeader(t *testing.T) {
	srv := relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		io.WriteString(conn, "HTTP/1.1 200 OK\r\n")
		line := "X-Big: " + strings.Repeat("a", 1<<10) + "\r\n"
		for i := 0; i < 11<<10; i++ { // 11 MiB of headers
			if _, err := io.WriteString(conn, line); err != nil {
				return
			}
		}
		io.WriteString(conn, "Content-Length: 0\r\n\r\n")
	}), nil)
	c := relLoad(t, fmt.Sprintf("request \"big_headers\" {\n  url = %q\n}\n", srv.URL))
	var sum *runner.Summary
	grew, took := relPeakHeap(func() { sum = relNew(t, c, runner.Options{}).Run(context.Background()) })
	t.Logf("11 MiB of headers: heap grew by at most %d MiB, %s", grew/relMiB, took.Round(time.Millisecond))
	r := relResult(t, sum, "big_headers")
	if r.Outcome != runner.Failed || !strings.Contains(relDetail(r), "server response headers exceeded 10485760 bytes") {
		t.Errorf("%v\n%s", r.Outcome, relDetail(r))
	}
}

// A chain of 5,000 requests, each referring to the previous one's
// response, validates without a stack overflow; when the first fails, the
// other 4,999 are skipped with the root cause and nothing else is sent.
func TestLimitDeepGraph(t *testing.T) {
	const depth = 5000
	var sent atomic.Int32
	srv := relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		w.WriteHeader(500)
	}), nil)
	var src strings.Builder
	src.WriteString("variable \"base\" { type = string }\nrequest \"r0\" {\n  url = var.base\n}\n")
	for i := 1; i < depth; i++ {
		fmt.Fprintf(&src, "request \"r%d\" {\n  url = \"${var.base}/${request.r%d.response.status}\"\n}\n", i, i-1)
	}
	c := relLoad(t, src.String())
	var r *runner.Runner
	grew, took := relPeakHeap(func() { r = relNew(t, c, runner.Options{}, "base="+srv.URL) })
	t.Logf("validate a chain of %d: %s, heap grew by at most %d MiB", depth, took.Round(time.Millisecond), grew/relMiB)
	begin := time.Now()
	sum := r.Run(context.Background())
	t.Logf("run it, the first failing: %s", time.Since(begin).Round(time.Millisecond))
	if sum.Failed != 1 || sum.Skipped != depth-1 || sent.Load() != 1 {
		t.Fatalf("failed/skipped/sent = %d/%d/%d", sum.Failed, sum.Skipped, sent.Load())
	}
	if got := relResult(t, sum, fmt.Sprintf("r%d", depth-1)).SkipReason; got != "skipped: request.r0 failed" {
		t.Errorf("the last request's skip reason: %q", got)
	}
}

// 10,000 independent requests validate; 10,000 dependents of one failing
// request are skipped without being sent.
func TestLimitWideGraph(t *testing.T) {
	const width = 10000
	var src strings.Builder
	src.WriteString("variable \"base\" { type = string }\n")
	for i := range width {
		fmt.Fprintf(&src, "request \"r%d\" {\n  url = \"${var.base}/%d\"\n}\n", i, i)
	}
	c := relLoad(t, src.String())
	grew, took := relPeakHeap(func() { relNew(t, c, runner.Options{}, "base=http://127.0.0.1:1") })
	t.Logf("validate %d independent requests: %s, heap grew by at most %d MiB", width, took.Round(time.Millisecond), grew/relMiB)

	var sent atomic.Int32
	srv := relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		w.WriteHeader(503)
	}), nil)
	src.Reset()
	src.WriteString("variable \"base\" { type = string }\nrequest \"root\" {\n  url = var.base\n}\n")
	for i := range width {
		fmt.Fprintf(&src, "request \"r%d\" {\n  url        = \"${var.base}/%d\"\n  depends_on = [request.root]\n}\n", i, i)
	}
	begin := time.Now()
	sum := relNew(t, relLoad(t, src.String()), runner.Options{}, "base="+srv.URL).Run(context.Background())
	t.Logf("validate and run root + %d dependents, root failing: %s", width, time.Since(begin).Round(time.Millisecond))
	if sum.Failed != 1 || sum.Skipped != width || sent.Load() != 1 || len(sum.Results) != width+1 {
		t.Fatalf("failed/skipped/sent/results = %d/%d/%d/%d", sum.Failed, sum.Skipped, sent.Load(), len(sum.Results))
	}
}

// A for_each of a million keys (or a count of a million) is refused by
// MaxInstances with a message that says so, before any instance is built.
// A count is refused from the number alone; a for_each value has to be
// evaluated (by HCL) before it can be counted, and that cost is measured
// and logged. The slowest shapes run only with SIGRUN_SLOW_TESTS=1 (their
// numbers are in docs/reliability.md).
func TestLimitForEachMillion(t *testing.T) {
	csv := "name,n\n" + strings.Repeat("user,1\n", 1000000)
	cases := []struct {
		name, arg string
		want      string
		maxHeap   uint64
		slow      bool
	}{
		{"count", "count = 1000000", "count is 1000000; a request block has at most 100000 instances", 16 * relMiB, false},
		{"for_each list", "for_each = setproduct(range(1000), range(1000))", "for_each has 1000000 elements; a request block has at most 100000 instances", 1024 * relMiB, false},
		{"for_each map", `for_each = { for p in setproduct(range(1000), range(1000)) : "${p[0]}-${p[1]}" => p[0] }`, "for_each has 1000000 elements", 2048 * relMiB, true},
		{"for_each csv", `for_each = csvdecode(file("users.csv"))`, "for_each has 1000000 elements", 4096 * relMiB, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && os.Getenv("SIGRUN_SLOW_TESTS") == "" {
				t.Skip("slow: set SIGRUN_SLOW_TESTS=1")
			}
			fsys := fstest.MapFS{
				"main.hcl":  {Data: []byte(fmt.Sprintf("request \"many\" {\n  url = \"http://127.0.0.1:1/\"\n  %s\n}\n", tc.arg))},
				"users.csv": {Data: []byte(csv)},
			}
			c, diags := dsl.Load(fsys, "", []string{"main.hcl"})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			var detail string
			grew, took := relPeakHeap(func() {
				_, diags := runner.New(c, runner.Options{ReadFile: runner.FSReadFile(fsys)})
				if !diags.HasErrors() {
					t.Fatal("a million instances were accepted")
				}
				detail = diags.Error()
			})
			t.Logf("%s: refused in %s, heap grew by at most %d MiB: %s", tc.name, took.Round(time.Millisecond), grew/relMiB, detail)
			if !strings.Contains(detail, tc.want) {
				t.Errorf("message %q does not say %q", detail, tc.want)
			}
			if grew > tc.maxHeap {
				t.Errorf("the heap grew by %d MiB", grew/relMiB)
			}
		})
	}
}

// Pathological JSON in a response: nesting deeper than the decoder's limit
// and numbers with enormous exponents. The checks finish quickly with a
// clear answer; nothing hangs on printing a number with 100 million digits.
func TestLimitPathologicalJSON(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	bodies := map[string]string{
		"/deep":     deep,
		"/huge":     `{"n": 1e100000000, "m": -1e-100000000}`,
		"/long":     `{"n": ` + strings.Repeat("9", 100000) + `}`,
		"/manykeys": "{" + strings.Repeat(`"k": 1, `, 100000) + `"k": 2}`,
	}
	srv := relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, bodies[r.URL.Path])
	}), nil)
	c := relLoad(t, fmt.Sprintf(`
request "deep" {
  url = "%[1]s/deep"
  expect { json = [] }
}
request "deep_schema" {
  url = "%[1]s/deep"
  expect { json_schema = { type = "array" } }
}
request "huge" {
  url = "%[1]s/huge"
  expect { json = { n = 1 } }
  assert {
    condition     = response.json.m == 0
    error_message = "m is ${response.json.m}"
  }
}
request "huge_schema" {
  url = "%[1]s/huge"
  expect {
    json_schema = { properties = { n = { minimum = 0, multipleOf = 3 } } }
  }
}
request "long" {
  url = "%[1]s/long"
  expect { json = { n = 1 } }
}
request "manykeys" {
  url = "%[1]s/manykeys"
  expect { json = { k = 2 } }
}
`, srv.URL))
	done := make(chan *runner.Summary, 1)
	go func() { done <- relNew(t, c, runner.Options{}).Run(context.Background()) }()
	var sum *runner.Summary
	select {
	case sum = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the checks of pathological JSON did not finish within 60s")
	}
	for _, r := range sum.Results {
		t.Logf("%s: %v: %s", r.Name, r.Outcome, relDetail(r))
		for _, d := range r.Diags {
			if len(d.Detail) > 10000 {
				t.Errorf("%s: a message of %d bytes", r.Name, len(d.Detail))
			}
		}
	}
	if r := relResult(t, sum, "deep"); r.Outcome != runner.Failed || !strings.Contains(relDetail(r), "not JSON") {
		t.Errorf("deep: %v", r.Outcome)
	}
	if r := relResult(t, sum, "manykeys"); r.Outcome != runner.Passed {
		t.Errorf("manykeys: %v (the last duplicate key wins, as in encoding/json)", r.Outcome)
	}
	for _, name := range []string{"huge", "huge_schema", "long"} {
		if r := relResult(t, sum, name); r.Outcome != runner.Failed {
			t.Errorf("%s: %v", name, r.Outcome)
		}
	}
}

// A collection nested very deep loads up to dsl.MaxNesting levels and is
// refused beyond, with a message: HCL's recursive parser would otherwise
// overflow the stack at about 100,000 levels (a 200 KB file), a crash no
// recover catches. The same holds for a --var value.
func TestLimitDeepExpression(t *testing.T) {
	nest := func(open, inner, close string, depth int) string {
		return strings.Repeat(open, depth) + inner + strings.Repeat(close, depth)
	}
	cases := []struct {
		name string
		expr string
		ok   bool
	}{
		// The locals block's braces are one level.
		{"tuple at the limit", nest("[", "1", "]", dsl.MaxNesting-1), true},
		{"tuple over the limit", nest("[", "1", "]", dsl.MaxNesting), false},
		{"tuple 100000", nest("[", "1", "]", 100000), false},
		{"object 5000", nest("{a=", "1", "}", 5000), false},
		{"call 5000", nest("tostring(", "1", ")", 5000), false},
		{"template 5000", nest(`"${`, "1", `}"`, 5000), false},
		{"brackets in a string", `"` + strings.Repeat("[", 100000) + `"`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "variable \"v\" {\n  type    = any\n  default = null\n}\nlocals {\n  x = " + tc.expr + "\n}\n"
			var diags hcl.Diagnostics
			_, took := relPeakHeap(func() {
				var c *dsl.Collection
				c, diags = dsl.Load(fstest.MapFS{"main.hcl": {Data: []byte(src)}}, "", nil)
				if !diags.HasErrors() {
					_, diags = runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "v=" + tc.expr}}})
				}
			})
			t.Logf("%s: %s", tc.name, took.Round(time.Millisecond))
			if tc.ok && diags.HasErrors() {
				t.Errorf("refused: %s", diags.Error())
			}
			if !tc.ok && (!diags.HasErrors() || !strings.Contains(diags.Error(), "Nesting too deep")) {
				t.Errorf("not refused for its nesting: %v", diags)
			}
		})
	}
	// A value given on the command line is checked too.
	c := relLoad(t, "variable \"v\" { type = any }\n")
	_, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "v=" + nest("[", "1", "]", 100000)}}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Nesting too deep") {
		t.Errorf("--var: %v", diags)
	}
}
