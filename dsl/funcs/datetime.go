package funcs

import (
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// makeTimestampFunc builds timestamp(): the current time from now, in UTC,
// as an RFC 3339 string with whole seconds ("2024-05-01T12:00:00Z").
func makeTimestampFunc(now func() time.Time) function.Function {
	return function.New(&function.Spec{
		Description:  "Returns the current date and time in UTC as an RFC 3339 timestamp.",
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(_ []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(now().UTC().Format(time.RFC3339)), nil
		},
	})
}

// timeCmpFunc is timecmp(a, b): -1 when timestamp a is before b, 0 when
// they are the same instant (UTC offsets are taken into account) and 1
// when a is after b.
var timeCmpFunc = function.New(&function.Spec{
	Description: "Compares two RFC 3339 timestamps: -1 if the first is earlier, 0 if equal, 1 if later.",
	Params: []function.Parameter{
		{Name: "timestamp_a", Type: cty.String},
		{Name: "timestamp_b", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		a, err := parseRFC3339(args[0])
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		b, err := parseRFC3339(args[1])
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		return cty.NumberIntVal(int64(a.Compare(b))), nil
	},
})

// parseRFC3339 parses a timestamp the way timeadd() and formatdate() do.
// Validation goes through timeadd() so that a malformed timestamp gets the
// same explanatory message from every date function.
func parseRFC3339(v cty.Value) (time.Time, error) {
	if _, err := stdlib.TimeAdd(v, cty.StringVal("0s")); err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339, v.AsString())
}
