package dsl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

func fileNames(c *Collection) []string {
	var out []string
	for name := range c.Files {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestLoadPathFolder(t *testing.T) {
	// multi_file also holds notes.txt, main.hcl.bak, sub/ignored.hcl,
	// env/dev.hcl and a folder named folder.hcl, all broken HCL: none of
	// them may be read.
	p := filepath.Join("testdata", "valid", "multi_file")
	c := mustLoadPath(t, p)
	const dir = "testdata/valid/multi_file/"
	want := []string{dir + "a_variables.hcl", dir + "b_endpoints.hcl", dir + "c_requests.hcl"}
	if diff := cmp.Diff(want, fileNames(c)); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
	if c.Dir != p {
		t.Errorf("Dir = %q, want %q", c.Dir, p)
	}
	var reqs []string
	for _, r := range c.Requests {
		reqs = append(reqs, r.Name)
	}
	if diff := cmp.Diff([]string{"first", "second"}, reqs); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if len(c.Variables) != 1 || len(c.Locals) != 2 || len(c.Credentials) != 1 || len(c.Endpoints) != 1 || len(c.Outputs) != 1 {
		t.Errorf("got %d variables, %d locals, %d credentials, %d endpoints, %d outputs; want 1, 2, 1, 1, 1",
			len(c.Variables), len(c.Locals), len(c.Credentials), len(c.Endpoints), len(c.Outputs))
	}
}

func TestLoadPathSingleFile(t *testing.T) {
	t.Run("self-contained file", func(t *testing.T) {
		p := filepath.Join("testdata", "valid", "multi_file", "a_variables.hcl")
		c := mustLoadPath(t, p)
		if diff := cmp.Diff([]string{"testdata/valid/multi_file/a_variables.hcl"}, fileNames(c)); diff != "" {
			t.Errorf("files read (-want +got):\n%s", diff)
		}
		if c.Dir != filepath.Join("testdata", "valid", "multi_file") {
			t.Errorf("Dir = %q", c.Dir)
		}
		if len(c.Requests) != 0 || len(c.Variables) != 1 || len(c.Locals) != 1 {
			t.Errorf("got %d requests, %d variables, %d locals; want 0, 1, 1", len(c.Requests), len(c.Variables), len(c.Locals))
		}
	})
	t.Run("only that file is read", func(t *testing.T) {
		// b_endpoints.hcl refers to local.base and credentials.ci, declared
		// in the other files of its folder: alone, those are undeclared.
		p := filepath.Join("testdata", "valid", "multi_file", "b_endpoints.hcl")
		c, diags := LoadPath(p)
		if c == nil {
			t.Fatal("nil collection")
		}
		var got []string
		for _, d := range diags {
			got = append(got, d.Summary)
		}
		sort.Strings(got)
		want := []string{"Reference to undeclared credentials", "Reference to undeclared local value"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("diagnostics (-want +got):\n%s", diff)
		}
	})
	t.Run("a file in the working directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "one.hcl"), []byte(`output "x" { value = 1 }`), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Chdir(dir)
		c, diags := LoadPath("one.hcl")
		if len(diags) > 0 {
			t.Fatalf("diagnostics:%s", diagsString(diags))
		}
		if diff := cmp.Diff([]string{"one.hcl"}, fileNames(c)); diff != "" {
			t.Errorf("file names (-want +got):\n%s", diff)
		}
		if got := c.Output("x").DeclRange.Filename; got != "one.hcl" {
			t.Errorf("DeclRange.Filename = %q, want one.hcl", got)
		}
	})
}

func TestLoadPathErrors(t *testing.T) {
	empty := t.TempDir()
	noHCL := t.TempDir()
	for name, content := range map[string]string{"README.md": "# x", "a.hcl.txt": "x", "sub/b.hcl": "request {"} {
		p := filepath.Join(noHCL, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join("testdata", "does-not-exist")

	tests := []struct {
		name    string
		path    string
		summary string
		details []string
	}{
		{"empty folder", empty, "No collection files", []string{"The folder " + empty + " has no .hcl files."}},
		{"folder without .hcl files", noHCL, "No collection files", []string{noHCL}},
		{"missing path", missing, "Cannot read collection", []string{
			missing + ": no such file or directory", "Name a folder of .hcl files or one .hcl file."}},
		{"missing file", filepath.Join("testdata", "valid", "nope.hcl"), "Cannot read collection", []string{"nope.hcl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, diags := LoadPath(tt.path)
			if c != nil {
				t.Errorf("collection = %+v, want nil", c)
			}
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got:%s", diagsString(diags))
			}
			d := diags[0]
			if d.Severity != hcl.DiagError || d.Summary != tt.summary {
				t.Errorf("got %q (severity %v), want error %q", d.Summary, d.Severity, tt.summary)
			}
			for _, s := range tt.details {
				if !strings.Contains(d.Detail, s) {
					t.Errorf("detail %q does not contain %q", d.Detail, s)
				}
			}
			if strings.Contains(d.Detail, "&fs.PathError") || strings.Contains(d.Detail, "stat ") && strings.Contains(d.Detail, "{") {
				t.Errorf("detail shows Go syntax: %q", d.Detail)
			}
		})
	}
}

func TestLoadMapFS(t *testing.T) {
	fsys := fstest.MapFS{
		"main.hcl":       {Data: []byte(`endpoint "api" { url = "https://example.com" }`)},
		"requests.hcl":   {Data: []byte("request \"get\" {\n  endpoint = endpoint.api\n  path = \"/\"\n}\n")},
		"notes.md":       {Data: []byte("not hcl {")},
		"sub/nested.hcl": {Data: []byte("not hcl {")},
		"env/dev.hcl":    {Data: []byte(`stage = "dev"`)},
	}
	tests := []struct {
		dir       string
		wantFiles []string
	}{
		{"", []string{"main.hcl", "requests.hcl"}},
		{".", []string{"main.hcl", "requests.hcl"}},
		{"coll", []string{"coll/main.hcl", "coll/requests.hcl"}},
		{"a/b", []string{"a/b/main.hcl", "a/b/requests.hcl"}},
	}
	for _, tt := range tests {
		t.Run("dir="+tt.dir, func(t *testing.T) {
			c, diags := Load(fsys, tt.dir, nil)
			if len(diags) > 0 {
				t.Fatalf("diagnostics:%s", diagsString(diags))
			}
			if diff := cmp.Diff(tt.wantFiles, fileNames(c)); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			r := c.Request("get")
			if r == nil || r.Endpoint == nil || r.Endpoint.Name != "api" {
				t.Fatalf("request get: %+v", r)
			}
			if r.DeclRange.Filename != tt.wantFiles[1] || r.DeclRange.Start.Line != 1 {
				t.Errorf("DeclRange %s:%d", r.DeclRange.Filename, r.DeclRange.Start.Line)
			}
			if r.Endpoint.Range.Filename != tt.wantFiles[1] || r.Endpoint.Range.Start.Line != 2 || r.Endpoint.Range.Start.Column != 14 {
				t.Errorf("endpoint ref range %s:%d,%d, want %s:2,14", r.Endpoint.Range.Filename,
					r.Endpoint.Range.Start.Line, r.Endpoint.Range.Start.Column, tt.wantFiles[1])
			}
		})
	}

	t.Run("empty fs", func(t *testing.T) {
		c, diags := Load(fstest.MapFS{"x/y.hcl": {Data: []byte("")}}, "", nil)
		if c != nil || len(diags) != 1 || diags[0].Summary != "No collection files" || !strings.Contains(diags[0].Detail, "The folder . has") {
			t.Errorf("got %v:%s", c, diagsString(diags))
		}
	})
	t.Run("only names a missing file", func(t *testing.T) {
		c, diags := Load(fsys, "coll", []string{"missing.hcl"})
		if c == nil {
			t.Fatal("nil collection")
		}
		if len(diags) != 1 || diags[0].Summary != "Cannot read file" || !strings.Contains(diags[0].Detail, "missing.hcl") {
			t.Errorf("diagnostics:%s", diagsString(diags))
		}
	})
	t.Run("only reads just the files named", func(t *testing.T) {
		c, diags := Load(fsys, "", []string{"main.hcl"})
		if len(diags) > 0 {
			t.Fatalf("diagnostics:%s", diagsString(diags))
		}
		if c.Endpoint("api") == nil || len(c.Requests) != 0 {
			t.Errorf("got %d requests, endpoint %v", len(c.Requests), c.Endpoint("api"))
		}
	})
	t.Run("only may name a file without the .hcl suffix", func(t *testing.T) {
		c, diags := Load(fstest.MapFS{"collection.txt": {Data: []byte(`output "o" { value = 1 }`)}}, "", []string{"collection.txt"})
		if len(diags) > 0 || c.Output("o") == nil {
			t.Errorf("diagnostics:%s", diagsString(diags))
		}
	})
}

func TestLoadEmptyFile(t *testing.T) {
	c, diags := Load(mapFS(map[string]string{"empty.hcl": "", "comments.hcl": "# nothing\n// here\n"}), "", nil)
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", diagsString(diags))
	}
	if len(c.Files) != 2 || len(c.Requests)+len(c.Variables)+len(c.Outputs) != 0 {
		t.Errorf("got %d files, %d requests", len(c.Files), len(c.Requests))
	}
}

// TestLoadAccumulatesDiagnostics: a syntax error in one file does not hide
// the errors of another, the good file is still decoded, and the reference
// checks wait until every file decodes cleanly (so that they do not report
// names that a broken file would have declared).
func TestLoadAccumulatesDiagnostics(t *testing.T) {
	fsys := mapFS(map[string]string{
		"a_broken.hcl": "request \"x\" {\n  url = \n}\n",
		"b_bad.hcl":    "endpoint \"api\" {\n  urll = \"https://example.com\"\n}\n",
		"c_good.hcl":   "request \"good\" {\n  url = \"https://example.com/${var.undeclared}\"\n}\n",
	})
	c, diags := Load(fsys, "coll", nil)
	if c == nil {
		t.Fatal("nil collection: a collection must come back with its diagnostics")
	}
	type key struct {
		file    string
		line    int
		summary string
	}
	var got []key
	for _, d := range diags {
		if d.Subject == nil {
			t.Errorf("no subject: %s", d.Summary)
			continue
		}
		got = append(got, key{d.Subject.Filename, d.Subject.Start.Line, d.Summary})
	}
	want := []key{
		{"coll/a_broken.hcl", 2, "Invalid expression"},
		{"coll/b_bad.hcl", 1, "Missing required argument"},
		{"coll/b_bad.hcl", 2, "Unsupported argument"},
	}
	sort.Slice(got, func(i, j int) bool {
		if got[i].file != got[j].file {
			return got[i].file < got[j].file
		}
		if got[i].line != got[j].line {
			return got[i].line < got[j].line
		}
		return got[i].summary < got[j].summary
	})
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(key{})); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if c.Request("good") == nil {
		t.Error("the good file was not decoded")
	}
	if c.Request("x") != nil {
		t.Error("a file with syntax errors must not be decoded")
	}
	if c.Files["coll/a_broken.hcl"] == nil {
		t.Error("the broken file must be in the source cache, for rendering its diagnostics")
	}
}

// TestLoadDoesNotReorderOnly: Load sorts the files it reads, but must not
// reorder the caller's slice.
func TestLoadDoesNotReorderOnly(t *testing.T) {
	fsys := mapFS(map[string]string{"a.hcl": "", "b.hcl": ""})
	only := []string{"b.hcl", "a.hcl"}
	if _, diags := Load(fsys, "", only); len(diags) > 0 {
		t.Fatalf("diagnostics:%s", diagsString(diags))
	}
	if diff := cmp.Diff([]string{"b.hcl", "a.hcl"}, only); diff != "" {
		t.Errorf("the caller's slice was modified (-before +after):\n%s", diff)
	}
}

// TestLoadIgnoresHiddenFiles: like the shell's *.hcl and like Terraform,
// files whose names start with a dot are not part of the collection; an
// editor's lock file (Emacs writes .#main.hcl as a dangling symlink) must
// not break loading while the user edits.
func TestLoadIgnoresHiddenFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`output "o" { value = 1 }`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".hidden.hcl"), []byte("not hcl {"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("user@host.1234:1700000000", filepath.Join(dir, ".#main.hcl")); err != nil {
		t.Skipf("cannot create a symlink here: %v", err)
	}
	c, diags := LoadPath(dir)
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", diagsString(diags))
	}
	if len(c.Files) != 1 || c.Output("o") == nil {
		t.Errorf("files %v", fileNames(c))
	}
}
