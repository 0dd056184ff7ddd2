package command_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/command"
	"github.com/sigrun-dev/sigrun/signer"
)

func mainWithStdin(t *testing.T, stdin string, out, errOut io.Writer, args ...string) int {
	t.Helper()
	return command.Main(context.Background(), args, &command.Process{Stdin: strings.NewReader(stdin), Stdout: out, Stderr: errOut})
}

const exportKeyID, exportSecret, exportToken = "AKIDEXPORTEXAMPLE", "export/secret/EXAMPLEKEY", "export-session-token"

func exportCollection(t *testing.T, url string) string {
	t.Helper()
	return writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
variable "aws_key" {
  type      = string
  sensitive = true
}
variable "aws_secret" {
  type      = string
  sensitive = true
}
variable "aws_token" {
  type      = string
  sensitive = true
}
variable "api_token" {
  type      = string
  sensitive = true
}
credentials "ci" {
  access_key_id     = var.aws_key
  secret_access_key = var.aws_secret
  session_token     = var.aws_token
}
endpoint "api" {
  url = var.base_url
  auth "aws_sigv4" {
    credentials = credentials.ci
    service     = "execute-api"
    region      = "eu-west-1"
  }
}
request "create" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  query    = { b = "2", a = "x y" }
  json     = { name = "it's" }
}
request "get" {
  endpoint = endpoint.api
  path     = "/items/${request.create.response.json.id}"
}
request "computed" {
  endpoint = endpoint.api
  path     = "/items/${request.create.response.status + 1}"
}
request "bearer" {
  url     = "${var.base_url}/me"
  headers = { "X-Token-Echo" = "t=${var.api_token}" }
  auth "bearer" { token = var.api_token }
}
request "plain" {
  url  = "${var.base_url}/plain"
  body = "hello"
  auth "none" {}
}
`})
}

func exportVars(url string) []string {
	return []string{"--var", "base_url=" + url, "--var", "aws_key=" + exportKeyID, "--var", "aws_secret=" + exportSecret,
		"--var", "aws_token=" + exportToken, "--var", "api_token=tok-123"}
}

func TestExportCurl(t *testing.T) {
	dir := exportCollection(t, "http://127.0.0.1:1")
	vars := exportVars("http://127.0.0.1:1")
	res := run(t, context.Background(), nil, append([]string{"export", "curl", "request.create", dir}, vars...)...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{
		"curl -X POST 'http://127.0.0.1:1/items?a=x%20y&b=2' \\\n",
		"--aws-sigv4 aws:amz:eu-west-1:execute-api",
		`--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`,
		`-H "x-amz-security-token: $AWS_SESSION_TOKEN"`,
		`-H 'Content-Type: application/json'`,
		`--data-raw '{"name":"it'\''s"}'`,
		"# AWS keys: AWS_ACCESS_KEY_ID = var.aws_key",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	for _, secret := range []string{exportSecret, exportToken, exportKeyID, "tok-123"} {
		if strings.Contains(res.stdout+res.stderr, secret) {
			t.Errorf("the export shows the secret %q:\n%s", secret, res.stdout)
		}
	}

	// A value from a response is a placeholder.
	res = run(t, context.Background(), nil, append([]string{"export", "curl", "get", dir}, vars...)...)
	if res.code != 0 || !strings.Contains(res.stdout, "'http://127.0.0.1:1/items/${UNKNOWN: request.create.response.json.id}'") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "request.create.response.json.id is known only during a run") {
		t.Errorf("stderr: %s", res.stderr)
	}

	// ... unless it is computed on: then export says it cannot.
	res = run(t, context.Background(), nil, append([]string{"export", "curl", "request.computed", dir}, vars...)...)
	if res.code != 2 || !strings.Contains(res.stderr, "Cannot export this request") {
		t.Errorf("computed: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// Bearer: the token and a sensitive value in a header are references.
	res = run(t, context.Background(), nil, append([]string{"export", "curl", "request.bearer", dir}, vars...)...)
	if res.code != 0 || !strings.Contains(res.stdout, `-H "Authorization: Bearer $API_TOKEN"`) || !strings.Contains(res.stdout, `-H "X-Token-Echo: t=$API_TOKEN"`) {
		t.Errorf("bearer: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	for _, tc := range []struct{ addr, want string }{
		{"request.nope", "No such request"},
		{"request.get[0]", "neither for_each nor count"},
		{"resp..", "Invalid request address"},
	} {
		res = run(t, context.Background(), nil, append([]string{"export", "curl", tc.addr, dir}, vars...)...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q", tc.addr, res.code, res.stderr)
		}
	}
}

// The exported command, run by the real curl with the secrets in its
// environment, sends what sigrun would: its SigV4 signature verifies.
func TestExportCurlRunsWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("sh is not installed")
	}
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		line := r.Method + " " + r.URL.RequestURI() + " " + string(body)
		if strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-") {
			sum := sha256.Sum256(body)
			err := signer.Verify(r, hex.EncodeToString(sum[:]), func(id string) (aws.Credentials, bool) {
				return aws.Credentials{AccessKeyID: exportKeyID, SecretAccessKey: exportSecret}, id == exportKeyID
			}, time.Now(), signer.VerifyOptions{Service: "execute-api", Region: "eu-west-1"})
			if err != nil {
				line += " SIGNATURE: " + err.Error()
			} else {
				line += " signed token=" + r.Header.Get("X-Amz-Security-Token")
			}
		} else {
			line += " auth=" + r.Header.Get("Authorization") + " type=" + r.Header.Get("Content-Type")
		}
		mu.Lock()
		got = append(got, line)
		mu.Unlock()
		w.Write([]byte(`{"id":"1"}`))
	}))
	defer srv.Close()
	dir := exportCollection(t, srv.URL)
	env := []string{"PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + exportKeyID, "AWS_SECRET_ACCESS_KEY=" + exportSecret,
		"AWS_SESSION_TOKEN=" + exportToken, "API_TOKEN=tok-123"}
	for _, name := range []string{"create", "bearer", "plain"} {
		res := run(t, context.Background(), nil, append([]string{"export", "curl", name, dir}, exportVars(srv.URL)...)...)
		if res.code != 0 {
			t.Fatalf("%s: exit %d\n%s", name, res.code, res.stderr)
		}
		cmd := exec.Command(sh, "-c", strings.Replace(res.stdout, "curl ", curl+" -sS -o /dev/null --max-time 20 ", 1))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: curl failed: %v\n%s\n%s", name, err, out, res.stdout)
		}
	}
	want := []string{
		`POST /items?a=x%20y&b=2 {"name":"it's"} signed token=` + exportToken,
		`GET /me  auth=Bearer tok-123 type=`,
		`POST /plain hello auth= type=`,
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the server saw:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
