package signer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// isolateCredentialEnv keeps the developer's AWS setup out of a test: no
// AWS variables, empty shared files, IMDS off (t.Setenv: no t.Parallel).
func isolateCredentialEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	t.Setenv("HOME", dir)
	return dir
}

// stsStub answers every STS call with status and body, counting calls.
func stsStub(t *testing.T, status int, body func(n int64) string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprint(w, body(n))
	}))
	t.Cleanup(s.Close)
	return s, &calls
}

func assumeRoleXML(n int64) string {
	return fmt.Sprintf(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIASTUB%012d</AccessKeyId><SecretAccessKey>stub-secret-%d</SecretAccessKey>
<SessionToken>stub-token-%d</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult></AssumeRoleResponse>`, n, n, n, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
}

func stubSource(endpoint string) CredentialSource {
	return CredentialSource{
		Name:        `credentials "stub" (main.hcl:1)`,
		AccessKeyID: "AKIDSTUBBASE", SecretAccessKey: "base-secret-must-not-leak", SessionToken: "base-token-must-not-leak",
		AssumeRole:  &AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/r"},
		STSEndpoint: endpoint,
		Region:      "us-east-1",
	}
}

func TestCredentialSourceValidate(t *testing.T) {
	isolateCredentialEnv(t)
	base := &CredentialSource{AccessKeyID: "AKID", SecretAccessKey: "s"}
	cycle := &CredentialSource{Name: "cycle", AssumeRole: &AssumeRole{RoleARN: "arn:r"}}
	cycle.AssumeRole.Source = cycle
	for _, tc := range []struct {
		src  CredentialSource
		want string
	}{
		{CredentialSource{AccessKeyID: "AKID"}, "need both"},
		{CredentialSource{SecretAccessKey: "s"}, "access_key_id is empty"},
		{CredentialSource{AccessKeyID: "AKID", SecretAccessKey: "s", WebIdentity: &WebIdentity{RoleARN: "r", TokenFile: "f"}}, "not both"},
		{CredentialSource{WebIdentity: &WebIdentity{TokenFile: "f"}}, "needs role_arn"},
		{CredentialSource{WebIdentity: &WebIdentity{RoleARN: "r"}}, "needs token_file"},
		{CredentialSource{AssumeRole: &AssumeRole{}}, "assume_role needs role_arn"},
		{CredentialSource{AssumeRole: &AssumeRole{RoleARN: "r", Duration: -time.Second}}, "negative"},
		{CredentialSource{Profile: "p", AssumeRole: &AssumeRole{RoleARN: "r", Source: base}}, "its own source"},
		{*cycle, "nest more than"},
	} {
		tc.src.Name = "src-" + tc.want
		_, err := NewCredentialsProvider(context.Background(), tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.src.Name) {
			t.Errorf("%s: got %v, want an error naming the source and saying %q", tc.src.Name, err, tc.want)
		}
	}
}

func TestCredentialSourceDescribe(t *testing.T) {
	for _, tc := range []struct {
		src  CredentialSource
		want string
	}{
		{CredentialSource{}, "the default credential chain"},
		{CredentialSource{Profile: "ci"}, "profile ci"},
		{CredentialSource{AccessKeyID: "AKID", SecretAccessKey: "s"}, "static keys"},
		{CredentialSource{WebIdentity: &WebIdentity{RoleARN: "arn:r", TokenFile: "/t"}}, "web identity role arn:r (token file /t)"},
		{CredentialSource{Profile: "ci", AssumeRole: &AssumeRole{RoleARN: "arn:r"}}, "role arn:r assumed with profile ci"},
		{CredentialSource{AssumeRole: &AssumeRole{RoleARN: "arn:r", Source: &CredentialSource{Profile: "b"}}}, "role arn:r assumed with profile b"},
	} {
		if got := tc.src.Describe(); got != tc.want {
			t.Errorf("Describe() = %q, want %q", got, tc.want)
		}
	}
}

// TestCredentialsProviderLazyAndShared: creating the provider calls
// nothing; many concurrent first Retrieves share one STS call; later ones
// are served from the cache.
func TestCredentialsProviderLazyAndShared(t *testing.T) {
	isolateCredentialEnv(t)
	srv, calls := stsStub(t, http.StatusOK, func(n int64) string {
		time.Sleep(50 * time.Millisecond) // let the goroutines pile up
		return assumeRoleXML(n)
	})
	src := stubSource(srv.URL)
	p, err := NewCredentialsProvider(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("NewCredentialsProvider made %d STS calls, want none", n)
	}
	var wg sync.WaitGroup
	keys := make([]string, 32)
	for i := range keys {
		wg.Go(func() {
			c, err := Retrieve(context.Background(), src, p)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = c.AccessKeyID
		})
	}
	wg.Wait()
	for i := 0; i < 5; i++ {
		if _, err := Retrieve(context.Background(), src, p); err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d STS calls, want 1", n)
	}
	for _, k := range keys {
		if k != keys[0] {
			t.Fatalf("goroutines got different keys: %s and %s", k, keys[0])
		}
	}
}

func TestCredentialsRefreshEarlyAdjust(t *testing.T) {
	r := &refreshEarly{}
	now := time.Now()
	for _, tc := range []struct {
		lifetime, window, wantEarly time.Duration
	}{
		{time.Hour, time.Minute, time.Minute},        // long-lived: the window
		{2 * time.Second, time.Minute, time.Second},  // short-lived: half the lifetime
		{10 * time.Minute, time.Minute, time.Minute}, // window under half
		{30 * time.Second, 20 * time.Second, 15 * time.Second},
	} {
		c := aws.Credentials{CanExpire: true, Expires: now.Add(tc.lifetime)}
		got, err := r.AdjustExpiresBy(c, -tc.window)
		if err != nil {
			t.Fatal(err)
		}
		early := c.Expires.Sub(got.Expires)
		if d := early - tc.wantEarly; d < -50*time.Millisecond || d > 50*time.Millisecond {
			t.Errorf("lifetime %v, window %v: refreshed %v early, want %v", tc.lifetime, tc.window, early, tc.wantEarly)
		}
	}
	static := aws.Credentials{AccessKeyID: "a"}
	if got, _ := r.AdjustExpiresBy(static, -time.Minute); got != static {
		t.Error("credentials that cannot expire must not change")
	}
}

// TestCredentialsSTSErrorsNamed: an STS error body the SDK cannot parse
// (moto's <ErrorResponse><Errors><Error>) is reported with its own code
// and message; the standard shape stays the SDK's; ExpiredToken says the
// session expired and how to renew; no secret anywhere.
func TestCredentialsSTSErrorsNamed(t *testing.T) {
	isolateCredentialEnv(t)
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: u is not authorized to perform: sts:AssumeRole</Message></Error></Errors></ErrorResponse>`,
			[]string{"api error AccessDenied: User: u is not authorized", "STS refused: check role_arn"}},
		{`<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
			[]string{"ExpiredToken", "session credentials have expired", "replace the access_key_id, secret_access_key and session_token"}},
	} {
		srv, _ := stsStub(t, http.StatusForbidden, func(int64) string { return tc.body })
		src := stubSource(srv.URL)
		p, err := NewCredentialsProvider(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Retrieve(context.Background(), src, p)
		var re *RetrieveError
		if !errors.As(err, &re) {
			t.Fatalf("got %T %v, want *RetrieveError", err, err)
		}
		msg := err.Error()
		for _, w := range append(tc.want, src.Name, src.AssumeRole.RoleARN, srv.URL) {
			if !strings.Contains(msg, w) {
				t.Errorf("message lacks %q:\n%s", w, msg)
			}
		}
		for _, s := range []string{src.SecretAccessKey, src.SessionToken} {
			if strings.Contains(msg, s) {
				t.Errorf("message contains a secret:\n%s", msg)
			}
		}
	}
}

func TestCredentialsRedact(t *testing.T) {
	msg := `process provider error: parse failed of process output: {"Version": 1, "SecretAccessKey": "abc/def+ghi"}, error: bad` +
		` | aws_session_token = FQoGZXIvYXdzE | "SessionToken":"tok123456" | known secret-value-12345 | jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln`
	got := redact(msg, []string{"secret-value-12345", "", "short"})
	for _, leak := range []string{"abc/def+ghi", "FQoGZXIvYXdzE", "tok123456", "secret-value-12345", "eyJzdWIiOiJ4In0"} {
		if strings.Contains(got, leak) {
			t.Errorf("redact left %q in %q", leak, got)
		}
	}
	for _, keep := range []string{"parse failed of process output: [output not shown], error: bad", "known [redacted]"} {
		if !strings.Contains(got, keep) {
			t.Errorf("redact(%q) = %q, want it to keep %q", msg, got, keep)
		}
	}
}

// TestCredentialsRenewHintSSO: for a profile that signs in with SSO the
// renewal is `aws sso login --profile X`.
func TestCredentialsRenewHintSSO(t *testing.T) {
	dir := isolateCredentialEnv(t)
	cfg := filepath.Join(dir, "sso-config")
	if err := os.WriteFile(cfg, []byte("[profile dev]\nsso_start_url = https://x.example/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := CredentialSource{Name: "dev", Profile: "dev", SharedConfigFiles: []string{cfg}}
	if got := RenewHint(context.Background(), src); !strings.Contains(got, "aws sso login --profile dev") {
		t.Errorf("RenewHint = %q", got)
	}
	role := CredentialSource{Name: "r", AssumeRole: &AssumeRole{RoleARN: "arn:r", Source: &src}}
	if got := RenewHint(context.Background(), role); !strings.Contains(got, "aws sso login --profile dev") {
		t.Errorf("RenewHint(role with SSO base) = %q", got)
	}
}
