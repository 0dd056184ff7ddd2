package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// testTimeout bounds one test's AWS calls.
const testTimeout = 60 * time.Second

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// awsEnv lists the variables the AWS SDK reads for credentials, files,
// endpoints and IMDS.
var awsEnv = []string{
	"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ACCOUNT_ID",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_EC2_METADATA_V1_DISABLED",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_CA_BUNDLE", "AWS_SDK_LOAD_CONFIG", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
}

// noEgressProxy is where every HTTP request to a host other than the
// loopback goes: a closed port. A test that resolves an endpoint wrongly
// (say, the real STS) then fails at once instead of sending anything off
// the machine (not even a DNS query: with a proxy, Go does not resolve the
// target). Go reads the proxy variables once per process, so TestMain sets
// them before anything else runs.
const noEgressProxy = "http://127.0.0.1:1"

func TestMain(m *testing.M) {
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		os.Setenv(k, noEgressProxy)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy"} {
		os.Unsetenv(k)
	}
	// Tests move HOME to temp dirs: pin the cache where the setup script
	// built into.
	os.Setenv("SIGRUN_CACHE", CacheDir())
	os.Exit(m.Run())
}

// isolateAWS gives the test an AWS environment of its own (t.Setenv: so no
// t.Parallel): no credentials or profile in the environment, empty shared
// files, HOME in a temp dir (SSO cache), IMDS disabled. It returns the temp
// dir, the config file and the credentials file.
func isolateAWS(t *testing.T) (dir, configFile, credsFile string) {
	t.Helper()
	dir = t.TempDir()
	for _, k := range awsEnv {
		t.Setenv(k, "")
		os.Unsetenv(k) // t.Setenv restores the old value when t ends
	}
	configFile = writeFile(t, dir, "config", "")
	credsFile = writeFile(t, dir, "credentials", "")
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
	t.Setenv("HOME", dir)
	// Never let the default chain reach 169.254.169.254: tests that want
	// IMDS point AWS_EC2_METADATA_SERVICE_ENDPOINT at their own server.
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	// Nor SSO's endpoints: should the SDK ever call them, it calls a closed
	// port here.
	closed := "http://127.0.0.1:" + strconv.Itoa(FreePort(t))
	t.Setenv("AWS_ENDPOINT_URL_SSO", closed)
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", closed)
	return dir, configFile, credsFile
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// retrieve creates a provider for src and retrieves credentials once.
func retrieve(t *testing.T, ctx context.Context, src signer.CredentialSource) (aws.Credentials, error) {
	t.Helper()
	p, err := signer.NewCredentialsProvider(ctx, src)
	if err != nil {
		return aws.Credentials{}, err
	}
	return signer.Retrieve(ctx, src, p)
}

func mustRetrieve(t *testing.T, ctx context.Context, src signer.CredentialSource) aws.Credentials {
	t.Helper()
	c, err := retrieve(t, ctx, src)
	if err != nil {
		t.Fatalf("retrieve: %v", err)
	}
	return c
}

// wantRetrieveError checks that err is a *signer.RetrieveError whose
// message names src, contains every want, and no secret.
func wantRetrieveError(t *testing.T, err error, src signer.CredentialSource, secrets []string, want ...string) string {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got credentials, want an error", src.Name)
	}
	var re *signer.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error is %T, want *signer.RetrieveError: %v", err, err)
	}
	msg := err.Error()
	t.Logf("error message:\n%s", msg)
	if !strings.Contains(msg, src.Name) {
		t.Errorf("message does not name the source %q", src.Name)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q", w)
		}
	}
	assertNoSecrets(t, msg, secrets...)
	return msg
}

func assertNoSecrets(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("message contains a secret (%d chars starting %.3q)", len(s), s)
		}
	}
}

func chmodX(path string) error { return os.Chmod(path, 0o700) }
