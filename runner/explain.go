package runner

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/signer"
)

// scopeErrors are servers' answers that reject a signature's credential
// scope rather than its content, with the part of the scope at fault.
var scopeErrors = []struct {
	re    *regexp.Regexp
	cause string
}{
	// API Gateway and most JSON services.
	{regexp.MustCompile(`(?i)credential should be scoped to a valid region`), "the region: the signature is scoped to a region the service is not in"},
	{regexp.MustCompile(`(?i)credential should be scoped to correct service`), "the service: the signature is scoped to another service's signing name"},
	// S3 and MinIO.
	{regexp.MustCompile(`(?i)the region '[^']*' is wrong; expecting '[^']*'`), "the region: the signature is scoped to a region the bucket is not in"},
	{regexp.MustCompile(`(?i)<Code>AuthorizationHeaderMalformed</Code>.*region`), "the region: the signature is scoped to a region the bucket is not in"},
}

// explainAuthFailure explains why a signed request was refused, when the
// answer says: a signature mismatch with the canonical request the server
// expected (API Gateway, S3), diffed against sigrun's with the likely
// cause, or a credential scope the server rejects. nil when the answer is
// none of these.
func (r *Runner) explainAuthFailure(spec *requestSpec, sent *sentAuth, resp *response) *hcl.Diagnostic {
	if resp.status != http.StatusForbidden && resp.status != http.StatusBadRequest && resp.status != http.StatusUnauthorized {
		return nil
	}
	subject := spec.auth.declRange.Ptr()
	if theirs, ok := signer.ParseMismatch(resp.body); ok {
		ours, err := r.explainSigned(spec, sent.sigv4)
		if err != nil {
			return nil
		}
		d := signer.Diagnose(ours, theirs)
		var b strings.Builder
		fmt.Fprintf(&b, "Likely cause: %s.\n", strings.TrimSuffix(d.Cause, "."))
		if len(d.Diff) > 0 {
			if d.CanonicalRequestsMatch {
				b.WriteString("\nThe canonical requests match; the strings to sign, the server's (-) against sigrun's (+):\n")
			} else {
				b.WriteString("\nThe server's canonical request (-) against sigrun's (+):\n")
			}
			for _, l := range d.Diff {
				b.WriteString("  ")
				b.WriteString(l)
				b.WriteByte('\n')
			}
		}
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Signature does not match",
			Detail:   r.Redact(strings.TrimRight(b.String(), "\n")),
			Subject:  subject,
		}
	}
	body := string(resp.body)
	for _, se := range scopeErrors {
		if se.re.MatchString(body) {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Signature scope refused",
				Detail: fmt.Sprintf("Likely cause: %s. sigrun signed for service %q in region %q; set service and region in the auth \"aws_sigv4\" block to the API's.",
					se.cause, sent.sigv4.params.Service, sent.sigv4.params.Region),
				Subject: subject,
			}
		}
	}
	return nil
}

// explainSigned rebuilds what was signed: the request as evaluated, for the
// time it was signed for, before anything on the way (a proxy, a transport)
// could change it.
func (r *Runner) explainSigned(spec *requestSpec, s *signing) (*signer.Explanation, error) {
	req, err := http.NewRequest(spec.method, spec.url.String(), http.NoBody)
	if err != nil {
		return nil, err
	}
	req.Header = spec.header.Clone()
	req.ContentLength = spec.size
	req.Header.Set("X-Amz-Date", s.amzDate)
	return r.signer.Explain(req, s.creds, s.hash, s.params)
}
