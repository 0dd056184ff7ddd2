package signer

// FuzzCanonicalRoundTrip (issue 9). FuzzDifferential compares us with the
// SDK, but only on the inputs where the SDK is a usable oracle: it skips
// control characters, ';', bad escapes, paths without a leading '/', and
// always signs one POST to one host. This target takes what it skips: any
// method, path, raw query, header and body that net/http will put on the
// wire, for S3 and for other services, and checks what must hold whatever
// the SDK does:
//
//   - nothing panics (SignHTTP, Presign, CanonicalQuery, Verify on any
//     Authorization header);
//   - signing is deterministic;
//   - a signed request, written to the wire and read back as a server does,
//     verifies (our signer and our Verify agree on the canonical request);
//   - a presigned URL verifies;
//   - CanonicalQuery is idempotent.
//
// The seed corpus runs in the ordinary `go test`; docs/reliability.md
// records the fuzzing runs.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// validFieldValue is net/http's rule for a header value it will send
// (golang.org/x/net/http/httpguts.ValidHeaderFieldValue).
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func FuzzCanonicalRoundTrip(f *testing.F) {
	f.Add("GET", "/", "", "X-Fuzz", "v", []byte(nil), false)
	f.Add("PUT", "/a b/c%2Fd/./e/../f//g", "b=2&a=1&a=0&empty=&flag", "X-Amz-Meta-Name", "  x \t y  ", []byte("body"), true)
	f.Add("DELETE", "/%E1%88%B4/日本/😀", "q=a+b&r=%2F&*=~&%zz=bad", "X-Fuzz", "é", []byte{0, 1, 2}, false)
	f.Add("PATCH", "//double//slash/", "a;b=c&x==y&=v", "Content-Type", "application/json; charset=utf-8", []byte(`{"a":1}`), true)
	f.Add("POST", "/+plus+/%2B", "k&k=&k=v&K=V", "X-Amz-Date", "20250101T000000Z", []byte("x"), false)
	f.Add("GET", "/a?b#c", "x=%", "Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", []byte(nil), true)
	f.Add("OPTIONS", "", "%", "Host", "other.example.com", []byte(nil), false)

	creds := aws.Credentials{AccessKeyID: "AKIDFUZZ", SecretAccessKey: "fuzz/secret+key", SessionToken: "fuzz-session-token"}
	lookup := func(id string) (aws.Credentials, bool) { return creds, id == creds.AccessKeyID }
	at := time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC)

	f.Fuzz(func(t *testing.T, method, path, rawQuery, hname, hval string, body []byte, s3 bool) {
		defer time.AfterFunc(20*time.Second, func() {
			panic(fmt.Sprintf("did not return within 20s: %q %q %q %q %q", method, path, rawQuery, hname, hval))
		}).Stop()

		// CanonicalQuery on anything: no panic; idempotent when it succeeds.
		if cq, err := CanonicalQuery(rawQuery); err == nil {
			if again, err := CanonicalQuery(cq); err != nil || again != cq {
				t.Fatalf("CanonicalQuery is not idempotent: %q -> %q -> %q (%v)", rawQuery, cq, again, err)
			}
		}

		p := Params{Service: "execute-api", Region: "us-east-1"}
		host := "abc123.execute-api.us-east-1.amazonaws.com"
		if s3 {
			p = Params{Service: "s3", Region: "us-east-1"}
			host = "bucket.s3.us-east-1.amazonaws.com"
		}
		if !validToken(method) || !validFieldValue(hval) || !validFieldValue(rawQuery) || strings.ContainsAny(rawQuery, " #") {
			return
		}
		u, err := url.Parse("https://" + host + path)
		if err != nil || u.Host != host {
			return
		}
		u.RawQuery = rawQuery
		newReq := func() *http.Request {
			req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
			if err != nil {
				return nil
			}
			req.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath, RawQuery: rawQuery}
			// A Date or X-Amz-Date of the caller's is signed as given, and
			// then fails the date window: not what this target checks.
			if validToken(hname) && !strings.EqualFold(hname, "Date") && !strings.EqualFold(hname, "X-Amz-Date") {
				req.Header.Set(hname, hval)
			}
			return req
		}
		s := New(WithClock(func() time.Time { return at }))
		hash := HashBytes(body)

		// Verify never panics on a made-up Authorization header.
		if req := newReq(); req != nil {
			req.Header.Set("Authorization", hval)
			Verify(req, hash, lookup, at)
		}

		req1, req2 := newReq(), newReq()
		if req1 == nil {
			return
		}
		err1 := s.SignHTTP(req1, creds, hash, p)
		err2 := s.SignHTTP(req2, creds, hash, p)
		if (err1 == nil) != (err2 == nil) || req1.Header.Get("Authorization") != req2.Header.Get("Authorization") {
			t.Fatalf("signing is not deterministic: %v / %v\n%q\n%q", err1, err2, req1.Header.Get("Authorization"), req2.Header.Get("Authorization"))
		}
		if err1 == nil {
			if err := verifyWire(req1, body, hash, lookup, at); err != nil {
				t.Fatalf("a signed request does not verify after a trip over the wire: %v\n%s %s\n%s: %q", err, method, req1.URL, hname, hval)
			}
		}

		if preq := newReq(); preq != nil && len(body) == 0 {
			pu, err := s.Presign(preq, creds, EmptyPayloadHash, p, 15*time.Minute)
			if err == nil {
				// The URL carries the authentication: an Authorization header
				// of the caller's would be a second one, which servers refuse.
				preq.Header.Del("Authorization")
				get := &http.Request{Method: preq.Method, URL: pu, Host: pu.Host, Header: preq.Header, Body: http.NoBody}
				if err := verifyWire(get, nil, EmptyPayloadHash, lookup, at); err != nil {
					t.Fatalf("a presigned URL does not verify: %v\n%s", err, pu)
				}
			}
		}
	})
}

// verifyWire writes req as net/http would, reads it back as a server does
// and verifies it. A request net/http cannot write or read back is not the
// signer's concern: it is reported as verified.
func verifyWire(req *http.Request, body []byte, hash string, lookup func(string) (aws.Credentials, bool), at time.Time) error {
	var buf bytes.Buffer
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	if err := req.Write(&buf); err != nil {
		return nil
	}
	sreq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		return nil
	}
	sreq.URL.Scheme = "https"
	io.Copy(io.Discard, sreq.Body)
	return Verify(sreq, hash, lookup, at)
}
