package runner_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const loginModule = `
variable "base_url" { type = string }
variable "user" { type = string }
variable "password" {
  type      = string
  sensitive = true
}
request "login" {
  url    = "${var.base_url}/login"
  method = "POST"
  json   = { user = var.user, password = var.password, greeting = trimspace(file("greeting.txt")) }
  expect { status = 200 }
}
output "token" { value = request.login.response.json.token }
`

// A module's inputs can come from a parent's response; its output feeds a
// parent request; its requests join the one graph and are reported as
// module.NAME.request.REQ; file() in a module is relative to its folder.
func TestModules(t *testing.T) {
	type login struct{ User, Password, Greeting string }
	var got login
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/config":
			okJSON(w, 200, map[string]any{"user": "ann"})
		case "/login":
			json.Unmarshal(body, &got)
			okJSON(w, 200, map[string]any{"token": "tok-" + got.User})
		default:
			okJSON(w, 200, map[string]any{"auth": r.Header.Get("Authorization")})
		}
	})
	dir := writeTree(t, map[string]string{
		"main.hcl": `
variable "base_url" { type = string }
request "config" { url = "${var.base_url}/config" }
request "unrelated" { url = "${var.base_url}/unrelated" }
module "auth" {
  source   = "./modules/login"
  base_url = var.base_url
  user     = request.config.response.json.user
  password = "s3cret-password"
}
request "profile" {
  url     = "${var.base_url}/profile"
  headers = { Authorization = "Bearer ${module.auth.token}" }
  expect { json = { auth = "Bearer tok-ann" } }
}
output "token" { value = module.auth.token }
`,
		"modules/login/main.hcl":     loginModule,
		"modules/login/greeting.txt": "hello from the module folder\n",
	})
	c, diags := dsl.LoadPath(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := newRunner(t, c, rec.srv.URL, runner.Options{BaseDir: dir, Parallel: 1})
	sum := r.Run(context.Background())
	want := []string{"config:passed", "unrelated:passed", "profile:passed", "module.auth.request.login:passed"}
	if got := names(sum); !slices.Equal(got, want) {
		t.Fatalf("results %v\nwant %v", got, want)
	}
	if got.User != "ann" || got.Password != "s3cret-password" || got.Greeting != "hello from the module folder" {
		t.Fatalf("the module's request sent %+v", got)
	}
	if sum.Outputs[0].Value.AsString() != "tok-ann" {
		t.Fatalf("output %v", sum.Outputs[0].Value)
	}
	// The module's sensitive variable is a secret of the run.
	if got := r.Redact("pw=s3cret-password"); got != "pw="+runner.Redacted {
		t.Fatalf("Redact = %q", got)
	}
}

func TestModuleErrors(t *testing.T) {
	cases := map[string]struct {
		files   map[string]string
		summary string
		file    string
		line    int
	}{
		"cycle": {map[string]string{
			"main.hcl":   "module \"a\" { source = \"./a\" }\n",
			"a/main.hcl": "module \"b\" { source = \"../b\" }\n",
			"b/main.hcl": "module \"a\" { source = \"../a\" }\n",
		}, "Module cycle", "b/main.hcl", 1},
		"missing input": {map[string]string{
			"main.hcl":           "module \"auth\" {\n  source = \"./login\"\n  base_url = \"http://x\"\n}\n",
			"login/main.hcl":     loginModule,
			"login/greeting.txt": "hi",
		}, "Missing required argument", "main.hcl", 1},
		"unknown input": {map[string]string{
			"main.hcl":       "module \"auth\" {\n  source = \"./login\"\n  base_url = \"http://x\"\n  user = \"u\"\n  password = \"p\"\n  usr = \"typo\"\n}\n",
			"login/main.hcl": loginModule,
		}, "Unsupported argument", "main.hcl", 6},
		"unknown output": {map[string]string{
			"main.hcl": "module \"auth\" {\n  source = \"./login\"\n  base_url = \"http://x\"\n  user = \"u\"\n  password = \"p\"\n}\n" +
				"output \"o\" { value = module.auth.tokn }\n",
			"login/main.hcl": loginModule,
		}, "Unsupported attribute", "main.hcl", 7},
		"missing folder": {map[string]string{
			"main.hcl": "module \"x\" { source = \"./nope\" }\n",
		}, "Invalid module source", "main.hcl", 1},
		"remote source": {map[string]string{
			"main.hcl": "module \"x\" { source = \"github.com/a/b\" }\n",
		}, "Invalid module source", "main.hcl", 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			_, diags := dsl.LoadPath(dir)
			d := firstError(diags)
			if d == nil || d.Summary != tc.summary || d.Subject == nil ||
				!strings.HasSuffix(d.Subject.Filename, tc.file) || d.Subject.Start.Line != tc.line {
				t.Fatalf("got %v, want %q at %s:%d", diags, tc.summary, tc.file, tc.line)
			}
		})
	}
}

// A module's input of the wrong type is found before anything is sent.
func TestModuleInputTypeError(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{}) })
	dir := writeTree(t, map[string]string{
		"main.hcl": `
variable "base_url" { type = string }
module "auth" {
  source   = "./login"
  base_url = var.base_url
  user     = ["not", "a", "string"]
  password = "p"
}`,
		"login/main.hcl":     loginModule,
		"login/greeting.txt": "hi",
	})
	c, diags := dsl.LoadPath(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	_, diags = runner.New(c, runner.Options{BaseDir: dir, Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + rec.srv.URL}}})
	d := firstError(diags)
	if d == nil || !strings.HasPrefix(d.Summary, "Invalid value for variable") || d.Subject.Start.Line != 6 {
		t.Fatalf("diags %v", diags)
	}
	if len(rec.requests()) != 0 {
		t.Fatal("a request was sent")
	}
}
