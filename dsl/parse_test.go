package dsl

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// pieceSources are collections with what can go wrong when a file is cut
// between blocks: heredocs and comments whose lines start in the first
// column, comments after a closing brace, single-line blocks, nested
// objects and templates, syntax errors.
func pieceSources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	var all strings.Builder
	for _, root := range []string{"testdata", "../samples"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".hcl") {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				out[p] = string(b)
				all.Write(b)
				all.WriteByte('\n')
			}
			return nil
		})
	}
	out["all"] = all.String()

	out["clean"] = cleanPieceSource(200)
	var b strings.Builder
	b.WriteString("variable \"base_url\" { type = string }\n\nlocals {\n  doc = <<EOT\nrequest \"not_a_block\" {\n}\nEOT\n}\n")
	for i := range 200 {
		switch i % 8 {
		case 0:
			fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  path     = \"/items/%d\"\n}\n\n", i, i)
		case 1:
			fmt.Fprintf(&b, "request \"r%d\" { url = \"https://example.com/${var.base_url}/%d\" }\n", i, i)
		case 2:
			fmt.Fprintf(&b, "# a comment\nrequest \"r%d\" {\n  url   = \"https://example.com/\"\n  query = { a = [1, 2, (3)], b = { c = \"%%{ if true }x%%{ endif }\" } }\n  expect {\n    status = 200\n  }\n}\n", i)
		case 3:
			fmt.Fprintf(&b, "request \"r%d\" {\n  url  = \"https://example.com/\"\n  body = <<-EOT\n    {\"n\": %d}\nrequest \"inside_a_heredoc\" {\n    EOT\n} # closed\n", i, i)
		case 4:
			fmt.Fprintf(&b, "/* a block comment\nrequest \"commented\" {\n}\n*/\nrequest \"r%d\" {\n  url = \"https://example.com/\"\n}\r\n", i)
		case 5:
			fmt.Fprintf(&b, "request \"r%d\" {\n  url = \"https://example.com/\"\n  json = {\n    list = [for x in [1, 2] : x * 2]\n  }\n}\n", i)
		case 6:
			fmt.Fprintf(&b, "request \"r%d\" {\n  url = \"https://example.com/\"\n  tags = [\"a\",\n\"b\"]\n}\n", i)
		case 7:
			fmt.Fprintf(&b, "output \"o%d\" {\n  value = request.r%d.response.status\n}\n", i, i-1)
		}
	}
	out["mixed"] = b.String()
	out["mixed with a syntax error"] = b.String() + "request \"broken\" {\n  url = \n}\n" + b.String()
	out["mixed with an unclosed block"] = b.String() + "request \"broken\" {\n" + b.String()
	out["attribute at the top"] = b.String() + "name = 1\n" + b.String() + "name = 2\n"
	out["brace after a block"] = b.String() + "request \"a\" {\n}}\n" + b.String()
	out["no final newline"] = strings.TrimSuffix(b.String(), "\n")
	out["unterminated comment"] = b.String() + "/* no end\n" + b.String()
	out["unterminated heredoc"] = b.String() + "locals {\n x = <<EOT\n" + b.String()
	return out
}

// cleanPieceSource is n blocks with comments, single-line blocks, nested
// objects, templates, heredocs and CRLF line ends, and no syntax error:
// a file that can be parsed in pieces cut before any of its blocks.
func cleanPieceSource(n int) string {
	var b strings.Builder
	b.WriteString("# A header comment.\n\nvariable \"base_url\" { type = string }\n")
	for i := range n {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  path     = \"/items/%d\"\n}\n\n", i, i)
		case 1:
			fmt.Fprintf(&b, "request \"r%d\" { url = \"https://example.com/${var.base_url}/%d\" }\n", i, i)
		case 2:
			fmt.Fprintf(&b, "# a comment\n// another\nrequest \"r%d\" {\n  url   = \"https://example.com/\"\n  query = { a = [1, 2, (3)], b = { c = \"%%{ if true }x%%{ endif }\" } }\n  expect {\n    status = 200\n  }\n} # closed\n", i)
		case 3:
			fmt.Fprintf(&b, "request \"r%d\" {\n  url  = \"https://example.com/\"\n  body = <<-EOT\n    {\"n\": %d}\n    EOT\n}\n/* a block\n   comment */\n", i, i)
		case 4:
			fmt.Fprintf(&b, "request \"r%d\" {\r\n  url = \"https://example.com/\"\r\n}\r\n", i)
		case 5:
			fmt.Fprintf(&b, "request \"r%d\" {\n  url = \"https://example.com/\"\n  json = {\n    list = [for x in [1, 2] : x * 2]\n  }\n}\n", i)
		case 6:
			fmt.Fprintf(&b, "output \"o%d\" {\n  value = request.r%d.response.status\n}\n", i, i-1)
		}
	}
	return b.String()
}

// TestParsePiecesMatchesParseConfig: a file parsed in pieces is the file
// ParseConfig gives, or is refused (and then parsed whole).
func TestParsePiecesMatchesParseConfig(t *testing.T) {
	for name, src := range pieceSources(t) {
		want, wantDiags := hclsyntax.ParseConfig([]byte(src), "f.hcl", hcl.InitialPos)
		for _, size := range []int{1, 100, 1000, 1 << 20} {
			got, ok := parsePieces([]byte(src), "f.hcl", size, 3)
			if !ok {
				continue
			}
			if wantDiags.HasErrors() || len(wantDiags) > 0 {
				t.Errorf("%s, pieces of %d: parsed in pieces, but the whole file has diagnostics: %s", name, size, wantDiags)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, pieces of %d: the file parsed in pieces differs from the whole file", name, size)
			}
		}
	}
}

// TestParsePiecesTaken: a file without syntax errors is parsed in pieces,
// and a generated suite too.
func TestParsePiecesTaken(t *testing.T) {
	for name, src := range map[string]string{"clean": cleanPieceSource(200), "suite": benchSource(2000)} {
		for _, size := range []int{1, 1000} {
			pieces, ok := splitPieces([]byte(src), size)
			if !ok || len(pieces) < 10 {
				t.Fatalf("%s: split into %d pieces, ok %v", name, len(pieces), ok)
			}
			want, _ := hclsyntax.ParseConfig([]byte(src), "f.hcl", hcl.InitialPos)
			got, ok := parsePieces([]byte(src), "f.hcl", size, 2)
			if !ok {
				t.Fatalf("%s: not parsed in pieces", name)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: the file parsed in pieces differs from the whole file", name)
			}
		}
	}
}

// TestParseSourceNesting: the nesting limit holds for large files, whether
// the nesting is within one block or not.
func TestParseSourceNesting(t *testing.T) {
	suite := benchSource(3000)
	if len(suite) < minSplitSize {
		t.Fatalf("the suite is %d bytes, too small to be parsed in pieces", len(suite))
	}
	deep := "locals {\n  x = " + strings.Repeat("[", MaxNesting+1) + strings.Repeat("]", MaxNesting+1) + "\n}\n"
	for name, src := range map[string]string{
		"deep block first": deep + suite,
		"deep block last":  suite + deep,
	} {
		_, diags := parseSource([]byte(src), "f.hcl")
		wantDiags := checkNesting([]byte(src), "f.hcl", false)
		if !wantDiags.HasErrors() {
			t.Fatalf("%s: checkNesting found nothing", name)
		}
		if !reflect.DeepEqual(diags, wantDiags) {
			t.Errorf("%s: got %s, want %s", name, diags, wantDiags)
		}
	}
	// Many shallow blocks are not deep nesting, even when there are more
	// than MaxNesting braces in all.
	f, diags := parseSource([]byte(suite), "f.hcl")
	want, wantDiags := hclsyntax.ParseConfig([]byte(suite), "f.hcl", hcl.InitialPos)
	if len(diags) > 0 || len(wantDiags) > 0 || !reflect.DeepEqual(f, want) {
		t.Fatalf("diagnostics %s, %s; same file: %v", diags, wantDiags, reflect.DeepEqual(f, want))
	}
}

// TestLoadLargeCollection: a collection large enough to be parsed in
// pieces and decoded and checked on several cores loads as it does on one
// core, diagnostics included.
func TestLoadLargeCollection(t *testing.T) {
	clean := benchSource(3000)
	// Errors spread over the file, found when decoding (an unsupported
	// argument, a duplicate name) or when checking references (an
	// undeclared endpoint, a self-reference).
	var decodeErrs, refErrs strings.Builder
	decodeErrs.WriteString(clean)
	refErrs.WriteString(clean)
	for i := range 40 {
		switch i % 2 {
		case 0:
			fmt.Fprintf(&decodeErrs, "request \"e%d\" {\n  endpoint = endpoint.api\n  methd = \"GET\"\n}\n", i)
			fmt.Fprintf(&refErrs, "request \"e%d\" {\n  endpoint = endpoint.nope\n  path = \"/x\"\n}\n", i)
		case 1:
			decodeErrs.WriteString("request \"r7\" {\n  endpoint = endpoint.api\n}\n")
			fmt.Fprintf(&refErrs, "request \"e%d\" {\n  url = request.e%d.response.json.url\n}\n", i, i)
		}
		fmt.Fprintf(&decodeErrs, "request \"x%d\" {\n  endpoint = endpoint.api\n}\n", i)
		fmt.Fprintf(&refErrs, "request \"x%d\" {\n  endpoint = endpoint.api\n}\n", i)
	}
	for name, src := range map[string]string{"clean": clean, "decode errors": decodeErrs.String(), "reference errors": refErrs.String()} {
		load := func() (*Collection, hcl.Diagnostics) {
			return Load(fstest.MapFS{"a.hcl": {Data: []byte(src)}, "b.hcl": {Data: []byte("request \"b\" {\n  endpoint = endpoint.api\n}\n")}}, "", nil)
		}
		got, gotDiags := load()
		procs := runtime.GOMAXPROCS(1)
		want, wantDiags := load()
		runtime.GOMAXPROCS(procs)
		if len(got.Requests) < 3000 {
			t.Fatalf("%s: %d requests", name, len(got.Requests))
		}
		if n := len(gotDiags); (name == "clean") != (n == 0) {
			t.Fatalf("%s: %d diagnostics", name, n)
		}
		if !reflect.DeepEqual(gotDiags, wantDiags) {
			t.Errorf("%s: diagnostics differ:\n%s\nwant\n%s", name, gotDiags, wantDiags)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the collection differs from the one loaded on one core", name)
		}
	}
}
