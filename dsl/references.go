package dsl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// References parses every reference in exprs (nil expressions are skipped).
// Each use is kept with its own range; duplicates are not removed.
func References(exprs ...hcl.Expression) ([]*addrs.Reference, hcl.Diagnostics) {
	var refs []*addrs.Reference
	var diags hcl.Diagnostics
	for _, e := range exprs {
		if e == nil {
			continue
		}
		for _, trav := range e.Variables() {
			ref, moreDiags := addrs.ParseRef(trav)
			diags = append(diags, moreDiags...)
			if ref != nil {
				refs = append(refs, ref)
			}
		}
	}
	return refs, diags
}

// Exprs returns the block's expressions that are evaluated before its
// request is sent (auth arguments).
func (a *Auth) Exprs() []hcl.Expression {
	if a == nil {
		return nil
	}
	return []hcl.Expression{a.Service, a.Region, a.UnsignedPayload, a.Token, a.Username, a.Password, a.Name, a.Value, a.In}
}

// Exprs returns the endpoint's expressions.
func (e *Endpoint) Exprs() []hcl.Expression {
	out := append([]hcl.Expression{e.URL, e.Headers, e.Timeout, e.MaxBodySize}, e.Auth.Exprs()...)
	if t := e.TLS; t != nil {
		out = append(out, t.CAFile, t.ClientCert, t.ClientKey, t.Insecure)
	}
	return out
}

// Exprs returns the credentials block's expressions.
func (c *Credentials) Exprs() []hcl.Expression {
	out := []hcl.Expression{c.Profile, c.Region, c.SharedConfigFiles, c.SharedCredentialsFiles,
		c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.STSEndpoint}
	if a := c.AssumeRole; a != nil {
		out = append(out, a.RoleARN, a.ExternalID, a.SessionName, a.Duration)
	}
	if w := c.WebIdentity; w != nil {
		out = append(out, w.RoleARN, w.TokenFile, w.SessionName)
	}
	return out
}

// ExpandExprs returns the request's for_each or count expression, which is
// evaluated before its instances are.
func (r *Request) ExpandExprs() []hcl.Expression {
	return []hcl.Expression{r.ForEach, r.Count}
}

// InputExprs returns the request's expressions that are evaluated before it
// is sent: everything but its checks (and its for_each or count).
func (r *Request) InputExprs() []hcl.Expression {
	out := append([]hcl.Expression{r.Method, r.Path, r.URL, r.Query, r.Headers, r.Body, r.JSON,
		r.Form, r.BodyFile, r.Timeout, r.MaxBodySize, r.Tags}, r.Auth.Exprs()...)
	if r.Multipart != nil {
		for _, p := range r.Multipart.Parts {
			out = append(out, p.Value, p.Path, p.Filename, p.ContentType)
		}
	}
	return out
}

// CheckExprs returns the request's expressions that are evaluated against
// its response: expect, assert and retry.
func (r *Request) CheckExprs() []hcl.Expression {
	var out []hcl.Expression
	if e := r.Expect; e != nil {
		out = append(out, e.Status, e.Headers, e.JSON, e.BodyContains, e.BodyMatches, e.JSONSchema, e.MaxDuration)
	}
	for _, a := range r.Asserts {
		out = append(out, a.Condition, a.ErrorMessage, a.Severity)
	}
	if rt := r.Retry; rt != nil {
		out = append(out, rt.Attempts, rt.Interval, rt.Backoff, rt.MaxInterval, rt.Until)
	}
	return out
}

// refContext says which symbols an expression may use.
type refContext struct {
	what          string // "a local value", "an endpoint"...; "" in a request
	allowResponse bool
	self          string // the request's own name, for self-references
	// expansion is set for a request's for_each or count expression.
	expansion bool
	// allowEach and allowCount are set inside a request with for_each or
	// count (but not in the for_each or count expression itself).
	allowEach, allowCount bool
}

// describe names, for messages, what the expressions belong to. A
// request's name is quoted only when a message needs it.
func (ctx refContext) describe() string {
	switch {
	case ctx.expansion:
		return fmt.Sprintf("the for_each or count of request %q", ctx.self)
	case ctx.self != "":
		return fmt.Sprintf("request %q", ctx.self)
	}
	return ctx.what
}

// validate checks what can be checked without evaluating: that every
// reference names a declared object, that symbols are used where they mean
// something, and that static references resolve.
func (c *Collection) validate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	var moreDiags hcl.Diagnostics
	for _, l := range c.Locals {
		l.Refs, moreDiags = c.checkRefs(refContext{what: "a local value"}, l.Expr)
		diags = append(diags, moreDiags...)
	}
	for _, cr := range c.Credentials {
		cr.Refs, moreDiags = c.checkRefs(refContext{what: "a credentials block"}, cr.Exprs()...)
		diags = append(diags, moreDiags...)
		if a := cr.AssumeRole; a != nil && a.Source != nil && c.CredentialsByName(a.Source.Name) == nil {
			diags = append(diags, c.undeclared(addrs.Credentials{Name: a.Source.Name}, a.Source.Range))
		}
	}
	for _, e := range c.Endpoints {
		e.Refs, moreDiags = c.checkRefs(refContext{what: "an endpoint"}, e.Exprs()...)
		diags = append(diags, moreDiags...)
		diags = append(diags, c.checkAuth(e.Auth)...)
	}
	// Requests are many and each is checked on its own: on every core.
	requestDiags := make([]hcl.Diagnostics, len(c.Requests))
	inParallel(len(c.Requests), func(i int) { requestDiags[i] = c.checkRequest(c.Requests[i]) })
	for _, ds := range requestDiags {
		diags = append(diags, ds...)
	}
	for _, o := range c.Outputs {
		o.Refs, moreDiags = c.checkRefs(refContext{what: "an output"}, o.Value)
		diags = append(diags, moreDiags...)
	}
	for _, m := range c.Modules {
		exprs := make([]hcl.Expression, len(m.Inputs))
		for i, a := range m.Inputs {
			exprs[i] = a.Expr
		}
		m.Refs, moreDiags = c.checkRefs(refContext{what: fmt.Sprintf("module %q", m.Name)}, exprs...)
		diags = append(diags, moreDiags...)
		diags = append(diags, checkModuleInputs(m)...)
	}
	for _, v := range c.Variables {
		for _, rule := range v.Validations {
			refs, moreDiags := References(rule.Condition, rule.ErrorMessage)
			diags = append(diags, moreDiags...)
			for _, ref := range refs {
				if iv, ok := ref.Subject.(addrs.InputVariable); !ok || iv.Name != v.Name {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Invalid reference in variable validation",
						Detail:   fmt.Sprintf("A validation of variable %q can refer only to var.%s.", v.Name, v.Name),
						Subject:  ref.SourceRange.Ptr(),
					})
				}
			}
		}
	}
	return diags
}

// checkRequest checks the references of a request block and keeps them
// in it.
func (c *Collection) checkRequest(r *Request) hcl.Diagnostics {
	var diags, moreDiags hcl.Diagnostics
	if r.Endpoint != nil && c.Endpoint(r.Endpoint.Name) == nil {
		diags = append(diags, c.undeclared(addrs.Endpoint{Name: r.Endpoint.Name}, r.Endpoint.Range))
	}
	for _, dep := range r.DependsOn {
		name := dep[1].(hcl.TraverseAttr).Name
		if c.Request(name) == nil {
			diags = append(diags, c.undeclared(addrs.Request{Name: name}, dep.SourceRange()))
		}
	}
	r.ExpandRefs, moreDiags = c.checkRefs(refContext{self: r.Name, expansion: true}, r.ExpandExprs()...)
	diags = append(diags, moreDiags...)
	ctx := refContext{self: r.Name, allowEach: r.ForEach != nil, allowCount: r.Count != nil}
	r.InputRefs, moreDiags = c.checkRefs(ctx, r.InputExprs()...)
	diags = append(diags, moreDiags...)
	ctx.allowResponse = true
	r.CheckRefs, moreDiags = c.checkRefs(ctx, r.CheckExprs()...)
	diags = append(diags, moreDiags...)
	return append(diags, c.checkAuth(r.Auth)...)
}

func (c *Collection) checkAuth(a *Auth) hcl.Diagnostics {
	if a == nil || a.Credentials == nil {
		return nil
	}
	if c.CredentialsByName(a.Credentials.Name) == nil {
		return hcl.Diagnostics{c.undeclared(addrs.Credentials{Name: a.Credentials.Name}, a.Credentials.Range)}
	}
	return nil
}

// checkRefs parses the references of exprs and checks each; it returns the
// references for the caller to keep.
func (c *Collection) checkRefs(ctx refContext, exprs ...hcl.Expression) ([]*addrs.Reference, hcl.Diagnostics) {
	refs, diags := References(exprs...)
	for _, ref := range refs {
		switch s := ref.Subject.(type) {
		case addrs.InputVariable:
			if c.Variable(s.Name) == nil {
				diags = append(diags, c.undeclared(s, ref.SourceRange))
			}
		case addrs.LocalValue:
			if c.Local(s.Name) == nil {
				diags = append(diags, c.undeclared(s, ref.SourceRange))
			}
		case addrs.Endpoint:
			if c.Endpoint(s.Name) == nil {
				diags = append(diags, c.undeclared(s, ref.SourceRange))
			}
		case addrs.Request:
			if c.Request(s.Name) == nil {
				diags = append(diags, c.undeclared(s, ref.SourceRange))
			} else if s.Name == ctx.self {
				hint := ""
				if ctx.allowResponse {
					hint = " Inside its own expect, assert and retry blocks, a request's response is just \"response\"."
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Self-referential request",
					Detail:   fmt.Sprintf("Request %q cannot refer to itself.%s", s.Name, hint),
					Subject:  ref.SourceRange.Ptr(),
				})
			}
		case addrs.ModuleCall:
			diags = append(diags, c.checkModuleRef(s, ref)...)
		case addrs.Credentials:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Credentials are not values",
				Detail: fmt.Sprintf("%s can be named only in an aws_sigv4 auth block's credentials argument "+
					"(credentials = %s); it cannot be used in %s's expressions.", s, s, ctx.describe()),
				Subject: ref.SourceRange.Ptr(),
			})
		case addrs.Response:
			if !ctx.allowResponse {
				detail := fmt.Sprintf("\"response\" means a request's own response and exists only inside its expect, assert and retry blocks; it cannot be used in %s.", ctx.describe())
				if ctx.self == "" {
					detail += " To use a request's response elsewhere, write request.NAME.response."
				} else {
					detail += " A request's other arguments are evaluated before it is sent."
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid use of \"response\"",
					Detail:   detail,
					Subject:  ref.SourceRange.Ptr(),
				})
			}
		case addrs.EachAttr:
			if !ctx.allowEach {
				diags = append(diags, eachCountMisuse(s, "for_each", ref.SourceRange))
			}
		case addrs.CountAttr:
			if !ctx.allowCount {
				diags = append(diags, eachCountMisuse(s, "count", ref.SourceRange))
			}
		}
	}
	return refs, diags
}

// checkModuleInputs checks a module block's arguments against the child's
// variables: each must be declared, and every required one set.
func checkModuleInputs(m *ModuleCall) hcl.Diagnostics {
	if m.Child == nil {
		return nil
	}
	var diags hcl.Diagnostics
	var names []string
	for _, v := range m.Child.Variables {
		names = append(names, v.Name)
	}
	for _, a := range m.Inputs {
		if m.Child.Variable(a.Name) == nil {
			detail := fmt.Sprintf("The module at %q declares no variable named %q.", m.Source, a.Name)
			if s := nameSuggestion(a.Name, names); s != "" {
				detail += fmt.Sprintf(" Did you mean %q?", s)
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported argument",
				Detail:   detail,
				Subject:  a.NameRange.Ptr(),
			})
		}
	}
	for _, v := range m.Child.Variables {
		if v.Required() && m.Input(v.Name) == nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing required argument",
				Detail: fmt.Sprintf("The module's variable %q has no default, so module %q must set it: %s = ... (declared at %s:%d).",
					v.Name, m.Name, v.Name, v.DeclRange.Filename, v.DeclRange.Start.Line),
				Subject: m.DeclRange.Ptr(),
			})
		}
	}
	return diags
}

// checkModuleRef checks module.NAME.OUTPUT: the module is declared and its
// child has that output.
func (c *Collection) checkModuleRef(a addrs.ModuleCall, ref *addrs.Reference) hcl.Diagnostics {
	m := c.Module(a.Name)
	if m == nil {
		var names []string
		for _, x := range c.Modules {
			names = append(names, x.Name)
		}
		detail := fmt.Sprintf("No module named %q is declared in this collection.", a.Name)
		if s := nameSuggestion(a.Name, names); s != "" {
			detail += fmt.Sprintf(" Did you mean module.%s?", s)
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Reference to undeclared module", Detail: detail, Subject: ref.SourceRange.Ptr()}}
	}
	if m.Child == nil || len(ref.Remaining) == 0 {
		return nil
	}
	step, ok := ref.Remaining[0].(hcl.TraverseAttr)
	if !ok || m.Child.Output(step.Name) != nil {
		return nil
	}
	var names []string
	for _, o := range m.Child.Outputs {
		names = append(names, o.Name)
	}
	detail := fmt.Sprintf("Module %q has no output named %q.", a.Name, step.Name)
	if s := nameSuggestion(step.Name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unsupported attribute", Detail: detail, Subject: step.SrcRange.Ptr()}}
}

func eachCountMisuse(addr addrs.Referenceable, arg string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Reference to %q in a block without %s", addr.String(), arg),
		Detail: fmt.Sprintf("%s exists only inside a request that sets %s (and not in the %s expression itself).",
			addr, arg, arg),
		Subject: rng.Ptr(),
	}
}

func (c *Collection) undeclared(addr addrs.Referenceable, rng hcl.Range) *hcl.Diagnostic {
	kind := addrs.Kind(addr)
	var names []string
	var name, root string
	switch a := addr.(type) {
	case addrs.InputVariable:
		name, root = a.Name, "var"
		for _, v := range c.Variables {
			names = append(names, v.Name)
		}
	case addrs.LocalValue:
		name, root = a.Name, "local"
		for _, l := range c.Locals {
			names = append(names, l.Name)
		}
	case addrs.Credentials:
		name, root = a.Name, "credentials"
		for _, x := range c.Credentials {
			names = append(names, x.Name)
		}
	case addrs.Endpoint:
		name, root = a.Name, "endpoint"
		for _, x := range c.Endpoints {
			names = append(names, x.Name)
		}
	case addrs.Request:
		name, root = a.Name, "request"
		for _, x := range c.Requests {
			names = append(names, x.Name)
		}
	}
	detail := fmt.Sprintf("No %s named %q is declared in this collection.", kind, name)
	if s := nameSuggestion(name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %s.%s?", root, s)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Reference to undeclared %s", kind),
		Detail:   detail,
		Subject:  rng.Ptr(),
	}
}
