package view

import (
	"fmt"
	"io"
	"strings"
	"time"

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
	name := fmt.Sprintf("%-*s", v.width, r.Name)
	switch r.Outcome {
	case runner.Passed:
		fmt.Fprintf(v.w, "%s  %s  %s\n", v.st.Pass.Render("PASS"), name, v.redact(v.requestLine(r)))
		if len(r.Diags) > 0 { // warnings, a corrected clock
			v.w.separate()
			v.diags.WriteDiagnostics(r.Diags)
		}
	case runner.Failed:
		line := v.requestLine(r)
		fmt.Fprintf(v.w, "%s  %s  %s\n", v.st.Fail.Render("FAIL"), name, v.redact(line))
		if len(r.Diags) > 0 {
			v.w.separate()
			v.diags.WriteDiagnostics(r.Diags)
		}
	case runner.Skipped, runner.NotRun:
		fmt.Fprintf(v.w, "%s  %s  %s\n", v.st.Skip.Render("SKIP"), name, v.st.Dim.Render(v.redact(r.SkipReason)))
	}
}

func (v *Run) requestLine(r *runner.RequestResult) string {
	if r.Method == "" {
		return "not sent"
	}
	parts := []string{r.Method, r.Path}
	if r.StatusCode != 0 {
		parts = append(parts, fmt.Sprint(r.StatusCode), formatDuration(r.Duration))
	}
	if r.Attempts > 1 {
		parts = append(parts, fmt.Sprintf("(%d attempts)", r.Attempts))
	}
	return strings.Join(parts, "  ")
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return d.Round(100 * time.Millisecond).String()
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
