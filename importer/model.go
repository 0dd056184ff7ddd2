package importer

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// The model below is sigrun's language as the importers produce it: blocks
// whose arguments are HCL expressions kept as source text (Expr), built with
// the helpers in expr.go. Rendering parses each expression once more with
// hclwrite, so that a bug in a helper shows as an error here rather than as
// a file that does not load.

// Expr is an HCL expression as source text, e.g. `var.base_url` or
// `"/items/${var.id}"`.
type Expr string

// Collection is a generated collection: its files in order.
type Collection struct {
	Files []*File
}

// File returns the file named name, creating it at the end when missing.
func (c *Collection) File(name string) *File {
	for _, f := range c.Files {
		if f.Name == name {
			return f
		}
	}
	f := &File{Name: name}
	c.Files = append(c.Files, f)
	return f
}

// File is one generated .hcl file.
type File struct {
	Name string
	// Comment lines (without "# ") at the top of the file.
	Comment []string
	Blocks  []Block
}

// Block is a top-level block of a file.
type Block interface {
	render(body *hclwrite.Body) error
}

// Variable is a variable block. Every imported variable is a string.
type Variable struct {
	Name        string
	Description string
	Default     *string
	Sensitive   bool
}

// Credentials is a credentials block.
type Credentials struct {
	Name            string
	Comment         []string
	Profile         Expr
	AccessKeyID     Expr
	SecretAccessKey Expr
	SessionToken    Expr
}

// Auth is an auth "TYPE" block.
type Auth struct {
	Type    string
	Comment []string
	Attrs   []Attr
}

// Attr is one argument.
type Attr struct {
	Name  string
	Value Expr
}

// Endpoint is an endpoint block.
type Endpoint struct {
	Name    string
	Comment []string
	URL     Expr
	Headers []KV
	Auth    *Auth
	// Inner comment lines, after the arguments.
	Notes []string
}

// KV is one entry of a map argument (query, headers, form). Several values
// make a list, for a name that repeats.
type KV struct {
	Key    string
	Values []Expr
}

// Part is a field or file block of a multipart block.
type Part struct {
	File        bool
	Name        string
	Value       Expr // field
	Path        Expr // file
	Filename    Expr // file, optional
	ContentType Expr // optional
}

// Request is a request block.
type Request struct {
	Name string
	// Comment lines above the block (the request's description).
	Comment  []string
	Endpoint string
	Method   string
	Path     Expr
	URL      Expr
	Query    []KV
	Headers  []KV
	// At most one of the body arguments is set.
	Body      Expr
	JSON      Expr
	Form      []KV
	Multipart []Part
	BodyFile  Expr
	Timeout   Expr
	Auth      *Auth
	Expect    *Expect
	Asserts   []Assert
	// Notes are comment lines at the end of the block: what could not be
	// translated.
	Notes []string
}

// Expect is an expect block.
type Expect struct {
	Status       []int
	Headers      []KV
	JSON         *jsonTree
	BodyContains Expr
	MaxDuration  Expr
}

func (e *Expect) empty() bool {
	return e == nil || len(e.Status) == 0 && len(e.Headers) == 0 && (e.JSON == nil || len(e.JSON.keys) == 0) &&
		e.BodyContains == "" && e.MaxDuration == ""
}

// Assert is an assert block.
type Assert struct {
	Condition    Expr
	ErrorMessage string
}

// jsonTree is the expected JSON subset of an expect block, built from
// paths: keys in the order first seen.
type jsonTree struct {
	keys []string
	vals map[string]any // Expr or *jsonTree
}

func (t *jsonTree) set(path []string, v Expr) bool {
	for i, k := range path {
		if t.vals == nil {
			t.vals = map[string]any{}
		}
		cur, ok := t.vals[k]
		if i == len(path)-1 {
			if ok {
				if e, isExpr := cur.(Expr); !isExpr || e != v {
					return false
				}
				return true
			}
			t.keys = append(t.keys, k)
			t.vals[k] = v
			return true
		}
		if !ok {
			sub := &jsonTree{}
			t.keys = append(t.keys, k)
			t.vals[k] = sub
			t = sub
			continue
		}
		sub, isTree := cur.(*jsonTree)
		if !isTree {
			return false
		}
		t = sub
	}
	return true
}

func (t *jsonTree) expr() Expr {
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range t.keys {
		b.WriteString(string(objectKey(k)))
		b.WriteString(" = ")
		switch v := t.vals[k].(type) {
		case Expr:
			b.WriteString(string(v))
		case *jsonTree:
			b.WriteString(string(v.expr()))
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return Expr(b.String())
}

// Render returns the files' contents, formatted with hclwrite.Format, by
// file name.
func (c *Collection) Render() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, f := range c.Files {
		src, err := f.Render()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out[f.Name] = src
	}
	return out, nil
}

// Render returns the file's content, formatted.
func (f *File) Render() ([]byte, error) {
	hf := hclwrite.NewEmptyFile()
	body := hf.Body()
	if len(f.Comment) > 0 {
		appendComments(body, f.Comment)
		body.AppendNewline()
	}
	for i, b := range f.Blocks {
		if i > 0 {
			body.AppendNewline()
		}
		if err := b.render(body); err != nil {
			return nil, err
		}
	}
	src := hclwrite.Format(emptyBlock().ReplaceAll(hf.Bytes(), []byte("$1{}\n")))
	// The result must load: parse it as sigrun will.
	if _, diags := hclsyntax.ParseConfig(src, f.Name, hcl.InitialPos); diags.HasErrors() {
		return nil, fmt.Errorf("generated HCL does not parse: %s\n%s", diags.Error(), src)
	}
	return src, nil
}

// emptyBlock matches a block with nothing inside, which hclwrite writes on
// two lines: `auth "none" {}` reads better.
var emptyBlock = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^([ \t]*[a-z_]+(?: "[^"\n]*")* )\{\n[ \t]*\}\n`) })

// Block renderers.

func (v *Variable) render(body *hclwrite.Body) error {
	b := body.AppendNewBlock("variable", []string{v.Name}).Body()
	if err := setAttr(b, "type", "string"); err != nil {
		return err
	}
	if v.Description != "" {
		if err := setAttr(b, "description", quote(v.Description)); err != nil {
			return err
		}
	}
	if v.Default != nil {
		if err := setAttr(b, "default", quote(*v.Default)); err != nil {
			return err
		}
	}
	if v.Sensitive {
		return setAttr(b, "sensitive", "true")
	}
	return nil
}

func (c *Credentials) render(body *hclwrite.Body) error {
	appendComments(body, c.Comment)
	b := body.AppendNewBlock("credentials", []string{c.Name}).Body()
	return setAttrs(b,
		Attr{"profile", c.Profile},
		Attr{"access_key_id", c.AccessKeyID},
		Attr{"secret_access_key", c.SecretAccessKey},
		Attr{"session_token", c.SessionToken},
	)
}

func (a *Auth) render(body *hclwrite.Body) error {
	appendComments(body, a.Comment)
	b := body.AppendNewBlock("auth", []string{a.Type}).Body()
	return setAttrs(b, a.Attrs...)
}

func (e *Endpoint) render(body *hclwrite.Body) error {
	appendComments(body, e.Comment)
	b := body.AppendNewBlock("endpoint", []string{e.Name}).Body()
	if err := setAttrs(b, Attr{"url", e.URL}, Attr{"headers", headersExpr(e.Headers)}); err != nil {
		return err
	}
	if e.Auth != nil {
		b.AppendNewline()
		if err := e.Auth.render(b); err != nil {
			return err
		}
	}
	if len(e.Notes) > 0 {
		b.AppendNewline()
		appendComments(b, e.Notes)
	}
	return nil
}

func (r *Request) render(body *hclwrite.Body) error {
	appendComments(body, r.Comment)
	b := body.AppendNewBlock("request", []string{r.Name}).Body()
	method := Expr("")
	if r.Method != "" && r.Method != "GET" {
		method = quote(r.Method)
	}
	var endpoint Expr
	if r.Endpoint != "" {
		endpoint = Expr("endpoint." + r.Endpoint)
	}
	err := setAttrs(b,
		Attr{"endpoint", endpoint},
		Attr{"method", method},
		Attr{"url", r.URL},
		Attr{"path", r.Path},
		Attr{"query", mapExpr(r.Query)},
		Attr{"headers", headersExpr(r.Headers)},
		Attr{"body", r.Body},
		Attr{"json", r.JSON},
		Attr{"form", mapExpr(r.Form)},
		Attr{"body_file", r.BodyFile},
		Attr{"timeout", r.Timeout},
	)
	if err != nil {
		return err
	}
	if len(r.Multipart) > 0 {
		b.AppendNewline()
		mb := b.AppendNewBlock("multipart", nil).Body()
		for _, p := range r.Multipart {
			if p.File {
				err = setAttrs(mb.AppendNewBlock("file", []string{p.Name}).Body(),
					Attr{"path", p.Path}, Attr{"filename", p.Filename}, Attr{"content_type", p.ContentType})
			} else {
				err = setAttrs(mb.AppendNewBlock("field", []string{p.Name}).Body(),
					Attr{"value", p.Value}, Attr{"content_type", p.ContentType})
			}
			if err != nil {
				return err
			}
		}
	}
	if r.Auth != nil {
		b.AppendNewline()
		if err := r.Auth.render(b); err != nil {
			return err
		}
	}
	if !r.Expect.empty() {
		b.AppendNewline()
		eb := b.AppendNewBlock("expect", nil).Body()
		var status Expr
		switch len(r.Expect.Status) {
		case 0:
		case 1:
			status = Expr(fmt.Sprint(r.Expect.Status[0]))
		default:
			parts := make([]string, len(r.Expect.Status))
			for i, s := range r.Expect.Status {
				parts[i] = fmt.Sprint(s)
			}
			status = Expr("[" + strings.Join(parts, ", ") + "]")
		}
		var js Expr
		if r.Expect.JSON != nil && len(r.Expect.JSON.keys) > 0 {
			js = r.Expect.JSON.expr()
		}
		if err := setAttrs(eb,
			Attr{"status", status},
			Attr{"headers", headersExpr(r.Expect.Headers)},
			Attr{"json", js},
			Attr{"body_contains", r.Expect.BodyContains},
			Attr{"max_duration", r.Expect.MaxDuration},
		); err != nil {
			return err
		}
	}
	for _, a := range r.Asserts {
		b.AppendNewline()
		ab := b.AppendNewBlock("assert", nil).Body()
		if err := setAttrs(ab, Attr{"condition", a.Condition}, Attr{"error_message", quote(a.ErrorMessage)}); err != nil {
			return err
		}
	}
	if len(r.Notes) > 0 {
		b.AppendNewline()
		appendComments(b, r.Notes)
	}
	return nil
}

// setAttrs sets the arguments whose value is not empty, in order.
func setAttrs(b *hclwrite.Body, attrs ...Attr) error {
	for _, a := range attrs {
		if a.Value == "" {
			continue
		}
		if err := setAttr(b, a.Name, a.Value); err != nil {
			return err
		}
	}
	return nil
}

func setAttr(b *hclwrite.Body, name string, value Expr) error {
	toks, err := exprTokens(value)
	if err != nil {
		return fmt.Errorf("argument %s: %w", name, err)
	}
	b.SetAttributeRaw(name, toks)
	return nil
}

// exprTokens lexes an expression's source into hclwrite tokens, checking
// that it parses.
func exprTokens(e Expr) (hclwrite.Tokens, error) {
	src := []byte("x = " + string(e) + "\n")
	if _, diags := hclsyntax.ParseConfig(src, "expr", hcl.InitialPos); diags.HasErrors() {
		return nil, fmt.Errorf("invalid expression %s: %s", e, diags.Error())
	}
	f, diags := hclwrite.ParseConfig(src, "expr", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("invalid expression %s: %s", e, diags.Error())
	}
	attr := f.Body().GetAttribute("x")
	return attr.Expr().BuildTokens(nil), nil
}

// appendComments adds "# line" comments to body.
func appendComments(body *hclwrite.Body, lines []string) {
	for _, l := range lines {
		l = strings.TrimRight(strings.ReplaceAll(l, "\r", ""), " \t")
		text := "#"
		if l != "" {
			text += " " + l
		}
		body.AppendUnstructuredTokens(hclwrite.Tokens{
			{Type: hclsyntax.TokenComment, Bytes: []byte(text + "\n")},
		})
	}
}

// mapExpr is an object constructor for query and form; "" when there is
// nothing.
func mapExpr(kvs []KV) Expr {
	return mapExprKeys(kvs, objectKey)
}

// headersExpr is mapExpr with every name quoted, as header names are
// usually written.
func headersExpr(kvs []KV) Expr {
	return mapExprKeys(kvs, quote)
}

func mapExprKeys(kvs []KV, key func(string) Expr) Expr {
	if len(kvs) == 0 {
		return ""
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	for _, kv := range kvs {
		b.WriteString(string(key(kv.Key)))
		b.WriteString(" = ")
		if len(kv.Values) == 1 {
			b.WriteString(string(kv.Values[0]))
		} else {
			vals := make([]string, len(kv.Values))
			for i, v := range kv.Values {
				vals[i] = string(v)
			}
			b.WriteString("[" + strings.Join(vals, ", ") + "]")
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return Expr(b.String())
}

// addKV appends value to the entry named key, creating it when missing.
func addKV(kvs []KV, key string, value Expr) []KV {
	for i := range kvs {
		if kvs[i].Key == key {
			kvs[i].Values = append(kvs[i].Values, value)
			return kvs
		}
	}
	return append(kvs, KV{Key: key, Values: []Expr{value}})
}

// sortedKeys returns m's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
