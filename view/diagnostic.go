package view

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Diagnostic is the intermediate form of an hcl.Diagnostic that both the
// terminal renderer and machine-readable reports use.
type Diagnostic struct {
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail,omitempty"`
	Range    *Range   `json:"range,omitempty"`
	Snippet  *Snippet `json:"snippet,omitempty"`
}

// Range is a source range; lines and columns count from 1.
type Range struct {
	Filename string `json:"filename"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	EndLine  int    `json:"end_line"`
	EndCol   int    `json:"end_column"`
}

// Snippet is the source line a diagnostic points at.
type Snippet struct {
	// Context names the enclosing block: `request "create_item"`.
	Context string `json:"context,omitempty"`
	// Code is the first line of the range.
	Code string `json:"code"`
	// HighlightStart and HighlightEnd are byte offsets into Code.
	HighlightStart int `json:"highlight_start"`
	HighlightEnd   int `json:"highlight_end"`
	// Values describe each reference in the expression: "response.status
	// is 403".
	Values []ExprValue `json:"values,omitempty"`
}

// ExprValue is one reference and its value.
type ExprValue struct {
	Traversal string `json:"traversal"`
	Statement string `json:"statement"`
}

// NewDiagnostic converts d, using files (the parser's source cache) for the
// snippet. redact is applied to every string taken from values or messages.
func NewDiagnostic(d *hcl.Diagnostic, files map[string]*hcl.File, redact func(string) string) *Diagnostic {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	out := &Diagnostic{
		Severity: "error",
		Summary:  redact(d.Summary),
		Detail:   redact(d.Detail),
	}
	if d.Severity == hcl.DiagWarning {
		out.Severity = "warning"
	}
	if d.Subject == nil {
		return out
	}
	rng := *d.Subject
	out.Range = &Range{
		Filename: rng.Filename, Line: rng.Start.Line, Column: rng.Start.Column,
		EndLine: rng.End.Line, EndCol: rng.End.Column,
	}
	f := files[rng.Filename]
	if f == nil || f.Bytes == nil {
		return out
	}
	lineStart, lineEnd := lineBounds(f.Bytes, rng.Start.Byte)
	code := string(f.Bytes[lineStart:lineEnd])
	hs := rng.Start.Byte - lineStart
	he := rng.End.Byte - lineStart
	if rng.End.Line != rng.Start.Line || he > len(code) {
		he = len(code)
	}
	if hs < 0 || hs > len(code) {
		hs, he = 0, 0
	}
	sn := &Snippet{Code: redact(code), HighlightStart: hs, HighlightEnd: he}
	if redacted := sn.Code; redacted != code {
		// A secret sat on the line: keep the line, drop the highlight
		// offsets that no longer match.
		sn.HighlightStart, sn.HighlightEnd = 0, 0
	}
	if blk := f.OutermostBlockAtPos(rng.Start); blk != nil {
		sn.Context = blockContext(blk)
	}
	if d.Expression != nil && d.EvalContext != nil {
		sn.Values = exprValues(d.Expression, d.EvalContext, redact)
	}
	out.Snippet = sn
	return out
}

// lineBounds returns the start and end offsets of the line holding at,
// without its line break.
func lineBounds(src []byte, at int) (int, int) {
	if at > len(src) {
		at = len(src)
	}
	start := bytes.LastIndexByte(src[:at], '\n') + 1
	end := len(src)
	if i := bytes.IndexByte(src[at:], '\n'); i >= 0 {
		end = at + i
	}
	if end > start && src[end-1] == '\r' {
		end--
	}
	return start, end
}

// blockContext names a block as it is written: request "create_item".
func blockContext(b *hcl.Block) string {
	s := b.Type
	for _, l := range b.Labels {
		s += fmt.Sprintf(" %q", l)
	}
	return s
}

// exprValues describes the value of every distinct reference in expr.
func exprValues(expr hcl.Expression, ctx *hcl.EvalContext, redact func(string) string) []ExprValue {
	seen := map[string]bool{}
	var out []ExprValue
	for _, trav := range expr.Variables() {
		name := traversalString(trav)
		if seen[name] {
			continue
		}
		seen[name] = true
		val, diags := trav.TraverseAbs(ctx)
		if diags.HasErrors() {
			continue
		}
		out = append(out, ExprValue{Traversal: name, Statement: redact(describeValue(val))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Traversal < out[j].Traversal })
	return out
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString(".")
			b.WriteString(s.Name)
		case hcl.TraverseIndex:
			b.WriteString("[")
			if s.Key.Type() == cty.String {
				b.WriteString(fmt.Sprintf("%q", s.Key.AsString()))
			} else {
				b.WriteString(describeScalar(s.Key))
			}
			b.WriteString("]")
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// maxValueLen bounds a value shown in a diagnostic.
const maxValueLen = 80

// describeValue says what a value is, Terraform-style: "is 403",
// "is \"abc\"", "is list of object with 3 elements", "is null".
func describeValue(v cty.Value) string {
	if v.ContainsMarked() {
		return "is (sensitive value)"
	}
	switch {
	case !v.IsKnown():
		return "is not known until the request runs"
	case v.IsNull():
		return "is null"
	}
	t := v.Type()
	switch {
	case t.IsPrimitiveType():
		return "is " + describeScalar(v)
	case t.IsListType():
		return fmt.Sprintf("is list of %s with %d element%s", t.ElementType().FriendlyName(), v.LengthInt(), plural(v.LengthInt()))
	case t.IsSetType():
		return fmt.Sprintf("is set of %s with %d element%s", t.ElementType().FriendlyName(), v.LengthInt(), plural(v.LengthInt()))
	case t.IsMapType():
		return fmt.Sprintf("is map of %s with %d element%s", t.ElementType().FriendlyName(), v.LengthInt(), plural(v.LengthInt()))
	case t.IsTupleType():
		n := v.LengthInt()
		if n > 0 {
			if et, ok := uniformType(v); ok {
				return fmt.Sprintf("is list of %s with %d element%s", et, n, plural(n))
			}
		}
		return fmt.Sprintf("is tuple with %d element%s", n, plural(n))
	case t.IsObjectType():
		n := len(t.AttributeTypes())
		return fmt.Sprintf("is object with %d attribute%s", n, plural(n))
	}
	return "is " + t.FriendlyName()
}

// uniformType reports the kind shared by every element of a tuple, as JSON
// arrays decode to tuples: "object", "string", "number".
func uniformType(v cty.Value) (string, bool) {
	var kind string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		k := e.Type().FriendlyName()
		if e.Type().IsObjectType() {
			k = "object"
		} else if e.Type().IsTupleType() {
			k = "tuple"
		}
		if kind == "" {
			kind = k
		} else if kind != k {
			return "", false
		}
	}
	return kind, kind != ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func describeScalar(v cty.Value) string {
	switch v.Type() {
	case cty.String:
		s := v.AsString()
		if len(s) > maxValueLen {
			return fmt.Sprintf("%q (%d bytes)", s[:maxValueLen]+"…", len(s))
		}
		return fmt.Sprintf("%q", s)
	case cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	}
	return v.GoString()
}
