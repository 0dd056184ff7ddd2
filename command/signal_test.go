package command_test

// Interruption with the real binary (issue 9): sigrun is built into a
// temporary folder, started against a slow server on 127.0.0.1, and sent
// SIGINT (Ctrl-C) or SIGTERM while requests are in flight. Within a second
// the requests in flight are cancelled, the summary and every report are
// written with what completed (the rest "not run"), and the exit code is
// 130.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/command"
)

// relBuildSigrun builds the sigrun binary into a temporary folder.
func relBuildSigrun(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "sigrun")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/sigrun-dev/sigrun")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestSignalInterruptsRealBinary(t *testing.T) {
	bin := relBuildSigrun(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { relTestSignal(t, bin, sig) })
	}
}

func relTestSignal(t *testing.T, bin string, sig syscall.Signal) {
	// The slow server holds /slow until the client goes away, and says
	// when each request arrived and when its client cancelled it.
	var mu sync.Mutex
	var cancelled []time.Time
	inFlight := make(chan struct{}, 8)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/slow" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ok":true}`)
			return
		}
		inFlight <- struct{}{}
		select {
		case <-r.Context().Done():
			mu.Lock()
			cancelled = append(cancelled, time.Now())
			mu.Unlock()
		case <-stop:
		case <-time.After(60 * time.Second):
		}
	}))
	defer srv.Close()
	defer close(stop)

	dir := t.TempDir()
	coll := fmt.Sprintf(`
request "fast" {
  url = "%[1]s/fast"
}
request "slow_a" {
  url        = "%[1]s/slow"
  timeout    = "60s"
  depends_on = [request.fast]
}
request "slow_b" {
  url        = "%[1]s/slow"
  timeout    = "60s"
  depends_on = [request.fast]
}
request "after_slow" {
  url = "%[1]s/fast?s=${request.slow_a.response.status}"
}
output "fast_status" {
  value = request.fast.response.status
}
output "slow_status" {
  value = request.slow_a.response.status
}
`, srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(coll), 0o644); err != nil {
		t.Fatal(err)
	}
	outputs := filepath.Join(t.TempDir(), "outputs.json")
	reportJSON := filepath.Join(t.TempDir(), "report.json")
	reportJUnit := filepath.Join(t.TempDir(), "report.xml")
	args := []string{"run", dir, "--parallel", "4", "--outputs", outputs}
	withReports := relHasJSONReport(t)
	if withReports {
		args = append(args, "--report", "json="+reportJSON, "--report", "junit="+reportJUnit)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr command.LockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Both slow requests are in flight (so fast has passed).
	for range 2 {
		select {
		case <-inFlight:
		case err := <-exited:
			t.Fatalf("sigrun exited before the signal: %v\n%s\n%s", err, stdout.String(), stderr.String())
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("the slow requests never arrived\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	select {
	case waitErr = <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("sigrun did not exit within 10s of %s\n%s", sig, stdout.String())
	}
	took := time.Since(sent)
	t.Logf("%s: exited %s after the signal", sig, took.Round(time.Millisecond))
	if took > time.Second {
		t.Errorf("sigrun took %s to exit after %s, want under 1s", took, sig)
	}
	code := cmd.ProcessState.ExitCode()
	if code != 130 {
		t.Errorf("exit code %d (%v), want 130\n%s\n%s", code, waitErr, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if got := lastLine(out); got != "1 passed, 0 failed, 3 skipped" {
		t.Errorf("last line %q, want %q\n%s", got, "1 passed, 0 failed, 3 skipped", out)
	}
	if !strings.Contains(out, "Interrupted") {
		t.Errorf("no interruption notice:\n%s", out)
	}
	// The server saw both requests in flight cancelled, within a second.
	mu.Lock()
	for _, c := range cancelled {
		if d := c.Sub(sent); d > time.Second {
			t.Errorf("a request in flight was cancelled %s after the signal", d)
		}
	}
	if len(cancelled) != 2 {
		t.Errorf("%d requests in flight were cancelled, want 2", len(cancelled))
	}
	mu.Unlock()

	// The outputs file has what completed.
	b, err := os.ReadFile(outputs)
	if err != nil {
		t.Fatalf("--outputs was not written: %v", err)
	}
	var outs map[string]any
	if err := json.Unmarshal(b, &outs); err != nil || outs["fast_status"] != float64(200) || outs["slow_status"] != nil {
		t.Errorf("outputs %s (%v)", b, err)
	}
	if !withReports {
		t.Log("run has no --report json=FILE: the summary line and --outputs were checked")
		return
	}
	rep := relReadReport(t, reportJSON)
	s := rep.Summary
	if !s.Interrupted || s.OK || s.Total != 4 || s.Passed != 1 || s.Failed != 0 || s.Skipped+s.NotRun != 3 || s.NotRun == 0 {
		t.Errorf("JSON report summary %+v", s)
	}
	for _, r := range rep.Requests {
		want := "not_run"
		if r.Name == "fast" {
			want = "passed"
		}
		if r.Outcome != want {
			t.Errorf("JSON report: %s is %q, want %q (%s)", r.Name, r.Outcome, want, r.SkipReason)
		}
		if want == "not_run" && !strings.Contains(r.SkipReason, "interrupted") {
			t.Errorf("JSON report: %s skip reason %q", r.Name, r.SkipReason)
		}
	}
	junit, err := os.ReadFile(reportJUnit)
	if err != nil || !bytes.Contains(junit, []byte("<testsuite")) || !bytes.Contains(junit, []byte("slow_a")) {
		t.Errorf("JUnit report (%v):\n%s", err, junit)
	}
}
