package runner_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// testCA makes a CA and a certificate signed by it, written as PEM files.
type testPKI struct {
	caPEM            []byte
	ca               *x509.Certificate
	caKey            *ecdsa.PrivateKey
	dir              string
	serverCert       tls.Certificate
	clientCertFile   string
	clientKeyFile    string
	caFile           string
	clientPool       *x509.CertPool
	clientCommonName string
}

func newPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir(), clientCommonName: "sigrun-client"}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sigrun test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p.ca, _ = x509.ParseCertificate(der)
	p.caKey = key
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	p.caFile = filepath.Join(p.dir, "ca.pem")
	os.WriteFile(p.caFile, p.caPEM, 0o600)
	p.clientPool = x509.NewCertPool()
	p.clientPool.AddCert(p.ca)

	serverPEM, serverKeyPEM := p.issue(t, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	p.serverCert, err = tls.X509KeyPair(serverPEM, serverKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	clientPEM, clientKeyPEM := p.issue(t, p.clientCommonName, x509.ExtKeyUsageClientAuth)
	p.clientCertFile = filepath.Join(p.dir, "client.pem")
	p.clientKeyFile = filepath.Join(p.dir, "client-key.pem")
	os.WriteFile(p.clientCertFile, clientPEM, 0o600)
	os.WriteFile(p.clientKeyFile, clientKeyPEM, 0o600)
	return p
}

func (p *testPKI) issue(t *testing.T, cn string, usage x509.ExtKeyUsage) ([]byte, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if ip := net.ParseIP(cn); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

func TestTLS(t *testing.T) {
	p := newPKI(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := ""
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		okJSON(w, 200, map[string]any{"client": cn})
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.serverCert}, ClientCAs: p.clientPool, ClientAuth: tls.VerifyClientCertIfGiven}
	srv.StartTLS()
	defer srv.Close()

	run := func(t *testing.T, tlsBlock string) (*runner.Summary, hcl.Diagnostics) {
		t.Helper()
		c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
endpoint "api" {
  url = var.base_url
` + tlsBlock + `
}
request "r" {
  endpoint = endpoint.api
  path     = "/"
}`})
		r, diags := runner.New(c, runner.Options{BaseDir: p.dir, Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + srv.URL}}})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return r.Run(context.Background()), diags
	}

	t.Run("verification on by default", func(t *testing.T) {
		sum, _ := run(t, "")
		r := result(sum, "r")
		if r.Outcome != runner.Failed || !strings.Contains(r.Diags[0].Detail, "certificate") {
			t.Fatalf("%v %v", r.Outcome, r.Diags)
		}
	})
	t.Run("ca_file", func(t *testing.T) {
		sum, _ := run(t, `tls { ca_file = "ca.pem" }`)
		if result(sum, "r").Outcome != runner.Passed {
			t.Fatalf("%v", result(sum, "r").Diags)
		}
	})
	t.Run("mutual TLS", func(t *testing.T) {
		sum, _ := run(t, `tls {
    ca_file     = "ca.pem"
    client_cert = "client.pem"
    client_key  = "client-key.pem"
  }`)
		if result(sum, "r").Outcome != runner.Passed {
			t.Fatalf("%v", result(sum, "r").Diags)
		}
	})
	t.Run("insecure warns", func(t *testing.T) {
		sum, diags := run(t, `tls { insecure = true }`)
		if result(sum, "r").Outcome != runner.Passed {
			t.Fatalf("%v", result(sum, "r").Diags)
		}
		if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Summary != "TLS verification is off" {
			t.Fatalf("diags %v", diags)
		}
	})
}

// The server requires a client certificate: only the mTLS endpoint gets in,
// and the server sees the client's name.
func TestMutualTLSRequired(t *testing.T) {
	p := newPKI(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		okJSON(w, 200, map[string]any{"client": r.TLS.PeerCertificates[0].Subject.CommonName})
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.serverCert}, ClientCAs: p.clientPool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()
	c := load(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
endpoint "with_cert" {
  url = var.base_url
  tls {
    ca_file     = "ca.pem"
    client_cert = "client.pem"
    client_key  = "client-key.pem"
  }
}
endpoint "without_cert" {
  url = var.base_url
  tls { ca_file = "ca.pem" }
}
request "in" {
  endpoint = endpoint.with_cert
  expect { json = { client = "sigrun-client" } }
}
request "out" {
  endpoint = endpoint.without_cert
}`})
	sum := newRunner(t, c, srv.URL, runner.Options{BaseDir: p.dir}).Run(context.Background())
	if result(sum, "in").Outcome != runner.Passed {
		t.Fatalf("with a client certificate: %v", result(sum, "in").Diags)
	}
	if result(sum, "out").Outcome != runner.Failed {
		t.Fatal("without a client certificate the server must refuse the connection")
	}
}
