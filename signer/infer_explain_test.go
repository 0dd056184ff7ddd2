package signer

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestInferParams(t *testing.T) {
	for host, want := range map[string]Params{
		"abc123.execute-api.us-east-1.amazonaws.com":                   {Service: "execute-api", Region: "us-east-1"},
		"abc123.execute-api.eu-west-3.amazonaws.com:443":               {Service: "execute-api", Region: "eu-west-3"},
		"vpce-0123abcd-4567.execute-api.ap-south-1.vpce.amazonaws.com": {Service: "execute-api", Region: "ap-south-1"},
		"abc123-vpce-0123abcd.execute-api.ap-south-1.amazonaws.com":    {Service: "execute-api", Region: "ap-south-1"},
		"search-logs-abc123.us-west-2.es.amazonaws.com":                {Service: "es", Region: "us-west-2"},
		"vpc-logs-abc123.us-west-2.es.amazonaws.com":                   {Service: "es", Region: "us-west-2"},
		"es.us-west-2.amazonaws.com":                                   {Service: "es", Region: "us-west-2"},
		"abcdef123.eu-central-1.aoss.amazonaws.com":                    {Service: "aoss", Region: "eu-central-1"},
		"abcdefghij.lambda-url.us-east-2.on.aws":                       {Service: "lambda", Region: "us-east-2"},
		"xyz.appsync-api.eu-west-1.amazonaws.com":                      {Service: "appsync", Region: "eu-west-1"},
		"xyz.appsync-realtime-api.eu-west-1.amazonaws.com":             {Service: "appsync", Region: "eu-west-1"},
		"s3.amazonaws.com":                                                   {Service: "s3", Region: "us-east-1"},
		"bucket.s3.amazonaws.com":                                            {Service: "s3", Region: "us-east-1"},
		"s3.eu-north-1.amazonaws.com":                                        {Service: "s3", Region: "eu-north-1"},
		"bucket.s3.eu-north-1.amazonaws.com":                                 {Service: "s3", Region: "eu-north-1"},
		"s3-us-west-2.amazonaws.com":                                         {Service: "s3", Region: "us-west-2"},
		"bucket.s3-us-west-2.amazonaws.com":                                  {Service: "s3", Region: "us-west-2"},
		"s3-external-1.amazonaws.com":                                        {Service: "s3", Region: "us-east-1"},
		"s3.dualstack.ap-northeast-1.amazonaws.com":                          {Service: "s3", Region: "ap-northeast-1"},
		"bucket.s3.dualstack.ap-northeast-1.amazonaws.com":                   {Service: "s3", Region: "ap-northeast-1"},
		"s3-fips.us-gov-west-1.amazonaws.com":                                {Service: "s3", Region: "us-gov-west-1"},
		"s3-fips.dualstack.us-east-1.amazonaws.com":                          {Service: "s3", Region: "us-east-1"},
		"myap-123456789012.s3-accesspoint.us-east-1.amazonaws.com":           {Service: "s3", Region: "us-east-1"},
		"myap-123456789012.s3-accesspoint.dualstack.us-east-1.amazonaws.com": {Service: "s3", Region: "us-east-1"},
		"mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com":             {Service: "s3", Region: "*", Algorithm: SigV4A},
		"bucket--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com":  {Service: "s3express", Region: "us-east-1"},
		"dynamodb.us-east-1.amazonaws.com":                                   {Service: "dynamodb", Region: "us-east-1"},
		"sqs.ca-central-1.amazonaws.com":                                     {Service: "sqs", Region: "ca-central-1"},
		"dynamodb.cn-north-1.amazonaws.com.cn":                               {Service: "dynamodb", Region: "cn-north-1"},
		"bucket.s3.cn-northwest-1.amazonaws.com.cn":                          {Service: "s3", Region: "cn-northwest-1"},
		"sts.us-gov-east-1.amazonaws.com":                                    {Service: "sts", Region: "us-gov-east-1"},
		"iam.amazonaws.com":                                                  {Service: "iam", Region: "us-east-1"},
		"sts.amazonaws.com":                                                  {Service: "sts", Region: "us-east-1"},
		"route53.amazonaws.com":                                              {Service: "route53", Region: "us-east-1"},
		"cloudfront.amazonaws.com":                                           {Service: "cloudfront", Region: "us-east-1"},
		"iam.us-gov.amazonaws.com":                                           {Service: "iam", Region: "us-gov-west-1"},
		"email.eu-west-1.amazonaws.com":                                      {Service: "ses", Region: "eu-west-1"},
		"sqs-fips.us-east-1.amazonaws.com":                                   {Service: "sqs", Region: "us-east-1"},
		"a1b2c3-ats.iot.us-east-1.amazonaws.com":                             {Service: "iotdata", Region: "us-east-1"},
		"ABC.Execute-API.US-EAST-1.AMAZONAWS.COM.":                           {Service: "execute-api", Region: "us-east-1"},
	} {
		got, err := InferParams(host)
		if err != nil {
			t.Errorf("%s: %v", host, err)
			continue
		}
		if got.Service != want.Service || got.Region != want.Region || got.Algorithm != want.Algorithm {
			t.Errorf("%s: got %s/%s/%v, want %s/%s/%v", host, got.Service, got.Region, got.Algorithm, want.Service, want.Region, want.Algorithm)
		}
	}
	for _, host := range []string{"api.example.com", "127.0.0.1", "127.0.0.1:8080", "localhost", "[::1]:443", "", "amazonaws.com", "example.on.aws", "foo.bar.amazonaws.com"} {
		_, err := InferParams(host)
		var ie *InferError
		if !errors.As(err, &ie) || !errors.Is(err, ErrCannotInfer) || !strings.Contains(err.Error(), "set service and region explicitly") {
			t.Errorf("%q: want an InferError, got %v", host, err)
		}
	}
}

func TestParseMismatchS3XML(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256
20150830T123600Z
20150830/us-east-1/s3/aws4_request
abc</StringToSign><SignatureProvided>00</SignatureProvided><CanonicalRequest>GET
/a%20b
x=1
host:b.s3.amazonaws.com
x-amz-content-sha256:UNSIGNED-PAYLOAD
x-amz-date:20150830T123600Z

host;x-amz-content-sha256;x-amz-date
UNSIGNED-PAYLOAD</CanonicalRequest><RequestId>X</RequestId></Error>`
	exp, ok := ParseMismatch([]byte(body))
	if !ok || exp.Code != "SignatureDoesNotMatch" || !strings.HasPrefix(exp.CanonicalRequest, "GET\n/a%20b\nx=1\n") || !strings.HasSuffix(exp.StringToSign, "\nabc") {
		t.Fatalf("%+v", exp)
	}
	if _, ok := ParseMismatch([]byte(`<Error><Code>AccessDenied</Code></Error>`)); ok {
		t.Fatal("AccessDenied is not a mismatch answer")
	}
	if _, ok := ParseMismatch([]byte(`{"message":"Forbidden"}`)); ok {
		t.Fatal("plain Forbidden is not a mismatch answer")
	}
}

func TestDiagnose(t *testing.T) {
	s := New(clockAt(t0))
	base := func() *http.Request {
		r := mustReq(t, "GET", "https://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b?x=1", nil)
		r.Header.Set("X-Custom", "v")
		return r
	}
	ours := explain(t, s, base(), "", apiParams)
	theirsFor := func(mut func(*http.Request), p Params) *ServerExpectation {
		r := base()
		mut(r)
		e := explain(t, s, r, "", p)
		body := `{"message":` + jsonString(FormatAPIGatewayMismatch(e.CanonicalRequest, e.StringToSign)) + `}`
		exp, ok := ParseMismatch([]byte(body))
		if !ok {
			t.Fatal("parse")
		}
		return exp
	}
	for _, c := range []struct {
		category string
		mut      func(*http.Request)
		p        Params
	}{
		{"query", func(r *http.Request) { r.URL.RawQuery = "x=2" }, apiParams},
		{"path", func(r *http.Request) {}, Params{Service: "execute-api", Region: "us-east-1", DoubleEncodePath: ForceOff}},
		{"host", func(r *http.Request) { r.Host = "api.example.com" }, apiParams},
		{"header", func(r *http.Request) { r.Header.Set("X-Custom", "changed") }, apiParams},
		{"header", func(r *http.Request) { r.Header.Set("X-Extra", "1") }, apiParams},
		{"method", func(r *http.Request) { r.Method = "POST" }, apiParams},
		{"region", func(r *http.Request) {}, Params{Service: "execute-api", Region: "eu-west-1"}},
		{"service", func(r *http.Request) {}, Params{Service: "lambda", Region: "us-east-1"}},
		{"date", func(r *http.Request) { r.Header.Set("X-Amz-Date", "20150830T124000Z") }, apiParams},
		{"credentials", func(r *http.Request) {}, apiParams},
	} {
		d := Diagnose(ours, theirsFor(c.mut, c.p))
		if d.Category != c.category {
			t.Errorf("want %s, got %s: %s\n%s", c.category, d.Category, d.Cause, d)
		}
		if c.category != "credentials" && !strings.Contains(strings.Join(d.Diff, "\n"), "\n+ ") && !strings.HasPrefix(strings.Join(d.Diff, "\n"), "+ ") {
			t.Errorf("%s: diff has no line of ours:\n%s", c.category, d)
		}
	}
	// Payload hash difference.
	theirs := &ServerExpectation{CanonicalRequest: strings.Replace(ours.CanonicalRequest, EmptyPayloadHash, HashBytes([]byte("x")), 1)}
	if d := Diagnose(ours, theirs); d.Category != "payload" {
		t.Errorf("payload: %s", d.Cause)
	}
}

func TestClockSkew(t *testing.T) {
	local := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	resp := &http.Response{StatusCode: 403, Header: http.Header{"Date": {"Fri, 01 May 2026 12:20:00 GMT"}}}
	s3body := []byte(`<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message><RequestTime>20260501T120000Z</RequestTime><ServerTime>2026-05-01T12:20:00Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>`)
	if off, ok := SkewFromResponse(resp, s3body, local); !ok || off != 20*time.Minute {
		t.Fatalf("S3 with Date: %v %v", off, ok)
	}
	resp.Header = http.Header{}
	if off, ok := SkewFromResponse(resp, s3body, local); !ok || off != 20*time.Minute {
		t.Fatalf("S3 ServerTime: %v %v", off, ok)
	}
	apigw := []byte(`{"message":"Signature expired: 20260501T120000Z is now earlier than 20260501T121500Z (20260501T123000Z - 15 min.)"}`)
	if off, ok := SkewFromResponse(resp, apigw, local); !ok || off != 30*time.Minute {
		t.Fatalf("Signature expired: %v %v", off, ok)
	}
	notYet := []byte(`{"message":"Signature not yet current: 20260501T120000Z is still later than 20260501T115500Z (20260501T115000Z + 5 min.)"}`)
	if off, ok := SkewFromResponse(resp, notYet, local); !ok || off != -10*time.Minute {
		t.Fatalf("not yet current: %v %v", off, ok)
	}
	if _, ok := SkewFromResponse(&http.Response{StatusCode: 403, Header: http.Header{"Date": {"Fri, 01 May 2026 12:20:00 GMT"}}}, []byte(`<Error><Code>AccessDenied</Code></Error>`), local); ok {
		t.Fatal("AccessDenied is not skew")
	}
	if _, ok := SkewFromResponse(&http.Response{StatusCode: 500, Header: http.Header{}}, s3body, local); ok {
		t.Fatal("a 500 is not skew")
	}
	// The signer applies the offset.
	s := New(clockAt(local))
	s.SetSkew(20 * time.Minute)
	req := mustReq(t, "GET", "https://h/", nil)
	_ = s.SignHTTP(req, testCreds, "", apiParams)
	if req.Header.Get("X-Amz-Date") != "20260501T122000Z" {
		t.Fatalf("skew not applied: %s", req.Header.Get("X-Amz-Date"))
	}
}
