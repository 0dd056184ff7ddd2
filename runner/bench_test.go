package runner_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// signedAPI declares the endpoint "api" at var.base_url, signed with
// static credentials "c", that the benchmark collections send to.
const signedAPI = `
variable "base_url" { type = string }
credentials "c" {
  access_key_id     = "AKIDEXAMPLE"
  secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
}
endpoint "api" {
  url = var.base_url
  auth "aws_sigv4" {
    credentials = credentials.c
    service     = "execute-api"
    region      = "us-east-1"
  }
}
`

// benchCollection is n independent signed GETs.
func benchCollection(n int) string {
	var b strings.Builder
	b.WriteString(signedAPI)
	for i := range n {
		fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  path = \"/items/%d\"\n  query = { a = \"1\", b = \"x y\" }\n  expect { status = 200 }\n}\n", i, i)
	}
	return b.String()
}

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkRun2000 is the whole run of 2,000 independent signed requests
// at --parallel 8, load and validation included.
func BenchmarkRun2000(b *testing.B) {
	srv := benchServer(b)
	src := benchCollection(2000)
	b.ResetTimer()
	for b.Loop() {
		c := loadB(b, src)
		r, diags := runner.New(c, runner.Options{Parallel: 8, Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + srv.URL}}})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if sum := r.Run(context.Background()); sum.Passed != 2000 {
			b.Fatalf("passed %d", sum.Passed)
		}
	}
}

// BenchmarkPlainGo2000 is the floor: net/http and the SDK's signer, the
// same 2,000 requests, 8 workers.
func BenchmarkPlainGo2000(b *testing.B) {
	srv := benchServer(b)
	client := runner.NewHTTPClient(8)
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	s := v4.NewSigner()
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	b.ResetTimer()
	for b.Loop() {
		jobs := make(chan int)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					req, _ := http.NewRequest("GET", fmt.Sprintf("%s/items/%d?a=1&b=x%%20y", srv.URL, i), nil)
					if err := s.SignHTTP(context.Background(), creds, req, empty, "execute-api", "us-east-1", time.Now()); err != nil {
						b.Error(err)
						return
					}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
					}
				}
			}()
		}
		for i := range 2000 {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
	}
}

func loadB(b *testing.B, src string) *dsl.Collection {
	b.Helper()
	c, diags := dsl.Load(mapFS(map[string]string{"main.hcl": src}), "", nil)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return c
}

// BenchmarkExec2000 is Run alone: the walk, evaluation, signing, sending
// and checking of 2,000 requests, without loading and validation.
func BenchmarkExec2000(b *testing.B) {
	srv := benchServer(b)
	c := loadB(b, benchCollection(2000))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, diags := runner.New(c, runner.Options{Parallel: 8, Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + srv.URL}}})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		b.StartTimer()
		if sum := r.Run(context.Background()); sum.Passed != 2000 {
			b.Fatalf("passed %d", sum.Passed)
		}
	}
}

// countCollection is the harness's sigrun workload: one block with
// count = n, signed GETs.
func countCollection(n int) string {
	return signedAPI + fmt.Sprintf(`request "r" {
  count    = %d
  endpoint = endpoint.api
  path     = "/items/${count.index}"
  query    = { a = "1", b = "x y" }
  expect { status = 200 }
}
`, n)
}

// BenchmarkRunCount2000 is a whole run (load, validate, run) of 2,000
// signed requests from one counted block at --parallel 8.
func BenchmarkRunCount2000(b *testing.B) {
	srv := benchServer(b)
	src := countCollection(2000)
	for b.Loop() {
		c := loadB(b, src)
		r, diags := runner.New(c, runner.Options{Parallel: 8, Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + srv.URL}}})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if sum := r.Run(context.Background()); sum.Passed != 2000 {
			b.Fatalf("passed %d", sum.Passed)
		}
	}
}

// BenchmarkValidate10000 is New on 10,000 request blocks: the checks of
// `sigrun validate` (decoding excluded).
func BenchmarkValidate10000(b *testing.B) {
	c := loadB(b, benchCollection(10000))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=http://127.0.0.1:1"}}}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkNewCount2000 is New on the harness's workload, one block with
// count = 2000: the check that evaluates each of its requests (path
// template, query, headers, endpoint) before anything is sent, with no
// network in the measurement.
func BenchmarkNewCount2000(b *testing.B) {
	c := loadB(b, countCollection(2000))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=http://127.0.0.1:1"}}}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
