package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Translation of Postman test scripts. Postman tests are JavaScript; sigrun
// checks are declarative. The patterns below (the ones Postman's snippets
// write and most collections use) are recognised line by line, each line
// on its own; everything else is kept as a "# pm:" comment and reported.

// scriptChecks is what a test script translates to.
type scriptChecks struct {
	expect  Expect
	asserts []Assert
	// setters are variables the script sets from the response, in order.
	setters []setter
	// notes are the lines kept as comments; untranslated the subset that
	// is code (and deserves a warning), with their line numbers.
	notes        []string
	untranslated []scriptLine
}

type scriptLine struct {
	n    int // 1-based
	text string
}

// setter is `pm.environment.set("name", <response value>)`: value is an
// expression rooted at "response", e.g. response.json.id.
type setter struct {
	name  string
	value string
}

// scriptTranslator holds what a script needs from the importer: how to
// refer to a Postman variable.
type scriptTranslator struct {
	ref func(name string) Expr
}

var (
	reTestOpen = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^pm\.test\(\s*(` + jsString + `)\s*,\s*(?:async\s+)?(?:function\s*\(\s*\w*\s*\)|\(\s*\)\s*=>)\s*\{\s*$`)
	})
	reTestOneLine = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^pm\.test\(\s*(` + jsString + `)\s*,\s*(?:async\s+)?(?:function\s*\(\s*\w*\s*\)|\(\s*\)\s*=>)\s*\{(.*)\}\s*\)\s*;?$`)
	})
	reTestClose = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\}\s*\)\s*;?$`) })
	reAlias     = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:pm\.response\.json\(\)|JSON\.parse\(\s*(?:responseBody|pm\.response\.text\(\))\s*\))\s*;?$`)
	})
	reStatus = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^pm\.response\.to\.(?:have\.status|be\.status)\(\s*(\d{3})\s*\)$`)
	})
	reOK        = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^pm\.response\.to\.be\.(ok|success|json)$`) })
	reHasHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^pm\.response\.to\.have\.header\(\s*(` + jsString + `)\s*(?:,\s*(` + jsString + `)\s*)?\)$`)
	})
	reExpect = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^pm\.expect\((.+?)\)\.(?:to|and)((?:\.[A-Za-z]+)+)(?:\((.*)\))?$`)
	})
	reLegacyTest    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^tests\[\s*(` + jsString + `)\s*\]\s*=\s*(.+)$`) })
	reLegacyCompare = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+?)\s*(===|!==|==|!=|<=|>=|<|>)\s*(.+)$`) })
	reSetter        = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*(` + jsString + `)\s*,\s*(.+)\)$`)
	})
	reGetter = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:pm\.(?:environment|collectionVariables|globals|variables)\.get|postman\.get(?:Environment|Global)Variable)\(\s*(` + jsString + `)\s*\)$`)
	})
	reHeaderGet = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^pm\.response\.(?:headers\.get|header)\(\s*(` + jsString + `)\s*\)$`)
	})
	reJSStringOnly = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(` + jsString + `)$`) })
	reJSNumber     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?\d+(\.\d+)?([eE][-+]?\d+)?$`) })
	reBodyHas      = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^responseBody\.(?:has|includes|indexOf)\(\s*(` + jsString + `)\s*\)(?:\s*(?:!==|>)\s*-1)?$`)
	})
)

const jsString = `"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`

// translate translates the lines of one test script.
func (tr *scriptTranslator) translate(lines []string) *scriptChecks {
	out := &scriptChecks{}
	aliases := map[string]bool{}
	type testBlock struct {
		name   string
		failed bool // a line inside was not translated
	}
	var cur *testBlock
	// kept collects line numbers to keep as notes, in order; wrappers of
	// tests are kept only when something inside them is.
	type kept struct {
		n    int
		text string
	}
	var notes []kept
	var pendingOpen *kept

	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "//"):
			if cur != nil && !cur.failed {
				continue
			}
			notes = append(notes, kept{n, raw})
			continue
		}
		if m := reTestOneLine().FindStringSubmatch(line); m != nil {
			name := unquoteJS(m[1])
			ok := true
			var ck scriptChecks
			for _, stmt := range splitStatements(m[2]) {
				if !tr.statement(stmt, name, aliases, &ck) {
					ok = false
				}
			}
			if ok {
				out.merge(&ck)
				continue
			}
			notes = append(notes, kept{n, raw})
			out.untranslated = append(out.untranslated, scriptLine{n, line})
			continue
		}
		if m := reTestOpen().FindStringSubmatch(line); m != nil && cur == nil {
			cur = &testBlock{name: unquoteJS(m[1])}
			pendingOpen = &kept{n, raw}
			continue
		}
		if reTestClose().MatchString(line) && cur != nil {
			if cur.failed {
				notes = append(notes, kept{n, raw})
			}
			cur = nil
			pendingOpen = nil
			continue
		}
		name := ""
		if cur != nil {
			name = cur.name
		}
		ok := true
		var ck scriptChecks
		for _, stmt := range splitStatements(line) {
			if !tr.statement(stmt, name, aliases, &ck) {
				ok = false
			}
		}
		if ok {
			out.merge(&ck)
			continue
		}
		if cur != nil && !cur.failed {
			cur.failed = true
			if pendingOpen != nil {
				notes = append(notes, *pendingOpen)
			}
		}
		notes = append(notes, kept{n, raw})
		out.untranslated = append(out.untranslated, scriptLine{n, line})
	}
	for _, k := range notes {
		out.notes = append(out.notes, "pm: "+strings.TrimRight(k.text, " \t\r"))
	}
	return out
}

// merge adds other's checks to c.
func (c *scriptChecks) merge(other *scriptChecks) {
	if len(c.expect.Status) == 0 {
		c.expect.Status = append([]int(nil), other.expect.Status...)
	} else {
		for _, s := range other.expect.Status {
			c.addStatus(s, "")
		}
	}
	for _, h := range other.expect.Headers {
		c.expect.Headers = append(c.expect.Headers, h)
	}
	if other.expect.JSON != nil {
		other.expect.JSON.walk(nil, func(path []string, v Expr) {
			c.addJSON(path, v, "")
		})
	}
	if other.expect.BodyContains != "" {
		if c.expect.BodyContains == "" {
			c.expect.BodyContains = other.expect.BodyContains
		} else {
			c.asserts = append(c.asserts, Assert{
				Condition:    Expr("strcontains(response.body, " + string(other.expect.BodyContains) + ")"),
				ErrorMessage: "the body must contain " + string(other.expect.BodyContains),
			})
		}
	}
	if other.expect.MaxDuration != "" {
		c.expect.MaxDuration = other.expect.MaxDuration
	}
	c.asserts = append(c.asserts, other.asserts...)
	c.setters = append(c.setters, other.setters...)
}

func (t *jsonTree) walk(prefix []string, fn func([]string, Expr)) {
	for _, k := range t.keys {
		path := append(append([]string(nil), prefix...), k)
		switch v := t.vals[k].(type) {
		case Expr:
			fn(path, v)
		case *jsonTree:
			v.walk(path, fn)
		}
	}
}

func (c *scriptChecks) addStatus(code int, testName string) {
	for _, s := range c.expect.Status {
		if s == code {
			return
		}
	}
	if len(c.expect.Status) == 0 {
		c.expect.Status = []int{code}
		return
	}
	// A second, different status: Postman would fail one of them.
	c.asserts = append(c.asserts, Assert{
		Condition:    Expr(fmt.Sprintf("response.status == %d", code)),
		ErrorMessage: message(testName, fmt.Sprintf("the status must be %d", code)),
	})
}

func (c *scriptChecks) addJSON(path []string, v Expr, testName string) {
	if c.expect.JSON == nil {
		c.expect.JSON = &jsonTree{}
	}
	if !c.expect.JSON.set(path, v) {
		c.asserts = append(c.asserts, Assert{
			Condition:    Expr(jsonPathExpr(keysToSegs(path)) + " == " + string(v)),
			ErrorMessage: message(testName, "response."+strings.Join(path, ".")+" must be "+string(v)),
		})
	}
}

func message(testName, fallback string) string {
	if testName != "" {
		return testName
	}
	return fallback
}

// statement translates one JavaScript statement into ck; false when it is
// not a recognised pattern.
func (tr *scriptTranslator) statement(stmt, testName string, aliases map[string]bool, ck *scriptChecks) bool {
	stmt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stmt), ";"))
	if stmt == "" {
		return true
	}
	if m := reAlias().FindStringSubmatch(stmt + ";"); m != nil {
		aliases[m[1]] = true
		return true
	}
	if m := reStatus().FindStringSubmatch(stmt); m != nil {
		code, _ := strconv.Atoi(m[1])
		ck.addStatus(code, testName)
		return true
	}
	if m := reOK().FindStringSubmatch(stmt); m != nil {
		switch m[1] {
		case "ok":
			ck.addStatus(200, testName)
		case "success":
			ck.asserts = append(ck.asserts, Assert{
				Condition:    "response.status >= 200 && response.status < 300",
				ErrorMessage: message(testName, "the status must be 2xx"),
			})
		case "json":
			ck.asserts = append(ck.asserts, Assert{
				Condition:    "response.json != null",
				ErrorMessage: message(testName, "the body must be JSON"),
			})
		}
		return true
	}
	if m := reHasHeader().FindStringSubmatch(stmt); m != nil {
		name := unquoteJS(m[1])
		if m[2] != "" {
			ck.expect.Headers = addKV(ck.expect.Headers, name, quote(unquoteJS(m[2])))
			return true
		}
		ck.asserts = append(ck.asserts, Assert{
			Condition:    Expr(fmt.Sprintf("contains(keys(response.headers), %s)", quote(strings.ToLower(name)))),
			ErrorMessage: message(testName, "the response must have the header "+name),
		})
		return true
	}
	if m := reSetter().FindStringSubmatch(stmt); m != nil {
		val, ok := tr.responseValue(strings.TrimSpace(m[2]), aliases)
		if !ok {
			return false
		}
		ck.setters = append(ck.setters, setter{name: unquoteJS(m[1]), value: val})
		return true
	}
	if m := reExpect().FindStringSubmatch(stmt); m != nil {
		return tr.expectation(m[1], m[2], m[3], m[0], testName, aliases, ck)
	}
	if m := reLegacyTest().FindStringSubmatch(stmt); m != nil {
		return tr.legacy(unquoteJS(m[1]), strings.TrimSpace(m[2]), aliases, ck)
	}
	return false
}

// subject is what a check is about.
type subject struct {
	kind   string // status, header, body, json, time
	header string
	path   []seg // json
}

type seg struct {
	key   string
	index int
	isIdx bool
}

func keysToSegs(keys []string) []seg {
	out := make([]seg, len(keys))
	for i, k := range keys {
		out[i] = seg{key: k}
	}
	return out
}

var (
	reJSONRoot = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:pm\.response\.json\(\)|JSON\.parse\(\s*(?:responseBody|pm\.response\.text\(\))\s*\))`)
	})
	reIdentRoot = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z_$][\w$]*)`) })
	reSegDot    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\.([A-Za-z_$][\w$]*)`) })
	reSegIndex  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[\s*(\d+)\s*\]`) })
	reSegKey    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[\s*(` + jsString + `)\s*\]`) })
)

func (tr *scriptTranslator) parseSubject(s string, aliases map[string]bool) (subject, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "pm.response.code", "responseCode.code", "pm.response.status_code":
		return subject{kind: "status"}, true
	case "pm.response.text()", "responseBody":
		return subject{kind: "body"}, true
	case "pm.response.responseTime", "responseTime":
		return subject{kind: "time"}, true
	}
	if m := reHeaderGet().FindStringSubmatch(s); m != nil {
		return subject{kind: "header", header: unquoteJS(m[1])}, true
	}
	rest := ""
	if m := reJSONRoot().FindString(s); m != "" {
		rest = s[len(m):]
	} else if m := reIdentRoot().FindStringSubmatch(s); m != nil && aliases[m[1]] {
		rest = s[len(m[0]):]
	} else {
		return subject{}, false
	}
	var path []seg
	for rest != "" {
		if m := reSegDot().FindStringSubmatch(rest); m != nil {
			path = append(path, seg{key: m[1]})
			rest = rest[len(m[0]):]
			continue
		}
		if m := reSegIndex().FindStringSubmatch(rest); m != nil {
			n, _ := strconv.Atoi(m[1])
			path = append(path, seg{index: n, isIdx: true})
			rest = rest[len(m[0]):]
			continue
		}
		if m := reSegKey().FindStringSubmatch(rest); m != nil {
			path = append(path, seg{key: unquoteJS(m[1])})
			rest = rest[len(m[0]):]
			continue
		}
		return subject{}, false
	}
	return subject{kind: "json", path: path}, true
}

// responseValue translates the value given to a setter into an expression
// rooted at response.
func (tr *scriptTranslator) responseValue(s string, aliases map[string]bool) (string, bool) {
	sub, ok := tr.parseSubject(s, aliases)
	if !ok {
		return "", false
	}
	switch sub.kind {
	case "json":
		return jsonPathExpr(sub.path), true
	case "header":
		return fmt.Sprintf("response.headers[%s]", quote(strings.ToLower(sub.header))), true
	case "body":
		return "response.body", true
	}
	return "", false
}

// jsonPathExpr is response.json followed by path.
func jsonPathExpr(path []seg) string {
	var b strings.Builder
	b.WriteString("response.json")
	for _, s := range path {
		switch {
		case s.isIdx:
			fmt.Fprintf(&b, "[%d]", s.index)
		case simpleKey().MatchString(s.key) && objectKey(s.key) == Expr(s.key):
			b.WriteString("." + s.key)
		default:
			b.WriteString("[" + string(quote(s.key)) + "]")
		}
	}
	return b.String()
}

// value translates a JavaScript literal (or a variable lookup) into HCL;
// primitive reports a string, number, bool or null.
func (tr *scriptTranslator) value(s string) (e Expr, primitive bool, ok bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "true", "false", "null":
		return Expr(s), true, true
	}
	if m := reJSStringOnly().FindStringSubmatch(s); m != nil {
		return quote(unquoteJS(m[1])), true, true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && reJSNumber().MatchString(s) {
		return Expr(s), true, true
	}
	if m := reGetter().FindStringSubmatch(s); m != nil {
		return tr.ref(unquoteJS(m[1])), true, true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		inner := strings.TrimSpace(s[1 : len(s)-1])
		if inner == "" {
			return "[]", false, true
		}
		var parts []string
		for _, p := range splitTopLevel(inner, ',') {
			v, prim, ok := tr.value(p)
			if !ok || !prim {
				return "", false, false
			}
			parts = append(parts, string(v))
		}
		return Expr("[" + strings.Join(parts, ", ") + "]"), false, true
	}
	return "", false, false
}

// expectation translates pm.expect(SUBJECT).to.CHAIN(ARG).
func (tr *scriptTranslator) expectation(subj, chain, arg, stmt, testName string, aliases map[string]bool, ck *scriptChecks) bool {
	sub, ok := tr.parseSubject(subj, aliases)
	if !ok {
		return false
	}
	chain = strings.TrimPrefix(chain, ".")
	words := strings.Split(chain, ".")
	// Language chains that do not change meaning.
	var ws []string
	negated := false
	for _, w := range words {
		switch w {
		case "be", "been", "is", "that", "which", "and", "has", "have", "with", "at", "of", "same", "deep", "to":
		case "not":
			negated = !negated
		default:
			ws = append(ws, w)
		}
	}
	if negated || len(ws) != 1 {
		return false
	}
	op := ws[0]
	msg := message(testName, stmt)

	lhs := ""
	switch sub.kind {
	case "status":
		lhs = "response.status"
	case "body":
		lhs = "response.body"
	case "time":
		lhs = "response.duration_ms"
	case "header":
		lhs = fmt.Sprintf("response.headers[%s]", quote(strings.ToLower(sub.header)))
	case "json":
		lhs = jsonPathExpr(sub.path)
	}
	addAssert := func(cond string) bool {
		ck.asserts = append(ck.asserts, Assert{Condition: Expr(cond), ErrorMessage: msg})
		return true
	}

	switch op {
	case "eql", "equal", "equals", "eq":
		v, prim, ok := tr.value(arg)
		if !ok {
			return false
		}
		switch sub.kind {
		case "status":
			code, err := strconv.Atoi(string(v))
			if err != nil {
				return false
			}
			ck.addStatus(code, testName)
			return true
		case "header":
			if !prim {
				return false
			}
			ck.expect.Headers = addKV(ck.expect.Headers, sub.header, v)
			return true
		case "json":
			allKeys := len(sub.path) > 0
			for _, s := range sub.path {
				if s.isIdx {
					allKeys = false
				}
			}
			if allKeys && prim && v != "null" {
				keys := make([]string, len(sub.path))
				for i, s := range sub.path {
					keys[i] = s.key
				}
				ck.addJSON(keys, v, testName)
				return true
			}
			if !prim {
				return addAssert(fmt.Sprintf("jsonencode(%s) == jsonencode(%s)", lhs, v))
			}
		}
		return addAssert(lhs + " == " + string(v))
	case "oneOf":
		v, _, ok := tr.value(arg)
		if !ok || !strings.HasPrefix(string(v), "[") {
			return false
		}
		if sub.kind == "status" {
			var codes []int
			for _, p := range splitTopLevel(strings.Trim(string(v), "[]"), ',') {
				c, err := strconv.Atoi(strings.TrimSpace(p))
				if err != nil {
					return false
				}
				codes = append(codes, c)
			}
			if len(ck.expect.Status) == 0 {
				ck.expect.Status = codes
				return true
			}
		}
		return addAssert(fmt.Sprintf("contains(%s, %s)", v, lhs))
	case "below", "lessThan", "lt", "above", "greaterThan", "gt", "least", "most", "gte", "lte":
		v, _, ok := tr.value(arg)
		if !ok {
			return false
		}
		if _, err := strconv.ParseFloat(string(v), 64); err != nil {
			return false
		}
		if sub.kind == "time" && (op == "below" || op == "lessThan" || op == "lt") {
			ck.expect.MaxDuration = quote(string(v) + "ms")
			return true
		}
		cmp := map[string]string{"below": "<", "lessThan": "<", "lt": "<", "above": ">", "greaterThan": ">", "gt": ">",
			"least": ">=", "gte": ">=", "most": "<=", "lte": "<="}[op]
		return addAssert(fmt.Sprintf("%s %s %s", lhs, cmp, v))
	case "include", "includes", "contain", "contains", "string":
		v, prim, ok := tr.value(arg)
		if !ok || !prim || !strings.HasPrefix(string(v), `"`) {
			return false
		}
		if sub.kind == "body" {
			if ck.expect.BodyContains == "" {
				ck.expect.BodyContains = v
				return true
			}
		}
		if sub.kind == "json" || sub.kind == "header" || sub.kind == "body" {
			return addAssert(fmt.Sprintf("strcontains(%s, %s)", lhs, v))
		}
		return false
	case "lengthOf", "length":
		v, _, ok := tr.value(arg)
		if !ok || sub.kind != "json" {
			return false
		}
		return addAssert(fmt.Sprintf("length(%s) == %s", lhs, v))
	case "exist", "exists", "undefined":
		if arg != "" || sub.kind != "json" {
			return false
		}
		if op == "undefined" {
			return false
		}
		return addAssert(fmt.Sprintf("try(%s, null) != null", lhs))
	case "true", "false", "null":
		if arg != "" {
			return false
		}
		if sub.kind == "json" && op != "null" && allKeySegs(sub.path) {
			keys := make([]string, len(sub.path))
			for i, s := range sub.path {
				keys[i] = s.key
			}
			ck.addJSON(keys, Expr(op), testName)
			return true
		}
		return addAssert(lhs + " == " + op)
	}
	return false
}

func allKeySegs(path []seg) bool {
	if len(path) == 0 {
		return false
	}
	for _, s := range path {
		if s.isIdx {
			return false
		}
	}
	return true
}

// legacy translates the pre-pm syntax: tests["name"] = EXPR.
func (tr *scriptTranslator) legacy(name, expr string, aliases map[string]bool, ck *scriptChecks) bool {
	expr = strings.TrimSuffix(strings.TrimSpace(expr), ";")
	if m := reBodyHas().FindStringSubmatch(expr); m != nil {
		v := quote(unquoteJS(m[1]))
		if ck.expect.BodyContains == "" {
			ck.expect.BodyContains = v
		} else {
			ck.asserts = append(ck.asserts, Assert{Condition: Expr("strcontains(response.body, " + string(v) + ")"), ErrorMessage: name})
		}
		return true
	}
	m := reLegacyCompare().FindStringSubmatch(expr)
	if m == nil {
		return false
	}
	op := map[string]string{"===": "eql", "==": "eql", "<": "below", ">": "above", "<=": "most", ">=": "least"}[m[2]]
	if op == "" {
		return false
	}
	return tr.expectation(m[1], ".to."+op, m[3], expr, name, aliases, ck)
}

// splitStatements splits a line on semicolons outside strings and
// brackets.
func splitStatements(s string) []string {
	return splitTopLevel(s, ';')
}

// splitTopLevel splits s on sep outside quotes, parentheses, brackets and
// braces.
func splitTopLevel(s string, sep byte) []string {
	var out []string
	depth := 0
	var quoteCh byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoteCh != 0:
			if c == '\\' {
				i++
			} else if c == quoteCh {
				quoteCh = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quoteCh = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	out = append(out, s[start:])
	var trimmed []string
	for _, p := range out {
		if strings.TrimSpace(p) != "" {
			trimmed = append(trimmed, strings.TrimSpace(p))
		}
	}
	return trimmed
}

// unquoteJS returns the content of a JavaScript string literal.
func unquoteJS(s string) string {
	if len(s) < 2 {
		return s
	}
	q := s[0]
	inner := s[1 : len(s)-1]
	if q == '\'' {
		inner = strings.ReplaceAll(inner, `\'`, `'`)
		inner = strings.ReplaceAll(inner, `"`, `\"`)
	}
	if u, err := strconv.Unquote(`"` + inner + `"`); err == nil {
		return u
	}
	return inner
}
