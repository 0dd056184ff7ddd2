package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// userSource is static keys of moto's IAM user assuming roleARN through
// moto's STS.
func userSource(m *Moto, name, roleARN string) signer.CredentialSource {
	return signer.CredentialSource{
		Name:            name,
		AccessKeyID:     m.AccessKeyID,
		SecretAccessKey: m.SecretAccessKey,
		AssumeRole:      &signer.AssumeRole{RoleARN: roleARN, SessionName: "sigrun-e2e"},
		STSEndpoint:     m.Endpoint,
		Region:          m.Region,
	}
}

// TestCredentialsMotoAssumeRole: static base keys assume a role through
// moto's STS (STSEndpoint); the temporary credentials and session token
// sign an S3 PUT and GET that moto verifies; a tampered token is refused,
// which shows moto checks the token too.
func TestCredentialsMotoAssumeRole(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	src := userSource(m, `credentials "moto" (main.hcl:3)`, m.RoleARN)
	creds := mustRetrieve(t, ctx, src)
	if creds.SessionToken == "" || creds.AccessKeyID == m.AccessKeyID || !creds.CanExpire {
		t.Fatalf("want temporary role credentials, got key %s (token %t, expires %t)", creds.AccessKeyID, creds.SessionToken != "", creds.CanExpire)
	}
	if err := PutGet(ctx, m.BucketURL(), "assume-role.txt", []byte("signed with role credentials"), creds, m.Region); err != nil {
		t.Fatal(err)
	}

	tampered := creds
	tampered.SessionToken = strings.ToUpper(tampered.SessionToken[:8]) + "x" + tampered.SessionToken[9:]
	resp, err := SignedRequest(ctx, http.MethodGet, m.BucketURL()+"/assume-role.txt", nil, nil, tampered, "s3", m.Region)
	if err != nil {
		t.Fatal(err)
	}
	// moto answers 400 InvalidToken (AWS S3 says 400 too for a malformed
	// token, 403 for an unknown one).
	if code := ErrorCode(resp.Body); resp.Status/100 != 4 || code != "InvalidToken" {
		t.Fatalf("tampered session token: got %s, want 4xx InvalidToken", resp)
	}
}

// TestCredentialsMotoAssumeRoleExternalID: a role whose trust policy
// requires sts:ExternalId is assumed with ExternalID and refused with a
// wrong one (moto 5 lets a call with no ExternalId through, so that case
// proves nothing here).
func TestCredentialsMotoAssumeRoleExternalID(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)

	src := userSource(m, `credentials "ext" (main.hcl:9)`, m.ExternalIDRoleARN)
	src.AssumeRole.ExternalID = m.ExternalID
	creds := mustRetrieve(t, ctx, src)
	if err := PutGet(ctx, m.BucketURL(), "external-id.txt", []byte("x"), creds, m.Region); err != nil {
		t.Fatal(err)
	}

	src.AssumeRole.ExternalID = "not-" + m.ExternalID
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{m.SecretAccessKey}, m.ExternalIDRoleARN, "AccessDenied", "external_id")
}

// TestCredentialsMotoAssumeRoleSource: the base identity comes from
// AssumeRole.Source, here a profile in a shared credentials file.
func TestCredentialsMotoAssumeRoleSource(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	credsFile := writeFile(t, dir, "base-credentials", fmt.Sprintf(
		"[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", m.AccessKeyID, m.SecretAccessKey))
	src := signer.CredentialSource{
		Name:        `credentials "chained" (main.hcl:12)`,
		AssumeRole:  &signer.AssumeRole{RoleARN: m.RoleARN, Duration: 15 * time.Minute},
		STSEndpoint: m.Endpoint,
		Region:      m.Region,
	}
	src.AssumeRole.Source = &signer.CredentialSource{Name: `credentials "base"`, Profile: "base", SharedCredentialsFiles: []string{credsFile}}
	creds := mustRetrieve(t, ctx, src)
	if time.Until(creds.Expires) < 5*time.Minute {
		t.Errorf("a 15-minute session should be good for a while, expires in %v", time.Until(creds.Expires))
	}
	if err := PutGet(ctx, m.BucketURL(), "source.txt", []byte("x"), creds, m.Region); err != nil {
		t.Fatal(err)
	}
}

// TestCredentialsMotoWrongRoleARN: moto's IAM refuses AssumeRole on a role
// the user may not assume; the error names the source, the role and says
// what to check.
func TestCredentialsMotoWrongRoleARN(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	wrong := strings.Replace(m.RoleARN, "sigrun-e2e-role", "no-such-role", 1)
	src := userSource(m, `credentials "wrong-role" (main.hcl:20)`, wrong)
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{m.SecretAccessKey},
		`credentials "wrong-role" (main.hcl:20)`, wrong, "AccessDenied", "not authorized to perform: sts:AssumeRole", "check role_arn")
}

// TestCredentialsMotoWrongBaseKey: a wrong secret (SignatureDoesNotMatch)
// or an unknown key id (InvalidClientTokenId) is a clear error naming the
// source, with no secret in it.
func TestCredentialsMotoWrongBaseKey(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)

	src := userSource(m, `credentials "bad-secret" (main.hcl:30)`, m.RoleARN)
	src.SecretAccessKey = "wrong-" + m.SecretAccessKey[6:]
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{m.SecretAccessKey, src.SecretAccessKey},
		"SignatureDoesNotMatch", "check its access key id and secret access key")

	src = userSource(m, `credentials "bad-key" (main.hcl:31)`, m.RoleARN)
	src.AccessKeyID = "AKIAUNKNOWNKEY000000"
	src.SessionToken = "a-session-token-that-must-not-leak"
	_, err = retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{m.SecretAccessKey, src.SessionToken}, "InvalidClientTokenId")
}

// TestCredentialsMotoConcurrentFirstUse: many goroutines asking a fresh
// provider at once share one AssumeRole (every call would mint a new key)
// and all sign requests moto accepts.
func TestCredentialsMotoConcurrentFirstUse(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	src := userSource(m, `credentials "shared"`, m.RoleARN)
	p, err := signer.NewCredentialsProvider(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	keys := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			var c aws.Credentials
			if c, errs[i] = signer.Retrieve(ctx, src, p); errs[i] != nil {
				return
			}
			keys[i] = c.AccessKeyID
			errs[i] = PutGet(ctx, m.BucketURL(), fmt.Sprintf("concurrent-%d.txt", i), []byte("x"), c, m.Region)
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("goroutine %d: %v", i, errs[i])
		}
		if keys[i] != keys[0] {
			t.Errorf("goroutine %d got key %s, goroutine 0 %s: more than one AssumeRole", i, keys[i], keys[0])
		}
	}
}

// TestCredentialsMotoWebIdentity: WebIdentity reads the token file and
// calls AssumeRoleWithWebIdentity at STSEndpoint; the role credentials sign
// an S3 request that moto verifies. moto 5 answers unsigned STS calls with
// a 500 when IAM authentication is on, so that one call is let through
// unchecked and authentication is proved on right after it. moto does not
// validate the token itself.
func TestCredentialsMotoWebIdentity(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMotoWith(t, MotoOptions{OpenActions: 1})
	ctx := testContext(t)
	token := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzaWdydW4tZTJlIn0.c2lnbmF0dXJl"
	tokenFile := writeFile(t, dir, "web-identity-token", token)
	src := signer.CredentialSource{
		Name:        `credentials "oidc" (ci.hcl:1)`,
		WebIdentity: &signer.WebIdentity{RoleARN: m.RoleARN, TokenFile: tokenFile, SessionName: "sigrun-e2e-oidc"},
		STSEndpoint: m.Endpoint,
		Region:      m.Region,
	}
	creds := mustRetrieve(t, ctx, src)
	if err := m.CheckAuthOn(ctx); err != nil {
		t.Fatal(err)
	}
	if creds.SessionToken == "" {
		t.Fatal("web identity credentials have no session token")
	}
	if err := PutGet(ctx, m.BucketURL(), "web-identity.txt", []byte("x"), creds, m.Region); err != nil {
		t.Fatal(err)
	}

	// A missing token file is reported as such, naming the source.
	src.WebIdentity.TokenFile = tokenFile + ".missing"
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{token}, "web identity", "cannot be read", tokenFile+".missing")
}
