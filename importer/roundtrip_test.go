package importer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/sigrun-dev/sigrun/command"
	"github.com/sigrun-dev/sigrun/signer"
)

// newmanVersion is the newman scripts/newman-setup.sh installs.
const newmanVersion = "6.2.2"

// findNewman returns newman's path: $SIGRUN_NEWMAN, or where
// scripts/newman-setup.sh installs it. Without it the test is skipped,
// unless SIGRUN_E2E_REQUIRED=1.
func findNewman(t *testing.T) string {
	t.Helper()
	missing := func(format string, args ...any) string {
		msg := fmt.Sprintf(format, args...) + " (install it with scripts/newman-setup.sh, or set SIGRUN_NEWMAN)"
		if os.Getenv("SIGRUN_E2E_REQUIRED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
		return ""
	}
	path := os.Getenv("SIGRUN_NEWMAN")
	if path == "" {
		cache := os.Getenv("SIGRUN_CACHE")
		if cache == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return missing("newman not found: no home folder")
			}
			cache = filepath.Join(home, ".cache", "sigrun")
		}
		path = filepath.Join(cache, "node", "node_modules", ".bin", "newman")
	}
	if info, err := os.Stat(path); err != nil || info.IsDir() {
		return missing("newman is not installed at %s", path)
	}
	if _, err := exec.LookPath("node"); err != nil {
		return missing("node is not on PATH: newman needs it")
	}
	return path
}

// The secrets of testdata/roundtrip/environment.json, by Postman name, and
// the sigrun variables they became.
var roundTripVars = map[string]string{
	"awsAccessKey":    "aws_access_key",
	"awsSecretKey":    "aws_secret_key",
	"awsSessionToken": "aws_session_token",
	"adminToken":      "admin_token",
	"adminPassword":   "admin_password",
	"searchKey":       "search_key",
}

// ignoredHeaders are transport noise and signature parts, which differ
// between newman and sigrun by design: compared headers are everything
// else. Authorization is compared for bearer and basic; for SigV4 its
// credential scope is compared and the signature verified.
var ignoredHeaders = map[string]string{
	"user-agent":           "each client names itself",
	"accept-encoding":      "each client's own compression support",
	"connection":           "keep-alive is the transport's",
	"content-length":       "the body is compared",
	"host":                 "the same server",
	"date":                 "time",
	"postman-token":        "newman's random id for each request",
	"x-amz-date":           "signing time",
	"x-amz-content-sha256": "Postman adds the payload hash header to every SigV4 request with a body; sigrun only where the service needs it (S3, aoss); both sign the same body",
}

// recorded is what the server saw of one request, normalised.
type recorded struct {
	Method  string
	Path    string
	Query   string            // canonical: sorted, encoded
	Headers map[string]string // lower-case names, ignored ones dropped
	Body    string            // canonical for JSON, forms and multipart
	SigV4   string            // the credential scope, without the date
	SigErr  string
}

type recorder struct {
	mu    sync.Mutex
	phase string
	got   map[string][]recorded
	creds aws.Credentials
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	out := recorded{Method: r.Method, Path: r.URL.EscapedPath(), Headers: map[string]string{}}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	out.Query = q.Encode()
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		v := strings.Join(vs, ", ")
		if _, skip := ignoredHeaders[lk]; skip {
			continue
		}
		switch {
		case lk == "accept" && v == "*/*":
			continue // newman's default Accept; sigrun sends none
		case lk == "cache-control" && v == "no-cache":
			continue // Postman's "send no-cache header" setting, on by default
		case lk == "authorization" && strings.HasPrefix(v, "AWS4-HMAC-SHA256 "):
			sum := sha256.Sum256(body)
			if err := signer.Verify(r, hex.EncodeToString(sum[:]), func(id string) (aws.Credentials, bool) {
				return rec.creds, id == rec.creds.AccessKeyID
			}, time.Now(), signer.VerifyOptions{Service: "execute-api", Region: "eu-west-1"}); err != nil {
				out.SigErr = err.Error()
			}
			_, cred, _ := strings.Cut(v, "Credential=")
			cred, _, _ = strings.Cut(cred, ",")
			parts := strings.Split(cred, "/")
			if len(parts) == 5 {
				parts = append(parts[:1], parts[2:]...) // drop the date
			}
			out.SigV4 = strings.Join(parts, "/")
			continue
		case lk == "content-type" && strings.HasPrefix(v, "multipart/form-data"):
			v = "multipart/form-data" // the boundary differs
		}
		out.Headers[lk] = v
	}
	out.Body = canonicalBody(r.Header.Get("Content-Type"), body)

	rec.mu.Lock()
	rec.got[rec.phase] = append(rec.got[rec.phase], out)
	rec.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Custom", "yes")
	if r.Method == http.MethodPost && r.URL.Path == "/items" {
		w.WriteHeader(http.StatusCreated)
	}
	io.WriteString(w, `{"id":"42","name":"widget"}`)
}

// canonicalBody makes bodies that mean the same compare equal: JSON
// decoded (key order, spacing), forms decoded (order, + or %20 for a
// space), multipart parsed (the boundary), sorted by part name.
func canonicalBody(contentType string, body []byte) string {
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/json":
		var v any
		if json.Unmarshal(body, &v) == nil {
			b, _ := json.Marshal(v)
			return "json: " + string(b)
		}
	case mt == "application/x-www-form-urlencoded":
		if v, err := url.ParseQuery(string(body)); err == nil {
			return "form: " + v.Encode()
		}
	case mt == "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		var parts []string
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			data, _ := io.ReadAll(p)
			parts = append(parts, fmt.Sprintf("%s filename=%q type=%q %q", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data))
		}
		sort.Strings(parts)
		return "multipart: " + strings.Join(parts, " | ")
	}
	return fmt.Sprintf("raw: %q", body)
}

// The round trip: the Postman collection of testdata/roundtrip
// (ten requests and more: every body type, awsv4, bearer, basic and apikey
// auth, variables, folders, scripts) run by newman, then imported and run
// by sigrun, against the same recording server. What each sent must be the
// same, and every SigV4 signature must verify.
func TestImportPostmanRoundTrip(t *testing.T) {
	newman := findNewman(t)
	dir, err := filepath.Abs(filepath.Join("testdata", "roundtrip"))
	if err != nil {
		t.Fatal(err)
	}
	collection := filepath.Join(dir, "collection.json")
	envFile := filepath.Join(dir, "environment.json")

	var env struct {
		Values []struct{ Key, Value string } `json:"values"`
	}
	raw, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, v := range env.Values {
		values[v.Key] = v.Value
	}

	// The phase is set before the server starts: the server's goroutines
	// read it, and a request from the newman process is no
	// synchronisation the race detector can see.
	rec := &recorder{got: map[string][]recorded{}, phase: "newman", creds: aws.Credentials{
		AccessKeyID: values["awsAccessKey"], SecretAccessKey: values["awsSecretKey"], SessionToken: values["awsSessionToken"],
	}}
	srv := httptest.NewUnstartedServer(rec)
	// newman does not exit while a kept-alive connection is open, and the
	// test server never closes one by itself: idle connections are closed
	// after a moment, so that newman ends when its run does.
	srv.Config.IdleTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()

	// newman.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, newman, "run", collection, "-e", envFile,
		"--env-var", "baseUrl="+srv.URL, "--working-dir", dir, "--reporters", "cli", "--color", "off", "--disable-unicode")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("newman failed: %v\n%s", err, out)
	}
	// newman's own checks (the collection's test scripts) passed too:
	// a failed assertion makes it exit non-zero.
	if !strings.Contains(string(out), "assertions") {
		t.Fatalf("newman printed no summary:\n%s", out)
	}

	// sigrun: import, then run.
	outDir := t.TempDir()
	var stdout, stderr bytes.Buffer
	p := &command.Process{Stdout: &stdout, Stderr: &stderr}
	if code := command.Main(context.Background(), []string{"import", "postman", collection, "--environment", envFile, "-o", outDir}, p); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	t.Logf("import warnings:\n%s", stderr.String())
	args := []string{"run", outDir, "--parallel", "1", "--var", "base_url=" + srv.URL}
	for pmName, v := range roundTripVars {
		args = append(args, "--var", v+"="+values[pmName])
	}
	rec.mu.Lock()
	rec.phase = "sigrun"
	rec.mu.Unlock()
	stdout.Reset()
	stderr.Reset()
	if code := command.Main(context.Background(), args, p); code != 0 {
		t.Fatalf("run: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if last := lines[len(lines)-1]; last != "12 passed, 0 failed, 0 skipped" {
		t.Errorf("sigrun run: last line %q\n%s", last, stdout.String())
	}
	for _, s := range []string{values["awsSecretKey"], values["adminToken"], values["adminPassword"], values["searchKey"]} {
		if strings.Contains(stdout.String()+stderr.String(), s) {
			t.Errorf("sigrun's output shows a secret")
		}
	}

	byKey := func(rs []recorded) map[string]recorded {
		m := map[string]recorded{}
		for _, r := range rs {
			key := r.Method + " " + r.Path
			if _, dup := m[key]; dup {
				t.Errorf("two requests %s: the fixture must keep method and path unique", key)
			}
			m[key] = r
		}
		return m
	}
	pm, sg := byKey(rec.got["newman"]), byKey(rec.got["sigrun"])
	if len(pm) != 12 {
		t.Errorf("newman sent %d requests, want 12", len(pm))
	}
	if diff := cmp.Diff(pm, sg); diff != "" {
		t.Errorf("newman and sigrun sent different requests (-newman +sigrun):\n%s", diff)
	}
	signed := 0
	for phase, rs := range rec.got {
		for _, r := range rs {
			if r.SigV4 != "" {
				signed++
			}
			if r.SigErr != "" {
				t.Errorf("%s: %s %s: the signature does not verify: %s", phase, r.Method, r.Path, r.SigErr)
			}
		}
	}
	if signed != 12 {
		t.Errorf("%d SigV4 requests in all, want 6 from each", signed)
	}
}
