package dsl

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

const allBlocksFile = "testdata/valid/all_blocks/main.hcl"

func loadAllBlocks(t *testing.T) *Collection {
	t.Helper()
	return mustLoadPath(t, filepath.Join("testdata", "valid", "all_blocks"))
}

// checkDeclRange asserts that rng starts at line:col of file and that its
// text is want (the block header, say).
func checkDeclRange(t *testing.T, c *Collection, what string, rng hcl.Range, file string, line, col int, wantText string) {
	t.Helper()
	if rng.Filename != file || rng.Start.Line != line || rng.Start.Column != col {
		t.Errorf("%s: DeclRange starts at %s:%d,%d, want %s:%d,%d", what,
			rng.Filename, rng.Start.Line, rng.Start.Column, file, line, col)
		return
	}
	if wantText == "" {
		return
	}
	f := c.Files[rng.Filename]
	if f == nil {
		t.Fatalf("%s: file %q not in the source cache", what, rng.Filename)
	}
	if got := string(rng.SliceBytes(f.Bytes)); got != wantText {
		t.Errorf("%s: DeclRange text %q, want %q", what, got, wantText)
	}
}

func TestDecodeVariables(t *testing.T) {
	c := loadAllBlocks(t)

	var names []string
	for _, v := range c.Variables {
		names = append(names, v.Name)
	}
	if diff := cmp.Diff([]string{"stage", "api_id", "token", "ports", "anything"}, names); diff != "" {
		t.Fatalf("variable names (-want +got):\n%s", diff)
	}

	tests := []struct {
		name        string
		line        int
		header      string
		typ         cty.Type
		def         cty.Value // cty.NilVal: required
		description string
		sensitive   bool
		validations []int // DeclRange lines
	}{
		{"stage", 1, `variable "stage"`, cty.String, cty.StringVal("prod"), "API Gateway stage", false, nil},
		{"api_id", 7, `variable "api_id"`, cty.String, cty.NilVal, "", false, nil},
		{"token", 11, `variable "token"`, cty.String, cty.StringVal("s3cr3t"), "", true, []int{16, 21}},
		// The default is converted to the declared type: "443" becomes 443.
		{"ports", 27, `variable "ports"`, cty.List(cty.Number), cty.ListVal([]cty.Value{cty.NumberIntVal(80), cty.NumberIntVal(443)}), "", false, nil},
		{"anything", 32, `variable "anything"`, cty.DynamicPseudoType, cty.NilVal, "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Variable(tt.name)
			if v == nil {
				t.Fatalf("Variable(%q) = nil", tt.name)
			}
			if !v.Type.Equals(tt.typ) {
				t.Errorf("Type = %s, want %s", v.Type.FriendlyName(), tt.typ.FriendlyName())
			}
			if tt.def == cty.NilVal {
				if !v.Required() || v.Default != cty.NilVal {
					t.Errorf("want a required variable, got Default %#v", v.Default)
				}
			} else {
				if v.Required() {
					t.Error("Required() = true for a variable with a default")
				}
				if !v.Default.RawEquals(tt.def) {
					t.Errorf("Default = %#v, want %#v", v.Default, tt.def)
				}
			}
			if v.Description != tt.description {
				t.Errorf("Description = %q, want %q", v.Description, tt.description)
			}
			if v.Sensitive != tt.sensitive {
				t.Errorf("Sensitive = %v, want %v", v.Sensitive, tt.sensitive)
			}
			var lines []int
			for _, rule := range v.Validations {
				lines = append(lines, rule.DeclRange.Start.Line)
				if rule.Condition == nil || rule.ErrorMessage == nil {
					t.Errorf("validation at line %d: nil condition or error_message", rule.DeclRange.Start.Line)
				}
			}
			if diff := cmp.Diff(tt.validations, lines); diff != "" {
				t.Errorf("validation lines (-want +got):\n%s", diff)
			}
			checkDeclRange(t, c, tt.name, v.DeclRange, allBlocksFile, tt.line, 1, tt.header)
			if got := v.Addr(); got != (addrs.InputVariable{Name: tt.name}) {
				t.Errorf("Addr() = %v", got)
			}
		})
	}

	tok := c.Variable("token")
	if got := srcText(t, c, tok.Validations[1].Condition); got != `can(regex("^[a-z0-9]+$", var.token))` {
		t.Errorf("second validation condition = %q", got)
	}
	if got := constValue(t, tok.Validations[0].ErrorMessage); !got.RawEquals(cty.StringVal("the token is too short")) {
		t.Errorf("first validation error_message = %#v", got)
	}
	if c.Variable("nope") != nil {
		t.Error(`Variable("nope") != nil`)
	}
}

func TestDecodeVariableDefaultNull(t *testing.T) {
	// default = null makes a variable optional, as in Terraform; its value
	// is a typed null.
	c := mustLoadSrc(t, `
variable "opt" {
  type    = string
  default = null
}
`)
	v := c.Variable("opt")
	if v.Required() {
		t.Fatal("a variable with default = null must not be required")
	}
	if !v.Default.IsNull() || !v.Default.Type().Equals(cty.String) {
		t.Errorf("Default = %#v, want a null string", v.Default)
	}
}

func TestDecodeLocals(t *testing.T) {
	c := loadAllBlocks(t)
	want := []struct {
		name string
		line int
		src  string
		pos  int
	}{
		{"base", 35, `"https://${var.api_id}.example.com/${var.stage}"`, 0},
		{"ua", 36, `"sigrun"`, 1},
	}
	if len(c.Locals) != len(want) {
		t.Fatalf("%d locals, want %d", len(c.Locals), len(want))
	}
	for i, w := range want {
		l := c.Locals[i]
		if l.Name != w.name || l.Pos != w.pos {
			t.Errorf("Locals[%d] = %s pos %d, want %s pos %d", i, l.Name, l.Pos, w.name, w.pos)
		}
		if got := srcText(t, c, l.Expr); got != w.src {
			t.Errorf("local %s expr = %q, want %q", w.name, got, w.src)
		}
		checkDeclRange(t, c, "local "+w.name, l.DeclRange, allBlocksFile, w.line, 3, "")
		if c.Local(w.name) != l {
			t.Errorf("Local(%q) does not return Locals[%d]", w.name, i)
		}
		if l.Addr() != (addrs.LocalValue{Name: w.name}) {
			t.Errorf("Addr() = %v", l.Addr())
		}
	}
}

func TestDecodeCredentials(t *testing.T) {
	c := loadAllBlocks(t)
	if len(c.Credentials) != 2 {
		t.Fatalf("%d credentials blocks, want 2", len(c.Credentials))
	}

	st := c.CredentialsByName("static")
	if st == nil || st != c.Credentials[0] {
		t.Fatal(`CredentialsByName("static") is not Credentials[0]`)
	}
	checkDeclRange(t, c, "static", st.DeclRange, allBlocksFile, 39, 1, `credentials "static"`)
	if st.Pos != 2 {
		t.Errorf("static Pos = %d, want 2", st.Pos)
	}
	for name, e := range map[string]hcl.Expression{
		"access_key_id": st.AccessKeyID, "secret_access_key": st.SecretAccessKey,
		"session_token": st.SessionToken, "region": st.Region,
	} {
		if e == nil {
			t.Errorf("static.%s is nil", name)
		}
	}
	for name, e := range map[string]hcl.Expression{
		"profile": st.Profile, "shared_config_files": st.SharedConfigFiles,
		"shared_credentials_files": st.SharedCredentialsFiles,
	} {
		if e != nil {
			t.Errorf("static.%s is set, want nil", name)
		}
	}
	if got := constValue(t, st.AccessKeyID); !got.RawEquals(cty.StringVal("AKIDEXAMPLE")) {
		t.Errorf("access_key_id = %#v", got)
	}

	files := c.CredentialsByName("files")
	if files == nil || files.Pos != 3 {
		t.Fatalf("files credentials: %+v", files)
	}
	if files.AccessKeyID != nil || files.SecretAccessKey != nil || files.SessionToken != nil || files.Region != nil {
		t.Error("files: static key arguments set, want nil")
	}
	if got := constValue(t, files.SharedConfigFiles); !got.RawEquals(cty.TupleVal([]cty.Value{cty.StringVal("conf")})) {
		t.Errorf("shared_config_files = %#v", got)
	}
	if got := srcText(t, c, files.SharedCredentialsFiles); got != `["creds"]` {
		t.Errorf("shared_credentials_files = %q", got)
	}
	if got := len(files.Exprs()); got != 8 {
		t.Errorf("Exprs() has %d entries, want 8 (sts_endpoint included)", got)
	}
	if files.Addr() != (addrs.Credentials{Name: "files"}) {
		t.Errorf("Addr() = %v", files.Addr())
	}
	if c.CredentialsByName("nope") != nil {
		t.Error(`CredentialsByName("nope") != nil`)
	}
}

func TestDecodeEndpoints(t *testing.T) {
	c := loadAllBlocks(t)
	if len(c.Endpoints) != 2 {
		t.Fatalf("%d endpoints, want 2", len(c.Endpoints))
	}
	api := c.Endpoint("api")
	if api != c.Endpoints[0] || api.Pos != 4 {
		t.Fatalf("api: %+v", api)
	}
	checkDeclRange(t, c, "api", api.DeclRange, allBlocksFile, 52, 1, `endpoint "api"`)
	if got := srcText(t, c, api.URL); got != "local.base" {
		t.Errorf("url = %q", got)
	}
	if api.Headers == nil || api.Timeout == nil {
		t.Error("headers or timeout is nil")
	}
	a := api.Auth
	if a == nil {
		t.Fatal("api has no auth")
	}
	if a.Type != AuthSigV4 {
		t.Errorf("auth type %q", a.Type)
	}
	if a.Credentials == nil || a.Credentials.Name != "static" {
		t.Fatalf("auth credentials = %+v, want static", a.Credentials)
	}
	if r := a.Credentials.Range; r.Start.Line != 58 || r.Start.Column != 24 || r.End.Column != 42 || r.Filename != allBlocksFile {
		t.Errorf("credentials ref range = %s:%d,%d-%d", r.Filename, r.Start.Line, r.Start.Column, r.End.Column)
	}
	if a.Service == nil || a.Region == nil || a.UnsignedPayload == nil {
		t.Error("service, region or unsigned_payload is nil")
	}
	if a.Token != nil || a.Username != nil || a.Password != nil || a.Name != nil || a.Value != nil || a.In != nil {
		t.Error("arguments of other auth types are set")
	}
	checkDeclRange(t, c, "auth", a.DeclRange, allBlocksFile, 57, 3, `auth "aws_sigv4"`)
	if a.TypeRange.Start.Line != 57 || a.TypeRange.Start.Column != 8 {
		t.Errorf("TypeRange starts at %d,%d, want 57,8", a.TypeRange.Start.Line, a.TypeRange.Start.Column)
	}
	// url, headers, timeout, max_body_size, then the nine auth arguments.
	if got := len(api.Exprs()); got != 13 {
		t.Errorf("Exprs() has %d entries, want 13", got)
	}

	plain := c.Endpoint("plain")
	if plain == nil || plain.Pos != 5 {
		t.Fatalf("plain: %+v", plain)
	}
	if plain.Auth != nil || plain.Headers != nil || plain.Timeout != nil || plain.URL == nil {
		t.Errorf("plain: auth %v headers %v timeout %v url %v", plain.Auth, plain.Headers, plain.Timeout, plain.URL)
	}
	if got := len(plain.Exprs()); got != 4 {
		t.Errorf("Exprs() without auth has %d entries, want 4", got)
	}
	if plain.Addr() != (addrs.Endpoint{Name: "plain"}) {
		t.Errorf("Addr() = %v", plain.Addr())
	}
}

func TestDecodeAuthTypes(t *testing.T) {
	c := mustLoadPath(t, filepath.Join("testdata", "valid", "auth_types"))
	tests := []struct {
		endpoint string
		typ      string
		creds    string   // "" for none
		set      []string // the non-nil arguments
	}{
		{"sigv4_default_chain", AuthSigV4, "", nil},
		{"sigv4", AuthSigV4, "default_chain", []string{"service", "region", "unsigned_payload"}},
		{"bearer", AuthBearer, "", []string{"token"}},
		{"basic", AuthBasic, "", []string{"username", "password"}},
		{"api_key", AuthAPIKey, "", []string{"name", "value", "in"}},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			e := c.Endpoint(tt.endpoint)
			if e == nil || e.Auth == nil {
				t.Fatalf("endpoint %q or its auth missing", tt.endpoint)
			}
			a := e.Auth
			if a.Type != tt.typ {
				t.Errorf("Type = %q, want %q", a.Type, tt.typ)
			}
			switch {
			case tt.creds == "" && a.Credentials != nil:
				t.Errorf("Credentials = %+v, want nil (default chain)", a.Credentials)
			case tt.creds != "" && (a.Credentials == nil || a.Credentials.Name != tt.creds):
				t.Errorf("Credentials = %+v, want %s", a.Credentials, tt.creds)
			}
			all := map[string]hcl.Expression{
				"service": a.Service, "region": a.Region, "unsigned_payload": a.UnsignedPayload,
				"token": a.Token, "username": a.Username, "password": a.Password,
				"name": a.Name, "value": a.Value, "in": a.In,
			}
			var set []string
			for name, e := range all {
				if e != nil {
					set = append(set, name)
				}
			}
			sort.Strings(set)
			want := append([]string(nil), tt.set...)
			sort.Strings(want)
			if diff := cmp.Diff(want, set); diff != "" {
				t.Errorf("set arguments (-want +got):\n%s", diff)
			}
		})
	}
	r := c.Request("unsigned")
	if r.Auth == nil || r.Auth.Type != AuthNone {
		t.Errorf("request auth = %+v, want none", r.Auth)
	}
}

func TestDecodeRequests(t *testing.T) {
	c := loadAllBlocks(t)
	var names []string
	var pos []int
	for _, r := range c.Requests {
		names = append(names, r.Name)
		pos = append(pos, r.Pos)
	}
	if diff := cmp.Diff([]string{"create", "raw", "form", "upload"}, names); diff != "" {
		t.Fatalf("request names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{6, 7, 8, 9}, pos); diff != "" {
		t.Errorf("request positions (-want +got):\n%s", diff)
	}

	// Which arguments are set, for every request.
	setArgs := func(r *Request) []string {
		all := []struct {
			name string
			e    hcl.Expression
		}{
			{"method", r.Method}, {"path", r.Path}, {"url", r.URL}, {"query", r.Query},
			{"headers", r.Headers}, {"body", r.Body}, {"json", r.JSON}, {"form", r.Form},
			{"body_file", r.BodyFile}, {"timeout", r.Timeout}, {"tags", r.Tags},
		}
		var out []string
		for _, a := range all {
			if a.e != nil {
				out = append(out, a.name)
			}
		}
		return out
	}
	tests := []struct {
		name     string
		line     int
		endpoint string
		set      []string
		deps     []string
		auth     string
	}{
		{"create", 69, "api", []string{"method", "path", "query", "headers", "json", "timeout", "tags"}, nil, ""},
		{"raw", 105, "", []string{"url", "body"}, []string{"request.create", "request.form"}, AuthBearer},
		{"form", 115, "plain", []string{"path", "form"}, nil, AuthNone},
		{"upload", 123, "plain", []string{"method", "path", "body_file"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Request(tt.name)
			if r == nil {
				t.Fatalf("Request(%q) = nil", tt.name)
			}
			checkDeclRange(t, c, tt.name, r.DeclRange, allBlocksFile, tt.line, 1, `request "`+tt.name+`"`)
			switch {
			case tt.endpoint == "" && r.Endpoint != nil:
				t.Errorf("Endpoint = %+v, want nil", r.Endpoint)
			case tt.endpoint != "" && (r.Endpoint == nil || r.Endpoint.Name != tt.endpoint):
				t.Errorf("Endpoint = %+v, want %s", r.Endpoint, tt.endpoint)
			case tt.endpoint != "" && r.Endpoint.Range.Start.Line != tt.line+1:
				t.Errorf("Endpoint range on line %d, want %d", r.Endpoint.Range.Start.Line, tt.line+1)
			}
			if diff := cmp.Diff(tt.set, setArgs(r)); diff != "" {
				t.Errorf("set arguments (-want +got):\n%s", diff)
			}
			var deps []string
			for _, d := range r.DependsOn {
				ref, diags := addrs.ParseRef(d)
				if diags.HasErrors() {
					t.Fatalf("depends_on entry: %s", diagsString(diags))
				}
				deps = append(deps, ref.Subject.String())
				if d.SourceRange().Start.Line != tt.line+3 {
					t.Errorf("depends_on %s on line %d, want %d", ref.Subject, d.SourceRange().Start.Line, tt.line+3)
				}
			}
			if diff := cmp.Diff(tt.deps, deps); diff != "" {
				t.Errorf("depends_on (-want +got):\n%s", diff)
			}
			switch {
			case tt.auth == "" && r.Auth != nil:
				t.Errorf("Auth = %+v, want nil", r.Auth)
			case tt.auth != "" && (r.Auth == nil || r.Auth.Type != tt.auth):
				t.Errorf("Auth = %+v, want %s", r.Auth, tt.auth)
			}
			if r.Addr() != (addrs.Request{Name: tt.name}) {
				t.Errorf("Addr() = %v", r.Addr())
			}
		})
	}

	create := c.Request("create")
	if got := constValue(t, create.Method); !got.RawEquals(cty.StringVal("POST")) {
		t.Errorf("method = %#v", got)
	}
	if got := constValue(t, create.Tags); !got.RawEquals(cty.TupleVal([]cty.Value{cty.StringVal("smoke"), cty.StringVal("write")})) {
		t.Errorf("tags = %#v", got)
	}
	// A request with neither expect, assert nor retry has none of them.
	for _, name := range []string{"raw", "form", "upload"} {
		r := c.Request(name)
		if r.Expect != nil || len(r.Asserts) != 0 || r.Retry != nil {
			t.Errorf("%s: expect %v, %d asserts, retry %v; want none", name, r.Expect, len(r.Asserts), r.Retry)
		}
		if got := len(r.CheckExprs()); got != 0 {
			t.Errorf("%s: CheckExprs() has %d entries, want 0", name, got)
		}
	}
	if c.Request("nope") != nil {
		t.Error(`Request("nope") != nil`)
	}
}

func TestDecodeChecks(t *testing.T) {
	c := loadAllBlocks(t)
	r := c.Request("create")

	e := r.Expect
	if e == nil {
		t.Fatal("no expect block")
	}
	checkDeclRange(t, c, "expect", e.DeclRange, allBlocksFile, 79, 3, "expect")
	wantExpect := map[string]struct {
		e   hcl.Expression
		src string
	}{
		"status":        {e.Status, "[200, 201]"},
		"headers":       {e.Headers, `{ "content-type" = "application/json" }`},
		"json":          {e.JSON, `{ name = "widget" }`},
		"body_contains": {e.BodyContains, `"widget"`},
		"body_matches":  {e.BodyMatches, `"^\\{"`},
		"max_duration":  {e.MaxDuration, `"2s"`},
	}
	for name, w := range wantExpect {
		if w.e == nil {
			t.Errorf("expect.%s is nil", name)
			continue
		}
		if got := srcText(t, c, w.e); got != w.src {
			t.Errorf("expect.%s = %q, want %q", name, got, w.src)
		}
	}

	if len(r.Asserts) != 2 {
		t.Fatalf("%d asserts, want 2", len(r.Asserts))
	}
	for i, w := range []struct {
		line      int
		condition string
	}{{88, "length(response.json.id) > 0"}, {93, "response.duration_ms < 2000"}} {
		a := r.Asserts[i]
		checkDeclRange(t, c, "assert", a.DeclRange, allBlocksFile, w.line, 3, "assert")
		if got := srcText(t, c, a.Condition); got != w.condition {
			t.Errorf("assert %d condition = %q, want %q", i, got, w.condition)
		}
	}

	rt := r.Retry
	if rt == nil {
		t.Fatal("no retry block")
	}
	checkDeclRange(t, c, "retry", rt.DeclRange, allBlocksFile, 98, 3, "retry")
	if got := constValue(t, rt.Attempts); !got.RawEquals(cty.NumberIntVal(3)) {
		t.Errorf("attempts = %#v", got)
	}
	if got := srcText(t, c, rt.Until); got != "response.status != 503" {
		t.Errorf("until = %q", got)
	}
	// 7 expect arguments, 2 × (condition, error_message, severity), 5 retry
	// arguments.
	if got := len(r.CheckExprs()); got != 7+6+5 {
		t.Errorf("CheckExprs() has %d entries, want 18", got)
	}
	// 12 request arguments and no auth.
	if got := len(r.InputExprs()); got != 12 {
		t.Errorf("InputExprs() has %d entries, want 12", got)
	}
	if got := len(c.Request("raw").InputExprs()); got != 12+9 {
		t.Errorf("InputExprs() with auth has %d entries, want 21", got)
	}
}

func TestDecodeExpectAndRetryOptionalArguments(t *testing.T) {
	c := mustLoadSrc(t, `
request "r" {
  url = "https://example.com/"
  expect {
    status = 200
  }
  retry {
    attempts = 2
  }
}
`)
	r := c.Request("r")
	e := r.Expect
	if e.Status == nil || e.Headers != nil || e.JSON != nil || e.BodyContains != nil || e.BodyMatches != nil || e.MaxDuration != nil {
		t.Errorf("expect: only status must be set: %+v", e)
	}
	if r.Retry.Attempts == nil || r.Retry.Interval != nil || r.Retry.Until != nil {
		t.Errorf("retry: only attempts must be set: %+v", r.Retry)
	}
	if r.Method != nil {
		t.Error("method is set, want nil (the runner defaults it to GET)")
	}
}

func TestDecodeOutputs(t *testing.T) {
	c := loadAllBlocks(t)
	tests := []struct {
		name, desc string
		sensitive  bool
		line, pos  int
		value      string
	}{
		{"item_id", "the new item's id", true, 130, 10, "request.create.response.json.id"},
		{"plain", "", false, 136, 11, `"x"`},
	}
	if len(c.Outputs) != len(tests) {
		t.Fatalf("%d outputs, want %d", len(c.Outputs), len(tests))
	}
	for i, tt := range tests {
		o := c.Outputs[i]
		if o.Name != tt.name || c.Output(tt.name) != o {
			t.Errorf("Outputs[%d] = %s, want %s", i, o.Name, tt.name)
			continue
		}
		if o.Description != tt.desc || o.Sensitive != tt.sensitive || o.Pos != tt.pos {
			t.Errorf("%s: description %q sensitive %v pos %d, want %q %v %d", o.Name, o.Description, o.Sensitive, o.Pos, tt.desc, tt.sensitive, tt.pos)
		}
		if got := srcText(t, c, o.Value); got != tt.value {
			t.Errorf("%s: value = %q, want %q", o.Name, got, tt.value)
		}
		checkDeclRange(t, c, o.Name, o.DeclRange, allBlocksFile, tt.line, 1, `output "`+tt.name+`"`)
		if o.Addr() != (addrs.Output{Name: tt.name}) {
			t.Errorf("Addr() = %v", o.Addr())
		}
	}
	if c.Output("nope") != nil {
		t.Error(`Output("nope") != nil`)
	}
}

// TestDecodePositionsAcrossFiles checks that positions number blocks in
// file order, across files in name order, whatever the order the files are
// named in.
func TestDecodePositionsAcrossFiles(t *testing.T) {
	c := mustLoadPath(t, filepath.Join("testdata", "valid", "multi_file"))

	type item struct {
		addr string
		pos  int
		file string
		line int
	}
	var items []item
	for _, l := range c.Locals {
		items = append(items, item{l.Addr().String(), l.Pos, l.DeclRange.Filename, l.DeclRange.Start.Line})
	}
	for _, x := range c.Credentials {
		items = append(items, item{x.Addr().String(), x.Pos, x.DeclRange.Filename, x.DeclRange.Start.Line})
	}
	for _, x := range c.Endpoints {
		items = append(items, item{x.Addr().String(), x.Pos, x.DeclRange.Filename, x.DeclRange.Start.Line})
	}
	for _, x := range c.Requests {
		items = append(items, item{x.Addr().String(), x.Pos, x.DeclRange.Filename, x.DeclRange.Start.Line})
	}
	for _, x := range c.Outputs {
		items = append(items, item{x.Addr().String(), x.Pos, x.DeclRange.Filename, x.DeclRange.Start.Line})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].pos < items[j].pos })

	const dir = "testdata/valid/multi_file/"
	want := []item{
		{"local.base", 0, dir + "a_variables.hcl", 6},
		{"endpoint.api", 1, dir + "b_endpoints.hcl", 3},
		{"request.first", 2, dir + "b_endpoints.hcl", 13},
		{"credentials.ci", 3, dir + "c_requests.hcl", 1},
		{"request.second", 4, dir + "c_requests.hcl", 5},
		{"output.second_status", 5, dir + "c_requests.hcl", 11},
		{"local.late", 6, dir + "c_requests.hcl", 16},
	}
	if diff := cmp.Diff(want, items, cmp.AllowUnexported(item{})); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	if v := c.Variable("stage"); v == nil || v.DeclRange.Filename != dir+"a_variables.hcl" {
		t.Errorf("variable stage: %+v", v)
	}
}

func TestDecodeFileOrderIndependentOfOnlyOrder(t *testing.T) {
	fsys := mapFS(map[string]string{
		"b.hcl": `request "from_b" { url = "https://b/" }`,
		"a.hcl": `request "from_a" { url = "https://a/" }`,
		"c.hcl": `request "from_c" { url = "https://c/" }`,
	})
	for _, only := range [][]string{nil, {"c.hcl", "b.hcl", "a.hcl"}, {"b.hcl", "a.hcl"}} {
		c, diags := Load(fsys, "", only)
		if len(diags) > 0 {
			t.Fatalf("only %v: %s", only, diagsString(diags))
		}
		var got []string
		for _, r := range c.Requests {
			got = append(got, r.Name+"@"+r.DeclRange.Filename)
		}
		want := []string{"from_a@a.hcl", "from_b@b.hcl", "from_c@c.hcl"}
		if only != nil && len(only) == 2 {
			want = want[:2]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("only %v: request order (-want +got):\n%s", only, diff)
		}
		for i, r := range c.Requests {
			if r.Pos != i {
				t.Errorf("only %v: %s Pos = %d, want %d", only, r.Name, r.Pos, i)
			}
		}
	}
}

// TestDesignedSyntaxIsAccepted covers arguments and blocks that DESIGN.md
// lists but whose inner schema it leaves open: the block or argument must at
// least be known, whatever else is said about its content. (for_each and
// count, whose meaning DESIGN.md fixes, are the valid fixtures for_each and
// count.)
func TestDesignedSyntaxIsAccepted(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"endpoint tls block", `
endpoint "api" {
  url = "https://example.com"
  tls {}
}`},
		{"request multipart block", `
request "upload" {
  url    = "https://example.com/upload"
  method = "POST"
  multipart {}
}`},
		{"expect json_schema", `
request "r" {
  url = "https://example.com/"
  expect {
    json_schema = { type = "object" }
  }
}`},
		{"credentials assume_role block", `
credentials "ci" {
  profile = "ci"
  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/ci"
    external_id  = "x"
    session_name = "sigrun"
    duration     = "15m"
  }
}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := loadSrc(t, tt.src)
			for _, d := range diags {
				if d.Summary == "Unsupported argument" || d.Summary == "Unsupported block type" {
					t.Errorf("DESIGN.md syntax rejected: %s", diagsString(hcl.Diagnostics{d}))
				}
			}
		})
	}
}

// TestDependsOnIndexForm: request["a"] is the index form of request.a. Load
// must not crash on it; it may accept it as request.a or reject it with an
// "Invalid depends_on reference" error on its line.
func TestDependsOnIndexForm(t *testing.T) {
	for _, target := range []string{"a", "nope"} {
		t.Run(target, func(t *testing.T) {
			src := `
request "a" {
  url = "https://example.com/a"
}

request "b" {
  url        = "https://example.com/b"
  depends_on = [request["` + target + `"]]
}
`
			var c *Collection
			var diags hcl.Diagnostics
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Load panicked on depends_on = [request[%q]]: %v", target, r)
					}
				}()
				c, diags = loadSrc(t, src)
			}()
			errs := errorDiags(diags)
			if len(errs) == 0 {
				if target != "a" {
					t.Fatalf("no error for a dependency on an undeclared request")
				}
				deps := c.Request("b").DependsOn
				if len(deps) != 1 {
					t.Fatalf("DependsOn = %v", deps)
				}
				if _, ok := deps[0][1].(hcl.TraverseAttr); !ok {
					t.Errorf("accepted depends_on entry must be normalised to request.NAME for the runner, got step %T", deps[0][1])
				}
				return
			}
			for _, d := range errs {
				if d.Subject == nil || d.Subject.Start.Line != 8 ||
					(d.Summary != "Invalid depends_on reference" && !strings.HasPrefix(d.Summary, "Reference to undeclared request")) {
					t.Errorf("unexpected diagnostic:%s", diagsString(hcl.Diagnostics{d}))
				}
			}
		})
	}
}

// TestDecodeVariableOptionalAttributes: DESIGN.md takes variable types "as
// in Terraform", whose object types may declare optional attributes with a
// default (optional(TYPE, DEFAULT), Terraform 1.3); the default fills in
// missing attributes.
func TestDecodeVariableOptionalAttributes(t *testing.T) {
	c, diags := loadSrc(t, `
variable "opts" {
  type = object({
    name  = string
    port  = optional(number, 443)
    label = optional(string)
  })
  default = { name = "api" }
}
`)
	if len(diags) > 0 {
		t.Fatalf("diagnostics:%s", diagsString(diags))
	}
	want := cty.ObjectVal(map[string]cty.Value{
		"name":  cty.StringVal("api"),
		"port":  cty.NumberIntVal(443),
		"label": cty.NullVal(cty.String),
	})
	if got := c.Variable("opts").Default; !got.RawEquals(want) {
		t.Errorf("Default = %#v, want %#v", got, want)
	}
}
