package runner_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/signer"
)

// PEER-BUGS row 23: auth declared once on the endpoint (inherited by its
// requests) must carry the session token on every request, signed, from
// the command-line runner as from anywhere else.
func TestPeerBug23InheritedAuthKeepsToken(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIDINHERIT000000000", SecretAccessKey: "inherit-secret", SessionToken: "inherit-session-token"}
	type seen struct {
		token string
		err   error
	}
	got := make(chan seen, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := signer.Verify(r, signer.HashBytes(body), func(string) (aws.Credentials, bool) { return creds, true }, time.Now(),
			signer.VerifyOptions{Service: "execute-api", Region: "us-east-1"})
		got <- seen{r.Header.Get("X-Amz-Security-Token"), err}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
credentials "session" {
  access_key_id     = "AKIDINHERIT000000000"
  secret_access_key = "inherit-secret"
  session_token     = "inherit-session-token"
}
endpoint "api" {
  url = var.base_url
  auth "aws_sigv4" {
    credentials = credentials.session
    service     = "execute-api"
    region      = "us-east-1"
  }
}
request "a" {
  endpoint = endpoint.api
  path     = "/a"
}
request "b" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/b"
  json     = { x = "${var.base_url}/substituted" }
}`})
	sum := newRunner(t, c, srv.URL, runner.Options{}).Run(context.Background())
	if sum.Passed != 2 {
		t.Fatalf("%+v", sum.Results)
	}
	for range 2 {
		s := <-got
		if s.token != creds.SessionToken || s.err != nil {
			t.Fatalf("token %q, verify %v", s.token, s.err)
		}
	}
}

// PEER-BUGS row 26: one signing path. Runs, call, presign, export and the
// 403 explainer all sign through package signer; here a run's signature,
// on a request with a space in the path, an unsorted query and odd header
// whitespace, is recomputed by the signer on the server side.
func TestPeerBug26OneSigningPath(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIDONEPATH000000000", SecretAccessKey: "one-path-secret"}
	authz := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authz <- r.Clone(context.Background())
		w.WriteHeader(200)
	}))
	defer srv.Close()
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
credentials "c" {
  access_key_id     = "AKIDONEPATH000000000"
  secret_access_key = "one-path-secret"
}
request "r" {
  url     = "${var.base_url}/items/a b"
  query   = { z = "1", a = "x y" }
  headers = { "x-team" = "  smoke   tests " }
  auth "aws_sigv4" {
    credentials = credentials.c
    service     = "execute-api"
    region      = "us-east-1"
  }
}`})
	newRunner(t, c, srv.URL, runner.Options{}).Run(context.Background())
	sent := <-authz
	// Verify recomputes the signature with the signer over exactly the
	// headers the run listed as signed.
	err := signer.Verify(sent, signer.EmptyPayloadHash, func(string) (aws.Credentials, bool) { return creds, true }, time.Now(),
		signer.VerifyOptions{Service: "execute-api", Region: "us-east-1"})
	if err != nil {
		t.Fatalf("the run's signature is not the signer's: %v", err)
	}
	if !regexp.MustCompile(`SignedHeaders=host;x-amz-date;x-team, Signature=[0-9a-f]{64}$`).MatchString(sent.Header.Get("Authorization")) {
		t.Fatalf("Authorization %q", sent.Header.Get("Authorization"))
	}
}
