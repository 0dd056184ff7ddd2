package signer

import (
	"bytes"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// skewMarkers are the answers that mean "your clock is off":
// S3 RequestTimeTooSkewed / RequestExpired, and the InvalidSignatureException
// texts "Signature expired" and "Signature not yet current".
var skewMarkers = [][]byte{
	[]byte("RequestTimeTooSkewed"),
	[]byte("RequestExpired"),
	[]byte("Signature expired"),
	[]byte("Signature not yet current"),
}

// IsClockSkewError reports whether an error answer (status and body) is a
// clock-skew rejection.
func IsClockSkewError(status int, body []byte) bool {
	if status != http.StatusForbidden && status != http.StatusBadRequest && status != http.StatusUnauthorized {
		return false
	}
	for _, m := range skewMarkers {
		if bytes.Contains(body, m) {
			return true
		}
	}
	return false
}

var (
	s3ServerTime   = lazyRegexp(`<ServerTime>([^<]+)</ServerTime>`)
	apigwServerNow = lazyRegexp(`\((\d{8}T\d{6}Z) [-+] \d+ min\.\)`)
)

// SkewFromResponse recognises a clock-skew rejection (status, body) and
// returns the offset server time − localNow, taken from the response's Date
// header, else from S3's <ServerTime>, else from the server time quoted in a
// "Signature expired/not yet current" message. ok is false when the answer
// is not a skew error or no server time can be found. Feed the offset to
// Signer.SetSkew and retry once.
func SkewFromResponse(resp *http.Response, body []byte, localNow time.Time) (offset time.Duration, ok bool) {
	if resp == nil || !IsClockSkewError(resp.StatusCode, body) {
		return 0, false
	}
	var server time.Time
	if d := resp.Header.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			server = t
		}
	}
	if server.IsZero() {
		if m := s3ServerTime().FindSubmatch(body); m != nil {
			if t, err := ParseRequestTime(string(m[1])); err == nil {
				server = t
			}
		}
	}
	if server.IsZero() {
		if m := apigwServerNow().FindSubmatch(body); m != nil {
			if t, err := ParseRequestTime(string(m[1])); err == nil {
				server = t
			}
		}
	}
	if server.IsZero() {
		return 0, false
	}
	return server.Sub(localNow).Truncate(time.Second), true
}

// lazyRegexp compiles pattern on first use rather than at start-up, which
// every sigrun command would pay for; these expressions only read error
// answers.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
