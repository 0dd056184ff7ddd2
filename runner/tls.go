package runner

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
)

// evalTLS evaluates an endpoint's tls block into a client of its own. A
// CA file is trusted in addition to the system's roots; a client
// certificate and key give mutual TLS; insecure turns verification off,
// with a warning.
func (r *Runner) evalTLS(t *dsl.TLS, ev *evaluator, st *state) *http.Client {
	if t == nil {
		return nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca, ok := ev.str(t.CAFile, "ca_file"); ok {
		path := st.sc.resolvePath(ca)
		pem, err := os.ReadFile(path)
		if err != nil {
			ev.errorf(t.CAFile, "Cannot read ca_file", "The CA file %s cannot be read: %s.", path, pathError(err))
		} else {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				ev.errorf(t.CAFile, "Invalid ca_file", "The file %s holds no PEM certificate.", path)
			}
			cfg.RootCAs = pool
		}
	}
	cert, certOK := ev.str(t.ClientCert, "client_cert")
	key, keyOK := ev.str(t.ClientKey, "client_key")
	if certOK && keyOK {
		pair, err := tls.LoadX509KeyPair(st.sc.resolvePath(cert), st.sc.resolvePath(key))
		if err != nil {
			ev.errorf(t.ClientCert, "Invalid client certificate", "The client certificate and key cannot be loaded: %s.", err)
		} else {
			cfg.Certificates = []tls.Certificate{pair}
		}
	}
	if insecure, ok := ev.boolean(t.Insecure, "insecure"); ok && insecure {
		cfg.InsecureSkipVerify = true
		if st.validating {
			ev.diags = append(ev.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "TLS verification is off",
				Detail:   "insecure = true accepts any certificate, so a man in the middle can read the requests, signatures and tokens of this endpoint. Use ca_file to trust a private CA instead.",
				Subject:  t.Insecure.Range().Ptr(),
			})
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	tr.MaxIdleConnsPerHost = max(r.opts.Parallel, 2)
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

func pathError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return fmt.Sprint(err)
}
