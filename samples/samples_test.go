package samples_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/command"
)

// requiredVars are what each sample needs to validate.
var requiredVars = map[string][]string{
	"quickstart":      {"base_url=http://127.0.0.1:1/demo"},
	"api-gateway-iam": {"api_id=a1b2c3d4e5"},
	"opensearch":      {"domain=search-logs-abc123.eu-west-1.es.amazonaws.com"},
	"s3":              {"bucket=my-bucket"},
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
