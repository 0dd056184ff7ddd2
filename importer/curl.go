package importer

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sigrun-dev/sigrun/signer"
)

// CurlOptions configure ImportCurl.
type CurlOptions struct {
	// Name is the request's name; empty: one is made from the method and
	// the path.
	Name string
	// WorkingDir is the folder relative file paths in the command (-d @file,
	// -F file=@path) are relative to: where the command would have run.
	WorkingDir string
	// OutDir is the collection folder the request is written to: file
	// paths are written relative to it. Empty: as they are.
	OutDir string
	// Taken lists the names already declared in the collection the request
	// joins, by block type ("variable", "credentials", "endpoint",
	// "request"). A variable of a taken name is used, not declared again;
	// other blocks get another name.
	Taken map[string][]string
}

// ImportCurl converts a curl or awscurl command line into a request with
// the endpoint, credentials and variables it needs. args is either the
// whole command as one string (split as a shell would) or the words of the
// command, already split.
func ImportCurl(args []string, opts CurlOptions) (*Result, error) {
	var words []Word
	cc := &curlConv{opts: opts, envTokens: map[string]string{}, vars: map[string]*Variable{}}
	switch len(args) {
	case 0:
		return nil, fmt.Errorf("no command given: import curl 'curl https://…'")
	case 1:
		ws, rest, err := SplitShell(args[0])
		if err != nil {
			return nil, fmt.Errorf("cannot read the command: %w", err)
		}
		if rest != "" {
			cc.warnf("the command line stops at %q: what follows is ignored", firstLine(rest))
		}
		words = ws
	default:
		for _, a := range args {
			words = append(words, Word{{Text: a}})
		}
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("the command is empty")
	}
	if err := cc.parse(words); err != nil {
		return nil, err
	}
	return cc.build()
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	if len(l) > 60 {
		l = l[:60] + "…"
	}
	return l
}

type dataPiece struct {
	kind  string // data (-d), raw (--data-raw), binary (--data-binary), urlencode, json
	value string // with environment tokens
}

type formPiece struct {
	name, value string
	literal     bool // --form-string
}

type curlConv struct {
	opts     CurlOptions
	program  string // curl or awscurl
	warnings []string

	// envTokens maps the tokens that stand for $NAME in the text to NAME.
	envTokens map[string]string
	envCount  int

	method   string
	urls     []string
	headers  [][2]string
	data     []dataPiece
	forms    []formPiece
	user     *string
	sigv4    *string
	get      bool
	head     bool
	insecure bool
	maxTime  string

	awsService, awsRegion, awsProfile  string
	accessKey, secretKey, sessionToken string
	awscurl                            bool

	// Output.
	vars     map[string]*Variable
	varOrder []*Variable
	required []*Variable
}

func (c *curlConv) warnf(format string, args ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
}

// text is a word as a string, with each $NAME replaced by a token that
// survives URL parsing.
func (c *curlConv) text(w Word) string {
	var b strings.Builder
	for _, p := range w {
		if p.Env == "" {
			b.WriteString(p.Text)
			continue
		}
		tok := fmt.Sprintf("SIGRUNENV%dEND", c.envCount)
		c.envCount++
		c.envTokens[tok] = p.Env
		b.WriteString(tok)
	}
	return b.String()
}

var reEnvToken = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`SIGRUNENV\d+END`) })

// Options that take a value, by program. curl's short options may have
// the value attached (-XPOST).
var curlValueOpts = map[string]bool{
	"-X": true, "--request": true, "-H": true, "--header": true, "-d": true, "--data": true,
	"--data-raw": true, "--data-binary": true, "--data-ascii": true, "--data-urlencode": true,
	"--json": true, "-u": true, "--user": true, "--url": true, "-F": true, "--form": true,
	"--form-string": true, "-A": true, "--user-agent": true, "-e": true, "--referer": true,
	"-b": true, "--cookie": true, "-m": true, "--max-time": true, "--aws-sigv4": true,
	"-o": true, "--output": true, "-w": true, "--write-out": true, "--connect-timeout": true,
	"--retry": true, "--retry-delay": true, "--retry-max-time": true, "-x": true, "--proxy": true,
	"-c": true, "--cookie-jar": true, "-D": true, "--dump-header": true, "--cacert": true,
	"--cert": true, "-E": true, "--key": true, "--resolve": true, "--connect-to": true,
	"-T": true, "--upload-file": true, "-r": true, "--range": true, "--limit-rate": true,
	"--max-redirs": true, "--stderr": true, "--trace": true, "--trace-ascii": true,
	"-K": true, "--config": true, "--oauth2-bearer": true, "--service": true, "--region": true,
	"--profile": true, "--access_key": true, "--secret_key": true, "--security_token": true,
	"--session_token": true, "--interface": true, "--unix-socket": true,
}

// Options that change nothing sigrun sends: output, progress, protocol
// details sigrun decides itself.
var curlQuietOpts = map[string]bool{
	"-s": true, "--silent": true, "-S": true, "--show-error": true, "-v": true, "--verbose": true,
	"-i": true, "--include": true, "-L": true, "--location": true, "-o": true, "--output": true,
	"-O": true, "--remote-name": true, "-w": true, "--write-out": true, "-f": true, "--fail": true,
	"--fail-with-body": true, "-#": true, "--progress-bar": true, "-N": true, "--no-buffer": true,
	"--http1.1": true, "--http2": true, "--http1.0": true, "-g": true, "--globoff": true,
	"--connect-timeout": true, "--retry": true, "--retry-delay": true, "--retry-max-time": true,
	"-4": true, "-6": true, "--compressed": true, "--path-as-is": true, "-D": true, "--dump-header": true,
	"--stderr": true, "--max-redirs": true, "-q": true, "--disable": true, "--no-progress-meter": true,
}

// shortBool are curl's one-letter options without a value, which may be
// grouped (-sSL).
const shortBool = "sSvikLOfgGIN#46q0Z"

func (c *curlConv) parse(words []Word) error {
	first := words[0].String()
	switch path.Base(first) {
	case "curl", "curl.exe":
		c.program = "curl"
		words = words[1:]
	case "awscurl":
		c.program = "awscurl"
		c.awscurl = true
		words = words[1:]
	default:
		c.program = "curl"
	}
	for i := 0; i < len(words); i++ {
		raw := words[i]
		arg := raw.String()
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			c.urls = append(c.urls, c.text(raw))
			continue
		}
		if arg == "--" {
			for _, w := range words[i+1:] {
				c.urls = append(c.urls, c.text(w))
			}
			break
		}
		name := arg
		var value *Word
		// --name=value (awscurl's argparse accepts it; harmless for curl).
		if strings.HasPrefix(arg, "--") {
			if k, _, ok := strings.Cut(arg, "="); ok && curlValueOpts[k] {
				name = k
				v := trimWordPrefix(raw, len(k)+1)
				value = &v
			}
		} else if len(arg) > 2 {
			// Grouped short options: -sSL, -XPOST, -sXPOST.
			j := 1
			for j < len(arg) && strings.IndexByte(shortBool, arg[j]) >= 0 {
				if err := c.flag("-"+string(arg[j]), nil); err != nil {
					return err
				}
				j++
			}
			if j == len(arg) {
				continue
			}
			name = "-" + string(arg[j])
			if j+1 < len(arg) {
				v := trimWordPrefix(raw, j+1)
				value = &v
			}
		}
		takes := curlValueOpts[name]
		if c.awscurl && name == "--data-binary" {
			takes = false // awscurl: a flag that means "the data is binary"
		}
		if takes && value == nil {
			if i+1 >= len(words) {
				return fmt.Errorf("option %s needs a value", name)
			}
			i++
			v := words[i]
			value = &v
		}
		if !takes && value != nil {
			return fmt.Errorf("option %s takes no value", name)
		}
		if err := c.flag(name, value); err != nil {
			return err
		}
	}
	return nil
}

// trimWordPrefix drops the first n bytes of the word's text.
func trimWordPrefix(w Word, n int) Word {
	var out Word
	for _, p := range w {
		if n == 0 {
			out = append(out, p)
			continue
		}
		if p.Env != "" {
			n -= len(p.Env) + 1
			if n < 0 {
				n = 0
			}
			continue
		}
		if len(p.Text) <= n {
			n -= len(p.Text)
			continue
		}
		out = append(out, WordPart{Text: p.Text[n:]})
		n = 0
	}
	return out
}

func (c *curlConv) flag(name string, w *Word) error {
	v := ""
	if w != nil {
		v = c.text(*w)
	}
	switch name {
	case "-X", "--request":
		c.method = strings.ToUpper(v)
	case "-H", "--header":
		k, val, ok := strings.Cut(v, ":")
		if !ok {
			if k2, ok2 := strings.CutSuffix(v, ";"); ok2 {
				c.headers = append(c.headers, [2]string{strings.TrimSpace(k2), ""})
				return nil
			}
			c.warnf("header %q has no colon: ignored", v)
			return nil
		}
		val = strings.TrimSpace(val)
		if val == "" {
			return nil // curl: "Name:" removes a header curl would add
		}
		c.headers = append(c.headers, [2]string{strings.TrimSpace(k), val})
	case "-d", "--data", "--data-ascii":
		if c.awscurl {
			c.data = append(c.data, dataPiece{kind: "binary", value: v})
		} else {
			c.data = append(c.data, dataPiece{kind: "data", value: v})
		}
	case "--data-raw":
		c.data = append(c.data, dataPiece{kind: "raw", value: v})
	case "--data-binary":
		if !c.awscurl {
			c.data = append(c.data, dataPiece{kind: "binary", value: v})
		}
	case "--data-urlencode":
		c.data = append(c.data, dataPiece{kind: "urlencode", value: v})
	case "--json":
		c.data = append(c.data, dataPiece{kind: "json", value: v})
	case "-F", "--form":
		k, val, _ := strings.Cut(v, "=")
		c.forms = append(c.forms, formPiece{name: k, value: val})
	case "--form-string":
		k, val, _ := strings.Cut(v, "=")
		c.forms = append(c.forms, formPiece{name: k, value: val, literal: true})
	case "-u", "--user":
		c.user = &v
	case "--aws-sigv4":
		c.sigv4 = &v
	case "--oauth2-bearer":
		c.headers = append(c.headers, [2]string{"Authorization", "Bearer " + v})
	case "--url":
		c.urls = append(c.urls, v)
	case "-G", "--get":
		c.get = true
	case "-I", "--head":
		c.head = true
	case "-k", "--insecure":
		c.insecure = true
	case "-A", "--user-agent":
		c.headers = append(c.headers, [2]string{"User-Agent", v})
	case "-e", "--referer":
		c.headers = append(c.headers, [2]string{"Referer", v})
	case "-b", "--cookie":
		if strings.Contains(v, "=") {
			c.headers = append(c.headers, [2]string{"Cookie", v})
		} else {
			c.warnf("--cookie %s reads a cookie file: not translated", v)
		}
	case "-m", "--max-time":
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
			c.maxTime = strconv.FormatFloat(f, 'f', -1, 64) + "s"
		}
	case "--service":
		c.awsService = v
	case "--region":
		c.awsRegion = v
	case "--profile":
		c.awsProfile = v
	case "--access_key":
		c.accessKey = v
	case "--secret_key":
		c.secretKey = v
	case "--security_token", "--session_token":
		c.sessionToken = v
	case "-T", "--upload-file":
		c.data = append(c.data, dataPiece{kind: "binary", value: "@" + v})
		if c.method == "" {
			c.method = "PUT"
		}
	default:
		if curlQuietOpts[name] {
			return nil
		}
		if w != nil {
			c.warnf("option %s %s is not translated: ignored", name, (*w).String())
		} else {
			c.warnf("option %s is not translated: ignored", name)
		}
	}
	return nil
}

// tmpl turns text with environment tokens into a template whose
// references are variables.
func (c *curlConv) tmpl(s string) template {
	var t template
	last := 0
	for _, m := range reEnvToken().FindAllStringIndex(s, -1) {
		if m[0] > last {
			t = append(t, tmplPart{lit: s[last:m[0]]})
		}
		t = append(t, tmplPart{expr: Expr("var." + c.envVar(c.envTokens[s[m[0]:m[1]]], false).Name)})
		last = m[1]
	}
	if last < len(s) || len(t) == 0 {
		t = append(t, tmplPart{lit: s[last:]})
	}
	return t
}

// envVar is the variable standing for the environment variable NAME: its
// name in lower snake case, given with --var or SIGRUN_VAR_name.
func (c *curlConv) envVar(env string, secret bool) *Variable {
	key := "$" + env
	v, ok := c.vars[key]
	if !ok {
		v = c.declare(key, snakeName(env), fmt.Sprintf("$%s in the imported command", env))
	}
	if secret || looksSecret(env) {
		v.Sensitive = true
	}
	return v
}

// declare declares a variable without a default (or reuses one the
// collection has).
func (c *curlConv) declare(key, name, desc string) *Variable {
	if v, ok := c.vars[key]; ok {
		return v
	}
	v := &Variable{Name: name, Description: desc}
	for _, taken := range c.opts.Taken["variable"] {
		if taken == name {
			// The collection has it: use it.
			c.vars[key] = v
			return v
		}
	}
	for _, other := range c.varOrder {
		if other.Name == name {
			v.Name = name + "_" + strconv.Itoa(len(c.varOrder)+1)
		}
	}
	c.vars[key] = v
	c.varOrder = append(c.varOrder, v)
	return v
}

// secret is a secret value: a reference to the variable holding it. A
// literal secret is never written: it becomes a variable named role.
func (c *curlConv) secret(s, role, what string) Expr {
	t := c.tmpl(s)
	if len(t) == 1 && t[0].expr != "" {
		for _, tok := range reEnvToken().FindAllString(s, -1) {
			c.envVar(c.envTokens[tok], true)
		}
		return t[0].expr
	}
	if !t.isLiteral() {
		for _, tok := range reEnvToken().FindAllString(s, -1) {
			c.envVar(c.envTokens[tok], true)
		}
		return t.expr()
	}
	v := c.declare("secret:"+role, role, fmt.Sprintf("The %s (the command had it written out; it is not copied here)", what))
	v.Sensitive = true
	c.warnf("the literal %s was not written into the collection: give it with --var %s=... or SIGRUN_VAR_%s", what, v.Name, v.Name)
	return Expr("var." + v.Name)
}

// isEnvRef reports whether s is exactly $NAME.
func (c *curlConv) isEnvRef(s, name string) bool {
	return reEnvToken().FindString(s) == s && c.envTokens[s] == name
}

func (c *curlConv) build() (*Result, error) {
	if len(c.urls) == 0 {
		return nil, fmt.Errorf("the command has no URL")
	}
	if len(c.urls) > 1 {
		c.warnf("the command has %d URLs: only the first, %s, is imported", len(c.urls), c.urls[0])
	}
	raw := c.urls[0]
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %s: %w", c.urls[0], err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("the URL %s is not http or https", c.urls[0])
	}

	req := &Request{}
	ep := &Endpoint{URL: c.tmpl(u.Scheme + "://" + u.Host).expr()}
	if p := u.EscapedPath(); p != "" && p != "/" {
		req.Path = c.tmpl(unescapePathKeepSlash(u.EscapedPath())).expr()
	}
	var query []KV
	addQuery := func(rawQuery string) {
		for _, pair := range strings.Split(rawQuery, "&") {
			if pair == "" {
				continue
			}
			k, v, _ := strings.Cut(pair, "=")
			uk, err1 := url.QueryUnescape(k)
			uv, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil {
				uk, uv = k, v
			}
			query = addKV(query, uk, c.tmpl(uv).expr())
		}
	}
	addQuery(u.RawQuery)

	// Method.
	method := c.method
	switch {
	case method != "":
	case c.head:
		method = "HEAD"
	case c.get:
		method = "GET"
	case len(c.data) > 0 || len(c.forms) > 0:
		method = "POST"
	default:
		method = "GET"
	}
	req.Method = method

	// Headers and what they say about auth.
	var headers []KV
	contentType := ""
	var bearer, sessionHeader string
	for _, h := range c.headers {
		k, v := h[0], h[1]
		lk := strings.ToLower(k)
		switch {
		case lk == "content-type":
			contentType = v
		case lk == "authorization" && strings.HasPrefix(v, "Bearer "):
			bearer = strings.TrimSpace(strings.TrimPrefix(v, "Bearer "))
			continue
		case lk == "authorization" && strings.HasPrefix(v, "Basic "):
			if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v[len("Basic "):])); err == nil && c.user == nil {
				s := string(dec)
				c.user = &s
				continue
			}
		case lk == "authorization" && strings.HasPrefix(v, "AWS4-"):
			c.warnf("the command carries a captured SigV4 signature (Authorization: AWS4-…): dropped, sigrun signs each request itself; add credentials and an aws_sigv4 auth block")
			continue
		case lk == "x-amz-date" || lk == "x-amz-content-sha256":
			continue // part of a signature; sigrun makes its own
		case lk == "x-amz-security-token":
			sessionHeader = v
			continue
		}
		if looksSecret(k) || lk == "authorization" || lk == "cookie" {
			headers = addKV(headers, k, c.secret(v, snakeName(k), "header "+k))
			continue
		}
		headers = addKV(headers, k, c.tmpl(v).expr())
	}

	// Body.
	if err := c.body(req, &headers, contentType, addQuery); err != nil {
		return nil, err
	}
	req.Headers = headers
	req.Query = query
	if c.maxTime != "" {
		req.Timeout = quote(c.maxTime)
	}

	// Auth.
	var creds *Credentials
	switch {
	case c.awscurl || c.sigv4 != nil:
		creds = c.awsAuth(ep, u.Hostname(), sessionHeader)
	case bearer != "":
		ep.Auth = &Auth{Type: "bearer", Attrs: []Attr{{"token", c.secret(bearer, "bearer_token", "bearer token")}}}
	case c.user != nil:
		user, pass, hasPass := strings.Cut(*c.user, ":")
		if !hasPass {
			c.warnf("-u %s gives no password (curl would ask for it): give it with --var basic_password=...", user)
		}
		ep.Auth = &Auth{Type: "basic", Attrs: []Attr{
			{"username", c.tmpl(user).expr()},
			{"password", c.secret(pass, "basic_password", "basic-auth password")},
		}}
	}
	if sessionHeader != "" && creds == nil && !c.awscurl && c.sigv4 == nil {
		headers = addKV(headers, "X-Amz-Security-Token", c.secret(sessionHeader, "aws_session_token", "session token"))
		req.Headers = headers
	}
	if c.insecure {
		ep.Notes = append(ep.Notes,
			"The command had -k (--insecure): sigrun checks TLS certificates.",
			"TLS settings belong in this endpoint's tls block.")
		c.warnf("-k (--insecure) is not translated: sigrun verifies TLS certificates (TLS settings are an endpoint's tls block)")
	}

	// Names.
	taken := func(kind string) *namer { return newNamer(c.opts.Taken[kind]...) }
	ep.Name = taken("endpoint").take(hostName(u.Hostname()))
	req.Endpoint = ep.Name
	name := c.opts.Name
	if name == "" {
		name = requestName(method, u.Path)
	} else {
		name = snakeName(name)
	}
	req.Name = taken("request").take(name)
	if creds != nil {
		creds.Name = taken("credentials").take(creds.Name)
		for i, a := range ep.Auth.Attrs {
			if a.Name == "credentials" {
				ep.Auth.Attrs[i].Value = Expr("credentials." + creds.Name)
			}
		}
	}
	req.Comment = []string{"Imported from: " + oneLine(c.commandText())}

	coll := &Collection{}
	f := coll.File(req.Name + ".hcl")
	res := &Result{Collection: coll, Warnings: c.warnings}
	for _, v := range c.varOrder {
		f.Blocks = append(f.Blocks, v)
		if v.Default == nil {
			res.Required = append(res.Required, v)
		}
	}
	if creds != nil {
		f.Blocks = append(f.Blocks, creds)
	}
	f.Blocks = append(f.Blocks, ep, req)
	res.Warnings = c.warnings
	return res, nil
}

// commandText is the command as read, for the comment above the request,
// with environment references shown as $NAME and long data cut.
func (c *curlConv) commandText() string {
	s := c.program
	if len(c.urls) > 0 {
		s += " " + c.urls[0]
	}
	s = reEnvToken().ReplaceAllStringFunc(s, func(tok string) string { return "$" + c.envTokens[tok] })
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return s
}

// unescapePathKeepSlash decodes a path's percent-escapes except %2F, which
// must stay escaped to mean a slash inside a segment.
func unescapePathKeepSlash(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		s = strings.ReplaceAll(s, "%2F", "%252F")
		s = strings.ReplaceAll(s, "%2f", "%252f")
		if u, err := url.PathUnescape(s); err == nil {
			segs[i] = u
		}
	}
	return strings.Join(segs, "/")
}

// hostName names an endpoint after its host's first label.
func hostName(host string) string {
	if reEnvToken().MatchString(host) {
		return "api"
	}
	label, _, _ := strings.Cut(host, ".")
	if label == "" || strings.Trim(label, "0123456789") == "" || label == "localhost" {
		return "api"
	}
	return snakeName(label)
}

// requestName is METHOD_lastsegment: get_items, post_orders.
func requestName(method, p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	last := ""
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if s != "" && !reEnvToken().MatchString(s) && strings.Trim(s, "0123456789-") != "" {
			last = s
			break
		}
	}
	if last == "" {
		last = "root"
	}
	return snakeName(strings.ToLower(method) + "_" + last)
}

// body translates -d, --data-*, --json and -F.
func (c *curlConv) body(req *Request, headers *[]KV, contentType string, addQuery func(string)) error {
	if len(c.forms) > 0 {
		if len(c.data) > 0 {
			return fmt.Errorf("the command has both -F (multipart) and -d data: curl refuses that too")
		}
		for _, f := range c.forms {
			req.Multipart = append(req.Multipart, c.formPart(f))
		}
		return nil
	}
	if len(c.data) == 0 {
		return nil
	}
	if c.get {
		var parts []string
		for _, d := range c.data {
			parts = append(parts, c.encodePiece(d))
		}
		addQuery(strings.Join(parts, "&"))
		return nil
	}
	// One file: body_file.
	if len(c.data) == 1 && (c.data[0].kind == "binary" || c.data[0].kind == "data" || c.data[0].kind == "json") && strings.HasPrefix(c.data[0].value, "@") {
		file := c.data[0].value[1:]
		if file == "-" {
			return fmt.Errorf("-d @- reads the body from standard input: save it to a file and use @FILE")
		}
		if c.data[0].kind == "data" {
			c.warnf("-d @%s: curl strips newlines from the file; sigrun sends it as it is (as --data-binary)", file)
		}
		req.BodyFile = quote(relativeTo(c.opts.OutDir, c.localPath(file)))
		c.setDefaultType(headers, contentType, c.data[0].kind)
		return nil
	}
	var parts []string
	for _, d := range c.data {
		if strings.HasPrefix(d.value, "@") && d.kind != "raw" && d.kind != "urlencode" {
			return fmt.Errorf("several data options with a file (%s): join them into one file and use --data-binary @FILE", d.value)
		}
		parts = append(parts, c.encodePiece(d))
	}
	joined := strings.Join(parts, "&")
	isJSON := c.data[0].kind == "json" || strings.Contains(strings.ToLower(contentType), "json")
	if isJSON {
		probe := reEnvToken().ReplaceAllString(joined, "x")
		if _, err := decodeOrderedJSON(probe); err == nil {
			v, _ := decodeOrderedJSON(joined)
			req.JSON = jsonExpr(v, c.tmpl)
			if strings.EqualFold(strings.TrimSpace(contentType), "application/json") {
				// What json sets anyway.
				*headers = removeKV(*headers, "Content-Type")
			}
			if c.data[0].kind == "json" && contentType == "" {
				// --json also sets Accept.
				if !hasKV(*headers, "Accept") {
					*headers = addKV(*headers, "Accept", quote("application/json"))
				}
			}
			return nil
		}
		req.Body = c.tmpl(joined).textExpr()
		c.setDefaultType(headers, contentType, c.data[0].kind)
		return nil
	}
	if contentType == "" || strings.EqualFold(contentType, "application/x-www-form-urlencoded") {
		if form, ok := c.asForm(joined); ok {
			req.Form = form
			if contentType != "" {
				// The header is what form sets anyway.
				*headers = removeKV(*headers, "Content-Type")
			}
			return nil
		}
	}
	req.Body = c.tmpl(joined).textExpr()
	c.setDefaultType(headers, contentType, c.data[0].kind)
	return nil
}

// setDefaultType adds the Content-Type curl sends with data when the
// command gave none.
func (c *curlConv) setDefaultType(headers *[]KV, contentType, kind string) {
	if contentType != "" {
		return
	}
	if kind == "json" {
		*headers = addKV(*headers, "Content-Type", quote("application/json"))
		if !hasKV(*headers, "Accept") {
			*headers = addKV(*headers, "Accept", quote("application/json"))
		}
		return
	}
	if c.awscurl {
		return // awscurl sends no Content-Type of its own
	}
	*headers = addKV(*headers, "Content-Type", quote("application/x-www-form-urlencoded"))
}

func hasKV(kvs []KV, key string) bool {
	for _, kv := range kvs {
		if strings.EqualFold(kv.Key, key) {
			return true
		}
	}
	return false
}

func removeKV(kvs []KV, key string) []KV {
	var out []KV
	for _, kv := range kvs {
		if !strings.EqualFold(kv.Key, key) {
			out = append(out, kv)
		}
	}
	return out
}

// encodePiece is a data option as curl sends it.
func (c *curlConv) encodePiece(d dataPiece) string {
	if d.kind != "urlencode" {
		return d.value
	}
	// --data-urlencode: "content", "=content", "name=content".
	name, content, hasEq := strings.Cut(d.value, "=")
	if !hasEq {
		return url.QueryEscape(d.value)
	}
	enc := c.escapeKeepTokens(content)
	if name == "" {
		return enc
	}
	return name + "=" + enc
}

// escapeKeepTokens form-encodes s, leaving environment tokens as they are.
func (c *curlConv) escapeKeepTokens(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range reEnvToken().FindAllStringIndex(s, -1) {
		b.WriteString(url.QueryEscape(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(url.QueryEscape(s[last:]))
	return b.String()
}

// asForm reads data as name=value pairs when it is already encoded as a
// form would be, so that `form` sends the same pairs.
func (c *curlConv) asForm(data string) ([]KV, bool) {
	var form []KV
	for _, pair := range strings.Split(data, "&") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" {
			return nil, false
		}
		uk, err1 := url.QueryUnescape(k)
		uv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		// Only canonical encodings: anything else is sent as written.
		if c.escapeKeepTokens(uk) != k || c.escapeKeepTokens(uv) != v {
			return nil, false
		}
		form = addKV(form, uk, c.tmpl(uv).expr())
	}
	return form, len(form) > 0
}

// formPart translates -F name=value, name=@file;type=…;filename=…, or
// name=<file.
func (c *curlConv) formPart(f formPiece) Part {
	if f.literal {
		return Part{Name: f.name, Value: c.tmpl(f.value).expr()}
	}
	val := f.value
	// Options after ';' (type=, filename=) apply to files and values.
	var ctype, filename string
	if i := strings.Index(val, ";"); i >= 0 && (strings.HasPrefix(val, "@") || strings.HasPrefix(val, "<") || strings.Contains(val[i:], "type=")) {
		opts := val[i+1:]
		val = val[:i]
		for _, o := range strings.Split(opts, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(o), "=")
			switch k {
			case "type":
				ctype = strings.Trim(v, `"`)
			case "filename":
				filename = strings.Trim(v, `"`)
			}
		}
	}
	switch {
	case strings.HasPrefix(val, "@"):
		p := Part{File: true, Name: f.name, Path: quote(relativeTo(c.opts.OutDir, c.localPath(val[1:])))}
		if ctype == "" {
			ctype = fileTypes[strings.ToLower(path.Ext(val))]
		}
		if ctype != "" {
			p.ContentType = quote(ctype)
		}
		if filename != "" {
			p.Filename = quote(filename)
		}
		return p
	case strings.HasPrefix(val, "<"):
		p := Part{Name: f.name, Value: Expr(fmt.Sprintf("file(%s)", quote(relativeTo(c.opts.OutDir, c.localPath(val[1:])))))}
		if ctype != "" {
			p.ContentType = quote(ctype)
		}
		return p
	}
	p := Part{Name: f.name, Value: c.tmpl(val).expr()}
	if ctype != "" {
		p.ContentType = quote(ctype)
	}
	return p
}

func (c *curlConv) localPath(p string) string {
	p = reEnvToken().ReplaceAllStringFunc(p, func(tok string) string { return "$" + c.envTokens[tok] })
	if !filepath.IsAbs(p) && c.opts.WorkingDir != "" {
		return filepath.Join(c.opts.WorkingDir, p)
	}
	return p
}

// awsAuth builds the aws_sigv4 auth of awscurl or curl --aws-sigv4, and
// the credentials it needs (nil: the default chain).
func (c *curlConv) awsAuth(ep *Endpoint, host, sessionHeader string) *Credentials {
	a := &Auth{Type: "aws_sigv4"}
	ep.Auth = a
	service, region := c.awsService, c.awsRegion
	if c.sigv4 != nil {
		// --aws-sigv4 "provider1[:provider2[:region[:service]]]"
		parts := strings.Split(*c.sigv4, ":")
		if len(parts) > 2 {
			region = parts[2]
		}
		if len(parts) > 3 {
			service = parts[3]
		}
		if parts[0] != "aws" && parts[0] != "" {
			c.warnf("--aws-sigv4 %s: provider %q is signed as aws", *c.sigv4, parts[0])
		}
	}
	if service == "" || region == "" {
		if _, err := signer.InferParams(host); err != nil && !reEnvToken().MatchString(host) {
			// Not an AWS host name: awscurl's defaults.
			if service == "" {
				service = "execute-api"
			}
			if region == "" {
				region = "us-east-1"
			}
			c.warnf("%s is not an AWS host name: signing for service %q in region %q (set them in the aws_sigv4 block if that is wrong)", host, service, region)
		}
	}

	var key, secretKey, token string
	switch {
	case c.sigv4 != nil && c.user != nil:
		key, secretKey, _ = strings.Cut(*c.user, ":")
		token = sessionHeader
	case c.awscurl:
		key, secretKey, token = c.accessKey, c.secretKey, c.sessionToken
		if token == "" {
			token = sessionHeader
		}
	}
	var creds *Credentials
	switch {
	case c.awsProfile != "" && key == "":
		creds = &Credentials{Name: snakeName(c.awsProfile), Profile: c.tmpl(c.awsProfile).expr()}
	case key == "" && secretKey == "":
		a.Comment = []string{"Credentials: the default AWS chain (environment, shared config, SSO, IMDS…), as the command used."}
	case c.isEnvRef(key, "AWS_ACCESS_KEY_ID") && c.isEnvRef(secretKey, "AWS_SECRET_ACCESS_KEY") &&
		(token == "" || c.isEnvRef(token, "AWS_SESSION_TOKEN")):
		// The standard environment variables: the default chain reads them.
		a.Comment = []string{"Credentials: the default AWS chain, which reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
			"and AWS_SESSION_TOKEN from the environment as the command did."}
	default:
		creds = &Credentials{Name: "curl"}
		creds.AccessKeyID = c.secret(key, "aws_access_key_id", "AWS access key id")
		creds.SecretAccessKey = c.secret(secretKey, "aws_secret_access_key", "AWS secret access key")
		if token != "" {
			creds.SessionToken = c.secret(token, "aws_session_token", "AWS session token")
		}
	}
	if creds != nil {
		a.Attrs = append(a.Attrs, Attr{"credentials", Expr("credentials." + creds.Name)})
	}
	if service != "" {
		a.Attrs = append(a.Attrs, Attr{"service", c.tmpl(service).expr()})
	}
	if region != "" {
		a.Attrs = append(a.Attrs, Attr{"region", c.tmpl(region).expr()})
	}
	return creds
}
