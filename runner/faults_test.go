package runner_test

// Fault injection (issue 9): a server on 127.0.0.1 that misbehaves in every
// way a real API or network can, and a collection that meets all of it at
// once. Each failing request must name its fault, its dependents must be
// skipped with the root cause, and the branches that do not touch a fault
// must go on. docs/reliability.md lists what sigrun does for each fault.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// ---- helpers shared by the reliability tests (faults, redirects, limits,
// proxies); prefixed rel so that they cannot clash with other test files.

// relLoad loads a collection made of one file.
func relLoad(t testing.TB, src string) *dsl.Collection {
	t.Helper()
	c, diags := dsl.Load(fstest.MapFS{"main.hcl": {Data: []byte(src)}}, "", nil)
	if diags.HasErrors() {
		t.Fatalf("load: %s", diags.Error())
	}
	return c
}

// relNew prepares a run; vars are name=value pairs.
func relNew(t testing.TB, c *dsl.Collection, opts runner.Options, vars ...string) *runner.Runner {
	t.Helper()
	for _, v := range vars {
		opts.Vars = append(opts.Vars, dsl.VarSource{Kind: dsl.VarFlag, Raw: v})
	}
	r, diags := runner.New(c, opts)
	if diags.HasErrors() {
		t.Fatalf("runner.New: %s", diags.Error())
	}
	return r
}

func relResult(t testing.TB, sum *runner.Summary, name string) *runner.RequestResult {
	t.Helper()
	for _, r := range sum.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %s", name)
	return nil
}

// relDetail is every diagnostic of a result as one string.
func relDetail(r *runner.RequestResult) string {
	var b strings.Builder
	for _, d := range r.Diags {
		fmt.Fprintf(&b, "%s: %s\n", d.Summary, d.Detail)
	}
	return b.String()
}

// relQuietServer starts an httptest server whose error log (TLS handshake
// errors that the tests provoke on purpose) is discarded.
func relQuietServer(t testing.TB, h http.Handler, tlsCfg *tls.Config) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsCfg != nil {
		srv.TLS = tlsCfg
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// relSelfSigned is a self-signed certificate for 127.0.0.1 and the given
// DNS names: no trust store has it.
func relSelfSigned(t testing.TB, dnsNames ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "sigrun self-signed"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: dnsNames,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// relDNS is a DNS server on 127.0.0.1 (UDP). It answers A queries for names
// under its zones with 127.0.0.1, AAAA queries for them with no record, and
// everything else with NXDOMAIN. Used through resolver(), it lets a test
// resolve (or fail to resolve) names without a query leaving the machine.
type relDNS struct {
	addr  string
	zones []string
	mu    sync.Mutex
	names []string // queried names, in order
}

func newRelDNS(t testing.TB, zones ...string) *relDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	d := &relDNS{addr: pc.LocalAddr().String(), zones: zones}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := d.answer(buf[:n]); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	return d
}

// answer builds the response to one query (RFC 1035 §4.1).
func (d *relDNS) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	i := 12
	var labels []string
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l&0xC0 != 0 || i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	i++ // the root label
	if i+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i:])
	qend := i + 4
	name := strings.ToLower(strings.Join(labels, "."))
	d.mu.Lock()
	d.names = append(d.names, name)
	d.mu.Unlock()
	known := false
	for _, z := range d.zones {
		if name == z || strings.HasSuffix(name, "."+z) {
			known = true
		}
	}
	rcode, answers := byte(3), 0 // NXDOMAIN
	if known {
		rcode = 0
		if qtype == 1 { // A
			answers = 1
		}
	}
	resp := []byte{q[0], q[1], 0x80 | q[2]&0x01, 0x80 | rcode, 0, 1, 0, byte(answers), 0, 0, 0, 0}
	resp = append(resp, q[12:qend]...)
	if answers == 1 {
		resp = append(resp, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
	}
	return resp
}

func (d *relDNS) queried() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.names...)
}

// resolver sends every query to d.
func (d *relDNS) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var nd net.Dialer
		return nd.DialContext(ctx, "udp", d.addr)
	}}
}

// relClientWithDNS is the runner's default client with its name lookups
// sent to d.
func relClientWithDNS(d *relDNS) *http.Client {
	c := runner.NewHTTPClient(runner.DefaultParallel)
	tr := c.Transport.(*http.Transport)
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, Resolver: d.resolver()}).DialContext
	return c
}

// relFaultServer serves one fault per path on 127.0.0.1 and records which
// paths were asked for.
type relFaultServer struct {
	srv  *httptest.Server
	stop chan struct{}
	mu   sync.Mutex
	seen []string
}

func newRelFaultServer(t testing.TB) *relFaultServer {
	t.Helper()
	fs := &relFaultServer{stop: make(chan struct{})}
	mux := http.NewServeMux()
	hijack := func(w http.ResponseWriter) (net.Conn, *strings.Builder) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		return conn, &strings.Builder{}
	}
	json := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { json(w, 200, `{"ok":true}`) })
	// The connection is reset (RST) after the headers and part of the body.
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _ := hijack(w)
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"items\": [1, 2, 3")
		time.Sleep(100 * time.Millisecond) // the client is reading the body
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	// No answer at all.
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-fs.stop:
		}
	})
	// Headers at once, then the body one byte every 50 ms.
	mux.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		for range 1000 {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-fs.stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	for _, code := range []int{500, 502, 503} {
		mux.HandleFunc(fmt.Sprintf("/status/%d", code), func(w http.ResponseWriter, r *http.Request) {
			json(w, code, fmt.Sprintf(`{"message":"injected %d"}`, code))
		})
	}
	// A JSON content type over a body that is not JSON.
	mux.HandleFunc("/badjson", func(w http.ResponseWriter, r *http.Request) { json(w, 200, `{"id": "abc", "tags": [`) })
	// Content-Length promises 64 bytes; the connection closes after 11.
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		conn, _ := hijack(w)
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{\"id\":\"abc\"")
		conn.Close()
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	fs.srv = relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.seen = append(fs.seen, r.URL.RequestURI())
		fs.mu.Unlock()
		mux.ServeHTTP(w, r)
	}), nil)
	t.Cleanup(func() { close(fs.stop) }) // runs before srv.Close
	return fs
}

func (fs *relFaultServer) requests() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.seen...)
}

// relFault is one injected fault: the request that meets it and what its
// failure must say.
type relFault struct {
	name, url, extra string
	want             []string // each must appear in the failure
}

func relFaultCases(base, tlsURL, dnsURL string) []relFault {
	return []relFault{
		{"reset", base + "/reset", "", []string{"connection reset by peer"}},
		{"timeout", base + "/hang", `timeout = "300ms"`, []string{"no response within the timeout of 300ms"}},
		{"drip", base + "/drip", `timeout = "300ms"`, []string{"its body did not arrive within the timeout of 300ms"}},
		{"status_500", base + "/status/500", "", []string{"Got 500 Internal Server Error", "injected 500"}},
		{"status_502", base + "/status/502", "", []string{"Got 502 Bad Gateway", "injected 502"}},
		{"status_503", base + "/status/503", "", []string{"Got 503 Service Unavailable", "injected 503"}},
		{"bad_json", base + "/badjson", `expect { json = { id = "abc" } }`, []string{"Response is not JSON", `{"id": "abc", "tags": [`}},
		{"short_body", base + "/short", "", []string{"closed after 11 of the 64 bytes announced by the Content-Length header"}},
		{"redirect_loop", base + "/loop", "", []string{"stopped after 10 redirects"}},
		{"self_signed", tlsURL + "/ok", "", []string{"certificate signed by unknown authority"}},
		{"no_such_host", dnsURL, "", []string{"nonexistent.invalid", "no such host"}},
	}
}

// relFaultCollection is one request per fault, each with a dependent, plus an
// independent branch that meets no fault.
func relFaultCollection(faults []relFault, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "request \"ok\" {\n  url = %q\n}\n", base+"/ok")
	fmt.Fprintf(&b, "request \"independent\" {\n  url = \"%s/ok?after=${request.ok.response.status}\"\n}\n", base)
	for _, f := range faults {
		fmt.Fprintf(&b, "request %q {\n  url = %q\n  %s\n}\n", f.name, f.url, f.extra)
		fmt.Fprintf(&b, "request \"after_%s\" {\n  url = \"%s/ok?dependent=${request.%s.response.status}\"\n}\n", f.name, base, f.name)
	}
	return b.String()
}

// Every fault at once: each request fails and names its fault, its
// dependent is skipped with the root cause, the fault-free branch passes,
// and the run ends in bounded time.
func TestFaults(t *testing.T) {
	fs := newRelFaultServer(t)
	tlsSrv := relQuietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") }),
		&tls.Config{Certificates: []tls.Certificate{relSelfSigned(t)}})
	dns := newRelDNS(t) // knows no name: every lookup is NXDOMAIN
	_, port, _ := net.SplitHostPort(fs.srv.Listener.Addr().String())
	faults := relFaultCases(fs.srv.URL, tlsSrv.URL, "http://nonexistent.invalid:"+port+"/ok")
	c := relLoad(t, relFaultCollection(faults, fs.srv.URL))

	begin := time.Now()
	sum := relNew(t, c, runner.Options{Client: relClientWithDNS(dns)}).Run(context.Background())
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("the run took %s", d)
	}

	for _, f := range faults {
		r := relResult(t, sum, f.name)
		detail := relDetail(r)
		t.Logf("%s: %s", f.name, strings.TrimSpace(detail))
		if r.Outcome != runner.Failed {
			t.Errorf("%s: outcome %v, want failed\n%s", f.name, r.Outcome, detail)
			continue
		}
		for _, w := range f.want {
			if !strings.Contains(detail, w) {
				t.Errorf("%s: the failure does not say %q:\n%s", f.name, w, detail)
			}
		}
		if dep := relResult(t, sum, "after_"+f.name); dep.Outcome != runner.Skipped || dep.SkipReason != "skipped: request."+f.name+" failed" {
			t.Errorf("after_%s: outcome %v (%q), want skipped because request.%s failed", f.name, dep.Outcome, dep.SkipReason, f.name)
		}
	}
	for _, name := range []string{"ok", "independent"} {
		if r := relResult(t, sum, name); r.Outcome != runner.Passed {
			t.Errorf("%s: outcome %v, want passed (it meets no relFault)\n%s", name, r.Outcome, relDetail(r))
		}
	}
	if sum.Passed != 2 || sum.Failed != len(faults) || sum.Skipped != len(faults) || sum.NotRun != 0 || sum.OK() {
		t.Errorf("passed/failed/skipped/not run = %d/%d/%d/%d, want 2/%d/%d/0",
			sum.Passed, sum.Failed, sum.Skipped, sum.NotRun, len(faults), len(faults))
	}
	if len(sum.Results) != 2+2*len(faults) {
		t.Errorf("%d results, want %d: the summary must cover every request", len(sum.Results), 2+2*len(faults))
	}
	for _, p := range fs.requests() {
		if strings.Contains(p, "dependent=") {
			t.Errorf("a skipped dependent was sent: %s", p)
		}
	}
	// The lookup went to the local DNS server, not out of the machine.
	if q := dns.queried(); len(q) == 0 || q[0] != "nonexistent.invalid" {
		t.Errorf("local DNS server saw %v", q)
	}
}

// With --fail-fast the first fault stops the run: nothing new starts, and
// what did not start is "not run", never silently missing.
func TestFaultsFailFast(t *testing.T) {
	fs := newRelFaultServer(t)
	c := relLoad(t, fmt.Sprintf(`
request "broken" {
  url = "%[1]s/status/503"
}
request "later" {
  url        = "%[1]s/ok"
  depends_on = [request.broken]
}
request "after" {
  url = "%[1]s/ok?x=${request.later.response.status}"
}
`, fs.srv.URL))
	sum := relNew(t, c, runner.Options{Parallel: 1, FailFast: true}).Run(context.Background())
	if sum.Failed != 1 || sum.Passed+sum.Failed+sum.Skipped+sum.NotRun != 3 || sum.OK() {
		t.Fatalf("passed/failed/skipped/not run = %d/%d/%d/%d", sum.Passed, sum.Failed, sum.Skipped, sum.NotRun)
	}
	if d := relDetail(relResult(t, sum, "broken")); !strings.Contains(d, "503") {
		t.Errorf("broken: %s", d)
	}
}
