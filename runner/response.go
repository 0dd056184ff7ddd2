package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/assertions"
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
	// finalURL is the URL of the request that was answered (the last of
	// any redirects), shown as response.url through runner's Redact.
	finalURL *url.URL
	runner   *Runner
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
	r.jsonOnce.Do(func() { r.jsonVal = assertions.DecodeJSON(r.body) })
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
		u := ""
		if r.finalURL != nil {
			u = r.finalURL.String()
			if r.runner != nil {
				u = r.runner.Redact(u)
			}
		}
		r.val = cty.ObjectVal(map[string]cty.Value{
			"status":      cty.NumberIntVal(int64(r.status)),
			"headers":     hv,
			"body":        body,
			"body_size":   cty.NumberIntVal(r.size),
			"body_sha256": cty.StringVal(sum),
			"json":        j,
			"duration_ms": cty.NumberIntVal(r.duration.Milliseconds()),
			"url":         cty.StringVal(u),
		})
	})
	return r.val
}
