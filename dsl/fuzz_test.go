package dsl_test

// FuzzLoad (issue 9): random bytes and mutated samples as a collection
// file, and random --var values. dsl.Load and then runner.New (which
// resolves the variables and evaluates every block with responses unknown,
// without sending anything) must return, with or without diagnostics:
// never panic, never hang, never send a request. The seed corpus (every
// sample and test collection, and testdata/fuzz/FuzzLoad) runs in the
// ordinary `go test`; docs/reliability.md records the fuzzing runs.

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// fuzzDeadline is how long one input may take before it counts as a hang.
const fuzzDeadline = 20 * time.Second

// noNetwork fails any request: loading and validating must send nothing.
type noNetwork struct{}

func (noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	panic(fmt.Sprintf("runner.New sent a request: %s %s", r.Method, r.URL))
}

// seedCollections returns the text of every sample and test collection:
// each folder's .hcl files joined, and each file alone.
func seedCollections(f *testing.F) [][]byte {
	f.Helper()
	byDir := map[string][]string{}
	for _, root := range []string{"../samples", "testdata"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".hcl") {
				byDir[filepath.Dir(p)] = append(byDir[filepath.Dir(p)], p)
			}
			return nil
		})
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var out [][]byte
	for _, d := range dirs {
		var joined []byte
		for _, p := range byDir[d] {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
			joined = append(append(joined, b...), '\n')
		}
		if len(byDir[d]) > 1 {
			out = append(out, joined)
		}
	}
	if len(out) == 0 {
		f.Fatal("no seed collections found")
	}
	return out
}

// moduleFiles is a child module the fuzzed collection may call as
// ./modules/item-lifecycle.
func moduleFiles(f *testing.F) fstest.MapFS {
	f.Helper()
	fsys := fstest.MapFS{}
	root := "../samples/modules"
	filepath.WalkDir(filepath.Join(root, "modules"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	return fsys
}

func FuzzLoad(f *testing.F) {
	for _, src := range seedCollections(f) {
		f.Add(src, "")
	}
	f.Add([]byte("variable \"n\" { type = number }\nrequest \"r\" {\n  url   = \"http://127.0.0.1:1/${var.n}\"\n  count = var.n\n}\n"), "n=3")
	f.Add([]byte("variable \"m\" { type = map(string) }\nrequest \"r\" {\n  for_each = var.m\n  url      = \"http://127.0.0.1:1/${each.key}\"\n}\n"), "m={a=\"1\", b=\"2\"}")
	f.Add([]byte("locals { d = csvdecode(file(\"data.csv\")) }\nrequest \"r\" {\n  for_each = { for r in local.d : r.a => r }\n  url      = \"http://127.0.0.1:1/${each.value.b}\"\n}\n"), "")
	f.Add([]byte{0xff, 0xfe, '{', '$', '{'}, "x=\xff")

	extra := moduleFiles(f)
	extra["data.csv"] = &fstest.MapFile{Data: []byte("a,b\n1,2\n3,4\n")}
	extra["data.json"] = &fstest.MapFile{Data: []byte(`{"a": [1, 2, {"b": null}]}`)}
	extra["data.txt"] = &fstest.MapFile{Data: []byte("hello ${name}")}

	f.Fuzz(func(t *testing.T, src []byte, vars string) {
		watchdog := time.AfterFunc(fuzzDeadline, func() {
			panic(fmt.Sprintf("dsl.Load and runner.New did not return within %s on:\n%q\nvars %q", fuzzDeadline, src, vars))
		})
		defer watchdog.Stop()

		fsys := fstest.MapFS{"main.hcl": {Data: src}}
		for name, file := range extra {
			fsys[name] = file
		}
		c, diags := dsl.Load(fsys, "fuzz", []string{"main.hcl"})
		if diags.HasErrors() {
			if c == nil && len(diags) == 0 {
				t.Fatal("an error without a diagnostic")
			}
			return
		}
		if c == nil {
			t.Fatal("no collection and no error")
		}
		var sources []dsl.VarSource
		for _, line := range strings.Split(vars, "\n") {
			if line != "" {
				sources = append(sources, dsl.VarSource{Kind: dsl.VarFlag, Raw: line})
			}
		}
		r, diags := runner.New(c, runner.Options{
			Vars:      sources,
			ReadFile:  runner.FSReadFile(fsys),
			LookupEnv: func(string) (string, bool) { return "", false },
			Client:    &http.Client{Transport: noNetwork{}},
		})
		if r == nil && !diags.HasErrors() {
			t.Fatal("no runner and no error")
		}
		for _, d := range diags {
			if d == nil {
				t.Fatal(errors.New("a nil diagnostic"))
			}
		}
	})
}
