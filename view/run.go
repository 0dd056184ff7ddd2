package view

import (
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/sigrun-dev/sigrun/runner"
)

// Run is the terminal observer of a run: a line per request as it
// finishes, a failing request's diagnostics in full, the outputs and the
// closing summary line "N passed, N failed, N skipped".
type Run struct {
	// w is the output; blank records whether what was last written ends
	// with a blank line (a diagnostic does), so that sections are separated
	// by exactly one.
	w      *blankTracker
	st     *Styles
	diags  *DiagnosticWriter
	redact func(string) string
	width  int

	// The labels, rendered once (a style's rendering costs more than the
	// rest of a request line), and the buffer a line is built in.
	pass, fail, skip string
	line             []byte
}

// NewRun returns a run view writing to w. names are the requests' names,
// used to align the lines.
func NewRun(w io.Writer, st *Styles, files map[string]*hcl.File, redact func(string) string, names []string) *Run {
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	if redact == nil {
		redact = func(s string) string { return s }
	}
	bt := &blankTracker{w: w}
	return &Run{
		w: bt, st: st, redact: redact, width: width,
		diags: &DiagnosticWriter{W: bt, Styles: st, Files: files, Redact: redact},
		pass:  st.Pass.Render("PASS"), fail: st.Fail.Render("FAIL"), skip: st.Skip.Render("SKIP"),
	}
}

// blankTracker remembers whether the output ends with an empty line.
type blankTracker struct {
	w    io.Writer
	tail [2]byte
}

func (b *blankTracker) Write(p []byte) (int, error) {
	switch n := len(p); {
	case n >= 2:
		b.tail = [2]byte{p[n-2], p[n-1]}
	case n == 1:
		b.tail = [2]byte{b.tail[1], p[0]}
	}
	return b.w.Write(p)
}

// separate writes a blank line unless the output already ends with one.
func (b *blankTracker) separate() {
	if b.tail != [2]byte{'\n', '\n'} {
		io.WriteString(b, "\n")
	}
}

// RequestStarted implements runner.Observer.
func (v *Run) RequestStarted(string) {}

// RequestFinished implements runner.Observer.
func (v *Run) RequestFinished(r *runner.RequestResult) {
	switch r.Outcome {
	case runner.Passed, runner.Failed:
		label := v.pass
		if r.Outcome == runner.Failed {
			label = v.fail
		}
		v.writeLine(label, r.Name, v.redact(v.requestLine(r)))
		if len(r.Diags) > 0 { // a failure's checks; a pass's warnings or corrected clock
			v.w.separate()
			v.diags.WriteDiagnostics(r.Diags)
		}
	case runner.Skipped, runner.NotRun:
		v.writeLine(v.skip, r.Name, v.st.Dim.Render(v.redact(r.SkipReason)))
	}
}

// writeLine writes "LABEL  name  text" with the name padded to the longest
// request name, in one write.
func (v *Run) writeLine(label, name, text string) {
	b := append(v.line[:0], label...)
	b = append(b, "  "...)
	b = append(b, name...)
	for i := utf8.RuneCountInString(name); i < v.width; i++ { // as fmt's %-*s pads
		b = append(b, ' ')
	}
	b = append(b, "  "...)
	b = append(b, text...)
	b = append(b, '\n')
	v.w.Write(b)
	v.line = b
}

func (v *Run) requestLine(r *runner.RequestResult) string {
	if r.Method == "" {
		return "not sent"
	}
	b := make([]byte, 0, len(r.Method)+len(r.Path)+32)
	b = append(b, r.Method...)
	b = append(b, "  "...)
	b = append(b, r.Path...)
	if r.StatusCode != 0 {
		b = append(b, "  "...)
		b = strconv.AppendInt(b, int64(r.StatusCode), 10)
		b = append(b, "  "...)
		b = appendDuration(b, r.Duration)
	}
	if r.Attempts > 1 {
		b = append(b, "  ("...)
		b = strconv.AppendInt(b, int64(r.Attempts), 10)
		b = append(b, " attempts)"...)
	}
	return string(b)
}

// appendDuration appends a request's duration as the request line shows
// it: whole microseconds below a millisecond, whole milliseconds below ten
// seconds, else rounded to a tenth of a second ("12.3s", "1m5.2s").
func appendDuration(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Millisecond:
		return append(strconv.AppendInt(b, d.Microseconds(), 10), "µs"...)
	case d < 10*time.Second:
		return append(strconv.AppendInt(b, d.Milliseconds(), 10), "ms"...)
	}
	return append(b, d.Round(100*time.Millisecond).String()...)
}

// RunFinished implements runner.Observer.
func (v *Run) RunFinished(s *runner.Summary) {
	if len(s.Diags) > 0 {
		v.w.separate()
		v.diags.WriteDiagnostics(s.Diags)
	}
	if len(s.Outputs) > 0 {
		v.w.separate()
		fmt.Fprintf(v.w, "%s\n", v.st.Bold.Render("Outputs:"))
		for _, o := range s.Outputs {
			fmt.Fprintf(v.w, "  %s = %s\n", o.Name, v.redact(formatOutput(o)))
		}
	}
	if s.Warnings > 0 {
		v.w.separate()
		fmt.Fprintf(v.w, "%s\n", v.st.Warning.Render(fmt.Sprintf("%d warning%s: failed checks of severity \"warning\" do not fail the run.", s.Warnings, plural(s.Warnings))))
	}
	if s.Interrupted {
		v.w.separate()
		fmt.Fprintf(v.w, "%s\n", v.st.Warning.Render("Interrupted: requests in flight were cancelled and the rest were not run."))
	}
	v.w.separate()
	fmt.Fprintln(v.w, SummaryLine(s))
}

// SummaryLine is the last line of a run: "N passed, N failed, N skipped".
// Requests that were not run (interruption, --fail-fast) count as skipped.
func SummaryLine(s *runner.Summary) string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", s.Passed, s.Failed, s.Skipped+s.NotRun)
}

func formatOutput(o runner.OutputValue) string {
	switch {
	case o.Err != "":
		return "(" + o.Err + ")"
	case o.Sensitive:
		return runner.Redacted
	}
	v, marks := o.Value.UnmarkDeep()
	if len(marks) > 0 {
		return runner.Redacted
	}
	if !v.IsWhollyKnown() {
		return "(unknown)"
	}
	if v.Type() == cty.String && !v.IsNull() {
		return fmt.Sprintf("%q", v.AsString())
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return v.GoString()
	}
	return string(b)
}
