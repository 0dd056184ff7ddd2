package assertions

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestDecodeJSON(t *testing.T) {
	big := cty.MustParseNumberVal("12345678901234567890.5")
	tests := []struct {
		body string
		want cty.Value // cty.NilVal: not JSON
	}{
		{"", cty.NilVal},
		{"  \n", cty.NilVal},
		{"not json", cty.NilVal},
		{`{"a": 1} {"b": 2}`, cty.NilVal}, // two documents
		{`{"a": 1} x`, cty.NilVal},        // trailing data
		{" null ", cty.NullVal(cty.DynamicPseudoType)},
		{`[]`, cty.EmptyTupleVal},
		{`{}`, cty.EmptyObjectVal},
		{`{"n": 12345678901234567890.5, "s": "x", "b": true, "l": [1, null]}`, cty.ObjectVal(map[string]cty.Value{
			"n": big, "s": cty.StringVal("x"), "b": cty.True,
			"l": cty.TupleVal([]cty.Value{cty.NumberIntVal(1), cty.NullVal(cty.DynamicPseudoType)}),
		})},
		{`1e100000000`, cty.StringVal("1e100000000")}, // too large to print: kept as written
	}
	for _, tc := range tests {
		got := DecodeJSON([]byte(tc.body))
		notJSON := got.Type() == cty.NilType // cty.NilVal
		if tc.want.Type() == cty.NilType {
			if !notJSON {
				t.Errorf("%q: %#v, want NilVal", tc.body, got)
			}
			continue
		}
		if notJSON || !got.RawEquals(tc.want) {
			t.Errorf("%q: %#v, want %#v", tc.body, got, tc.want)
		}
	}
}
