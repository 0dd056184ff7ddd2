// Command target is the loopback HTTP server that sigrun's benchmark harness
// (bench/run.sh) sends its workloads to. It is not part of sigrun.
//
// It answers small JSON documents over keep-alive connections and, unless
// -verify=false, checks the SigV4 signature of every request with sigrun's
// own verifier (signer.Verify) against the payload it actually received, so a
// tool whose signatures are wrong is counted as failing, not silently timed.
//
// Routes (all signed, except the /__ ones):
//
//	GET  /items/N            {"id":N,"next":N+1,"name":"item-N"}
//	GET  /items/N/children/M {"id":M,"next":M+1,"name":"item-M"}; other paths
//	                         under /items/ are 404 (an unresolved template)
//	PUT  /upload             streams the body through SHA-256; answers its size
//	POST /upload             (the signature is checked against that hash)
//	GET  /download/SIZE      streams SIZE bytes of application/octet-stream
//	GET  /__stats            counters as JSON (unsigned)
//	POST /__reset            zeroes the counters (unsigned)
//
// Usage:
//
//	target -addr 127.0.0.1:0 -addr-file /tmp/target.addr
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// The benchmark's static keys: they open nothing but this loopback server.
const (
	DefaultAccessKeyID     = "AKIASIGRUNBENCH00001"
	DefaultSecretAccessKey = "sigrun/bench/secret/not+a+real+aws+key0"
)

// config says what the server accepts.
type config struct {
	Verify          bool
	AccessKeyID     string
	SecretAccessKey string
	Service, Region string
}

// stats counts what the server saw. Errors keeps the first few distinct
// failure messages (with how often each occurred) for the harness to show.
type stats struct {
	Requests      atomic.Int64
	SignatureOK   atomic.Int64
	SignatureFail atomic.Int64
	BytesIn       atomic.Int64
	BytesOut      atomic.Int64

	mu     sync.Mutex
	errors map[string]int64
}

// Snapshot is what GET /__stats answers.
type Snapshot struct {
	Requests      int64            `json:"requests"`
	SignatureOK   int64            `json:"signature_ok"`
	SignatureFail int64            `json:"signature_fail"`
	BytesIn       int64            `json:"bytes_in"`
	BytesOut      int64            `json:"bytes_out"`
	Errors        map[string]int64 `json:"errors,omitempty"`
}

const maxDistinctErrors = 8

func (s *stats) fail(msg string) {
	s.SignatureFail.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errors == nil {
		s.errors = map[string]int64{}
	}
	if _, ok := s.errors[msg]; ok || len(s.errors) < maxDistinctErrors {
		s.errors[msg]++
	}
}

func (s *stats) snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{
		Requests:      s.Requests.Load(),
		SignatureOK:   s.SignatureOK.Load(),
		SignatureFail: s.SignatureFail.Load(),
		BytesIn:       s.BytesIn.Load(),
		BytesOut:      s.BytesOut.Load(),
	}
	if len(s.errors) > 0 {
		snap.Errors = make(map[string]int64, len(s.errors))
		for k, v := range s.errors {
			snap.Errors[k] = v
		}
	}
	return snap
}

func (s *stats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests.Store(0)
	s.SignatureOK.Store(0)
	s.SignatureFail.Store(0)
	s.BytesIn.Store(0)
	s.BytesOut.Store(0)
	s.errors = nil
}

// server is the handler; newServer builds it.
type server struct {
	cfg   config
	stats stats
	now   func() time.Time
}

func newServer(cfg config) *server {
	return &server{cfg: cfg, now: time.Now}
}

func (s *server) lookup(akid string) (aws.Credentials, bool) {
	if akid != s.cfg.AccessKeyID {
		return aws.Credentials{}, false
	}
	return aws.Credentials{AccessKeyID: s.cfg.AccessKeyID, SecretAccessKey: s.cfg.SecretAccessKey}, true
}

// checkSignature verifies r against the hex SHA-256 of the body the server
// received. A client that signs UNSIGNED-PAYLOAD is verified as such; one that
// sends an x-amz-content-sha256 other than the body's hash fails.
func (s *server) checkSignature(r *http.Request, bodyHash string) error {
	payload := bodyHash
	if v := strings.TrimSpace(r.Header.Get("X-Amz-Content-Sha256")); v != "" && v != bodyHash {
		if v != signer.UnsignedPayload {
			return errors.New("x-amz-content-sha256 is not the SHA-256 of the body received")
		}
		payload = v
	}
	return signer.Verify(r, payload, s.lookup, s.now(), signer.VerifyOptions{Service: s.cfg.Service, Region: s.cfg.Region})
}

// failureMessage shortens a verification error to one line for the stats.
func failureMessage(err error) string {
	var mm *signer.MismatchError
	if errors.As(err, &mm) {
		// The canonical request the server expected is what tells why a
		// tool's signature differs: keep it, on one line.
		return "signature mismatch; expected canonical request: " + strings.ReplaceAll(mm.CanonicalRequest, "\n", `\n`)
	}
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return msg
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/__stats":
		writeJSON(w, http.StatusOK, s.stats.snapshot())
		return
	case "/__reset":
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		s.stats.reset()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.stats.Requests.Add(1)

	// Read (and hash) the whole body first: the signature covers its hash.
	// Bodies are streamed, never held: an upload of any size costs a buffer.
	h := sha256.New()
	n, err := io.Copy(h, r.Body)
	s.stats.BytesIn.Add(n)
	if err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	bodyHash := hex.EncodeToString(h.Sum(nil))

	if s.cfg.Verify {
		if err := s.checkSignature(r, bodyHash); err != nil {
			s.stats.fail(failureMessage(err))
			status := http.StatusForbidden
			writeJSON(w, status, map[string]string{"message": err.Error()})
			return
		}
		s.stats.SignatureOK.Add(1)
	}

	switch {
	case strings.HasPrefix(r.URL.Path, "/items/") || r.URL.Path == "/items":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "GET only", http.StatusMethodNotAllowed)
			return
		}
		id, ok := itemID(r.URL.Path)
		if !ok {
			// An unresolved template ("/items/{{next}}") lands here: a
			// chain that lost its value fails rather than passing.
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found: want /items/N or /items/N/children/M"})
			return
		}
		body := fmt.Appendf(nil, `{"id":%d,"next":%d,"name":"item-%d"}`, id, id+1, id)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		w.Write(body)
		s.stats.BytesOut.Add(int64(len(body)))
	case r.URL.Path == "/upload":
		if r.Method != http.MethodPut && r.Method != http.MethodPost {
			http.Error(w, "PUT or POST only", http.StatusMethodNotAllowed)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"bytes": n, "sha256": bodyHash})
	case strings.HasPrefix(r.URL.Path, "/download/"):
		size, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/download/"), 10, 64)
		if err != nil || size < 0 {
			http.Error(w, "GET /download/SIZE, SIZE in bytes", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodHead {
			return
		}
		m, _ := io.CopyN(w, patternReader{}, size)
		s.stats.BytesOut.Add(m)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// itemID parses /items/N or /items/N/children/M and returns the last number.
func itemID(p string) (int64, bool) {
	parts := strings.Split(strings.TrimPrefix(p, "/items/"), "/")
	if len(parts) != 1 && (len(parts) != 3 || parts[1] != "children") {
		return 0, false
	}
	var id int64
	for i := 0; i < len(parts); i += 2 {
		n, err := strconv.ParseInt(parts[i], 10, 64)
		if err != nil || n < 0 {
			return 0, false
		}
		id = n
	}
	return id, true
}

// patternReader yields an endless, cheap, non-zero byte pattern.
type patternReader struct{}

func (patternReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return len(p), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	addrFile := flag.String("addr-file", "", "write the bound address (host:port) to this file once listening")
	verify := flag.Bool("verify", true, "check every request's SigV4 signature")
	akid := flag.String("access-key-id", DefaultAccessKeyID, "the access key id to accept")
	secret := flag.String("secret-access-key", DefaultSecretAccessKey, "its secret key")
	service := flag.String("service", "execute-api", "the service the credential scope must name")
	region := flag.String("region", "us-east-1", "the region the credential scope must name")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatalf("target: -addr: %v", err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		log.Fatalf("target: -addr must be a loopback address, not %q", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("target: %v", err)
	}
	s := newServer(config{Verify: *verify, AccessKeyID: *akid, SecretAccessKey: *secret, Service: *service, Region: *region})
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}

	if *addrFile != "" {
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			log.Fatalf("target: %v", err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatalf("target: %v", err)
		}
	}
	fmt.Fprintf(os.Stderr, "target: listening on http://%s (verify=%v)\n", ln.Addr(), *verify)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("target: %v", err)
	}
}
