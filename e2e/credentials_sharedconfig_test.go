package e2e

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/signer"
)

// processScript writes an executable credential_process that prints json
// (and appends a line to calls on every run).
func processScript(t *testing.T, dir, name, json string) (script, calls string) {
	t.Helper()
	calls = filepath.Join(dir, name+".calls")
	jsonFile := writeFile(t, dir, name+".json", json)
	script = writeFile(t, dir, name+".sh", fmt.Sprintf("#!/bin/sh\necho run >> '%s'\ncat '%s'\n", calls, jsonFile))
	if err := chmodX(script); err != nil {
		t.Fatal(err)
	}
	return script, calls
}

func processJSON(akid, secret, token string, expires time.Time) string {
	s := fmt.Sprintf(`{"Version": 1, "AccessKeyId": %q, "SecretAccessKey": %q`, akid, secret)
	if token != "" {
		s += fmt.Sprintf(`, "SessionToken": %q`, token)
	}
	if !expires.IsZero() {
		s += fmt.Sprintf(`, "Expiration": %q`, expires.UTC().Format(time.RFC3339))
	}
	return s + "}\n"
}

// TestCredentialsSharedConfigStaticProfile: a profile with static keys in a
// shared credentials file named by the source signs an S3 PUT/GET that moto
// verifies.
func TestCredentialsSharedConfigStaticProfile(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	cfg := writeFile(t, dir, "cfg", "[profile ci]\nregion = us-east-1\n")
	creds := writeFile(t, dir, "creds", fmt.Sprintf("[ci]\naws_access_key_id = %s\naws_secret_access_key = %s\n", m.AccessKeyID, m.SecretAccessKey))
	src := signer.CredentialSource{Name: `credentials "ci"`, Profile: "ci", SharedConfigFiles: []string{cfg}, SharedCredentialsFiles: []string{creds}}
	c := mustRetrieve(t, ctx, src)
	if c.AccessKeyID != m.AccessKeyID {
		t.Fatalf("got key %s, want the profile's", c.AccessKeyID)
	}
	if err := PutGet(ctx, m.BucketURL(), "static-profile.txt", []byte("x"), c, m.Region); err != nil {
		t.Fatal(err)
	}
}

// roleConfig is a config file with profile "base" (keys in the credentials
// file) and profile "role" assuming m.RoleARN with source_profile base;
// stsSection adds a services section pointing STS at moto.
func roleConfig(t *testing.T, dir string, m *Moto, stsSection bool) (cfg, creds string) {
	t.Helper()
	services := ""
	if stsSection {
		services = "services = moto\n"
	}
	c := fmt.Sprintf("[profile base]\nregion = us-east-1\n\n[profile role]\nrole_arn = %s\nsource_profile = base\nrole_session_name = sigrun-e2e-profile\nregion = us-east-1\n%s", m.RoleARN, services)
	c += fmt.Sprintf("\n[profile ext]\nrole_arn = %s\nexternal_id = %s\nsource_profile = base\nregion = us-east-1\n%s", m.ExternalIDRoleARN, m.ExternalID, services)
	if stsSection {
		c += fmt.Sprintf("\n[services moto]\nsts =\n  endpoint_url = %s\n", m.Endpoint)
	}
	cfg = writeFile(t, dir, "role-config", c)
	creds = writeFile(t, dir, "role-credentials", fmt.Sprintf("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", m.AccessKeyID, m.SecretAccessKey))
	return cfg, creds
}

// TestCredentialsSharedConfigSourceProfileRole: role_arn + source_profile
// in the config file, STS reached through a services section
// (endpoint_url), all resolved by the SDK; the role credentials sign a
// request moto verifies. external_id in a profile works too.
func TestCredentialsSharedConfigSourceProfileRole(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	cfg, creds := roleConfig(t, dir, m, true)
	for _, profile := range []string{"role", "ext"} {
		src := signer.CredentialSource{Name: `credentials "` + profile + `"`, Profile: profile, SharedConfigFiles: []string{cfg}, SharedCredentialsFiles: []string{creds}}
		c := mustRetrieve(t, ctx, src)
		if c.SessionToken == "" || c.AccessKeyID == m.AccessKeyID {
			t.Fatalf("profile %s: want role credentials, got key %s", profile, c.AccessKeyID)
		}
		if err := PutGet(ctx, m.BucketURL(), "profile-"+profile+".txt", []byte("x"), c, m.Region); err != nil {
			t.Fatalf("profile %s: %v", profile, err)
		}
	}
}

// TestCredentialsSharedConfigDefaultChainFromEnv: no attributes at all —
// the SDK's default chain — with AWS_PROFILE, AWS_CONFIG_FILE,
// AWS_SHARED_CREDENTIALS_FILE and AWS_ENDPOINT_URL_STS from the
// environment.
func TestCredentialsSharedConfigDefaultChainFromEnv(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	cfg, creds := roleConfig(t, dir, m, false)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_PROFILE", "role")
	t.Setenv("AWS_ENDPOINT_URL_STS", m.Endpoint)
	src := signer.CredentialSource{Name: "the default AWS credential chain"}
	c := mustRetrieve(t, ctx, src)
	if c.SessionToken == "" {
		t.Fatal("want role credentials from the profile named by AWS_PROFILE")
	}
	if err := PutGet(ctx, m.BucketURL(), "default-chain.txt", []byte("x"), c, m.Region); err != nil {
		t.Fatal(err)
	}
}

// TestCredentialsSharedConfigSTSEndpointAttribute: STSEndpoint also applies
// to the STS client the SDK builds for a profile's role_arn.
func TestCredentialsSharedConfigSTSEndpointAttribute(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	cfg, creds := roleConfig(t, dir, m, false)
	src := signer.CredentialSource{Name: `credentials "role"`, Profile: "role", SharedConfigFiles: []string{cfg},
		SharedCredentialsFiles: []string{creds}, STSEndpoint: m.Endpoint}
	c := mustRetrieve(t, ctx, src)
	if err := PutGet(ctx, m.BucketURL(), "sts-endpoint.txt", []byte("x"), c, m.Region); err != nil {
		t.Fatal(err)
	}

	// A wrong role in the profile: the error names the source and the
	// profile's role.
	bad := writeFile(t, dir, "bad-role-config", fmt.Sprintf(
		"[profile base]\nregion = us-east-1\n[profile role]\nrole_arn = %s-nope\nsource_profile = base\n", m.RoleARN))
	src.SharedConfigFiles = []string{bad}
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{m.SecretAccessKey}, m.RoleARN+"-nope", "AccessDenied", `profile "role"`)
}

// TestCredentialsSharedConfigCredentialProcess: credential_process prints
// the JSON the SDK expects; its keys sign a request moto verifies.
func TestCredentialsSharedConfigCredentialProcess(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	m := StartMoto(t)
	ctx := testContext(t)
	script, _ := processScript(t, dir, "proc", processJSON(m.AccessKeyID, m.SecretAccessKey, "", time.Now().Add(time.Hour)))
	cfg := writeFile(t, dir, "cfg", "[profile proc]\ncredential_process = "+script+"\n")
	src := signer.CredentialSource{Name: `credentials "proc"`, Profile: "proc", SharedConfigFiles: []string{cfg}}
	c := mustRetrieve(t, ctx, src)
	if !c.CanExpire {
		t.Error("credentials with an Expiration should expire")
	}
	if err := PutGet(ctx, m.BucketURL(), "process.txt", []byte("x"), c, m.Region); err != nil {
		t.Fatal(err)
	}
}

// TestCredentialsSharedConfigExpiredProcess: a credential_process that
// prints credentials whose Expiration has passed is an error that says so
// and how to renew, without the secret.
func TestCredentialsSharedConfigExpiredProcess(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	ctx := testContext(t)
	secret, token := "expired-process-secret-0123456789", "expired-process-session-token-abcdef"
	script, _ := processScript(t, dir, "old", processJSON("ASIAEXPIREDEXAMPLE01", secret, token, time.Now().Add(-time.Hour)))
	cfg := writeFile(t, dir, "cfg", "[profile old]\ncredential_process = "+script+"\n")
	src := signer.CredentialSource{Name: `credentials "old" (main.hcl:7)`, Profile: "old", SharedConfigFiles: []string{cfg}}
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, []string{secret, token}, "expired", "credential_process", `profile "old"`, "future Expiration")
}

// ssoCache writes an SSO token cache entry for key (the sso_session name,
// or the start URL of a legacy profile) under $HOME.
func ssoCache(t *testing.T, home, key, accessToken string, expires time.Time) {
	t.Helper()
	sum := sha1.Sum([]byte(key))
	writeFile(t, home, filepath.Join(".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json"), fmt.Sprintf(
		`{"accessToken": %q, "expiresAt": %q, "region": "us-east-1", "startUrl": "https://sigrun-e2e.example/start"}`,
		accessToken, expires.UTC().Format(time.RFC3339)))
}

// TestCredentialsSharedConfigSSOExpired: an expired SSO token (sso_session
// and legacy profiles) is an error that says the session expired and to run
// `aws sso login --profile X`; the token never shows. No request is made:
// the SSO endpoints point at a closed 127.0.0.1 port anyway.
func TestCredentialsSharedConfigSSOExpired(t *testing.T) {
	home, _, _ := isolateAWS(t)
	ctx := testContext(t)
	token := "sso-access-token-that-must-not-leak"
	cfg := writeFile(t, home, "sso-config", `[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
region = us-east-1

[sso-session corp]
sso_start_url = https://sigrun-e2e.example/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://sigrun-e2e.example/legacy
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Developer
`)
	ssoCache(t, home, "corp", token, time.Now().Add(-time.Hour))
	ssoCache(t, home, "https://sigrun-e2e.example/legacy", token, time.Now().Add(-time.Minute))
	for _, profile := range []string{"dev", "legacy"} {
		src := signer.CredentialSource{Name: `credentials "` + profile + `"`, Profile: profile, SharedConfigFiles: []string{cfg}}
		_, err := retrieve(t, ctx, src)
		msg := wantRetrieveError(t, err, src, []string{token}, "expired", "aws sso login --profile "+profile)
		if !strings.Contains(msg, "* SSO") {
			t.Errorf("profile %s: SSO should be the source marked as used", profile)
		}
	}

	// Never logged in: no cached token at all.
	src := signer.CredentialSource{Name: `credentials "fresh"`, Profile: "dev", SharedConfigFiles: []string{cfg}}
	t.Setenv("HOME", t.TempDir())
	_, err := retrieve(t, ctx, src)
	wantRetrieveError(t, err, src, nil, "no cached SSO token", "aws sso login --profile dev")
}

// TestCredentialsSharedConfigNoSecretInErrors: failures whose SDK errors
// could carry secrets (a credential_process printing broken JSON with the
// secret in it; a profile's session token; static keys) never show them.
func TestCredentialsSharedConfigNoSecretInErrors(t *testing.T) {
	dir, _, _ := isolateAWS(t)
	ctx := testContext(t)
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSIGRUNSECRET"
	token := "FwoGZXIvYXdzEPSIGRUNSESSIONTOKEN//////////wEaDK"
	broken := fmt.Sprintf(`{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": %q, "SessionToken": %q, "Expiration": 12}`, secret, token)
	script, _ := processScript(t, dir, "broken", broken)
	cfg := writeFile(t, dir, "cfg", fmt.Sprintf(`[profile broken]
credential_process = %s

[profile role]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = keys
`, script))
	creds := writeFile(t, dir, "creds", fmt.Sprintf("[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = %s\naws_session_token = %s\n", secret, token))
	closed := "http://127.0.0.1:" + fmt.Sprint(FreePort(t))
	sources := []signer.CredentialSource{
		{Name: `credentials "broken"`, Profile: "broken", SharedConfigFiles: []string{cfg}},
		{Name: `credentials "role"`, Profile: "role", SharedConfigFiles: []string{cfg}, SharedCredentialsFiles: []string{creds}, STSEndpoint: closed},
		{Name: `credentials "static"`, AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: secret, SessionToken: token,
			AssumeRole: &signer.AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/x"}, STSEndpoint: closed},
	}
	// The same secrets in the environment, where the diagnosis looks.
	t.Setenv("AWS_SESSION_TOKEN", token)
	t.Setenv("AWS_MAX_ATTEMPTS", "1") // the closed port need not be retried
	for _, src := range sources {
		_, err := retrieve(t, ctx, src)
		wantRetrieveError(t, err, src, []string{secret, token, "PSIGRUN"})
	}
}
