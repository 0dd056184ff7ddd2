package runner

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/signer"
)

// scopeErrors are servers' answers that reject a signature's credential
// scope rather than its content, with the part of the scope at fault.
var scopeErrors = []struct {
	re    func() *regexp.Regexp
	cause string
}{
	// API Gateway and most JSON services.
	{lazyRegexp(`(?i)credential should be scoped to a valid region`), "the region: the signature is scoped to a region the service is not in"},
	{lazyRegexp(`(?i)credential should be scoped to correct service`), "the service: the signature is scoped to another service's signing name"},
	// S3 and MinIO.
	{lazyRegexp(`(?i)the region '[^']*' is wrong; expecting '[^']*'`), "the region: the signature is scoped to a region the bucket is not in"},
	{lazyRegexp(`(?i)<Code>AuthorizationHeaderMalformed</Code>.*region`), "the region: the signature is scoped to a region the bucket is not in"},
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
	// XML answers escape quotes (&#39;): read them as text.
	body := html.UnescapeString(string(resp.body))
	if d := r.explainBareMismatch(spec, sent, body, subject); d != nil {
		return d
	}
	if m := s3RegionExpected().FindStringSubmatch(body); m != nil {
		signed := m[1]
		if signed == "" {
			signed = sent.sigv4.params.Region
		}
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Signature scope refused",
			Detail: fmt.Sprintf("Likely cause: the region: sigrun signed for %q, the server expects %q. Set region = %q in the auth \"aws_sigv4\" block.",
				signed, m[2], m[2]),
			Subject: subject,
		}
	}
	for _, se := range scopeErrors {
		if se.re().MatchString(body) {
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

var (
	// s3RegionExpected is S3's (and MinIO's) AuthorizationHeaderMalformed
	// message, which names both regions.
	s3RegionExpected = lazyRegexp(`the region (?:'([^']*)' )?is wrong; expecting '([^']*)'`)
	s3Code           = lazyRegexp(`<Code>([^<]+)</Code>`)
	s3Region         = lazyRegexp(`<Region>([^<]+)</Region>`)
	s3Resource       = lazyRegexp(`<Resource>([^<]+)</Resource>`)
)

// explainBareMismatch explains a SignatureDoesNotMatch from a server that
// does not send back what it expected (MinIO, some S3-compatible stores):
// it uses what the answer does carry (the region, the path the server
// saw) and otherwise shows the canonical request sigrun signed, with the
// usual causes.
func (r *Runner) explainBareMismatch(spec *requestSpec, sent *sentAuth, body string, subject *hcl.Range) *hcl.Diagnostic {
	m := s3Code().FindStringSubmatch(body)
	if m == nil || m[1] != "SignatureDoesNotMatch" {
		return nil
	}
	p := sent.sigv4.params
	var cause string
	if rm := s3Region().FindStringSubmatch(body); rm != nil && p.Region != "" && rm[1] != p.Region {
		cause = fmt.Sprintf("the region: sigrun signed for %q, the server is in %q. Set region = %q in the auth \"aws_sigv4\" block", p.Region, rm[1], rm[1])
	} else if rs := s3Resource().FindStringSubmatch(body); rs != nil {
		if want := spec.url.EscapedPath(); rs[1] != want && rs[1] != spec.url.Path {
			cause = fmt.Sprintf("the path: the server saw %q, sigrun signed %q (a proxy or a path rewrite between them?)", rs[1], want)
		}
	}
	var b strings.Builder
	if cause != "" {
		fmt.Fprintf(&b, "Likely cause: %s.\n", cause)
	} else {
		b.WriteString("The server does not say what it expected (it sends back no canonical request), so sigrun cannot diff. " +
			"The usual causes: a header or query parameter changed or added after signing (a proxy, a load balancer), " +
			"a wrong secret key, or another service or region.\n")
	}
	if ours, err := r.explainSigned(spec, sent.sigv4); err == nil {
		b.WriteString("\nsigrun signed this canonical request:\n")
		for _, l := range strings.Split(ours.CanonicalRequest, "\n") {
			b.WriteString("    ")
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

// lazyRegexp compiles pattern on first use rather than at start-up, which
// every sigrun command would pay for; these expressions only read error
// answers.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
