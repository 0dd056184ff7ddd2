package assertions

import (
	"bytes"
	"encoding/json"
	"io"
	"math/big"

	"github.com/zclconf/go-cty/cty"
)

// DecodeJSON decodes a response body as expressions see it in
// response.json: one JSON document (leading and trailing space allowed),
// objects as objects, arrays as tuples, numbers exact (512-bit). A number
// beyond about 1e±1233 is kept as the string written. cty.NilVal means the
// body is not one JSON document.
func DecodeJSON(body []byte) cty.Value {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return cty.NilVal
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return cty.NilVal
	}
	if _, err := dec.Token(); err != io.EOF {
		return cty.NilVal // trailing data: not one JSON document
	}
	return jsonToCty(raw)
}

// maxJSONExp bounds the binary exponent of a decoded number (2^4096 is
// about 1e1233).
const maxJSONExp = 4096

// jsonToCty converts a value decoded by encoding/json (with UseNumber) to
// cty.
func jsonToCty(v any) cty.Value {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case bool:
		return cty.BoolVal(x)
	case string:
		return cty.StringVal(x)
	case json.Number:
		f, _, err := big.ParseFloat(string(x), 10, 512, big.ToNearestEven)
		// Beyond about 1e±1233 a number is kept as written: printing
		// 1e100000000 in full (a diagnostic, jsonencode) takes hours.
		if err != nil || f.MantExp(nil) > maxJSONExp || f.MantExp(nil) < -maxJSONExp {
			return cty.StringVal(string(x))
		}
		return cty.NumberVal(f)
	case []any:
		if len(x) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(x))
		for i, e := range x {
			vals[i] = jsonToCty(e)
		}
		return cty.TupleVal(vals)
	case map[string]any:
		if len(x) == 0 {
			return cty.EmptyObjectVal
		}
		vals := make(map[string]cty.Value, len(x))
		for k, e := range x {
			vals[k] = jsonToCty(e)
		}
		return cty.ObjectVal(vals)
	}
	return cty.NullVal(cty.DynamicPseudoType)
}
