package runner

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/dsl/addrs"
	"github.com/sigrun-dev/sigrun/runner/graph"
)

// Description is one request evaluated for showing, not for sending: what
// `sigrun export` prints. Nothing is sent and no credentials are resolved.
// Values that depend on another request's response cannot be known before
// a run: they appear as Placeholder(reference) in the URL, headers and body,
// and are listed in Unknown.
type Description struct {
	// Name is the request's display name (get, get["a"], get[0]).
	Name   string
	Method string
	URL    string
	// Header holds the request's headers (its endpoint's, its own, the
	// body's Content-Type) without any added by auth.
	Header http.Header
	// One of Body, BodyFile (a resolved path) and Parts is the body.
	Body     []byte
	BodyFile string
	Parts    []DescribedPart
	// Auth is nil for a request sent without auth.
	Auth *DescribedAuth
	// Unknown lists the references shown as placeholders, in order.
	Unknown []string
	// Secrets are the sensitive values in the request, each with a name
	// for the environment variable that should stand for it.
	Secrets []DescribedSecret
}

// DescribedPart is a field or file of a multipart body.
type DescribedPart struct {
	File        bool
	Name        string
	Value       string // field
	Path        string // file, resolved
	Filename    string
	ContentType string
}

// DescribedAuth is the auth a request is sent with.
type DescribedAuth struct {
	// Type is aws_sigv4, bearer, basic or api_key.
	Type string
	// aws_sigv4: the signing scope (inferred from the host when the block
	// does not set it), and where the keys come from.
	Service, Region string
	// Credentials is the credentials block's name; "" is the default chain.
	Credentials string
	// Profile is the block's profile, when it is a literal.
	Profile string
	// StaticKeys: the block has access_key_id and secret_access_key;
	// SessionToken: it has a session_token.
	StaticKeys, SessionToken bool
	// AccessKeyVar, SecretKeyVar, SessionTokenVar name the variables the
	// static keys come from, when they are plain var.NAME references.
	AccessKeyVar, SecretKeyVar, SessionTokenVar string
	// bearer, basic, api_key: the values; the secret ones are also in
	// Description.Secrets.
	Token, Username, Password string
	KeyName, KeyValue, KeyIn  string
}

// DescribedSecret is a secret value and the environment variable name that
// stands for it in what is shown.
type DescribedSecret struct {
	Value string
	Name  string
}

// Placeholder is how a value that waits on a response is shown.
func Placeholder(ref string) string {
	return "${UNKNOWN: " + ref + "}"
}

var reUnknownToken = lazyRegexp(`SIGRUNUNKNOWN(\d+)END`)

// Describe evaluates the request at address (request.NAME, NAME, or an
// instance: request.NAME["key"], request.NAME[0]) as it would be sent.
// Responses of other requests are not known: the values taken from them are
// shown as placeholders; a response value used in a way that cannot be
// shown (in arithmetic, a condition, a function that changes it) is an
// error.
func (r *Runner) Describe(address string) (*Description, hcl.Diagnostics) {
	name, key, diags := parseRequestAddress(address)
	if diags.HasErrors() {
		return nil, diags
	}
	idx, ok := r.plan.index["request."+name]
	if !ok {
		detail := fmt.Sprintf("The collection has no request %q.", name)
		var names []string
		for _, req := range r.coll.Requests {
			names = append(names, req.Name)
		}
		if len(names) > 0 {
			detail += " It has " + strings.Join(names, ", ") + "."
		}
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "No such request", Detail: detail}}
	}
	target := r.plan.nodes[idx]

	states := r.newStates(false)
	unknowns := r.placeholderResponses(states[0])

	var spec *requestSpec
	var inst *instance
	_, err := r.plan.g.Walk(context.Background(), graph.WalkOptions{Limit: 1, Less: r.plan.less},
		func(_ context.Context, v int) ([]graph.Job, error) {
			n := r.plan.nodes[v]
			st := states[n.sc]
			switch n.kind {
			case nodeCredentials, nodeOutput:
				// Not needed to show a request; credentials are never
				// resolved.
				return nil, nil
			case nodeRequest:
				if v != idx {
					return nil, nil
				}
				insts, unknown, moreDiags := r.expand(n, st)
				diags = append(diags, moreDiags...)
				if moreDiags.HasErrors() {
					return nil, nil
				}
				if unknown {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Cannot export this request",
						Detail:   fmt.Sprintf("The instances of request %q depend on a response: they are known only during a run.", name),
						Subject:  n.request.DeclRange.Ptr(),
					})
					return nil, nil
				}
				inst = pickInstance(insts, n.request, key, &diags)
				if inst == nil {
					return nil, nil
				}
				var moreDiags2 hcl.Diagnostics
				spec, moreDiags2 = r.buildRequest(n, inst, st, nil)
				if moreDiags2.HasErrors() && len(responseRefs(n.inputRefs)) > 0 {
					// Most likely a placeholder where a number or a list
					// was needed: say so rather than show the token.
					spec = nil
					diags = append(diags, cannotExport(n, inst.name, strings.Join(responseRefs(n.inputRefs), ", ")))
					return nil, nil
				}
				diags = append(diags, moreDiags2...)
				return nil, nil
			default:
				// Locals, endpoints, modules: their diagnostics were
				// reported by validation; one that fails here because of a
				// placeholder makes the target's value unknown.
				r.evalNode(n, states)
			}
			return nil, nil
		})
	if err != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid graph", Detail: err.Error()})
	}
	if diags.HasErrors() || spec == nil {
		return nil, diags
	}
	if !spec.complete || spec.url == nil {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot export this request",
			Detail: fmt.Sprintf("Request %q uses a value that is known only during a run (a response used in a condition, "+
				"a calculation, or a request with for_each or count). Export shows response values that are used as they are.", inst.name),
			Subject: target.request.DeclRange.Ptr(),
		})
	}

	d := &Description{
		Name:   inst.name,
		Method: spec.method,
		URL:    spec.url.String(),
		Header: spec.header.Clone(),
		Body:   spec.body,
	}
	if spec.file != "" {
		d.BodyFile = spec.file
	}
	for _, p := range spec.parts {
		d.Parts = append(d.Parts, DescribedPart{
			File: p.path != "", Name: p.name, Value: p.value, Path: p.path, Filename: p.filename, ContentType: p.contentType,
		})
	}
	if spec.boundary != "" {
		// The boundary is made anew for each send: show the type alone.
		if ct := d.Header.Get("Content-Type"); strings.Contains(ct, spec.boundary) {
			d.Header.Set("Content-Type", "multipart/form-data")
		}
	}
	r.describeAuth(d, spec, target.request)
	r.describeSecrets(d, spec, target.request)

	// Placeholders: every token must show somewhere, else a response value
	// was transformed into something that cannot be shown.
	seen := map[string]bool{}
	replace := func(s string) string {
		return reUnknownToken().ReplaceAllStringFunc(s, func(tok string) string {
			ref := unknowns[tok]
			if !seen[tok] {
				seen[tok] = true
				d.Unknown = append(d.Unknown, ref)
			}
			return Placeholder(ref)
		})
	}
	d.URL = replace(d.URL)
	for k, vs := range d.Header {
		for i, v := range vs {
			vs[i] = replace(v)
		}
		d.Header[k] = vs
	}
	d.Body = []byte(replace(string(d.Body)))
	for i := range d.Parts {
		d.Parts[i].Value = replace(d.Parts[i].Value)
	}
	if d.Auth != nil {
		d.Auth.Token = replace(d.Auth.Token)
		d.Auth.Username = replace(d.Auth.Username)
		d.Auth.Password = replace(d.Auth.Password)
		d.Auth.KeyValue = replace(d.Auth.KeyValue)
	}
	own := responseRefs(target.inputRefs)
	for tok, ref := range unknowns {
		if seen[tok] {
			continue
		}
		for _, o := range own {
			if ref == o || strings.HasPrefix(ref, o+".") || strings.HasPrefix(ref, o+"[") {
				return nil, append(diags, cannotExport(target, d.Name, ref))
			}
		}
	}
	return d, diags
}

func cannotExport(n *node, name, refs string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cannot export this request",
		Detail: fmt.Sprintf("Request %q uses %s in a way that cannot be shown before a run (in a condition, a calculation or a function "+
			"that changes it). Export shows response values only where they are used as they are.", name, refs),
		Subject: n.request.DeclRange.Ptr(),
	}
}

// responseRefs are the references to other requests among refs, as text
// (request.create.response.json.id).
func responseRefs(refs []*addrs.Reference) []string {
	var out []string
	for _, ref := range refs {
		req, ok := ref.Subject.(addrs.Request)
		if !ok {
			continue
		}
		out = append(out, refText(req.Name, ref.Remaining))
	}
	return out
}

// refText writes a reference to a request as it is written in a file.
func refText(name string, remaining hcl.Traversal) string {
	text := "request." + name
	for _, step := range remaining {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			text += "." + s.Name
		case hcl.TraverseIndex:
			switch {
			case s.Key.Type() == cty.String:
				text += fmt.Sprintf("[%q]", s.Key.AsString())
			case s.Key.Type() == cty.Number:
				i, _ := s.Key.AsBigFloat().Int64()
				text += fmt.Sprintf("[%d]", i)
			}
		}
	}
	return text
}

// parseRequestAddress reads request.NAME, NAME, request.NAME["key"] or
// request.NAME[0]; key is cty.NilVal without an index.
func parseRequestAddress(s string) (string, cty.Value, hcl.Diagnostics) {
	bad := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid request address",
		Detail:   fmt.Sprintf("%q is not a request address: write request.NAME (or request.NAME[\"key\"] for an instance).", s),
	}}
	src := strings.TrimSpace(s)
	if !strings.HasPrefix(src, "request.") {
		src = "request." + src
	}
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(src), "address", hcl.InitialPos)
	if diags.HasErrors() || len(trav) < 2 || len(trav) > 3 {
		return "", cty.NilVal, bad
	}
	step, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return "", cty.NilVal, bad
	}
	key := cty.NilVal
	if len(trav) == 3 {
		ix, ok := trav[2].(hcl.TraverseIndex)
		if !ok {
			return "", cty.NilVal, bad
		}
		key = ix.Key
	}
	return step.Name, key, nil
}

func pickInstance(insts []*instance, req *dsl.Request, key cty.Value, diags *hcl.Diagnostics) *instance {
	if !req.Expanded() {
		if key != cty.NilVal {
			*diags = append(*diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid request address",
				Detail: fmt.Sprintf("Request %q has neither for_each nor count: name it without an index.", req.Name)})
			return nil
		}
		return insts[0]
	}
	var names []string
	for _, in := range insts {
		names = append(names, in.name)
		if key == cty.NilVal {
			continue
		}
		if key.Type() == cty.String && in.key.Type() == cty.String && in.key.Equals(key).True() {
			return in
		}
		if key.Type() == cty.Number && in.key.Type() == cty.Number && in.key.Equals(key).True() {
			return in
		}
	}
	what := "Name one instance"
	if key != cty.NilVal {
		what = "That instance does not exist"
	}
	*diags = append(*diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid request address",
		Detail: fmt.Sprintf("Request %q has several instances. %s: %s.", req.Name, what, strings.Join(names, ", "))})
	return nil
}

// placeholderResponses gives every request of the root collection that is
// referred to a response whose referred values are placeholder tokens, and
// returns the references by token.
func (r *Runner) placeholderResponses(st *state) map[string]string {
	type tree struct {
		attrs map[string]*tree
		idx   map[int64]*tree
	}
	roots := map[string]*tree{}
	for _, n := range r.plan.nodes {
		if n.sc != 0 {
			continue
		}
		for _, ref := range n.inputRefs {
			req, ok := ref.Subject.(addrs.Request)
			if !ok || r.coll.Request(req.Name) == nil || r.coll.Request(req.Name).Expanded() {
				continue
			}
			t := roots[req.Name]
			if t == nil {
				t = &tree{}
				roots[req.Name] = t
			}
			for _, step := range ref.Remaining {
				switch s := step.(type) {
				case hcl.TraverseAttr:
					if t.attrs == nil {
						t.attrs = map[string]*tree{}
					}
					if t.attrs[s.Name] == nil {
						t.attrs[s.Name] = &tree{}
					}
					t = t.attrs[s.Name]
				case hcl.TraverseIndex:
					k := s.Key
					switch {
					case k.Type() == cty.String:
						if t.attrs == nil {
							t.attrs = map[string]*tree{}
						}
						if t.attrs[k.AsString()] == nil {
							t.attrs[k.AsString()] = &tree{}
						}
						t = t.attrs[k.AsString()]
					case k.Type() == cty.Number:
						i, _ := k.AsBigFloat().Int64()
						if t.idx == nil {
							t.idx = map[int64]*tree{}
						}
						if t.idx[i] == nil {
							t.idx[i] = &tree{}
						}
						t = t.idx[i]
					}
				}
			}
		}
	}
	tokens := map[string]string{}
	var build func(t *tree, ref string) cty.Value
	build = func(t *tree, ref string) cty.Value {
		if len(t.attrs) == 0 && len(t.idx) == 0 {
			tok := fmt.Sprintf("SIGRUNUNKNOWN%dEND", len(tokens))
			tokens[tok] = ref
			return cty.StringVal(tok)
		}
		if len(t.idx) > 0 {
			var maxI int64
			for i := range t.idx {
				maxI = max(maxI, i)
			}
			vals := make([]cty.Value, maxI+1)
			for i := range vals {
				if sub, ok := t.idx[int64(i)]; ok {
					vals[i] = build(sub, fmt.Sprintf("%s[%d]", ref, i))
				} else {
					vals[i] = cty.StringVal("")
				}
			}
			return cty.TupleVal(vals)
		}
		vals := map[string]cty.Value{}
		keys := make([]string, 0, len(t.attrs))
		for k := range t.attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub := ref + "." + k
			if !hclsyntax.ValidIdentifier(k) {
				sub = fmt.Sprintf("%s[%q]", ref, k)
			}
			vals[k] = build(t.attrs[k], sub)
		}
		return cty.ObjectVal(vals)
	}
	names := make([]string, 0, len(roots))
	for n := range roots {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t := roots[name]
		respTree := &tree{}
		if t.attrs != nil && t.attrs["response"] != nil {
			respTree = t.attrs["response"]
		}
		val := cty.EmptyObjectVal
		if len(respTree.attrs) > 0 || len(respTree.idx) > 0 {
			val = build(respTree, "request."+name+".response")
		} else if t.attrs != nil && t.attrs["response"] != nil {
			val = build(respTree, "request."+name+".response")
		}
		resp := &response{}
		resp.valOnce.Do(func() { resp.val = val })
		st.setResponse(name, "", resp)
	}
	return tokens
}

// describeAuth fills d.Auth from the evaluated auth and its block.
func (r *Runner) describeAuth(d *Description, spec *requestSpec, req *dsl.Request) {
	a := spec.auth
	if a == nil || a.typ == dsl.AuthNone {
		return
	}
	da := &DescribedAuth{Type: a.typ, Credentials: a.credentials,
		Token: a.token, Username: a.username, Password: a.password,
		KeyName: a.keyName, KeyValue: a.keyValue, KeyIn: a.keyIn}
	if a.typ == dsl.AuthSigV4 {
		if p, err := r.signParams(spec); err == nil {
			da.Service, da.Region = p.Service, p.Region
		}
		if c := r.coll.CredentialsByName(a.credentials); c != nil {
			da.StaticKeys = c.AccessKeyID != nil
			da.SessionToken = c.SessionToken != nil
			da.AccessKeyVar = varName(c.AccessKeyID)
			da.SecretKeyVar = varName(c.SecretAccessKey)
			da.SessionTokenVar = varName(c.SessionToken)
			if c.Profile != nil {
				if v, diags := c.Profile.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
					da.Profile = v.AsString()
				}
			}
		}
	}
	d.Auth = da
}

// describeSecrets lists the request's secrets with environment names:
// the variable's name in upper case for a sensitive variable or an auth
// value given as var.NAME, else a name for its role.
func (r *Runner) describeSecrets(d *Description, spec *requestSpec, req *dsl.Request) {
	seen := map[string]bool{}
	add := func(value, name string) {
		if len(value) < 1 || seen[value] {
			return
		}
		seen[value] = true
		d.Secrets = append(d.Secrets, DescribedSecret{Value: value, Name: name})
	}
	if spec.auth != nil {
		authBlock := req.Auth
		if authBlock == nil && req.Endpoint != nil {
			if e := r.coll.Endpoint(req.Endpoint.Name); e != nil {
				authBlock = e.Auth
			}
		}
		envName := func(expr hcl.Expression, role string) string {
			if n := varName(expr); n != "" {
				return strings.ToUpper(n)
			}
			return role
		}
		if authBlock != nil {
			add(spec.auth.token, envName(authBlock.Token, "TOKEN"))
			add(spec.auth.password, envName(authBlock.Password, "PASSWORD"))
			add(spec.auth.keyValue, envName(authBlock.Value, "API_KEY"))
		}
	}
	for _, v := range r.coll.Variables {
		if !v.Sensitive {
			continue
		}
		val, _ := r.vars[v.Name].UnmarkDeep()
		ev := &evaluator{}
		ev.collectSecrets(val)
		for _, s := range ev.secrets {
			add(s, strings.ToUpper(v.Name))
		}
	}
	// Longest first, so that a secret inside another is not replaced first.
	sort.SliceStable(d.Secrets, func(i, j int) bool { return len(d.Secrets[i].Value) > len(d.Secrets[j].Value) })
}

// varName is NAME when expr is exactly var.NAME.
func varName(expr hcl.Expression) string {
	if expr == nil {
		return ""
	}
	trav, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() || len(trav) != 2 || trav.RootName() != "var" {
		return ""
	}
	if step, ok := trav[1].(hcl.TraverseAttr); ok {
		return step.Name
	}
	return ""
}
