package signer

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Verification errors. The messages follow what API Gateway answers where
// there is an equivalent.
var (
	// ErrMissingAuthentication: no Authorization header and no presign
	// parameters. API Gateway answers "Missing Authentication Token".
	ErrMissingAuthentication = errors.New("Missing Authentication Token")
	// ErrUnknownAccessKey: the lookup does not know the access key id.
	ErrUnknownAccessKey = errors.New("The security token included in the request is invalid.")
	// ErrMalformedAuthorization: the Authorization header or presign
	// parameters cannot be parsed, or a required part is missing.
	ErrMalformedAuthorization = errors.New("signer: malformed authorization")
	// ErrSignatureExpired and ErrSignatureNotYetCurrent are wrapped by
	// *DateWindowError.
	ErrSignatureExpired       = errors.New("Signature expired")
	ErrSignatureNotYetCurrent = errors.New("Signature not yet current")
	// ErrScope: the credential scope names another region/service/date.
	ErrScope = errors.New("signer: credential scope mismatch")
)

// MismatchError says that the signature does not match; it carries what the
// server expected (as API Gateway does) and never the expected signature.
type MismatchError struct {
	CanonicalRequest string
	StringToSign     string
}

func (e *MismatchError) Error() string {
	return FormatAPIGatewayMismatch(e.CanonicalRequest, e.StringToSign)
}

// apigwMismatchPrefix is API Gateway's wording for InvalidSignatureException.
const apigwMismatchPrefix = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// FormatAPIGatewayMismatch returns API Gateway's InvalidSignatureException
// message for the canonical request and string to sign the server expected.
// ParseMismatch round-trips it.
func FormatAPIGatewayMismatch(canonicalRequest, stringToSign string) string {
	return apigwMismatchPrefix + "\n\nThe Canonical String for this request should have been\n'" +
		canonicalRequest + "'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n"
}

// DateWindowError reports a request time outside the allowed window.
type DateWindowError struct {
	Kind        error // ErrSignatureExpired or ErrSignatureNotYetCurrent
	RequestTime time.Time
	ServerTime  time.Time
	Window      time.Duration
}

func (e *DateWindowError) Error() string {
	f := func(t time.Time) string { return t.UTC().Format(amzDateLayout) }
	mins := int(e.Window / time.Minute)
	if e.Kind == ErrSignatureExpired {
		return fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %d min.)",
			f(e.RequestTime), f(e.ServerTime.Add(-e.Window)), f(e.ServerTime), mins)
	}
	return fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %d min.)",
		f(e.RequestTime), f(e.ServerTime.Add(e.Window)), f(e.ServerTime), mins)
}

func (e *DateWindowError) Unwrap() error { return e.Kind }

// VerifyOptions tune Verify. The zero value is API Gateway-like.
type VerifyOptions struct {
	// MaxSkew is the allowed difference between the request time and now
	// (default 15 minutes).
	MaxSkew time.Duration
	// Service and Region, when set, must match the credential scope.
	Service, Region string
	// DoubleEncodePath and NormalizePath default by the scope's service,
	// as for signing.
	DoubleEncodePath, NormalizePath Override
	// DisallowPresigned refuses query-string (presigned) authentication.
	DisallowPresigned bool
}

// parsedAuth is an Authorization header or presign parameter set.
type parsedAuth struct {
	alg           string
	akid          string
	scope         string // everything after "AKID/"
	date          string // scope date
	region        string // empty for SigV4a
	service       string
	signedHeaders string
	signature     string
	presigned     bool
	expires       int64
}

func parseAuthorization(v string) (*parsedAuth, error) {
	alg, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || (alg != algV4 && alg != algV4A) {
		return nil, fmt.Errorf("%w: unsupported algorithm in %q", ErrMalformedAuthorization, truncate(v, 40))
	}
	a := &parsedAuth{alg: alg}
	var cred string
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("%w: %q is not key=value", ErrMalformedAuthorization, truncate(part, 40))
		}
		switch k {
		case "Credential":
			cred = val
		case "SignedHeaders":
			a.signedHeaders = val
		case "Signature":
			a.signature = val
		}
	}
	if cred == "" || a.signedHeaders == "" || a.signature == "" {
		return nil, fmt.Errorf("%w: Credential, SignedHeaders and Signature are required", ErrMalformedAuthorization)
	}
	return a, a.parseCredential(cred)
}

func (a *parsedAuth) parseCredential(cred string) error {
	parts := strings.Split(cred, "/")
	want := 5
	if a.alg == algV4A {
		want = 4
	}
	if len(parts) != want || parts[len(parts)-1] != "aws4_request" {
		return fmt.Errorf("%w: credential %q is not AKID/date/region/service/aws4_request", ErrMalformedAuthorization, truncate(cred, 80))
	}
	a.akid = parts[0]
	a.scope = strings.Join(parts[1:], "/")
	a.date = parts[1]
	if a.alg == algV4A {
		a.service = parts[2]
	} else {
		a.region, a.service = parts[2], parts[3]
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// verifyCache shares derived keys between Verify calls.
var verifyCache keyCache
var verifyV4A v4aCache

// Verify checks a SigV4 (or SigV4a) signed request the way a server does:
// parse the Authorization header (or the presign parameters), rebuild the
// canonical request from the signed headers only, derive the key from the
// secret that lookup returns, compare in constant time, and check the date
// window (default ±15 minutes; presigned: X-Amz-Date to X-Amz-Date +
// X-Amz-Expires). payloadHash is the hex SHA-256 of the body the server
// received; "" means the request's x-amz-content-sha256 header if present,
// else UNSIGNED-PAYLOAD for presigned S3 requests, else EmptyPayloadHash.
//
// Errors: ErrMissingAuthentication, ErrUnknownAccessKey,
// ErrMalformedAuthorization, ErrScope, *DateWindowError, *MismatchError.
func Verify(req *http.Request, payloadHash string, lookup func(accessKeyID string) (aws.Credentials, bool), now time.Time, opts ...VerifyOptions) error {
	var o VerifyOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.MaxSkew == 0 {
		o.MaxSkew = 15 * time.Minute
	}
	authz := req.Header.Values("Authorization")
	var a *parsedAuth
	var err error
	switch {
	case len(authz) > 1:
		return fmt.Errorf("%w: more than one Authorization header", ErrMalformedAuthorization)
	case len(authz) == 1:
		a, err = parseAuthorization(authz[0])
	case hasQueryParam(req.URL.RawQuery, qSignature) && !o.DisallowPresigned:
		a, err = parsePresignQuery(req.URL.RawQuery)
	default:
		return ErrMissingAuthentication
	}
	if err != nil {
		return err
	}
	if o.Service != "" && a.service != o.Service || o.Region != "" && a.alg == algV4 && a.region != o.Region {
		return fmt.Errorf("%w: credential should be scoped to region %q and service %q, got %q", ErrScope, o.Region, o.Service, a.scope)
	}
	creds, ok := lookup(a.akid)
	if !ok {
		return ErrUnknownAccessKey
	}

	// Request time.
	var t time.Time
	var dateName string
	if a.presigned {
		t, err = ParseRequestTime(queryValue(req.URL.RawQuery, qDate))
		dateName = qDate
	} else if v := req.Header.Get("X-Amz-Date"); v != "" {
		t, err = ParseRequestTime(strings.TrimSpace(v))
		dateName = "x-amz-date"
	} else if v := req.Header.Get("Date"); v != "" {
		t, err = ParseRequestTime(strings.TrimSpace(v))
		dateName = "date"
	} else {
		return fmt.Errorf("%w: no X-Amz-Date or Date", ErrMalformedAuthorization)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedAuthorization, err)
	}
	amzDate := t.Format(amzDateLayout)
	if a.date != amzDate[:8] {
		return fmt.Errorf("%w: credential date %s does not match request date %s", ErrScope, a.date, amzDate[:8])
	}
	if !a.presigned && !containsToken(a.signedHeaders, dateName) {
		return fmt.Errorf("%w: %s must be signed", ErrMalformedAuthorization, dateName)
	}
	if !containsToken(a.signedHeaders, "host") {
		return fmt.Errorf("%w: host must be signed", ErrMalformedAuthorization)
	}
	now = now.UTC()
	if a.presigned {
		if t.After(now.Add(o.MaxSkew)) {
			return &DateWindowError{Kind: ErrSignatureNotYetCurrent, RequestTime: t, ServerTime: now, Window: o.MaxSkew}
		}
		if now.After(t.Add(time.Duration(a.expires) * time.Second)) {
			return &DateWindowError{Kind: ErrSignatureExpired, RequestTime: t.Add(time.Duration(a.expires) * time.Second), ServerTime: now, Window: 0}
		}
	} else {
		if t.Before(now.Add(-o.MaxSkew)) {
			return &DateWindowError{Kind: ErrSignatureExpired, RequestTime: t, ServerTime: now, Window: o.MaxSkew}
		}
		if t.After(now.Add(o.MaxSkew)) {
			return &DateWindowError{Kind: ErrSignatureNotYetCurrent, RequestTime: t, ServerTime: now, Window: o.MaxSkew}
		}
	}

	creq, err := serverCanonicalRequest(req, a, payloadHash, &o)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(creq))
	sts := a.alg + "\n" + amzDate + "\n" + a.scope + "\n" + hex.EncodeToString(sum[:])

	if a.alg == algV4A {
		priv, err := verifyV4A.get(a.akid, creds.SecretAccessKey)
		if err != nil {
			return err
		}
		sig, err := hex.DecodeString(a.signature)
		h := sha256.Sum256([]byte(sts))
		if err != nil || !ecdsa.VerifyASN1(&priv.PublicKey, h[:], sig) {
			return &MismatchError{CanonicalRequest: creq, StringToSign: sts}
		}
		return nil
	}
	e := verifyCache.get(a.akid, creds.SecretAccessKey, dayNumber(t), []byte(amzDate[:8]), a.region, a.service)
	hs := newHMACState()
	mac := hs.sum(nil, e, []byte(sts))
	want := make([]byte, hex.EncodedLen(len(mac)))
	hex.Encode(want, mac)
	if subtle.ConstantTimeCompare(want, []byte(a.signature)) != 1 {
		return &MismatchError{CanonicalRequest: creq, StringToSign: sts}
	}
	return nil
}

func containsToken(list, name string) bool {
	for _, n := range strings.Split(list, ";") {
		if n == name {
			return true
		}
	}
	return false
}

// queryValue returns the decoded value of the first raw query parameter name.
func queryValue(raw, name string) string {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(part, "=")
		if k == name {
			dv, err := decodeQueryComponent(v)
			if err != nil {
				return v
			}
			return dv
		}
	}
	return ""
}

func hasQueryParam(raw, name string) bool {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(part, "=")
		if k == name {
			return true
		}
	}
	return false
}

func decodeQueryComponent(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) {
				return "", ErrBadEscape
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", ErrBadEscape
			}
			b = append(b, hi<<4|lo)
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), nil
}

func parsePresignQuery(raw string) (*parsedAuth, error) {
	alg := queryValue(raw, qAlgorithm)
	if alg != algV4 && alg != algV4A {
		return nil, fmt.Errorf("%w: X-Amz-Algorithm %q", ErrMalformedAuthorization, alg)
	}
	a := &parsedAuth{alg: alg, presigned: true}
	a.signedHeaders = queryValue(raw, qSignedHeaders)
	a.signature = queryValue(raw, qSignature)
	exp, err := strconv.ParseInt(queryValue(raw, qExpires), 10, 64)
	if err != nil || exp < 1 || exp > 604800 {
		return nil, fmt.Errorf("%w: X-Amz-Expires must be 1..604800", ErrMalformedAuthorization)
	}
	a.expires = exp
	if a.signedHeaders == "" || a.signature == "" {
		return nil, fmt.Errorf("%w: X-Amz-SignedHeaders and X-Amz-Signature are required", ErrMalformedAuthorization)
	}
	return a, a.parseCredential(queryValue(raw, qCredential))
}

// serverPath returns the path as it arrived: from RequestURI when the request
// was read by a server, else from the URL.
func serverPath(req *http.Request) string {
	if ru := req.RequestURI; ru != "" && ru != "*" {
		p, _, _ := strings.Cut(ru, "?")
		if i := strings.Index(p, "://"); i >= 0 && !strings.HasPrefix(p, "/") {
			rest := p[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				return rest[j:]
			}
			return "/"
		}
		return p
	}
	p, _ := wirePath(req.URL)
	return p
}

// serverCanonicalRequest rebuilds the canonical request from what arrived,
// using only the headers listed in SignedHeaders, in that order.
func serverCanonicalRequest(req *http.Request, a *parsedAuth, payloadHash string, o *VerifyOptions) (string, error) {
	p := Params{Service: a.service, DoubleEncodePath: o.DoubleEncodePath, NormalizePath: o.NormalizePath}
	r := p.resolve()
	var b []byte
	method := req.Method
	if method == "" {
		method = "GET"
	}
	b = append(b, method...)
	b = append(b, '\n')
	var err error
	b, _, err = appendCanonicalURI(b, serverPath(req), r.doubleEncode, r.normalize, nil)
	if err != nil {
		return "", fmt.Errorf("%w: path: %v", ErrMalformedAuthorization, err)
	}
	b = append(b, '\n')
	var skip func([]byte) bool
	if a.presigned {
		skip = func(name []byte) bool { return string(name) == qSignature }
	}
	scratch, pairs, err := addQuery(nil, nil, req.URL.RawQuery, skip)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformedAuthorization, err)
	}
	sortPairs(scratch, pairs)
	b = appendPairs(b, scratch, pairs)
	b = append(b, '\n')

	scheme := req.URL.Scheme
	if scheme == "" {
		scheme = "http"
		if req.TLS != nil {
			scheme = "https"
		}
	}
	for _, name := range strings.Split(a.signedHeaders, ";") {
		b = append(b, name...)
		b = append(b, ':')
		switch name {
		case "host":
			host := req.Host
			if host == "" {
				host = req.URL.Host
			}
			b = appendHeaderValue(b, stripDefaultPort(host, scheme))
		case "content-length":
			if v := req.Header.Get("Content-Length"); v != "" {
				b = appendHeaderValue(b, v)
			} else if req.ContentLength >= 0 {
				b = strconv.AppendInt(b, req.ContentLength, 10)
			}
		default:
			first := true
			for _, v := range headerValuesFold(req.Header, name) {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = appendHeaderValue(b, v)
			}
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, a.signedHeaders...)
	b = append(b, '\n')
	if payloadHash == "" {
		if v := req.Header.Get("X-Amz-Content-Sha256"); v != "" && !a.presigned {
			payloadHash = strings.TrimSpace(v)
		} else if a.presigned && IsS3Service(a.service) {
			payloadHash = UnsignedPayload
		} else {
			payloadHash = EmptyPayloadHash
		}
	}
	b = append(b, payloadHash...)
	return string(b), nil
}

// headerValuesFold returns the values of name (lower case) across every
// spelling of the key, canonical spelling first.
func headerValuesFold(h http.Header, name string) []string {
	ck := textproto.CanonicalMIMEHeaderKey(name)
	vals := h[ck]
	for k, v := range h {
		if k != ck && strings.EqualFold(k, name) {
			vals = append(vals[:len(vals):len(vals)], v...)
		}
	}
	return vals
}
