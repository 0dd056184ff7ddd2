package samples_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/sigrun-dev/sigrun/command"
	"github.com/sigrun-dev/sigrun/demo"
)

// requiredVars are what each sample needs to validate.
var requiredVars = map[string][]string{
	"quickstart":      {"base_url=http://127.0.0.1:1/demo"},
	"api-gateway-iam": {"api_id=a1b2c3d4e5"},
	"opensearch":      {"domain=search-logs-abc123.eu-west-1.es.amazonaws.com"},
	"s3":              {"bucket=my-bucket"},
	"data-driven":     {"base_url=http://127.0.0.1:1/demo"},
	"modules":         {"base_url=http://127.0.0.1:1/demo"},
}

// The samples written for the demo API run against it and pass.
func TestDemoSamplesRun(t *testing.T) {
	srv, err := demo.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for name, want := range map[string]string{
		"quickstart":  "8 passed, 0 failed, 0 skipped",
		"data-driven": "7 passed, 0 failed, 0 skipped",
		"modules":     "6 passed, 0 failed, 0 skipped",
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := command.Main(context.Background(), []string{"run", name, "--var", "base_url=" + srv.URL()},
				&command.Process{Stdout: &out, Stderr: &errOut})
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if code != 0 || lines[len(lines)-1] != want {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
			}
		})
	}
}

// fmt is idempotent on every sample and every valid fixture, and the
// samples are already in the canonical format.
func TestFormatIdempotent(t *testing.T) {
	var files []string
	for _, root := range []string{".", "../dsl/testdata/valid"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".hcl") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 10 {
		t.Fatalf("found only %d files", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		once := hclwrite.Format(src)
		if twice := hclwrite.Format(once); !bytes.Equal(once, twice) {
			t.Errorf("%s: formatting twice differs from once", f)
		}
		if strings.HasPrefix(f, "../") {
			continue
		}
		if !bytes.Equal(once, src) {
			t.Errorf("sample %s is not formatted (run sigrun fmt -recursive samples)", f)
		}
	}
	var out bytes.Buffer
	if code := command.Main(context.Background(), []string{"fmt", "-check", "-recursive", "."}, &command.Process{Stdout: &out, Stderr: &out}); code != 0 {
		t.Fatalf("sigrun fmt -check on the samples: exit %d\n%s", code, out.String())
	}
}

// Every sample validates. Validation sends nothing and resolves no
// credentials, so this needs neither network nor an AWS account.
func TestEverySampleValidates(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			vars, ok := requiredVars[name]
			if !ok {
				t.Fatalf("sample %s has no entry in requiredVars", name)
			}
			args := []string{"validate", filepath.Join(".", name)}
			for _, v := range vars {
				args = append(args, "--var", v)
			}
			var out, errOut bytes.Buffer
			code := command.Main(context.Background(), args, &command.Process{Stdout: &out, Stderr: &errOut})
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
			}
			if !strings.HasPrefix(out.String(), "The collection is valid") {
				t.Fatalf("stdout %q", out.String())
			}
		})
	}
	if n < 4 {
		t.Fatalf("found %d samples, want at least 4", n)
	}
}
