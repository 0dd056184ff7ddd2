package signer

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The benchmark request: GET, three query parameters, two extra headers, a
// session token; the signing key is cached after the first iteration.
func benchRequest() *http.Request {
	req, _ := http.NewRequest("GET", "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/42?limit=10&filter=name%20eq%20foo&sort=desc", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Request-Id", "4b2a6f0e-1d4c-4b0e-9a53-b7d1f0c7e2aa")
	return req
}

var benchCreds = aws.Credentials{
	AccessKeyID:     "AKIDEXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	SessionToken:    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDExampleSessionTokenValue0123456789abcdef",
}

var benchTime = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func resetSigned(req *http.Request) {
	delete(req.Header, "X-Amz-Date")
	delete(req.Header, "Authorization")
	delete(req.Header, "X-Amz-Security-Token")
}

func BenchmarkSignHTTP(b *testing.B) {
	s := New(WithClock(func() time.Time { return benchTime }))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		resetSigned(req)
		if err := s.SignHTTP(req, benchCreds, EmptyPayloadHash, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSDKSignHTTP(b *testing.B) {
	s := v4.NewSigner()
	req := benchRequest()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resetSigned(req)
		if err := s.SignHTTP(ctx, benchCreds, req, EmptyPayloadHash, "execute-api", "us-east-1", benchTime); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignHTTPParallel(b *testing.B) {
	s := New(WithClock(func() time.Time { return benchTime }))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchRequest()
		for pb.Next() {
			resetSigned(req)
			if err := s.SignHTTP(req, benchCreds, EmptyPayloadHash, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPresign(b *testing.B) {
	s := New(WithClock(func() time.Time { return benchTime }))
	p := Params{Service: "s3", Region: "us-east-1"}
	req, _ := http.NewRequest("GET", "https://bucket.s3.us-east-1.amazonaws.com/some/key.txt", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Presign(req, benchCreds, "", p, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchmarkRequestAgrees makes sure both benchmarks sign the same thing.
func TestBenchmarkRequestAgrees(t *testing.T) {
	s := New(WithClock(func() time.Time { return benchTime }))
	r1, r2 := benchRequest(), benchRequest()
	if err := s.SignHTTP(r1, benchCreds, EmptyPayloadHash, Params{Service: "execute-api", Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), benchCreds, r2, EmptyPayloadHash, "execute-api", "us-east-1", benchTime); err != nil {
		t.Fatal(err)
	}
	if a, b := r1.Header.Get("Authorization"), r2.Header.Get("Authorization"); a != b {
		t.Fatalf("ours %q\nsdk  %q", a, b)
	}
}

// BenchmarkSpeedupVsSDK alternates batches of our signer and the SDK's on
// the same request, so both see the same machine load, and reports each
// one's ns per signature and the ratio ("x-faster"). Each batch takes
// ~20 ms: long enough that what one signer leaves behind for the other (the
// caches it filled, a garbage collection it started) is a small part of
// the next batch, short enough that a burst of load from elsewhere falls on
// both.
func BenchmarkSpeedupVsSDK(b *testing.B) {
	ours := New(WithClock(func() time.Time { return benchTime }))
	sdk := v4.NewSigner()
	p := Params{Service: "execute-api", Region: "us-east-1"}
	r1, r2 := benchRequest(), benchRequest()
	ctx := context.Background()
	const oursBatch, sdkBatch = 8000, 1500
	var tOurs, tSDK time.Duration
	var nOurs, nSDK int
	for b.Loop() {
		start := time.Now()
		for i := 0; i < oursBatch; i++ {
			resetSigned(r1)
			if err := ours.SignHTTP(r1, benchCreds, EmptyPayloadHash, p); err != nil {
				b.Fatal(err)
			}
		}
		mid := time.Now()
		for i := 0; i < sdkBatch; i++ {
			resetSigned(r2)
			if err := sdk.SignHTTP(ctx, benchCreds, r2, EmptyPayloadHash, "execute-api", "us-east-1", benchTime); err != nil {
				b.Fatal(err)
			}
		}
		tOurs += mid.Sub(start)
		tSDK += time.Since(mid)
		nOurs += oursBatch
		nSDK += sdkBatch
	}
	oursNs := float64(tOurs.Nanoseconds()) / float64(nOurs)
	sdkNs := float64(tSDK.Nanoseconds()) / float64(nSDK)
	b.ReportMetric(oursNs, "ours-ns/sig")
	b.ReportMetric(sdkNs, "sdk-ns/sig")
	b.ReportMetric(sdkNs/oursNs, "x-faster")
}
