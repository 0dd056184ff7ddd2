package funcs

import (
	"crypto/rand"
	"io"
	"os"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Options carries everything the function table needs from its
// surroundings. The zero value is usable: relative paths resolve against
// the process's working directory and the real environment, clock, file
// system and random source are used.
type Options struct {
	// BaseDir is the folder that relative paths given to file(),
	// filebase64(), fileexists(), the file hash functions and
	// templatefile() are resolved against. It is normally the folder of
	// the .hcl file whose expression names the path. Absolute paths are
	// used as they are. An empty BaseDir means the working directory.
	BaseDir string

	// LookupEnv answers env(name). Nil means os.LookupEnv.
	LookupEnv func(name string) (string, bool)

	// Now is the clock behind timestamp(). Nil means time.Now.
	Now func() time.Time

	// ReadFile reads the files named by file(), filebase64(), the file
	// hash functions and templatefile(); it receives the resolved path.
	// Nil means os.ReadFile. When it is set, fileexists() also asks it
	// (a file exists when it can be read) instead of the real file
	// system, so the two always agree.
	ReadFile func(path string) ([]byte, error)

	// Rand is the source of randomness for uuid(). Nil means
	// crypto/rand.Reader. Tests set it to get a predictable UUID.
	Rand io.Reader

	// The hooks above may be called from several goroutines at once when
	// the table is shared between concurrent evaluations; the defaults
	// are safe for that.
}

// withDefaults returns a copy of o with every nil hook replaced by the
// real implementation.
func (o Options) withDefaults() Options {
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return o
}

// Functions builds the function table for one collection. Each call
// returns a new map that the caller may extend or modify; functions in it
// are safe for concurrent use as long as the hooks in opts are.
// templatefile() keeps its own snapshot of
// the table as built here, so later changes to the returned map do not
// leak into templates.
func Functions(opts Options) map[string]function.Function {
	opts = opts.withDefaults()
	fs := fileSystem{baseDir: opts.BaseDir, readFile: opts.ReadFile}

	table := map[string]function.Function{
		// Numeric.
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,

		// Strings.
		"chomp":       stdlib.ChompFunc,
		"endswith":    endsWithFunc,
		"format":      stdlib.FormatFunc,
		"formatlist":  stdlib.FormatListFunc,
		"indent":      stdlib.IndentFunc,
		"join":        stdlib.JoinFunc,
		"lower":       stdlib.LowerFunc,
		"regex":       stdlib.RegexFunc,
		"regexall":    stdlib.RegexAllFunc,
		"replace":     replaceFunc,
		"split":       stdlib.SplitFunc,
		"startswith":  startsWithFunc,
		"strcontains": strContainsFunc,
		"strrev":      stdlib.ReverseFunc,
		"substr":      stdlib.SubstrFunc,
		"title":       stdlib.TitleFunc,
		"trim":        stdlib.TrimFunc,
		"trimprefix":  stdlib.TrimPrefixFunc,
		"trimspace":   stdlib.TrimSpaceFunc,
		"trimsuffix":  stdlib.TrimSuffixFunc,
		"upper":       stdlib.UpperFunc,

		// Collections.
		"alltrue":         allTrueFunc,
		"anytrue":         anyTrueFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        coalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           indexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          lengthFunc,
		"lookup":          lookupFunc,
		"matchkeys":       matchkeysFunc,
		"merge":           stdlib.MergeFunc,
		"one":             oneFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"sum":             sumFunc,
		"transpose":       transposeFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		// Encoding.
		"base64decode": base64DecodeFunc,
		"base64encode": base64EncodeFunc,
		"csvdecode":    stdlib.CSVDecodeFunc,
		"jsondecode":   stdlib.JSONDecodeFunc,
		"jsonencode":   stdlib.JSONEncodeFunc,
		"urlencode":    urlEncodeFunc,

		// Type conversion.
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring": stdlib.MakeToFunc(cty.String),

		// Date and time.
		"formatdate": stdlib.FormatDateFunc,
		"timeadd":    stdlib.TimeAddFunc,
		"timecmp":    timeCmpFunc,
		"timestamp":  makeTimestampFunc(opts.Now),

		// Hashing and identifiers.
		"base64sha256": base64SHA256Func,
		"base64sha512": base64SHA512Func,
		"hmacsha256":   hmacSHA256Func,
		"md5":          md5Func,
		"sha1":         sha1Func,
		"sha256":       sha256Func,
		"sha512":       sha512Func,
		"uuid":         makeUUIDFunc(opts.Rand),
		"uuidv5":       uuidV5Func,

		// Files.
		"file":             fs.fileFunc(),
		"filebase64":       fs.fileBase64Func(),
		"filebase64sha256": fs.fileHashFunc(hashSHA256, encodeBase64),
		"filebase64sha512": fs.fileHashFunc(hashSHA512, encodeBase64),
		"fileexists":       fs.fileExistsFunc(),
		"filemd5":          fs.fileHashFunc(hashMD5, encodeHex),
		"filesha1":         fs.fileHashFunc(hashSHA1, encodeHex),
		"filesha256":       fs.fileHashFunc(hashSHA256, encodeHex),
		"filesha512":       fs.fileHashFunc(hashSHA512, encodeHex),

		// Environment.
		"env": makeEnvFunc(opts.LookupEnv),

		// Error handling.
		"can": tryfunc.CanFunc.WithNewDescriptions(
			"Returns true if the given expression evaluates without an error, false otherwise.",
			[]string{"The expression to try."},
		),
		"try": tryfunc.TryFunc.WithNewDescriptions(
			"Returns the value of the first given expression that evaluates without an error.",
			[]string{"The expressions to try, in order."},
		),
	}

	// templatefile sees every other function, but not itself: a template
	// that includes templates could include itself forever.
	inner := make(map[string]function.Function, len(table)+1)
	for name, fn := range table {
		inner[name] = fn
	}
	inner["templatefile"] = recursiveTemplateFileFunc
	table["templatefile"] = fs.templateFileFunc(inner)

	return table
}

// Names returns the names of all functions in the table, sorted.
func Names() []string {
	table := Functions(Options{})
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// refineNotNull tells cty that a function's result is never null, which
// lets comparisons against null on still-unknown results be decided early.
func refineNotNull(b *cty.RefinementBuilder) *cty.RefinementBuilder {
	return b.NotNull()
}
