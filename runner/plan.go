package runner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
)

// PlannedRequest is what the validate pass knows of a request block
// before anything is sent: for `sigrun plan` and `sigrun graph`.
type PlannedRequest struct {
	// Name is the block's address in the run (NAME, module.M.request.NAME).
	Name   string
	Module string
	// Instances are the instance names when for_each or count is known
	// before the run; Expansion describes the expansion ("" for a plain
	// block).
	Instances []string
	Expansion string
	Method    string
	// URL is the URL when it is known before the run; otherwise the
	// expression as written, and Known is false.
	URL   string
	Known bool
	// WaitsOn lists the requests this one waits for.
	WaitsOn []string
	Auth    string
	Body    string
	Checks  []string
	Tags    []string
}

// planInfo is what the validate pass records for Plan. The texts Plan
// shows are written when Plan is called, not for every request of every
// validation.
type planInfo struct {
	spec    *requestSpec
	insts   []*instance
	unknown bool
	// creds is the credentials block an aws_sigv4 spec names, as the
	// validate pass evaluated it; nil for none or the default chain.
	creds *credentialsValue
}

// Plan lists the selected requests in the order a --parallel 1 run would
// start them.
func (r *Runner) Plan() []PlannedRequest {
	order, _ := r.plan.g.TopoOrder(r.plan.less)
	var out []PlannedRequest
	for _, v := range order {
		n := r.plan.nodes[v]
		if n.kind != nodeRequest || !r.selected.has(v) || n.info == nil {
			continue
		}
		sc := r.scopes[n.sc]
		pr := PlannedRequest{
			Name:    sc.requestName(n.request.Name),
			Module:  strings.TrimSuffix(sc.prefix, "."),
			WaitsOn: n.requestDeps,
			Checks:  checkNames(n.request),
		}
		spec := n.info.spec
		if spec != nil && spec.auth != nil {
			pr.Auth = r.authDescription(spec, n.info.creds)
		}
		switch {
		case n.request.ForEach != nil && n.info.unknown:
			pr.Expansion = "for_each, known after " + waitsOnText(n.requestDeps)
		case n.request.Count != nil && n.info.unknown:
			pr.Expansion = "count, known after " + waitsOnText(n.requestDeps)
		case n.request.Expanded():
			kind := "for_each"
			if n.request.Count != nil {
				kind = "count"
			}
			pr.Expansion = fmt.Sprintf("%s: %d instance%s", kind, len(n.info.insts), plural(len(n.info.insts)))
			for _, in := range n.info.insts {
				pr.Instances = append(pr.Instances, in.name)
			}
		}
		if spec != nil {
			pr.Method = spec.method
			pr.Tags = spec.tags
			if spec.url != nil && spec.complete {
				pr.URL = r.Redact(redactQuery(spec.url, spec.secretQuery).String())
				pr.Known = true
			}
			pr.Body = bodyDescription(n.request, spec)
		}
		if !pr.Known {
			pr.URL = targetSource(n.request, sc)
		}
		out = append(out, pr)
	}
	return out
}

func waitsOnText(deps []string) string {
	if len(deps) == 0 {
		return "the run starts"
	}
	return strings.Join(deps, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// recordPlan keeps what Plan shows of a request, from the validate pass.
func (r *Runner) recordPlan(n *node, st *state, insts []*instance, unknown bool, spec *requestSpec) {
	info := &planInfo{spec: spec, insts: insts, unknown: unknown}
	if spec != nil && spec.auth != nil && spec.auth.typ == dsl.AuthSigV4 && spec.auth.credentials != "" {
		info.creds = st.credentials(spec.auth.credentials)
	}
	n.info = info
}

// targetSource writes the request's URL as its expressions are written,
// for a URL that waits on a response.
func targetSource(req *dsl.Request, sc *scope) string {
	src := func(e hcl.Expression) string {
		if e == nil {
			return ""
		}
		rng := e.Range()
		f := sc.coll.Files[rng.Filename]
		if f == nil || rng.End.Byte > len(f.Bytes) {
			return "(expression)"
		}
		return strings.Trim(string(f.Bytes[rng.Start.Byte:rng.End.Byte]), `"`)
	}
	if req.URL != nil {
		return src(req.URL)
	}
	t := "endpoint." + req.Endpoint.Name
	if req.Path != nil {
		t += " + " + src(req.Path)
	}
	return t
}

// authDescription describes the auth of spec; cv is the credentials block
// it names (nil: none was evaluated).
func (r *Runner) authDescription(spec *requestSpec, cv *credentialsValue) string {
	a := spec.auth
	switch a.typ {
	case dsl.AuthSigV4:
		creds := "the default AWS credential chain"
		if a.credentials != "" {
			creds = fmt.Sprintf("credentials %q", a.credentials)
			if cv != nil {
				creds += " (" + cv.src.Describe() + ")"
			}
		}
		scope := "service and region inferred from the host when it is known"
		if a.service != "" && a.region != "" {
			scope = fmt.Sprintf("SigV4 for %s in %s", a.service, a.region)
		} else if spec.url != nil {
			if p, err := r.signParams(spec); err == nil {
				alg := "SigV4"
				if p.Algorithm.String() != "" && p.Algorithm.String() != "AWS4-HMAC-SHA256" {
					alg = p.Algorithm.String()
				}
				scope = fmt.Sprintf("%s for %s in %s", alg, p.Service, p.Region)
			}
		}
		return fmt.Sprintf("aws_sigv4 with %s, %s", creds, scope)
	case dsl.AuthBearer:
		return "bearer token"
	case dsl.AuthBasic:
		return "basic"
	case dsl.AuthAPIKey:
		return fmt.Sprintf("api_key in the %s %q", a.keyIn, a.keyName)
	}
	return "none"
}

func bodyDescription(req *dsl.Request, spec *requestSpec) string {
	switch {
	case req.JSON != nil:
		return fmt.Sprintf("json (%d bytes)", len(spec.body))
	case req.Form != nil:
		return fmt.Sprintf("form (%d bytes)", len(spec.body))
	case req.Body != nil:
		return fmt.Sprintf("body (%d bytes)", len(spec.body))
	case req.BodyFile != nil:
		return fmt.Sprintf("body_file %s (%d bytes, streamed)", spec.file, spec.size)
	case req.Multipart != nil:
		return fmt.Sprintf("multipart (%d parts, %d bytes, streamed)", len(spec.parts), spec.size)
	}
	return ""
}

func checkNames(req *dsl.Request) []string {
	var out []string
	if e := req.Expect; e != nil {
		for _, c := range []struct {
			name string
			expr hcl.Expression
		}{{"status", e.Status}, {"headers", e.Headers}, {"json", e.JSON}, {"body_contains", e.BodyContains},
			{"body_matches", e.BodyMatches}, {"json_schema", e.JSONSchema}, {"max_duration", e.MaxDuration}} {
			if c.expr != nil {
				out = append(out, "expect."+c.name)
			}
		}
	}
	if e := req.Expect; e == nil || e.Status == nil {
		out = append(out, "status < 400")
	}
	if n := len(req.Asserts); n > 0 {
		out = append(out, fmt.Sprintf("%d assert%s", n, plural(n)))
	}
	if req.Retry != nil {
		out = append(out, "retry")
	}
	return out
}
