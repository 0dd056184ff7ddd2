package command_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportPostmanWritesAndValidates(t *testing.T) {
	out := filepath.Join(t.TempDir(), "smoke")
	src := filepath.Join("..", "importer", "testdata", "roundtrip")
	res := run(t, context.Background(), nil, "import", "postman", filepath.Join(src, "collection.json"),
		"--environment", filepath.Join(src, "environment.json"), "-o", out)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, f := range []string{"main.hcl", "admin.hcl", "search.hcl"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s was not written", f)
		}
	}
	if !strings.Contains(res.stdout, "admin_token (sensitive)") || !strings.Contains(res.stdout, "Next: sigrun validate") {
		t.Errorf("stdout does not list the variables to give:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, `warning: request "Create item": test script line 7 not translated`) {
		t.Errorf("stderr does not name the untranslated line:\n%s", res.stderr)
	}
	// No secret of the environment reached the files.
	for _, f := range []string{"main.hcl", "admin.hcl", "search.hcl"} {
		data, _ := os.ReadFile(filepath.Join(out, f))
		for _, secret := range []string{"roundtrip/secret/key", "admin-token-123", "s3cret-pass", "search-key-456", "FwoGZXIvYXdz", "AKIDEXAMPLEROUNDTRIP"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s contains the secret %q", f, secret)
			}
		}
	}
	v := run(t, context.Background(), nil, "validate", out, "--var", "aws_access_key=a", "--var", "aws_secret_key=b",
		"--var", "aws_session_token=c", "--var", "admin_token=d", "--var", "admin_password=e", "--var", "search_key=f")
	if v.code != 0 {
		t.Fatalf("validate: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}

	if f := run(t, context.Background(), nil, "fmt", "-check", out); f.code != 0 {
		t.Errorf("fmt -check: exit %d\n%s%s", f.code, f.stdout, f.stderr)
	}

	// A second import does not overwrite.
	again := run(t, context.Background(), nil, "import", "postman", filepath.Join(src, "collection.json"), "-o", out)
	if again.code != 2 || !strings.Contains(again.stderr, "already has") {
		t.Errorf("second import: exit %d, stderr %q", again.code, again.stderr)
	}
}

func TestImportPostmanErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"info": {"schema": "https://schema.getpostman.com/json/collection/v1.0.0/collection.json"}}`), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "postman", bad}, "needs -o DIR"},
		{[]string{"import", "postman", bad, "-o", dir}, "v2.0 and v2.1"},
		{[]string{"import", "postman", filepath.Join(dir, "missing.json"), "-o", dir}, "cannot read"},
		{[]string{"import"}, "import needs a source"},
	} {
		res := run(t, context.Background(), nil, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
}

func TestImportCurlPrintsRequest(t *testing.T) {
	res := run(t, context.Background(), nil, "import", "curl",
		`curl -X POST 'https://api.example.com/items?x=1' -H "Authorization: Bearer $TOKEN" --json '{"a": 1}' --frob`)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	for _, want := range []string{`request "post_items"`, `token = var.token`, `x = "1"`, `a = 1`, `sensitive   = true`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	if !strings.Contains(res.stderr, "warning: option --frob is not translated") {
		t.Errorf("stderr: %q", res.stderr)
	}

	// Words already split by the shell, after --.
	res = run(t, context.Background(), nil, "import", "curl", "--", "curl", "-u", "bob:pw", "http://127.0.0.1:1/x")
	if res.code != 0 || !strings.Contains(res.stdout, `auth "basic"`) || strings.Contains(res.stdout, "pw\"") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestImportCurlIntoCollection(t *testing.T) {
	dir := writeCollection(t, map[string]string{
		"main.hcl": `
variable "token" {
  type      = string
  sensitive = true
}
endpoint "api" { url = "https://api.example.com" }
request "get_items" {
  endpoint = endpoint.api
  path     = "/items"
}
`,
	})
	res := run(t, context.Background(), nil, "import", "curl", "-o", dir,
		`curl -H "Authorization: Bearer $TOKEN" https://api.example.com/items`)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "get_items_2.hcl"))
	if err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	src := string(data)
	if strings.Contains(src, `variable "token"`) || !strings.Contains(src, `endpoint "api_2"`) || !strings.Contains(src, `request "get_items_2"`) {
		t.Errorf("the names were not fitted to the collection:\n%s", src)
	}
	v := run(t, context.Background(), nil, "validate", dir, "--var", "token=x")
	if v.code != 0 {
		t.Fatalf("validate: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
}

func TestImportCurlFromStdin(t *testing.T) {
	var out, errOut strings.Builder
	code := mainWithStdin(t, "curl \\\n  -d 'a=1' \\\n  http://127.0.0.1:1/form\n", &out, &errOut, "import", "curl", "-")
	if code != 0 || !strings.Contains(out.String(), `a = "1"`) {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
