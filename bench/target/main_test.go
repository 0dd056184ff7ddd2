package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func hashOf(b string) string {
	s := sha256.Sum256([]byte(b))
	return hex.EncodeToString(s[:])
}

// send signs a request with the AWS SDK's signer (independent of sigrun's)
// using the given secret and sends it.
func send(t *testing.T, url, method, body, secret string, mutate func(*http.Request)) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: DefaultAccessKeyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hashOf(body), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestSignatureCheck(t *testing.T) {
	s := newServer(config{Verify: true, AccessKeyID: DefaultAccessKeyID, SecretAccessKey: DefaultSecretAccessKey, Service: "execute-api", Region: "us-east-1"})
	ts := httptest.NewServer(s)
	defer ts.Close()

	// A good GET, answered with the item.
	resp := send(t, ts.URL+"/items/41", "GET", "", DefaultSecretAccessKey, nil)
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("good GET: status %d: %s", resp.StatusCode, b)
	}
	var item struct{ ID, Next int64 }
	if err := json.NewDecoder(resp.Body).Decode(&item); err != nil || item.ID != 41 || item.Next != 42 {
		t.Fatalf("good GET: got %+v, %v", item, err)
	}

	// A good upload: the signature covers the body's hash.
	resp = send(t, ts.URL+"/upload", "PUT", "hello, world", DefaultSecretAccessKey, nil)
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("good PUT: status %d: %s", resp.StatusCode, b)
	}

	// Bad: wrong secret; path changed after signing; body changed after
	// signing (same length); no signature at all.
	bad := []struct {
		name   string
		method string
		path   string
		body   string
		secret string
		mutate func(*http.Request)
	}{
		{"wrong secret", "GET", "/items/1", "", "not-the-secret", nil},
		{"path changed", "GET", "/items/1", "", DefaultSecretAccessKey, func(r *http.Request) { r.URL.Path = "/items/2" }},
		{"body changed", "PUT", "/upload", "aaaa", DefaultSecretAccessKey, func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader("bbbb"))
		}},
		{"unsigned", "GET", "/items/1", "", DefaultSecretAccessKey, func(r *http.Request) { r.Header.Del("Authorization") }},
	}
	for _, tc := range bad {
		resp := send(t, ts.URL+tc.path, tc.method, tc.body, tc.secret, tc.mutate)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, resp.StatusCode)
		}
	}

	snap := s.stats.snapshot()
	if snap.Requests != 6 || snap.SignatureOK != 2 || snap.SignatureFail != 4 {
		t.Errorf("stats: %+v, want 6 requests, 2 ok, 4 failed", snap)
	}
	if len(snap.Errors) == 0 {
		t.Errorf("stats: no error messages recorded")
	}

	// The stats endpoint answers the same, unsigned, and reset zeroes it.
	r, err := http.Get(ts.URL + "/__stats")
	if err != nil {
		t.Fatal(err)
	}
	var got Snapshot
	json.NewDecoder(r.Body).Decode(&got)
	r.Body.Close()
	if got.SignatureFail != 4 {
		t.Errorf("/__stats: %+v", got)
	}
	r, err = http.Post(ts.URL+"/__reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if snap := s.stats.snapshot(); snap.Requests != 0 || snap.SignatureFail != 0 || snap.Errors != nil {
		t.Errorf("after reset: %+v", snap)
	}
}

func TestDownloadAndNoVerify(t *testing.T) {
	ts := httptest.NewServer(newServer(config{Verify: false}))
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/download/100000")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 || n != 100000 {
		t.Fatalf("download: status %d, %d bytes", resp.StatusCode, n)
	}
}

func TestItemID(t *testing.T) {
	for p, want := range map[string]int64{"/items/7": 7, "/items/3/children/12": 12, "/items/0": 0} {
		if got, ok := itemID(p); !ok || got != want {
			t.Errorf("itemID(%q) = %d, %v, want %d", p, got, ok, want)
		}
	}
	for _, p := range []string{"/items/x", "/items/", "/items/{{r0_next}}", "/items/1/x/2", "/items/1/children/", "/items/-1"} {
		if _, ok := itemID(p); ok {
			t.Errorf("itemID(%q) accepted", p)
		}
	}
}
