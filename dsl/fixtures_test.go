package dsl

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// loadNoPanic calls LoadPath and turns a panic into a test error, so that a
// crash on one fixture does not take the whole test binary down.
func loadNoPanic(t *testing.T, p string) (c *Collection, diags hcl.Diagnostics, panicked bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("LoadPath(%q) panicked: %v", p, r)
			panicked = true
		}
	}()
	c, diags = LoadPath(p)
	return c, diags, false
}

// TestLoadValidFixtures loads every folder under testdata/valid: each is a
// collection that must load with no diagnostics at all.
func TestLoadValidFixtures(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "valid"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			p := filepath.Join("testdata", "valid", e.Name())
			c, diags, panicked := loadNoPanic(t, p)
			if panicked {
				return
			}
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics:%s", diagsString(diags))
			}
			if c == nil {
				t.Fatal("nil collection")
			}
			if c.Dir != p {
				t.Errorf("Dir = %q, want %q", c.Dir, p)
			}
			if len(c.Files) == 0 {
				t.Error("no files in the source cache")
			}
			for name := range c.Files {
				if !strings.HasPrefix(name, filepath.ToSlash(p)+"/") || path.Ext(name) != ".hcl" {
					t.Errorf("source cache holds %q, want files named %s/*.hcl", name, p)
				}
			}
		})
	}
	if n < 5 {
		t.Fatalf("found %d valid fixtures, want at least 5", n)
	}
}

// TestLoadInvalidFixtures loads every testdata/invalid/*.hcl file as a
// one-file collection and compares its error diagnostics with the file's
// "# ERROR:" markers: the (line, summary) pairs must be the same multiset,
// every diagnostic must have a subject in that file, and the DETAIL and COL
// parts of a marker must hold for the matching diagnostic.
func TestLoadInvalidFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("found %d invalid fixtures, want at least 20", len(files))
	}
	for _, p := range files {
		name := strings.TrimSuffix(filepath.Base(p), ".hcl")
		t.Run(name, func(t *testing.T) {
			markers := parseErrorMarkers(t, readFile(t, p))
			if len(markers) == 0 {
				t.Fatalf("%s has no # ERROR: markers", p)
			}
			_, diags, panicked := loadNoPanic(t, p)
			if panicked {
				return
			}
			errs := errorDiags(diags)

			var want, got []lineSummary
			for _, m := range markers {
				want = append(want, lineSummary{m.Line, m.Summary})
			}
			wantFile := filepath.ToSlash(p)
			for _, d := range errs {
				if d.Subject == nil {
					t.Errorf("diagnostic %q has no subject", d.Summary)
					continue
				}
				if d.Subject.Filename != wantFile {
					t.Errorf("diagnostic %q: subject file %q, want %q", d.Summary, d.Subject.Filename, wantFile)
				}
				if d.Subject.Start.Line < 1 || d.Subject.Start.Column < 1 || d.Subject.End.Byte < d.Subject.Start.Byte {
					t.Errorf("diagnostic %q: bad subject range %#v", d.Summary, *d.Subject)
				}
				got = append(got, lineSummary{d.Subject.Start.Line, d.Summary})
			}
			if diff := cmp.Diff(sortedKeys(want), sortedKeys(got)); diff != "" {
				t.Errorf("error diagnostics differ from the markers (-want +got):\n%s\nall diagnostics:%s", diff, diagsString(diags))
			}

			// DETAIL and COL refinements: some diagnostic with the same line
			// and summary must satisfy them.
			for _, m := range markers {
				if m.Detail == "" && m.Column == 0 {
					continue
				}
				found := false
				var cands []string
				for _, d := range errs {
					if d.Subject == nil || d.Subject.Start.Line != m.Line || d.Summary != m.Summary {
						continue
					}
					cands = append(cands, d.Detail)
					if m.Detail != "" && !strings.Contains(d.Detail, m.Detail) {
						continue
					}
					if m.Column != 0 && d.Subject.Start.Column != m.Column {
						continue
					}
					found = true
				}
				if !found {
					t.Errorf("line %d %q: no diagnostic with detail containing %q (col %d); candidates: %q",
						m.Line, m.Summary, m.Detail, m.Column, cands)
				}
			}
		})
	}
}

// TestParseErrorMarkers checks the marker parser the fixture test relies
// on, so that a broken parser cannot make every fixture pass.
func TestParseErrorMarkers(t *testing.T) {
	src := "a = 1\n" +
		"b = 2 # ERROR: First thing\n" +
		"c = 3 # ERROR: Second # DETAIL: some \"detail\" # COL: 7 # ERROR: Third\n" +
		"# just a comment\n"
	got := parseErrorMarkers(t, []byte(src))
	want := []errorMarker{
		{Line: 2, Summary: "First thing"},
		{Line: 3, Summary: "Second", Detail: `some "detail"`, Column: 7},
		{Line: 3, Summary: "Third"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("markers (-want +got):\n%s", diff)
	}
}
