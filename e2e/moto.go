package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// MotoServerEnv names the moto_server executable when it is not on PATH.
const MotoServerEnv = "SIGRUN_MOTO_SERVER"

// motoBootstrapActions is the number of AWS actions Moto.bootstrap sends
// before signature checking starts; moto_server is launched with
// INITIAL_NO_AUTH_ACTION_COUNT set to it, so that every action after the
// bootstrap is authenticated (SigV4 verified against the IAM access keys
// moto knows) and authorised (IAM policies evaluated).
const motoBootstrapActions = 8

// Moto is a moto_server with IAM authentication on, and an identity
// created through its IAM API.
type Moto struct {
	*Process
	Endpoint string // http://127.0.0.1:PORT
	Region   string

	AccountID       string
	UserARN         string
	AccessKeyID     string // the IAM user's key; moto verifies its signatures
	SecretAccessKey string
	// RoleARN may be assumed by the user and may use S3.
	RoleARN string
	// ExternalIDRoleARN may be assumed by the user only with ExternalID.
	ExternalIDRoleARN string
	ExternalID        string
	// Bucket exists and the user and both roles may read and write it.
	Bucket string
}

// UserCredentials are the IAM user's long-term keys.
func (m *Moto) UserCredentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: m.AccessKeyID, SecretAccessKey: m.SecretAccessKey, Source: "moto IAM user"}
}

// BucketURL is the path-style URL of Bucket.
func (m *Moto) BucketURL() string { return m.Endpoint + "/" + m.Bucket }

// MotoServerPath finds moto_server ("" if it is not installed).
func MotoServerPath() string {
	if p := os.Getenv(MotoServerEnv); p != "" {
		return p
	}
	p, err := exec.LookPath("moto_server")
	if err != nil {
		return ""
	}
	return p
}

// MotoOptions adjust StartMotoWith.
type MotoOptions struct {
	// OpenActions is the number of actions after the bootstrap that moto
	// still accepts without checking signatures: for unsigned calls such as
	// AssumeRoleWithWebIdentity, which moto 5 cannot serve with IAM
	// authentication on. The test then calls CheckAuthOn itself.
	OpenActions int
}

// StartMoto starts a moto_server on 127.0.0.1 with signature checking
// switched on after a bootstrap that creates a user with an access key, two
// roles and a bucket; it is stopped when t ends. Without moto_server the
// test is skipped (failed when SIGRUN_E2E_REQUIRED=1).
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	return StartMotoWith(t, MotoOptions{})
}

// StartMotoWith is StartMoto with options.
func StartMotoWith(t testing.TB, opts MotoOptions) *Moto {
	t.Helper()
	bin := MotoServerPath()
	const install = "pip install 'moto[server]' (then check with " + SetupCommand + ")"
	if bin == "" {
		Missing(t, "moto_server is not on PATH (nor in $"+MotoServerEnv+")", install)
	} else if st, err := os.Stat(bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		Missing(t, fmt.Sprintf("no moto_server executable at %s", bin), install)
	}
	p := StartProcess(t, ProcessSpec{
		Name: "moto_server",
		Args: func(port int) []string { return []string{bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port)} },
		Env: []string{
			"INITIAL_NO_AUTH_ACTION_COUNT=" + strconv.Itoa(motoBootstrapActions+opts.OpenActions),
			// moto's own credentials lookups must never leave the machine.
			"AWS_EC2_METADATA_DISABLED=true",
			"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=",
		},
		Ready: HTTPReady("/moto-api/", http.StatusOK),
	})
	m := &Moto{Process: p, Endpoint: "http://127.0.0.1:" + strconv.Itoa(p.Port), Region: "us-east-1", Bucket: "sigrun-e2e"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*RequestTimeout)
	defer cancel()
	if err := m.bootstrap(ctx); err != nil {
		t.Fatalf("moto bootstrap: %v\nmoto output:\n%s", err, tail(p.Output(), 3000))
	}
	if opts.OpenActions == 0 {
		if err := m.CheckAuthOn(ctx); err != nil {
			t.Fatalf("moto: %v", err)
		}
	}
	return m
}

func policy(statements ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b)
}

// bootstrap sends exactly motoBootstrapActions actions, while moto does not
// check signatures yet (the keys are moto's placeholders, never checked).
func (m *Moto) bootstrap(ctx context.Context) error {
	client := iam.New(iam.Options{
		Region:       m.Region,
		BaseEndpoint: aws.String(m.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIABOOTSTRAPEXAMPLE", "bootstrap-secret-not-checked", ""),
		Retryer:      aws.NopRetryer{}, // one request per action: the count matters
		HTTPClient:   Client,
	})
	const user, role, extRole = "sigrun-e2e", "sigrun-e2e-role", "sigrun-e2e-external-role"
	m.ExternalID = "sigrun-e2e-external-id"

	u, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}) // 1
	if err != nil {
		return fmt.Errorf("CreateUser: %w", err)
	}
	m.UserARN = aws.ToString(u.User.Arn)
	parts := strings.Split(m.UserARN, ":")
	if len(parts) < 5 {
		return fmt.Errorf("CreateUser: odd ARN %q", m.UserARN)
	}
	m.AccountID = parts[4]
	m.RoleARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", m.AccountID, role)
	m.ExternalIDRoleARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", m.AccountID, extRole)

	k, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)}) // 2
	if err != nil {
		return fmt.Errorf("CreateAccessKey: %w", err)
	}
	m.AccessKeyID, m.SecretAccessKey = aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)

	// The user may assume exactly the two roles (so a wrong role ARN is
	// refused) and use S3.
	if _, err := client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{ // 3
		UserName: aws.String(user), PolicyName: aws.String("sigrun-e2e"),
		PolicyDocument: aws.String(policy(
			map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": []string{m.RoleARN, m.ExternalIDRoleARN}},
			map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
		)),
	}); err != nil {
		return fmt.Errorf("PutUserPolicy: %w", err)
	}
	trust := func(cond map[string]any) string {
		st := map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": m.UserARN}, "Action": "sts:AssumeRole"}
		if cond != nil {
			st["Condition"] = cond
		}
		return policy(st)
	}
	s3All := policy(map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
	for _, r := range []struct {
		name, trust string
	}{
		{role, trust(nil)},
		{extRole, trust(map[string]any{"StringEquals": map[string]any{"sts:ExternalId": m.ExternalID}})},
	} {
		if _, err := client.CreateRole(ctx, &iam.CreateRoleInput{ // 4, 6
			RoleName: aws.String(r.name), AssumeRolePolicyDocument: aws.String(r.trust),
		}); err != nil {
			return fmt.Errorf("CreateRole %s: %w", r.name, err)
		}
		if _, err := client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{ // 5, 7
			RoleName: aws.String(r.name), PolicyName: aws.String("s3"), PolicyDocument: aws.String(s3All),
		}); err != nil {
			return fmt.Errorf("PutRolePolicy %s: %w", r.name, err)
		}
	}
	// 8: the bucket, signed by sigrun with the user's keys.
	resp, err := SignedRequest(ctx, http.MethodPut, m.BucketURL(), nil, nil, m.UserCredentials(), "s3", m.Region)
	if err != nil {
		return fmt.Errorf("CreateBucket: %w", err)
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("CreateBucket: %s", resp)
	}
	return nil
}

// CheckAuthOn proves that moto verifies signatures: a request signed with
// an unknown key or a wrong secret is refused and one signed with the
// user's key is not.
func (m *Moto) CheckAuthOn(ctx context.Context) error {
	form := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	bogus := aws.Credentials{AccessKeyID: "AKIAUNKNOWNEXAMPLE00", SecretAccessKey: "unknown-secret-for-probe"}
	resp, err := QueryAPI(ctx, m.Endpoint, form, bogus, "sts", m.Region)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusForbidden || ErrorCode(resp.Body) != "InvalidClientTokenId" {
		return fmt.Errorf("signature checking is not on: an unknown key got %s", resp)
	}
	wrongSecret := m.UserCredentials()
	wrongSecret.SecretAccessKey += "x"
	if resp, err = QueryAPI(ctx, m.Endpoint, form, wrongSecret, "sts", m.Region); err != nil {
		return err
	}
	if resp.Status != http.StatusForbidden || ErrorCode(resp.Body) != "SignatureDoesNotMatch" {
		return fmt.Errorf("signature checking is not on: a wrong secret got %s", resp)
	}
	if resp, err = QueryAPI(ctx, m.Endpoint, form, m.UserCredentials(), "sts", m.Region); err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("GetCallerIdentity signed with the user's key: %s", resp)
	}
	return nil
}
