package funcs

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// exprCase evaluates an HCL expression with the table as the evaluation
// context's functions, the way sigrun evaluates a collection. try and can
// are only testable this way, since they need unevaluated expressions.
type exprCase struct {
	fn   string // the function the case counts for in TestAllFunctionsTested; "" for none
	src  string
	vars map[string]cty.Value
	want cty.Value
	err  string
}

func exprCases() []exprCase {
	return []exprCase{
		{fn: "upper", src: `upper("a")`, want: str("A")},
		{fn: "upper", src: `upper(name)`, vars: map[string]cty.Value{"name": str("ada")}, want: str("ADA")},
		{fn: "try", src: `try(jsondecode("{"), "fallback")`, want: str("fallback")},
		{fn: "try", src: `try(req.headers.missing, req.headers.accept, "*/*")`, vars: map[string]cty.Value{"req": obj(map[string]cty.Value{"headers": obj(map[string]cty.Value{"accept": str("application/json")})})}, want: str("application/json")},
		{fn: "try", src: `try(nope.x)`, vars: map[string]cty.Value{"nope": cty.EmptyObjectVal}, err: "no expression succeeded"},
		{fn: "try", src: `try()`, err: "at least one argument is required"},
		{fn: "can", src: `can(regex("^[0-9]+$", "123"))`, want: cty.True},
		{fn: "can", src: `can(regex("^[0-9]+$", "abc"))`, want: cty.False},
		{fn: "can", src: `can(tonumber(port))`, vars: map[string]cty.Value{"port": str("80x")}, want: cty.False},
		{fn: "replace", src: `replace("v1.2.3", "/\\./", "-")`, want: str("v1-2-3")},
		{fn: "env", src: `env("API_TOKEN")`, want: str("s3cret")},
		{fn: "env", src: `env("REGION", "eu-west-1")`, want: str("eu-west-1")},
		{fn: "env", src: `env("REGION")`, err: `Invalid value for "name" parameter: environment variable "REGION" is not set`},
		{fn: "env", src: `coalesce(env("REGION", null), env("API_TOKEN"))`, want: str("s3cret")},
		{fn: "file", src: `file("hello.txt")`, want: str(helloText)},
		{fn: "file", src: `jsondecode(file("missing.json"))`, err: `Invalid value for "path" parameter: no file exists at`},
		{fn: "templatefile", src: `templatefile("greeting.tmpl", { name = "Ada" })`, want: str("Hello, Ada!")},
		{fn: "templatefile", src: `templatefile("list.tmpl", { items = ["x", "y"] })`, want: str("- X\n- Y\n")},
		{fn: "length", src: `length([1, "a", true])`, want: num(3)},
		{fn: "length", src: `length({ a = 1 })`, want: num(1)},
		{fn: "jsonencode", src: `jsonencode({ id = 7, tags = ["a", "b"] })`, want: str(`{"id":7,"tags":["a","b"]}`)},
		{fn: "alltrue", src: `alltrue([true, 1 == 1])`, want: cty.True},
		{fn: "anytrue", src: `anytrue([false, "true"])`, want: cty.True},
		{fn: "lookup", src: `lookup({ a = "x" }, "b", "dflt")`, want: str("dflt")},
		{fn: "sum", src: `sum([1, 2, 3.5])`, want: float(6.5)},
		{fn: "tolist", src: `tolist(["a", "b"])`, want: strs("a", "b")},
		{fn: "coalesce", src: `coalesce("", "x")`, want: str("x")},
		{fn: "format", src: `format("%s:%d", "port", 8080)`, want: str("port:8080")},
		{fn: "timestamp", src: `timestamp()`, want: str("2024-05-01T12:30:45Z")},
		{fn: "uuidv5", src: `uuidv5("dns", "www.terraform.io")`, want: str("a5008fae-b28c-5ba5-96cd-82b4c53552d6")},
		{fn: "hmacsha256", src: `hmacsha256("key", "The quick brown fox jumps over the lazy dog")`, want: str("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")},
		{fn: "base64encode", src: `base64decode(base64encode("round trip"))`, want: str("round trip")},
		{fn: "", src: `nosuch("x")`, err: `There is no function named "nosuch"`},
		{fn: "", src: `upper("a", "b")`, err: "Function \"upper\" expects only 1 argument(s)"},
	}
}

func TestExpressions(t *testing.T) {
	fx := newFixture(t)
	for _, c := range exprCases() {
		t.Run(c.src, func(t *testing.T) {
			expr, diags := hclsyntax.ParseExpression([]byte(c.src), "test.hcl", hcl.Pos{Line: 1, Column: 1})
			if diags.HasErrors() {
				t.Fatalf("parse %s: %s", c.src, diags)
			}
			ctx := &hcl.EvalContext{Variables: c.vars, Functions: Functions(fx.options())}
			got, diags := expr.Value(ctx)
			if c.err != "" {
				if !diags.HasErrors() {
					t.Fatalf("%s = %#v, want error containing %q", c.src, got, c.err)
				}
				if !strings.Contains(diags.Error(), c.err) {
					t.Fatalf("%s error = %q, want it to contain %q", c.src, diags.Error(), c.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("%s failed: %s", c.src, diags)
			}
			if !got.RawEquals(c.want) {
				t.Fatalf("%s\n got: %#v\nwant: %#v", c.src, got, c.want)
			}
		})
	}
}

// TestAllFunctionsTested fails when a function in the table has no case in
// either table, and when a case names a function the table lacks.
func TestAllFunctionsTested(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range callCases(fixture{dir: "/base", other: "/other"}) {
		tested[c.fn] = true
	}
	for _, c := range exprCases() {
		if c.fn != "" {
			tested[c.fn] = true
		}
	}

	names := Names()
	inTable := map[string]bool{}
	for _, name := range names {
		inTable[name] = true
		if !tested[name] {
			t.Errorf("function %q has no test case", name)
		}
	}
	for name := range tested {
		if !inTable[name] {
			t.Errorf("test cases name %q, which is not in the function table", name)
		}
	}
}

func TestNames(t *testing.T) {
	names := Names()
	if !sort.StringsAreSorted(names) {
		t.Errorf("Names() is not sorted: %v", names)
	}
	table := Functions(Options{BaseDir: "/somewhere"})
	if len(table) != len(names) {
		t.Fatalf("Names() has %d names, Functions() has %d entries", len(names), len(table))
	}
	for _, name := range names {
		if _, ok := table[name]; !ok {
			t.Errorf("Names() lists %q, which Functions() lacks", name)
		}
	}
	for _, name := range []string{"upper", "try", "can", "env", "file", "templatefile", "hmacsha256", "uuidv5"} {
		if _, ok := table[name]; !ok {
			t.Errorf("table lacks %q", name)
		}
	}
}

// TestDescriptions checks that every function documents itself, since
// sigrun's docs are generated from the table.
func TestDescriptions(t *testing.T) {
	for name, fn := range Functions(Options{}) {
		if fn.Description() == "" {
			t.Errorf("function %q has no description", name)
		}
	}
}

// TestDefaults checks the real environment, clock and randomness used when
// Options leaves them nil.
func TestDefaults(t *testing.T) {
	t.Setenv("SIGRUN_FUNCS_TEST_VAR", "from-os")
	table := Functions(Options{})

	got, err := table["env"].Call([]cty.Value{str("SIGRUN_FUNCS_TEST_VAR")})
	if err != nil || !got.RawEquals(str("from-os")) {
		t.Errorf(`env("SIGRUN_FUNCS_TEST_VAR") = %#v, %v; want "from-os"`, got, err)
	}

	before := time.Now().UTC().Truncate(time.Second)
	got, err = table["timestamp"].Call(nil)
	after := time.Now().UTC()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := time.Parse(time.RFC3339, got.AsString())
	if err != nil {
		t.Fatalf("timestamp() = %q is not RFC 3339: %s", got.AsString(), err)
	}
	if !strings.HasSuffix(got.AsString(), "Z") || ts.Before(before) || ts.After(after) {
		t.Errorf("timestamp() = %q, want a UTC time between %s and %s", got.AsString(), before, after)
	}

	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 20 {
		got, err := table["uuid"].Call(nil)
		if err != nil {
			t.Fatal(err)
		}
		u := got.AsString()
		if !v4.MatchString(u) {
			t.Errorf("uuid() = %q, not a version 4 UUID", u)
		}
		if seen[u] {
			t.Errorf("uuid() repeated %q", u)
		}
		seen[u] = true
	}
}

// TestInjectedReadFile checks that file functions and fileexists go
// through Options.ReadFile with paths resolved against BaseDir.
func TestInjectedReadFile(t *testing.T) {
	base := filepath.FromSlash("/virtual/collection")
	files := map[string]string{
		filepath.Join(base, "body.json"):         `{"a":1}`,
		filepath.Join(base, "greet.tmpl"):        "hi ${who}",
		filepath.FromSlash("/elsewhere/abs.txt"): "abs",
	}
	var mu sync.Mutex
	var asked []string
	readFile := func(path string) ([]byte, error) {
		mu.Lock()
		asked = append(asked, path)
		mu.Unlock()
		if path == filepath.Join(base, "locked.txt") {
			return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission}
		}
		if s, ok := files[path]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	table := Functions(Options{BaseDir: base, ReadFile: readFile})

	cases := []struct {
		fn   string
		args []cty.Value
		want cty.Value
		err  string
	}{
		{fn: "file", args: []cty.Value{str("body.json")}, want: str(`{"a":1}`)},
		{fn: "file", args: []cty.Value{str(filepath.FromSlash("/elsewhere/abs.txt"))}, want: str("abs")},
		{fn: "file", args: []cty.Value{str("locked.txt")}, err: "failed to read " + filepath.Join(base, "locked.txt") + ": permission denied"},
		{fn: "file", args: []cty.Value{str("gone.txt")}, err: "no file exists at " + filepath.Join(base, "gone.txt")},
		{fn: "fileexists", args: []cty.Value{str("body.json")}, want: cty.True},
		{fn: "fileexists", args: []cty.Value{str("gone.txt")}, want: cty.False},
		{fn: "fileexists", args: []cty.Value{str("locked.txt")}, err: "failed to check " + filepath.Join(base, "locked.txt") + ": open " + filepath.Join(base, "locked.txt") + ": permission denied"},
		{fn: "filesha1", args: []cty.Value{str("body.json")}, want: str("9f89c740ceb46d7418c924a78ac57941d5e96520")},
		{fn: "templatefile", args: []cty.Value{str("greet.tmpl"), obj(map[string]cty.Value{"who": str("you")})}, want: str("hi you")},
	}
	for _, c := range cases {
		got, err := table[c.fn].Call(c.args)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s(%s) error = %v, want one containing %q", c.fn, argsString(c.args), err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s(%s) failed: %s", c.fn, argsString(c.args), err)
		case c.err == "" && !got.RawEquals(c.want):
			t.Errorf("%s(%s) = %#v, want %#v", c.fn, argsString(c.args), got, c.want)
		}
	}
	if len(asked) == 0 || asked[0] != filepath.Join(base, "body.json") {
		t.Errorf("ReadFile was asked for %v, want the resolved path %s first", asked, filepath.Join(base, "body.json"))
	}
}

// TestTablesAreIndependent checks that two tables do not share state and
// that changing a returned map does not reach into templatefile().
func TestTablesAreIndependent(t *testing.T) {
	fx := newFixture(t)
	a := Functions(fx.options())
	b := Functions(Options{BaseDir: fx.other})

	if got, err := a["fileexists"].Call([]cty.Value{str("hello.txt")}); err != nil || got.False() {
		t.Errorf("table a: fileexists(hello.txt) = %#v, %v; want true", got, err)
	}
	if got, err := b["fileexists"].Call([]cty.Value{str("hello.txt")}); err != nil || got.True() {
		t.Errorf("table b: fileexists(hello.txt) = %#v, %v; want false", got, err)
	}

	// The list template calls upper(); removing upper from the returned map
	// must not break templates rendered by that table.
	delete(a, "upper")
	a["trimspace"] = function.New(&function.Spec{
		Type: func([]cty.Value) (cty.Type, error) { return cty.NilType, errors.New("replaced") },
	})
	got, err := a["templatefile"].Call([]cty.Value{str("list.tmpl"), obj(map[string]cty.Value{"items": strs("q")})})
	if err != nil || !got.RawEquals(str("- Q\n")) {
		t.Errorf("templatefile after changing the map = %#v, %v; want \"- Q\\n\"", got, err)
	}
	if _, ok := Functions(fx.options())["upper"]; !ok {
		t.Error("deleting from one table removed upper from a new table")
	}
}

// TestConcurrentUse runs the same table from many goroutines; run with
// -race to check that the table has no shared mutable state.
func TestConcurrentUse(t *testing.T) {
	fx := newFixture(t)
	opts := fx.options()
	opts.Rand = nil // crypto/rand is safe for concurrent use; a bytes.Reader is not
	table := Functions(opts)

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				name := fmt.Sprintf("n%d-%d", i, j)
				got, err := table["templatefile"].Call([]cty.Value{str("greeting.tmpl"), obj(map[string]cty.Value{"name": str(name)})})
				if err != nil || got.AsString() != "Hello, "+name+"!" {
					errs <- fmt.Errorf("templatefile: %#v, %v", got, err)
					return
				}
				if _, err := table["uuid"].Call(nil); err != nil {
					errs <- err
					return
				}
				if got, err := table["env"].Call([]cty.Value{str("API_TOKEN")}); err != nil || got.AsString() != "s3cret" {
					errs <- fmt.Errorf("env: %#v, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
