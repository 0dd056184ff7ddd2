package runner

import (
	"fmt"
	"net/http"
	"unicode/utf8"
)

// capture records an exchange for --verbose and reports: headers and
// bodies as sent and received, every secret redacted, bodies shortened.
func (r *Runner) capture(spec *requestSpec, req *http.Request, resp *response) *Exchange {
	ex := &Exchange{
		Method:          req.Method,
		URL:             r.Redact(redactQuery(req.URL, spec.secretQuery).String()),
		RequestHeader:   r.redactHeader(req.Header),
		RequestBodySize: spec.size,
	}
	if req.Host != "" {
		ex.RequestHeader.Set("Host", req.Host)
	} else {
		ex.RequestHeader.Set("Host", req.URL.Host)
	}
	switch {
	case spec.file != "":
		ex.RequestBody = fmt.Sprintf("(%d bytes from the file %s)", spec.size, spec.file)
	case spec.parts != nil:
		ex.RequestBody = fmt.Sprintf("(a multipart body of %d bytes in %d parts)", spec.size, len(spec.parts))
	default:
		ex.RequestBody = r.Redact(shorten(spec.body))
	}
	if resp != nil {
		ex.Status = resp.status
		ex.ResponseHeader = r.redactHeader(resp.header)
		ex.ResponseBody = r.Redact(shorten(resp.body))
		ex.ResponseBodySize = int64(len(resp.body))
	}
	return ex
}

func (r *Runner) redactHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		red := make([]string, len(vs))
		for i, v := range vs {
			red[i] = r.Redact(v)
		}
		out[k] = red
	}
	return out
}

// shorten keeps the first MaxCapturedBody bytes of a body, on a character
// boundary, noting how much was left out; binary bodies are described.
func shorten(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	n := min(len(b), MaxCapturedBody)
	for n > 0 && n < len(b) && !utf8.RuneStart(b[n]) {
		n--
	}
	if !utf8.Valid(b[:n]) {
		return fmt.Sprintf("(%d bytes of binary data)", len(b))
	}
	if n < len(b) {
		return string(b[:n]) + fmt.Sprintf("… (%d more bytes)", len(b)-n)
	}
	return string(b)
}
