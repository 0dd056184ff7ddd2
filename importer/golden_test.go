package importer_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/importer"
	"github.com/sigrun-dev/sigrun/runner"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// literalSecrets are written out in the golden inputs: no output may
// contain them.
var literalSecrets = []string{
	"AKIDLITERALEXAMPLE", "literal/secret/EXAMPLE", "eyJhbGciOi.literal.token", "hunter2", "k-123",
	"do-not-write", "env-secret", "wJalrXUtnFEMI", "literal-key",
}

// render writes an import result as one text: the files, the warnings and
// the variables without a default.
func render(t *testing.T, res *importer.Result) (string, map[string][]byte) {
	t.Helper()
	files, err := res.Collection.Render()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range res.Collection.Files {
		src := files[f.Name]
		// sigrun fmt -check: the output is already formatted.
		if formatted := hclwrite.Format(src); !bytes.Equal(formatted, src) {
			t.Errorf("%s is not formatted:\n%s", f.Name, cmp.Diff(string(formatted), string(src)))
		}
		fmt.Fprintf(&b, "==== %s\n%s", f.Name, src)
	}
	if len(res.Warnings) > 0 {
		b.WriteString("---- warnings\n")
		for _, w := range res.Warnings {
			b.WriteString(w + "\n")
		}
	}
	if len(res.Required) > 0 {
		b.WriteString("---- required\n")
		for _, v := range res.Required {
			s := ""
			if v.Sensitive {
				s = " (sensitive)"
			}
			b.WriteString(v.Name + s + "\n")
		}
	}
	out := b.String()
	for _, s := range literalSecrets {
		if strings.Contains(out, s) {
			t.Errorf("the output contains the literal secret %q", s)
		}
	}
	return out, files
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s (run go test ./importer/ -run Golden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, diff)
	}
}

// validates checks that the generated files load and validate once every
// variable without a default is given a value; relative file paths resolve
// against baseDir.
func validates(t *testing.T, files map[string][]byte, required []*importer.Variable, baseDir string) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	coll, diags := dsl.LoadPath(dir)
	if diags.HasErrors() {
		t.Fatalf("the imported collection does not load: %s", diags.Error())
	}
	var vars []dsl.VarSource
	for _, v := range required {
		val := "x"
		if strings.Contains(v.Name, "url") || strings.Contains(v.Name, "host") {
			val = "http://127.0.0.1:1"
		}
		vars = append(vars, dsl.VarSource{Kind: dsl.VarFlag, Raw: v.Name + "=" + val})
	}
	abs, _ := filepath.Abs(baseDir)
	if _, diags := runner.New(coll, runner.Options{Vars: vars, BaseDir: abs, LookupEnv: func(string) (string, bool) { return "", false }}); diags.HasErrors() {
		t.Fatalf("the imported collection does not validate: %s", diags.Error())
	}
}

// Golden files for every Postman construct; each imported collection also
// validates.
func TestImportPostmanGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden", "postman")
	inputs, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".env.json") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			opts := importer.PostmanOptions{WorkingDir: dir, OutDir: dir}
			if env, err := os.ReadFile(strings.TrimSuffix(in, ".json") + ".env.json"); err == nil {
				opts.Environment = env
			}
			res, err := importer.ImportPostman(data, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, files := render(t, res)
			checkGolden(t, strings.TrimSuffix(in, ".json")+".golden", got)
			validates(t, files, res.Required, dir)
		})
	}
	if n < 5 {
		t.Fatalf("found %d golden inputs in %s", n, dir)
	}
}

// Golden files for curl and awscurl commands.
func TestImportCurlGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden", "curl")
	inputs, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(inputs) < 10 {
		t.Fatalf("found %d golden inputs in %s", len(inputs), dir)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			cmd, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			res, err := importer.ImportCurl([]string{string(cmd)}, importer.CurlOptions{WorkingDir: dir, OutDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			got, files := render(t, res)
			checkGolden(t, strings.TrimSuffix(in, ".txt")+".golden", got)
			validates(t, files, res.Required, dir)
		})
	}
}

// The files of testdata/golden are all used.
func TestImportGoldenFilesHaveInputs(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "*.golden"))
	var orphans []string
	for _, g := range goldens {
		base := strings.TrimSuffix(g, ".golden")
		if _, err1 := os.Stat(base + ".json"); err1 != nil {
			if _, err2 := os.Stat(base + ".txt"); err2 != nil {
				orphans = append(orphans, g)
			}
		}
	}
	sort.Strings(orphans)
	if len(orphans) > 0 {
		t.Errorf("golden files without an input: %v", orphans)
	}
}
