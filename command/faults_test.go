package command_test

// Fault injection through the command line (issue 9): one collection meets
// a reset connection, a server that never answers, a 503, invalid JSON under
// a JSON content type, a body shorter than its Content-Length, a redirect
// loop, a self-signed certificate and a name that cannot resolve. The run
// exits 1, prints each fault, skips each dependent, runs the independent
// branch, and writes complete reports.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/command"
)

// relMain runs the command line in-process.
func relMain(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = command.Main(ctx, args, &command.Process{Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

// relHasJSONReport reports whether run has --report json=FILE.
func relHasJSONReport(t *testing.T) bool {
	t.Helper()
	_, out, _ := relMain(context.Background(), "run", "--help")
	return strings.Contains(out, "--report") && strings.Contains(out, "json=FILE")
}

// relReport is the part of the JSON report these tests read.
type relReport struct {
	Summary struct {
		Total, Passed, Failed, Skipped int
		NotRun                         int `json:"not_run"`
		Interrupted, OK                bool
	}
	Requests []struct {
		Name, Outcome string
		SkipReason    string `json:"skip_reason"`
		Diagnostics   []struct{ Summary, Detail string }
	}
}

func relReadReport(t *testing.T, path string) *relReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the JSON report was not written: %v", err)
	}
	var rep relReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("the JSON report does not parse: %v\n%s", err, b)
	}
	return &rep
}

func relSelfSignedServer(t *testing.T) *httptest.Server {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "self-signed"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func relFaultServer(t *testing.T) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"ok":true}`) })
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
		time.Sleep(100 * time.Millisecond)
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	mux.HandleFunc("/unavailable", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		io.WriteString(w, "try later")
	})
	mux.HandleFunc("/badjson", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": `)
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n0123456789")
		conn.Close()
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) })
	return srv
}

func TestFaultsThroughMain(t *testing.T) {
	srv := relFaultServer(t)
	tlsSrv := relSelfSignedServer(t)
	// A label longer than 63 bytes is not a valid DNS name: the resolver
	// refuses it on this machine, without sending a query anywhere.
	badHost := strings.Repeat("x", 64) + ".invalid"
	faults := []struct{ name, url, extra, want string }{
		{"reset", srv.URL + "/reset", "", "connection reset by peer"},
		{"hang", srv.URL + "/hang", `timeout = "300ms"`, "no response within the timeout of 300ms"},
		{"unavailable", srv.URL + "/unavailable", "", "Got 503 Service Unavailable"},
		{"bad_json", srv.URL + "/badjson", `expect { json = { id = 1 } }`, "Response is not JSON"},
		{"short", srv.URL + "/short", "", "closed after 10 of the 64 bytes"},
		{"loop", srv.URL + "/loop", "", "stopped after 10 redirects"},
		{"self_signed", tlsSrv.URL + "/", "", "certificate signed by unknown authority"},
		{"no_such_host", "http://" + badHost + "/", "", "no such host"},
	}
	var src strings.Builder
	fmt.Fprintf(&src, "request \"ok\" {\n  url = %q\n}\n", srv.URL+"/ok")
	fmt.Fprintf(&src, "request \"ok_next\" {\n  url = \"%s/ok?s=${request.ok.response.status}\"\n}\n", srv.URL)
	for _, f := range faults {
		fmt.Fprintf(&src, "request %q {\n  url = %q\n  %s\n}\n", f.name, f.url, f.extra)
		fmt.Fprintf(&src, "request \"after_%s\" {\n  url        = %q\n  depends_on = [request.%s]\n}\n", f.name, srv.URL+"/ok", f.name)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", dir}
	reportFile := filepath.Join(t.TempDir(), "report.json")
	withReport := relHasJSONReport(t)
	if withReport {
		args = append(args, "--report", "json="+reportFile)
	}

	begin := time.Now()
	code, stdout, stderr := relMain(context.Background(), args...)
	if d := time.Since(begin); d > 15*time.Second {
		t.Errorf("the run took %s", d)
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	n := len(faults)
	if got, want := lastLine(stdout), fmt.Sprintf("2 passed, %d failed, %d skipped", n, n); got != want {
		t.Errorf("last line %q, want %q\n%s", got, want, stdout)
	}
	for _, f := range faults {
		if !strings.Contains(stdout+stderr, f.want) {
			t.Errorf("%s: the output does not say %q", f.name, f.want)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	if !withReport {
		t.Log("run has no --report json=FILE: the summary line was checked instead")
		return
	}
	rep := relReadReport(t, reportFile)
	s := rep.Summary
	if s.Total != 2+2*n || s.Passed != 2 || s.Failed != n || s.Skipped != n || s.NotRun != 0 || s.OK || s.Interrupted {
		t.Errorf("report summary %+v", s)
	}
	outcomes := map[string]string{}
	for _, r := range rep.Requests {
		outcomes[r.Name] = r.Outcome
		var text strings.Builder
		for _, d := range r.Diagnostics {
			text.WriteString(d.Summary + ": " + d.Detail + "\n")
		}
		for _, f := range faults {
			if r.Name == f.name && !strings.Contains(text.String(), f.want) {
				t.Errorf("report: %s does not say %q:\n%s", f.name, f.want, text.String())
			}
			if r.Name == "after_"+f.name && r.SkipReason != "skipped: request."+f.name+" failed" {
				t.Errorf("report: %s skip reason %q", r.Name, r.SkipReason)
			}
		}
	}
	for _, f := range faults {
		if outcomes[f.name] != "failed" || outcomes["after_"+f.name] != "skipped" {
			t.Errorf("report: %s is %q and its dependent %q", f.name, outcomes[f.name], outcomes["after_"+f.name])
		}
	}
	if outcomes["ok"] != "passed" || outcomes["ok_next"] != "passed" {
		t.Errorf("report: the fault-free branch is %q, %q", outcomes["ok"], outcomes["ok_next"])
	}
}
