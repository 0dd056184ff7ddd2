package funcs

import (
	"encoding/base64"
	"errors"
	"net/url"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// base64EncodeFunc is base64encode(str): the standard (RFC 4648 section 4,
// padded) Base64 encoding of the string's UTF-8 bytes.
var base64EncodeFunc = function.New(&function.Spec{
	Description: "Encodes the UTF-8 bytes of a string as standard, padded Base64.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
	RefineResult: refineNotNull,
})

// base64DecodeFunc is base64decode(str): the inverse of base64encode. The
// decoded bytes must be valid UTF-8, since strings are text; binary data
// has to stay Base64-encoded.
var base64DecodeFunc = function.New(&function.Spec{
	Description: "Decodes standard, padded Base64 into a string; the decoded bytes must be valid UTF-8.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s := args[0].AsString()
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			var corrupt base64.CorruptInputError
			if errors.As(err, &corrupt) {
				return cty.NilVal, function.NewArgErrorf(0, "failed to decode base64 data: invalid symbol at offset %d", int64(corrupt))
			}
			return cty.NilVal, function.NewArgErrorf(0, "failed to decode base64 data: %s", err)
		}
		if !utf8.Valid(raw) {
			return cty.NilVal, function.NewArgErrorf(0, "the result of decoding the provided string is not valid UTF-8")
		}
		return cty.StringVal(string(raw)), nil
	},
	RefineResult: refineNotNull,
})

// urlEncodeFunc is urlencode(str): percent-encoding suitable for a query
// string value (spaces become "+", non-ASCII is encoded byte by byte).
var urlEncodeFunc = function.New(&function.Spec{
	Description: "Percent-encodes a string for use as a URL query string value.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(url.QueryEscape(args[0].AsString())), nil
	},
	RefineResult: refineNotNull,
})
