package signer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unsafe"
)

// This file holds the canonicalisation primitives shared by signing,
// presigning and verification. All of them append to caller-owned buffers so
// that the signing hot path does not allocate.

const upperHex = "0123456789ABCDEF"

// unreserved[c] is true for the RFC 3986 unreserved set A-Z a-z 0-9 - . _ ~.
var unreserved = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~'
	}
	return
}()

// ErrBadEscape is wrapped by errors about malformed percent-escapes in a
// request's path or query.
var ErrBadEscape = errors.New("signer: malformed percent-escape")

// UriEncode returns s encoded the way SigV4 requires: the unreserved set is
// kept, every other byte becomes %XX with uppercase hex. With keepSlash, '/'
// is kept (paths); without it, '/' becomes %2F (query names and values).
func UriEncode(s string, keepSlash bool) string {
	return string(appendURIEncode(nil, s, keepSlash))
}

func appendURIEncode(dst []byte, s string, keepSlash bool) []byte {
	run := 0
	for run < len(s) && (unreserved[s[run]] || s[run] == '/' && keepSlash) {
		run++
	}
	dst = append(dst, s[:run]...)
	for i := run; i < len(s); i++ {
		c := s[i]
		if unreserved[c] || c == '/' && keepSlash {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendDecodeEncode percent-decodes s (with '+' meaning a space when
// plusIsSpace) and appends the strict UriEncode of the decoded bytes. It is
// the "decode, then encode exactly once" step used for query components and
// for S3 paths, so an already-escaped %3D stays %3D and is never doubled.
func appendDecodeEncode(dst []byte, s string, keepSlash, plusIsSpace bool) ([]byte, error) {
	// Copy the leading run that needs no work in one go.
	run := 0
	for run < len(s) && (unreserved[s[run]] || s[run] == '/' && keepSlash) {
		run++
	}
	dst = append(dst, s[:run]...)
	for i := run; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) {
				return dst, fmt.Errorf("%w: %q", ErrBadEscape, s)
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return dst, fmt.Errorf("%w: %q", ErrBadEscape, s)
			}
			c = hi<<4 | lo
			i += 2
			// A decoded '/' inside an S3 key is data, not a separator.
			if unreserved[c] {
				dst = append(dst, c)
			} else {
				dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
			}
			continue
		case c == '+' && plusIsSpace:
			dst = append(dst, "%20"...)
			continue
		}
		if unreserved[c] || c == '/' && keepSlash {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst, nil
}

// simplePath[c] is true for bytes that every encoding step leaves alone in a
// path: the unreserved set and '/'.
var simplePath = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = unreserved[c] || c == '/'
	}
	return
}()

func isSimplePath(p string) bool {
	for i := 0; i < len(p); i++ {
		if !simplePath[p[i]] {
			return false
		}
	}
	return true
}

// plainPathClass classifies path bytes for isPlainPath: 0 for bytes that
// need encoding, 2 for '/' and '.', 1 for the rest of the unreserved set.
var plainPathClass = func() (t [256]uint8) {
	for c := range t {
		if unreserved[c] {
			t[c] = 1
		}
	}
	t['/'], t['.'] = 2, 2
	return
}()

// isPlainPath reports whether p starts with '/' and has only unreserved
// bytes and '/', and no "//" or "/." that normalisation could act on.
// Such a path is its own canonical URI whether it is encoded once or twice
// and whether it is normalised or not.
func isPlainPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 1; i < len(p); i++ {
		switch plainPathClass[p[i]] {
		case 0:
			return false
		case 2:
			if p[i-1] == '/' {
				return false
			}
		}
	}
	return true
}

// wirePath returns the path exactly as net/http puts it on the request line:
// URL.Opaque (minus a leading "//host"), else URL.EscapedPath() (RawPath when
// it is a valid encoding of Path). An empty result means "/".
func wirePath(u *url.URL) (path string, opaquePrefix string) {
	if u.Opaque != "" {
		op := u.Opaque
		if i := strings.IndexByte(op, '?'); i >= 0 {
			op = op[:i]
		}
		if strings.HasPrefix(op, "//") {
			if i := strings.IndexByte(op[2:], '/'); i >= 0 {
				return op[2+i:], op[:2+i]
			}
			return "", op
		}
		return op, ""
	}
	if u.RawPath == "" && isSimplePath(u.Path) {
		return u.Path, "" // EscapedPath would return Path unchanged
	}
	return u.EscapedPath(), ""
}

// needsNormalize reports whether path could change under normalizePath.
func needsNormalize(p string) bool {
	if p == "" || p[0] != '/' {
		return true
	}
	for i := 0; i+1 < len(p); i++ {
		if p[i] == '/' && (p[i+1] == '/' || p[i+1] == '.') {
			return true
		}
	}
	return false
}

// appendNormalizedEncoded appends p with "." and ".." segments removed (RFC
// 3986 §5.2.4) and runs of '/' collapsed, each kept segment UriEncoded. The
// result starts with '/'; a trailing '/' is kept when the input ended in '/'
// and something is left ("/a/b/.." → "/a"). segs is scratch space.
func appendNormalizedEncoded(dst []byte, p string, segs []int) ([]byte, []int) {
	segs = segs[:0]
	i := 0
	var seg string
	for {
		j := strings.IndexByte(p[i:], '/')
		end := len(p)
		if j >= 0 {
			end = i + j
		}
		seg = p[i:end]
		switch seg {
		case "", ".":
		case "..":
			if len(segs) >= 2 {
				segs = segs[:len(segs)-2]
			}
		default:
			segs = append(segs, i, end)
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	// A trailing '/' survives only when the input ended in one.
	trailing := seg == ""
	dst = append(dst, '/')
	for k := 0; k < len(segs); k += 2 {
		if k > 0 {
			dst = append(dst, '/')
		}
		dst = appendURIEncode(dst, p[segs[k]:segs[k+1]], false)
	}
	if trailing && len(segs) > 0 {
		dst = append(dst, '/')
	}
	return dst, segs
}

// appendCanonicalURI appends the canonical URI for the wire path.
//
// Non-S3 (doubleEncode): the wire path, optionally normalised, UriEncoded
// again with '/' kept ("/a%20b" → "/a%2520b").
// S3 (!doubleEncode): the wire path decoded and UriEncoded exactly once, never
// normalised ("/test$file.text" → "/test%24file.text", "/a%2Bb" → "/a%2Bb").
func appendCanonicalURI(dst []byte, wire string, doubleEncode, normalize bool, segs []int) ([]byte, []int, error) {
	if wire == "" {
		return append(dst, '/'), segs, nil
	}
	if !doubleEncode {
		start := len(dst)
		if wire[0] != '/' {
			dst = append(dst, '/')
		}
		var err error
		dst, err = appendDecodeEncode(dst, wire, true, false)
		if err != nil {
			return dst[:start], segs, err
		}
		return dst, segs, nil
	}
	if normalize && needsNormalize(wire) {
		dst, segs = appendNormalizedEncoded(dst, wire, segs)
		return dst, segs, nil
	}
	return appendURIEncode(dst, wire, true), segs, nil
}

func appendURIEncodeBytes(dst []byte, s []byte, keepSlash bool) []byte {
	for _, c := range s {
		if unreserved[c] || c == '/' && keepSlash {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// qpair is one canonical query parameter: encoded name and value as offsets
// into a source buffer (the scratch buffer, or the raw query itself when it
// is already canonical), and the name's sort prefix (see namePrefix).
type qpair struct {
	pre            uint64
	k0, k1, v0, v1 int32
}

// bytesPrefix is namePrefix for b[k0:k1].
func bytesPrefix(b []byte, k0, k1 int32) uint64 {
	if k1-k0 >= 8 {
		return binary.BigEndian.Uint64(b[k0:])
	}
	var x uint64
	for i, c := range b[k0:k1] {
		x |= uint64(c) << (56 - 8*i)
	}
	return x
}

// addQuery splits raw on '&', each part on the first '=', decodes and
// strictly re-encodes both sides into scratch and records the pairs. A part
// without '=' is a name with an empty value. skip, when set, drops pairs
// whose raw name (decoded) it accepts — used by presigned verification to
// leave out X-Amz-Signature.
func addQuery(scratch []byte, pairs []qpair, raw string, skip func(name []byte) bool) ([]byte, []qpair, error) {
	if skip == nil {
		// Already strictly encoded: split a copy, no per-byte re-encoding.
		if p, ok := splitCanonicalQuery(pairs, raw, int32(len(scratch))); ok {
			return append(scratch, raw...), p, nil
		}
	}
	for raw != "" {
		var part string
		if i := strings.IndexByte(raw, '&'); i >= 0 {
			part, raw = raw[:i], raw[i+1:]
		} else {
			part, raw = raw, ""
		}
		if part == "" {
			continue
		}
		name, value := part, ""
		if i := strings.IndexByte(part, '='); i >= 0 {
			name, value = part[:i], part[i+1:]
		}
		k0 := len(scratch)
		var err error
		scratch, err = appendDecodeEncode(scratch, name, false, true)
		if err != nil {
			return scratch, pairs, fmt.Errorf("query name: %w", err)
		}
		k1 := len(scratch)
		if skip != nil && skip(scratch[k0:k1]) {
			scratch = scratch[:k0]
			continue
		}
		scratch, err = appendDecodeEncode(scratch, value, false, true)
		if err != nil {
			return scratch, pairs, fmt.Errorf("query value: %w", err)
		}
		pairs = append(pairs, qpair{0, int32(k0), int32(k1), int32(k1), int32(len(scratch))})
	}
	for i := range pairs {
		pairs[i].pre = bytesPrefix(scratch, pairs[i].k0, pairs[i].k1)
	}
	return scratch, pairs, nil
}

// Byte classes of query text for splitCanonicalQuery.
const (
	qcBad   = iota // must be encoded
	qcPlain        // unreserved
	qcAmp
	qcEq
	qcPct
)

var queryClass = func() (t [256]uint8) {
	for c := range t {
		if unreserved[c] {
			t[c] = qcPlain
		}
	}
	t['&'], t['='], t['%'] = qcAmp, qcEq, qcPct
	return
}()

// splitCanonicalQuery appends the pairs of raw, as offsets into raw plus
// base, if raw is already canonical text: decoding and strictly re-encoding
// each component leaves it unchanged, that is only unreserved bytes, '&', at
// most one '=' per part, and %XX escapes (uppercase hex) of bytes that must
// stay escaped. It reports false, with pairs beyond their original length
// undefined, if raw is not.
func splitCanonicalQuery(pairs []qpair, raw string, base int32) ([]qpair, bool) {
	start, eq := 0, -1
	for i := 0; ; i++ {
		for i < len(raw) && queryClass[raw[i]] == qcPlain {
			i++
		}
		if i == len(raw) || raw[i] == '&' {
			if i > start {
				k1, v0 := i, i
				if eq >= 0 {
					k1, v0 = eq, eq+1
				}
				pairs = append(pairs, qpair{prefixAt(raw, start, k1), base + int32(start), base + int32(k1), base + int32(v0), base + int32(i)})
			}
			if i == len(raw) {
				return pairs, true
			}
			start, eq = i+1, -1
			continue
		}
		switch queryClass[raw[i]] {
		case qcEq:
			if eq >= 0 {
				return pairs, false
			}
			eq = i
		case qcPct:
			if i+2 >= len(raw) {
				return pairs, false
			}
			h, l := raw[i+1], raw[i+2]
			if !(h >= '0' && h <= '9' || h >= 'A' && h <= 'F') || !(l >= '0' && l <= '9' || l >= 'A' && l <= 'F') {
				return pairs, false
			}
			hv, _ := unhex(h)
			lv, _ := unhex(l)
			if unreserved[hv<<4|lv] {
				return pairs, false // %41 must become A
			}
			i += 2
		default:
			return pairs, false
		}
	}
}

// addPair appends an already-encoded name and a value that still needs strict encoding.
func addPair(scratch []byte, pairs []qpair, name string, value []byte) ([]byte, []qpair) {
	k0 := len(scratch)
	scratch = append(scratch, name...)
	k1 := len(scratch)
	scratch = appendURIEncodeBytes(scratch, value, false)
	return scratch, append(pairs, qpair{namePrefix(name), int32(k0), int32(k1), int32(k1), int32(len(scratch))})
}

func cmpPair(src []byte, a, b *qpair) int {
	if a.pre != b.pre {
		if a.pre < b.pre {
			return -1
		}
		return 1
	}
	if c := bytes.Compare(src[a.k0:a.k1], src[b.k0:b.k1]); c != 0 {
		return c
	}
	return bytes.Compare(src[a.v0:a.v1], src[b.v0:b.v1])
}

// sortPairs sorts by encoded name, then encoded value (byte order).
func sortPairs(src []byte, pairs []qpair) {
	if len(pairs) > 24 {
		slices.SortFunc(pairs, func(a, b qpair) int { return cmpPair(src, &a, &b) })
		return
	}
	for i := 1; i < len(pairs); i++ {
		for j := i; j > 0 && cmpPair(src, &pairs[j-1], &pairs[j]) > 0; j-- {
			pairs[j-1], pairs[j] = pairs[j], pairs[j-1]
		}
	}
}

// appendPairs appends the sorted pairs as name=value joined by '&'.
func appendPairs(dst, src []byte, pairs []qpair) []byte {
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		if p.v0 == p.k1+1 && src[p.k1] == '=' {
			dst = append(dst, src[p.k0:p.v1]...) // name=value as it stands in raw text
			continue
		}
		dst = append(dst, src[p.k0:p.k1]...)
		dst = append(dst, '=')
		dst = append(dst, src[p.v0:p.v1]...)
	}
	return dst
}

// CanonicalQuery returns the canonical query string for a raw query as the
// caller wrote it: split on '&' and '=', decoded ('+' is a space), strictly
// re-encoded, sorted by name then value.
func CanonicalQuery(raw string) (string, error) {
	scratch, pairs, err := addQuery(nil, nil, raw, nil)
	if err != nil {
		return "", err
	}
	sortPairs(scratch, pairs)
	return string(appendPairs(nil, scratch, pairs)), nil
}

func isHeaderSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// appendHeaderValue appends v trimmed, with every run of spaces, tabs and
// line breaks (obs-fold) collapsed to one space.
func appendHeaderValue(dst []byte, v string) []byte {
	i, j := 0, len(v)
	for i < j && isHeaderSpace(v[i]) {
		i++
	}
	for j > i && isHeaderSpace(v[j-1]) {
		j--
	}
	v = v[i:j]
	// Fast path: nothing to collapse.
	if isCleanValue(v) {
		return append(dst, v...)
	}
	space := false
	for k := 0; k < len(v); k++ {
		c := v[k]
		if isHeaderSpace(c) {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// isCleanValue reports whether v (already trimmed) has no tab, CR, LF and
// no run of two spaces, i.e. is its own canonical form.
func isCleanValue(v string) bool {
	// Test 16 bytes at a time for a byte <= ' ', and look at the bytes
	// themselves only where there is one. The tail is covered by re-testing
	// the last 8 bytes.
	b := unsafe.Slice(unsafe.StringData(v), len(v))
	n := len(b)
	if n < 8 {
		return cleanBytes(b, 0, n)
	}
	i := 0
	for ; i+16 <= n; i += 16 {
		w := b[i : i+16 : i+16]
		if lowBytes(binary.LittleEndian.Uint64(w))|lowBytes(binary.LittleEndian.Uint64(w[8:])) != 0 && !cleanBytes(b, i, i+16) {
			return false
		}
	}
	if i+8 <= n && lowBytes(binary.LittleEndian.Uint64(b[i:])) != 0 && !cleanBytes(b, i, i+8) {
		return false
	}
	if i < n && lowBytes(binary.LittleEndian.Uint64(b[n-8:])) != 0 && !cleanBytes(b, n-8, n) {
		return false
	}
	return true
}

// lowBytes is non-zero if a byte of x is <= ' ' (SWAR: a byte below 0x21
// makes x - 0x21.. borrow into its high bit; bytes >= 0x80 are masked out;
// borrows only add false alarms above a true one).
func lowBytes(x uint64) uint64 {
	return (x - 0x2121212121212121) &^ x & 0x8080808080808080
}

// cleanBytes is isCleanValue's test for the bytes b[i:j] (a space there
// must not be followed by another, in b).
func cleanBytes(b []byte, i, j int) bool {
	for ; i < j && i < len(b); i++ {
		if c := b[i]; c <= ' ' && (c != ' ' || i+1 < len(b) && b[i+1] == ' ') {
			return false
		}
	}
	return true
}

// appendLower appends s in ASCII lower case.
func appendLower(dst []byte, s string) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(s))[:n+len(s)]
	out := dst[n:]
	for i := 0; i < len(s) && i < len(out); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return dst
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// cmpLower compares a and b as if both were ASCII lower-cased.
func cmpLower(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := lowerByte(a[i]), lowerByte(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// stripDefaultPort removes ":80" for http and ":443" for https (IPv6 literals
// keep their brackets). Other ports, and ports on other schemes, are kept.
func stripDefaultPort(host, scheme string) string {
	var port string
	switch {
	case scheme == "https", len(scheme) == 5 && strings.EqualFold(scheme, "https"):
		port = ":443"
	case scheme == "http", len(scheme) == 4 && strings.EqualFold(scheme, "http"):
		port = ":80"
	default:
		return host
	}
	if strings.HasSuffix(host, port) {
		h := host[:len(host)-len(port)]
		if strings.HasPrefix(h, "[") && !strings.HasSuffix(h, "]") {
			return host
		}
		if !strings.HasPrefix(h, "[") && strings.IndexByte(h, ':') >= 0 {
			return host // bare IPv6 without brackets: not a port
		}
		return h
	}
	return host
}
