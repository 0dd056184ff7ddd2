package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/sigrun-dev/sigrun/assertions"
	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/signer"
)

// runInstance evaluates, sends (again while retry asks) and checks one
// instance of a request. It never returns nil.
func (r *Runner) runInstance(ctx context.Context, att *attempts, n *node, inst *instance, st *state) *RequestResult {
	req := n.request
	res := &RequestResult{Name: inst.name, DeclRange: req.DeclRange, Started: r.opts.Now(), Outcome: Failed,
		Block: st.sc.requestName(req.Name), Module: strings.TrimSuffix(st.sc.prefix, "."), DependsOn: n.requestDeps}
	r.obs.started(inst.name)
	defer func() { r.obs.finished(res) }()

	spec := n.keptSpec(inst)
	if spec == nil {
		var diags hcl.Diagnostics
		spec, diags = r.buildRequest(n, inst, st, nil)
		r.addSecrets(spec.secrets...)
		if diags.HasErrors() {
			res.Diags = diags
			return res
		}
	} else {
		r.addSecrets(spec.secrets...)
	}
	res.Method = spec.method
	res.Tags = spec.tags
	shown := redactQuery(spec.url, spec.secretQuery)
	res.URL = r.Redact(shown.String())
	res.Path = r.Redact(requestPath(shown))

	policy, diags := r.retrySettings(n, inst, st)
	if diags.HasErrors() {
		res.Diags = diags
		return res
	}
	attempts := policy.attempts

	var resp *response
	var sent *sentAuth
	var err error
	for attempt := 1; ; attempt++ {
		res.Attempts++
		resp, sent, err = r.sendCorrectingSkew(att, spec, st, res)
		if r.opts.Capture && sent != nil && sent.req != nil {
			res.Exchange = r.capture(spec, sent.req, resp)
		}
		if ctx.Err() != nil {
			res.Outcome = NotRun
			res.SkipReason = "not run: interrupted while in flight"
			return res
		}
		done := err == nil
		if err == nil && req.Retry != nil && req.Retry.Until != nil {
			ok, untilDiags := r.evalUntil(n, inst, st, resp)
			if untilDiags.HasErrors() {
				res.Diags = untilDiags
				return res
			}
			done = ok
		}
		if done || attempt >= attempts {
			break
		}
		select {
		case <-time.After(policy.wait(attempt)):
		case <-ctx.Done():
			res.Outcome = NotRun
			res.SkipReason = "not run: interrupted between retries"
			return res
		}
	}
	if err != nil {
		res.Diags = hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Request failed",
			Detail:   r.Redact(describeTransportError(err, spec)),
			Subject:  req.DeclRange.Ptr(),
		}}
		return res
	}
	st.setResponse(req.Name, inst.id, resp)
	res.StatusCode = resp.status
	res.Duration = resp.duration

	res.Checks = r.runChecks(n, inst, st, resp, spec.maxBody)
	failed := false
	for _, c := range res.Checks {
		switch {
		case c.Passed:
		case c.Warning:
			res.Warnings++
			res.Diags = append(res.Diags, c.Diags...)
		default:
			failed = true
			res.Diags = append(res.Diags, c.Diags...)
		}
	}
	if failed && sent != nil && sent.sigv4 != nil {
		if d := r.explainAuthFailure(spec, sent, resp); d != nil {
			res.Diags = append(res.Diags, d)
		}
	}
	if req.Retry != nil && req.Retry.Until != nil && failed && attempts > 1 {
		res.Diags = append(res.Diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Retry gave up",
			Detail:   fmt.Sprintf("The until condition was still false after %d attempts; the checks above are against the last response.", res.Attempts),
			Subject:  req.Retry.DeclRange.Ptr(),
		})
	}
	if !failed {
		res.Outcome = Passed
	}
	return res
}

func requestPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// redactQuery returns u with the values of the named query parameters
// replaced (a copy when there is anything to replace).
func redactQuery(u *url.URL, names []string) *url.URL {
	if len(names) == 0 || u.RawQuery == "" {
		return u
	}
	parts := strings.Split(u.RawQuery, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		for _, n := range names {
			if k == escapeRFC3986(n) {
				parts[i] = k + "=REDACTED"
			}
		}
	}
	c := *u
	c.RawQuery = strings.Join(parts, "&")
	return &c
}

func describeTransportError(err error, spec *requestSpec) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("%s %s: no response within the timeout of %s.", spec.method, spec.url.Redacted(), spec.timeout)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s %s: no response within the timeout of %s.", spec.method, spec.url.Redacted(), spec.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Sprintf("%s %s: %s.", spec.method, spec.url.Redacted(), err)
}

// sendCorrectingSkew sends once; when a signed request is refused because
// the clocks disagree (RequestTimeTooSkewed, "Signature expired"), it takes
// the offset from the server's Date header, corrects the signer's clock
// for the rest of the run, says so in the result, and sends once more.
func (r *Runner) sendCorrectingSkew(att *attempts, spec *requestSpec, st *state, res *RequestResult) (*response, *sentAuth, error) {
	resp, sent, err := r.send(att, spec, st)
	if err != nil || sent.sigv4 == nil || res.SkewCorrected {
		return resp, sent, err
	}
	base := r.signer.Now().Add(-r.signer.Skew())
	offset, ok := signer.SkewFromResponse(&http.Response{StatusCode: resp.status, Header: resp.header}, resp.body, base)
	if !ok {
		return resp, sent, err
	}
	r.signer.SetSkew(offset)
	res.SkewCorrected = true
	direction := "ahead of"
	if offset < 0 {
		direction = "behind"
	}
	res.Diags = append(res.Diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Clock skew corrected",
		Detail: fmt.Sprintf("The server refused the signature's time: its clock (from its Date header) is %s %s this machine's. "+
			"sigrun corrected its signing clock for the rest of the run and sent the request again.",
			offset.Abs().Round(time.Second), direction),
		Subject: spec.auth.declRange.Ptr(),
	})
	res.Attempts++
	return r.send(att, spec, st)
}

// send makes one attempt: build the HTTP request, authorize it, send it and
// read the response, within the request's timeout (an attempt context of
// att).
func (r *Runner) send(att *attempts, spec *requestSpec, st *state) (*response, *sentAuth, error) {
	c := att.start(spec.timeout)
	defer att.end(c)
	sent := &sentAuth{}
	ctx := context.WithValue(c.ctx, sentAuthKey{}, sent)
	var body io.ReadCloser
	if spec.size != 0 {
		var err error
		if body, err = spec.newBody(); err != nil {
			return nil, sent, err
		}
	}
	// The request gets a copy of the evaluated URL (the signer may rewrite
	// the copy's RawPath), not a print of it parsed again.
	req, err := http.NewRequestWithContext(ctx, spec.method, "", body)
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, sent, err
	}
	u := *spec.url
	u.Host = removeEmptyPort(u.Host)
	req.URL, req.Host = &u, u.Host
	// An empty body stays nil: net/http then writes no body at all, where
	// http.NoBody still costs a body copy per request (a LimitReader and a
	// one-byte buffer). The wire is the same: Content-Length: 0 for the
	// methods that carry a body, nothing for GET and HEAD.
	req.ContentLength = spec.size
	if spec.size != 0 {
		req.GetBody = spec.newBody
	}
	req.Header = spec.header.Clone()
	if err := r.authorize(ctx, req, spec, st, sent); err != nil {
		return nil, sent, err
	}

	sent.req = req
	client := r.client
	if spec.client != nil {
		client = spec.client
	}
	start := r.opts.Now()
	hr, err := client.Do(req)
	if err != nil {
		return nil, sent, err
	}
	defer hr.Body.Close()
	cr := &countingReader{r: hr.Body}
	data, size, sum, streamed, err := readBody(cr, hr.ContentLength, spec.maxBody)
	if err != nil {
		return nil, sent, bodyReadError(err, cr.n, hr, spec.timeout)
	}
	return &response{
		status:   hr.StatusCode,
		header:   hr.Header,
		body:     data,
		size:     size,
		sha256:   sum,
		streamed: streamed,
		duration: r.opts.Now().Sub(start),
		finalURL: hr.Request.URL,
		runner:   r,
	}, sent, nil
}

// removeEmptyPort drops the ":" of a host that ends in one, as
// http.NewRequest does.
func removeEmptyPort(host string) string {
	if strings.LastIndex(host, ":") > strings.LastIndex(host, "]") {
		return strings.TrimSuffix(host, ":")
	}
	return host
}

// signatureOf extracts the hex signature from an Authorization header.
func signatureOf(authz string) string {
	_, sig, ok := strings.Cut(authz, "Signature=")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(sig, ", "); i >= 0 {
		sig = sig[:i]
	}
	return sig
}

// sentAuthKey is the context key under which a request carries what its
// authorization put on it, so that a redirect can drop it (another host)
// or sign again (the same host).
type sentAuthKey struct{}

type sentAuth struct {
	// req is the request as sent (for --verbose and reports).
	req *http.Request
	// headers are the credential-carrying headers set, besides the
	// standard ones.
	headers []string
	// sigv4 is set for a signed request.
	sigv4 *signing
}

type signing struct {
	r      *Runner
	creds  aws.Credentials
	params signer.Params
	hash   string
	// amzDate is the time the request was signed for.
	amzDate string
}

// credentialHeaders are dropped from every redirect to another host.
var credentialHeaders = []string{"Authorization", "X-Amz-Security-Token", "X-Amz-Date", "X-Amz-Content-Sha256"}

func (r *Runner) authorize(ctx context.Context, req *http.Request, spec *requestSpec, st *state, sent *sentAuth) error {
	a := spec.auth
	if a == nil {
		return nil
	}
	switch a.typ {
	case dsl.AuthSigV4:
		var cv *credentialsValue
		if a.credentials != "" {
			cv = st.credentials(a.credentials)
		}
		creds, err := r.awsCredentials(ctx, cv)
		if err != nil {
			return err
		}
		params, err := r.signParams(spec)
		if err != nil {
			return err
		}
		hash := signer.UnsignedPayload
		if !a.unsignedPayload {
			if hash, err = spec.payloadHash(); err != nil {
				return fmt.Errorf("hashing the body: %w", err)
			}
		}
		if err := r.signer.SignHTTP(req, creds, hash, params); err != nil {
			return fmt.Errorf("signing: %w", err)
		}
		r.addSignature(signatureOf(req.Header.Get("Authorization")))
		sent.sigv4 = &signing{r: r, creds: creds, params: params, hash: hash, amzDate: req.Header.Get("X-Amz-Date")}
	case dsl.AuthBearer:
		req.Header.Set("Authorization", "Bearer "+a.token)
	case dsl.AuthBasic:
		req.SetBasicAuth(a.username, a.password)
		r.addSecrets(strings.TrimPrefix(req.Header.Get("Authorization"), "Basic "))
	case dsl.AuthAPIKey:
		if a.keyIn == "header" {
			req.Header.Set(a.keyName, a.keyValue)
			sent.headers = append(sent.headers, a.keyName)
		}
	}
	return nil
}

// signParams decides the signing service and region: explicit values win,
// the rest is inferred from the host.
func (r *Runner) signParams(spec *requestSpec) (signer.Params, error) {
	a := spec.auth
	p := signer.Params{Service: a.service, Region: a.region}
	if p.Service != "" && p.Region != "" {
		return p, nil
	}
	inferred, err := signer.InferParams(spec.url.Hostname())
	if err != nil {
		return p, fmt.Errorf("%s is not an AWS host name that tells the signing service and region "+
			"(a custom domain, an IP address or a proxy). Set both in the auth \"aws_sigv4\" block, "+
			"e.g. service = \"execute-api\" and region = \"us-east-1\"", spec.url.Hostname())
	}
	if p.Service != "" {
		inferred.Service = p.Service
	}
	if p.Region != "" {
		inferred.Region = p.Region
	}
	return inferred, nil
}

// awsCredentials retrieves credentials from cv (nil: the default chain),
// creating its provider on first use.
func (r *Runner) awsCredentials(ctx context.Context, cv *credentialsValue) (aws.Credentials, error) {
	if cv == nil {
		cv = r.defaults
	}
	cv.once.Do(func() { cv.provider, cv.err = signer.NewCredentialsProvider(ctx, cv.src) })
	if cv.err != nil {
		return aws.Credentials{}, cv.err
	}
	creds, err := signer.Retrieve(ctx, cv.src, cv.provider)
	if err != nil {
		return creds, err
	}
	r.addSecrets(creds.SecretAccessKey, creds.SessionToken)
	return creds, nil
}

// checkRedirect follows at most 10 redirects, for GET and HEAD only. A
// signed request is signed again for a redirect to the same host; for
// another host every credential is dropped, so a signature, token or key is
// never sent to a host it was not made for.
func checkRedirect(req *http.Request, via []*http.Request) error {
	// via holds the requests made so far: the first and one per redirect
	// followed, so the 11th redirect is the first refused.
	if len(via) > 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0]
	if first.Method != http.MethodGet && first.Method != http.MethodHead {
		return http.ErrUseLastResponse
	}
	sent, _ := first.Context().Value(sentAuthKey{}).(*sentAuth)
	if req.URL.Host != first.URL.Host {
		for _, h := range credentialHeaders {
			req.Header.Del(h)
		}
		if sent != nil {
			for _, h := range sent.headers {
				req.Header.Del(h)
			}
		}
		// The Referer is the previous URL, with an API key in its query.
		req.Header.Del("Referer")
		return nil
	}
	if sent != nil && sent.sigv4 != nil {
		s := sent.sigv4
		req.Header.Del("Authorization")
		req.Header.Del("X-Amz-Date")
		req.Header.Del("X-Amz-Security-Token")
		if err := s.r.signer.SignHTTP(req, s.creds, signer.EmptyPayloadHash, s.params); err != nil {
			return err
		}
		s.r.addSignature(signatureOf(req.Header.Get("Authorization")))
	}
	return nil
}

func (r *Runner) checkContext(n *node, inst *instance, st *state, resp *response) *hcl.EvalContext {
	return dsl.EvalContext(n.checkRefs, instanceData{st: st, inst: inst, resp: resp}, st.sc.funcs)
}

func (r *Runner) runChecks(n *node, inst *instance, st *state, resp *response, maxBody int64) []assertions.Result {
	req := n.request
	ctx := r.checkContext(n, inst, st, resp)
	ar := &assertions.Response{
		Status:   resp.status,
		Header:   resp.header,
		Body:     resp.body,
		Duration: resp.duration,
	}
	if req.Expect != nil && req.Expect.JSON != nil {
		ar.JSON = resp.json // (a method value is an allocation)
	}
	var out []assertions.Result
	if req.Expect == nil || req.Expect.Status == nil {
		out = append(out, implicitStatusCheck(req, resp))
	}
	if e := req.Expect; e != nil {
		exp := assertions.Expect{
			Status: e.Status, Headers: e.Headers, JSON: e.JSON,
			BodyContains: e.BodyContains, BodyMatches: e.BodyMatches, JSONSchema: e.JSONSchema,
			MaxDuration: e.MaxDuration, Schemas: &r.schemas,
		}
		if resp.streamed {
			// A body that was not kept cannot be checked: say so instead.
			for name, expr := range map[string]*hcl.Expression{"expect.json": &exp.JSON, "expect.body_contains": &exp.BodyContains,
				"expect.body_matches": &exp.BodyMatches, "expect.json_schema": &exp.JSONSchema} {
				if *expr != nil {
					out = append(out, assertions.Result{Name: name, Diags: hcl.Diagnostics{
						streamedBodyDiag(resp, maxBody, (*expr).Range().Ptr(), name)}})
					*expr = nil
				}
			}
		}
		out = append(out, assertions.CheckExpect(exp, ctx, ar)...)
	}
	for _, a := range req.Asserts {
		if resp.streamed {
			if rng, ok := usesBody(a.Condition); ok {
				out = append(out, assertions.Result{Name: "assert", Diags: hcl.Diagnostics{
					streamedBodyDiag(resp, maxBody, rng, "This assert")}})
				continue
			}
		}
		warning, diags := r.severity(a, ctx)
		if diags.HasErrors() {
			out = append(out, assertions.Result{Name: "assert", Diags: diags})
			continue
		}
		out = append(out, assertions.Assert(a.Condition, a.ErrorMessage, ctx, warning))
	}
	return out
}

// implicitStatusCheck is the check of a request without expect.status: a
// status below 400 passes. A smoke test that forgot expect.status must
// still fail on a 403 from a broken signature or a 500.
func implicitStatusCheck(req *dsl.Request, resp *response) assertions.Result {
	res := assertions.Result{Name: "status < 400", Passed: resp.status < 400}
	if res.Passed {
		return res
	}
	rng := req.DeclRange
	if req.Expect != nil {
		rng = req.Expect.DeclRange
	}
	res.Diags = hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Unexpected status code",
		Detail: fmt.Sprintf("Got %d %s. A request without expect.status passes only with a status below 400; "+
			"set expect.status to accept another.%s", resp.status, http.StatusText(resp.status), bodyStart(resp.body)),
		Subject: rng.Ptr(),
	}}
	return res
}

func bodyStart(b []byte) string {
	if s := assertions.BodySnippet(b); s != "" {
		return "\nThe response body starts: " + s
	}
	return ""
}

// severity evaluates an assert's severity: "error" (the default) or
// "warning".
func (r *Runner) severity(a *dsl.CheckRule, ctx *hcl.EvalContext) (bool, hcl.Diagnostics) {
	if a.Severity == nil {
		return false, nil
	}
	ev := &evaluator{ctx: ctx}
	s, ok := ev.str(a.Severity, "severity")
	if !ok {
		return false, ev.diags
	}
	switch s {
	case "error":
		return false, nil
	case "warning":
		return true, nil
	}
	ev.errorf(a.Severity, "Invalid value for severity", "severity must be \"error\" or \"warning\", not %q.", s)
	return false, ev.diags
}

// retryPolicy is an evaluated retry block.
type retryPolicy struct {
	attempts    int
	interval    time.Duration
	backoff     float64
	maxInterval time.Duration
}

// wait returns the pause after attempt (1-based): interval × backoff^(attempt-1),
// at most maxInterval.
func (p retryPolicy) wait(attempt int) time.Duration {
	d := float64(p.interval)
	for i := 1; i < attempt; i++ {
		d *= p.backoff
		if p.maxInterval > 0 && d >= float64(p.maxInterval) {
			return p.maxInterval
		}
	}
	if p.maxInterval > 0 && d > float64(p.maxInterval) {
		return p.maxInterval
	}
	return time.Duration(d)
}

func (r *Runner) retrySettings(n *node, inst *instance, st *state) (retryPolicy, hcl.Diagnostics) {
	p := retryPolicy{attempts: 1, interval: time.Second, backoff: 1}
	rt := n.request.Retry
	if rt == nil {
		return p, nil
	}
	ev := &evaluator{ctx: r.checkContext(n, inst, st, nil)}
	if v, ok := ev.eval(rt.Attempts, cty.Number, "retry.attempts"); ok && !v.IsNull() {
		i, acc := v.AsBigFloat().Int64()
		if acc != 0 || i < 1 || i > 1000 {
			ev.errorf(rt.Attempts, "Invalid value for retry.attempts", "retry.attempts must be a whole number from 1 to 1000.")
		} else {
			p.attempts = int(i)
		}
	}
	if d, ok := ev.duration(rt.Interval, "retry.interval"); ok {
		p.interval = d
	}
	if rt.Backoff != nil {
		if v, ok := ev.eval(rt.Backoff, cty.Number, "retry.backoff"); ok && !v.IsNull() {
			f, _ := v.AsBigFloat().Float64()
			if f < 1 || f > 10 {
				ev.errorf(rt.Backoff, "Invalid value for retry.backoff", "retry.backoff multiplies the interval after each attempt: a number from 1 (constant) to 10, not %g.", f)
			} else {
				p.backoff = f
			}
		}
	}
	if d, ok := ev.duration(rt.MaxInterval, "retry.max_interval"); ok {
		p.maxInterval = d
	}
	return p, ev.diags
}

func (r *Runner) evalUntil(n *node, inst *instance, st *state, resp *response) (bool, hcl.Diagnostics) {
	ctx := r.checkContext(n, inst, st, resp)
	v, diags := n.request.Retry.Until.Value(ctx)
	if diags.HasErrors() {
		return false, diags
	}
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() {
		return false, hcl.Diagnostics{{
			Severity:    hcl.DiagError,
			Summary:     "Invalid retry.until result",
			Detail:      "retry.until must be true or false; it is null.",
			Subject:     n.request.Retry.Until.Range().Ptr(),
			Expression:  n.request.Retry.Until,
			EvalContext: ctx,
		}}
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return false, hcl.Diagnostics{{
			Severity:    hcl.DiagError,
			Summary:     "Invalid retry.until result",
			Detail:      fmt.Sprintf("retry.until must be true or false, not %s.", v.Type().FriendlyName()),
			Subject:     n.request.Retry.Until.Range().Ptr(),
			Expression:  n.request.Retry.Until,
			EvalContext: ctx,
		}}
	}
	return b.True(), nil
}

// validateChecks type-checks a request's checks with its response unknown.
func (r *Runner) validateChecks(n *node, inst *instance, st *state) hcl.Diagnostics {
	req := n.request
	if req.Expect == nil && len(req.Asserts) == 0 && req.Retry == nil {
		return nil // nothing to check
	}
	ctx := r.checkContext(n, inst, st, nil)
	ev := &evaluator{ctx: ctx}
	if e := req.Expect; e != nil {
		if e.Status != nil {
			if v, ok := ev.eval(e.Status, cty.DynamicPseudoType, "expect.status"); ok {
				if _, err := convert.Convert(v, cty.Number); err != nil {
					if _, err2 := convert.Convert(v, cty.List(cty.Number)); err2 != nil {
						ev.errorf(e.Status, "Invalid value for expect.status", "expect.status must be a number or a list of numbers, not %s.", v.Type().FriendlyName())
					}
				}
			}
		}
		ev.eval(orNil(e.Headers), cty.Map(cty.String), "expect.headers")
		ev.eval(orNil(e.JSON), cty.DynamicPseudoType, "expect.json")
		ev.str(e.BodyContains, "expect.body_contains")
		ev.str(e.BodyMatches, "expect.body_matches")
		ev.duration(e.MaxDuration, "expect.max_duration")
		if e.JSONSchema != nil {
			if v, ok := ev.eval(e.JSONSchema, cty.DynamicPseudoType, "expect.json_schema"); ok && !v.IsNull() {
				if !(v.Type() == cty.String || v.Type().IsObjectType() || v.Type().IsMapType()) {
					ev.errorf(e.JSONSchema, "Invalid value for expect.json_schema", "expect.json_schema must be a JSON Schema: an object, or its JSON text (file(\"schema.json\")), not %s.", v.Type().FriendlyName())
				}
			}
		}
	}
	for _, a := range req.Asserts {
		if v, ok := ev.eval(a.Condition, cty.DynamicPseudoType, "condition"); ok && !v.IsNull() {
			if _, err := convert.Convert(v, cty.Bool); err != nil {
				ev.errorf(a.Condition, "Invalid condition", "A condition must be true or false, not %s.", v.Type().FriendlyName())
			}
		}
		ev.eval(a.ErrorMessage, cty.String, "error_message")
		if _, diags := r.severity(a, ctx); diags.HasErrors() {
			ev.diags = append(ev.diags, diags...)
		}
	}
	if req.Retry != nil {
		_, diags := r.retrySettings(n, inst, st)
		ev.diags = append(ev.diags, diags...)
		if req.Retry.Until != nil {
			ev.eval(req.Retry.Until, cty.Bool, "retry.until")
		}
	}
	return ev.diags
}

// orNil lets a nil expression pass through eval as a constant null.
func orNil(e hcl.Expression) hcl.Expression {
	if e == nil {
		return hcl.StaticExpr(cty.NullVal(cty.DynamicPseudoType), hcl.Range{})
	}
	return e
}
