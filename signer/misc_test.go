package signer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct{ left int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	for i := range p {
		p[i] = byte('a' + (r.left-int64(i))%26)
	}
	r.left -= int64(len(p))
	return len(p), nil
}

func TestStreamingDoesNotBufferTheBody(t *testing.T) {
	const size = 64 << 20 // 64 MiB
	req, _ := http.NewRequest("PUT", "https://b.s3.us-east-1.amazonaws.com/big", io.NopCloser(&patternReader{left: size}))
	req.ContentLength = size
	s := New(clockAt(t0))
	if err := s.SignStreaming(req, testCreds, Params{Service: "s3", Region: "us-east-1"}, StreamOptions{Trailer: "x-amz-checksum-sha256"}); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := io.Copy(io.Discard, req.Body)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if n != req.ContentLength {
		t.Fatalf("encoded %d bytes, Content-Length %d", n, req.ContentLength)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 8<<20 {
		t.Fatalf("streaming %d MiB allocated %d MiB: the body is being buffered", size>>20, grown>>20)
	}
}

func TestStreamingLengthMismatchAndGetBody(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "s3", Region: "us-east-1"}
	// body shorter than announced
	req, _ := http.NewRequest("PUT", "https://b.s3.amazonaws.com/k", strings.NewReader("short"))
	if err := s.SignStreaming(req, testCreds, p, StreamOptions{DecodedLength: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(req.Body); !errors.Is(err, ErrStreamLength) {
		t.Fatalf("short body: %v", err)
	}
	// body longer than announced
	req, _ = http.NewRequest("PUT", "https://b.s3.amazonaws.com/k", strings.NewReader("longer than four"))
	if err := s.SignStreaming(req, testCreds, p, StreamOptions{DecodedLength: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(req.Body); !errors.Is(err, ErrStreamLength) {
		t.Fatalf("long body: %v", err)
	}
	// GetBody re-encodes identically (retries)
	data := bytes.Repeat([]byte("xyz"), 10000)
	req, _ = http.NewRequest("PUT", "https://b.s3.amazonaws.com/k", bytes.NewReader(data))
	if err := s.SignStreaming(req, testCreds, p, StreamOptions{ChunkSize: 8 << 10, Trailer: "x-amz-checksum-crc32"}); err != nil {
		t.Fatal(err)
	}
	first, _ := io.ReadAll(req.Body)
	rc, err := req.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	second, _ := io.ReadAll(rc)
	if !bytes.Equal(first, second) || int64(len(first)) != req.ContentLength {
		t.Fatal("GetBody does not reproduce the encoded body")
	}
	chunks, trailer := parseChunked(t, first, true)
	if len(chunks) != 5 || !strings.HasPrefix(trailer[0], "x-amz-checksum-crc32:") {
		t.Fatalf("%d chunks, trailer %q", len(chunks), trailer)
	}
	if req.Header.Get("Content-Encoding") != "aws-chunked" || req.Header.Get("X-Amz-Decoded-Content-Length") != "30000" ||
		req.Header.Get("X-Amz-Content-Sha256") != StreamingPayloadTrailer || req.Header.Get("X-Amz-Trailer") != "x-amz-checksum-crc32" {
		t.Fatalf("headers: %v", req.Header)
	}
	if err := s.SignStreaming(req, testCreds, p, StreamOptions{ChunkSize: 1024}); err == nil {
		t.Fatal("a chunk size under 8 KiB must be refused")
	}
	if _, err := EncodedLength(1, 0, "x-amz-checksum-crc64nvme"); err == nil {
		t.Fatal("unsupported trailer accepted")
	}
}

func TestSigningKeyObjects(t *testing.T) {
	day1 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	p := Params{Service: "execute-api", Region: "us-east-1"}
	var now atomic.Pointer[time.Time]
	now.Store(&day1)
	s := New(WithClock(func() time.Time { return *now.Load() }))

	k, err := NewSigningKey(testCreds, day1, p.Region, p.Service, SigningKeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if k.KeepsSecret() || k.Date() != "20260301" || k.Scope() != "20260301/us-east-1/execute-api/aws4_request" {
		t.Fatalf("key: %v %s %s", k.KeepsSecret(), k.Date(), k.Scope())
	}
	r1, r2 := mustReq(t, "GET", "https://h/x?a=1", nil), mustReq(t, "GET", "https://h/x?a=1", nil)
	if err := s.SignHTTPWithKey(r1, k, "", p); err != nil {
		t.Fatal(err)
	}
	if err := s.SignHTTP(r2, testCreds, "", p); err != nil {
		t.Fatal(err)
	}
	if r1.Header.Get("Authorization") != r2.Header.Get("Authorization") {
		t.Fatal("key-signed and credential-signed requests differ")
	}
	if _, err := s.PresignWithKey(mustReq(t, "GET", "https://h/x", nil), k, "", p, time.Minute); err != nil {
		t.Fatal(err)
	}
	// Wrong region/service is refused.
	if err := s.SignHTTPWithKey(mustReq(t, "GET", "https://h/", nil), k, "", Params{Service: "lambda", Region: "us-east-1"}); !errors.Is(err, ErrKeyDateMismatch) {
		t.Fatalf("other service: %v", err)
	}
	// Next day: no secret kept → refused; kept → a new key; strict → refused.
	now.Store(&day2)
	if err := s.SignHTTPWithKey(mustReq(t, "GET", "https://h/", nil), k, "", p); !errors.Is(err, ErrKeyDateMismatch) {
		t.Fatalf("no secret, next day: %v", err)
	}
	kk, _ := NewSigningKey(testCreds, day1, p.Region, p.Service, SigningKeyOptions{KeepSecret: true})
	req := mustReq(t, "GET", "https://h/", nil)
	if err := s.SignHTTPWithKey(req, kk, "", p); err != nil || kk.Date() != "20260302" {
		t.Fatalf("keep-secret key did not roll over: %v %s", err, kk.Date())
	}
	if err := Verify(req, "", lookupTest, day2); err != nil {
		t.Fatalf("rolled-over key signature: %v", err)
	}
	ks, _ := NewSigningKey(testCreds, day1, p.Region, p.Service, SigningKeyOptions{Strict: true, KeepSecret: true})
	if ks.KeepsSecret() {
		t.Fatal("strict keys never need the secret")
	}
	if err := s.SignHTTPWithKey(mustReq(t, "GET", "https://h/", nil), ks, "", p); !errors.Is(err, ErrKeyDateMismatch) {
		t.Fatalf("strict: %v", err)
	}
	// A request carrying its own date of the key's day is fine in strict mode.
	old := mustReq(t, "GET", "https://h/", nil)
	old.Header.Set("X-Amz-Date", "20260301T235959Z")
	if err := s.SignHTTPWithKey(old, ks, "", p); err != nil {
		t.Fatalf("strict, matching date: %v", err)
	}
	if err := s.SignHTTPWithKey(mustReq(t, "GET", "https://h/", nil), k, "", Params{Service: "execute-api", Region: "us-east-1", Algorithm: SigV4A}); err == nil {
		t.Fatal("SigV4a with a SigV4 key must fail")
	}
}

// Transport: body re-read via GetBody, one retry on clock skew.
func TestTransportSkewRetryAndBody(t *testing.T) {
	serverNow := time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC)
	local := serverNow.Add(-20 * time.Minute) // our clock is 20 minutes slow
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		err := Verify(r, HashBytes(body), lookupTest, serverNow)
		w.Header().Set("Date", serverNow.Format(http.TimeFormat))
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"message":%s}`, jsonString(err.Error()))
			return
		}
		fmt.Fprintf(w, "ok %s", body)
	}))
	defer srv.Close()
	tr := &Transport{Signer: New(clockAt(local)), Credentials: credsProvider{testCreds}, Params: &apiParams}
	c := &http.Client{Transport: tr}
	req, _ := http.NewRequest("POST", srv.URL+"/x", strings.NewReader("payload"))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok payload" || calls.Load() != 2 {
		t.Fatalf("status %d body %q calls %d", resp.StatusCode, b, calls.Load())
	}
	if tr.Signer.Skew() != 20*time.Minute {
		t.Fatalf("skew %v", tr.Signer.Skew())
	}
	// With the skew learnt, the next request succeeds first time.
	calls.Store(0)
	resp, err = c.Post(srv.URL+"/y", "text/plain", io.MultiReader(strings.NewReader("no GetBody")))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok no GetBody" || calls.Load() != 1 {
		t.Fatalf("second: %d %q %d", resp.StatusCode, b, calls.Load())
	}
	// A non-skew rejection is passed through untouched, without a retry.
	calls.Store(0)
	bad := &http.Client{Transport: &Transport{Signer: New(clockAt(serverNow)), Credentials: credsProvider{aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wrong"}}, Params: &apiParams}}
	resp, err = bad.Get(srv.URL + "/z")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	exp, ok := ParseMismatch(b)
	if resp.StatusCode != 403 || calls.Load() != 1 || !ok || exp.CanonicalRequest == "" {
		t.Fatalf("mismatch answer: %d %d %q", resp.StatusCode, calls.Load(), b)
	}
	// Transport does not modify the caller's request.
	orig, _ := http.NewRequest("GET", srv.URL+"/w", nil)
	resp, err = c.Do(orig)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if orig.Header.Get("Authorization") != "" || orig.Header.Get("X-Amz-Date") != "" {
		t.Fatal("Transport modified the caller's request")
	}
}

func TestTransportInfersParams(t *testing.T) {
	var got string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("Authorization")
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	c := &http.Client{Transport: &Transport{Base: rt, Signer: New(clockAt(t0)), Credentials: credsProvider{testCreds}}}
	resp, err := c.Get("https://abc.execute-api.eu-west-2.amazonaws.com/prod")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(got, "/eu-west-2/execute-api/aws4_request") {
		t.Fatal(got)
	}
	if _, err := (&Transport{}).RoundTrip(mustReq(t, "GET", "https://h/", nil)); !errors.Is(err, ErrNoCredentialsProvider) {
		t.Fatal(err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSignHTTPAllocations(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts are meaningless under -race / -short")
	}
	s := New(clockAt(benchTime))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	req := benchRequest()
	n := testing.AllocsPerRun(200, func() {
		resetSigned(req)
		if err := s.SignHTTP(req, benchCreds, EmptyPayloadHash, p); err != nil {
			t.Fatal(err)
		}
	})
	if n > 5 {
		t.Fatalf("%.1f allocations per signature, budget 5", n)
	}
}
