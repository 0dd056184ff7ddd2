package dsl

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// Collection is a decoded collection: every *.hcl file directly in one
// folder. Expressions are kept raw; nothing has been evaluated except
// variable defaults, which must be literal.
type Collection struct {
	// Dir is the folder as the user named it; it prefixes file names in
	// diagnostics.
	Dir string
	// Files is the parser's source cache, by the file name used in ranges.
	Files map[string]*hcl.File

	Variables   []*Variable
	Locals      []*Local
	Credentials []*Credentials
	Endpoints   []*Endpoint
	Requests    []*Request
	Outputs     []*Output
	Modules     []*ModuleCall

	// osDir is the collection's folder on disk, when it was loaded from
	// disk: child modules are resolved against it (they may be outside it,
	// ../shared/login). Empty for a collection from another file system.
	osDir string

	variablesByName   map[string]*Variable
	localsByName      map[string]*Local
	credentialsByName map[string]*Credentials
	endpointsByName   map[string]*Endpoint
	requestsByName    map[string]*Request
	outputsByName     map[string]*Output
	modulesByName     map[string]*ModuleCall
}

// ModuleCall is a module block: another folder loaded as a child
// collection, its variables set from the block's other arguments.
type ModuleCall struct {
	Name        string
	Source      string
	SourceRange hcl.Range
	// Inputs are the block's arguments other than source, in source order.
	Inputs    []*hcl.Attribute
	DeclRange hcl.Range
	Pos       int
	// Refs are the references in Inputs, set when the collection is
	// checked.
	Refs []*addrs.Reference
	// Child is the loaded child collection.
	Child *Collection
}

// Addr returns the module call's address.
func (m *ModuleCall) Addr() addrs.ModuleCall { return addrs.ModuleCall{Name: m.Name} }

// Input returns the input attribute named name, or nil.
func (m *ModuleCall) Input(name string) *hcl.Attribute {
	for _, a := range m.Inputs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Variable is a variable block.
type Variable struct {
	Name        string
	Description string
	// Type is the declared type constraint; cty.DynamicPseudoType when the
	// block has no type argument.
	Type cty.Type
	// TypeDefaults fills in optional(TYPE, DEFAULT) object attributes.
	TypeDefaults *typeexpr.Defaults
	// ParseHCL is set when values given as text (--var, SIGRUN_VAR_) are
	// HCL expressions rather than raw strings: any declared type but string.
	ParseHCL bool
	// Default is cty.NilVal for a required variable.
	Default     cty.Value
	Sensitive   bool
	Validations []*CheckRule
	DeclRange   hcl.Range
}

// Required reports whether the variable has no default.
func (v *Variable) Required() bool { return v.Default == cty.NilVal }

// Addr returns the variable's address.
func (v *Variable) Addr() addrs.InputVariable { return addrs.InputVariable{Name: v.Name} }

// Local is one named expression of a locals block.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
	Pos       int
	// Refs are the references in Expr, set when the collection is checked.
	Refs []*addrs.Reference
}

// Addr returns the local value's address.
func (l *Local) Addr() addrs.LocalValue { return addrs.LocalValue{Name: l.Name} }

// Credentials is a credentials block: where AWS credentials come from.
// Absent arguments are nil.
type Credentials struct {
	Name                   string
	Profile                hcl.Expression
	Region                 hcl.Expression
	SharedConfigFiles      hcl.Expression
	SharedCredentialsFiles hcl.Expression
	AccessKeyID            hcl.Expression
	SecretAccessKey        hcl.Expression
	SessionToken           hcl.Expression
	// STSEndpoint overrides the STS endpoint for assume-role and web
	// identity (private endpoints, tests).
	STSEndpoint hcl.Expression
	AssumeRole  *AssumeRole
	WebIdentity *WebIdentity
	DeclRange   hcl.Range
	Pos         int
	// Refs are the references in the block's expressions.
	Refs []*addrs.Reference
}

// AssumeRole is a credentials block's assume_role block.
type AssumeRole struct {
	RoleARN     hcl.Expression
	ExternalID  hcl.Expression
	SessionName hcl.Expression
	Duration    hcl.Expression
	// Source names the credentials block whose identity assumes the role;
	// nil means the block's own other attributes (or the default chain).
	Source    *StaticRef
	DeclRange hcl.Range
}

// WebIdentity is a credentials block's web_identity block.
type WebIdentity struct {
	RoleARN     hcl.Expression
	TokenFile   hcl.Expression
	SessionName hcl.Expression
	DeclRange   hcl.Range
}

// Addr returns the credentials' address.
func (c *Credentials) Addr() addrs.Credentials { return addrs.Credentials{Name: c.Name} }

// Endpoint is an endpoint block: a base URL with defaults for the requests
// that use it.
type Endpoint struct {
	Name        string
	URL         hcl.Expression
	Headers     hcl.Expression
	Timeout     hcl.Expression
	MaxBodySize hcl.Expression
	Auth        *Auth
	TLS         *TLS
	DeclRange   hcl.Range
	Pos         int
	// Refs are the references in the block's expressions.
	Refs []*addrs.Reference
}

// TLS is an endpoint's tls block.
type TLS struct {
	CAFile     hcl.Expression
	ClientCert hcl.Expression
	ClientKey  hcl.Expression
	Insecure   hcl.Expression
	DeclRange  hcl.Range
}

// Addr returns the endpoint's address.
func (e *Endpoint) Addr() addrs.Endpoint { return addrs.Endpoint{Name: e.Name} }

// Auth types.
const (
	AuthSigV4  = "aws_sigv4"
	AuthBearer = "bearer"
	AuthBasic  = "basic"
	AuthAPIKey = "api_key"
	AuthNone   = "none"
)

// Auth is an auth "TYPE" block on an endpoint or a request.
type Auth struct {
	Type string
	// Credentials is the static reference credentials.NAME of an aws_sigv4
	// block; nil means the AWS SDK's default credential chain.
	Credentials     *StaticRef
	Service         hcl.Expression
	Region          hcl.Expression
	UnsignedPayload hcl.Expression
	Token           hcl.Expression // bearer
	Username        hcl.Expression // basic
	Password        hcl.Expression // basic
	Name            hcl.Expression // api_key: header or query parameter name
	Value           hcl.Expression // api_key
	In              hcl.Expression // api_key: "header" (default) or "query"
	DeclRange       hcl.Range
	TypeRange       hcl.Range
}

// StaticRef is a reference written as a bare traversal that is resolved
// when the collection is loaded, not evaluated: endpoint = endpoint.api,
// credentials = credentials.ci.
type StaticRef struct {
	Name  string
	Range hcl.Range
}

// Request is a request block.
type Request struct {
	Name string
	// ForEach (a map, a set or list of strings, or a list) or Count (a
	// number) makes the block a set of instances; at most one is set.
	ForEach   hcl.Expression
	Count     hcl.Expression
	Endpoint  *StaticRef
	Method    hcl.Expression
	Path      hcl.Expression
	URL       hcl.Expression
	Query     hcl.Expression
	Headers   hcl.Expression
	Body      hcl.Expression
	JSON      hcl.Expression
	Form      hcl.Expression
	BodyFile  hcl.Expression
	Multipart *Multipart
	Timeout   hcl.Expression
	// MaxBodySize bounds the response body kept in memory (bytes, or a
	// size such as "64MiB"); larger bodies are streamed and hashed.
	MaxBodySize hcl.Expression
	Tags        hcl.Expression
	DependsOn   []hcl.Traversal
	Auth        *Auth
	Expect      *Expect
	Asserts     []*CheckRule
	Retry       *Retry
	DeclRange   hcl.Range
	Pos         int
	// ExpandRefs, InputRefs and CheckRefs are the references in
	// ExpandExprs, InputExprs and CheckExprs, set when the collection is
	// checked.
	ExpandRefs []*addrs.Reference
	InputRefs  []*addrs.Reference
	CheckRefs  []*addrs.Reference
}

// Addr returns the request's address.
func (r *Request) Addr() addrs.Request { return addrs.Request{Name: r.Name} }

// Expanded reports whether the block has for_each or count.
func (r *Request) Expanded() bool { return r.ForEach != nil || r.Count != nil }

// Multipart is a request's multipart block: a multipart/form-data body.
type Multipart struct {
	Parts     []*MultipartPart
	DeclRange hcl.Range
}

// MultipartPart is a field or file block of a multipart block.
type MultipartPart struct {
	// File is set for a file block, whose content is read from Path.
	File        bool
	Name        string
	Value       hcl.Expression // field
	Path        hcl.Expression // file
	Filename    hcl.Expression // file; default: the base name of Path
	ContentType hcl.Expression
	DeclRange   hcl.Range
}

// Expect is a request's expect block. Absent arguments are nil.
type Expect struct {
	Status       hcl.Expression
	Headers      hcl.Expression
	JSON         hcl.Expression
	BodyContains hcl.Expression
	BodyMatches  hcl.Expression
	JSONSchema   hcl.Expression
	MaxDuration  hcl.Expression
	DeclRange    hcl.Range
}

// CheckRule is a condition with its error message: an assert block of a
// request or a validation block of a variable.
type CheckRule struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	// Severity is "error" (the default) or "warning"; assert blocks only.
	Severity  hcl.Expression
	DeclRange hcl.Range
}

// Retry is a request's retry block.
type Retry struct {
	Attempts hcl.Expression
	Interval hcl.Expression
	// Backoff multiplies the interval after each attempt (default 1);
	// MaxInterval caps it.
	Backoff     hcl.Expression
	MaxInterval hcl.Expression
	Until       hcl.Expression
	DeclRange   hcl.Range
}

// Output is an output block.
type Output struct {
	Name        string
	Value       hcl.Expression
	Description string
	Sensitive   bool
	DeclRange   hcl.Range
	Pos         int
	// Refs are the references in Value.
	Refs []*addrs.Reference
}

// Addr returns the output's address.
func (o *Output) Addr() addrs.Output { return addrs.Output{Name: o.Name} }

// Variable returns the variable named name, or nil.
func (c *Collection) Variable(name string) *Variable { return c.variablesByName[name] }

// Local returns the local value named name, or nil.
func (c *Collection) Local(name string) *Local { return c.localsByName[name] }

// CredentialsByName returns the credentials block named name, or nil.
func (c *Collection) CredentialsByName(name string) *Credentials { return c.credentialsByName[name] }

// Endpoint returns the endpoint named name, or nil.
func (c *Collection) Endpoint(name string) *Endpoint { return c.endpointsByName[name] }

// Request returns the request named name, or nil.
func (c *Collection) Request(name string) *Request { return c.requestsByName[name] }

// Output returns the output named name, or nil.
func (c *Collection) Output(name string) *Output { return c.outputsByName[name] }

// Module returns the module call named name, or nil.
func (c *Collection) Module(name string) *ModuleCall { return c.modulesByName[name] }

// OSDir returns the collection's folder on disk, or "" when it was not
// loaded from disk.
func (c *Collection) OSDir() string { return c.osDir }
