package command_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/demo"
)

// awsEnv points the AWS SDK at credentials of the test's choosing and
// nothing else (no files of the machine, no IMDS).
func awsEnv(t *testing.T, key, secret string) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[demo]\naws_access_key_id = "+demo.AccessKeyID+"\naws_secret_access_key = "+demo.SecretAccessKey+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "config"), nil, 0o600)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": creds,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "",
	} {
		t.Setenv(k, v)
	}
}

func TestCallAndPresign(t *testing.T) {
	srv, err := demo.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	scope := []string{"--service", "execute-api", "--region", "us-east-1"}
	call := func(args ...string) result {
		return run(t, context.Background(), nil, append(append([]string{"call"}, scope...), args...)...)
	}

	t.Run("default chain", func(t *testing.T) {
		awsEnv(t, demo.AccessKeyID, demo.SecretAccessKey)
		res := call("-X", "POST", "-H", "content-type: application/json", "-d", `{"name":"from call"}`, srv.URL()+"/items")
		var item map[string]any
		if res.code != 0 || json.Unmarshal([]byte(res.stdout), &item) != nil || item["name"] != "from call" {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		res = call("-i", "--explain", srv.URL()+"/items/"+item["id"].(string))
		if res.code != 0 || !strings.HasPrefix(res.stdout, "HTTP/1.1 200 OK") {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
		if !strings.Contains(res.stderr, "Canonical request:\nGET\n/demo/items/") || strings.Contains(res.stderr, demo.SecretAccessKey) {
			t.Fatalf("explain:\n%s", res.stderr)
		}
	})
	t.Run("profile", func(t *testing.T) {
		awsEnv(t, "", "")
		if res := call("--profile", "demo", srv.URL()+"/items"); res.code != 0 || !strings.Contains(res.stdout, `"count"`) {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	})
	t.Run("wrong secret is explained", func(t *testing.T) {
		awsEnv(t, demo.AccessKeyID, "a-wrong-secret-for-the-demo-api")
		res := call("--fail", srv.URL()+"/items")
		if res.code != 1 || !strings.Contains(res.stderr, "signature mismatch") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if strings.Contains(res.stdout+res.stderr, "a-wrong-secret-for-the-demo-api") {
			t.Fatal("the secret is shown")
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		awsEnv(t, "", "")
		res := call(srv.URL() + "/items")
		if res.code != 1 || !strings.Contains(res.stderr, "no credentials") {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
	})
	t.Run("custom host needs service and region", func(t *testing.T) {
		awsEnv(t, demo.AccessKeyID, demo.SecretAccessKey)
		res := run(t, context.Background(), nil, "call", srv.URL()+"/items")
		if res.code != 2 || !strings.Contains(res.stderr, "set --service and --region") {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
	})
	t.Run("presign", func(t *testing.T) {
		awsEnv(t, demo.AccessKeyID, demo.SecretAccessKey)
		res := run(t, context.Background(), nil, append(append([]string{"presign"}, scope...), "--expires", "5m", srv.URL()+"/items")...)
		if res.code != 0 || !strings.Contains(res.stdout, "X-Amz-Expires=300") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		resp, err := http.Get(strings.TrimSpace(res.stdout)) // no credentials: the URL is enough
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("presigned GET: %d %s", resp.StatusCode, body)
		}
		for _, bad := range []string{"0s", "604801s"} {
			if res := run(t, context.Background(), nil, append(append([]string{"presign"}, scope...), "--expires", bad, srv.URL())...); res.code != 2 {
				t.Errorf("--expires %s: exit %d", bad, res.code)
			}
		}
	})
}
