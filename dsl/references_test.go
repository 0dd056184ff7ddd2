package dsl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

func TestReferences(t *testing.T) {
	e1 := parseExpr(t, `"${var.a}/${var.a}/${request.r.response.json.id}"`)
	e2 := parseExpr(t, `[for x in local.list : x.id if x.ok]`)
	refs, diags := References(nil, e1, nil, e2)
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", diagsString(diags))
	}
	type row struct {
		Subject   string
		Col       int
		Remaining int
	}
	var got []row
	for _, r := range refs {
		got = append(got, row{r.Subject.String(), r.SourceRange.Start.Column, len(r.Remaining)})
	}
	// Duplicates are kept, each with its own range; the for expression's
	// own symbol x is not a reference.
	want := []row{
		{"var.a", 4, 0},
		{"var.a", 13, 0},
		{"request.r", 22, 3},
		{"local.list", 11, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if refs[2].SourceRange.End.Column != 31 {
		t.Errorf("request.r range ends at column %d, want 31 (the address only)", refs[2].SourceRange.End.Column)
	}

	t.Run("bad references give diagnostics, good ones are kept", func(t *testing.T) {
		refs, diags := References(parseExpr(t, `[foo.bar, var.ok, var]`))
		if len(refs) != 1 || refs[0].Subject.String() != "var.ok" {
			t.Errorf("refs = %v", refs)
		}
		if len(diags) != 2 || diags[0].Summary != "Unknown symbol" || diags[1].Summary != "Invalid reference" {
			t.Errorf("diagnostics:%s", diagsString(diags))
		}
	})
	t.Run("no expressions", func(t *testing.T) {
		refs, diags := References()
		if refs != nil || diags != nil {
			t.Errorf("got %v, %v", refs, diags)
		}
		refs, diags = References(nil, parseExpr(t, `"literal"`))
		if len(refs) != 0 || len(diags) != 0 {
			t.Errorf("got %v, %v", refs, diags)
		}
	})
}

func TestAuthExprsNil(t *testing.T) {
	var a *Auth
	if got := a.Exprs(); got != nil {
		t.Errorf("nil Auth Exprs() = %v", got)
	}
}

// TestValidateMessages covers messages of the reference checks that the
// fixtures do not pin down.
func TestValidateMessages(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		summary string
		detail  string // exact
	}{
		{
			name:    "no suggestion when nothing is close",
			src:     `request "r" { url = "https://x/${var.zzz}" }`,
			summary: "Reference to undeclared input variable",
			detail:  `No input variable named "zzz" is declared in this collection.`,
		},
		{
			name:    "undeclared endpoint with no endpoints at all",
			src:     `request "r" { endpoint = endpoint.api }`,
			summary: "Reference to undeclared endpoint",
			detail:  `No endpoint named "api" is declared in this collection.`,
		},
		{
			name:    "undeclared credentials",
			src:     "credentials \"ci\" {}\nendpoint \"e\" {\n  url = \"https://x\"\n  auth \"aws_sigv4\" { credentials = credentials.cx }\n}",
			summary: "Reference to undeclared credentials",
			detail:  `No credentials named "cx" is declared in this collection. Did you mean credentials.ci?`,
		},
		{
			name:    "response in a request's input",
			src:     `request "r" { url = "https://x/${response.status}" }`,
			summary: `Invalid use of "response"`,
			detail: `"response" means a request's own response and exists only inside its expect, assert and retry blocks; ` +
				`it cannot be used in request "r". A request's other arguments are evaluated before it is sent.`,
		},
		{
			name:    "self reference in a request's input",
			src:     `request "r" { url = request.r.response.body }`,
			summary: "Self-referential request",
			detail:  `Request "r" cannot refer to itself.`,
		},
		{
			name:    "self reference in auth",
			src:     "request \"r\" {\n  url = \"https://x\"\n  auth \"bearer\" { token = request.r.response.body }\n}",
			summary: "Self-referential request",
			detail:  `Request "r" cannot refer to itself.`,
		},
		{
			name:    "credentials in an output",
			src:     "credentials \"ci\" {}\noutput \"o\" { value = credentials.ci }",
			summary: "Credentials are not values",
			detail: "credentials.ci can be named only in an aws_sigv4 auth block's credentials argument " +
				"(credentials = credentials.ci); it cannot be used in an output's expressions.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := loadSrc(t, tt.src)
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got:%s", diagsString(diags))
			}
			d := diags[0]
			if d.Summary != tt.summary || d.Detail != tt.detail {
				t.Errorf("got %q / %q\nwant %q / %q", d.Summary, d.Detail, tt.summary, tt.detail)
			}
			if d.Subject == nil || d.Subject.Filename != "coll/main.hcl" {
				t.Errorf("subject %v", d.Subject)
			}
		})
	}
}

// TestValidateAllowsResponseInChecks: "response" is allowed in every
// argument of expect, assert and retry.
func TestValidateAllowsResponseInChecks(t *testing.T) {
	for _, block := range []string{
		"expect {\n status = response.status\n headers = response.headers\n json = response.json\n body_contains = response.body\n body_matches = response.body\n max_duration = response.duration_ms\n}",
		"assert {\n condition = response.status == 200\n error_message = response.body\n}",
		"retry {\n attempts = response.status\n interval = response.body\n until = response.status == 200\n}",
	} {
		name, _, _ := strings.Cut(block, " ")
		t.Run(name, func(t *testing.T) {
			mustLoadSrc(t, "request \"r\" {\n  url = \"https://x\"\n"+block+"\n}\n")
		})
	}
}

func TestNameSuggestion(t *testing.T) {
	candidates := []string{"method", "path", "url", "endpoint"}
	tests := []struct {
		given, want string
	}{
		{"methd", "method"},
		{"mehtod", "method"}, // two edits
		{"pth", "path"},
		{"URL", ""}, // three edits: too far
		{"endpont", "endpoint"},
		{"xyz", ""},
		{"", ""},
		{"url", "url"},
	}
	for _, tt := range tests {
		if got := nameSuggestion(tt.given, candidates); got != tt.want {
			t.Errorf("nameSuggestion(%q) = %q, want %q", tt.given, got, tt.want)
		}
	}
	if got := nameSuggestion("a", nil); got != "" {
		t.Errorf("no candidates: %q", got)
	}
	// The closest wins, whatever the order.
	if got := nameSuggestion("stagee", []string{"stages", "stage"}); got != "stage" && got != "stages" {
		t.Errorf("got %q", got)
	}
	if got := nameSuggestion("abcd", []string{"abxy", "abcx"}); got != "abcx" {
		t.Errorf("closest: got %q, want abcx", got)
	}
}

func TestQuotedList(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, `"a"`},
		{[]string{"a", "b"}, `"a" and "b"`},
		{[]string{"a", "b", "c"}, `"a", "b" and "c"`},
		{[]string{`q"`}, `"q\""`},
	}
	for _, tt := range tests {
		if got := quotedList(tt.in); got != tt.want {
			t.Errorf("quotedList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSortedAttributes(t *testing.T) {
	mk := func(name, file string, byte int) *hcl.Attribute {
		return &hcl.Attribute{Name: name, Range: hcl.Range{Filename: file, Start: hcl.Pos{Byte: byte}}}
	}
	attrs := hcl.Attributes{
		"z": mk("z", "a.hcl", 0),
		"y": mk("y", "a.hcl", 10),
		"x": mk("x", "b.hcl", 0),
		"w": mk("w", "a.hcl", 5),
	}
	var got []string
	for _, a := range sortedAttributes(attrs) {
		got = append(got, a.Name)
	}
	if diff := cmp.Diff([]string{"z", "w", "y", "x"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if got := sortedAttributes(nil); len(got) != 0 {
		t.Errorf("sortedAttributes(nil) = %v", got)
	}
}
