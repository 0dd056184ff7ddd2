package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

// GitHub Actions: workflow commands that annotate the files of a pull
// request (::error file=…,line=…::message), and the Markdown step summary.

// Annotations returns the workflow commands for a request: ::error for
// each error diagnostic of a failed request, ::warning for each warning.
// A diagnostic without a place is put on the request block.
func Annotations(r *Request) []string {
	var out []string
	for _, d := range r.Diagnostics {
		if d.Severity == "error" && r.Outcome != OutcomeFailed {
			continue
		}
		out = append(out, Annotation(d, r.Name, r.Source))
	}
	return out
}

// Annotation is one workflow command for a diagnostic: ::error or
// ::warning, with file, line, col, endLine, endColumn and a title, the
// message being the diagnostic in one line. fallback places a diagnostic
// that has no range.
func Annotation(d *view.Diagnostic, request string, fallback *view.Range) string {
	cmd := "error"
	if d.Severity == "warning" {
		cmd = "warning"
	}
	rng := d.Range
	if rng == nil {
		rng = fallback
	}
	var props []string
	if rng != nil {
		props = append(props,
			"file="+escapeProperty(rng.Filename),
			fmt.Sprintf("line=%d", rng.Line),
			fmt.Sprintf("col=%d", rng.Column))
		if rng.EndLine >= rng.Line && rng.EndLine > 0 {
			props = append(props, fmt.Sprintf("endLine=%d", rng.EndLine))
			if rng.EndLine == rng.Line && rng.EndCol > rng.Column {
				props = append(props, fmt.Sprintf("endColumn=%d", rng.EndCol))
			}
		}
	}
	title := "sigrun: " + d.Summary
	if request != "" {
		title = "sigrun: " + request + ": " + d.Summary
	}
	props = append(props, "title="+escapeProperty(title))
	msg := d.Summary
	if d.Detail != "" {
		msg = d.Detail
	}
	return "::" + cmd + " " + strings.Join(props, ",") + "::" + escapeData(msg)
}

// escapeData and escapeProperty escape as @actions/core does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Annotator is an observer that passes every event to the view it wraps
// and prints, after a request's line, the request's annotations; at the
// end of the run, before the view's summary, those of run-level
// diagnostics. GitHub reads them from the log and hides them from it.
type Annotator struct {
	inner  runner.Observer
	w      io.Writer
	files  map[string]*hcl.File
	redact func(string) string
}

// NewAnnotator wraps inner, writing to w (the stream inner writes to).
func NewAnnotator(inner runner.Observer, w io.Writer, files map[string]*hcl.File, redact func(string) string) *Annotator {
	return &Annotator{inner: inner, w: w, files: files, redact: redact}
}

// RequestStarted implements runner.Observer.
func (a *Annotator) RequestStarted(name string) { a.inner.RequestStarted(name) }

// RequestFinished implements runner.Observer.
func (a *Annotator) RequestFinished(rr *runner.RequestResult) {
	a.inner.RequestFinished(rr)
	if len(rr.Diags) == 0 {
		return
	}
	var b strings.Builder
	for _, line := range Annotations(NewRequest(rr, a.files, a.redact)) {
		b.WriteString(line + "\n")
	}
	io.WriteString(a.w, b.String())
}

// RunFinished implements runner.Observer.
func (a *Annotator) RunFinished(s *runner.Summary) {
	var b strings.Builder
	for _, d := range diagnostics(s.Diags, a.files, a.redact) {
		b.WriteString(Annotation(d, "", nil) + "\n")
	}
	io.WriteString(a.w, b.String())
	a.inner.RunFinished(s)
}

// maxSummaryRows bounds the step summary's table (GitHub takes up to 1 MiB
// per step); failures are always listed.
const maxSummaryRows = 500

// WriteMarkdown writes the run as a GitHub step summary: a heading with
// the counts, a table of the requests and the failures in full.
func WriteMarkdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	icon := "✅"
	switch {
	case rep.Summary.Interrupted:
		icon = "⏹️"
	case !rep.Summary.OK:
		icon = "❌"
	}
	title := rep.Collection.Name
	if rep.Shard != nil {
		title += " (shard " + rep.Shard.String() + ")"
	}
	fmt.Fprintf(&b, "### %s sigrun: %s\n\n", icon, mdEscape(title))
	fmt.Fprintf(&b, "**%s** in %s", rep.Summary.Line(), msDuration(rep.DurationMS).Round(1e6))
	if rep.Summary.Warnings > 0 {
		fmt.Fprintf(&b, ", %d warning%s", rep.Summary.Warnings, plural(rep.Summary.Warnings))
	}
	if rep.Summary.Interrupted {
		b.WriteString(" — interrupted")
	}
	b.WriteString("\n\n")

	b.WriteString("| | Request | Method | Path | Status | Time | Note |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	rows := 0
	for _, r := range rep.Requests {
		if rows >= maxSummaryRows && !r.Failed() {
			continue
		}
		rows++
		status, dur, note := "", "", ""
		if r.Status != 0 {
			status = fmt.Sprint(r.Status)
		}
		if r.Ran() {
			dur = r.Duration().Round(1e6).String()
		}
		switch r.Outcome {
		case OutcomeFailed:
			note = failureNote(r)
		case OutcomeSkipped, OutcomeNotRun:
			note = r.SkipReason
		case OutcomePassed:
			if r.Warnings > 0 {
				note = fmt.Sprintf("%d warning%s", r.Warnings, plural(r.Warnings))
			}
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s |\n", outcomeIcon(r.Outcome), mdCode(r.Name),
			r.Method, mdEscape(r.Path), status, dur, mdEscape(note))
	}
	if hidden := len(rep.Requests) - rows; hidden > 0 {
		fmt.Fprintf(&b, "\n%d passing or skipped requests are not listed.\n", hidden)
	}

	var failed []*Request
	for _, r := range rep.Requests {
		if r.Failed() {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 || len(rep.Diagnostics) > 0 {
		b.WriteString("\n<details><summary>Failures</summary>\n\n")
		for _, r := range failed {
			fmt.Fprintf(&b, "#### `%s`\n\n```text\n%s\n```\n\n", mdCode(r.Name), fence(diagText(r.Diagnostics)))
		}
		if len(rep.Diagnostics) > 0 {
			fmt.Fprintf(&b, "#### The run\n\n```text\n%s\n```\n\n", fence(diagText(rep.Diagnostics)))
		}
		b.WriteString("</details>\n")
	}
	if len(rep.Outputs) > 0 {
		b.WriteString("\n| Output | Value |\n|---|---|\n")
		for _, o := range rep.Outputs {
			v := string(o.Value)
			if o.Error != "" {
				v = "(" + o.Error + ")"
			}
			fmt.Fprintf(&b, "| `%s` | %s |\n", mdCode(o.Name), mdEscape(shortText(v, 200)))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func failureNote(r *Request) string {
	for _, d := range r.Diagnostics {
		if d.Severity == "error" {
			return shortText(Message(d), 200)
		}
	}
	return "failed"
}

func outcomeIcon(o string) string {
	switch o {
	case OutcomePassed:
		return "✅"
	case OutcomeFailed:
		return "❌"
	case OutcomeSkipped:
		return "⏭️"
	}
	return "⏹️"
}

// mdEscape makes text safe in a Markdown table cell.
func mdEscape(s string) string {
	s = strings.NewReplacer("\r", "", "\n", " ", "|", `\|`, "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`).Replace(s)
	return s
}

// mdCode makes text safe in a `code span` in a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s)
}

// fence keeps text from closing its code fence.
func fence(s string) string { return strings.ReplaceAll(s, "```", "` ` `") }

func shortText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
