package runner

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/signer"
)

// DefaultTimeout applies to a request when neither it nor its endpoint sets
// a timeout.
const DefaultTimeout = 30 * time.Second

// endpointValue is an evaluated endpoint.
type endpointValue struct {
	value cty.Value // object{url, headers} for expressions
	// client is the endpoint's own client when it has a tls block.
	client  *http.Client
	url     string
	headers []pair
	timeout time.Duration
	maxBody int64
	auth    *authSpec
}

// authSpec is an evaluated auth block.
type authSpec struct {
	typ string
	// credentials names the credentials block; "" is the default chain.
	credentials     string
	service, region string
	unsignedPayload bool
	token           string
	username        string
	password        string
	keyName         string
	keyValue        string
	keyIn           string
	declRange       hcl.Range
}

// credentialsValue is an evaluated credentials block. The provider is
// created on first use, so validate and plan never load AWS configuration.
type credentialsValue struct {
	src      signer.CredentialSource
	once     sync.Once
	provider aws.CredentialsProvider
	err      error
}

// requestSpec is an evaluated request, ready to be sent (again, on retry).
type requestSpec struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
	file   string // body_file, streamed from disk
	// parts and boundary are a multipart body, streamed.
	parts    []partSpec
	boundary string
	size     int64
	hash     string // hex SHA-256 of the body
	timeout  time.Duration
	auth     *authSpec
	tags     []string
	// complete is set when every value was known: the spec does not wait
	// on a response.
	complete bool
	// secrets are values to redact from anything shown.
	secrets []string
	// secretQuery names query parameters whose values are secret (api_key).
	secretQuery []string
	// client sends the request: its endpoint's when it has a tls block.
	client *http.Client
	// maxBody bounds the response body kept in memory.
	maxBody int64
}

func (r *Runner) evalCredentials(n *node, st *state) hcl.Diagnostics {
	c := n.creds
	ev := &evaluator{ctx: dsl.EvalContext(n.inputRefs, st, st.sc.funcs)}
	src := signer.CredentialSource{
		Name: fmt.Sprintf("credentials %q (%s:%d)", c.Name, c.DeclRange.Filename, c.DeclRange.Start.Line),
	}
	src.Profile, _ = ev.str(c.Profile, "profile")
	src.Region, _ = ev.str(c.Region, "region")
	src.SharedConfigFiles, _ = ev.strings(c.SharedConfigFiles, "shared_config_files")
	src.SharedCredentialsFiles, _ = ev.strings(c.SharedCredentialsFiles, "shared_credentials_files")
	src.AccessKeyID, _ = ev.str(c.AccessKeyID, "access_key_id")
	src.SecretAccessKey, _ = ev.str(c.SecretAccessKey, "secret_access_key")
	src.SessionToken, _ = ev.str(c.SessionToken, "session_token")
	src.STSEndpoint, _ = ev.str(c.STSEndpoint, "sts_endpoint")
	if a := c.AssumeRole; a != nil {
		ar := &signer.AssumeRole{}
		ar.RoleARN, _ = ev.str(a.RoleARN, "role_arn")
		ar.ExternalID, _ = ev.str(a.ExternalID, "external_id")
		ar.SessionName, _ = ev.str(a.SessionName, "session_name")
		ar.Duration, _ = ev.duration(a.Duration, "duration")
		if a.Source != nil {
			if base := st.credentials(a.Source.Name); base != nil {
				baseSrc := base.src
				ar.Source = &baseSrc
			}
		}
		src.AssumeRole = ar
	}
	if w := c.WebIdentity; w != nil {
		wi := &signer.WebIdentity{}
		wi.RoleARN, _ = ev.str(w.RoleARN, "role_arn")
		wi.TokenFile, _ = ev.str(w.TokenFile, "token_file")
		wi.SessionName, _ = ev.str(w.SessionName, "session_name")
		if wi.TokenFile != "" {
			wi.TokenFile = st.sc.resolvePath(wi.TokenFile)
		}
		src.WebIdentity = wi
	}
	for i, f := range src.SharedConfigFiles {
		src.SharedConfigFiles[i] = st.sc.resolvePath(f)
	}
	for i, f := range src.SharedCredentialsFiles {
		src.SharedCredentialsFiles[i] = st.sc.resolvePath(f)
	}
	if !st.validating && !ev.diags.HasErrors() && c.AccessKeyID != nil && (src.AccessKeyID == "" || src.SecretAccessKey == "") {
		ev.diags = append(ev.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty static credentials",
			Detail:   fmt.Sprintf("credentials %q has an empty access_key_id or secret_access_key.", c.Name),
			Subject:  c.DeclRange.Ptr(),
		})
	}
	r.addSecrets(src.SecretAccessKey, src.SessionToken)
	st.setCredentials(c.Name, &credentialsValue{src: src})
	return ev.diags
}

func (r *Runner) evalEndpoint(n *node, st *state) hcl.Diagnostics {
	e := n.endpoint
	ev := &evaluator{ctx: dsl.EvalContext(n.inputRefs, st, st.sc.funcs)}
	out := &endpointValue{}
	urlVal := cty.UnknownVal(cty.String)
	if s, ok := ev.str(e.URL, "url"); ok {
		out.url = s
		urlVal = cty.StringVal(s)
		ev.targetURL(s, e.URL)
	}
	headersVal := cty.MapValEmpty(cty.String)
	if hs, ok := ev.stringMap(e.Headers, "headers"); ok {
		out.headers = hs
		m := map[string]cty.Value{}
		for _, h := range hs {
			m[h.name] = cty.StringVal(h.values[0])
		}
		if len(m) > 0 {
			headersVal = cty.MapVal(m)
		}
	} else if e.Headers != nil {
		headersVal = cty.UnknownVal(cty.Map(cty.String))
	}
	out.timeout, _ = ev.duration(e.Timeout, "timeout")
	out.maxBody, _ = ev.size(e.MaxBodySize, "max_body_size")
	out.auth = r.evalAuth(e.Auth, ev)
	out.client = r.evalTLS(e.TLS, ev, st)
	out.value = cty.ObjectVal(map[string]cty.Value{"url": urlVal, "headers": headersVal})
	r.addSecrets(ev.secrets...)
	st.setEndpoint(e.Name, out)
	return ev.diags
}

var validAPIKeyIn = map[string]bool{"header": true, "query": true}

func (r *Runner) evalAuth(a *dsl.Auth, ev *evaluator) *authSpec {
	if a == nil {
		return nil
	}
	out := &authSpec{typ: a.Type, declRange: a.DeclRange}
	if a.Credentials != nil {
		out.credentials = a.Credentials.Name
	}
	out.service, _ = ev.str(a.Service, "service")
	out.region, _ = ev.str(a.Region, "region")
	out.unsignedPayload, _ = ev.boolean(a.UnsignedPayload, "unsigned_payload")
	before := len(ev.secrets)
	out.token, _ = ev.str(a.Token, "token")
	out.username, _ = ev.str(a.Username, "username")
	out.password, _ = ev.str(a.Password, "password")
	out.keyName, _ = ev.str(a.Name, "name")
	out.keyValue, _ = ev.str(a.Value, "value")
	out.keyIn, _ = ev.str(a.In, "in")
	// Tokens, passwords and API keys are secrets whether or not the
	// variables they came from were marked sensitive.
	ev.secrets = append(ev.secrets[:before], nonEmpty(out.token, out.password, out.keyValue)...)
	if out.keyIn == "" {
		out.keyIn = "header"
	} else if !validAPIKeyIn[out.keyIn] {
		ev.errorf(a.In, "Invalid value for in", "in must be \"header\" or \"query\", not %q.", out.keyIn)
	}
	return out
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// targetURL parses s, the value of expr, as an absolute http(s) URL; nil
// and a diagnostic when it is not one.
func (e *evaluator) targetURL(s string, expr hcl.Expression) *url.URL {
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return u
	}
	detail := fmt.Sprintf("%q is not an absolute http or https URL", s)
	if err != nil {
		detail = fmt.Sprintf("%q is not a valid URL: %s", s, strings.TrimPrefix(err.Error(), "parse "+fmt.Sprintf("%q", s)+": "))
	}
	e.diags = append(e.diags, &hcl.Diagnostic{
		Severity:    hcl.DiagError,
		Summary:     "Invalid URL",
		Detail:      detail + ". Write it as https://host/path.",
		Subject:     expr.Range().Ptr(),
		Expression:  expr,
		EvalContext: e.context(),
	})
	return nil
}

// buildRequest evaluates a request's arguments. In a validate pass some
// values are unknown; the returned spec is then incomplete and only the
// diagnostics matter. shared, when not nil, is dsl.SharedEvalContext of
// n's input references in st, built once for many instances.
func (r *Runner) buildRequest(n *node, inst *instance, st *state, shared *hcl.EvalContext) (*requestSpec, hcl.Diagnostics) {
	req := n.request
	n.inspect()
	data := instanceData{st: st, inst: inst}
	ev := &evaluator{consts: n.consts}
	if shared != nil {
		// The instance's own context is built only if something needs it.
		ev.shared, ev.refs, ev.data, ev.roots = shared, n.inputRefs, data, instanceRoots(n, inst)
	} else {
		ev.ctx = dsl.EvalContext(n.inputRefs, data, st.sc.funcs)
	}
	spec := &requestSpec{method: http.MethodGet, header: http.Header{}}

	var ep *endpointValue
	if req.Endpoint != nil {
		ep = st.endpoint(req.Endpoint.Name)
	}

	if m, ok := ev.str(req.Method, "method"); ok {
		spec.method = strings.ToUpper(m)
		if !validMethod(spec.method) {
			ev.errorf(req.Method, "Invalid value for method", "%q is not an HTTP method.", m)
		}
	}

	// Target URL: an absolute url, or the endpoint's url joined with path.
	var raw string
	var rawExpr hcl.Expression
	urlKnown := false
	switch {
	case req.URL != nil:
		raw, urlKnown = ev.str(req.URL, "url")
		rawExpr = req.URL
	case ep != nil:
		path, pathOK := "", true
		if req.Path != nil {
			path, pathOK = ev.str(req.Path, "path")
		}
		if ep.url != "" && pathOK {
			raw, urlKnown = joinURL(ep.url, path), true
		}
		rawExpr = req.Path
		if rawExpr == nil {
			rawExpr = r.coll.Endpoint(req.Endpoint.Name).URL
		}
	}
	if urlKnown {
		spec.url = ev.targetURL(raw, rawExpr)
	}

	if ep != nil {
		spec.client = ep.client
	}
	auth := req.Auth
	if auth != nil {
		spec.auth = r.evalAuth(auth, ev)
	} else if ep != nil {
		spec.auth = ep.auth
	}

	if q, ok := ev.multiMap(req.Query, "query"); ok && spec.url != nil {
		appendQuery(spec.url, q)
	}
	if spec.auth != nil && spec.auth.typ == dsl.AuthAPIKey && spec.auth.keyIn == "query" && spec.url != nil {
		appendQuery(spec.url, []pair{{name: spec.auth.keyName, values: []string{spec.auth.keyValue}}})
		spec.secretQuery = append(spec.secretQuery, spec.auth.keyName)
	}

	// Headers: the endpoint's, then the request's, which win.
	if ep != nil {
		for _, h := range ep.headers {
			spec.header[http.CanonicalHeaderKey(h.name)] = append([]string(nil), h.values...)
		}
	}
	if hs, ok := ev.stringMap(req.Headers, "headers"); ok {
		for _, h := range hs {
			spec.header[http.CanonicalHeaderKey(h.name)] = h.values
		}
	}

	r.evalBody(req, ev, spec, st)

	spec.tags, _ = ev.strings(req.Tags, "tags")
	spec.maxBody = r.opts.MaxBodySize
	if n, ok := ev.size(req.MaxBodySize, "max_body_size"); ok {
		spec.maxBody = n
	} else if req.MaxBodySize == nil && ep != nil && ep.maxBody > 0 {
		spec.maxBody = ep.maxBody
	}
	spec.timeout = DefaultTimeout
	if d, ok := ev.duration(req.Timeout, "timeout"); ok {
		spec.timeout = d
	} else if req.Timeout == nil && ep != nil && ep.timeout > 0 {
		spec.timeout = ep.timeout
	}

	if spec.auth != nil && spec.auth.typ == dsl.AuthSigV4 && spec.url != nil {
		if _, err := r.signParams(spec); err != nil {
			ev.diags = append(ev.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot tell the signing service and region",
				Detail:   err.Error(),
				Subject:  spec.auth.declRange.Ptr(),
			})
		}
	}
	spec.secrets = ev.secrets
	spec.complete = !ev.unknown
	return spec, ev.diags
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if !(c >= 'A' && c <= 'Z') && c != '-' {
			return false
		}
	}
	return true
}

func joinURL(base, path string) string {
	if path == "" {
		return base
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}

// appendQuery adds parameters to u's query, percent-encoded per RFC 3986
// (%20 for a space, never +). The signer canonicalises the query again from
// whatever is on the wire.
func appendQuery(u *url.URL, params []pair) {
	size := len(u.RawQuery)
	for _, p := range params {
		for _, v := range p.values {
			size += 2 + len(p.name) + len(v) // an estimate: escapes add more
		}
	}
	b := make([]byte, 0, size)
	b = append(b, u.RawQuery...)
	for _, p := range params {
		for _, v := range p.values {
			if len(b) > 0 {
				b = append(b, '&')
			}
			b = appendEscapeRFC3986(b, p.name)
			b = append(b, '=')
			b = appendEscapeRFC3986(b, v)
		}
	}
	u.RawQuery = string(b)
}

func escapeRFC3986(s string) string {
	return string(appendEscapeRFC3986(nil, s))
}

// appendEscapeRFC3986 appends s with every byte but RFC 3986's unreserved
// characters percent-encoded.
func appendEscapeRFC3986(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}

func (r *Runner) evalBody(req *dsl.Request, ev *evaluator, spec *requestSpec, st *state) {
	setType := func(ct string) {
		if spec.header.Get("Content-Type") == "" {
			spec.header.Set("Content-Type", ct)
		}
	}
	switch {
	case req.Body != nil:
		if s, ok := ev.str(req.Body, "body"); ok {
			spec.body = []byte(s)
		}
	case req.JSON != nil:
		v, ok := ev.eval(req.JSON, cty.DynamicPseudoType, "json")
		if ok {
			b, err := ctyjson.Marshal(v, v.Type())
			if err != nil {
				ev.errorf(req.JSON, "Invalid value for json", "The value cannot be encoded as JSON: %s.", err)
			}
			spec.body = b
		}
		setType("application/json")
	case req.Form != nil:
		if ps, ok := ev.multiMap(req.Form, "form"); ok {
			vals := url.Values{}
			for _, p := range ps {
				vals[p.name] = p.values
			}
			spec.body = []byte(vals.Encode())
		}
		setType("application/x-www-form-urlencoded")
	case req.Multipart != nil:
		r.evalMultipart(req.Multipart, ev, spec, st.sc)
	case req.BodyFile != nil:
		if p, ok := ev.str(req.BodyFile, "body_file"); ok {
			spec.file = st.sc.resolvePath(p)
			info, err := os.Stat(spec.file)
			if err != nil || info.IsDir() {
				ev.errorf(req.BodyFile, "Cannot read body_file", "body_file %q is not a readable file (resolved to %s).", p, spec.file)
			} else {
				spec.size = info.Size()
			}
		}
	}
	if spec.file == "" && spec.parts == nil {
		spec.size = int64(len(spec.body))
		if len(spec.body) == 0 {
			spec.hash = signer.EmptyPayloadHash
		} else {
			spec.hash = signer.HashBytes(spec.body)
		}
	}
}

// payloadHash returns the body's hash, streaming a body_file or a
// multipart body once, without holding it in memory.
func (s *requestSpec) payloadHash() (string, error) {
	if s.hash != "" {
		return s.hash, nil
	}
	body, err := s.newBody()
	if err != nil {
		return "", err
	}
	defer body.Close()
	h, _, err := signer.HashReader(body)
	if err != nil {
		return "", err
	}
	s.hash = h
	return h, nil
}

// newBody returns a fresh reader of the body, for one attempt.
func (s *requestSpec) newBody() (io.ReadCloser, error) {
	if s.file != "" {
		return os.Open(s.file)
	}
	if s.parts != nil {
		return multipartReader(s.parts, s.boundary), nil
	}
	return io.NopCloser(bytes.NewReader(s.body)), nil
}
