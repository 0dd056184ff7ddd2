package command_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const taggedCollection = `
variable "base_url" { type = string }
request "login" {
  url  = "${var.base_url}/login"
  tags = ["auth"]
}
request "profile" {
  url  = "${var.base_url}/profile/${request.login.response.status}"
  tags = ["smoke"]
}
request "search" {
  for_each = toset(["a", "b"])
  url      = "${var.base_url}/search?q=${each.key}"
  tags     = ["smoke"]
}
request "admin" {
  url  = "${var.base_url}/admin"
  tags = ["slow"]
}
output "status" { value = request.login.response.status }
`

func TestPlan(t *testing.T) {
	dir := writeCollection(t, map[string]string{"main.hcl": taggedCollection})
	res := run(t, context.Background(), nil, "plan", dir, "--var", "base_url=http://127.0.0.1:1")
	if res.code != 0 {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
	for _, want := range []string{
		" 1. login\n    GET http://127.0.0.1:1/login",
		"profile\n    GET ${var.base_url}/profile/${request.login.response.status}  (known after login)",
		"instances: for_each: 2 instances\n      search[\"a\"]\n      search[\"b\"]",
		"4 request blocks; 3 known before the run, 1 wait on a response. Nothing was sent.",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, res.stdout)
		}
	}
}

func TestGraphDOT(t *testing.T) {
	dir := writeCollection(t, map[string]string{"main.hcl": taggedCollection})
	res := run(t, context.Background(), nil, "graph", dir, "--var", "base_url=http://127.0.0.1:1")
	if res.code != 0 {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
	for _, want := range []string{`digraph sigrun {`, `"login" -> "profile";`, `subgraph "cluster_search" {`, `"search[\"a\"]";`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("graph lacks %q:\n%s", want, res.stdout)
		}
	}
	if strings.Count(res.stdout, "{") != strings.Count(res.stdout, "}") {
		t.Errorf("unbalanced braces:\n%s", res.stdout)
	}
}

func TestFmt(t *testing.T) {
	dir := writeCollection(t, map[string]string{
		"main.hcl":     "request \"a\" {\nurl=\"http://x\"\n}\n",
		"env/prod.hcl": "stage=\"prod\"\n",
		"ok.hcl":       "request \"b\" {\n  url = \"http://x\"\n}\n",
	})
	res := run(t, context.Background(), nil, "fmt", "-check", dir)
	if res.code != 3 {
		t.Fatalf("fmt -check: exit %d, want 3\n%s", res.code, res.stdout)
	}
	if !strings.Contains(res.stdout, "main.hcl") || !strings.Contains(res.stdout, filepath.Join("env", "prod.hcl")) || strings.Contains(res.stdout, "ok.hcl") {
		t.Fatalf("files listed:\n%s", res.stdout)
	}
	res = run(t, context.Background(), nil, "fmt", "-diff", "-check", dir)
	if !strings.Contains(res.stdout, "-url=\"http://x\"\n+  url = \"http://x\"") {
		t.Fatalf("diff:\n%s", res.stdout)
	}
	if res := run(t, context.Background(), nil, "fmt", dir); res.code != 0 {
		t.Fatalf("fmt: exit %d", res.code)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "main.hcl")); string(b) != "request \"a\" {\n  url = \"http://x\"\n}\n" {
		t.Fatalf("formatted:\n%s", b)
	}
	if res := run(t, context.Background(), nil, "fmt", "--check", dir); res.code != 0 {
		t.Fatalf("after fmt, fmt -check: exit %d\n%s", res.code, res.stdout)
	}
	bad := writeCollection(t, map[string]string{"main.hcl": "request \"a\" {\n"})
	if res := run(t, context.Background(), nil, "fmt", bad); res.code != 2 || !strings.Contains(res.stderr, "main.hcl:") {
		t.Fatalf("syntax error: exit %d\n%s", res.code, res.stderr)
	}
}

func TestTargetTagsOutputs(t *testing.T) {
	srv, count := countingServer(t, 200)
	dir := writeCollection(t, map[string]string{"main.hcl": taggedCollection})
	ran := func(res result) []string {
		var names []string
		for _, l := range strings.Split(res.stdout, "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "PASS" {
				names = append(names, f[1])
			}
		}
		slices.Sort(names)
		return names
	}
	res := run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--target", "request.profile")
	if got := ran(res); res.code != 0 || !slices.Equal(got, []string{"login", "profile"}) {
		t.Fatalf("--target request.profile ran %v (exit %d)\n%s", got, res.code, res.stdout)
	}
	res = run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--tags", "smoke")
	if got := ran(res); res.code != 0 || !slices.Equal(got, []string{"login", "profile", `search["a"]`, `search["b"]`}) {
		t.Fatalf("--tags smoke ran %v\n%s", got, res.stdout)
	}
	if res := run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--target", "request.nope"); res.code != 2 {
		t.Fatalf("unknown target: exit %d", res.code)
	}
	before := count.Load()
	outFile := filepath.Join(t.TempDir(), "outputs.json")
	res = run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--outputs", outFile)
	if res.code != 0 || count.Load()-before != 5 {
		t.Fatalf("full run: exit %d, %d requests", res.code, count.Load()-before)
	}
	var outs map[string]any
	b, _ := os.ReadFile(outFile)
	if err := json.Unmarshal(b, &outs); err != nil || outs["status"] != float64(200) {
		t.Fatalf("outputs file %s: %v", b, err)
	}
}

// fmt refuses a file nested too deep for HCL's parser instead of crashing.
func TestFmtDeepNesting(t *testing.T) {
	dir := writeCollection(t, map[string]string{"main.hcl": "x = " + strings.Repeat("[", 100000) + "\n"})
	res := run(t, context.Background(), nil, "fmt", dir)
	if res.code != 2 || !strings.Contains(res.stderr, "Nesting too deep") {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
}
