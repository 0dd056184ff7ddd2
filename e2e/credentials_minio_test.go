package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/signer"
)

// TestCredentialsMinIOAssumeRole: MinIO's STS API (POST / with
// Action=AssumeRole&Version=2011-06-15, signed by sigrun for service "sts"
// with the root keys) hands out temporary credentials; an S3 PUT and GET
// signed with them and their session token succeed; a tampered session
// token gets 403.
func TestCredentialsMinIOAssumeRole(t *testing.T) {
	isolateAWS(t)
	m := StartMinIO(t)
	ctx := testContext(t)
	resp, err := m.AssumeRole(ctx, m.RootCredentials(), 900)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("AssumeRole: %s", resp)
	}
	sc, err := ParseAssumeRole(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(sc.Expiration); d < 10*time.Minute || d > 16*time.Minute {
		t.Errorf("a 900 s session expires in %v", d)
	}
	creds := sc.AWS()
	if err := PutGet(ctx, m.BucketURL(), "minio-sts.txt", []byte("temporary credentials"), creds, m.Region); err != nil {
		t.Fatal(err)
	}

	tampered := creds
	i := len(tampered.SessionToken) / 2
	tampered.SessionToken = tampered.SessionToken[:i] + flip(tampered.SessionToken[i]) + tampered.SessionToken[i+1:]
	got, err := SignedRequest(ctx, http.MethodGet, m.BucketURL()+"/minio-sts.txt", nil, nil, tampered, "s3", m.Region)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != http.StatusForbidden {
		t.Fatalf("tampered session token: got %s, want 403", got)
	}
	t.Logf("tampered token: %d %s", got.Status, ErrorCode(got.Body))

	// The root keys themselves sign too; a wrong root secret does not.
	if err := PutGet(ctx, m.BucketURL(), "minio-root.txt", []byte("root"), m.RootCredentials(), m.Region); err != nil {
		t.Fatal(err)
	}
	wrong := m.RootCredentials()
	wrong.SecretAccessKey += "x"
	if got, err = m.AssumeRole(ctx, wrong, 900); err != nil {
		t.Fatal(err)
	}
	// MinIO's STS says AccessDenied with the signature-mismatch message.
	if got.Status != http.StatusForbidden || !strings.Contains(string(got.Body), "signature we calculated does not match") {
		t.Fatalf("AssumeRole with a wrong root secret: got %s, want 403 and a signature mismatch", got)
	}
}

func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

// TestCredentialsMinIOAssumeRoleSource: the same AssumeRole through a
// CredentialSource (stscreds against STSEndpoint = MinIO) — a second,
// independent STS implementation; a wrong root secret is a clear error
// naming the source, without the secret.
func TestCredentialsMinIOAssumeRoleSource(t *testing.T) {
	isolateAWS(t)
	m := StartMinIO(t)
	ctx := testContext(t)
	src := signer.CredentialSource{
		Name:            `credentials "minio" (storage.hcl:1)`,
		AccessKeyID:     m.RootUser,
		SecretAccessKey: m.RootPassword,
		// MinIO ignores the role of a plain AssumeRole; STS requires one.
		AssumeRole:  &signer.AssumeRole{RoleARN: "arn:aws:iam::000000000000:role/sigrun-e2e", Duration: 15 * time.Minute},
		STSEndpoint: m.Endpoint,
		Region:      m.Region,
	}
	creds := mustRetrieve(t, ctx, src)
	if creds.SessionToken == "" || creds.AccessKeyID == m.RootUser {
		t.Fatalf("want temporary credentials, got key %s", creds.AccessKeyID)
	}
	if err := PutGet(ctx, m.BucketURL(), "minio-source.txt", []byte("x"), creds, m.Region); err != nil {
		t.Fatal(err)
	}

	src.SecretAccessKey = strings.ToUpper(m.RootPassword)
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{m.RootPassword, src.SecretAccessKey}, "signature we calculated does not match", m.Endpoint, "check its access key id and secret access key")
}
