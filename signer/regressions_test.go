package signer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// One test per row of the shared PEER-BUGS list (docs/sigv4-regressions.md
// maps row numbers to these names). Where the row has an external oracle,
// the test compares with aws-sdk-go-v2's signer (sdkAgrees) or relies on
// the AWS vectors; the wire-level tests send real requests to a verifying
// server.

// sdkAgrees signs two copies of req with ours and the SDK and requires equal
// Authorization headers.
func sdkAgrees(t *testing.T, mk func() *http.Request, p Params, ph string) string {
	t.Helper()
	a := mk()
	if err := New(clockAt(t0)).SignHTTP(a, testCreds, ph, p); err != nil {
		t.Fatal(err)
	}
	b := mk()
	if p.resolve().addSHA { // S3 and aoss clients add it before signing
		b.Header.Set("X-Amz-Content-Sha256", ph)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), testCreds, b, ph, p.Service, p.Region, t0, func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = IsS3Service(p.Service)
	}); err != nil {
		t.Fatal(err)
	}
	if x, y := a.Header.Get("Authorization"), b.Header.Get("Authorization"); x != y {
		t.Fatalf("ours and aws-sdk-go-v2 disagree:\n ours %s\n sdk  %s", x, y)
	}
	return a.Header.Get("Authorization")
}

func canonicalOf(t *testing.T, req *http.Request, p Params) []string {
	t.Helper()
	return strings.Split(explain(t, New(clockAt(t0)), req, "", p).CanonicalRequest, "\n")
}

// Row 1: query parameters must be sorted before signing.
func TestRegression01_QuerySorted(t *testing.T) {
	mk := func() *http.Request { return mustReq(t, "GET", "https://h/p?zeta=1&alpha=2&Mid=3&mid=4", nil) }
	if got := canonicalOf(t, mk(), apiParams)[2]; got != "Mid=3&alpha=2&mid=4&zeta=1" {
		t.Fatalf("canonical query %q", got)
	}
	sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
}

// Row 2: a valueless parameter canonicalises as "v=".
func TestRegression02_ValuelessParam(t *testing.T) {
	for raw, want := range map[string]string{"v": "v=", "versioning": "versioning=", "acl&uploads": "acl=&uploads=", "lifecycle=": "lifecycle="} {
		mk := func() *http.Request { return mustReq(t, "GET", "https://b.s3.amazonaws.com/?"+raw, nil) }
		if got := canonicalOf(t, mk(), Params{Service: "s3", Region: "us-east-1"})[2]; got != want {
			t.Errorf("?%s → %q, want %q", raw, got, want)
		}
		sdkAgrees(t, mk, Params{Service: "s3", Region: "us-east-1"}, EmptyPayloadHash)
	}
}

// Row 3: space, '/', ':' in values; '+' is never written for a space.
func TestRegression03_QueryReservedChars(t *testing.T) {
	mk := func() *http.Request {
		return mustReq(t, "GET", "https://h/?q=a%20b&form=a+b&path=a/b&time=12:30&lit=a%2Bb", nil)
	}
	want := "form=a%20b&lit=a%2Bb&path=a%2Fb&q=a%20b&time=12%3A30"
	if got := canonicalOf(t, mk(), apiParams)[2]; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
}

// Row 4: an already percent-encoded value is not encoded again.
func TestRegression04_NoDoubleEncodedQuery(t *testing.T) {
	mk := func() *http.Request {
		return mustReq(t, "GET", "https://h/?token=a%3Db%3D&redirect=https%3A%2F%2Fx", nil)
	}
	got := canonicalOf(t, mk(), apiParams)[2]
	if got != "redirect=https%3A%2F%2Fx&token=a%3Db%3D" || strings.Contains(got, "%25") {
		t.Fatalf("got %q", got)
	}
	// Not even for services whose path is double encoded.
	sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
}

// Row 5: '*' in the URL (OpenSearch index patterns).
func TestRegression05_Asterisk(t *testing.T) {
	p := Params{Service: "es", Region: "us-west-2"}
	mk := func() *http.Request {
		return mustReq(t, "GET", "https://search-d.us-west-2.es.amazonaws.com/logs-*/_search?index=logs-*&q=*:*", nil)
	}
	c := canonicalOf(t, mk(), p)
	if c[1] != "/logs-%2A/_search" || c[2] != "index=logs-%2A&q=%2A%3A%2A" {
		t.Fatalf("path %q query %q", c[1], c[2])
	}
	sdkAgrees(t, mk, p, EmptyPayloadHash)
}

// Row 6: duplicate keys sort by value (also the aws4_testsuite
// get-vanilla-query-order-key/-value vectors).
func TestRegression06_DuplicateKeysSortByValue(t *testing.T) {
	mk := func() *http.Request { return mustReq(t, "GET", "https://h/?k=b&k=a&k=B&k=&j=z", nil) }
	if got := canonicalOf(t, mk(), apiParams)[2]; got != "j=z&k=&k=B&k=a&k=b" {
		t.Fatalf("got %q", got)
	}
	sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
}

// Row 7: '=' and ':' in S3 keys and Lambda function URL paths.
func TestRegression07_EqualsAndColonInPath(t *testing.T) {
	s3p := Params{Service: "s3", Region: "us-east-1"}
	req := mustReq(t, "GET", "https://b.s3.amazonaws.com/year=2024/t:12:00.json", nil)
	if got := canonicalOf(t, req, s3p)[1]; got != "/year%3D2024/t%3A12%3A00.json" {
		t.Fatalf("s3 canonical %q", got)
	}
	// S3 receives exactly what was signed.
	wire := writeWire(t, mustReq(t, "GET", "https://b.s3.amazonaws.com/year=2024/t:12:00.json", nil), New(clockAt(t0)), s3p)
	if !strings.HasPrefix(wire, "GET /year%3D2024/t%3A12%3A00.json HTTP/1.1") {
		t.Fatalf("s3 wire: %s", wire[:60])
	}
	lp := Params{Service: "lambda", Region: "us-east-2"}
	mk := func() *http.Request { return mustReq(t, "POST", "https://x.lambda-url.us-east-2.on.aws/a=b:c", nil) }
	if got := canonicalOf(t, mk(), lp)[1]; got != "/a%3Db%3Ac" {
		t.Fatalf("lambda canonical %q", got)
	}
	sdkAgrees(t, mk, lp, EmptyPayloadHash)
}

// Row 8: S3 encodes the path once, every other service twice.
func TestRegression08_S3SingleOthersDouble(t *testing.T) {
	mk := func() *http.Request { return mustReq(t, "GET", "https://h/a%20b/c%40d", nil) }
	if got := canonicalOf(t, mk(), Params{Service: "s3", Region: "us-east-1"})[1]; got != "/a%20b/c%40d" {
		t.Fatalf("s3: %q", got)
	}
	for _, svc := range []string{"execute-api", "lambda", "es", "aoss"} {
		p := Params{Service: svc, Region: "us-east-1"}
		if got := canonicalOf(t, mk(), p)[1]; got != "/a%2520b/c%2540d" {
			t.Fatalf("%s: %q", svc, got)
		}
		sdkAgrees(t, mk, p, EmptyPayloadHash)
	}
	sdkAgrees(t, mk, Params{Service: "s3", Region: "us-east-1"}, EmptyPayloadHash)
}

// Row 9: '+' in an S3 key is sent and signed as %2B.
func TestRegression09_S3PlusAsPercent2B(t *testing.T) {
	p := Params{Service: "s3", Region: "us-east-1"}
	req := mustReq(t, "PUT", "https://b.s3.amazonaws.com/a+b c.txt", []byte("x"))
	if got := canonicalOf(t, req, p)[1]; got != "/a%2Bb%20c.txt" {
		t.Fatalf("canonical %q", got)
	}
	wire := writeWire(t, mustReq(t, "PUT", "https://b.s3.amazonaws.com/a+b c.txt", []byte("x")), New(clockAt(t0)), p)
	if !strings.HasPrefix(wire, "PUT /a%2Bb%20c.txt HTTP/1.1") {
		t.Fatalf("wire request line: %q", wire[:40])
	}
	// Presigned URLs too.
	u, err := New(clockAt(t0)).Presign(mustReq(t, "GET", "https://b.s3.amazonaws.com/a+b", nil), testCreds, "", p, time.Hour)
	if err != nil || u.EscapedPath() != "/a%2Bb" {
		t.Fatalf("presigned path %q %v", u.EscapedPath(), err)
	}
}

// Row 10: an empty path canonicalises as "/".
func TestRegression10_EmptyPathIsSlash(t *testing.T) {
	for _, raw := range []string{"https://h", "https://h?x=1", "https://h/"} {
		for _, svc := range []string{"execute-api", "s3"} {
			p := Params{Service: svc, Region: "us-east-1"}
			mk := func() *http.Request { return mustReq(t, "GET", raw, nil) }
			if got := canonicalOf(t, mk(), p)[1]; got != "/" {
				t.Fatalf("%s %s: %q", svc, raw, got)
			}
			sdkAgrees(t, mk, p, EmptyPayloadHash)
		}
	}
}

// verifyingServer verifies every request against the body it received.
type verifyingServer struct {
	*httptest.Server
	mu   sync.Mutex
	errs []error
	hdrs []http.Header
	p    Params
}

func newVerifyingServer(t *testing.T, creds aws.Credentials, p Params, now func() time.Time) *verifyingServer {
	vs := &verifyingServer{p: p}
	vs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := Verify(r, HashBytes(body), func(string) (aws.Credentials, bool) { return creds, true }, now(),
			VerifyOptions{Service: p.Service})
		vs.mu.Lock()
		vs.errs = append(vs.errs, err)
		vs.hdrs = append(vs.hdrs, r.Header.Clone())
		vs.mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
		}
	}))
	t.Cleanup(vs.Close)
	return vs
}

func (vs *verifyingServer) lastErr() error {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if len(vs.errs) == 0 {
		return errors.New("no request arrived")
	}
	return vs.errs[len(vs.errs)-1]
}

func transportClient(creds aws.Credentials, p Params, now time.Time) *http.Client {
	return &http.Client{Transport: &Transport{
		Signer:      New(clockAt(now)),
		Credentials: aws.NewCredentialsCache(credsProvider{creds}),
		Params:      &p,
	}}
}

type credsProvider struct{ c aws.Credentials }

func (p credsProvider) Retrieve(context.Context) (aws.Credentials, error) { return p.c, nil }

// Row 11: the payload hash covers the body actually sent (the Transport
// hashes the body at send time via GetBody, after any templating).
func TestRegression11_PayloadHashCoversSentBody(t *testing.T) {
	vs := newVerifyingServer(t, testCreds, apiParams, func() time.Time { return t0 })
	c := transportClient(testCreds, apiParams, t0)
	tmpl := `{"user":"${name}"}`
	body := strings.ReplaceAll(tmpl, "${name}", "ada")
	resp, err := c.Post(vs.URL+"/users", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := vs.lastErr(); err != nil {
		t.Fatalf("server rejected: %v", err)
	}
	// And a hash of the unsubstituted template is caught by the server.
	req := mustReq(t, "POST", vs.URL+"/users", []byte(body))
	_ = New(clockAt(t0)).SignHTTP(req, testCreds, HashBytes([]byte(tmpl)), apiParams)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var me *MismatchError
	if !errors.As(vs.lastErr(), &me) {
		t.Fatalf("stale payload hash accepted: %v", vs.lastErr())
	}
	if d := Diagnose(explain(t, New(clockAt(t0)), mustReq(t, "POST", vs.URL+"/users", []byte(body)), HashBytes([]byte(tmpl)), apiParams),
		&ServerExpectation{CanonicalRequest: me.CanonicalRequest, StringToSign: me.StringToSign}); d.Category != "payload" {
		t.Fatalf("diagnosis: %s", d.Cause)
	}
}

// Row 12: a form body is hashed as sent (encoded), not before encoding.
func TestRegression12_FormBodyHashedAsSent(t *testing.T) {
	vs := newVerifyingServer(t, testCreds, apiParams, func() time.Time { return t0 })
	c := transportClient(testCreds, apiParams, t0)
	form := url.Values{"name": {"a b&c"}, "x": {"ሴ", "+"}}
	resp, err := c.PostForm(vs.URL+"/form", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := vs.lastErr(); err != nil {
		t.Fatalf("form rejected: %v", err)
	}
}

// Row 13: multipart bodies (boundary in a signed Content-Type) sign correctly.
func TestRegression13_MultipartBody(t *testing.T) {
	vs := newVerifyingServer(t, testCreds, apiParams, func() time.Time { return t0 })
	c := transportClient(testCreds, apiParams, t0)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "a.bin")
	fw.Write(bytes.Repeat([]byte{0, 1, 2, 255}, 1000))
	mw.WriteField("note", "hello")
	mw.Close()
	resp, err := c.Post(vs.URL+"/upload", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := vs.lastErr(); err != nil {
		t.Fatalf("multipart rejected: %v", err)
	}
	if !strings.Contains(vs.hdrs[0].Get("Authorization"), "content-type") {
		t.Fatal("content-type (with the boundary) not signed")
	}
}

// Row 14: x-amz-content-sha256 for S3 and OpenSearch Serverless.
func TestRegression14_ContentSHA256Header(t *testing.T) {
	s := New(clockAt(t0))
	for svc, want := range map[string]bool{"s3": true, "s3express": true, "s3-outposts": true, "s3-object-lambda": true, "aoss": true, "execute-api": false, "es": false} {
		body := []byte("doc")
		req := mustReq(t, "PUT", "https://h/x", body)
		if err := s.SignHTTP(req, testCreds, HashBytes(body), Params{Service: svc, Region: "us-east-1"}); err != nil {
			t.Fatal(err)
		}
		got := req.Header.Get("X-Amz-Content-Sha256")
		signed := strings.Contains(req.Header.Get("Authorization"), "x-amz-content-sha256")
		if want && (got != HashBytes(body) || !signed) || !want && (got != "" || signed) {
			t.Errorf("%s: header %q signed %v", svc, got, signed)
		}
	}
	req := mustReq(t, "GET", "https://h/x", nil)
	_ = s.SignHTTP(req, testCreds, "", Params{Service: "execute-api", Region: "us-east-1", ContentSHA256Header: ForceOn})
	if req.Header.Get("X-Amz-Content-Sha256") != EmptyPayloadHash {
		t.Error("ForceOn did not add the header")
	}
	req = mustReq(t, "GET", "https://b.s3.amazonaws.com/x", nil)
	_ = s.SignHTTP(req, testCreds, UnsignedPayload, Params{Service: "s3", Region: "us-east-1"})
	if req.Header.Get("X-Amz-Content-Sha256") != UnsignedPayload {
		t.Error("UNSIGNED-PAYLOAD not carried in the header")
	}
}

// Row 15: a header that is never sent (Expect: 100-continue) is never
// signed; neither are hop-by-hop or mutable headers.
func TestRegression15_UnsentHeadersNotSigned(t *testing.T) {
	req := mustReq(t, "PUT", "https://h/x", []byte("body"))
	for _, h := range []string{"Expect", "Connection", "User-Agent", "X-Amzn-Trace-Id", "Transfer-Encoding", "Keep-Alive", "Te", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Connection"} {
		req.Header.Set(h, "x")
	}
	req.Header.Set("Expect", "100-continue")
	e := explain(t, New(clockAt(t0)), req, "", apiParams)
	if e.SignedHeaders != "content-length;host;x-amz-date" {
		t.Fatalf("signed headers: %s", e.SignedHeaders)
	}
	// Over the wire, with Expect: 100-continue handled by net/http.
	vs := newVerifyingServer(t, testCreds, apiParams, func() time.Time { return t0 })
	c := transportClient(testCreds, apiParams, t0)
	r2 := mustReq(t, "PUT", vs.URL+"/x", []byte("body"))
	r2.Header.Set("Expect", "100-continue")
	resp, err := c.Do(r2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := vs.lastErr(); err != nil {
		t.Fatal(err)
	}
}

// Row 16: repeated header names merge in order (vector get-header-key-duplicate).
func TestRegression16_RepeatedHeadersInOrder(t *testing.T) {
	mk := func() *http.Request {
		r := mustReq(t, "GET", "https://h/", nil)
		r.Header.Add("My-Header1", "value2")
		r.Header.Add("My-Header1", "value2")
		r.Header.Add("My-Header1", "value1")
		return r
	}
	if got := canonicalOf(t, mk(), apiParams)[4]; got != "my-header1:value2,value2,value1" {
		t.Fatalf("got %q", got)
	}
	sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
	// Two spellings of one name merge in net/http's wire order.
	r := mustReq(t, "GET", "https://h/", nil)
	r.Header["X-Dup"] = []string{"upper"}
	r.Header["x-dup"] = []string{"lower"}
	if got := canonicalOf(t, r, apiParams)[5]; got != "x-dup:upper,lower" {
		t.Fatalf("mixed spellings: %q", got)
	}
}

// Row 17: canonical order of names sharing a prefix.
func TestRegression17_HeaderPrefixOrder(t *testing.T) {
	mk := func() *http.Request {
		r := mustReq(t, "GET", "https://h/", nil)
		for _, n := range []string{"X-Ab", "X-A-B", "X-A", "X-A_b", "X-Amz-Meta-B", "X-Amz-Meta-A", "X-Amz-Metaa"} {
			r.Header.Set(n, "v")
		}
		return r
	}
	e := explain(t, New(clockAt(t0)), mk(), "", apiParams)
	if e.SignedHeaders != "host;x-a;x-a-b;x-a_b;x-ab;x-amz-date;x-amz-meta-a;x-amz-meta-b;x-amz-metaa" {
		t.Fatalf("order: %s", e.SignedHeaders)
	}
	sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
}

// Row 18: content-length signed exactly when sent (see TestContentLengthRule
// for the table); here against aws-sdk-go-v2 with a body and a real server.
func TestRegression18_ContentLengthSignedIffSent(t *testing.T) {
	mk := func() *http.Request { return mustReq(t, "POST", "https://h/", []byte("0123456789")) }
	if a := sdkAgrees(t, mk, apiParams, HashBytes([]byte("0123456789"))); !strings.Contains(a, "content-length;") {
		t.Fatal("content-length not signed with a body")
	}
	vs := newVerifyingServer(t, testCreds, apiParams, func() time.Time { return t0 })
	c := transportClient(testCreds, apiParams, t0)
	for _, body := range []io.Reader{nil, strings.NewReader(""), strings.NewReader("abc"), io.MultiReader(strings.NewReader("unknown length"))} {
		req, _ := http.NewRequest("POST", vs.URL+"/cl", body)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := vs.lastErr(); err != nil {
			t.Fatalf("body %T: %v", body, err)
		}
	}
}

// Row 19: presigned URLs sign only host plus headers the caller set; no
// client-internal headers leak into X-Amz-SignedHeaders.
func TestRegression19_PresignSignsOnlyCallerHeaders(t *testing.T) {
	req := mustReq(t, "GET", "https://b.s3.amazonaws.com/k", nil)
	req.Header.Set("User-Agent", "sigrun/1.0")
	req.Header.Set("X-Amzn-Trace-Id", "Root=1-x")
	before := req.Header.Clone()
	u, err := New(clockAt(t0)).Presign(req, testCreds, "", Params{Service: "s3", Region: "us-east-1"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("X-Amz-SignedHeaders"); got != "host" {
		t.Fatalf("X-Amz-SignedHeaders = %q", got)
	}
	if len(req.Header) != len(before) {
		t.Fatalf("Presign added headers to the request: %v", req.Header)
	}
	// A header the caller does set is signed (and must be sent by the URL's user).
	req.Header.Set("X-Amz-Server-Side-Encryption", "AES256")
	u, _ = New(clockAt(t0)).Presign(req, testCreds, "", Params{Service: "s3", Region: "us-east-1"}, time.Hour)
	if got := u.Query().Get("X-Amz-SignedHeaders"); got != "host;x-amz-server-side-encryption" {
		t.Fatalf("X-Amz-SignedHeaders = %q", got)
	}
}

// Row 20: custom domains: service and region must be set, never guessed.
func TestRegression20_CustomDomainNeedsExplicitParams(t *testing.T) {
	_, err := InferParams("api.example.com")
	if !errors.Is(err, ErrCannotInfer) || !strings.Contains(err.Error(), "set service and region explicitly") {
		t.Fatalf("InferParams(custom domain) = %v", err)
	}
	// Transport without Params refuses rather than guessing.
	c := &http.Client{Transport: &Transport{Credentials: credsProvider{testCreds}, Base: failRT{t}}}
	_, err = c.Get("https://api.example.com/prod")
	if !errors.Is(err, ErrCannotInfer) {
		t.Fatalf("Transport: %v", err)
	}
	// Explicit params sign the custom host with execute-api.
	req := mustReq(t, "GET", "https://api.example.com/prod", nil)
	if err := New(clockAt(t0)).SignHTTP(req, testCreds, "", apiParams); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(req.Header.Get("Authorization"), "/us-east-1/execute-api/aws4_request") {
		t.Fatal(req.Header.Get("Authorization"))
	}
}

type failRT struct{ t *testing.T }

func (f failRT) RoundTrip(*http.Request) (*http.Response, error) {
	f.t.Fatal("request must not be sent")
	return nil, nil
}

// Row 21: non-default ports stay in the signed host, default ports go.
func TestRegression21_HostPort(t *testing.T) {
	for _, raw := range []string{"https://h:443/", "http://h:80/", "https://h:8443/", "http://h:8080/", "https://h:80/"} {
		mk := func() *http.Request { return mustReq(t, "GET", raw, nil) }
		sdkAgrees(t, mk, apiParams, EmptyPayloadHash)
	}
	TestHostPorts(t)
}

// Row 22: the session token goes where the mode says (and is never ignored).
func TestRegression22_SessionTokenPlacement(t *testing.T) {
	TestSessionTokenModes(t)
	creds := testCreds
	creds.SessionToken = "FwoGZXIvYXdzE//+=="
	mk := func() *http.Request { return mustReq(t, "GET", "https://h/", nil) }
	a := mk()
	_ = New(clockAt(t0)).SignHTTP(a, creds, "", apiParams)
	b := mk()
	_ = v4.NewSigner().SignHTTP(context.Background(), creds, b, EmptyPayloadHash, "execute-api", "us-east-1", t0)
	if a.Header.Get("Authorization") != b.Header.Get("Authorization") || a.Header.Get("X-Amz-Security-Token") != creds.SessionToken {
		t.Fatalf("token handling differs from aws-sdk-go-v2")
	}
	// Over the wire: the server sees and verifies the signed token.
	vs := newVerifyingServer(t, creds, apiParams, func() time.Time { return t0 })
	resp, err := transportClient(creds, apiParams, t0).Get(vs.URL + "/t")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := vs.lastErr(); err != nil || vs.hdrs[0].Get("X-Amz-Security-Token") != creds.SessionToken {
		t.Fatalf("token over the wire: %v", err)
	}
}

// Row 24: no "//" surprise between host and key in presigned URLs: the path
// signed is the path in the URL, whatever it is.
func TestRegression24_PresignDoubleSlash(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "s3", Region: "us-east-1"}
	for _, raw := range []string{"https://b.s3.amazonaws.com/key", "https://b.s3.amazonaws.com//key", "https://s3.amazonaws.com/b/dir//file"} {
		u, exp, err := s.ExplainPresign(mustReq(t, "GET", raw, nil), testCreds, "", p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Split(exp.CanonicalRequest, "\n")[1]; got != u.EscapedPath() {
			t.Fatalf("%s: signed path %q, URL path %q", raw, got, u.EscapedPath())
		}
		if !strings.Contains(u.String(), "amazonaws.com"+u.EscapedPath()+"?") {
			t.Fatalf("%s: URL %s", raw, u)
		}
		r := mustReq(t, "GET", u.String(), nil)
		if err := Verify(r, "", lookupTest, t0); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
}

// Row 25: a presigned URL survives being printed, parsed and sent.
func TestRegression25_PresignedURLSurvivesReparse(t *testing.T) {
	creds := testCreds
	creds.SessionToken = "IQoJb3/+=token"
	s := New(clockAt(t0))
	p := Params{Service: "s3", Region: "us-east-1"}
	u, err := s.Presign(mustReq(t, "GET", "https://b.s3.amazonaws.com/a b/ሴ+x?response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22", nil), creds, "", p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(string) (aws.Credentials, bool) { return creds, true }
	for i, text := range []string{u.String(), mustParse(t, u.String()).String(), mustParse(t, mustParse(t, u.String()).String()).String()} {
		req, err := http.NewRequest("GET", text, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(req, "", lookup, t0); err != nil {
			t.Fatalf("round %d: %v\n%s", i, err, text)
		}
		// and as a server reads it off the wire
		var buf bytes.Buffer
		req.Write(&buf)
		sreq, err := http.ReadRequest(bufioReader(&buf))
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(sreq, "", lookup, t0); err != nil {
			t.Fatalf("round %d over the wire: %v", i, err)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Row 28: a user-supplied X-Amz-Date is signed for and sent once.
func TestRegression28_UserAmzDateOnce(t *testing.T) {
	s := New(WithClock(func() time.Time { return t0.Add(time.Hour) }))
	for _, key := range []string{"X-Amz-Date", "x-amz-date"} {
		req := mustReq(t, "GET", "https://h/", nil)
		req.Header[key] = []string{"20150830T123600Z"}
		wire := writeWire(t, req, s, apiParams)
		if n := strings.Count(strings.ToLower(wire), "\r\nx-amz-date:"); n != 1 {
			t.Fatalf("%s: X-Amz-Date sent %d times:\n%s", key, n, wire)
		}
		if !strings.Contains(req.Header.Get("Authorization"), "/20150830/") {
			t.Fatalf("%s: not signed for the user's date", key)
		}
	}
	req := mustReq(t, "GET", "https://h/", nil)
	req.Header["X-Amz-Date"] = []string{"20150830T123600Z", "20150830T123601Z"}
	if err := s.SignHTTP(req, testCreds, "", apiParams); !errors.Is(err, ErrDuplicateDate) {
		t.Fatalf("two X-Amz-Date values: %v", err)
	}
}

// Row 30: credentials are never forwarded to another host on redirect.
func TestRegression30_NoSignatureToOtherHostOnRedirect(t *testing.T) {
	var mu sync.Mutex
	var seen http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = r.Header.Clone()
		mu.Unlock()
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	}))
	defer origin.Close()
	creds := testCreds
	creds.SessionToken = "secret-session-token"

	// 1. Transport: the hop to the other host is sent without credentials.
	c := transportClient(creds, apiParams, time.Now())
	resp, err := c.Get(origin.URL + "/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	if seen.Get("Authorization") != "" || seen.Get("X-Amz-Security-Token") != "" {
		t.Fatalf("Transport forwarded credentials: %v", seen)
	}
	seen = nil
	mu.Unlock()

	// 2. Hand-signed request with the CheckRedirect helper.
	req := mustReq(t, "GET", origin.URL+"/start", nil)
	_ = New().SignHTTP(req, creds, "", apiParams)
	hc := &http.Client{CheckRedirect: CheckRedirect}
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if seen.Get("Authorization") != "" || seen.Get("X-Amz-Security-Token") != "" {
		t.Fatalf("CheckRedirect forwarded credentials: %v", seen)
	}
}
