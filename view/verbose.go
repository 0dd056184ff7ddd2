package view

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/sigrun-dev/sigrun/runner"
)

// Verbose is the --verbose observer: it passes every event to the view it
// wraps and, after a request's line, shows the request as it was sent and
// the response as it was received (curl -v style). The exchange comes from
// runner.Options.Capture: secrets are already redacted there (signatures,
// session tokens, keys, tokens, sensitive values) and bodies shortened; it
// is passed through redact once more all the same.
type Verbose struct {
	inner  runner.Observer
	w      io.Writer
	st     *Styles
	redact func(string) string
}

// NewVerbose wraps inner, writing exchanges to w (the stream inner writes
// its lines to).
func NewVerbose(inner runner.Observer, w io.Writer, st *Styles, redact func(string) string) *Verbose {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	return &Verbose{inner: inner, w: w, st: st, redact: redact}
}

// RequestStarted implements runner.Observer.
func (v *Verbose) RequestStarted(name string) { v.inner.RequestStarted(name) }

// RequestFinished implements runner.Observer.
func (v *Verbose) RequestFinished(r *runner.RequestResult) {
	v.inner.RequestFinished(r)
	if r.Exchange != nil {
		var b strings.Builder
		WriteExchange(&b, v.st, r.Exchange, v.redact)
		b.WriteString("\n")
		io.WriteString(v.w, b.String())
	}
}

// RunFinished implements runner.Observer.
func (v *Verbose) RunFinished(s *runner.Summary) { v.inner.RunFinished(s) }

// maxVerboseBodyLines bounds the lines of a body shown by --verbose; the
// runner already bounds its bytes (runner.MaxCapturedBody).
const maxVerboseBodyLines = 60

// WriteExchange writes an exchange as curl -v does, indented by two
// spaces: "> " before what was sent, "< " before what was received,
// headers sorted by name, bodies shortened. st may be nil (no styles).
func WriteExchange(w io.Writer, st *Styles, ex *runner.Exchange, redact func(string) string) {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	dim := func(s string) string { return s }
	if st != nil {
		dim = func(s string) string { return st.Dim.Render(s) }
	}
	line := func(dir, s string) {
		if s == "" {
			fmt.Fprintf(w, "  %s\n", dim(dir))
			return
		}
		fmt.Fprintf(w, "  %s %s\n", dim(dir), s)
	}
	line(">", redact(ex.Method+" "+ex.URL))
	writeHeaders(ex.RequestHeader, ">", line, redact)
	writeBody(ex.RequestBody, ex.RequestBodySize, ">", line, redact)
	if ex.Status == 0 && ex.ResponseHeader == nil {
		line("<", "(no response)")
		return
	}
	status := fmt.Sprint(ex.Status)
	if t := http.StatusText(ex.Status); t != "" {
		status += " " + t
	}
	line("<", status)
	writeHeaders(ex.ResponseHeader, "<", line, redact)
	writeBody(ex.ResponseBody, ex.ResponseBodySize, "<", line, redact)
}

func writeHeaders(h http.Header, dir string, line func(string, string), redact func(string) string) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			line(dir, redact(k+": "+v))
		}
	}
}

func writeBody(body string, size int64, dir string, line func(string, string), redact func(string) string) {
	if body == "" {
		return
	}
	line(dir, "")
	lines := strings.Split(strings.TrimRight(redact(body), "\n"), "\n")
	for i, l := range lines {
		if i == maxVerboseBodyLines {
			line(dir, fmt.Sprintf("… (%d more lines; %d bytes in all)", len(lines)-i, size))
			break
		}
		line(dir, strings.TrimRight(l, "\r"))
	}
}
