package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// imdsServer is an IMDSv2 endpoint (token PUT, then role list and role
// credentials GETs that must carry the token), started for one test.
type imdsServer struct {
	*httptest.Server
	role string
	// issue mints the credentials of one credentials GET; nil means no
	// role is attached (404, as EC2 answers for an instance without one).
	issue func() aws.Credentials

	tokenPuts, credGets, rejected atomic.Int64
	mu                            sync.Mutex
	tokens                        map[string]time.Time
}

func startIMDS(t *testing.T, issue func() aws.Credentials) *imdsServer {
	t.Helper()
	s := &imdsServer{role: "sigrun-e2e-instance-role", issue: issue, tokens: map[string]time.Time{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *imdsServer) serve(w http.ResponseWriter, r *http.Request) {
	const credsPath = "/latest/meta-data/iam/security-credentials/"
	if r.URL.Path == "/latest/api/token" {
		ttl := r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds")
		if r.Method != http.MethodPut || ttl == "" {
			http.Error(w, "token needs PUT with X-aws-ec2-metadata-token-ttl-seconds", http.StatusBadRequest)
			return
		}
		s.tokenPuts.Add(1)
		tok := randomHex(16)
		s.mu.Lock()
		s.tokens[tok] = time.Now().Add(6 * time.Hour)
		s.mu.Unlock()
		w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", ttl)
		fmt.Fprint(w, tok)
		return
	}
	// IMDSv2 only: every metadata GET must carry a token we issued.
	s.mu.Lock()
	_, ok := s.tokens[r.Header.Get("X-Aws-Ec2-Metadata-Token")]
	s.mu.Unlock()
	if !ok || r.Method != http.MethodGet {
		s.rejected.Add(1)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	switch {
	case r.URL.Path == credsPath && s.issue != nil:
		fmt.Fprint(w, s.role)
	case r.URL.Path == credsPath+s.role && s.issue != nil:
		s.credGets.Add(1)
		c := s.issue()
		_ = json.NewEncoder(w).Encode(map[string]string{
			"Code": "Success", "Type": "AWS-HMAC",
			"LastUpdated":     time.Now().UTC().Format(time.RFC3339),
			"AccessKeyId":     c.AccessKeyID,
			"SecretAccessKey": c.SecretAccessKey,
			"Token":           c.SessionToken,
			"Expiration":      c.Expires.UTC().Format(time.RFC3339Nano),
		})
	default:
		http.NotFound(w, r)
	}
}

// useIMDS points the SDK's default chain at s (after isolateAWS).
func (s *imdsServer) useIMDS(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.URL)
}

func (s *imdsServer) checkV2(t *testing.T) {
	t.Helper()
	if s.tokenPuts.Load() == 0 {
		t.Error("the SDK never asked the IMDS server for a session token")
	}
	if n := s.rejected.Load(); n != 0 {
		t.Errorf("%d metadata GETs came without a valid IMDSv2 token", n)
	}
	if strings.TrimSpace(s.role) == "" {
		t.Error("no role")
	}
}
