package runner_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/signer"
)

// A signed multipart upload: the server verifies the signature over the
// body it received, so the streamed hashing pass and the sent bytes agree,
// and it reads the parts back.
func TestMultipartSigned(t *testing.T) {
	dir := t.TempDir()
	photo := strings.Repeat("JPEG", 50_000) // 200 kB
	if err := os.WriteFile(filepath.Join(dir, "cat.jpg"), []byte(photo), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: "AKIDMULTIPART0000000", SecretAccessKey: "multipart-secret"}
	type got struct {
		verifyErr     error
		contentLength int64
		bodyLen       int
		name, file    string
		fileName, ct  string
	}
	results := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g := got{contentLength: r.ContentLength, bodyLen: len(body)}
		g.verifyErr = signer.Verify(r, signer.HashBytes(body), func(string) (aws.Credentials, bool) { return creds, true }, time.Now(),
			signer.VerifyOptions{Service: "execute-api", Region: "us-east-1"})
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			g.name = r.FormValue("name")
			if f, h, err := r.FormFile("photo"); err == nil {
				b, _ := io.ReadAll(f)
				g.file, g.fileName, g.ct = string(b), h.Filename, h.Header.Get("Content-Type")
			}
		}
		results <- g
		w.WriteHeader(201)
	}))
	defer srv.Close()
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
credentials "c" {
  access_key_id     = "AKIDMULTIPART0000000"
  secret_access_key = "multipart-secret"
}
request "upload" {
  url    = "${var.base_url}/upload"
  method = "POST"
  multipart {
    field "name" { value = "whiskers \"the cat\"" }
    file "photo" {
      path         = "cat.jpg"
      content_type = "image/jpeg"
    }
  }
  auth "aws_sigv4" {
    credentials = credentials.c
    service     = "execute-api"
    region      = "us-east-1"
  }
  expect { status = 201 }
}`})
	sum := newRunner(t, c, srv.URL, runner.Options{BaseDir: dir}).Run(context.Background())
	if sum.Passed != 1 {
		t.Fatalf("%+v", sum.Results[0].Diags)
	}
	g := <-results
	if g.verifyErr != nil {
		t.Fatalf("the server could not verify the signature: %v", g.verifyErr)
	}
	if g.contentLength != int64(g.bodyLen) || g.bodyLen < len(photo) {
		t.Fatalf("Content-Length %d, body %d bytes", g.contentLength, g.bodyLen)
	}
	if g.name != `whiskers "the cat"` || g.file != photo || g.fileName != "cat.jpg" || g.ct != "image/jpeg" {
		t.Fatalf("parts: name %q, file %d bytes named %q (%s)", g.name, len(g.file), g.fileName, g.ct)
	}
}
