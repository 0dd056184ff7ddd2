package signer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func lookupTest(id string) (aws.Credentials, bool) {
	if id == testCreds.AccessKeyID {
		return testCreds, true
	}
	return aws.Credentials{}, false
}

// serverSide sends req through a real HTTP server and returns the error
// Verify reports there.
func serverSide(t *testing.T, req *http.Request, opts ...VerifyOptions) error {
	t.Helper()
	var got error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = Verify(r, HashBytes(body), lookupTest, t0, opts...)
	}))
	defer srv.Close()
	// Send to the test server but keep the signed Host.
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	req.URL.Host = strings.TrimPrefix(srv.URL, "http://")
	req.URL.Scheme = "http"
	req.Host = host
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return got
}

func signed(t *testing.T, method, url string, body []byte, p Params) *http.Request {
	t.Helper()
	req := mustReq(t, method, url, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Custom", "  a   b ")
	if err := New(clockAt(t0)).SignHTTP(req, testCreds, HashBytes(body), p); err != nil {
		t.Fatal(err)
	}
	return req
}

var apiParams = Params{Service: "execute-api", Region: "us-east-1"}

func TestVerifyRoundTrip(t *testing.T) {
	for _, c := range []struct{ method, url string }{
		{"GET", "http://abc.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1&a=0&v"},
		{"POST", "http://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b/ሴ?q=a+b"},
		{"PUT", "http://abc.execute-api.us-east-1.amazonaws.com:8080/x/./y/../z"},
	} {
		req := signed(t, c.method, c.url, []byte(`{"k":"v"}`), apiParams)
		if err := serverSide(t, req); err != nil {
			t.Errorf("%s %s: %v", c.method, c.url, err)
		}
	}
}

func TestVerifyTampered(t *testing.T) {
	body := []byte(`{"k":"v"}`)
	cases := []struct {
		name   string
		tamper func(r *http.Request)
		shows  string // the server's canonical request must show this
	}{
		{"header", func(r *http.Request) { r.Header.Set("X-Custom", "evil") }, "x-custom:evil"},
		{"query", func(r *http.Request) { r.URL.RawQuery = "a=2" }, "\na=2\n"},
		{"path", func(r *http.Request) { r.URL.Path = "/prod/other" }, "\n/prod/other\n"},
		{"body hash", func(r *http.Request) { r.Body = io.NopCloser(bytes.NewReader([]byte(`{"k":"w"}`))) }, HashBytes([]byte(`{"k":"w"}`))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := signed(t, "POST", "http://abc.execute-api.us-east-1.amazonaws.com/prod/items?a=1", body, apiParams)
			c.tamper(req)
			err := serverSide(t, req)
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("want *MismatchError, got %v", err)
			}
			if !strings.Contains(me.CanonicalRequest, c.shows) {
				t.Fatalf("server canonical request does not show %q:\n%s", c.shows, me.CanonicalRequest)
			}
			if !strings.HasPrefix(me.Error(), apigwMismatchPrefix) {
				t.Fatalf("message is not API Gateway's: %q", me.Error())
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	req := mustReq(t, "GET", "http://h/", nil)
	if err := Verify(req, "", lookupTest, t0); !errors.Is(err, ErrMissingAuthentication) || err.Error() != "Missing Authentication Token" {
		t.Errorf("no auth: %v", err)
	}
	other := aws.Credentials{AccessKeyID: "AKIDOTHER", SecretAccessKey: "x"}
	req = mustReq(t, "GET", "http://h/", nil)
	_ = New(clockAt(t0)).SignHTTP(req, other, "", apiParams)
	if err := Verify(req, "", lookupTest, t0); !errors.Is(err, ErrUnknownAccessKey) {
		t.Errorf("unknown key: %v", err)
	}
	// wrong secret → mismatch
	req = signed(t, "GET", "http://h/", nil, apiParams)
	wrong := func(string) (aws.Credentials, bool) {
		c := testCreds
		c.SecretAccessKey = "not-the-secret"
		return c, true
	}
	var me *MismatchError
	if err := Verify(req, "", wrong, t0); !errors.As(err, &me) {
		t.Errorf("wrong secret: %v", err)
	}
	// date window
	req = signed(t, "GET", "http://h/", nil, apiParams)
	var dw *DateWindowError
	err := Verify(req, EmptyPayloadHash, lookupTest, t0.Add(16*time.Minute))
	if !errors.As(err, &dw) || !errors.Is(err, ErrSignatureExpired) || !strings.HasPrefix(err.Error(), "Signature expired: 20150830T123600Z is now earlier than") {
		t.Errorf("expired: %v", err)
	}
	if err := Verify(req, EmptyPayloadHash, lookupTest, t0.Add(-16*time.Minute)); !errors.Is(err, ErrSignatureNotYetCurrent) {
		t.Errorf("not yet current: %v", err)
	}
	if err := Verify(req, EmptyPayloadHash, lookupTest, t0.Add(14*time.Minute)); err != nil {
		t.Errorf("inside the window: %v", err)
	}
	if err := Verify(req, EmptyPayloadHash, lookupTest, t0.Add(6*time.Minute), VerifyOptions{MaxSkew: 5 * time.Minute}); !errors.Is(err, ErrSignatureExpired) {
		t.Errorf("custom window: %v", err)
	}
	// scope checks
	if err := Verify(req, EmptyPayloadHash, lookupTest, t0, VerifyOptions{Region: "eu-west-1", Service: "execute-api"}); !errors.Is(err, ErrScope) {
		t.Errorf("region scope: %v", err)
	}
	// malformed
	for _, v := range []string{"AWS4-HMAC-SHA256", "Bearer x", "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/execute-api/aws4_request, Signature=00"} {
		r := signed(t, "GET", "http://h/", nil, apiParams)
		r.Header.Set("Authorization", v)
		if err := Verify(r, "", lookupTest, t0); !errors.Is(err, ErrMalformedAuthorization) {
			t.Errorf("%q: %v", v, err)
		}
	}
}

// Requests signed by aws-sdk-go-v2 (an independent oracle) are accepted.
func TestVerifyAcceptsSDKSignedRequests(t *testing.T) {
	sdk := v4.NewSigner()
	for _, c := range []struct {
		method, url string
		body        []byte
		s3          bool
	}{
		{"GET", "http://abc.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1&q=a%20b", nil, false},
		{"POST", "http://abc.execute-api.us-east-1.amazonaws.com/prod/x%20y", []byte("payload"), false},
		{"PUT", "http://bucket.s3.us-east-1.amazonaws.com/key%2Bwith%20space", []byte("data"), true},
	} {
		req := mustReq(t, c.method, c.url, c.body)
		req.Header.Set("X-Amz-Meta-A", "  x  ")
		svc := "execute-api"
		if c.s3 {
			svc = "s3"
			req.Header.Set("X-Amz-Content-Sha256", HashBytes(c.body))
		}
		creds := testCreds
		creds.SessionToken = "sdk-token"
		err := sdk.SignHTTP(context.Background(), creds, req, HashBytes(c.body), svc, "us-east-1", t0, func(o *v4.SignerOptions) {
			o.DisableURIPathEscaping = c.s3
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := serverSide(t, req); err != nil {
			t.Errorf("%s %s: SDK-signed request rejected: %v", c.method, c.url, err)
		}
	}
}

func TestVerifyPresigned(t *testing.T) {
	s := New(clockAt(t0))
	creds := testCreds
	creds.SessionToken = "to/k+en="
	p := Params{Service: "s3", Region: "us-east-1"}
	u, err := s.Presign(mustReq(t, "GET", "http://bucket.s3.amazonaws.com/a+b/c d?versionId=1", nil), creds, "", p, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(string) (aws.Credentials, bool) { return creds, true }
	req := mustReq(t, "GET", u.String(), nil)
	if err := Verify(req, "", lookup, t0.Add(5*time.Minute)); err != nil {
		t.Fatalf("presigned: %v\n%s", err, u)
	}
	if err := Verify(req, "", lookup, t0.Add(11*time.Minute)); !errors.Is(err, ErrSignatureExpired) {
		t.Fatalf("presigned after expiry: %v", err)
	}
	if err := Verify(req, "", lookup, t0, VerifyOptions{DisallowPresigned: true}); !errors.Is(err, ErrMissingAuthentication) {
		t.Fatalf("presign disallowed: %v", err)
	}
	tampered := mustReq(t, "GET", strings.Replace(u.String(), "versionId=1", "versionId=2", 1), nil)
	var me *MismatchError
	if err := Verify(tampered, "", lookup, t0); !errors.As(err, &me) {
		t.Fatalf("tampered presigned: %v", err)
	}
}

func TestVerifySigV4A(t *testing.T) {
	s := New(clockAt(t0))
	p := Params{Service: "s3", Region: "us-east-1,us-west-2", Algorithm: SigV4A}
	req := mustReq(t, "GET", "http://mrap.accesspoint.s3-global.amazonaws.com/key", nil)
	if err := s.SignHTTP(req, testCreds, "", p); err != nil {
		t.Fatal(err)
	}
	if err := serverSide(t, req); err != nil {
		t.Fatalf("sigv4a: %v", err)
	}
	req2 := mustReq(t, "GET", "http://mrap.accesspoint.s3-global.amazonaws.com/key", nil)
	_ = s.SignHTTP(req2, testCreds, "", p)
	req2.Header.Set("X-Amz-Region-Set", "*")
	var me *MismatchError
	if err := serverSide(t, req2); !errors.As(err, &me) {
		t.Fatalf("tampered region set: %v", err)
	}
}

func TestAPIGatewayMessageRoundTrip(t *testing.T) {
	creq := "GET\n/\n\nhost:h\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyPayloadHash
	sts := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/execute-api/aws4_request\nabc"
	msg := FormatAPIGatewayMismatch(creq, sts)
	want := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'" + creq + "'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"
	if msg != want {
		t.Fatalf("message:\n%q\nwant\n%q", msg, want)
	}
	for _, body := range []string{msg, `{"message":` + jsonString(msg) + `}`, `{"Message":` + jsonString(msg) + `,"__type":"com.amazon.coral.service#InvalidSignatureException"}`} {
		exp, ok := ParseMismatch([]byte(body))
		if !ok || exp.CanonicalRequest != creq || exp.StringToSign != sts {
			t.Fatalf("round trip failed for %q: %+v", body[:20], exp)
		}
	}
	// Canonical requests containing quotes survive.
	q := "GET\n/\n\nx-q:'a' \"b\"\n\nx-q\n" + EmptyPayloadHash
	exp, ok := ParseMismatch([]byte(FormatAPIGatewayMismatch(q, sts)))
	if !ok || exp.CanonicalRequest != q {
		t.Fatalf("quotes: %+v", exp)
	}
}
