package signer

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// ServerExpectation is what a server said it expected, extracted from a
// SignatureDoesNotMatch / InvalidSignatureException answer.
type ServerExpectation struct {
	// Source is "s3-xml", "json" or "text".
	Source           string
	Code             string
	Message          string
	CanonicalRequest string // empty when the server did not include it
	StringToSign     string
}

type s3ErrorXML struct {
	Code             string `xml:"Code"`
	Message          string `xml:"Message"`
	StringToSign     string `xml:"StringToSign"`
	CanonicalRequest string `xml:"CanonicalRequest"`
}

// ParseMismatch extracts the server's canonical request and string to sign
// from the body of a signature-mismatch answer: S3's XML
// (<CanonicalRequest>, <StringToSign>), API Gateway's JSON whose message
// reads "…The Canonical String for this request should have been\n'…'\n\nThe
// String-to-Sign should have been\n'…'", or that message as plain text
// (FormatAPIGatewayMismatch output). ok is false when the body is none of these.
func ParseMismatch(body []byte) (*ServerExpectation, bool) {
	b := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(b, "<"):
		var e s3ErrorXML
		if err := xml.Unmarshal([]byte(b), &e); err != nil {
			return nil, false
		}
		if e.CanonicalRequest == "" && e.StringToSign == "" {
			return nil, false
		}
		return &ServerExpectation{Source: "s3-xml", Code: e.Code, Message: e.Message,
			CanonicalRequest: e.CanonicalRequest, StringToSign: e.StringToSign}, true
	case strings.HasPrefix(b, "{"):
		var m map[string]any
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			return nil, false
		}
		var msg, code string
		for k, v := range m {
			s, _ := v.(string)
			switch strings.ToLower(k) {
			case "message", "errormessage":
				msg = s
			case "__type", "code", "type":
				code = s
			}
		}
		if i := strings.LastIndexByte(code, '#'); i >= 0 {
			code = code[i+1:]
		}
		exp, ok := parseMismatchText(msg)
		if !ok {
			return nil, false
		}
		exp.Source, exp.Code = "json", code
		return exp, true
	default:
		exp, ok := parseMismatchText(string(body))
		if !ok {
			return nil, false
		}
		exp.Source = "text"
		return exp, true
	}
}

const (
	markCanonical = "The Canonical String for this request should have been\n'"
	markSTS       = "'\n\nThe String-to-Sign should have been\n'"
)

func parseMismatchText(msg string) (*ServerExpectation, bool) {
	i := strings.Index(msg, markCanonical)
	if i < 0 {
		return nil, false
	}
	rest := msg[i+len(markCanonical):]
	j := strings.LastIndex(rest, markSTS)
	if j < 0 {
		return nil, false
	}
	creq := rest[:j]
	sts := rest[j+len(markSTS):]
	sts = strings.TrimRight(sts, "\n")
	sts = strings.TrimSuffix(sts, "'")
	return &ServerExpectation{Message: strings.TrimSpace(msg[:i]), CanonicalRequest: creq, StringToSign: sts}, true
}

// Diagnosis compares our signature's coverage with the server's expectation.
type Diagnosis struct {
	// Cause is one line naming the likely cause.
	Cause string
	// Category is one of: method, path, query, host, header, signed-headers,
	// payload, date, region, service, scope, credentials, unknown.
	Category string
	// Diff lists canonical-request lines: "  " same, "- " server, "+ " ours;
	// then, if the canonical requests match, the string-to-sign lines.
	Diff []string
	// CanonicalRequestsMatch is true when only the string to sign or the
	// key can be at fault.
	CanonicalRequestsMatch bool
}

func (d *Diagnosis) String() string {
	return d.Cause + "\n" + strings.Join(d.Diff, "\n")
}

// creqParts splits a canonical request into its sections.
type creqParts struct {
	method, uri, query string
	headers            [][2]string
	signed, payload    string
	ok                 bool
}

func splitCanonical(c string) creqParts {
	lines := strings.Split(c, "\n")
	var p creqParts
	if len(lines) < 6 {
		return p
	}
	p.method, p.uri, p.query = lines[0], lines[1], lines[2]
	i := 3
	for ; i < len(lines) && lines[i] != ""; i++ {
		k, v, _ := strings.Cut(lines[i], ":")
		p.headers = append(p.headers, [2]string{k, v})
	}
	if i+2 >= len(lines) {
		return p
	}
	p.signed, p.payload = lines[i+1], lines[i+2]
	p.ok = true
	return p
}

// lineDiff returns a minimal line diff (LCS) of a (server) and b (ours).
func lineDiff(a, b []string) []string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, "  "+a[i])
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "- "+a[i])
			i++
		default:
			out = append(out, "+ "+b[j])
			j++
		}
	}
	return out
}

// Diagnose diffs our Explanation against what the server expected and names
// the likely cause. A nil theirs, or one without a canonical request, gives
// a diagnosis from the string to sign alone.
func Diagnose(ours *Explanation, theirs *ServerExpectation) *Diagnosis {
	d := &Diagnosis{Category: "unknown"}
	if ours == nil || theirs == nil {
		d.Cause = "no server expectation to compare with"
		return d
	}
	if theirs.CanonicalRequest != "" {
		d.Diff = lineDiff(strings.Split(theirs.CanonicalRequest, "\n"), strings.Split(ours.CanonicalRequest, "\n"))
		if theirs.CanonicalRequest != ours.CanonicalRequest {
			d.Category, d.Cause = creqCause(splitCanonical(ours.CanonicalRequest), splitCanonical(theirs.CanonicalRequest))
			return d
		}
		d.CanonicalRequestsMatch = true
	}
	if theirs.StringToSign != "" && theirs.StringToSign != ours.StringToSign {
		d.Diff = append(d.Diff, lineDiff(strings.Split(theirs.StringToSign, "\n"), strings.Split(ours.StringToSign, "\n"))...)
		d.Category, d.Cause = stsCause(ours.StringToSign, theirs.StringToSign)
		return d
	}
	d.Category = "credentials"
	d.Cause = "the server computed the same canonical request and string to sign, so the signing key differs: check the secret access key (and that the access key id and session token belong to it)"
	return d
}

func creqCause(ours, theirs creqParts) (string, string) {
	if !ours.ok || !theirs.ok {
		return "unknown", "the canonical requests differ (one could not be parsed)"
	}
	switch {
	case ours.method != theirs.method:
		return "method", fmt.Sprintf("HTTP method: we signed %s, the server saw %s", ours.method, theirs.method)
	case ours.uri != theirs.uri:
		hint := ""
		if strings.Contains(ours.uri, "%25") != strings.Contains(theirs.uri, "%25") {
			hint = " (one side encoded the path twice: S3 encodes once, other services twice)"
		}
		return "path", fmt.Sprintf("path encoding: we signed %q, the server expected %q%s", ours.uri, theirs.uri, hint)
	case ours.query != theirs.query:
		return "query", fmt.Sprintf("query string: we signed %q, the server expected %q (sorting, encoding of space/+/%%, or a parameter added after signing)", ours.query, theirs.query)
	}
	om, tm := map[string]string{}, map[string]string{}
	for _, h := range ours.headers {
		om[h[0]] = h[1]
	}
	for _, h := range theirs.headers {
		tm[h[0]] = h[1]
	}
	if om["host"] != tm["host"] {
		return "host", fmt.Sprintf("host: we signed %q, the server saw %q (a proxy, custom domain or port changed it)", om["host"], tm["host"])
	}
	for _, h := range theirs.headers {
		if v, ok := om[h[0]]; !ok {
			return "header", fmt.Sprintf("header %s: the server expected it signed with %q; we did not sign it", h[0], h[1])
		} else if v != h[1] && (h[0] == "x-amz-date" || h[0] == "date") {
			return "date", fmt.Sprintf("request date: we signed %s: %q, the server saw %q (the date header changed after signing)", h[0], v, h[1])
		} else if v != h[1] {
			return "header", fmt.Sprintf("header %s: we signed %q, the server saw %q (changed after signing?)", h[0], v, h[1])
		}
	}
	for _, h := range ours.headers {
		if _, ok := tm[h[0]]; !ok {
			return "header", fmt.Sprintf("header %s: we signed it but the server did not receive it", h[0])
		}
	}
	if ours.signed != theirs.signed {
		return "signed-headers", fmt.Sprintf("signed headers: we listed %q, the server used %q", ours.signed, theirs.signed)
	}
	if ours.payload != theirs.payload {
		return "payload", fmt.Sprintf("payload hash: we signed %s, the server computed %s (the body changed after hashing, or x-amz-content-sha256 is wrong)", ours.payload, theirs.payload)
	}
	return "unknown", "the canonical requests differ in whitespace or line structure"
}

func stsCause(ours, theirs string) (string, string) {
	ol, tl := strings.Split(ours, "\n"), strings.Split(theirs, "\n")
	if len(ol) < 4 || len(tl) < 4 {
		return "unknown", "the strings to sign differ"
	}
	if ol[0] != tl[0] {
		return "scope", fmt.Sprintf("algorithm: we used %s, the server %s", ol[0], tl[0])
	}
	if ol[1] != tl[1] {
		return "date", fmt.Sprintf("request date: we signed %s, the server used %s", ol[1], tl[1])
	}
	if ol[2] != tl[2] {
		os, ts := strings.Split(ol[2], "/"), strings.Split(tl[2], "/")
		if len(os) == len(ts) && len(os) == 4 {
			if os[1] != ts[1] {
				return "region", fmt.Sprintf("region: we signed for %q, the server expects %q", os[1], ts[1])
			}
			if os[2] != ts[2] {
				return "service", fmt.Sprintf("service: we signed for %q, the server expects %q", os[2], ts[2])
			}
		}
		return "scope", fmt.Sprintf("credential scope: we used %s, the server %s", ol[2], tl[2])
	}
	return "unknown", "the strings to sign differ only in the canonical request hash"
}
