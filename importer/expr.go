package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
)

// Helpers that build HCL expressions as source text.

// quote is s as an HCL quoted string: escapes, and "${" / "%{" doubled so
// that nothing in s is read as a template.
func quote(s string) Expr {
	return Expr(`"` + escapeLit(s) + `"`)
}

// escapeLit escapes s for the inside of an HCL quoted template.
func escapeLit(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$', '%':
			b.WriteRune(r)
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteRune(r)
			}
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// tmplPart is a literal text or an interpolated expression.
type tmplPart struct {
	lit  string
	expr Expr
}

// template is text with interpolations, as "/items/${var.id}".
type template []tmplPart

// isLiteral reports whether t has no interpolation.
func (t template) isLiteral() bool {
	for _, p := range t {
		if p.expr != "" {
			return false
		}
	}
	return true
}

// literal returns t's text when it has no interpolation.
func (t template) literal() string {
	var b strings.Builder
	for _, p := range t {
		b.WriteString(p.lit)
	}
	return b.String()
}

// expr is t as an expression: a bare reference when t is exactly one
// interpolation, a quoted template otherwise.
func (t template) expr() Expr {
	if len(t) == 1 && t[0].expr != "" {
		return t[0].expr
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, p := range t {
		if p.expr != "" {
			b.WriteString("${" + string(p.expr) + "}")
		} else {
			b.WriteString(escapeLit(p.lit))
		}
	}
	b.WriteByte('"')
	return Expr(b.String())
}

// textExpr is t as an expression suited to a body: a heredoc for text of
// several lines that ends with a newline, else as expr.
func (t template) textExpr() Expr {
	text := t.literal()
	if !strings.HasSuffix(text, "\n") || strings.Count(text, "\n") < 2 || strings.ContainsAny(text, "\r") {
		return t.expr()
	}
	marker := "EOT"
	for i := 2; strings.Contains("\n"+text, "\n"+marker+"\n"); i++ {
		marker = fmt.Sprintf("EOT%d", i)
	}
	var b strings.Builder
	b.WriteString("<<" + marker + "\n")
	for _, p := range t {
		if p.expr != "" {
			b.WriteString("${" + string(p.expr) + "}")
			continue
		}
		// In a heredoc only template sequences need escaping.
		b.WriteString(strings.NewReplacer("${", "$${", "%{", "%%{").Replace(p.lit))
	}
	b.WriteString(marker)
	return Expr(b.String())
}

// simpleKey matches object keys written without quotes.
var simpleKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// objectKey is k as an object constructor key: bare when it is a plain
// identifier that is not a keyword, quoted otherwise.
func objectKey(k string) Expr {
	switch k {
	case "true", "false", "null", "for", "in", "if":
		return quote(k)
	}
	if simpleKey().MatchString(k) {
		return Expr(k)
	}
	return quote(k)
}

// objectKeyTemplate is a key that may hold interpolations.
func objectKeyTemplate(t template) Expr {
	if t.isLiteral() {
		return objectKey(t.literal())
	}
	e := t.expr()
	if !strings.HasPrefix(string(e), `"`) {
		return "(" + e + ")"
	}
	return e
}

// jsonValue is a decoded JSON value that keeps the order of object keys and
// the text of numbers: *jsonObject, []any, string, json.Number, bool, nil.
type jsonObject struct {
	keys []string
	vals []any
}

// decodeOrderedJSON decodes one JSON document, keeping key order.
func decodeOrderedJSON(data string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	v, err := decodeJSONValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

func decodeJSONValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := &jsonObject{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				obj.keys = append(obj.keys, k)
				obj.vals = append(obj.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return obj, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// jsonExpr writes a decoded JSON value as an HCL expression; strings go
// through str, which turns variable syntax into interpolations.
func jsonExpr(v any, str func(string) template) Expr {
	var b bytes.Buffer
	writeJSONExpr(&b, v, str)
	return Expr(b.String())
}

func writeJSONExpr(b *bytes.Buffer, v any, str func(string) template) {
	switch x := v.(type) {
	case *jsonObject:
		if len(x.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range x.keys {
			b.WriteString(string(objectKeyTemplate(str(k))))
			b.WriteString(" = ")
			writeJSONExpr(b, x.vals[i], str)
			b.WriteString("\n")
		}
		b.WriteString("}")
	case []any:
		multiline := false
		for _, e := range x {
			switch e.(type) {
			case *jsonObject, []any:
				multiline = true
			}
		}
		if !multiline {
			b.WriteString("[")
			for i, e := range x {
				if i > 0 {
					b.WriteString(", ")
				}
				writeJSONExpr(b, e, str)
			}
			b.WriteString("]")
			return
		}
		b.WriteString("[\n")
		for _, e := range x {
			writeJSONExpr(b, e, str)
			b.WriteString(",\n")
		}
		b.WriteString("]")
	case string:
		b.WriteString(string(str(x).expr()))
	case json.Number:
		b.WriteString(x.String())
	case bool:
		fmt.Fprint(b, x)
	case nil:
		b.WriteString("null")
	}
}
