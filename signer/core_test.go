package signer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var testCreds = aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}

var t0 = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func clockAt(t time.Time) Option { return WithClock(func() time.Time { return t }) }

func mustReq(t testing.TB, method, u string, body []byte) *http.Request {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func explain(t testing.TB, s *Signer, req *http.Request, ph string, p Params) *Explanation {
	t.Helper()
	e, err := s.Explain(req, testCreds, ph, p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func creqLine(e *Explanation, n int) string { return strings.Split(e.CanonicalRequest, "\n")[n] }

func TestHashBytesAndReader(t *testing.T) {
	if HashBytes(nil) != EmptyPayloadHash {
		t.Fatal("HashBytes(nil) != EmptyPayloadHash")
	}
	// SHA-256("abc") from FIPS 180-2.
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if HashBytes([]byte("abc")) != abc {
		t.Fatal("HashBytes(abc)")
	}
	h, n, err := HashReader(strings.NewReader("abc"))
	if err != nil || h != abc || n != 3 {
		t.Fatalf("HashReader = %s %d %v", h, n, err)
	}
	_, _, err = HashReader(io.MultiReader(strings.NewReader("x"), errReader{}))
	if err == nil {
		t.Fatal("HashReader must report read errors")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestPresignExpiryBounds(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "s3", Region: "us-east-1"}
	for _, tc := range []struct {
		d  time.Duration
		ok bool
	}{{0, false}, {-time.Second, false}, {999 * time.Millisecond, false}, {time.Second, true}, {3600 * time.Second, true},
		{604800 * time.Second, true}, {604801 * time.Second, false}} {
		u, err := s.Presign(mustReq(t, "GET", "https://b.s3.amazonaws.com/k", nil), testCreds, "", p, tc.d)
		if tc.ok != (err == nil) {
			t.Errorf("expires %v: err = %v", tc.d, err)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrExpires) {
				t.Errorf("expires %v: want ErrExpires, got %v", tc.d, err)
			}
			continue
		}
		if got := u.Query().Get("X-Amz-Expires"); got != fmt.Sprint(int64(tc.d/time.Second)) {
			t.Errorf("X-Amz-Expires = %s", got)
		}
	}
}

func TestContentLengthRule(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	cases := []struct {
		name   string
		req    func() *http.Request
		signed string // "" = not signed
	}{
		{"GET without body", func() *http.Request { return mustReq(t, "GET", "https://h/", nil) }, ""},
		{"POST without body", func() *http.Request { return mustReq(t, "POST", "https://h/", nil) }, ""},
		{"POST with body", func() *http.Request { return mustReq(t, "POST", "https://h/", []byte("hello")) }, "5"},
		{"POST with empty body", func() *http.Request { return mustReq(t, "POST", "https://h/", []byte{}) }, ""},
		{"POST explicit Content-Length 0", func() *http.Request {
			r := mustReq(t, "POST", "https://h/", nil)
			r.Header.Set("Content-Length", "0")
			return r
		}, "0"},
		{"GET explicit Content-Length 0 (net/http does not send it)", func() *http.Request {
			r := mustReq(t, "GET", "https://h/", nil)
			r.Header.Set("Content-Length", "0")
			return r
		}, ""},
		{"stale Content-Length header is ignored for the real length", func() *http.Request {
			r := mustReq(t, "PUT", "https://h/", []byte("12345678"))
			r.Header.Set("Content-Length", "3")
			return r
		}, "8"},
		{"unknown length (chunked)", func() *http.Request {
			r := mustReq(t, "PUT", "https://h/", nil)
			r.Body = io.NopCloser(strings.NewReader("abc"))
			r.ContentLength = -1
			return r
		}, ""},
		{"chunked transfer encoding", func() *http.Request {
			r := mustReq(t, "PUT", "https://h/", []byte("abc"))
			r.TransferEncoding = []string{"chunked"}
			return r
		}, ""},
		{"Content-Length listed in UnsignedHeaders", func() *http.Request { return mustReq(t, "POST", "https://h/", []byte("abc")) }, "-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := c.req()
			pp := p
			if c.signed == "-" {
				pp.UnsignedHeaders = []string{"content-length"}
			}
			e := explain(t, s, req, "", pp)
			has := strings.Contains(e.SignedHeaders, "content-length")
			want := c.signed != "" && c.signed != "-"
			if has != want {
				t.Fatalf("content-length signed = %v, want %v (%s)", has, want, e.SignedHeaders)
			}
			if want && !strings.Contains(e.CanonicalRequest, "\ncontent-length:"+c.signed+"\n") {
				t.Fatalf("canonical request lacks content-length:%s\n%s", c.signed, e.CanonicalRequest)
			}
			// What is signed must be what net/http sends.
			wire := writeWire(t, c.req(), s, pp)
			sent := strings.Contains(strings.ToLower(wire), "\r\ncontent-length: ")
			if want && !sent {
				t.Fatalf("content-length signed but not sent:\n%s", wire)
			}
			if want && !strings.Contains(wire, "Content-Length: "+c.signed+"\r\n") {
				t.Fatalf("sent a different content-length than signed:\n%s", wire)
			}
		})
	}
}

// writeWire signs req and returns what net/http writes for it.
func writeWire(t testing.TB, req *http.Request, s *Signer, p Params) string {
	t.Helper()
	if err := s.SignHTTP(req, testCreds, "", p); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHostPorts(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	for _, c := range []struct{ url, host string }{
		{"https://example.com:443/", "example.com"},
		{"http://example.com:80/", "example.com"},
		{"https://example.com:8443/", "example.com:8443"},
		{"https://example.com:80/", "example.com:80"},
		{"http://example.com:443/", "example.com:443"},
		{"http://127.0.0.1:9000/", "127.0.0.1:9000"},
		{"https://[::1]:443/", "[::1]"},
		{"https://[::1]:8443/", "[::1]:8443"},
	} {
		req := mustReq(t, "GET", c.url, nil)
		e := explain(t, s, req, "", p)
		if got := creqLine(e, 3); got != "host:"+c.host {
			t.Errorf("%s: %s, want host:%s", c.url, got, c.host)
		}
		// The Host header sent matches the signed host.
		wire := writeWire(t, mustReq(t, "GET", c.url, nil), s, p)
		if !strings.Contains(wire, "\r\nHost: "+c.host+"\r\n") {
			t.Errorf("%s: wire Host differs from signed host %s:\n%s", c.url, c.host, wire)
		}
	}
	// An explicit req.Host wins over URL.Host.
	req := mustReq(t, "GET", "https://10.0.0.5/", nil)
	req.Host = "api.example.com"
	if got := creqLine(explain(t, s, req, "", p), 3); got != "host:api.example.com" {
		t.Errorf("req.Host not used: %s", got)
	}
}

func TestSessionTokenModes(t *testing.T) {
	s := New(clockAt(t0))
	creds := testCreds
	creds.SessionToken = "tok/en+=="
	for _, mode := range []SessionTokenMode{TokenSigned, TokenAppendUnsigned, TokenOmit} {
		p := Params{Service: "iotdevicegateway", Region: "us-east-1", SessionToken: mode}
		req := mustReq(t, "GET", "https://h/mqtt", nil)
		if err := s.SignHTTP(req, creds, "", p); err != nil {
			t.Fatal(err)
		}
		sent := req.Header.Get("X-Amz-Security-Token")
		signed := strings.Contains(req.Header.Get("Authorization"), "x-amz-security-token")
		switch mode {
		case TokenSigned:
			if sent != creds.SessionToken || !signed {
				t.Errorf("signed: sent=%q signed=%v", sent, signed)
			}
		case TokenAppendUnsigned:
			if sent != creds.SessionToken || signed {
				t.Errorf("append-unsigned: sent=%q signed=%v", sent, signed)
			}
		case TokenOmit:
			if sent != "" || signed {
				t.Errorf("omit: sent=%q signed=%v", sent, signed)
			}
		}
		u, err := s.Presign(mustReq(t, "GET", "https://h/mqtt", nil), creds, "", p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		q := u.RawQuery
		tokIdx, sigIdx := strings.Index(q, "X-Amz-Security-Token="), strings.Index(q, "X-Amz-Signature=")
		_, exp, _ := s.ExplainPresign(mustReq(t, "GET", "https://h/mqtt", nil), creds, "", p, time.Hour)
		inCanonical := strings.Contains(exp.CanonicalRequest, "X-Amz-Security-Token=")
		switch mode {
		case TokenSigned:
			if tokIdx < 0 || tokIdx > sigIdx || !inCanonical {
				t.Errorf("presign signed: %s", q)
			}
		case TokenAppendUnsigned:
			if tokIdx < sigIdx || inCanonical || !strings.HasSuffix(q, "X-Amz-Security-Token="+UriEncode(creds.SessionToken, false)) {
				t.Errorf("presign append-unsigned (IoT): %s", q)
			}
		case TokenOmit:
			if tokIdx >= 0 || inCanonical {
				t.Errorf("presign omit: %s", q)
			}
		}
	}
}

func TestKeyCacheDayRollover(t *testing.T) {
	var now atomic.Pointer[time.Time]
	set := func(tm time.Time) { now.Store(&tm) }
	set(time.Date(2026, 1, 1, 23, 59, 59, 0, time.UTC))
	s := New(WithClock(func() time.Time { return *now.Load() }))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	sign := func() string {
		req := mustReq(t, "GET", "https://h/", nil)
		if err := s.SignHTTP(req, testCreds, "", p); err != nil {
			t.Fatal(err)
		}
		return req.Header.Get("Authorization")
	}
	a1 := sign()
	if !strings.Contains(a1, "/20260101/us-east-1/") {
		t.Fatalf("scope: %s", a1)
	}
	if n := s.cache.size(); n != 1 {
		t.Fatalf("cache size %d", n)
	}
	set(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	a2 := sign()
	if !strings.Contains(a2, "/20260102/us-east-1/") {
		t.Fatalf("new day did not get a new scope: %s", a2)
	}
	// The new key must be the one derived for the new date.
	want := hexHMAC(deriveSigningKey(testCreds.SecretAccessKey, "20260102", "us-east-1", "execute-api"), explain(t, s, signedAgainAt(t, s), "", p).StringToSign)
	if !strings.HasSuffix(a2, want) {
		t.Fatalf("signature after rollover is not from the 20260102 key")
	}
	// Local time zones do not matter: UTC midnight decides.
	loc := time.FixedZone("UTC+10", 10*3600)
	set(time.Date(2026, 1, 3, 9, 0, 0, 0, loc)) // 2026-01-02T23:00Z
	if a := sign(); !strings.Contains(a, "/20260102/") {
		t.Fatalf("local date leaked into the scope: %s", a)
	}
	// A rotated secret for the same access key gets a new key.
	rot := testCreds
	rot.SecretAccessKey = "another-secret"
	req := mustReq(t, "GET", "https://h/", nil)
	if err := s.SignHTTP(req, rot, "", p); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") == sign() {
		t.Fatal("rotated secret reused the old key")
	}
}

func signedAgainAt(t testing.TB, s *Signer) *http.Request {
	return mustReq(t, "GET", "https://h/", nil)
}

func hexHMAC(key []byte, msg string) string {
	return fmt.Sprintf("%x", hmacSHA256(key, msg))
}

// Many goroutines sign across a simulated UTC midnight; every signature must
// verify with the key of its own date. Run with -race.
func TestConcurrentSigningAcrossMidnight(t *testing.T) {
	var tick atomic.Int64
	base := time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC)
	s := New(WithClock(func() time.Time {
		// each call advances 1ms: the run straddles midnight
		return base.Add(time.Duration(tick.Add(1)) * time.Millisecond)
	}))
	p := Params{Service: "execute-api", Region: "eu-central-1"}
	lookup := func(string) (aws.Credentials, bool) { return testCreds, true }
	var wg sync.WaitGroup
	var days sync.Map
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				req := mustReq(t, "GET", "https://h.execute-api.eu-central-1.amazonaws.com/x?i=1", nil)
				if err := s.SignHTTP(req, testCreds, "", p); err != nil {
					errs <- err
					return
				}
				d, _ := ParseRequestTime(req.Header.Get("X-Amz-Date"))
				days.Store(d.Format("20060102"), true)
				if err := Verify(req, "", lookup, d); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := 0
	days.Range(func(any, any) bool { n++; return true })
	if n != 2 {
		t.Fatalf("expected signatures on both sides of midnight, saw %d dates", n)
	}
}

func TestRequestDateHeaders(t *testing.T) {
	s := New(WithClock(func() time.Time { t.Fatal("clock used although the request carries a date"); return time.Time{} }))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	for _, v := range []string{
		"Sun, 30 Aug 2015 12:36:00 GMT",  // IMF-fixdate
		"Sunday, 30-Aug-15 12:36:00 GMT", // RFC 850
		"Sun Aug 30 12:36:00 2015",       // asctime
	} {
		req := mustReq(t, "GET", "https://h/", nil)
		req.Header.Set("Date", v)
		if err := s.SignHTTP(req, testCreds, "", p); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if req.Header.Get("X-Amz-Date") != "" {
			t.Errorf("%q: X-Amz-Date added next to Date", v)
		}
		if !strings.Contains(req.Header.Get("Authorization"), "/20150830/") || !strings.Contains(req.Header.Get("Authorization"), "SignedHeaders=date;host") {
			t.Errorf("%q: %s", v, req.Header.Get("Authorization"))
		}
	}
	for _, v := range []string{"20150830T123600Z", "2015-08-30T12:36:00Z", "2015-08-30T14:36:00+02:00"} {
		req := mustReq(t, "GET", "https://h/", nil)
		req.Header.Set("X-Amz-Date", v)
		e := explain(t, s, req, "", p)
		if strings.Split(e.StringToSign, "\n")[1] != "20150830T123600Z" {
			t.Errorf("%q: string to sign date %q", v, strings.Split(e.StringToSign, "\n")[1])
		}
	}
	for _, v := range []string{"yesterday", "2015-13-01", "20150230T000000Z", ""} {
		req := mustReq(t, "GET", "https://h/", nil)
		req.Header["X-Amz-Date"] = []string{v}
		err := s.SignHTTP(req, testCreds, "", p)
		if !errors.Is(err, ErrBadDate) {
			t.Errorf("%q: want ErrBadDate, got %v", v, err)
		}
		if req.Header.Get("Authorization") != "" || req.Header.Get("X-Amz-Date") != v {
			t.Errorf("%q: request changed after a date error", v)
		}
	}
}

func TestPayloadHashValidation(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	for _, ph := range []string{"abc", strings.ToUpper(EmptyPayloadHash), "STREAMING-NOPE"} {
		if err := s.SignHTTP(mustReq(t, "GET", "https://h/", nil), testCreds, ph, p); !errors.Is(err, ErrPayloadHash) {
			t.Errorf("%q: want ErrPayloadHash, got %v", ph, err)
		}
	}
	for _, ph := range []string{UnsignedPayload, StreamingPayload, EmptyPayloadHash} {
		if err := s.SignHTTP(mustReq(t, "GET", "https://h/", nil), testCreds, ph, p); err != nil {
			t.Errorf("%q: %v", ph, err)
		}
	}
	// A conflicting x-amz-content-sha256 header is an error, not silently signed.
	req := mustReq(t, "PUT", "https://b.s3.amazonaws.com/k", []byte("x"))
	req.Header.Set("X-Amz-Content-Sha256", EmptyPayloadHash)
	if err := s.SignHTTP(req, testCreds, HashBytes([]byte("x")), Params{Service: "s3", Region: "us-east-1"}); !errors.Is(err, ErrPayloadHash) {
		t.Errorf("conflicting x-amz-content-sha256: %v", err)
	}
}

func TestMissingInputs(t *testing.T) {
	s := New(clockAt(t0))
	if err := s.SignHTTP(mustReq(t, "GET", "https://h/", nil), testCreds, "", Params{}); !errors.Is(err, ErrMissingScope) {
		t.Errorf("no params: %v", err)
	}
	if err := s.SignHTTP(mustReq(t, "GET", "https://h/", nil), aws.Credentials{}, "", Params{Service: "s", Region: "r"}); !errors.Is(err, ErrMissingCredentials) {
		t.Errorf("no creds: %v", err)
	}
	req := mustReq(t, "GET", "https://h/", nil)
	req.Host, req.URL.Host = "", ""
	if err := s.SignHTTP(req, testCreds, "", Params{Service: "s", Region: "r"}); !errors.Is(err, ErrNoHost) {
		t.Errorf("no host: %v", err)
	}
	req = mustReq(t, "GET", "https://h/?a=%zz", nil)
	if err := s.SignHTTP(req, testCreds, "", Params{Service: "s", Region: "r"}); !errors.Is(err, ErrBadEscape) {
		t.Errorf("bad escape: %v", err)
	}
}

func TestErrorsNeverContainTheSecret(t *testing.T) {
	secret := "SUPERSECRETSECRETSECRETSECRETSECRET0001"
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: secret, SessionToken: "tok"}
	s := New(clockAt(t0))
	var errs []error
	bad := mustReq(t, "GET", "https://h/?a=%zz", nil)
	errs = append(errs, s.SignHTTP(bad, creds, "", Params{Service: "s", Region: "r"}))
	d := mustReq(t, "GET", "https://h/", nil)
	d.Header.Set("X-Amz-Date", "nope")
	errs = append(errs, s.SignHTTP(d, creds, "", Params{Service: "s", Region: "r"}))
	_, err := s.Presign(mustReq(t, "GET", "https://h/", nil), creds, "", Params{Service: "s", Region: "r"}, 0)
	errs = append(errs, err)
	req := mustReq(t, "GET", "https://h/", nil)
	_ = s.SignHTTP(req, creds, "", Params{Service: "s", Region: "r"})
	errs = append(errs, Verify(req, "", func(string) (aws.Credentials, bool) {
		c := creds
		c.SecretAccessKey = "other"
		return c, true
	}, t0))
	exp, _ := s.Explain(mustReq(t, "GET", "https://h/", nil), creds, "", Params{Service: "s", Region: "r"})
	for _, e := range errs {
		if e == nil {
			t.Fatal("expected an error")
		}
		if strings.Contains(e.Error(), secret) || strings.Contains(fmt.Sprintf("%#v", e), secret) {
			t.Fatalf("error leaks the secret: %v", e)
		}
	}
	if strings.Contains(fmt.Sprintf("%#v", exp), secret) {
		t.Fatal("Explanation leaks the secret")
	}
	k, _ := NewSigningKey(creds, t0, "r", "s", SigningKeyOptions{})
	if strings.Contains(fmt.Sprintf("%#v", k), secret) {
		t.Fatal("SigningKey keeps the secret by default")
	}
}

func TestSignHTTPIsIdempotentOnResign(t *testing.T) {
	// Signing an already signed request for the same time yields the same
	// Authorization and does not duplicate headers.
	s := New(clockAt(t0))
	creds := testCreds
	creds.SessionToken = "tok"
	p := Params{Service: "s3", Region: "us-east-1"}
	req := mustReq(t, "PUT", "https://b.s3.amazonaws.com/k", []byte("data"))
	if err := s.SignHTTP(req, creds, HashBytes([]byte("data")), p); err != nil {
		t.Fatal(err)
	}
	first := req.Header.Clone()
	if err := s.SignHTTP(req, creds, HashBytes([]byte("data")), p); err != nil {
		t.Fatal(err)
	}
	for k, v := range req.Header {
		if len(v) != 1 || first.Get(k) != v[0] {
			t.Errorf("header %s changed on re-sign: %q → %q", k, first[k], v)
		}
	}
}

func TestCanonicalQueryHelper(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "",
		"b=2&a=1":                     "a=1&b=2",
		"a=1&&b=2&":                   "a=1&b=2",
		"v":                           "v=",
		"=x":                          "=x",
		"q=a+b&r=a%20b&s=a%2Bb":       "q=a%20b&r=a%20b&s=a%2Bb",
		"k=%7e&%41=~":                 "A=~&k=~",
		"a=b=c":                       "a=b%3Dc",
		"x=%E1%88%B4&y=%e1%88%b4":     "x=%E1%88%B4&y=%E1%88%B4",
		"a;b=c":                       "a%3Bb=c",
		"Param1=value2&Param1=Value1": "Param1=Value1&Param1=value2",
	} {
		got, err := CanonicalQuery(in)
		if err != nil || got != want {
			t.Errorf("CanonicalQuery(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestCanonicalURIRules(t *testing.T) {
	s := New(clockAt(t0))
	for _, c := range []struct {
		service, url, want string
		norm               Override
	}{
		{"execute-api", "https://h/a%20b", "/a%2520b", Auto},
		{"s3", "https://h/a%20b", "/a%20b", Auto},
		{"execute-api", "https://h/a/./b/../c//d/", "/a/c/d/", Auto},
		{"execute-api", "https://h/a/./b/../c//d/", "/a/./b/../c//d/", ForceOff},
		{"s3", "https://h/a/./b/../c//d/", "/a/./b/../c//d/", Auto},
		{"execute-api", "https://h", "/", Auto},
		{"s3", "https://h", "/", Auto},
		{"execute-api", "https://h/a/b/..", "/a", Auto},
		{"execute-api", "https://h/..", "/", Auto},
		{"lambda", "https://h/a=b:c@d", "/a%3Db%3Ac%40d", Auto},
		{"s3", "https://h/a=b:c@d", "/a%3Db%3Ac%40d", Auto},
		{"execute-api", "https://h/%E1%88%B4", "/%25E1%2588%25B4", Auto},
		{"s3", "https://h/%E1%88%B4", "/%E1%88%B4", Auto},
		{"s3", "https://h/a+b", "/a%2Bb", Auto},
		{"s3", "https://h/a~b*c", "/a~b%2Ac", Auto},
	} {
		e := explain(t, s, mustReq(t, "GET", c.url, nil), "", Params{Service: c.service, Region: "us-east-1", NormalizePath: c.norm})
		if got := creqLine(e, 1); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.service, c.url, got, c.want)
		}
	}
}

func TestZeroSignerUsable(t *testing.T) {
	var s Signer
	req := mustReq(t, "GET", "https://h/", nil)
	if err := s.SignHTTP(req, testCreds, "", apiParams); err != nil {
		t.Fatal(err)
	}
	if d, err := ParseRequestTime(req.Header.Get("X-Amz-Date")); err != nil || time.Since(d) > time.Minute {
		t.Fatalf("zero Signer date %q: %v", req.Header.Get("X-Amz-Date"), err)
	}
}
