package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// DefaultMaxBodySize is the largest response body kept in memory by
// default; larger bodies are streamed and hashed.
const DefaultMaxBodySize = 16 << 20

var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}

// parseSize reads a size: a number of bytes, or a number with a unit
// (KiB, MiB, GiB, KB, MB, GB, B).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a positive size")
	}
	return int64(n * float64(mult)), nil
}

func (e *evaluator) size(expr hcl.Expression, what string) (int64, bool) {
	if expr == nil {
		return 0, false
	}
	v, ok := e.eval(expr, cty.DynamicPseudoType, what)
	if !ok || v.IsNull() {
		return 0, false
	}
	var s string
	switch v.Type() {
	case cty.Number:
		s = v.AsBigFloat().Text('f', -1)
	case cty.String:
		s = v.AsString()
	default:
		e.errorf(expr, "Invalid value for "+what, "%s must be a number of bytes or a size such as \"64MiB\".", what)
		return 0, false
	}
	n, err := parseSize(s)
	if err != nil {
		e.errorf(expr, "Invalid value for "+what, "%s must be a number of bytes or a size such as \"64MiB\", not %q.", what, s)
		return 0, false
	}
	return n, true
}

// readBody keeps a body of at most max bytes in memory; a larger one (by
// its Content-Length, or found while reading) is read to the end through a
// hash and counted, in constant memory.
func readBody(body io.Reader, contentLength, max int64) (data []byte, size int64, sum string, streamed bool, err error) {
	if contentLength < 0 || contentLength <= max {
		data, err = readAtMost(body, contentLength, max+1)
		if err != nil {
			return nil, 0, "", false, err
		}
		if int64(len(data)) <= max {
			return data, int64(len(data)), "", false, nil
		}
	}
	h := sha256.New()
	h.Write(data)
	n, err := io.Copy(h, body)
	if err != nil {
		return nil, 0, "", true, err
	}
	return nil, int64(len(data)) + n, hex.EncodeToString(h.Sum(nil)), true, nil
}

// readAtMost reads r to its end or to limit bytes, whichever comes first,
// like io.ReadAll(io.LimitReader(r, limit)), into a buffer sized for hint
// bytes when hint is known (>= 0), so that a body with a Content-Length is
// read into one allocation. The first buffer is at most 64 KiB: a HEAD
// answer declares a length it does not send.
func readAtMost(r io.Reader, hint, limit int64) ([]byte, error) {
	size := int64(512)
	if hint >= 0 {
		size = min(hint+1, limit, 64<<10) // +1: room to see the end without growing
	}
	b := make([]byte, 0, max(size, 1))
	for int64(len(b)) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
		room := b[len(b):cap(b)]
		if rest := limit - int64(len(b)); int64(len(room)) > rest {
			room = room[:rest]
		}
		n, err := r.Read(room)
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// streamedBodyDiag says that a check cannot see a body that was streamed.
func streamedBodyDiag(resp *response, maxSize int64, subject *hcl.Range, what string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Response body not kept",
		Detail: fmt.Sprintf("%s needs the response body, but the body (%s) is larger than max_body_size (%s): it was streamed and hashed, not kept. "+
			"Check response.body_size or response.body_sha256 instead, or raise max_body_size.",
			what, humanSize(resp.size), humanSize(maxSize)),
		Subject: subject,
	}
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// usesBody reports whether expr refers to response.body or response.json,
// returning the first such reference's range.
func usesBody(expr hcl.Expression) (*hcl.Range, bool) {
	if expr == nil {
		return nil, false
	}
	for _, t := range expr.Variables() {
		if t.RootName() != "response" || len(t) < 2 {
			continue
		}
		if step, ok := t[1].(hcl.TraverseAttr); ok && (step.Name == "body" || step.Name == "json") {
			return t.SourceRange().Ptr(), true
		}
	}
	return nil, false
}
