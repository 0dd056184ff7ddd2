package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequiredEnv, when "1", turns a missing server binary from a skip into a
// failure (CI sets it).
const RequiredEnv = "SIGRUN_E2E_REQUIRED"

// SetupCommand installs the servers the suite needs.
const SetupCommand = "scripts/e2e-setup.sh"

// Limits that keep every test bounded.
const (
	// StartTimeout bounds how long a server may take to become ready.
	StartTimeout = 60 * time.Second
	// StopTimeout bounds how long a server may take to exit after SIGTERM
	// before it is killed.
	StopTimeout = 5 * time.Second
)

// Required reports whether missing servers fail the suite instead of
// skipping it.
func Required() bool { return os.Getenv(RequiredEnv) == "1" }

// Missing skips t (or, when Required, fails it) because a server binary is
// not installed.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s; install it with: %s", what, install)
	if Required() {
		t.Fatalf("%s (%s=1, so this is a failure, not a skip)", msg, RequiredEnv)
	}
	t.Skip(msg)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free port on 127.0.0.1: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Process is a server started by the suite.
type Process struct {
	Name string
	Port int
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error // exit status, valid after done is closed
}

// syncBuffer is a bytes.Buffer safe for the process's writers and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep at most ~1 MiB of log
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Output is what the process printed so far.
func (p *Process) Output() string { return p.out.String() }

// ProcessSpec describes a server to start on a fresh port.
type ProcessSpec struct {
	Name string
	// Args builds the command line for port.
	Args func(port int) []string
	// Env is added to the test process's environment.
	Env []string
	Dir string
	// Ready is polled until it returns nil (or StartTimeout passes).
	Ready func(ctx context.Context, port int) error
}

// StartProcess starts spec on a free 127.0.0.1 port, waits until it is
// ready and stops it (SIGTERM, then SIGKILL) when t ends. It retries twice
// when the server exits at once (e.g. the port was taken in between).
func StartProcess(t testing.TB, spec ProcessSpec) *Process {
	t.Helper()
	var last error
	for attempt := 0; attempt < 3; attempt++ {
		p, err := startOnce(t, spec)
		if err == nil {
			return p
		}
		last = err
		if !errors.Is(err, errExited) {
			break
		}
	}
	t.Fatalf("starting %s: %v", spec.Name, last)
	return nil
}

var errExited = errors.New("exited before it was ready")

func startOnce(t testing.TB, spec ProcessSpec) (*Process, error) {
	port := FreePort(t)
	args := spec.Args(port)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.Dir = spec.Dir
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{Name: spec.Name, Port: port, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.Stop(t) })

	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	started := time.Now()
	for {
		select {
		case <-p.done:
			return nil, fmt.Errorf("%w (%v); output:\n%s", errExited, p.err, tail(p.Output(), 4000))
		default:
		}
		err := spec.Ready(ctx, port)
		if err == nil {
			t.Logf("%s ready on 127.0.0.1:%d after %v", spec.Name, port, time.Since(started).Round(time.Millisecond))
			return p, nil
		}
		select {
		case <-ctx.Done():
			p.Stop(t)
			return nil, fmt.Errorf("not ready after %v (last: %v); output:\n%s", StartTimeout, err, tail(p.Output(), 4000))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop ends the process group it started: SIGTERM, then SIGKILL after
// StopTimeout. It is safe to call more than once.
func (p *Process) Stop(t testing.TB) {
	select {
	case <-p.done:
		return
	default:
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(StopTimeout):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	if t.Failed() {
		t.Logf("%s output (tail):\n%s", p.Name, tail(p.Output(), 4000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// HTTPReady returns a Ready function that GETs path and wants status want.
func HTTPReady(path string, want int) func(ctx context.Context, port int) error {
	return func(ctx context.Context, port int) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+path, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return nil
	}
}

// CacheDir is where scripts/e2e-setup.sh puts what it builds:
// $SIGRUN_CACHE, else $HOME/.cache/sigrun.
func CacheDir() string {
	if d := os.Getenv("SIGRUN_CACHE"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "sigrun-cache")
	}
	return filepath.Join(home, ".cache", "sigrun")
}
