package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ESetupScriptPinsMinIO: scripts/e2e-setup.sh builds the MinIO
// version the helpers look for, into the folder they look in, and is valid
// bash.
func TestE2ESetupScriptPinsMinIO(t *testing.T) {
	script := filepath.Join("..", SetupCommand)
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{
		"MINIO_VERSION=" + MinIOVersion + "\n",
		"MINIO_MODULE=github.com/minio/minio\n",
		`CACHE="${SIGRUN_CACHE:-$HOME/.cache/sigrun}"`,
		`MINIO_BIN="$BIN_DIR/minio-$MINIO_VERSION"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %q", script, want)
		}
	}
	if st, err := os.Stat(script); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable", script)
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", script, err, out)
		}
	}
}

// fakeTB records what Missing does instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skip(args ...any)                  { f.skipped = strings.TrimSpace(strings.Join(strs(args), " ")) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.failed = format }

func strs(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i], _ = a.(string)
	}
	return out
}

// TestE2EMissingBinarySkipsOrFails: a missing server skips the test with
// the reason and the install command, unless SIGRUN_E2E_REQUIRED=1, where
// it fails.
func TestE2EMissingBinarySkipsOrFails(t *testing.T) {
	t.Setenv(RequiredEnv, "")
	f := &fakeTB{TB: t}
	Missing(f, "no MinIO server binary at /nowhere", SetupCommand)
	if f.failed != "" || !strings.Contains(f.skipped, "/nowhere") || !strings.Contains(f.skipped, SetupCommand) {
		t.Errorf("without %s: skipped %q, failed %q", RequiredEnv, f.skipped, f.failed)
	}

	t.Setenv(RequiredEnv, "1")
	f = &fakeTB{TB: t}
	Missing(f, "no MinIO server binary at /nowhere", SetupCommand)
	if f.failed == "" {
		t.Errorf("with %s=1 a missing server must fail the test", RequiredEnv)
	}

	// The real helpers take that path for a binary that is not there.
	t.Setenv(RequiredEnv, "")
	t.Setenv(MinIOBinEnv, filepath.Join(t.TempDir(), "no-minio"))
	ran := t.Run("minio", func(t *testing.T) { StartMinIO(t) })
	if !ran {
		t.Error("StartMinIO without a binary should skip, not fail")
	}
}

// TestE2ENoEgress: the suite's guard against traffic off the machine: an
// HTTP request to a non-loopback host goes to a closed loopback proxy and
// fails at once.
func TestE2ENoEgress(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://sts.amazonaws.com/", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("a request to a public host went through")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("want the request refused by the loopback guard proxy, got %v", err)
	}
}
