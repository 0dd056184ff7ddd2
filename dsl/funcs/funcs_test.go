package funcs

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// Shorthands for building cty values in the tables.
var (
	str   = cty.StringVal
	num   = cty.NumberIntVal
	float = cty.NumberFloatVal
	tup   = func(vs ...cty.Value) cty.Value { return cty.TupleVal(vs) }
	obj   = cty.ObjectVal
	nullS = cty.NullVal(cty.String)
)

func list(vs ...cty.Value) cty.Value { return cty.ListVal(vs) }
func set(vs ...cty.Value) cty.Value  { return cty.SetVal(vs) }
func mapv(m map[string]cty.Value) cty.Value {
	return cty.MapVal(m)
}

func strs(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, s := range ss {
		vs[i] = str(s)
	}
	return cty.ListVal(vs)
}

func nums(ns ...int64) cty.Value {
	vs := make([]cty.Value, len(ns))
	for i, n := range ns {
		vs[i] = num(n)
	}
	return cty.ListVal(vs)
}

// fixedNow is the clock injected into every test table: 14:30:45.123 in
// UTC+2, so timestamp() must convert to UTC and drop the fraction.
var fixedNow = time.Date(2024, 5, 1, 14, 30, 45, 123000000, time.FixedZone("CEST", 2*60*60))

// testEnv is the environment injected into every test table.
var testEnv = map[string]string{
	"API_TOKEN": "s3cret",
	"EMPTY":     "",
}

// fixture is the on-disk setup shared by the file-based cases.
type fixture struct {
	dir   string // BaseDir of the table
	other string // a second folder, reached only by absolute path
}

const helloText = "Hello, world!\n"

// newFixture writes the files the file-based cases read.
func newFixture(t *testing.T) fixture {
	t.Helper()
	fx := fixture{dir: t.TempDir(), other: t.TempDir()}
	files := map[string]string{
		"hello.txt":        helloText,
		"binary.bin":       "\xff\xfe\x00\x01",
		"greeting.tmpl":    "Hello, ${name}!",
		"list.tmpl":        "%{ for x in items }- ${upper(x)}\n%{ endfor }",
		"single.tmpl":      "${items}",
		"missingvar.tmpl":  "Hi ${who}",
		"recursive.tmpl":   `${templatefile("greeting.tmpl", { name = "x" })}`,
		"badsyntax.tmpl":   "Hi ${",
		"usesfile.tmpl":    `${trimspace(file("hello.txt"))} (${n})`,
		"binary.tmpl":      "\xff${x}",
		"sub/nested.txt":   "nested\n",
		"sub/relative.txt": "in sub\n",
	}
	for name, content := range files {
		path := filepath.Join(fx.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(fx.other, "other.txt"), []byte("elsewhere"), 0o644); err != nil {
		t.Fatal(err)
	}
	return fx
}

// options returns the Options of a test table rooted at fx.dir, with the
// environment, clock and randomness injected.
func (fx fixture) options() Options {
	return Options{
		BaseDir: fx.dir,
		LookupEnv: func(name string) (string, bool) {
			v, ok := testEnv[name]
			return v, ok
		},
		Now: func() time.Time { return fixedNow },
		// uuid() reads 16 bytes: 0x00, 0x01, ... 0x0f.
		Rand: bytes.NewReader([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
	}
}

// callCase calls one function of the table directly with cty arguments.
type callCase struct {
	fn   string
	args []cty.Value
	want cty.Value
	err  string // when set, the call must fail with a message containing it

	opts func(*Options) // optional changes to the fixture's Options
}

func TestFunctionCalls(t *testing.T) {
	fx := newFixture(t)
	for _, c := range callCases(fx) {
		t.Run(c.fn, func(t *testing.T) {
			opts := fx.options()
			if c.opts != nil {
				c.opts(&opts)
			}
			fn, ok := Functions(opts)[c.fn]
			if !ok {
				t.Fatalf("no function %q in the table", c.fn)
			}
			got, err := fn.Call(c.args)
			if c.err != "" {
				if err == nil {
					t.Fatalf("%s(%s) = %#v, want error containing %q", c.fn, argsString(c.args), got, c.err)
				}
				if !strings.Contains(err.Error(), c.err) {
					t.Fatalf("%s(%s) error = %q, want it to contain %q", c.fn, argsString(c.args), err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s(%s) failed: %s", c.fn, argsString(c.args), err)
			}
			if !got.RawEquals(c.want) {
				t.Fatalf("%s(%s)\n got: %#v\nwant: %#v", c.fn, argsString(c.args), got, c.want)
			}
		})
	}
}

func argsString(args []cty.Value) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.GoString()
	}
	return strings.Join(parts, ", ")
}

// callCases is the table of direct calls, one or more per function. It is
// a function of the fixture because some cases name absolute paths.
func callCases(fx fixture) []callCase {
	emptyStrs := cty.ListValEmpty(cty.String)
	return []callCase{
		// Numeric.
		{fn: "abs", args: []cty.Value{num(-3)}, want: num(3)},
		{fn: "abs", args: []cty.Value{float(-1.5)}, want: float(1.5)},
		{fn: "abs", args: []cty.Value{num(0)}, want: num(0)},
		{fn: "ceil", args: []cty.Value{float(1.2)}, want: num(2)},
		{fn: "ceil", args: []cty.Value{float(-1.2)}, want: num(-1)},
		{fn: "floor", args: []cty.Value{float(1.8)}, want: num(1)},
		{fn: "floor", args: []cty.Value{float(-1.2)}, want: num(-2)},
		{fn: "log", args: []cty.Value{num(100), num(10)}, want: num(2)},
		{fn: "log", args: []cty.Value{num(8), num(2)}, want: num(3)},
		{fn: "max", args: []cty.Value{num(1), num(5), num(3)}, want: num(5)},
		{fn: "max", args: nil, err: "must pass at least one number"},
		{fn: "min", args: []cty.Value{num(4), float(-2.5), num(3)}, want: float(-2.5)},
		{fn: "min", args: nil, err: "must pass at least one number"},
		{fn: "parseint", args: []cty.Value{str("ff"), num(16)}, want: num(255)},
		{fn: "parseint", args: []cty.Value{str("-101"), num(2)}, want: num(-5)},
		{fn: "parseint", args: []cty.Value{str("zz"), num(10)}, err: `cannot parse "zz" as a base 10 integer`},
		{fn: "pow", args: []cty.Value{num(2), num(10)}, want: num(1024)},
		{fn: "pow", args: []cty.Value{num(9), float(0.5)}, want: num(3)},
		{fn: "signum", args: []cty.Value{num(-5)}, want: num(-1)},
		{fn: "signum", args: []cty.Value{num(0)}, want: num(0)},
		{fn: "signum", args: []cty.Value{num(7)}, want: num(1)},

		// Strings.
		{fn: "chomp", args: []cty.Value{str("hello\n")}, want: str("hello")},
		{fn: "chomp", args: []cty.Value{str("hello\r\n\n")}, want: str("hello")},
		{fn: "chomp", args: []cty.Value{str("a\nb")}, want: str("a\nb")},
		{fn: "endswith", args: []cty.Value{str("hello"), str("llo")}, want: cty.True},
		{fn: "endswith", args: []cty.Value{str("hello"), str("he")}, want: cty.False},
		{fn: "format", args: []cty.Value{str("%s-%03d"), str("id"), num(7)}, want: str("id-007")},
		{fn: "format", args: []cty.Value{str("%v|%q"), cty.True, str("x")}, want: str(`true|"x"`)},
		{fn: "format", args: []cty.Value{str("%d"), str("x")}, err: "unsupported value for \"%d\" at 0"},
		{fn: "formatlist", args: []cty.Value{str("%s=%s"), strs("a", "b"), strs("1", "2")}, want: strs("a=1", "b=2")},
		{fn: "formatlist", args: []cty.Value{str("%s=%s"), strs("a", "b"), strs("1")}, err: "argument 2 has length 1, which is inconsistent with argument 1 of length 2"},
		{fn: "indent", args: []cty.Value{num(2), str("a\nb\nc")}, want: str("a\n  b\n  c")},
		{fn: "join", args: []cty.Value{str(", "), strs("a", "b", "c")}, want: str("a, b, c")},
		{fn: "join", args: []cty.Value{str("-"), strs("a"), strs("b")}, want: str("a-b")},
		{fn: "lower", args: []cty.Value{str("HeLLo ÉTÉ")}, want: str("hello été")},
		{fn: "regex", args: []cty.Value{str("[a-z]+"), str("123abc456")}, want: str("abc")},
		{fn: "regex", args: []cty.Value{str(`(\d+)-(\d+)`), str("10-20")}, want: tup(str("10"), str("20"))},
		{fn: "regex", args: []cty.Value{str(`(?P<major>\d+)\.(?P<minor>\d+)`), str("v1.22")}, want: obj(map[string]cty.Value{"major": str("1"), "minor": str("22")})},
		{fn: "regex", args: []cty.Value{str("[0-9]+"), str("abc")}, err: "pattern did not match any part of the given string"},
		{fn: "regexall", args: []cty.Value{str(`\d+`), str("a1b22c333")}, want: strs("1", "22", "333")},
		{fn: "regexall", args: []cty.Value{str(`\d+`), str("none")}, want: emptyStrs},
		{fn: "replace", args: []cty.Value{str("hello world"), str("o"), str("0")}, want: str("hell0 w0rld")},
		{fn: "replace", args: []cty.Value{str("v1.2.3"), str(`/(\d+)\.(\d+)\.(\d+)/`), str("$1-$2-$3")}, want: str("v1-2-3")},
		{fn: "replace", args: []cty.Value{str("a/b/c"), str("/"), str("_")}, want: str("a_b_c")},
		{fn: "replace", args: []cty.Value{str("a.b"), str("."), str("")}, want: str("ab")},
		{fn: "replace", args: []cty.Value{str("x"), str("/[/"), str("y")}, err: "invalid regular expression: error parsing regexp: missing closing ]"},
		{fn: "split", args: []cty.Value{str(","), str("a,b,,c")}, want: strs("a", "b", "", "c")},
		{fn: "split", args: []cty.Value{str(","), str("")}, want: strs("")},
		{fn: "startswith", args: []cty.Value{str("hello"), str("he")}, want: cty.True},
		{fn: "startswith", args: []cty.Value{str("hello"), str("lo")}, want: cty.False},
		{fn: "strcontains", args: []cty.Value{str("hello"), str("ell")}, want: cty.True},
		{fn: "strcontains", args: []cty.Value{str("hello"), str("xyz")}, want: cty.False},
		{fn: "strrev", args: []cty.Value{str("héllo")}, want: str("olléh")},
		{fn: "substr", args: []cty.Value{str("hello world"), num(1), num(4)}, want: str("ello")},
		{fn: "substr", args: []cty.Value{str("hello"), num(-3), num(-1)}, want: str("llo")},
		{fn: "title", args: []cty.Value{str("hello world")}, want: str("Hello World")},
		{fn: "trim", args: []cty.Value{str("?!hello?!"), str("!?")}, want: str("hello")},
		{fn: "trimprefix", args: []cty.Value{str("helloworld"), str("hello")}, want: str("world")},
		{fn: "trimprefix", args: []cty.Value{str("helloworld"), str("world")}, want: str("helloworld")},
		{fn: "trimspace", args: []cty.Value{str(" \t a b \n")}, want: str("a b")},
		{fn: "trimsuffix", args: []cty.Value{str("helloworld"), str("world")}, want: str("hello")},
		{fn: "upper", args: []cty.Value{str("héllo")}, want: str("HÉLLO")},
		{fn: "upper", args: []cty.Value{cty.UnknownVal(cty.String)}, want: cty.UnknownVal(cty.String).RefineNotNull()},

		// Collections.
		{fn: "alltrue", args: []cty.Value{list(cty.True, cty.True)}, want: cty.True},
		{fn: "alltrue", args: []cty.Value{list(cty.True, cty.False)}, want: cty.False},
		{fn: "alltrue", args: []cty.Value{cty.ListValEmpty(cty.Bool)}, want: cty.True},
		{fn: "alltrue", args: []cty.Value{list(cty.True, cty.NullVal(cty.Bool))}, want: cty.False},
		{fn: "alltrue", args: []cty.Value{list(cty.True, cty.UnknownVal(cty.Bool))}, want: cty.UnknownVal(cty.Bool).RefineNotNull()},
		{fn: "anytrue", args: []cty.Value{list(cty.False, cty.True)}, want: cty.True},
		{fn: "anytrue", args: []cty.Value{list(cty.False, cty.NullVal(cty.Bool))}, want: cty.False},
		{fn: "anytrue", args: []cty.Value{cty.ListValEmpty(cty.Bool)}, want: cty.False},
		{fn: "chunklist", args: []cty.Value{strs("a", "b", "c"), num(2)}, want: list(strs("a", "b"), strs("c"))},
		{fn: "chunklist", args: []cty.Value{strs("a", "b"), num(-1)}, err: "the size argument must be positive"},
		{fn: "coalesce", args: []cty.Value{str(""), nullS, str("b"), str("c")}, want: str("b")},
		{fn: "coalesce", args: []cty.Value{cty.NullVal(cty.Number), num(2)}, want: num(2)},
		{fn: "coalesce", args: []cty.Value{num(1), str("x")}, want: str("1")},
		{fn: "coalesce", args: []cty.Value{str(""), nullS}, err: "no non-null, non-empty-string arguments"},
		{fn: "coalesce", args: []cty.Value{str("a"), emptyStrs}, err: "all arguments must have the same type"},
		{fn: "coalesce", args: nil, err: "at least one argument is required"},
		{fn: "coalescelist", args: []cty.Value{emptyStrs, strs("a"), strs("b")}, want: strs("a")},
		{fn: "compact", args: []cty.Value{strs("a", "", "b", "")}, want: strs("a", "b")},
		{fn: "concat", args: []cty.Value{strs("a"), strs("b", "c")}, want: strs("a", "b", "c")},
		{fn: "contains", args: []cty.Value{strs("a", "b"), str("b")}, want: cty.True},
		{fn: "contains", args: []cty.Value{strs("a", "b"), str("z")}, want: cty.False},
		{fn: "distinct", args: []cty.Value{strs("a", "b", "a", "c", "b")}, want: strs("a", "b", "c")},
		{fn: "element", args: []cty.Value{strs("a", "b", "c"), num(1)}, want: str("b")},
		{fn: "element", args: []cty.Value{strs("a", "b", "c"), num(4)}, want: str("b")},
		{fn: "element", args: []cty.Value{emptyStrs, num(0)}, err: "cannot use element function with an empty list"},
		{fn: "flatten", args: []cty.Value{list(strs("a"), strs("b", "c"))}, want: tup(str("a"), str("b"), str("c"))},
		{fn: "flatten", args: []cty.Value{tup(str("a"), tup(str("b"), tup(str("c"))))}, want: tup(str("a"), str("b"), str("c"))},
		{fn: "index", args: []cty.Value{strs("a", "b", "c"), str("b")}, want: num(1)},
		{fn: "index", args: []cty.Value{tup(num(1), str("x")), str("x")}, want: num(1)},
		{fn: "index", args: []cty.Value{strs("a"), str("z")}, err: "item not found"},
		{fn: "index", args: []cty.Value{emptyStrs, str("z")}, err: "cannot search an empty list"},
		{fn: "index", args: []cty.Value{mapv(map[string]cty.Value{"a": str("b")}), str("b")}, err: "argument must be a list or tuple"},
		{fn: "keys", args: []cty.Value{mapv(map[string]cty.Value{"b": num(1), "a": num(2)})}, want: strs("a", "b")},
		{fn: "keys", args: []cty.Value{obj(map[string]cty.Value{"y": num(1), "x": str("s")})}, want: tup(str("x"), str("y"))},
		{fn: "length", args: []cty.Value{str("héllo")}, want: num(5)},
		{fn: "length", args: []cty.Value{str("")}, want: num(0)},
		{fn: "length", args: []cty.Value{strs("a", "b")}, want: num(2)},
		{fn: "length", args: []cty.Value{set(str("a"), str("b"), str("c"))}, want: num(3)},
		{fn: "length", args: []cty.Value{mapv(map[string]cty.Value{"a": num(1)})}, want: num(1)},
		{fn: "length", args: []cty.Value{tup(num(1), str("a"), cty.True)}, want: num(3)},
		{fn: "length", args: []cty.Value{obj(map[string]cty.Value{"a": num(1), "b": num(2)})}, want: num(2)},
		{fn: "length", args: []cty.Value{num(3)}, err: "argument must be a string, a collection type, or a structural type"},
		{fn: "lookup", args: []cty.Value{mapv(map[string]cty.Value{"a": str("x")}), str("a")}, want: str("x")},
		{fn: "lookup", args: []cty.Value{mapv(map[string]cty.Value{"a": str("x")}), str("z"), str("dflt")}, want: str("dflt")},
		{fn: "lookup", args: []cty.Value{mapv(map[string]cty.Value{"a": num(1)}), str("z"), str("2")}, want: num(2)},
		{fn: "lookup", args: []cty.Value{mapv(map[string]cty.Value{"a": str("x")}), str("z")}, err: `lookup failed to find key "z"`},
		{fn: "lookup", args: []cty.Value{mapv(map[string]cty.Value{"a": num(1)}), str("z"), strs("x")}, err: "the default value must have the same type as the map elements"},
		{fn: "lookup", args: []cty.Value{obj(map[string]cty.Value{"a": num(1), "b": str("x")}), str("b")}, want: str("x")},
		{fn: "lookup", args: []cty.Value{obj(map[string]cty.Value{"a": num(1)}), str("z"), cty.True}, want: cty.True},
		{fn: "lookup", args: []cty.Value{obj(map[string]cty.Value{"a": num(1)}), str("z")}, err: `the given object has no attribute "z"`},
		{fn: "lookup", args: []cty.Value{str("nope"), str("a")}, err: "lookup() requires a map as the first argument"},
		{fn: "lookup", args: []cty.Value{mapv(map[string]cty.Value{"a": str("x")}), str("a"), str("b"), str("c")}, err: "lookup() takes two or three arguments, got 4"},
		{fn: "matchkeys", args: []cty.Value{strs("i1", "i2", "i3"), strs("west", "east", "west"), strs("west")}, want: strs("i1", "i3")},
		{fn: "matchkeys", args: []cty.Value{strs("i1", "i2"), strs("west", "east"), strs("north")}, want: emptyStrs},
		{fn: "matchkeys", args: []cty.Value{strs("i1", "i2"), strs("west"), strs("west")}, err: "length of keys and values should be equal"},
		{fn: "merge", args: []cty.Value{mapv(map[string]cty.Value{"a": num(1)}), mapv(map[string]cty.Value{"a": num(3), "b": num(2)})}, want: mapv(map[string]cty.Value{"a": num(3), "b": num(2)})},
		{fn: "merge", args: []cty.Value{obj(map[string]cty.Value{"a": num(1)}), obj(map[string]cty.Value{"b": str("x")})}, want: obj(map[string]cty.Value{"a": num(1), "b": str("x")})},
		{fn: "one", args: []cty.Value{strs("a")}, want: str("a")},
		{fn: "one", args: []cty.Value{emptyStrs}, want: nullS},
		{fn: "one", args: []cty.Value{set(num(4))}, want: num(4)},
		{fn: "one", args: []cty.Value{tup(cty.True)}, want: cty.True},
		{fn: "one", args: []cty.Value{strs("a", "b")}, err: "must be a list, set, or tuple value with either zero or one elements"},
		{fn: "one", args: []cty.Value{tup(num(1), num(2))}, err: "must be a list, set, or tuple value with either zero or one elements"},
		{fn: "range", args: []cty.Value{num(3)}, want: nums(0, 1, 2)},
		{fn: "range", args: []cty.Value{num(1), num(10), num(4)}, want: nums(1, 5, 9)},
		{fn: "range", args: []cty.Value{num(3), num(0)}, want: nums(3, 2, 1)},
		{fn: "reverse", args: []cty.Value{strs("a", "b", "c")}, want: strs("c", "b", "a")},
		{fn: "setintersection", args: []cty.Value{set(str("a"), str("b")), set(str("b"), str("c"))}, want: set(str("b"))},
		{fn: "setproduct", args: []cty.Value{strs("a", "b"), strs("x", "y")}, want: list(tup(str("a"), str("x")), tup(str("a"), str("y")), tup(str("b"), str("x")), tup(str("b"), str("y")))},
		{fn: "setsubtract", args: []cty.Value{set(str("a"), str("b"), str("c")), set(str("b"))}, want: set(str("a"), str("c"))},
		{fn: "setunion", args: []cty.Value{set(str("a")), set(str("b"), str("a"))}, want: set(str("a"), str("b"))},
		{fn: "slice", args: []cty.Value{strs("a", "b", "c", "d"), num(1), num(3)}, want: strs("b", "c")},
		{fn: "slice", args: []cty.Value{strs("a"), num(0), num(2)}, err: "end index must not be greater than the length of the list"},
		{fn: "sort", args: []cty.Value{strs("c", "a", "B", "b")}, want: strs("B", "a", "b", "c")},
		{fn: "sum", args: []cty.Value{list(num(1), num(2), float(3.5))}, want: float(6.5)},
		{fn: "sum", args: []cty.Value{tup(num(1), str("2"))}, want: num(3)},
		{fn: "sum", args: []cty.Value{set(num(-2), num(5))}, want: num(3)},
		{fn: "sum", args: []cty.Value{cty.ListValEmpty(cty.Number)}, err: "cannot sum an empty list"},
		{fn: "sum", args: []cty.Value{tup(num(1), str("x"))}, err: "argument must be list, set, or tuple of number values"},
		{fn: "sum", args: []cty.Value{str("12")}, err: "argument must be list, set, or tuple. Received string"},
		{fn: "sum", args: []cty.Value{list(cty.PositiveInfinity, cty.NegativeInfinity)}, err: "can't compute sum of opposing infinities"},
		{fn: "transpose", args: []cty.Value{mapv(map[string]cty.Value{"b": strs("2", "3"), "a": strs("1", "2")})}, want: mapv(map[string]cty.Value{"1": strs("a"), "2": strs("a", "b"), "3": strs("b")})},
		{fn: "transpose", args: []cty.Value{mapv(map[string]cty.Value{"a": emptyStrs})}, want: cty.MapValEmpty(cty.List(cty.String))},
		{fn: "values", args: []cty.Value{mapv(map[string]cty.Value{"b": num(2), "a": num(1)})}, want: nums(1, 2)},
		{fn: "zipmap", args: []cty.Value{strs("a", "b"), nums(1, 2)}, want: mapv(map[string]cty.Value{"a": num(1), "b": num(2)})},
		{fn: "zipmap", args: []cty.Value{strs("a", "b"), nums(1)}, err: "number of keys (2) does not match number of values (1)"},

		// Encoding.
		{fn: "base64decode", args: []cty.Value{str("aGVsbG8=")}, want: str("hello")},
		{fn: "base64decode", args: []cty.Value{str("w6k=")}, want: str("é")},
		{fn: "base64decode", args: []cty.Value{str("aGV!bG8=")}, err: "failed to decode base64 data: invalid symbol at offset 3"},
		{fn: "base64decode", args: []cty.Value{str("/w==")}, err: "the result of decoding the provided string is not valid UTF-8"},
		{fn: "base64encode", args: []cty.Value{str("hello")}, want: str("aGVsbG8=")},
		{fn: "base64encode", args: []cty.Value{str("é")}, want: str("w6k=")},
		{fn: "csvdecode", args: []cty.Value{str("a,b\n1,x y\n")}, want: list(obj(map[string]cty.Value{"a": str("1"), "b": str("x y")}))},
		{fn: "csvdecode", args: []cty.Value{str("a,b\n1\n")}, err: "wrong number of fields"},
		{fn: "jsondecode", args: []cty.Value{str(`{"a":[1,true,null],"b":"x"}`)}, want: obj(map[string]cty.Value{"a": tup(num(1), cty.True, cty.NullVal(cty.DynamicPseudoType)), "b": str("x")})},
		{fn: "jsondecode", args: []cty.Value{str(`{"a":`)}, err: "EOF"},
		{fn: "jsondecode", args: []cty.Value{str(`{"a" 1}`)}, err: "invalid character '1' after object key"},
		{fn: "jsonencode", args: []cty.Value{obj(map[string]cty.Value{"b": strs("x"), "a": num(1)})}, want: str(`{"a":1,"b":["x"]}`)},
		{fn: "jsonencode", args: []cty.Value{str("<&>")}, want: str(`"\u003c\u0026\u003e"`)},
		{fn: "urlencode", args: []cty.Value{str("a b&c=d/é")}, want: str("a+b%26c%3Dd%2F%C3%A9")},

		// Type conversion.
		{fn: "tobool", args: []cty.Value{str("true")}, want: cty.True},
		{fn: "tobool", args: []cty.Value{cty.False}, want: cty.False},
		{fn: "tobool", args: []cty.Value{str("yes")}, err: `cannot convert "yes" to bool; only the strings "true" or "false" are allowed`},
		{fn: "tolist", args: []cty.Value{tup(str("a"), num(1))}, want: strs("a", "1")},
		{fn: "tolist", args: []cty.Value{str("a")}, err: "cannot convert string to list of any single type"},
		{fn: "tomap", args: []cty.Value{obj(map[string]cty.Value{"a": str("x"), "b": num(2)})}, want: mapv(map[string]cty.Value{"a": str("x"), "b": str("2")})},
		{fn: "tonumber", args: []cty.Value{str("3.5")}, want: float(3.5)},
		{fn: "tonumber", args: []cty.Value{str("x")}, err: `cannot convert "x" to number; given string must be a decimal representation of a number`},
		{fn: "toset", args: []cty.Value{tup(str("a"), str("b"), str("a"))}, want: set(str("a"), str("b"))},
		{fn: "tostring", args: []cty.Value{num(5)}, want: str("5")},
		{fn: "tostring", args: []cty.Value{cty.True}, want: str("true")},
		{fn: "tostring", args: []cty.Value{nullS}, want: nullS},
		{fn: "tostring", args: []cty.Value{strs("a")}, err: "cannot convert list of string to string"},

		// Date and time.
		{fn: "formatdate", args: []cty.Value{str("YYYY-MM-DD hh:mm"), str("2024-03-05T14:07:00Z")}, want: str("2024-03-05 14:07")},
		{fn: "formatdate", args: []cty.Value{str("DD MMM YYYY"), str("2024-03-05")}, err: "not a valid RFC3339 timestamp: missing required time introducer 'T'"},
		{fn: "timeadd", args: []cty.Value{str("2024-01-01T00:00:00Z"), str("1h30m")}, want: str("2024-01-01T01:30:00Z")},
		{fn: "timeadd", args: []cty.Value{str("2024-01-01T00:00:00Z"), str("-24h")}, want: str("2023-12-31T00:00:00Z")},
		{fn: "timeadd", args: []cty.Value{str("2024-01-01T00:00:00Z"), str("1 day")}, err: "time: unknown unit"},
		{fn: "timecmp", args: []cty.Value{str("2024-01-01T00:00:00Z"), str("2024-01-01T01:00:00+01:00")}, want: num(0)},
		{fn: "timecmp", args: []cty.Value{str("2024-01-01T00:00:00Z"), str("2024-01-01T00:00:01Z")}, want: num(-1)},
		{fn: "timecmp", args: []cty.Value{str("2024-01-01T00:00:00.5Z"), str("2024-01-01T00:00:00.25Z")}, want: num(1)},
		{fn: "timecmp", args: []cty.Value{str("2024-01-01"), str("2024-01-01T00:00:00Z")}, err: "not a valid RFC3339 timestamp: missing required time introducer 'T'"},
		{fn: "timecmp", args: []cty.Value{str("2024-01-01T00:00:00Z"), str("2024-13-01T00:00:00Z")}, err: "not a valid RFC3339 timestamp"},
		{fn: "timestamp", args: nil, want: str("2024-05-01T12:30:45Z")},

		// Hashing and identifiers.
		{fn: "base64sha256", args: []cty.Value{str("hello")}, want: str("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")},
		{fn: "base64sha512", args: []cty.Value{str("hello")}, want: str("m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==")},
		{fn: "hmacsha256", args: []cty.Value{str("key"), str("The quick brown fox jumps over the lazy dog")}, want: str("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")},
		{fn: "hmacsha256", args: []cty.Value{str(""), str("")}, want: str("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")},
		{fn: "md5", args: []cty.Value{str("hello")}, want: str("5d41402abc4b2a76b9719d911017c592")},
		{fn: "md5", args: []cty.Value{str("héllo")}, want: str("be50e8478cf24ff3595bc7307fb91b50")},
		{fn: "sha1", args: []cty.Value{str("hello")}, want: str("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")},
		{fn: "sha256", args: []cty.Value{str("hello")}, want: str("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")},
		{fn: "sha512", args: []cty.Value{str("hello")}, want: str("9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043")},
		{fn: "uuid", args: nil, want: str("00010203-0405-4607-8809-0a0b0c0d0e0f")},
		{fn: "uuid", args: nil, opts: func(o *Options) { o.Rand = bytes.NewReader([]byte{1, 2, 3}) }, err: "failed to read random bytes for uuid: unexpected EOF"},
		{fn: "uuidv5", args: []cty.Value{str("dns"), str("www.terraform.io")}, want: str("a5008fae-b28c-5ba5-96cd-82b4c53552d6")},
		{fn: "uuidv5", args: []cty.Value{str("url"), str("https://example.com/")}, want: str("dd2c1780-811a-5296-81c5-178a0ef488bc")},
		{fn: "uuidv5", args: []cty.Value{str("oid"), str("1.2.3")}, want: str("42d5e23b-3a02-5135-85c6-52d1102f1f00")},
		{fn: "uuidv5", args: []cty.Value{str("x500"), str("cn=x")}, want: str("a951fb6d-5aab-5a72-8e2e-9aa8df8d1f8f")},
		{fn: "uuidv5", args: []cty.Value{str("123e4567-e89b-12d3-a456-426614174000"), str("name")}, want: str("5f04132e-4b25-5c6d-8fb2-956789915cdf")},
		{fn: "uuidv5", args: []cty.Value{str("{123E4567-E89B-12D3-A456-426614174000}"), str("name")}, want: str("5f04132e-4b25-5c6d-8fb2-956789915cdf")},
		{fn: "uuidv5", args: []cty.Value{str("urn:uuid:123e4567e89b12d3a456426614174000"), str("name")}, want: str("5f04132e-4b25-5c6d-8fb2-956789915cdf")},
		{fn: "uuidv5", args: []cty.Value{str("web"), str("x")}, err: `uuidv5() doesn't support namespace "web": not a UUID`},
		{fn: "uuidv5", args: []cty.Value{str("123e4567+e89b-12d3-a456-426614174000"), str("x")}, err: "hyphens must separate groups"},
		{fn: "uuidv5", args: []cty.Value{str("123e4567-e89b-12d3-a456-42661417400g"), str("x")}, err: "not a UUID: encoding/hex: invalid byte"},

		// Files.
		{fn: "file", args: []cty.Value{str("hello.txt")}, want: str(helloText)},
		{fn: "file", args: []cty.Value{str("sub/../sub/nested.txt")}, want: str("nested\n")},
		{fn: "file", args: []cty.Value{str(filepath.Join(fx.other, "other.txt"))}, want: str("elsewhere")},
		{fn: "file", args: []cty.Value{str("missing.txt")}, err: "no file exists at " + filepath.Join(fx.dir, "missing.txt")},
		{fn: "file", args: []cty.Value{str("binary.bin")}, err: "contents of " + filepath.Join(fx.dir, "binary.bin") + " are not valid UTF-8; use filebase64() to read a binary file as Base64"},
		{fn: "file", args: []cty.Value{str("sub")}, err: "failed to read " + filepath.Join(fx.dir, "sub") + ": is a directory"},
		{fn: "file", args: []cty.Value{str("")}, err: "path must not be empty"},
		{fn: "file", args: []cty.Value{str("relative.txt")}, opts: func(o *Options) { o.BaseDir = filepath.Join(fx.dir, "sub") }, want: str("in sub\n")},
		{fn: "filebase64", args: []cty.Value{str("binary.bin")}, want: str("//4AAQ==")},
		{fn: "filebase64", args: []cty.Value{str("missing.bin")}, err: "no file exists at " + filepath.Join(fx.dir, "missing.bin")},
		{fn: "filebase64sha256", args: []cty.Value{str("hello.txt")}, want: str("2QFMRiSESqW6wxR3PWtomtRn+k4dGlChuKmdWpX3L/U=")},
		{fn: "filebase64sha512", args: []cty.Value{str("hello.txt")}, want: str("CeHiqEyStWyCgPShIDx8/9YbFiz+mHJ41Na+mvvzjA6JNM2t+DdR9OmdERNSv/78lY5aSFLIp6KclXQs5ZKIqA==")},
		{fn: "filemd5", args: []cty.Value{str("hello.txt")}, want: str("746308829575e17c3331bbcb00c0898b")},
		{fn: "filemd5", args: []cty.Value{str("nope.txt")}, err: "no file exists at " + filepath.Join(fx.dir, "nope.txt")},
		{fn: "filesha1", args: []cty.Value{str("hello.txt")}, want: str("09fac8dbfd27bd9b4d23a00eb648aa751789536d")},
		{fn: "filesha256", args: []cty.Value{str("hello.txt")}, want: str("d9014c4624844aa5bac314773d6b689ad467fa4e1d1a50a1b8a99d5a95f72ff5")},
		{fn: "filesha256", args: []cty.Value{str("binary.bin")}, want: str("d2ad9277baaee14856d20ec2b21f87a0cb8a7f86c6ef090fd5a082b1e85135ac")},
		{fn: "filesha512", args: []cty.Value{str("hello.txt")}, want: str("09e1e2a84c92b56c8280f4a1203c7cffd61b162cfe987278d4d6be9afbf38c0e8934cdadf83751f4e99d111352bffefc958e5a4852c8a7a29c95742ce59288a8")},
		{fn: "fileexists", args: []cty.Value{str("hello.txt")}, want: cty.True},
		{fn: "fileexists", args: []cty.Value{str("missing.txt")}, want: cty.False},
		{fn: "fileexists", args: []cty.Value{str(filepath.Join(fx.other, "other.txt"))}, want: cty.True},
		{fn: "fileexists", args: []cty.Value{str("other.txt")}, want: cty.False},
		{fn: "fileexists", args: []cty.Value{str("sub")}, err: filepath.Join(fx.dir, "sub") + " is a directory, not a file"},
		{fn: "fileexists", args: []cty.Value{str("hello.txt/x")}, err: "failed to stat " + filepath.Join(fx.dir, "hello.txt", "x") + ": not a directory"},
		{fn: "fileexists", args: []cty.Value{str("")}, err: "path must not be empty"},
		{fn: "templatefile", args: []cty.Value{str("greeting.tmpl"), obj(map[string]cty.Value{"name": str("Ada")})}, want: str("Hello, Ada!")},
		{fn: "templatefile", args: []cty.Value{str("greeting.tmpl"), mapv(map[string]cty.Value{"name": str("Bob")})}, want: str("Hello, Bob!")},
		{fn: "templatefile", args: []cty.Value{str("list.tmpl"), obj(map[string]cty.Value{"items": strs("a", "b")})}, want: str("- A\n- B\n")},
		{fn: "templatefile", args: []cty.Value{str("single.tmpl"), obj(map[string]cty.Value{"items": strs("a", "b")})}, want: strs("a", "b")},
		{fn: "templatefile", args: []cty.Value{str("usesfile.tmpl"), obj(map[string]cty.Value{"n": num(3)})}, want: str("Hello, world! (3)")},
		{fn: "templatefile", args: []cty.Value{str("greeting.tmpl"), obj(map[string]cty.Value{"name": cty.UnknownVal(cty.String)})}, want: cty.UnknownVal(cty.String).Refine().NotNull().StringPrefixFull("Hello, ").NewValue()},
		{fn: "templatefile", args: []cty.Value{str("missingvar.tmpl"), obj(map[string]cty.Value{"name": str("x")})}, err: `vars map does not contain key "who", referenced at ` + filepath.Join(fx.dir, "missingvar.tmpl") + ":1,6-9"},
		{fn: "templatefile", args: []cty.Value{str("recursive.tmpl"), cty.EmptyObjectVal}, err: "cannot call templatefile() from inside a template rendered by templatefile()"},
		{fn: "templatefile", args: []cty.Value{str("badsyntax.tmpl"), cty.EmptyObjectVal}, err: filepath.Join(fx.dir, "badsyntax.tmpl") + ":1,"},
		{fn: "templatefile", args: []cty.Value{str("greeting.tmpl"), str("Ada")}, err: "invalid vars value: must be a map or object, not string"},
		{fn: "templatefile", args: []cty.Value{str("greeting.tmpl"), mapv(map[string]cty.Value{"name": str("x"), "1st": str("y")})}, err: `invalid template variable name "1st"`},
		{fn: "templatefile", args: []cty.Value{str("binary.tmpl"), cty.EmptyObjectVal}, err: "are not valid UTF-8"},
		{fn: "templatefile", args: []cty.Value{str("none.tmpl"), cty.EmptyObjectVal}, err: "no file exists at " + filepath.Join(fx.dir, "none.tmpl")},

		// Environment.
		{fn: "env", args: []cty.Value{str("API_TOKEN")}, want: str("s3cret")},
		{fn: "env", args: []cty.Value{str("EMPTY")}, want: str("")},
		{fn: "env", args: []cty.Value{str("EMPTY"), str("dflt")}, want: str("")},
		{fn: "env", args: []cty.Value{str("API_TOKEN"), str("dflt")}, want: str("s3cret")},
		{fn: "env", args: []cty.Value{str("REGION"), str("eu-west-1")}, want: str("eu-west-1")},
		{fn: "env", args: []cty.Value{str("REGION"), nullS}, want: nullS},
		{fn: "env", args: []cty.Value{str("REGION")}, err: `environment variable "REGION" is not set; set it, or give a default as in env("REGION", "default")`},
		{fn: "env", args: []cty.Value{str("")}, err: "environment variable name must not be empty"},
		{fn: "env", args: []cty.Value{str("A"), str("b"), str("c")}, err: "env() takes one or two arguments (name and an optional default), got 3"},
	}
}
