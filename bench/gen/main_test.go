package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gen(t *testing.T, o Options) string {
	t.Helper()
	if o.URL == "" {
		o.URL = "http://127.0.0.1:9"
	}
	if o.AccessKeyID == "" {
		o.AccessKeyID, o.SecretAccessKey = DefaultAccessKeyID, DefaultSecretAccessKey
	}
	if o.Out == "" {
		o.Out = filepath.Join(t.TempDir(), "out")
	}
	if err := Write(o); err != nil {
		t.Fatalf("Write(%+v): %v", o, err)
	}
	return o.Out
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSigrun(t *testing.T) {
	dir := gen(t, Options{Tool: "sigrun", Workload: "independent", N: 3})
	main := read(t, filepath.Join(dir, "main.hcl"))
	for _, want := range []string{`credentials = credentials.bench`, `service     = "execute-api"`, `region      = "us-east-1"`, `default = "http://127.0.0.1:9"`} {
		if !strings.Contains(main, want) {
			t.Errorf("main.hcl lacks %q:\n%s", want, main)
		}
	}
	reqs := read(t, filepath.Join(dir, "requests.hcl"))
	if n := strings.Count(reqs, "request \""); n != 3 || !strings.Contains(reqs, `path     = "/items/2"`) {
		t.Errorf("independent: %d request blocks:\n%s", n, reqs)
	}

	reqs = read(t, filepath.Join(gen(t, Options{Tool: "sigrun", Workload: "chain", N: 3}), "requests.hcl"))
	if !strings.Contains(reqs, `path     = "/items/${request.r1.response.json.next}"`) {
		t.Errorf("chain: r2 does not use r1:\n%s", reqs)
	}

	reqs = read(t, filepath.Join(gen(t, Options{Tool: "sigrun", Workload: "fanout", N: 5, Count: true}), "requests.hcl"))
	if !strings.Contains(reqs, "count    = 5") || !strings.Contains(reqs, "${request.root.response.json.next}/children/${count.index}") {
		t.Errorf("fanout with count:\n%s", reqs)
	}

	reqs = read(t, filepath.Join(gen(t, Options{Tool: "sigrun", Workload: "upload", BodyFile: "big.bin"}), "requests.hcl"))
	if !strings.Contains(reqs, `body_file = "big.bin"`) || !strings.Contains(reqs, `method    = "PUT"`) {
		t.Errorf("upload:\n%s", reqs)
	}
}

func TestNewman(t *testing.T) {
	out := gen(t, Options{Tool: "newman", Workload: "fanout", N: 2, Check: true, Out: filepath.Join(t.TempDir(), "c.json")})
	var c pmCollection
	if err := json.Unmarshal([]byte(read(t, out)), &c); err != nil {
		t.Fatal(err)
	}
	if c.Auth.Type != "awsv4" || len(c.Item) != 3 {
		t.Fatalf("auth %q, %d items", c.Auth.Type, len(c.Item))
	}
	if got := c.Item[2].Request.URL; got != "{{base_url}}/items/{{root_next}}/children/1" {
		t.Errorf("fan-out child URL %q", got)
	}
	if ex := strings.Join(c.Item[0].Event[0].Script.Exec, "\n"); !strings.Contains(ex, `pm.collectionVariables.set("root_next"`) || !strings.Contains(ex, "status(200)") {
		t.Errorf("root's script:\n%s", ex)
	}
}

func TestHttpyacBrunoCurl(t *testing.T) {
	h := read(t, gen(t, Options{Tool: "httpyac", Workload: "chain", N: 2, Check: true, Out: filepath.Join(t.TempDir(), "c.http")}))
	if !strings.Contains(h, "# @ref r0\nGET {{base_url}}/items/{{r0.next}}") || strings.Count(h, "Authorization: AWS ") != 2 {
		t.Errorf("httpyac chain:\n%s", h)
	}

	dir := gen(t, Options{Tool: "bruno", Workload: "chain", N: 2, Check: true})
	b := read(t, filepath.Join(dir, "000002-r1.bru"))
	for _, want := range []string{"auth: awsv4", "url: {{base_url}}/items/{{r0_next}}", "service: execute-api", "res.status: eq 200", "r1_next: res.body.next"} {
		if !strings.Contains(b, want) {
			t.Errorf("bruno request lacks %q:\n%s", want, b)
		}
	}
	if env := read(t, filepath.Join(dir, "environments", "bench.bru")); !strings.Contains(env, "base_url: http://127.0.0.1:9") {
		t.Errorf("bruno env:\n%s", env)
	}

	c := read(t, gen(t, Options{Tool: "curl", Workload: "independent", N: 4, Out: filepath.Join(t.TempDir(), "c.cfg")}))
	if strings.Count(c, "url = ") != 4 || !strings.Contains(c, `aws-sigv4 = "aws:amz:us-east-1:execute-api"`) {
		t.Errorf("curl config:\n%s", c)
	}
}

func TestValidate(t *testing.T) {
	bad := []Options{
		{Tool: "curl", Workload: "chain", N: 2},
		{Tool: "sigrun", Workload: "chain", N: 2, Count: true},
		{Tool: "newman", Workload: "upload", BodyFile: "x"},
		{Tool: "sigrun", Workload: "independent", N: 0},
		{Tool: "wget", Workload: "independent", N: 1},
	}
	for _, o := range bad {
		o.URL, o.Out, o.AccessKeyID, o.SecretAccessKey = "http://x", "out", "a", "b"
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v) accepted", o)
		}
	}
	if n := (&Options{Workload: "fanout", N: 10}).Total(); n != 11 {
		t.Errorf("fanout Total = %d", n)
	}
}
