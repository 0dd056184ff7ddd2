package signer

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// amzDateLayout is the basic ISO 8601 form used by X-Amz-Date and the string to sign.
const amzDateLayout = "20060102T150405Z"

// ErrBadDate is wrapped by the error returned when a request carries an
// X-Amz-Date or Date header that cannot be parsed. The signer never replaces
// such a header silently.
var ErrBadDate = errors.New("signer: unparseable date header")

// appendAmzDate appends t (which must be UTC) as YYYYMMDDTHHMMSSZ.
func appendAmzDate(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append4(b, y)
	b = append2(b, int(mo))
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, h)
	b = append2(b, mi)
	b = append2(b, s)
	return append(b, 'Z')
}

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10%10), byte('0'+v%10))
}

// dayNumber returns YYYYMMDD as an integer (t must be UTC).
func dayNumber(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(y*10000 + int(m)*100 + d)
}

// parseAmzDateFast parses exactly YYYYMMDDTHHMMSSZ without allocating.
func parseAmzDateFast(v string) (time.Time, bool) {
	if len(v) != 16 || v[8] != 'T' || v[15] != 'Z' {
		return time.Time{}, false
	}
	var n [14]int
	j := 0
	for i := 0; i < 15; i++ {
		if i == 8 {
			continue
		}
		c := v[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n[j] = int(c - '0')
		j++
	}
	y := n[0]*1000 + n[1]*100 + n[2]*10 + n[3]
	mo := n[4]*10 + n[5]
	d := n[6]*10 + n[7]
	h := n[8]*10 + n[9]
	mi := n[10]*10 + n[11]
	s := n[12]*10 + n[13]
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	if t.Day() != d { // e.g. 20150231
		return time.Time{}, false
	}
	return t, true
}

// ParseRequestTime parses the value of an X-Amz-Date or Date header. Accepted
// forms: amz-date (20060102T150405Z), RFC 3339 / ISO 8601 with a zone,
// RFC 7231 IMF-fixdate, RFC 850 and ANSI C asctime. The result is UTC and
// truncated to whole seconds. Anything else is an error wrapping ErrBadDate.
func ParseRequestTime(v string) (time.Time, error) {
	if t, ok := parseAmzDateFast(v); ok {
		return t, nil
	}
	return parseRequestTimeSlow(v)
}

func parseRequestTimeSlow(v string) (time.Time, error) {
	if t, err := http.ParseTime(v); err == nil {
		return t.UTC().Truncate(time.Second), nil
	}
	for _, layout := range [...]string{
		time.RFC3339Nano,
		"20060102T150405-0700",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05.999999999Z0700",
		time.RFC1123Z,
		time.RFC1123,
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC().Truncate(time.Second), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is not an amz-date, ISO 8601, IMF-fixdate, RFC 850 or asctime value", ErrBadDate, v)
}
