package dsl

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// benchSource is a collection of n request blocks, each with a path, a
// query, headers and checks, as a generated suite would have.
func benchSource(n int) string {
	var b strings.Builder
	b.WriteString(`
variable "base_url" { type = string }
endpoint "api" {
  url = var.base_url
  auth "aws_sigv4" {
    service = "execute-api"
    region  = "us-east-1"
  }
}
`)
	for i := range n {
		fmt.Fprintf(&b, `request "r%d" {
  endpoint = endpoint.api
  path     = "/items/%d"
  query    = { a = "1", b = "x y" }
  headers  = { "x-team" = "bench" }
  expect { status = 200 }
}
`, i, i)
	}
	return b.String()
}

// BenchmarkLoad1000 decodes and checks a collection of 1,000 requests.
func BenchmarkLoad1000(b *testing.B) {
	fsys := fstest.MapFS{"main.hcl": {Data: []byte(benchSource(1000))}}
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := Load(fsys, "", nil); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
