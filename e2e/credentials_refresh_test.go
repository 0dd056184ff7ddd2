package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// Bounds of the refresh runs.
const (
	runFor      = 5 * time.Second
	lifetime    = 2 * time.Second // the credentials expire this far into the run
	maxRequests = 2000
	workers     = 8
)

// verifyingS3 checks the SigV4 signature of every request against the
// credentials it knows, and refuses credentials that have expired by the
// time the request is handled, or a session token that is not theirs. It
// handles a request transit after it arrived (a slow network or upload),
// so credentials used up to their last moment fail.
const transit = 150 * time.Millisecond

type verifyingS3 struct {
	*httptest.Server
	mu    sync.Mutex
	known map[string]aws.Credentials
	ok    atomic.Int64
}

func startVerifyingS3(t *testing.T) *verifyingS3 {
	v := &verifyingS3{known: map[string]aws.Credentials{}}
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(transit)
		now := time.Now()
		var why string
		lookup := func(akid string) (aws.Credentials, bool) {
			v.mu.Lock()
			c, ok := v.known[akid]
			v.mu.Unlock()
			switch {
			case !ok:
				why = "unknown key " + akid
			case !now.Before(c.Expires):
				why = fmt.Sprintf("key %s expired %v ago", akid, now.Sub(c.Expires))
				ok = false
			case r.Header.Get("X-Amz-Security-Token") != c.SessionToken:
				why = "wrong session token for " + akid
				ok = false
			}
			return c, ok
		}
		if err := signer.Verify(r, "", lookup, now, signer.VerifyOptions{Service: "s3", Region: "us-east-1"}); err != nil {
			http.Error(w, fmt.Sprintf("%v %s", err, why), http.StatusForbidden)
			return
		}
		v.ok.Add(1)
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(v.Close)
	return v
}

func (v *verifyingS3) issue(c aws.Credentials) {
	v.mu.Lock()
	v.known[c.AccessKeyID] = c
	v.mu.Unlock()
}

// run signs requests with credentials from p in workers goroutines for
// runFor (at most maxRequests in all) and returns how many were sent and
// the failures.
func run(ctx context.Context, src signer.CredentialSource, p aws.CredentialsProvider, limit int, send func(ctx context.Context, i int, c aws.Credentials) error) (sent int64, failures []error) {
	ctx, cancel := context.WithTimeout(ctx, runFor)
	defer cancel()
	var n atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := n.Add(1)
				if i > int64(limit) {
					return
				}
				c, err := signer.Retrieve(ctx, src, p)
				if err == nil {
					// Send with a context of its own: the run's deadline
					// must not cut a request short.
					rctx, rcancel := context.WithTimeout(context.Background(), RequestTimeout)
					err = send(rctx, int(i), c)
					rcancel()
				}
				if err != nil && ctx.Err() == nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
				}
				time.Sleep(25 * time.Millisecond) // pace: at most ~1600 requests in 5 s
			}
		})
	}
	wg.Wait()
	sent = min(n.Load(), int64(limit))
	return sent, failures
}

// TestCredentialsRefreshIMDS: the instance role's credentials expire two
// seconds after they are issued; for five seconds, eight goroutines sign
// requests with the default chain's provider against a server that refuses
// expired credentials. Every request succeeds and the credentials were
// fetched again several times.
func TestCredentialsRefreshIMDS(t *testing.T) {
	isolateAWS(t)
	ctx := testContext(t)
	s3 := startVerifyingS3(t)
	var issued atomic.Int64
	imds := startIMDS(t, func() aws.Credentials {
		c := aws.Credentials{
			AccessKeyID:     fmt.Sprintf("ASIAREFRESH%09d", issued.Add(1)),
			SecretAccessKey: randomHex(20),
			SessionToken:    randomHex(32),
			CanExpire:       true,
			Expires:         time.Now().Add(lifetime),
		}
		s3.issue(c)
		return c
	})
	imds.useIMDS(t)
	src := signer.CredentialSource{Name: "the default AWS credential chain"}
	p, err := signer.NewCredentialsProvider(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sent, failures := run(ctx, src, p, maxRequests, func(ctx context.Context, i int, c aws.Credentials) error {
		resp, err := SignedRequest(ctx, http.MethodGet, s3.URL+"/bucket/key", nil, nil, c, "s3", "us-east-1")
		if err != nil {
			return err
		}
		if resp.Status != http.StatusOK {
			return fmt.Errorf("request %d: %s", i, resp)
		}
		return nil
	})
	elapsed := time.Since(start)
	t.Logf("%d requests in %v, %d accepted, IMDS credentials fetched %d times", sent, elapsed.Round(time.Millisecond), s3.ok.Load(), imds.credGets.Load())
	for i, err := range failures {
		if i < 5 {
			t.Errorf("failure: %v", err)
		}
	}
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests failed", len(failures), sent)
	}
	if elapsed < runFor-100*time.Millisecond {
		t.Errorf("the run stopped after %v, before %v", elapsed, runFor)
	}
	// 5 s of 2 s credentials, refreshed half-way: about 5 fetches.
	if n := imds.credGets.Load(); n < 3 {
		t.Errorf("credentials fetched %d times in %v, want them refreshed (>= 3)", n, runFor)
	}
	imds.checkV2(t)
}

// TestCredentialsRefreshMotoAssumeRole: the same with a real server: the
// role session lasts two seconds (DurationSeconds=2, which moto accepts),
// goroutines PUT and GET objects in moto for five seconds with the role's
// credentials; every request is accepted and the role was assumed again.
// moto does not enforce expiry itself, so this shows refreshed credentials
// being picked up without a failure; TestCredentialsRefreshIMDS shows that
// none is used after it expired.
func TestCredentialsRefreshMotoAssumeRole(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	src := userSource(m, `credentials "short"`, m.RoleARN)
	src.AssumeRole.Duration = lifetime
	p, err := signer.NewCredentialsProvider(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	keys := map[string]bool{}
	sent, failures := run(ctx, src, p, 400, func(ctx context.Context, i int, c aws.Credentials) error {
		mu.Lock()
		keys[c.AccessKeyID] = true
		mu.Unlock()
		return PutGet(ctx, m.BucketURL(), fmt.Sprintf("refresh/%d.txt", i%16), []byte(fmt.Sprint(i)), c, m.Region)
	})
	t.Logf("%d PUT+GET pairs, %d role sessions", sent, len(keys))
	for i, err := range failures {
		if i < 5 {
			t.Errorf("failure: %v", err)
		}
	}
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests failed", len(failures), sent)
	}
	if len(keys) < 2 {
		t.Errorf("the role was assumed %d times in %v with %v sessions, want it refreshed", len(keys), runFor, lifetime)
	}
}
