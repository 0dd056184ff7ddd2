package funcs

import (
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// makeEnvFunc builds env(name[, default]), which reads the environment
// through lookup.
//
// Decision: an unset variable is an error unless a default is given. A
// collection that silently sent an empty token or host because a variable
// was missing would fail later and far from the cause, so env("API_TOKEN")
// fails with a message naming API_TOKEN instead. A variable that is set to
// the empty string is not unset: env returns "" for it. Optional variables
// take a second argument, returned only when the variable is unset:
// env("REGION", "eu-west-1"). The default may be null, which makes
// env("X", null) usable with coalesce() or a null check.
func makeEnvFunc(lookup func(string) (string, bool)) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable; an unset variable is an error unless a default is given.",
		Params: []function.Parameter{{
			Name:        "name",
			Description: "The name of the environment variable.",
			Type:        cty.String,
		}},
		VarParam: &function.Parameter{
			Name:        "default",
			Description: "Returned when the variable is unset. At most one.",
			Type:        cty.String,
			AllowNull:   true,
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			if len(args) > 2 {
				return cty.NilType, fmt.Errorf("env() takes one or two arguments (name and an optional default), got %d", len(args))
			}
			return cty.String, nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			if name == "" {
				return cty.NilVal, function.NewArgError(0, errors.New("environment variable name must not be empty"))
			}
			if v, ok := lookup(name); ok {
				return cty.StringVal(v), nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return cty.NilVal, function.NewArgErrorf(0, "environment variable %q is not set; set it, or give a default as in env(%q, \"default\")", name, name)
		},
	})
}
