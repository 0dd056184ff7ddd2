package runner_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

func names(sum *runner.Summary) []string {
	var out []string
	for _, r := range sum.Results {
		out = append(out, r.Name+":"+r.Outcome.String())
	}
	return out
}

func TestForEachAndCount(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		okJSON(w, 200, map[string]any{"path": r.URL.Path, "body": string(body)})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "users" {
  for_each = { alice = "admin", bob = "viewer" }
  endpoint = endpoint.api
  method   = "PUT"
  path     = "/users/${each.key}"
  json     = { role = each.value }
  expect { json = { path = "/users/${each.key}" } }
}
request "pages" {
  count    = 3
  endpoint = endpoint.api
  path     = "/pages/${count.index}"
}
request "tags" {
  for_each = toset(["b", "a"])
  endpoint = endpoint.api
  path     = "/tags/${each.value}"
}
request "after" {
  endpoint = endpoint.api
  path     = "/after/${request.users["bob"].response.json.path}/${request.pages[2].response.json.path}/${length(request.tags)}"
}
output "paths" { value = [for k, u in request.users : u.response.json.path] }
`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{Parallel: 1}).Run(context.Background())
	want := []string{`users["alice"]:passed`, `users["bob"]:passed`, "pages[0]:passed", "pages[1]:passed", "pages[2]:passed",
		`tags["a"]:passed`, `tags["b"]:passed`, "after:passed"}
	if got := names(sum); !slices.Equal(got, want) {
		t.Fatalf("results %v\nwant %v", got, want)
	}
	var after, alice string
	for _, r := range rec.requests() {
		if strings.HasPrefix(r.Path, "/after/") {
			after = r.Path
		}
		if r.Path == "/users/alice" {
			alice = r.Body
		}
	}
	if after != "/after//users/bob//pages/2/2" {
		t.Errorf("after path %q", after)
	}
	if alice != `{"role":"admin"}` {
		t.Errorf("each.value in the body: %q", alice)
	}
	if got := sum.Outputs[0].Value.GoString(); !strings.Contains(got, `"/users/alice"`) || !strings.Contains(got, `"/users/bob"`) {
		t.Errorf("output %s", got)
	}
}

// A for_each that depends on a response expands when the response is in.
func TestForEachFromResponse(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path == "/items" {
			okJSON(w, 200, map[string]any{"items": []map[string]any{{"id": "x1"}, {"id": "x2"}, {"id": "x3"}}})
			return
		}
		okJSON(w, 200, map[string]any{})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "list" {
  endpoint = endpoint.api
  path     = "/items"
}
request "get" {
  for_each = { for it in request.list.response.json.items : it.id => it }
  endpoint = endpoint.api
  path     = "/items/${each.value.id}"
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	want := []string{"list:passed", `get["x1"]:passed`, `get["x2"]:passed`, `get["x3"]:passed`}
	if got := names(sum); !slices.Equal(got, want) {
		t.Fatalf("results %v", got)
	}
	var paths []string
	for _, p := range rec.paths() {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if !slices.Equal(paths, []string{"GET /items", "GET /items/x1", "GET /items/x2", "GET /items/x3"}) {
		t.Fatalf("sent %v", paths)
	}
}

// Data-driven: one instance per row of a CSV file.
func TestForEachCSV(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("email,role\nann@example.com,admin\nbo@example.com,viewer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 201, map[string]any{}) })
	c := load(t, map[string]string{"main.hcl": header + `
request "invite" {
  for_each = csvdecode(file("users.csv"))
  endpoint = endpoint.api
  method   = "POST"
  path     = "/invites"
  json     = { email = each.value.email, role = each.value.role }
  expect { status = 201 }
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{BaseDir: dir, Parallel: 1}).Run(context.Background())
	if got := names(sum); !slices.Equal(got, []string{`invite["0"]:passed`, `invite["1"]:passed`}) {
		t.Fatalf("results %v", got)
	}
	var bodies []string
	for _, r := range rec.requests() {
		bodies = append(bodies, r.Body)
	}
	if !slices.Equal(bodies, []string{`{"email":"ann@example.com","role":"admin"}`, `{"email":"bo@example.com","role":"viewer"}`}) {
		t.Fatalf("bodies %v", bodies)
	}
}

func TestExpansionErrors(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{}) })
	cases := map[string]struct {
		src, summary string
		line         int
	}{
		"for_each over a number": {`
request "a" {
  for_each = 5
  endpoint = endpoint.api
}`, "Invalid for_each argument", 6},
		"missing instance key": {`
request "a" {
  for_each = toset(["x"])
  endpoint = endpoint.api
}
request "b" {
  endpoint = endpoint.api
  path     = request.a["y"].response.body
}`, "Invalid index", 11},
		"negative count": {`
request "a" {
  count    = -1
  endpoint = endpoint.api
}`, "Invalid count argument", 6},
		"too many instances": {`
request "a" {
  count    = 1000001
  endpoint = endpoint.api
}`, "Invalid count argument", 6},
		"set of numbers": {`
request "a" {
  for_each = toset([1, 2])
  endpoint = endpoint.api
}`, "Invalid for_each argument", 6},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := load(t, map[string]string{"main.hcl": header + tc.src})
			_, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + rec.srv.URL}}})
			d := firstError(diags)
			if d == nil || d.Summary != tc.summary || d.Subject == nil || d.Subject.Start.Line != tc.line {
				t.Fatalf("got %v, want %q at line %d", diags, tc.summary, tc.line)
			}
		})
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests sent from invalid collections", n)
	}
}

// An empty for_each makes no instance; what depends on it still runs.
func TestEmptyForEach(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{}) })
	c := load(t, map[string]string{"main.hcl": header + `
request "none" {
  for_each = {}
  endpoint = endpoint.api
  path     = "/never"
}
request "after" {
  endpoint = endpoint.api
  path     = "/after/${length(request.none)}"
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	if got := names(sum); !slices.Equal(got, []string{"after:passed"}) {
		t.Fatalf("results %v", got)
	}
	if p := rec.paths(); !slices.Equal(p, []string{"GET /after/0"}) {
		t.Fatalf("sent %v", p)
	}
}
