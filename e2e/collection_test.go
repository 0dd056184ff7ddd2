package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/command"
)

// runCollection runs `sigrun run DIR` in-process with the given files and
// --var values, returning the exit code and the output.
func runCollection(t *testing.T, files map[string]string, vars ...string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"run", dir}
	for _, v := range vars {
		args = append(args, "--var", v)
	}
	var out bytes.Buffer
	code := command.Main(context.Background(), args, &command.Process{Stdout: &out, Stderr: &out, Environ: os.Environ()})
	return code, out.String()
}

// assumeRoleCollection: static base keys, a role assumed through moto's
// STS with them, and S3 requests signed with the role's temporary
// credentials and session token.
const assumeRoleCollection = `
variable "endpoint" { type = string }
variable "bucket" { type = string }
variable "role_arn" { type = string }
variable "access_key_id" { type = string }
variable "secret_access_key" {
  type      = string
  sensitive = true
}

credentials "base" {
  access_key_id     = var.access_key_id
  secret_access_key = var.secret_access_key
}

credentials "role" {
  sts_endpoint = var.endpoint
  region       = "us-east-1"
  assume_role {
    role_arn     = var.role_arn
    session_name = "sigrun-collection"
    source       = credentials.base
  }
}

endpoint "bucket" {
  url = "${var.endpoint}/${var.bucket}"
  auth "aws_sigv4" {
    credentials = credentials.role
    service     = "s3"
    region      = "us-east-1"
  }
}

request "put" {
  endpoint = endpoint.bucket
  method   = "PUT"
  path     = "/collection/hello.txt"
  body     = "signed by a collection with role credentials"
  expect { status = 200 }
}

request "get" {
  endpoint   = endpoint.bucket
  path       = "/collection/hello.txt"
  depends_on = [request.put]
  expect {
    status        = 200
    body_contains = "role credentials"
  }
}
`

// (The key is plain: moto's own signature check disagrees with S3 on keys
// with encoded characters; TestCollectionS3KeysMinIO covers those against
// MinIO, whose checks are S3's.)
//
// A collection whose credentials block assumes a role through moto's STS
// signs S3 requests with the temporary credentials, which moto (signature
// checking on) accepts. A wrong role ARN or a wrong base key is a clear
// error naming the block.
func TestCollectionAssumeRoleMoto(t *testing.T) {
	isolateAWS(t)
	m := StartMoto(t)
	vars := func(role, secret string) []string {
		return []string{"endpoint=" + m.Endpoint, "bucket=" + m.Bucket, "role_arn=" + role,
			"access_key_id=" + m.AccessKeyID, "secret_access_key=" + secret}
	}
	files := map[string]string{"main.hcl": assumeRoleCollection}

	code, out := runCollection(t, files, vars(m.RoleARN, m.SecretAccessKey)...)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "2 passed, 0 failed, 0 skipped") {
		t.Fatalf("exit %d\n%s", code, out)
	}

	for name, v := range map[string][]string{
		"wrong role ARN": vars(strings.Replace(m.RoleARN, "role/", "role/no-such-", 1), m.SecretAccessKey),
		"wrong base key": vars(m.RoleARN, "not-the-"+m.SecretAccessKey[8:]),
	} {
		t.Run(name, func(t *testing.T) {
			code, out := runCollection(t, files, v...)
			if code != 1 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			if !strings.Contains(out, `credentials "role" (`) || !strings.Contains(out, "main.hcl:") {
				t.Errorf("the error does not name the credentials block:\n%s", out)
			}
			if strings.Contains(out, m.SecretAccessKey) {
				t.Error("the output shows the secret key")
			}
			if !strings.HasSuffix(strings.TrimSpace(out), "0 passed, 1 failed, 1 skipped") {
				t.Errorf("summary:\n%s", out)
			}
		})
	}
}

// s3KeysCollection puts and gets objects whose keys need encoding: a space,
// +, =, :, and unicode, each sent and signed as S3 expects.
const s3KeysCollection = `
variable "endpoint" { type = string }
variable "bucket" { type = string }
variable "access_key_id" { type = string }
variable "secret_access_key" {
  type      = string
  sensitive = true
}
credentials "root" {
  access_key_id     = var.access_key_id
  secret_access_key = var.secret_access_key
}
endpoint "bucket" {
  url = "${var.endpoint}/${var.bucket}"
  auth "aws_sigv4" {
    credentials = credentials.root
    service     = "s3"
    region      = "us-east-1"
  }
}
request "put" {
  for_each = toset(["hello world.txt", "a+b.txt", "k=v:w.txt", "ünïcødé ✓.txt"])
  endpoint = endpoint.bucket
  method   = "PUT"
  path     = "/keys/${each.key}"
  body     = "content of ${each.key}"
  expect { status = 200 }
}
request "get" {
  for_each = request.put
  endpoint = endpoint.bucket
  path     = "/keys/${each.key}"
  expect {
    status        = 200
    body_contains = "content of ${each.key}"
  }
}
`

// Keys with characters that other tools sign wrong, against MinIO's strict
// S3 signature checks: each one put and read back.
func TestCollectionS3KeysMinIO(t *testing.T) {
	isolateAWS(t)
	m := StartMinIO(t)
	code, out := runCollection(t, map[string]string{"main.hcl": s3KeysCollection},
		"endpoint="+m.Endpoint, "bucket="+m.Bucket, "access_key_id="+m.RootUser, "secret_access_key="+m.RootPassword)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "8 passed, 0 failed, 0 skipped") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
