package importer

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// PostmanOptions configure ImportPostman.
type PostmanOptions struct {
	// Environment is an exported Postman environment (JSON), or nil.
	Environment []byte
	// WorkingDir is the folder that relative file paths in the collection
	// (form-data files, binary bodies) are relative to, as newman's
	// --working-dir.
	WorkingDir string
	// OutDir is the folder the collection will be written to: file paths
	// are written relative to it, since sigrun resolves them against the
	// collection's folder. Empty: paths are written as they are.
	OutDir string
}

// Result is an imported collection and what the user should know about it.
type Result struct {
	Collection *Collection
	// Warnings are about what was not translated, one line each.
	Warnings []string
	// Required are the variables that have no default: the user gives them
	// with --var or SIGRUN_VAR_name. Sensitive ones are marked.
	Required []*Variable
}

// ImportPostman converts a Postman collection (v2.0 or v2.1) into a sigrun
// collection: one file per folder, top-level requests in main.hcl.
func ImportPostman(data []byte, opts PostmanOptions) (*Result, error) {
	var pc pmCollection
	if err := json.Unmarshal(data, &pc); err != nil {
		return nil, fmt.Errorf("not a Postman collection: %w", err)
	}
	if pc.Info.Schema != "" && !strings.Contains(pc.Info.Schema, "v2.") {
		return nil, fmt.Errorf("the collection's schema is %s: sigrun imports Postman collections v2.0 and v2.1 (export the collection again as v2.1)", pc.Info.Schema)
	}
	if pc.Info.Schema == "" && pc.Item == nil {
		return nil, fmt.Errorf("not a Postman collection v2: it has no info.schema and no item list (Postman v1 collections must be exported again as v2.1)")
	}
	c := newPMConverter(opts)
	if err := c.loadVariables(&pc); err != nil {
		return nil, err
	}
	c.convert(&pc)
	return c.result(), nil
}

// pmVar is a Postman variable and the sigrun variable it becomes.
type pmVar struct {
	pmName      string
	v           *Variable
	value       *string
	secret      bool
	description string
}

// authScope is where an auth definition applies: the collection or a
// folder, and the requests that inherit from it.
type authScope struct {
	owner string  // "" for the collection, else the folder's path
	label string  // snake name, for endpoint and variable names
	auth  *pmAuth // nil: no auth
	// converted once: the block and what it needs
	done  bool
	block *Auth
}

type pmEndpoint struct {
	ep    *Endpoint
	base  template
	scope *authScope
	file  string
}

type pmConverter struct {
	opts PostmanOptions

	vars      map[string]*pmVar
	varOrder  []*pmVar
	varNames  *namer
	reqNames  *namer
	fileNames *namer
	credNames *namer

	credentials []*Credentials
	credByKey   map[string]*Credentials
	endpoints   []*pmEndpoint
	// setters maps a Postman variable set by a test script to the
	// response value of the request that set it.
	setters map[string]Expr

	coll     *Collection
	files    map[string][]Block // by file name: requests (and folder endpoints)
	comments map[string][]string
	warnings []string
	// curItem names the request being converted, for warnings.
	curItem string
}

func newPMConverter(opts PostmanOptions) *pmConverter {
	return &pmConverter{
		opts:      opts,
		vars:      map[string]*pmVar{},
		varNames:  newNamer(),
		reqNames:  newNamer(),
		fileNames: newNamer("main"),
		credNames: newNamer(),
		credByKey: map[string]*Credentials{},
		setters:   map[string]Expr{},
		coll:      &Collection{},
		files:     map[string][]Block{},
		comments:  map[string][]string{},
	}
}

func (c *pmConverter) warnf(format string, args ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
}

// loadVariables declares the collection's variables and the environment's
// values; the environment wins, as in Postman.
func (c *pmConverter) loadVariables(pc *pmCollection) error {
	for _, v := range pc.Variable {
		if v.Disabled || v.name() == "" {
			continue
		}
		val := string(v.Value)
		pv := c.variable(v.name())
		pv.value = &val
		pv.description = string(v.Description)
		if v.Type == "secret" {
			pv.secret = true
		}
	}
	if c.opts.Environment == nil {
		return nil
	}
	var env pmEnvironment
	if err := json.Unmarshal(c.opts.Environment, &env); err != nil {
		return fmt.Errorf("not a Postman environment: %w", err)
	}
	for _, v := range env.Values {
		if v.Key == "" || (v.Enabled != nil && !*v.Enabled) {
			continue
		}
		val := string(v.Value)
		pv := c.variable(v.Key)
		pv.value = &val
		if v.Type == "secret" {
			pv.secret = true
		}
	}
	return nil
}

// variable returns the variable for a Postman name, declaring it.
func (c *pmConverter) variable(pmName string) *pmVar {
	if v, ok := c.vars[pmName]; ok {
		return v
	}
	v := &pmVar{pmName: pmName, v: &Variable{Name: c.varNames.take(snakeName(pmName))}}
	c.vars[pmName] = v
	c.varOrder = append(c.varOrder, v)
	return v
}

// dynamicVariables are Postman's built-in {{$name}} values that have a
// sigrun function.
var dynamicVariables = map[string]Expr{
	"$guid":         "uuid()",
	"$randomUUID":   "uuid()",
	"$isoTimestamp": "timestamp()",
}

// ref is how a Postman variable is referred to: a variable, a response
// value that an earlier request's script set, or a function.
func (c *pmConverter) ref(name string) Expr {
	name = strings.TrimSpace(name)
	if e, ok := c.setters[name]; ok {
		return e
	}
	if strings.HasPrefix(name, "$") {
		if e, ok := dynamicVariables[name]; ok {
			return e
		}
		if _, declared := c.vars[name]; !declared {
			c.warnf("%s: Postman's dynamic variable {{%s}} has no sigrun equivalent: it became a variable to give a value", c.curItem, name)
		}
	}
	return Expr("var." + c.variable(name).v.Name)
}

var (
	rePMVar     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{([^{}]+)\}\}`) })
	rePMBaseVar = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\{\{[^{}]+\}\})(/.*)?$`) })
)

// tmpl parses Postman's {{variable}} syntax.
func (c *pmConverter) tmpl(s string) template {
	var t template
	last := 0
	for _, m := range rePMVar().FindAllStringSubmatchIndex(s, -1) {
		if m[0] > last {
			t = append(t, tmplPart{lit: s[last:m[0]]})
		}
		t = append(t, tmplPart{expr: c.ref(s[m[2]:m[3]])})
		last = m[1]
	}
	if last < len(s) || len(t) == 0 {
		t = append(t, tmplPart{lit: s[last:]})
	}
	return t
}

// secret is a secret auth value: a reference to the variable that holds it.
// A literal secret is never written: it becomes a variable without a
// default named role.
func (c *pmConverter) secret(value, role, what string) Expr {
	if m := rePMVar().FindStringSubmatch(value); m != nil && m[0] == value && !strings.HasPrefix(strings.TrimSpace(m[1]), "$") {
		name := strings.TrimSpace(m[1])
		if e, ok := c.setters[name]; ok {
			return e
		}
		v := c.variable(name)
		v.secret = true
		return Expr("var." + v.v.Name)
	}
	// A name no Postman variable has, so that it cannot clash with one.
	v := c.variable("\x00" + role)
	v.secret = true
	v.description = fmt.Sprintf("The %s of %s (Postman had it written in the collection; it is not copied here)", what, c.curItem)
	c.warnf("%s: the literal %s was not written into the collection: give it with --var %s=... or SIGRUN_VAR_%s", c.curItem, what, v.v.Name, v.v.Name)
	return Expr("var." + v.v.Name)
}

func (c *pmConverter) convert(pc *pmCollection) {
	root := &authScope{auth: effectiveAuth(pc.Auth)}
	if root.auth != nil && root.auth.Type == "noauth" {
		root.auth = nil
	}
	collectionTests, collectionPre := scriptsOf(pc.Event)
	main := "main.hcl"
	if d := strings.TrimSpace(string(pc.Info.Description)); d != "" {
		c.comments[main] = append(c.comments[main], strings.Split(d, "\n")...)
	}
	c.comments[main] = append([]string{fmt.Sprintf("Imported from the Postman collection %q.", pc.Info.Name)}, c.comments[main]...)
	c.curItem = "collection " + fmt.Sprintf("%q", pc.Info.Name)
	inherited := c.levelScripts(main, "the collection", collectionTests, collectionPre)
	c.items(pc.Item, nil, root, main, inherited)
}

// effectiveAuth is auth unless it says to inherit.
func effectiveAuth(a *pmAuth) *pmAuth {
	if a == nil || a.Type == "" || a.Type == "inherit" {
		return nil
	}
	return a
}

func scriptsOf(events []pmEvent) (tests, pre []string) {
	for _, e := range events {
		switch e.Listen {
		case "test":
			tests = append(tests, e.Script.Exec...)
		case "prerequest":
			pre = append(pre, e.Script.Exec...)
		}
	}
	return tests, pre
}

// levelScripts handles a collection's or folder's scripts: their checks
// apply to every request below; what is not translated is kept as comments
// at the top of the file.
func (c *pmConverter) levelScripts(file, where string, tests, pre []string) *scriptChecks {
	var checks *scriptChecks
	if len(nonBlank(tests)) > 0 {
		tr := &scriptTranslator{ref: c.ref}
		checks = tr.translate(tests)
		if len(checks.notes) > 0 {
			c.comments[file] = append(c.comments[file], "", fmt.Sprintf("Test script of %s, not translated (it applied to every request):", where))
			c.comments[file] = append(c.comments[file], checks.notes...)
		}
		for _, l := range checks.untranslated {
			c.warnf("%s: test script line %d not translated (kept as a comment in %s): %s", where, l.n, file, l.text)
		}
		if len(checks.setters) > 0 {
			c.warnf("%s: its test script sets variables from every response; that is not translated", where)
			checks.setters = nil
		}
	}
	if len(nonBlank(pre)) > 0 {
		c.comments[file] = append(c.comments[file], "", fmt.Sprintf("Pre-request script of %s, not translated:", where))
		for _, l := range pre {
			if strings.TrimSpace(l) != "" {
				c.comments[file] = append(c.comments[file], "pm: "+l)
			}
		}
		c.warnf("%s: pre-request script not translated (kept as a comment in %s)", where, file)
	}
	return checks
}

func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func (c *pmConverter) items(items []*pmItem, folders []string, scope *authScope, file string, inherited *scriptChecks) {
	for _, it := range items {
		if it.isFolder {
			c.folder(it, folders, scope, inherited)
			continue
		}
		if it.Request == nil {
			continue
		}
		c.request(it, folders, scope, file, inherited)
	}
}

func (c *pmConverter) folder(it *pmItem, folders []string, scope *authScope, inherited *scriptChecks) {
	path := append(append([]string(nil), folders...), it.Name)
	file := c.fileNames.take(snakeName(strings.Join(path, " "))) + ".hcl"
	where := fmt.Sprintf("folder %q", strings.Join(path, " / "))
	c.comments[file] = append(c.comments[file], fmt.Sprintf("Postman folder %q.", strings.Join(path, " / ")))
	if d := strings.TrimSpace(string(it.Description)); d != "" {
		c.comments[file] = append(c.comments[file], strings.Split(d, "\n")...)
	}
	if it.Auth != nil && it.Auth.Type != "inherit" && it.Auth.Type != "" {
		scope = &authScope{owner: strings.Join(path, " / "), label: snakeName(strings.Join(path, " ")), auth: it.Auth}
		if it.Auth.Type == "noauth" {
			scope.auth = nil
		}
	}
	c.curItem = where
	tests, pre := scriptsOf(it.Event)
	own := c.levelScripts(file, where, tests, pre)
	checks := inherited
	if own != nil {
		merged := &scriptChecks{}
		if inherited != nil {
			merged.merge(inherited)
		}
		merged.merge(own)
		checks = merged
	}
	c.items(it.Item, path, scope, file, checks)
}

// request converts one request item.
func (c *pmConverter) request(it *pmItem, folders []string, scope *authScope, file string, inherited *scriptChecks) {
	pr := it.Request
	display := strings.Join(append(append([]string(nil), folders...), it.Name), " / ")
	c.curItem = fmt.Sprintf("request %q", display)
	r := &Request{Name: c.reqNames.take(snakeName(it.Name))}
	desc := strings.TrimSpace(string(it.Description))
	if desc == "" {
		desc = strings.TrimSpace(string(pr.Description))
	}
	r.Comment = append(r.Comment, fmt.Sprintf("Postman: %s", display))
	if desc != "" {
		r.Comment = append(r.Comment, strings.Split(desc, "\n")...)
	}
	r.Method = strings.ToUpper(strings.TrimSpace(pr.Method))
	if r.Method == "" {
		r.Method = "GET"
	}

	base, reqPath, query := c.splitURL(&pr.URL)
	ep := c.endpoint(base, scope, file)
	r.Endpoint = "" // set when names are final
	r.Path = reqPath
	r.Query = query

	// Headers; an Authorization header with a bearer token becomes auth.
	hasContentType := false
	for _, h := range pr.Header {
		if h.Disabled || strings.TrimSpace(h.Key) == "" {
			continue
		}
		key := strings.TrimSpace(h.Key)
		val := string(h.Value)
		if strings.EqualFold(key, "Content-Type") {
			hasContentType = true
		}
		if strings.EqualFold(key, "Authorization") {
			if tok, ok := strings.CutPrefix(val, "Bearer "); ok {
				r.Auth = &Auth{Type: "bearer", Attrs: []Attr{{"token", c.secret(strings.TrimSpace(tok), r.Name+"_token", "bearer token")}}}
				continue
			}
		}
		if looksSecret(key) || strings.EqualFold(key, "Authorization") || strings.EqualFold(key, "Cookie") {
			r.Headers = addKV(r.Headers, key, c.secret(val, snakeName(key), "header "+key))
			continue
		}
		r.Headers = addKV(r.Headers, key, c.tmpl(val).expr())
	}

	c.body(r, pr.Body, hasContentType)

	if pr.Auth != nil && pr.Auth.Type != "" && pr.Auth.Type != "inherit" {
		if a := c.auth(pr.Auth, &authScope{owner: display, label: r.Name}, true); a != nil {
			r.Auth = a
		}
	}

	// Scripts: the folder's and collection's checks, then the request's.
	tests, pre := scriptsOf(it.Event)
	checks := &scriptChecks{}
	if inherited != nil {
		checks.merge(inherited)
	}
	if len(nonBlank(pre)) > 0 {
		r.Notes = append(r.Notes, "Postman pre-request script, not translated:")
		for _, l := range pre {
			if strings.TrimSpace(l) != "" {
				r.Notes = append(r.Notes, "pm: "+strings.TrimRight(l, " \t\r"))
			}
		}
		c.warnf("%s: pre-request script not translated (kept as a comment)", c.curItem)
	}
	if len(nonBlank(tests)) > 0 {
		tr := &scriptTranslator{ref: c.ref}
		own := tr.translate(tests)
		checks.merge(own)
		if len(own.notes) > 0 {
			if len(r.Notes) > 0 {
				r.Notes = append(r.Notes, "")
			}
			r.Notes = append(r.Notes, "Postman test script lines not translated:")
			r.Notes = append(r.Notes, own.notes...)
		}
		for _, l := range own.untranslated {
			c.warnf("%s: test script line %d not translated (kept as a comment): %s", c.curItem, l.n, l.text)
		}
	}
	if !checks.expect.empty() {
		e := checks.expect
		r.Expect = &e
	}
	r.Asserts = checks.asserts
	// Variables set from this response: later requests refer to it.
	for _, s := range checks.setters {
		c.setters[s.name] = Expr("request." + r.Name + "." + s.value)
	}

	c.files[file] = append(c.files[file], &pmRequestBlock{Request: r, ep: ep})
}

// pmRequestBlock is a request whose endpoint name is known only at the end.
type pmRequestBlock struct {
	*Request
	ep *pmEndpoint
}

// splitURL splits a Postman URL into the endpoint's base, the path and the
// query.
func (c *pmConverter) splitURL(u *pmURL) (base template, p Expr, query []KV) {
	var rawPath, rawQuery string
	var queryKVs []pmKV
	var baseText string
	if u.structured {
		host := strings.Join(u.Host, ".")
		switch {
		case u.Protocol == "" && len(u.Host) == 1 && rePMVar().FindString(host) == host && u.Port == "":
			baseText = host
		default:
			proto := u.Protocol
			if proto == "" {
				proto = "http"
			}
			baseText = proto + "://" + host
			if u.Port != "" {
				baseText += ":" + u.Port
			}
		}
		if len(u.Path) > 0 {
			rawPath = "/" + strings.Join(u.Path, "/")
		}
		queryKVs = u.Query
		if queryKVs == nil {
			if _, q, ok := strings.Cut(u.Raw, "?"); ok {
				rawQuery = q
			}
		}
	} else {
		raw := strings.TrimSpace(u.Raw)
		raw, _, _ = strings.Cut(raw, "#")
		raw, rawQuery, _ = strings.Cut(raw, "?")
		if m := rePMBaseVar().FindStringSubmatch(raw); m != nil {
			baseText, rawPath = m[1], m[2]
		} else {
			if !strings.Contains(raw, "://") {
				raw = "http://" + raw
			}
			scheme, rest, _ := strings.Cut(raw, "://")
			host, pth, found := strings.Cut(rest, "/")
			baseText = scheme + "://" + host
			if found {
				rawPath = "/" + pth
			}
		}
	}
	// Path variables (:id) take their values from url.variable.
	if len(u.Variable) > 0 && rawPath != "" {
		segs := strings.Split(rawPath, "/")
		for i, s := range segs {
			if !strings.HasPrefix(s, ":") {
				continue
			}
			for _, v := range u.Variable {
				if v.name() == s[1:] {
					segs[i] = string(v.Value)
				}
			}
		}
		rawPath = strings.Join(segs, "/")
	}
	if rawQuery != "" {
		for _, pair := range strings.Split(rawQuery, "&") {
			if pair == "" {
				continue
			}
			k, v, _ := strings.Cut(pair, "=")
			queryKVs = append(queryKVs, pmKV{Key: k, Value: pmValue(v)})
		}
	}
	for _, q := range queryKVs {
		if q.Disabled || q.Key == "" {
			continue
		}
		query = addKV(query, q.Key, c.tmpl(string(q.Value)).expr())
	}
	if rawPath != "" {
		p = c.tmpl(rawPath).expr()
	}
	return c.tmpl(baseText), p, query
}

// endpoint returns the endpoint for a base URL and an auth scope.
func (c *pmConverter) endpoint(base template, scope *authScope, file string) *pmEndpoint {
	key := string(base.expr())
	for _, e := range c.endpoints {
		if string(e.base.expr()) == key && e.scope == scope {
			return e
		}
	}
	epFile := "main.hcl"
	if scope.owner != "" {
		epFile = file
	}
	e := &pmEndpoint{ep: &Endpoint{URL: base.expr()}, base: base, scope: scope, file: epFile}
	if scope.auth != nil {
		where := "the collection"
		if scope.owner != "" {
			where = fmt.Sprintf("folder %q", scope.owner)
		}
		saved := c.curItem
		c.curItem = where
		e.ep.Auth = c.auth(scope.auth, scope, false)
		c.curItem = saved
		e.ep.Comment = []string{fmt.Sprintf("Postman: the %s auth of %s.", scope.auth.Type, where)}
	} else if scope.owner != "" {
		e.ep.Comment = []string{fmt.Sprintf("Postman: folder %q sends no auth.", scope.owner)}
	}
	c.endpoints = append(c.endpoints, e)
	return e
}

// auth converts a Postman auth definition. onRequest: noauth becomes
// auth "none" {} (on an endpoint, no block at all).
func (c *pmConverter) auth(a *pmAuth, scope *authScope, onRequest bool) *Auth {
	p := a.Params
	role := func(collectionRole, suffix string) string {
		if scope.label == "" {
			return collectionRole
		}
		return scope.label + "_" + suffix
	}
	switch a.Type {
	case "noauth":
		if onRequest {
			return &Auth{Type: "none"}
		}
		return nil
	case "bearer":
		return &Auth{Type: "bearer", Attrs: []Attr{
			{"token", c.secret(p["token"], role("bearer_token", "token"), "bearer token")},
		}}
	case "basic":
		return &Auth{Type: "basic", Attrs: []Attr{
			{"username", c.tmpl(p["username"]).expr()},
			{"password", c.secret(p["password"], role("basic_password", "password"), "basic-auth password")},
		}}
	case "apikey":
		attrs := []Attr{
			{"name", c.tmpl(orDefault(p["key"], "")).expr()},
			{"value", c.secret(p["value"], role("api_key", "api_key"), "API key")},
		}
		if p["in"] == "query" {
			attrs = append(attrs, Attr{"in", `"query"`})
		}
		return &Auth{Type: "api_key", Attrs: attrs}
	case "awsv4":
		return c.awsAuth(p, scope)
	}
	c.warnf("%s: Postman auth type %q is not translated: the requests it covers are sent without it", c.curItem, a.Type)
	return &Auth{Type: "none", Comment: []string{fmt.Sprintf("Postman auth %q is not translated: sent without auth.", a.Type)}}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// awsAuth converts awsv4: a credentials block with the keys (as
// variables, never their values) and an aws_sigv4 block.
func (c *pmConverter) awsAuth(p map[string]string, scope *authScope) *Auth {
	a := &Auth{Type: "aws_sigv4"}
	if p["accessKey"] != "" || p["secretKey"] != "" {
		key := p["accessKey"] + "\x00" + p["secretKey"] + "\x00" + p["sessionToken"]
		cred, ok := c.credByKey[key]
		if !ok {
			name := "postman"
			if len(c.credentials) > 0 && scope.label != "" {
				name = "postman_" + scope.label
			}
			cred = &Credentials{Name: c.credNames.take(name)}
			cred.AccessKeyID = c.secret(p["accessKey"], "aws_access_key_id", "AWS access key id")
			cred.SecretAccessKey = c.secret(p["secretKey"], "aws_secret_access_key", "AWS secret access key")
			if p["sessionToken"] != "" {
				cred.SessionToken = c.secret(p["sessionToken"], "aws_session_token", "AWS session token")
			}
			cred.Comment = []string{"The keys of Postman's AWS Signature auth, as variables: give them with --var or SIGRUN_VAR_name."}
			c.credentials = append(c.credentials, cred)
			c.credByKey[key] = cred
		}
		a.Attrs = append(a.Attrs, Attr{"credentials", Expr("credentials." + cred.Name)})
	} else {
		a.Comment = []string{"Postman had no keys here: the default AWS credential chain is used."}
	}
	// Postman's defaults: API Gateway in us-east-1.
	a.Attrs = append(a.Attrs,
		Attr{"service", c.tmpl(orDefault(p["service"], "execute-api")).expr()},
		Attr{"region", c.tmpl(orDefault(p["region"], "us-east-1")).expr()},
	)
	if p["addAuthDataToQuery"] == "true" {
		c.warnf("%s: Postman signed with query parameters (presigned); sigrun signs the headers instead", c.curItem)
	}
	return a
}

// contentTypes are the Content-Type headers Postman adds for raw bodies,
// by language.
var contentTypes = map[string]string{
	"text":       "text/plain",
	"json":       "application/json",
	"javascript": "application/javascript",
	"html":       "text/html",
	"xml":        "application/xml",
}

// fileTypes are the Content-Type Postman (its form-data library) gives a
// form-data file part without one, by extension: the common ones, so that
// the import does not depend on the machine's MIME table.
var fileTypes = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
	".webp": "image/webp", ".svg": "image/svg+xml", ".pdf": "application/pdf",
	".txt": "text/plain", ".csv": "text/csv", ".json": "application/json", ".xml": "application/xml",
	".html": "text/html", ".zip": "application/zip", ".gz": "application/gzip",
}

func (c *pmConverter) body(r *Request, b *pmBody, hasContentType bool) {
	if b == nil || b.Disabled {
		return
	}
	switch b.Mode {
	case "", "none":
	case "raw":
		if b.Raw == "" {
			return
		}
		lang := b.Options.Raw.Language
		if lang == "" {
			lang = "text"
		}
		if lang == "json" {
			if v, err := decodeOrderedJSON(b.Raw); err == nil {
				r.JSON = jsonExpr(v, c.tmpl)
				return
			}
			c.warnf("%s: the raw JSON body does not parse as JSON (variables outside strings?): it is sent as text", c.curItem)
		}
		r.Body = c.tmpl(b.Raw).textExpr()
		if !hasContentType {
			ct, ok := contentTypes[lang]
			if !ok {
				ct = contentTypes["text"]
			}
			r.Headers = addKV(r.Headers, "Content-Type", quote(ct))
		}
	case "urlencoded":
		for _, kv := range b.URLEncoded {
			if kv.Disabled || kv.Key == "" {
				continue
			}
			r.Form = addKV(r.Form, kv.Key, c.tmpl(string(kv.Value)).expr())
		}
	case "formdata":
		for _, kv := range b.FormData {
			if kv.Disabled || kv.Key == "" {
				continue
			}
			if kv.Type == "file" {
				if len(kv.Src) == 0 {
					c.warnf("%s: form-data file %q has no file chosen: left out", c.curItem, kv.Key)
					continue
				}
				for _, src := range kv.Src {
					part := Part{File: true, Name: kv.Key, Path: quote(c.filePath(src))}
					ct := kv.ContentType
					if ct == "" {
						ct = fileTypes[strings.ToLower(path.Ext(src))]
					}
					if ct != "" {
						part.ContentType = c.tmpl(ct).expr()
					}
					r.Multipart = append(r.Multipart, part)
				}
				continue
			}
			part := Part{Name: kv.Key, Value: c.tmpl(string(kv.Value)).expr()}
			if kv.ContentType != "" {
				part.ContentType = c.tmpl(kv.ContentType).expr()
			}
			r.Multipart = append(r.Multipart, part)
		}
	case "file":
		if b.File == nil || b.File.Src == "" {
			c.warnf("%s: binary body with no file chosen: left out", c.curItem)
			return
		}
		r.BodyFile = quote(c.filePath(b.File.Src))
	case "graphql":
		if b.GraphQL == nil {
			return
		}
		obj := &jsonObject{keys: []string{"query"}, vals: []any{b.GraphQL.Query}}
		if strings.TrimSpace(b.GraphQL.Variables) != "" {
			if v, err := decodeOrderedJSON(b.GraphQL.Variables); err == nil {
				obj.keys = append(obj.keys, "variables")
				obj.vals = append(obj.vals, v)
			} else {
				c.warnf("%s: the GraphQL variables are not JSON: left out", c.curItem)
			}
		}
		r.JSON = jsonExpr(obj, c.tmpl)
	default:
		c.warnf("%s: body mode %q is not translated", c.curItem, b.Mode)
	}
}

// filePath is a file named in the collection, as the generated collection
// must name it: relative to the output folder when there is one.
func (c *pmConverter) filePath(src string) string {
	p := filepath.FromSlash(src)
	if !filepath.IsAbs(p) && c.opts.WorkingDir != "" {
		p = filepath.Join(c.opts.WorkingDir, p)
	}
	if _, err := os.Stat(p); err != nil {
		c.warnf("%s: the file %s is not there: the collection will not validate until it is", c.curItem, p)
	}
	return relativeTo(c.opts.OutDir, p)
}

// relativeTo writes p relative to dir when dir is set, with slashes.
func relativeTo(dir, p string) string {
	if dir == "" {
		return filepath.ToSlash(p)
	}
	absDir, err1 := filepath.Abs(dir)
	absP, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(absDir, absP)
	if err != nil {
		return filepath.ToSlash(absP)
	}
	return filepath.ToSlash(rel)
}

// result names the endpoints, lays the blocks out in files and lists the
// variables the user must give.
func (c *pmConverter) result() *Result {
	// Endpoint names: "api" for a single base URL; otherwise from the base
	// (its variable, or its host), plus the folder whose auth it carries.
	bases := map[string]bool{}
	for _, e := range c.endpoints {
		bases[string(e.base.expr())] = true
	}
	epNames := newNamer()
	for _, e := range c.endpoints {
		name := "api"
		if len(bases) > 1 {
			name = baseName(e.base)
		}
		if e.scope.owner != "" {
			name += "_" + e.scope.label
		}
		e.ep.Name = epNames.take(name)
	}

	res := &Result{Collection: c.coll, Warnings: c.warnings}
	main := c.coll.File("main.hcl")
	main.Comment = c.comments["main.hcl"]
	for _, pv := range c.varOrder {
		v := pv.v
		if pv.secret || looksSecret(pv.pmName) {
			v.Sensitive = true
		} else if pv.value != nil {
			val := *pv.value
			v.Default = &val
		}
		v.Description = pv.description
		if v.Description == "" && !strings.HasPrefix(pv.pmName, "\x00") {
			v.Description = fmt.Sprintf("Postman variable {{%s}}", pv.pmName)
		}
		main.Blocks = append(main.Blocks, v)
		if v.Default == nil {
			res.Required = append(res.Required, v)
		}
	}
	for _, cr := range c.credentials {
		main.Blocks = append(main.Blocks, cr)
	}
	for _, e := range c.endpoints {
		if e.file == "main.hcl" {
			main.Blocks = append(main.Blocks, e.ep)
		}
	}
	for _, b := range c.files["main.hcl"] {
		main.Blocks = append(main.Blocks, b)
	}
	for _, name := range sortedKeys(c.comments) {
		if name == "main.hcl" {
			continue
		}
		f := c.coll.File(name)
		f.Comment = c.comments[name]
		for _, e := range c.endpoints {
			if e.file == name {
				f.Blocks = append(f.Blocks, e.ep)
			}
		}
		f.Blocks = append(f.Blocks, c.files[name]...)
		if len(f.Blocks) == 0 {
			// A folder with nothing in it: no file.
			c.coll.Files = c.coll.Files[:len(c.coll.Files)-1]
		}
	}
	for _, blocks := range c.files {
		for _, b := range blocks {
			if rb, ok := b.(*pmRequestBlock); ok {
				rb.Endpoint = rb.ep.ep.Name
			}
		}
	}
	return res
}

// baseName names an endpoint after its base URL: the variable it is, or
// the first label of its host.
func baseName(base template) string {
	if len(base) == 1 && base[0].expr != "" {
		name := strings.TrimPrefix(string(base[0].expr), "var.")
		for _, suffix := range []string{"_base_url", "_url", "_uri", "_endpoint", "_host"} {
			if s, ok := strings.CutSuffix(name, suffix); ok && s != "" {
				return s
			}
		}
		return snakeName(name)
	}
	var b strings.Builder
	for _, p := range base {
		if p.expr != "" {
			b.WriteString(strings.TrimPrefix(string(p.expr), "var."))
		} else {
			b.WriteString(p.lit)
		}
	}
	text := b.String()
	if _, rest, ok := strings.Cut(text, "://"); ok {
		text = rest
	}
	host, _, _ := strings.Cut(text, ":")
	label, _, _ := strings.Cut(host, ".")
	if label == "" || strings.Trim(label, "0123456789") == "" {
		return "api"
	}
	return snakeName(label)
}
