package dsl

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// errorMarker is one expected error diagnostic, written in a fixture as an
// inline comment on the line the diagnostic's subject starts at:
//
//	methd = "GET" # ERROR: Unsupported argument # DETAIL: Did you mean "method"?
//
// A line may carry several "# ERROR:" markers when it must produce several
// errors. After a marker's summary, optional parts refine it:
// "# DETAIL: <substring of the detail>" and "# COL: <subject start column>".
type errorMarker struct {
	Line    int
	Summary string
	Detail  string // substring; "" means not checked
	Column  int    // 0 means not checked
}

var markerPart = regexp.MustCompile(`\s*#\s*(DETAIL|COL):\s*`)

// parseErrorMarkers reads the "# ERROR:" markers of src.
func parseErrorMarkers(t *testing.T, src []byte) []errorMarker {
	t.Helper()
	var out []errorMarker
	for i, line := range strings.Split(string(src), "\n") {
		segs := strings.Split(line, "# ERROR: ")
		for _, seg := range segs[1:] {
			m := errorMarker{Line: i + 1}
			parts := markerPart.Split(seg, -1)
			kinds := markerPart.FindAllStringSubmatch(seg, -1)
			m.Summary = strings.TrimSpace(parts[0])
			for k, kind := range kinds {
				val := strings.TrimSpace(parts[k+1])
				switch kind[1] {
				case "DETAIL":
					m.Detail = val
				case "COL":
					n, err := strconv.Atoi(val)
					if err != nil {
						t.Fatalf("line %d: bad COL marker %q", i+1, val)
					}
					m.Column = n
				}
			}
			if m.Summary == "" {
				t.Fatalf("line %d: empty ERROR marker", i+1)
			}
			out = append(out, m)
		}
	}
	return out
}

// lineSummary is the (line, summary) key the invalid-fixture test compares.
type lineSummary struct {
	Line    int
	Summary string
}

func (k lineSummary) String() string { return fmt.Sprintf("line %d: %s", k.Line, k.Summary) }

// countKeys builds a multiset of keys as sorted "line N: summary" strings,
// so that a mismatch prints readably and a doubly reported error counts.
func sortedKeys(keys []lineSummary) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.String()
	}
	sort.Strings(out)
	return out
}

// errorDiags returns the error-severity diagnostics of diags.
func errorDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d)
		}
	}
	return out
}

// diagsString renders diags one a line for failure messages.
func diagsString(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		where := "<no subject>"
		if d.Subject != nil {
			where = fmt.Sprintf("%s:%d,%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		fmt.Fprintf(&b, "\n  %s %s: %s; %s", sev, where, d.Summary, d.Detail)
	}
	return b.String()
}

// findDiag returns the first diagnostic whose summary is summary, or nil.
func findDiag(diags hcl.Diagnostics, summary string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Summary == summary {
			return d
		}
	}
	return nil
}

// loadSrc loads a one-file collection main.hcl (shown in folder "coll")
// from src through an fstest.MapFS.
func loadSrc(t *testing.T, src string) (*Collection, hcl.Diagnostics) {
	t.Helper()
	fsys := fstest.MapFS{"main.hcl": {Data: []byte(src)}}
	return Load(fsys, "coll", nil)
}

// mustLoadSrc is loadSrc that fails the test on any diagnostic.
func mustLoadSrc(t *testing.T, src string) *Collection {
	t.Helper()
	c, diags := loadSrc(t, src)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:%s", diagsString(diags))
	}
	if c == nil {
		t.Fatal("Load returned a nil collection without diagnostics")
	}
	return c
}

// mustLoadPath is LoadPath that fails the test on any diagnostic.
func mustLoadPath(t *testing.T, p string) *Collection {
	t.Helper()
	c, diags := LoadPath(p)
	if len(diags) > 0 {
		t.Fatalf("LoadPath(%q): unexpected diagnostics:%s", p, diagsString(diags))
	}
	return c
}

// srcText returns the source text an expression was parsed from.
func srcText(t *testing.T, c *Collection, expr hcl.Expression) string {
	t.Helper()
	if expr == nil {
		t.Fatal("srcText: nil expression")
	}
	rng := expr.Range()
	f := c.Files[rng.Filename]
	if f == nil {
		t.Fatalf("srcText: no file %q in the collection's source cache", rng.Filename)
	}
	return string(rng.SliceBytes(f.Bytes))
}

// constValue evaluates expr without a context; the expression must be a
// literal.
func constValue(t *testing.T, expr hcl.Expression) cty.Value {
	t.Helper()
	if expr == nil {
		t.Fatal("constValue: nil expression")
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("constValue: %s", diagsString(diags))
	}
	return v
}

// parseExpr parses src as an expression of file "expr.hcl".
func parseExpr(t *testing.T, src string) hcl.Expression {
	t.Helper()
	e, diags := hclsyntax.ParseExpression([]byte(src), "expr.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %q: %s", src, diagsString(diags))
	}
	return e
}

// checkRule builds a CheckRule from source text.
func checkRule(t *testing.T, cond, msg string) *CheckRule {
	t.Helper()
	return &CheckRule{Condition: parseExpr(t, cond), ErrorMessage: parseExpr(t, msg)}
}

// readFile reads a fixture or fails the test.
func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mapFS builds an in-memory file system from file contents.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}
