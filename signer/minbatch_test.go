package signer

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkSignHTTPMinBatch signs the benchmark request in batches of 100
// and reports the fastest and the median batch (ns per signature); on a
// shared machine these are steadier than the mean.
func BenchmarkSignHTTPMinBatch(b *testing.B) {
	s := New(WithClock(func() time.Time { return benchTime }))
	p := Params{Service: "execute-api", Region: "us-east-1"}
	minBatch(b, func(req *http.Request) error { return s.SignHTTP(req, benchCreds, EmptyPayloadHash, p) })
}

// BenchmarkSDKMinBatch is BenchmarkSignHTTPMinBatch for the SDK's signer.
func BenchmarkSDKMinBatch(b *testing.B) {
	s := v4.NewSigner()
	ctx := context.Background()
	minBatch(b, func(req *http.Request) error {
		return s.SignHTTP(ctx, benchCreds, req, EmptyPayloadHash, "execute-api", "us-east-1", benchTime)
	})
}

// minBatch runs sign on the benchmark request in batches of 100 and reports
// the fastest and the median batch.
func minBatch(b *testing.B, sign func(*http.Request) error) {
	req := benchRequest()
	const batch = 100
	var ts []time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range batch {
			resetSigned(req)
			if err := sign(req); err != nil {
				b.Fatal(err)
			}
		}
		ts = append(ts, time.Since(t0))
	}
	slices.Sort(ts)
	b.ReportMetric(float64(ts[0].Nanoseconds())/batch, "min-ns/sig")
	b.ReportMetric(float64(ts[len(ts)/2].Nanoseconds())/batch, "med-ns/sig")
}
