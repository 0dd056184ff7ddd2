package runner_test

// Proxies (issue 9): HTTP_PROXY, HTTPS_PROXY and NO_PROXY are honoured by
// the runner's clients, the default one and an endpoint's own (tls block).
// sigrun uses Go's http.ProxyFromEnvironment, which reads the environment
// once per process and never proxies localhost or a loopback address; so
// the test runs in a child process of its own, with the environment set
// before the first request, and the targets are names under sigrun.test
// answered by a DNS server on 127.0.0.1. Nothing leaves the machine: the
// proxy maps every target to 127.0.0.1 itself, and every lookup goes to the
// local DNS server.

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/signer"
)

const relProxyChildEnv = "SIGRUN_PROXY_TEST_CHILD"

func TestProxyFromEnvironment(t *testing.T) {
	if os.Getenv(relProxyChildEnv) == "1" {
		relProxyChild(t)
		return
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "REQUEST_METHOD", "SSL_CERT_FILE", "SSL_CERT_DIR":
			continue
		}
		env = append(env, kv)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestProxyFromEnvironment$", "-test.count=1", "-test.v")
	cmd.Env = append(env, relProxyChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProxyFromEnvironment") {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "proxy_test.go") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

// relProxy is a forward (absolute-form) and CONNECT proxy on 127.0.0.1
// that records what it proxies and connects every target host to
// 127.0.0.1, so that no name is ever resolved for it.
type relProxy struct {
	mu   sync.Mutex
	seen []string
}

func (p *relProxy) record(s string) {
	p.mu.Lock()
	p.seen = append(p.seen, s)
	p.mu.Unlock()
}

func (p *relProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

func relLocalAddr(hostport string) string {
	_, port, _ := net.SplitHostPort(hostport)
	return net.JoinHostPort("127.0.0.1", port)
}

func (p *relProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.record("CONNECT " + r.Host)
		up, err := net.Dial("tcp", relLocalAddr(r.Host))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { io.Copy(up, conn); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	p.record(r.Method + " " + r.URL.String())
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = relLocalAddr(r.URL.Host)
	out.Host = r.Host
	resp, err := (&http.Transport{}).RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func relProxyChild(t *testing.T) {
	// Every lookup in this process goes to a DNS server on 127.0.0.1 that
	// knows sigrun.test (all 127.0.0.1) and nothing else.
	dns := newRelDNS(t, "sigrun.test")
	net.DefaultResolver = dns.resolver()

	dir := t.TempDir()
	cert := relSelfSigned(t, "secure.sigrun.test")
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var backendSaw []string
	creds := aws.Credentials{AccessKeyID: "AKIDPROXYTEST", SecretAccessKey: "proxy-test-secret"}
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		backendSaw = append(backendSaw, r.Host+r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/signed" {
			lookup := func(string) (aws.Credentials, bool) { return creds, true }
			if err := signer.Verify(r, "", lookup, time.Now()); err != nil {
				http.Error(w, "signature: "+err.Error(), http.StatusForbidden)
				return
			}
		}
		fmt.Fprint(w, `{}`)
	})
	plain := relQuietServer(t, backend, nil)
	secure := relQuietServer(t, backend, &tls.Config{Certificates: []tls.Certificate{cert}})
	proxy := &relProxy{}
	proxySrv := relQuietServer(t, proxy, nil)
	_, httpPort, _ := net.SplitHostPort(plain.Listener.Addr().String())
	_, tlsPort, _ := net.SplitHostPort(secure.Listener.Addr().String())

	// Before the first request of the process: Go reads these once.
	os.Setenv("HTTP_PROXY", proxySrv.URL)
	os.Setenv("HTTPS_PROXY", proxySrv.URL)
	os.Setenv("NO_PROXY", "direct.sigrun.test")
	os.Setenv("SSL_CERT_FILE", caFile) // the default client trusts the test certificate

	c := relLoad(t, fmt.Sprintf(`
credentials "static" {
  access_key_id     = %q
  secret_access_key = %q
}
endpoint "secure" {
  url = "https://secure.sigrun.test:%[4]s"
  tls { ca_file = "ca.pem" }
}
request "via_http_proxy" {
  url = "http://api.sigrun.test:%[3]s/plain"
}
request "signed_via_http_proxy" {
  url = "http://api.sigrun.test:%[3]s/signed"
  auth "aws_sigv4" {
    credentials = credentials.static
    service     = "execute-api"
    region      = "us-east-1"
  }
}
request "via_connect" {
  url = "https://secure.sigrun.test:%[4]s/default-client"
}
request "via_connect_tls_block" {
  endpoint = endpoint.secure
  path     = "/tls-block"
}
request "no_proxy" {
  url = "http://direct.sigrun.test:%[3]s/direct"
}
request "loopback" {
  url = "http://127.0.0.1:%[3]s/loopback"
}
`, creds.AccessKeyID, creds.SecretAccessKey, httpPort, tlsPort))
	sum := relNew(t, c, runner.Options{BaseDir: dir}).Run(context.Background())
	for _, r := range sum.Results {
		if r.Outcome != runner.Passed {
			t.Errorf("%s: %v\n%s", r.Name, r.Outcome, relDetail(r))
		}
	}
	seen := proxy.requests()
	t.Logf("the proxy saw: %q", seen)
	t.Logf("the DNS server was asked for: %q", dns.queried())
	want := []string{
		"GET http://api.sigrun.test:" + httpPort + "/plain",
		"GET http://api.sigrun.test:" + httpPort + "/signed",
		"CONNECT secure.sigrun.test:" + tlsPort,
	}
	for _, w := range want {
		if !slices.Contains(seen, w) {
			t.Errorf("the proxy did not see %q", w)
		}
	}
	connects := 0
	for _, s := range seen {
		if strings.Contains(s, "direct.sigrun.test") || strings.Contains(s, "127.0.0.1") {
			t.Errorf("the proxy saw %q: NO_PROXY or the loopback rule was ignored", s)
		}
		if strings.HasPrefix(s, "CONNECT ") {
			connects++
		}
	}
	if connects != 2 {
		t.Errorf("%d CONNECTs, want 2 (the default client and the tls block's)", connects)
	}
	// Proxied names were never looked up here; the NO_PROXY one was.
	q := dns.queried()
	for _, name := range q {
		if strings.HasPrefix(name, "api.") || strings.HasPrefix(name, "secure.") {
			t.Errorf("the client looked up %s itself instead of leaving it to the proxy", name)
		}
	}
	if !slices.Contains(q, "direct.sigrun.test") {
		t.Errorf("direct.sigrun.test was not looked up: %q", q)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, w := range []string{"direct.sigrun.test:" + httpPort + "/direct", "127.0.0.1:" + httpPort + "/loopback", "secure.sigrun.test:" + tlsPort + "/tls-block"} {
		if !slices.Contains(backendSaw, w) {
			t.Errorf("the backend did not see %s: %q", w, backendSaw)
		}
	}
}
