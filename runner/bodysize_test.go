package runner_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range n {
		b[i] = byte('a' + (p.left-i)%26)
	}
	p.left -= n
	return int(n), nil
}

func bigServer(t testing.TB, size int64, withLength bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if withLength {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		io.Copy(w, &patternReader{left: size})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func patternSHA(size int64) string {
	h := sha256.New()
	io.Copy(h, &patternReader{left: size})
	return hex.EncodeToString(h.Sum(nil))
}

func TestLargeBodyStreamed(t *testing.T) {
	const size = 20 << 20
	for _, withLength := range []bool{true, false} {
		srv := bigServer(t, size, withLength)
		c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "download" {
  url           = "${var.base_url}/big"
  max_body_size = "1MiB"
  expect { status = 200 }
  assert {
    condition     = response.body_size == 20 * 1024 * 1024 && response.body_sha256 == "` + patternSHA(size) + `"
    error_message = "size ${response.body_size}, sha ${response.body_sha256}"
  }
}
request "needs_body" {
  url           = "${var.base_url}/big"
  max_body_size = 1048576
  expect { body_contains = "abc" }
  assert {
    condition     = length(response.body) > 0
    error_message = "x"
  }
}`})
		sum := newRunner(t, c, srv.URL, runner.Options{}).Run(context.Background())
		if r := result(sum, "download"); r.Outcome != runner.Passed {
			t.Fatalf("content-length %v: %v", withLength, r.Diags)
		}
		r := result(sum, "needs_body")
		if r.Outcome != runner.Failed || len(r.Diags) < 2 {
			t.Fatalf("a check on a streamed body must fail clearly: %v", r.Diags)
		}
		for _, d := range r.Diags[:2] {
			if d.Summary != "Response body not kept" || !strings.Contains(d.Detail, "20.0 MiB") || !strings.Contains(d.Detail, "1.0 MiB") {
				t.Errorf("diagnostic %s: %s", d.Summary, d.Detail)
			}
		}
	}
}

func TestMaxBodySizeInvalid(t *testing.T) {
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "r" {
  url           = var.base_url
  max_body_size = "lots"
}`})
	_, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=http://127.0.0.1:1"}}})
	if d := firstError(diags); d == nil || d.Summary != "Invalid value for max_body_size" {
		t.Fatalf("%v", diags)
	}
}

// BenchmarkStreamedDownload: a 256 MiB response over the limit; B/op
// stays near the limit, not the body's size.
func BenchmarkStreamedDownload(b *testing.B) {
	const size = 256 << 20
	srv := bigServer(b, size, true)
	c, diags := dsl.Load(mapFS(map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "download" { url = "${var.base_url}/big" }`}), "", nil)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		r, _ := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + srv.URL}}})
		if sum := r.Run(context.Background()); sum.Passed != 1 {
			b.Fatal(sum.Results[0].Diags)
		}
	}
}
