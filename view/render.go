package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// DiagnosticWriter renders diagnostics as text.
type DiagnosticWriter struct {
	W      io.Writer
	Styles *Styles
	Files  map[string]*hcl.File
	// Redact is applied to every string shown; nil shows strings as they are.
	Redact func(string) string
}

// WriteDiagnostics renders each diagnostic followed by a blank line.
func (dw *DiagnosticWriter) WriteDiagnostics(diags hcl.Diagnostics) {
	for _, d := range diags {
		dw.Write(NewDiagnostic(d, dw.Files, dw.Redact))
	}
}

// Write renders one diagnostic, Terraform-style:
//
//	Error: Unexpected status code
//
//	  on main.hcl:42:14, in request "create_item":
//	  42:     status = 201
//	                   ^^^
//	    ├────────────────
//	    │ response.status is 403
//
//	Expected status 201, got 403 Forbidden.
func (dw *DiagnosticWriter) Write(d *Diagnostic) {
	var b strings.Builder
	st := dw.Styles
	label := st.Error.Render("Error:")
	if d.Severity == "warning" {
		label = st.Warning.Render("Warning:")
	}
	fmt.Fprintf(&b, "%s %s\n", label, st.Bold.Render(d.Summary))
	if d.Range != nil {
		b.WriteString("\n")
		fmt.Fprintf(&b, "  on %s:%d:%d", d.Range.Filename, d.Range.Line, d.Range.Column)
		if d.Snippet != nil && d.Snippet.Context != "" {
			fmt.Fprintf(&b, ", in %s", d.Snippet.Context)
		}
		b.WriteString(":\n")
		if sn := d.Snippet; sn != nil {
			prefix := fmt.Sprintf("%4d: ", d.Range.Line)
			code := sn.Code
			hs, he := sn.HighlightStart, sn.HighlightEnd
			if he > hs {
				code = code[:hs] + st.Highlight.Render(code[hs:he]) + code[he:]
			}
			fmt.Fprintf(&b, "%s%s\n", prefix, code)
			if he > hs {
				pad := strings.Repeat(" ", len(prefix)+displayWidth(sn.Code[:hs]))
				fmt.Fprintf(&b, "%s%s\n", pad, strings.Repeat("^", max(1, displayWidth(sn.Code[hs:he]))))
			}
			if len(sn.Values) > 0 {
				b.WriteString("    ├────────────────\n")
				for _, v := range sn.Values {
					fmt.Fprintf(&b, "    │ %s %s\n", st.Bold.Render(v.Traversal), v.Statement)
				}
			}
		}
	}
	if d.Detail != "" {
		b.WriteString("\n")
		b.WriteString(d.Detail)
		b.WriteString("\n")
	}
	b.WriteString("\n")
	io.WriteString(dw.W, b.String())
}

// displayWidth counts runes, treating a tab as one column as terminals
// show source code here without expanding it.
func displayWidth(s string) int {
	return len([]rune(s))
}
