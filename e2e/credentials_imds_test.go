package e2e

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// TestCredentialsIMDSDefaultChain: with nothing else configured, the
// default chain (a source with no attributes) gets credentials from an
// IMDSv2 server (token PUT, then token-carrying GETs) found through
// AWS_EC2_METADATA_SERVICE_ENDPOINT; they sign an S3 PUT/GET that moto
// verifies.
func TestCredentialsIMDSDefaultChain(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	imds := startIMDS(t, func() aws.Credentials {
		return aws.Credentials{AccessKeyID: m.AccessKeyID, SecretAccessKey: m.SecretAccessKey, Expires: time.Now().Add(time.Hour)}
	})
	imds.useIMDS(t)
	src := signer.CredentialSource{Name: "the default AWS credential chain"}
	c := mustRetrieve(t, ctx, src)
	imds.checkV2(t)
	if imds.credGets.Load() != 1 {
		t.Errorf("IMDS credentials fetched %d times, want 1", imds.credGets.Load())
	}
	if c.AccessKeyID != m.AccessKeyID || !c.CanExpire {
		t.Fatalf("got key %s (expires %t), want the IMDS role's", c.AccessKeyID, c.CanExpire)
	}
	if err := PutGet(ctx, m.BucketURL(), "imds.txt", []byte("from the instance role"), c, m.Region); err != nil {
		t.Fatal(err)
	}
}

// TestCredentialsDefaultChainNothingResolves: no environment keys, empty
// shared files, no SSO, credential_process, web identity or ECS, and an
// IMDS without a role: the error names the source, lists every source of
// the default chain with why it gave nothing, and says what to set.
func TestCredentialsDefaultChainNothingResolves(t *testing.T) {
	isolateAWS(t)
	ctx := testContext(t)
	imds := startIMDS(t, nil)
	imds.useIMDS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAHALFCONFIGURED00") // without its secret: not used
	src := signer.CredentialSource{Name: `credentials "ci" (main.hcl:3)`}
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, nil,
		`credentials "ci" (main.hcl:3)`,
		"environment variables: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
		`shared config/credentials files: profile "default" is in none of the files`,
		`SSO: profile "default" has no sso_session or sso_start_url`,
		`credential_process: profile "default" has no credential_process`,
		"web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
		"ECS container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
		"* EC2 instance metadata (IMDS): endpoint "+imds.URL,
		"Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set AWS_PROFILE, or name a profile",
	)
	imds.checkV2(t)

	// IMDS switched off: said so.
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, err = retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, nil, "disabled by AWS_EC2_METADATA_DISABLED=true")
}
