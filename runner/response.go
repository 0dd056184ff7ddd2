package runner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// responseType is the type of the response object in expressions.
var responseType = cty.Object(map[string]cty.Type{
	"status":      cty.Number,
	"headers":     cty.Map(cty.String),
	"body":        cty.String,
	"body_size":   cty.Number,
	"body_sha256": cty.String,
	"json":        cty.DynamicPseudoType,
	"duration_ms": cty.Number,
	"url":         cty.String,
})

// response is a received response. Its cty value and its decoded JSON are
// built on first use only: most responses are checked by status alone and
// never referenced.
type response struct {
	status   int
	header   http.Header
	body     []byte
	duration time.Duration
	url      string
	// streamed is set when the body was larger than the limit: it was
	// read through a hash and not kept; size and sha256 describe it.
	streamed bool
	size     int64
	sha256   string

	jsonOnce sync.Once
	jsonVal  cty.Value

	valOnce sync.Once
	val     cty.Value
}

// json returns the decoded body, or cty.NilVal when it is not JSON.
func (r *response) json() cty.Value {
	r.jsonOnce.Do(func() {
		r.jsonVal = cty.NilVal
		trimmed := bytes.TrimSpace(r.body)
		if len(trimmed) == 0 {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var raw any
		if err := dec.Decode(&raw); err != nil {
			return
		}
		if _, err := dec.Token(); err != io.EOF {
			return // trailing data: not one JSON document
		}
		r.jsonVal = jsonToCty(raw)
	})
	return r.jsonVal
}

func (r *response) value() cty.Value {
	r.valOnce.Do(func() {
		headers := make(map[string]cty.Value, len(r.header))
		for k, vs := range r.header {
			headers[strings.ToLower(k)] = cty.StringVal(strings.Join(vs, ", "))
		}
		hv := cty.MapValEmpty(cty.String)
		if len(headers) > 0 {
			hv = cty.MapVal(headers)
		}
		body := cty.NullVal(cty.String)
		if !r.streamed {
			s := string(r.body)
			if !utf8.ValidString(s) {
				s = strings.ToValidUTF8(s, "\uFFFD")
			}
			body = cty.StringVal(s)
		}
		j := r.json()
		if j == cty.NilVal {
			j = cty.NullVal(cty.DynamicPseudoType)
		}
		sum := r.sha256
		if !r.streamed {
			h := sha256.Sum256(r.body)
			sum = hex.EncodeToString(h[:])
		}
		r.val = cty.ObjectVal(map[string]cty.Value{
			"status":      cty.NumberIntVal(int64(r.status)),
			"headers":     hv,
			"body":        body,
			"body_size":   cty.NumberIntVal(r.size),
			"body_sha256": cty.StringVal(sum),
			"json":        j,
			"duration_ms": cty.NumberIntVal(r.duration.Milliseconds()),
			"url":         cty.StringVal(r.url),
		})
	})
	return r.val
}

// maxJSONExp bounds the binary exponent of a number decoded from a
// response (2^4096 is about 1e1233).
const maxJSONExp = 4096

// jsonToCty converts a value decoded by encoding/json (with UseNumber) to
// cty: objects become objects, arrays tuples, numbers exact numbers.
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
