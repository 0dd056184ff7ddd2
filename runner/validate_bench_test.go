package runner_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// writeValidateCollection writes, in a temporary folder, the collection
// bench/gen writes for `sigrun validate` (bench/run.sh, section validate):
// a main.hcl with a variable, credentials and a signed endpoint, and a
// requests.hcl of n request blocks.
func writeValidateCollection(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	main := `variable "base_url" {
  type    = string
  default = "http://127.0.0.1:9"
}

credentials "bench" {
  access_key_id     = "AKIASIGRUNBENCH00001"
  secret_access_key = "sigrun/bench/secret/not+a+real+aws+key0"
}

endpoint "api" {
  url = var.base_url

  auth "aws_sigv4" {
    credentials = credentials.bench
    service     = "execute-api"
    region      = "us-east-1"
  }
}
`
	var reqs strings.Builder
	for i := range n {
		if i > 0 {
			reqs.WriteByte('\n')
		}
		fmt.Fprintf(&reqs, "request \"r%d\" {\n  endpoint = endpoint.api\n  path     = \"/items/%d\"\n}\n", i, i)
	}
	for name, src := range map[string]string{"main.hcl": main, "requests.hcl": reqs.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoadValidate10000 is what `sigrun validate` does with the
// 10,000-request collection of bench/run.sh: load from disk, then New.
func BenchmarkLoadValidate10000(b *testing.B) {
	dir := writeValidateCollection(b, 10000)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		c, diags := dsl.LoadPath(dir)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if _, diags := runner.New(c, runner.Options{BaseDir: dir}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkLoadPath10000 is the loading part of BenchmarkLoadValidate10000
// alone: reading, parsing, decoding and checking references.
func BenchmarkLoadPath10000(b *testing.B) {
	dir := writeValidateCollection(b, 10000)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, diags := dsl.LoadPath(dir); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkNewLoaded10000 is New alone on the collection of
// BenchmarkLoadValidate10000.
func BenchmarkNewLoaded10000(b *testing.B) {
	dir := writeValidateCollection(b, 10000)
	c, diags := dsl.LoadPath(dir)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, diags := runner.New(c, runner.Options{BaseDir: dir}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
