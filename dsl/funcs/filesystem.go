package funcs

import (
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fileSystem resolves and reads the paths named by the file functions.
//
// Paths are resolved against baseDir unless they are absolute. Unlike a
// shell, no "~" expansion is done: a collection should not depend on the
// home folder of whoever runs it.
type fileSystem struct {
	baseDir  string
	readFile func(string) ([]byte, error) // nil means the real file system
}

func (f fileSystem) resolve(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(f.baseDir, path)
}

// read returns the contents of path and its resolved form. Its errors name
// the resolved path, so that a message points at the file actually tried.
func (f fileSystem) read(path string) ([]byte, string, error) {
	if path == "" {
		return nil, "", errors.New("path must not be empty")
	}
	resolved := f.resolve(path)
	readFile := f.readFile
	if readFile == nil {
		readFile = os.ReadFile
	}
	data, err := readFile(resolved)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, resolved, fmt.Errorf("no file exists at %s", resolved)
		}
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, resolved, fmt.Errorf("failed to read %s: %w", resolved, err)
	}
	return data, resolved, nil
}

// readText is read for files that must hold UTF-8 text.
func (f fileSystem) readText(path string) (string, string, error) {
	data, resolved, err := f.read(path)
	if err != nil {
		return "", resolved, err
	}
	if !utf8.Valid(data) {
		return "", resolved, fmt.Errorf("contents of %s are not valid UTF-8; use filebase64() to read a binary file as Base64", resolved)
	}
	return string(data), resolved, nil
}

func pathParam() function.Parameter {
	return function.Parameter{
		Name:        "path",
		Description: "A file path, relative to the folder of the file that contains the expression, or absolute.",
		Type:        cty.String,
	}
}

// fileFunc is file(path): the contents of a UTF-8 text file.
func (f fileSystem) fileFunc() function.Function {
	return function.New(&function.Spec{
		Description:  "Returns the contents of a UTF-8 text file.",
		Params:       []function.Parameter{pathParam()},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			text, _, err := f.readText(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(text), nil
		},
	})
}

// fileBase64Func is filebase64(path): the contents of any file, text or
// binary, as standard Base64.
func (f fileSystem) fileBase64Func() function.Function {
	return function.New(&function.Spec{
		Description:  "Returns the contents of a file, text or binary, encoded as standard Base64.",
		Params:       []function.Parameter{pathParam()},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, _, err := f.read(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(data)), nil
		},
	})
}

// fileHashFunc builds filemd5(), filesha256() and their kin: the digest of
// a file's bytes, encoded like the matching string hash function.
func (f fileSystem) fileHashFunc(newHash func() hash.Hash, encode func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Description:  "Returns the digest of a file's bytes, encoded like the string function of the same hash.",
		Params:       []function.Parameter{pathParam()},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, _, err := f.read(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(encode(digest(newHash, data))), nil
		},
	})
}

// fileExistsFunc is fileexists(path): whether a regular file exists at
// path. A directory or other non-regular file at path is an error rather
// than false, since it almost always means a wrong path.
func (f fileSystem) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Description:  "Returns whether a file exists at the given path.",
		Params:       []function.Parameter{pathParam()},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			if path == "" {
				return cty.NilVal, function.NewArgErrorf(0, "path must not be empty")
			}
			exists, err := f.exists(f.resolve(path))
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.BoolVal(exists), nil
		},
	})
}

func (f fileSystem) exists(resolved string) (bool, error) {
	if f.readFile != nil {
		// With an injected reader, "exists" means "can be read by it".
		_, err := f.readFile(resolved)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, fs.ErrNotExist):
			return false, nil
		default:
			return false, fmt.Errorf("failed to check %s: %w", resolved, err)
		}
	}
	info, err := os.Stat(resolved)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return false, fmt.Errorf("failed to stat %s: %w", resolved, err)
	}
	switch mode := info.Mode(); {
	case mode.IsRegular():
		return true, nil
	case mode.IsDir():
		return false, fmt.Errorf("%s is a directory, not a file", resolved)
	default:
		return false, fmt.Errorf("%s is not a regular file", resolved)
	}
}

// templateFileFunc is templatefile(path, vars): renders the file at path
// as an HCL template ("Hello, ${name}!", %{ for } and %{ if } directives)
// with vars, a map or object, as its only variables. The template may
// call the functions in funcs, which is the table it belongs to except
// that templatefile itself is disabled there. Paths named inside the
// template resolve against the same BaseDir as the templatefile() call.
//
// A template that is a single interpolation, such as "${items}", returns
// the interpolated value with its own type; any other template returns a
// string.
func (f fileSystem) templateFileFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders a file as an HCL template with the given variables.",
		Params: []function.Parameter{
			pathParam(),
			{
				Name:        "vars",
				Description: "A map or object whose keys are the variables the template may refer to.",
				Type:        cty.DynamicPseudoType,
			},
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			if ty := args[1].Type(); !(ty.IsMapType() || ty.IsObjectType()) {
				return cty.NilType, function.NewArgErrorf(1, "invalid vars value: must be a map or object, not %s", ty.FriendlyName())
			}
			return cty.DynamicPseudoType, nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			src, resolved, err := f.readText(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			expr, diags := hclsyntax.ParseTemplate([]byte(src), resolved, hcl.Pos{Line: 1, Column: 1})
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgError(0, diags)
			}

			vars := args[1].AsValueMap()
			for name := range vars {
				if !hclsyntax.ValidIdentifier(name) {
					return cty.NilVal, function.NewArgErrorf(1, "invalid template variable name %q: must start with a letter, followed by letters, digits, underscores or dashes", name)
				}
			}
			// Check references up front so that a missing variable is
			// reported as a problem with this call's vars argument.
			for _, traversal := range expr.Variables() {
				if _, ok := vars[traversal.RootName()]; !ok {
					return cty.NilVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", traversal.RootName(), traversal.SourceRange())
				}
			}

			val, diags := expr.Value(&hcl.EvalContext{Variables: vars, Functions: funcs})
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
			return val, nil
		},
	})
}

// recursiveTemplateFileFunc stands in for templatefile inside templates.
var recursiveTemplateFileFunc = function.New(&function.Spec{
	Description: "Not available inside a template rendered by templatefile().",
	Params: []function.Parameter{
		pathParam(),
		{Name: "vars", Type: cty.DynamicPseudoType},
	},
	Type: func([]cty.Value) (cty.Type, error) {
		return cty.NilType, errRecursiveTemplate
	},
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		return cty.NilVal, errRecursiveTemplate
	},
})

var errRecursiveTemplate = errors.New("cannot call templatefile() from inside a template rendered by templatefile()")
