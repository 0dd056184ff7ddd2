package signer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Algorithm selects the signature algorithm.
type Algorithm int

const (
	// SigV4 is AWS4-HMAC-SHA256 (the zero value).
	SigV4 Algorithm = iota
	// SigV4A is AWS4-ECDSA-P256-SHA256 (multi-region, ECDSA P-256).
	SigV4A
)

const (
	algV4  = "AWS4-HMAC-SHA256"
	algV4A = "AWS4-ECDSA-P256-SHA256"
)

// The parts of an Authorization value after the algorithm.
const (
	authCredential    = " Credential="
	authSignedHeaders = ", SignedHeaders="
	authSignature     = ", Signature="
)

// String returns the algorithm's wire name.
func (a Algorithm) String() string {
	if a == SigV4A {
		return algV4A
	}
	return algV4
}

// SessionTokenMode says where the session token of temporary credentials goes.
type SessionTokenMode int

const (
	// TokenSigned (default) adds X-Amz-Security-Token before signing and signs
	// it: a header in SignedHeaders, or a parameter in a presigned URL's
	// canonical query.
	TokenSigned SessionTokenMode = iota
	// TokenAppendUnsigned adds the token after the signature was computed and
	// leaves it out of the canonical request (AWS IoT Core over WebSocket).
	TokenAppendUnsigned
	// TokenOmit never sends the token.
	TokenOmit
)

// Override is a three-way switch for behaviour that defaults by service.
type Override int8

const (
	// Auto uses the per-service default.
	Auto Override = iota
	// ForceOn turns the behaviour on regardless of service.
	ForceOn
	// ForceOff turns the behaviour off regardless of service.
	ForceOff
)

func (o Override) apply(def bool) bool {
	switch o {
	case ForceOn:
		return true
	case ForceOff:
		return false
	}
	return def
}

// Params are the per-request signing parameters.
type Params struct {
	// Service is the signing name, e.g. "execute-api", "s3", "es".
	Service string
	// Region is the scope region for SigV4, and the region set ("*" or
	// "us-east-1,us-west-2") for SigV4A.
	Region string
	// Algorithm is SigV4 (default) or SigV4A.
	Algorithm Algorithm
	// SessionToken says where a session token goes (default: signed).
	SessionToken SessionTokenMode

	// DoubleEncodePath: on (default for every service except the S3 family)
	// UriEncodes the wire path again ("/a%20b" → "/a%2520b"); off (default
	// for s3, s3express, s3-outposts, s3-object-lambda) decodes the wire path
	// and encodes it once, and rewrites the request so that exactly that
	// encoding is sent.
	DoubleEncodePath Override
	// NormalizePath removes "." and ".." segments and collapses "//" in the
	// canonical URI. Default: on, except for the S3 family (never).
	NormalizePath Override
	// ContentSHA256Header adds x-amz-content-sha256 (the payload hash) as a
	// signed header. Default: on for the S3 family and "aoss". Header signing
	// only; presigned URLs never carry it.
	ContentSHA256Header Override
	// UnsignedHeaders names extra headers (case-insensitive) that are sent
	// but never signed, e.g. headers a proxy is known to rewrite.
	UnsignedHeaders []string
}

// IsS3Service reports whether service uses S3's path rules (single encoding,
// no normalisation) and needs x-amz-content-sha256.
func IsS3Service(service string) bool {
	switch service {
	case "s3", "s3express", "s3-outposts", "s3-object-lambda":
		return true
	}
	return false
}

type resolved struct {
	doubleEncode, normalize, addSHA bool
	s3                              bool
}

func (p *Params) resolve() resolved {
	s3 := IsS3Service(p.Service)
	return resolved{
		s3:           s3,
		doubleEncode: p.DoubleEncodePath.apply(!s3),
		normalize:    p.NormalizePath.apply(!s3),
		addSHA:       p.ContentSHA256Header.apply(s3 || p.Service == "aoss"),
	}
}

// Errors returned by the signer. None of them contains secret material.
var (
	ErrMissingScope       = errors.New("signer: service and region must be set")
	ErrNoHost             = errors.New("signer: request has no host")
	ErrMissingCredentials = errors.New("signer: credentials have no access key id or secret")
	ErrPayloadHash        = errors.New("signer: invalid payload hash")
	ErrDuplicateDate      = errors.New("signer: request carries more than one X-Amz-Date or Date value")
	ErrExpires            = errors.New("signer: presign expiry must be between 1s and 604800s (7 days)")
	ErrAlreadyPresigned   = errors.New("signer: request query already carries presign parameters")
)

// Signer signs requests with SigV4 / SigV4A. It is safe for concurrent use
// and caches derived keys (per access key, secret, UTC date, region and
// service for SigV4; per access key and secret for SigV4A).
type Signer struct {
	now      func() time.Time
	skew     atomic.Int64 // nanoseconds added to the clock
	lastDate atomic.Pointer[dateMemo]
	cache    keyCache
	v4a      v4aCache
}

// Option configures a Signer.
type Option func(*Signer)

// WithClock injects the clock used when a request carries no date.
func WithClock(now func() time.Time) Option {
	return func(s *Signer) { s.now = now }
}

// New returns a Signer.
func New(opts ...Option) *Signer {
	s := &Signer{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// dateMemo remembers the last second formatted (most signatures of a busy
// signer fall in the same second).
type dateMemo struct {
	sec int64
	s   string // amz-date; also the X-Amz-Date value SignHTTP sets
	day int32  // YYYYMMDD
}

// clockDate returns the signer's current time (clock + skew, UTC, whole
// seconds) as an amz-date and its day.
func (s *Signer) clockDate() *dateMemo {
	sec := s.clock()().Unix() + s.skew.Load()/int64(time.Second)
	if skew := s.skew.Load() % int64(time.Second); skew != 0 {
		sec = s.Now().Unix()
	}
	if m := s.lastDate.Load(); m != nil && m.sec == sec {
		return m
	}
	var buf [16]byte
	d := appendAmzDate(buf[:0], time.Unix(sec, 0).UTC())
	m := &dateMemo{sec: sec, s: string(d), day: amzDay(d)}
	s.lastDate.Store(m)
	return m
}

// amzDay returns the YYYYMMDD of an amz-date as a number.
func amzDay(d []byte) int32 {
	return int32(d[0]-'0')*10000000 + int32(d[1]-'0')*1000000 + int32(d[2]-'0')*100000 + int32(d[3]-'0')*10000 +
		int32(d[4]-'0')*1000 + int32(d[5]-'0')*100 + int32(d[6]-'0')*10 + int32(d[7]-'0')
}

// SetSkew sets the offset added to the clock (server time minus local
// time), typically after a RequestTimeTooSkewed answer; see SkewFromResponse.
func (s *Signer) SetSkew(d time.Duration) { s.skew.Store(int64(d)) }

// Skew returns the current clock offset.
func (s *Signer) Skew() time.Duration { return time.Duration(s.skew.Load()) }

// Now returns the signer's clock plus its skew offset, in UTC.
func (s *Signer) Now() time.Time {
	return s.clock()().Add(time.Duration(s.skew.Load())).UTC()
}

// clock returns the injected clock, or time.Now for a zero Signer.
func (s *Signer) clock() func() time.Time {
	if s.now == nil {
		return time.Now
	}
	return s.now
}

// header classes
const (
	hcNormal uint8 = iota
	hcSkip         // never signed (hop-by-hop, mutable, or handled elsewhere)
	hcHost
	hcContentLength
	hcAuthorization
	hcAmzDate
	hcDate
	hcToken
	hcContentSHA
	hcRegionSet
)

// classify sorts a header name into the classes the signer treats specially.
// Never signed: Authorization, Connection, Expect, Keep-Alive,
// Proxy-Authorization, Proxy-Connection, TE, Trailer, Transfer-Encoding,
// Upgrade, User-Agent, X-Amzn-Trace-Id. Host and Content-Length come from
// the request fields (what net/http actually sends), not from Header.
func classify(k string) uint8 {
	switch len(k) {
	case 2:
		if strings.EqualFold(k, "te") {
			return hcSkip
		}
	case 4:
		if strings.EqualFold(k, "host") {
			return hcHost
		}
		if strings.EqualFold(k, "date") {
			return hcDate
		}
	case 6:
		if strings.EqualFold(k, "expect") {
			return hcSkip
		}
	case 7:
		if strings.EqualFold(k, "upgrade") || strings.EqualFold(k, "trailer") {
			return hcSkip
		}
	case 10:
		if strings.EqualFold(k, "x-amz-date") {
			return hcAmzDate
		}
		if strings.EqualFold(k, "user-agent") || strings.EqualFold(k, "connection") || strings.EqualFold(k, "keep-alive") {
			return hcSkip
		}
	case 13:
		if strings.EqualFold(k, "authorization") {
			return hcAuthorization
		}
	case 14:
		if strings.EqualFold(k, "content-length") {
			return hcContentLength
		}
	case 15:
		if strings.EqualFold(k, "x-amzn-trace-id") {
			return hcSkip
		}
	case 16:
		if strings.EqualFold(k, "x-amz-region-set") {
			return hcRegionSet
		}
		if strings.EqualFold(k, "proxy-connection") {
			return hcSkip
		}
	case 17:
		if strings.EqualFold(k, "transfer-encoding") {
			return hcSkip
		}
	case 19:
		if strings.EqualFold(k, "proxy-authorization") {
			return hcSkip
		}
	case 20:
		if strings.EqualFold(k, "x-amz-security-token") {
			return hcToken
		}
		if strings.EqualFold(k, "x-amz-content-sha256") {
			return hcContentSHA
		}
	}
	return hcNormal
}

// hentry is one header contributing to the canonical headers: either a
// Header map entry (key as in the map, vals) or a synthetic one (lower-case
// name and a value already in canonical form).
type hentry struct {
	pre  uint64   // namePrefix(lk): sort key that settles almost every comparison
	lk   string   // lower-case name (points into state.names for map entries)
	key  string   // name as in the map; "" for synthetic entries
	vals []string // map values; nil for synthetic entries
	val  string   // synthetic entry's value
}

// setStr stores v into *p unless *p already is v (the same bytes in
// memory). Most string fields of the pooled state get the same string
// signature after signature, and a store is a GC write barrier.
func setStr(p *string, v string) {
	if len(*p) != len(v) || unsafe.StringData(*p) != unsafe.StringData(v) {
		*p = v
	}
}

// keep stores b, built by appending to (*p)[:0], back into *p. While b is
// still in *p's array only the length changes, and x = x[:n] needs no GC
// write barrier.
func keep(p *[]byte, b []byte) {
	if unsafe.SliceData(b) == unsafe.SliceData(*p) {
		*p = (*p)[:len(b)]
	} else {
		*p = b
	}
}

// hlist collects build's header entries. The first ones go into an array
// that lives on build's stack, where storing them needs no GC write
// barriers; more spill into a heap slice.
type hlist struct {
	n    int
	arr  [12]hentry
	more []hentry // all entries, once there are more than len(arr)
}

func (l *hlist) add(e hentry) {
	if l.n < len(l.arr) {
		l.arr[l.n] = e
	} else {
		if l.n == len(l.arr) {
			l.more = append(make([]hentry, 0, 2*len(l.arr)), l.arr[:]...)
		}
		l.more = append(l.more, e)
	}
	l.n++
}

func (l *hlist) entries() []hentry {
	if l.n <= len(l.arr) {
		return l.arr[:l.n]
	}
	return l.more
}

// namePrefix packs the first 8 bytes of s big-endian, zero-padded, so that
// comparing prefixes orders strings like comparing the strings, except that
// equal prefixes need a full comparison. Canonical header names and encoded
// query components never contain a zero byte, so padding sorts a shorter
// string first, as byte order does.
func namePrefix(s string) uint64 {
	if len(s) >= 8 {
		return binary.BigEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))
	}
	var x uint64
	for i := 0; i < len(s); i++ {
		x |= uint64(s[i]) << (56 - 8*i)
	}
	return x
}

// prefixAt is namePrefix(s[i:j]), with one load when s has 8 bytes at i.
func prefixAt(s string, i, j int) uint64 {
	if i+8 > len(s) {
		return namePrefix(s[i:j])
	}
	x := binary.BigEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
	if n := j - i; n < 8 {
		x &= ^uint64(0) << (64 - 8*uint(n)) // keep the first n bytes
	}
	return x
}

// Sort keys of the synthetic header names.
var (
	preHost          = namePrefix("host")
	preAmzDate       = namePrefix("x-amz-date")
	preToken         = namePrefix("x-amz-security-token")
	preRegionSet     = namePrefix("x-amz-region-set")
	preContentSHA    = namePrefix("x-amz-content-sha256")
	preContentLength = namePrefix("content-length")
)

// sortHeaders sorts idx (indices into hs) by lower-cased name; equal names in
// different spellings keep net/http's wire order (sorted map keys). It
// reports whether two entries share a name: insertion sort compares any two
// such entries with each other.
func sortHeaders(hs []hentry, idx []uint8) (shared bool) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0; j-- {
			a, b := &hs[idx[j]], &hs[idx[j-1]]
			var less bool
			switch {
			case a.pre != b.pre:
				less = a.pre < b.pre
			case a.lk != b.lk:
				less = a.lk < b.lk
			default:
				shared = true
				less = a.key < b.key
			}
			if !less {
				break
			}
			idx[j-1], idx[j] = idx[j], idx[j-1]
		}
	}
	return shared
}

// appendHeaders writes the canonical header block into hb and the signed
// header list into sh in one pass over the sorted entries; shared says
// whether some entries share a name (and so a line).
func appendHeaders(hb, sh []byte, hs []hentry, idx []uint8, shared bool) ([]byte, []byte) {
	for i := 0; i < len(idx); {
		e := &hs[idx[i]]
		name := e.lk
		if i > 0 {
			sh = append(sh, ';')
		}
		sh = append(sh, name...)
		hb = append(hb, name...)
		hb = append(hb, ':')
		j := i + 1
		for shared && j < len(idx) && hs[idx[j]].pre == e.pre && hs[idx[j]].lk == name {
			j++
		}
		if j == i+1 && e.vals == nil { // the common case: one synthetic value
			hb = append(hb, e.val...)
			hb = append(hb, '\n')
			i = j
			continue
		}
		first := true
		for ; i < j; i++ {
			e := &hs[idx[i]]
			if e.vals == nil {
				if !first {
					hb = append(hb, ',')
				}
				first = false
				hb = append(hb, e.val...)
				continue
			}
			for _, v := range e.vals {
				if !first {
					hb = append(hb, ',')
				}
				first = false
				hb = appendHeaderValue(hb, v)
			}
		}
		hb = append(hb, '\n')
	}
	return hb, sh
}

// state is the pooled per-signature scratch space.
type state struct {
	buf     []byte // canonical request
	scratch []byte // encoded query components
	sh      []byte // signed header list
	sts     []byte
	sig     []byte
	mac     []byte
	pairs   []qpair
	names   []byte // lower-case header names
	hb      []byte
	segs    []int
	del     []string
	hm      hmacState
	date    [16]byte
	clen    [20]byte

	// the SHA-NI driver's HMAC input after the key blocks; outerTail's
	// padding is written once, when the state is made
	innerTail [192]byte
	outerTail [sha256.BlockSize]byte
	memo      *stsMemo // the SHA-NI path's string-to-sign start; nil when st.sts holds it all

	// results of build
	amzDate                        []byte
	dateStr                        string // amzDate as a string, when taken from the clock
	entry                          *keyEntry
	scope, credential              string
	host                           string // host, default port stripped
	hostVal                        string // its canonical header value
	hostIn, schemeIn               string // what host and hostVal were made from
	hostChanged                    bool
	uri0, uri1                     int
	addDate, addToken, addSHA      bool
	addRegion, appendToken         bool
	payloadHash                    string
	alg                            Algorithm
	rewritePath                    bool
	wire                           string
	opaquePrefix                   string
	tokenInQuery, regionSetInQuery bool
	presignToken                   string
}

var statePool = sync.Pool{New: func() any {
	return &state{
		buf:       make([]byte, 0, 1024),
		scratch:   make([]byte, 0, 256),
		sh:        make([]byte, 0, 128),
		sts:       make([]byte, 0, 160),
		sig:       make([]byte, 0, 160),
		mac:       make([]byte, 0, 64),
		pairs:     make([]qpair, 0, 16),
		names:     make([]byte, 0, 256),
		hb:        make([]byte, 0, 512),
		segs:      make([]int, 0, 16),
		hm:        newHMACState(),
		outerTail: outerTail,
	}
}}

func getState() *state { return statePool.Get().(*state) }

func putState(st *state) {
	// Other fields are overwritten by the next build; the session token is
	// dropped so that a pooled state never keeps a credential alive.
	if len(st.del) > 0 {
		clear(st.del)
		st.del = st.del[:0]
	}
	if st.presignToken != "" {
		st.presignToken = ""
	}
	st.memo = nil // (key material: it goes with its key entry)
	if cap(st.buf) > 64<<10 || cap(st.scratch) > 64<<10 {
		return // don't keep huge buffers alive
	}
	statePool.Put(st)
}

// signInput describes one signing operation.
type signInput struct {
	akid, secret, token string
	key                 *SigningKey // when set, used instead of the secret
	payloadHash         string
	p                   Params
	presign             bool
	expires             int64
}

// build computes the canonical request, string to sign and signature of req
// into st. It never modifies req.
func (s *Signer) build(st *state, req *http.Request, in *signInput) error {
	p := &in.p
	if p.Service == "" || p.Region == "" {
		return ErrMissingScope
	}
	if req.URL == nil {
		return ErrNoHost
	}
	akid, token := in.akid, in.token
	if in.key != nil {
		akid, token = in.key.akid, in.key.token
	} else if akid == "" || in.secret == "" {
		return ErrMissingCredentials
	}
	r := p.resolve()
	st.alg = p.Algorithm
	tokenMode := p.SessionToken
	if token == "" {
		tokenMode = TokenOmit
	}

	// 1. Collect the headers that will be signed. The entries live on the
	// stack (see hlist): they point into the request, and pointer writes
	// into heap memory cost GC write barriers.
	var hl hlist
	// Buffers are worked on through locals and stored back once: every
	// store of a slice into the pooled state is a GC write barrier.
	names := st.names[:0]
	var amzDateVals, dateVals, shaVals []string
	explicitCL := false
	for k, v := range req.Header {
		if len(v) == 0 {
			continue // net/http does not send a key without values
		}
		switch classify(k) {
		case hcSkip, hcHost:
			continue
		case hcContentLength:
			explicitCL = true
			continue
		case hcAuthorization:
			if k != "Authorization" {
				st.del = append(st.del, k)
			}
			continue
		case hcAmzDate:
			if amzDateVals != nil {
				return ErrDuplicateDate
			}
			amzDateVals = v
			if in.presign {
				continue
			}
		case hcDate:
			if dateVals != nil {
				return ErrDuplicateDate
			}
			dateVals = v
			if in.presign {
				continue
			}
		case hcToken:
			if tokenMode != TokenOmit {
				// replaced by the credentials' token (signed) or appended later
				if k != "X-Amz-Security-Token" {
					st.del = append(st.del, k)
				}
				continue
			}
		case hcContentSHA:
			if shaVals != nil {
				return fmt.Errorf("%w: more than one x-amz-content-sha256 header", ErrPayloadHash)
			}
			shaVals = v
		case hcRegionSet:
			if p.Algorithm == SigV4A {
				if k != "X-Amz-Region-Set" {
					st.del = append(st.del, k)
				}
				continue
			}
		}
		if len(p.UnsignedHeaders) > 0 && containsFold(p.UnsignedHeaders, k) {
			continue
		}
		// The lower-case name points into names. Should names grow, the
		// earlier names stay valid in the old array, which they keep alive.
		n0 := len(names)
		names = appendLower(names, k)
		lk := unsafe.String(unsafe.SliceData(names[n0:]), len(k))
		hl.add(hentry{pre: namePrefix(lk), lk: lk, key: k, vals: v})
	}
	if cap(names) != cap(st.names) {
		st.names = names // grown: keep the larger buffer
	}

	// 2. Signing time: the request's own X-Amz-Date or Date, else the clock.
	st.addDate = false
	var t time.Time
	var day int32
	switch {
	case amzDateVals != nil:
		if len(amzDateVals) != 1 {
			return ErrDuplicateDate
		}
		var err error
		if t, err = ParseRequestTime(strings.TrimSpace(amzDateVals[0])); err != nil {
			return fmt.Errorf("X-Amz-Date: %w", err)
		}
		appendAmzDate(st.date[:0], t)
	case dateVals != nil:
		if len(dateVals) != 1 {
			return ErrDuplicateDate
		}
		var err error
		if t, err = ParseRequestTime(strings.TrimSpace(dateVals[0])); err != nil {
			return fmt.Errorf("Date: %w", err)
		}
		appendAmzDate(st.date[:0], t)
	default:
		m := s.clockDate()
		copy(st.date[:], m.s)
		setStr(&st.dateStr, m.s)
		day = m.day
		st.addDate = !in.presign
	}
	if st.amzDate == nil {
		st.amzDate = st.date[:] // the same slice every time, stored once
	}
	if day == 0 {
		day = amzDay(st.amzDate)
	}

	// 3. Key and scope.
	if p.Algorithm == SigV4A {
		st.scope = string(st.amzDate[:8]) + "/" + p.Service + "/aws4_request"
		st.credential = akid + "/" + st.scope
		st.entry = nil
	} else {
		var e *keyEntry
		if in.key != nil {
			var err error
			if e, err = in.key.entryFor(day, st.amzDate[:8], p.Region, p.Service); err != nil {
				return err
			}
		} else {
			e = s.cache.get(akid, in.secret, day, st.amzDate[:8], p.Region, p.Service)
		}
		if st.entry != e { // (a SigV4A build leaves the entry nil)
			st.entry, st.scope, st.credential = e, e.scope, e.credential
		}
	}

	// 4. Payload hash and x-amz-content-sha256.
	ph := in.payloadHash
	st.addSHA = false
	if shaVals != nil && !in.presign {
		if len(shaVals) != 1 {
			return fmt.Errorf("%w: more than one x-amz-content-sha256 value", ErrPayloadHash)
		}
		hv := strings.TrimSpace(shaVals[0])
		if ph == "" {
			ph = hv
		} else if hv != ph {
			return fmt.Errorf("%w: x-amz-content-sha256 header %q differs from the payload hash %q", ErrPayloadHash, hv, ph)
		}
	}
	if ph == "" {
		if in.presign && r.s3 {
			ph = UnsignedPayload
		} else {
			ph = EmptyPayloadHash
		}
	}
	if ph != EmptyPayloadHash && ph != UnsignedPayload && !validPayloadHash(ph) {
		return fmt.Errorf("%w: %q is neither a lowercase hex SHA-256 nor a payload marker", ErrPayloadHash, ph)
	}
	setStr(&st.payloadHash, ph)

	// 5. Synthetic headers.
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if host == "" {
		return ErrNoHost
	}
	if host != st.hostIn || req.URL.Scheme != st.schemeIn {
		// (A pooled state mostly signs for the host it signed for last.)
		st.host = stripDefaultPort(host, req.URL.Scheme)
		st.hostVal = canonicalValue(st.host)
		st.hostIn, st.schemeIn = host, req.URL.Scheme
	}
	st.hostChanged = len(st.host) != len(host) // (only a default port is ever stripped)
	hl.add(hentry{pre: preHost, lk: "host", val: st.hostVal})
	if st.addDate {
		hl.add(hentry{pre: preAmzDate, lk: "x-amz-date", val: st.dateStr})
	}
	st.addToken, st.appendToken, st.tokenInQuery = false, false, false
	switch tokenMode {
	case TokenSigned:
		if in.presign {
			st.tokenInQuery = true
		} else {
			st.addToken = true
			hl.add(hentry{pre: preToken, lk: "x-amz-security-token", val: canonicalValue(token)})
		}
	case TokenAppendUnsigned:
		st.appendToken = true
	}
	if in.presign {
		st.presignToken = token // (SignHTTP's apply gets the token from its caller)
	}
	st.addRegion, st.regionSetInQuery = false, false
	if p.Algorithm == SigV4A {
		if in.presign {
			st.regionSetInQuery = true
		} else {
			st.addRegion = true
			hl.add(hentry{pre: preRegionSet, lk: "x-amz-region-set", val: canonicalValue(p.Region)})
		}
	}
	if !in.presign && r.addSHA && shaVals == nil {
		st.addSHA = true
		hl.add(hentry{pre: preContentSHA, lk: "x-amz-content-sha256", val: ph})
	}
	if n, ok := signedContentLength(req, explicitCL); ok && !(len(p.UnsignedHeaders) > 0 && containsFold(p.UnsignedHeaders, "content-length")) {
		cl := strconv.AppendInt(st.clen[:0], n, 10)
		hl.add(hentry{pre: preContentLength, lk: "content-length", val: unsafe.String(&st.clen[0], len(cl))})
	}
	hs := hl.entries()
	if len(hs) > 255 {
		return errors.New("signer: too many headers")
	}
	var idxBuf [32]uint8
	idx := idxBuf[:0]
	for i := range hs {
		idx = append(idx, uint8(i))
	}
	shared := sortHeaders(hs, idx)

	// 6. Canonical headers and the signed header list, in one pass.
	if in.presign { // the query needs the signed header list first
		st.hb, st.sh = appendHeaders(st.hb[:0], st.sh[:0], hs, idx, shared)
	}

	// 7. Canonical request.
	b := st.buf[:0]
	if req.Method == "" {
		b = append(b, "GET"...)
	} else {
		b = append(b, req.Method...)
	}
	b = append(b, '\n')
	st.uri0 = len(b)
	var err error
	if u := req.URL; u.Opaque == "" && u.RawPath == "" && isPlainPath(u.Path) {
		// The common case: such a path is its own wire form and its own
		// canonical URI in every mode.
		setStr(&st.wire, u.Path)
		setStr(&st.opaquePrefix, "")
		b = append(b, u.Path...)
		st.rewritePath = false
	} else {
		st.wire, st.opaquePrefix = wirePath(u)
		b, st.segs, err = appendCanonicalURI(b, st.wire, r.doubleEncode, r.normalize, st.segs)
		if err != nil {
			st.buf = b
			return fmt.Errorf("path: %w", err)
		}
		st.rewritePath = !r.doubleEncode && st.wire != "" && string(b[st.uri0:]) != st.wire
	}
	st.uri1 = len(b)
	b = append(b, '\n')

	raw := req.URL.RawQuery
	pairs, canonical := splitCanonicalQuery(st.pairs[:0], raw, 0)
	if canonical && !in.presign {
		// Sort and join the pairs straight from raw: no copy.
		src := unsafe.Slice(unsafe.StringData(raw), len(raw))
		sortPairs(src, pairs)
		b = appendPairs(b, src, pairs)
		if cap(pairs) != cap(st.pairs) {
			st.pairs = pairs // grown: keep the larger buffer
		}
	} else {
		var scratch []byte
		if canonical { // a copy, to which the presign pairs are added
			scratch = append(st.scratch[:0], raw...)
		} else if scratch, pairs, err = addQuery(st.scratch[:0], st.pairs[:0], raw, nil); err != nil {
			st.scratch, st.pairs, st.buf = scratch, pairs, b
			return err
		}
		st.scratch, st.pairs = scratch, pairs
		if in.presign {
			if err := st.addPresignPairs(p, in.expires); err != nil {
				st.buf = b
				return err
			}
		}
		sortPairs(st.scratch, st.pairs)
		b = appendPairs(b, st.scratch, st.pairs)
	}
	b = append(b, '\n')

	if in.presign {
		b = append(b, st.hb...)
	} else {
		var sh []byte
		b, sh = appendHeaders(b, st.sh[:0], hs, idx, shared)
		keep(&st.sh, sh)
	}
	b = append(b, '\n')
	b = append(b, st.sh...)
	b = append(b, '\n')
	b = append(b, ph...)

	// 8. String to sign and signature.
	if useSHANI && p.Algorithm != SigV4A {
		// The SHA-NI driver: the padding goes after the canonical request
		// in its own buffer, and the HMAC runs on the key entry's states.
		n := len(b)
		b = appendSHAPad(b, n)
		h := sha256IV
		block(&h, b)
		keep(&st.buf, b[:n])
		// The string to sign is the memo's prefix and the hex digest,
		// which goes straight into its slot in the HMAC input; st.sts is
		// only assembled for an explanation.
		memo := st.entry.stsStart(st.amzDate, &st.hm)
		t := &st.innerTail
		tn := copy(t[:], memo.tail[:memo.tailLen])
		appendHexDigest(t[memo.hexAt:memo.hexAt], &h)
		st.memo = memo
		keep(&st.sig, st.entry.appendSigHex(st.sig[:0], memo, t[:tn], &st.outerTail))
		return nil
	}
	st.memo = nil
	keep(&st.buf, b)
	sum := sha256.Sum256(st.buf)
	// The string to sign starts with the algorithm, the date and the scope:
	// for SigV4 the key entry keeps that start, and the HMAC state after
	// its first block, for the current second.
	sts := st.sts[:0]
	var memo *stsMemo
	if p.Algorithm == SigV4A {
		sts = append(sts, algV4A...)
		sts = append(sts, '\n')
		sts = append(sts, st.amzDate...)
		sts = append(sts, '\n')
		sts = append(sts, st.scope...)
		sts = append(sts, '\n')
	} else {
		memo = st.entry.stsStart(st.amzDate, &st.hm)
		sts = append(sts, memo.prefix...)
	}
	sts = appendHex(sts, sum[:])
	keep(&st.sts, sts)

	if p.Algorithm == SigV4A {
		var sig []byte
		var err error
		if in.key != nil {
			return errors.New("signer: SigningKey objects are SigV4 only")
		}
		sig, err = s.v4a.sign(akid, in.secret, st.sts)
		if err != nil {
			return err
		}
		st.sig = hex.AppendEncode(st.sig[:0], sig)
	} else {
		mac := st.hm.sumSTS(st.mac[:0], st.entry, memo, sts)
		keep(&st.mac, mac)
		keep(&st.sig, appendHex(st.sig[:0], mac))
	}
	return nil
}

// appendHex appends the lower-case hex encoding of src (digests and
// signatures: 32 bytes), eight input bytes per round through a table of
// two-character pairs, which beats encoding/hex's per-nibble lookups.
func appendHex(dst, src []byte) []byte {
	for len(src) >= 8 {
		s := (*[8]byte)(src)
		lo := uint64(hexPairs[s[0]]) | uint64(hexPairs[s[1]])<<16 | uint64(hexPairs[s[2]])<<32 | uint64(hexPairs[s[3]])<<48
		hi := uint64(hexPairs[s[4]]) | uint64(hexPairs[s[5]])<<16 | uint64(hexPairs[s[6]])<<32 | uint64(hexPairs[s[7]])<<48
		dst = binary.LittleEndian.AppendUint64(dst, lo)
		dst = binary.LittleEndian.AppendUint64(dst, hi)
		src = src[8:]
	}
	for _, c := range src {
		dst = append(dst, lowerHex[c>>4], lowerHex[c&15])
	}
	return dst
}

const lowerHex = "0123456789abcdef"

// hexPairs[b] is the two hex digits of b, first digit in the low byte (so a
// little-endian store writes them in order).
var hexPairs = func() (t [256]uint16) {
	for i := range t {
		t[i] = uint16(lowerHex[i>>4]) | uint16(lowerHex[i&15])<<8
	}
	return
}()

// signedContentLength implements sigrun's content-length rule: content-length
// is signed exactly when net/http will send a Content-Length header, with the
// value it will send. That is req.ContentLength when the body is non-empty
// and its length known (> 0); or 0 when the caller put an explicit
// "Content-Length" header on a bodyless request whose method net/http sends
// a zero length for (anything but GET and HEAD). A length of -1 (unknown,
// sent chunked) and a chunked Transfer-Encoding are never signed.
func signedContentLength(req *http.Request, explicit bool) (int64, bool) {
	for _, te := range req.TransferEncoding {
		if te == "chunked" {
			return 0, false
		}
	}
	n := req.ContentLength
	if req.Body == nil || req.Body == http.NoBody {
		if n > 0 && req.Body == nil {
			// A length without a body: trust the field (requests built
			// for signing only, e.g. Explain or presign of a PUT).
			return n, true
		}
		n = 0
	}
	if n > 0 {
		return n, true
	}
	if n == 0 && explicit && req.Method != "GET" && req.Method != "HEAD" && req.Method != "" {
		return 0, true
	}
	return 0, false
}

// canonicalValue returns v in canonical header form, without allocating in
// the common case where it already is.
func canonicalValue(v string) string {
	if len(v) == 0 || !isHeaderSpace(v[0]) && !isHeaderSpace(v[len(v)-1]) && isCleanValue(v) {
		return v
	}
	return string(appendHeaderValue(nil, v))
}

func containsFold(list []string, k string) bool {
	for _, s := range list {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}

// presign query parameter names (already canonical: no escaping needed)
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qToken         = "X-Amz-Security-Token"
	qRegionSet     = "X-Amz-Region-Set"
	qSignature     = "X-Amz-Signature"
)

func isPresignParam(name []byte) bool {
	switch string(name) {
	case qAlgorithm, qCredential, qDate, qExpires, qSignedHeaders, qSignature:
		return true
	}
	return false
}

func (st *state) addPresignPairs(p *Params, expires int64) error {
	for _, pr := range st.pairs {
		if isPresignParam(st.scratch[pr.k0:pr.k1]) {
			return ErrAlreadyPresigned
		}
	}
	var exp [20]byte
	st.scratch, st.pairs = addPair(st.scratch, st.pairs, qAlgorithm, []byte(p.Algorithm.String()))
	st.scratch, st.pairs = addPair(st.scratch, st.pairs, qCredential, []byte(st.credential))
	st.scratch, st.pairs = addPair(st.scratch, st.pairs, qDate, st.amzDate)
	st.scratch, st.pairs = addPair(st.scratch, st.pairs, qExpires, strconv.AppendInt(exp[:0], expires, 10))
	st.scratch, st.pairs = addPair(st.scratch, st.pairs, qSignedHeaders, st.sh)
	if st.tokenInQuery {
		st.scratch, st.pairs = addPair(st.scratch, st.pairs, qToken, []byte(st.presignToken))
	}
	if st.regionSetInQuery {
		st.scratch, st.pairs = addPair(st.scratch, st.pairs, qRegionSet, []byte(p.Region))
	}
	return nil
}

// SignHTTP signs req in place with header authentication. It sets
// X-Amz-Date (unless the request already carries X-Amz-Date or Date, in
// which case it signs for that time), X-Amz-Security-Token per
// p.SessionToken, x-amz-content-sha256 where required, X-Amz-Region-Set for
// SigV4A, and Authorization. For the S3 family it also rewrites the URL's
// RawPath to the strict encoding it signed (so '+' goes out as %2B), and a
// default port in Host is dropped from req.Host to match the signed host.
//
// payloadHash is the hex SHA-256 of the body ("" means the request's
// x-amz-content-sha256 header if present, else EmptyPayloadHash), or
// UnsignedPayload / a STREAMING-* value.
func (s *Signer) SignHTTP(req *http.Request, creds aws.Credentials, payloadHash string, p Params) error {
	st := getState()
	defer putState(st)
	if err := s.build(st, req, &signInput{akid: creds.AccessKeyID, secret: creds.SecretAccessKey, token: creds.SessionToken, payloadHash: payloadHash, p: p}); err != nil {
		return err
	}
	st.apply(req, p.Algorithm, p.Region, creds.SessionToken)
	return nil
}

// apply writes the results of a header-mode build onto req; token is the
// session token the build was given.
func (st *state) apply(req *http.Request, alg Algorithm, region, token string) {
	// Authorization is the algorithm, authCredential, the credential,
	// authSignedHeaders, the signed headers, authSignature and the
	// signature; a SigV4 key entry has the part up to the signed headers
	// ready.
	size := len(st.sh) + len(authSignature) + len(st.sig)
	if st.entry != nil {
		size += len(st.entry.authPrefix)
	} else {
		size += len(alg.String()) + len(authCredential) + len(st.credential) + len(authSignedHeaders)
	}

	// The headers to set, Authorization last (its value is filled in once
	// its bytes have a home).
	var keys, vals [5]string
	n := 0
	add := func(k, v string) {
		keys[n], vals[n] = k, v
		n++
	}
	if st.addDate {
		add("X-Amz-Date", st.dateStr)
	}
	if st.addToken || st.appendToken {
		add("X-Amz-Security-Token", token)
	}
	if st.addSHA {
		add("X-Amz-Content-Sha256", st.payloadHash)
	}
	if st.addRegion {
		add("X-Amz-Region-Set", region)
	}
	add("Authorization", "")

	// One allocation, as small as will do, holds both the header value
	// slices and the bytes of the Authorization value, written in place.
	// (The X-Amz-Date value is the signer's memoised string.) Every byte
	// allocated here is also a share of garbage-collection work, charged to
	// the signing goroutine.
	var hv []string
	var o []byte
	switch {
	case n <= len(applyBlock3{}.vals) && size <= len(applyBlock3{}.buf):
		blk := new(applyBlock3)
		vals[n-1] = unsafe.String(&blk.buf[0], size)
		blk.vals = [3]string(vals[:3])
		o, hv = blk.buf[:0:size], blk.vals[:n:n]
	case size <= len(applyBlockS{}.buf):
		blk := new(applyBlockS)
		vals[n-1] = unsafe.String(&blk.buf[0], size)
		blk.vals = vals
		o, hv = blk.buf[:0:size], blk.vals[:n:n]
	case size <= len(applyBlockL{}.buf):
		blk := new(applyBlockL)
		vals[n-1] = unsafe.String(&blk.buf[0], size)
		blk.vals = vals
		o, hv = blk.buf[:0:size], blk.vals[:n:n]
	default:
		o = make([]byte, 0, size)
		vals[n-1] = unsafe.String(unsafe.SliceData(o[:size]), size)
		hv = append([]string(nil), vals[:n]...)
	}
	// The Authorization string's bytes; nothing reads them before this.
	if st.entry != nil {
		o = append(o, st.entry.authPrefix...)
	} else {
		o = append(o, alg.String()...)
		o = append(o, authCredential...)
		o = append(o, st.credential...)
		o = append(o, authSignedHeaders...)
	}
	o = append(o, st.sh...)
	o = append(o, authSignature...)
	o = append(o, st.sig...)

	if req.Header == nil {
		req.Header = make(http.Header, n)
	}
	for _, k := range st.del {
		delete(req.Header, k)
	}
	h := req.Header
	for i, k := range keys[:n] {
		h[k] = hv[i : i+1 : i+1]
	}
	if st.hostChanged {
		if req.Host != "" {
			req.Host = st.host
		} else {
			req.URL.Host = st.host
		}
	}
	if st.rewritePath {
		st.rewriteWire(req.URL)
	}
}

// applyBlock3, applyBlockS and applyBlockL are the single allocation apply
// makes for a typical request (sized to fill the 288-, 352- and 512-byte
// size classes): applyBlock3 fits the usual Authorization, X-Amz-Date and
// X-Amz-Security-Token.
type applyBlock3 struct {
	vals [3]string
	buf  [240]byte
}

type applyBlockS struct {
	vals [5]string
	buf  [272]byte
}

type applyBlockL struct {
	vals [5]string
	buf  [432]byte
}

// Presign returns a presigned URL (query authentication) for req, valid for
// expires (1s to 604800s; whole seconds). It signs host plus the headers the
// request carries (the URL's user must send exactly those), never adds
// headers of its own, and does not modify req. payloadHash "" means
// UnsignedPayload for the S3 family and EmptyPayloadHash otherwise.
func (s *Signer) Presign(req *http.Request, creds aws.Credentials, payloadHash string, p Params, expires time.Duration) (*url.URL, error) {
	u, _, err := s.presign(req, &signInput{akid: creds.AccessKeyID, secret: creds.SecretAccessKey, token: creds.SessionToken, payloadHash: payloadHash, p: p}, expires)
	return u, err
}

func checkExpires(expires time.Duration) (int64, error) {
	secs := int64(expires / time.Second)
	if secs < 1 || secs > 604800 {
		return 0, fmt.Errorf("%w (got %v)", ErrExpires, expires)
	}
	return secs, nil
}

func (s *Signer) presign(req *http.Request, in *signInput, expires time.Duration) (*url.URL, *Explanation, error) {
	secs, err := checkExpires(expires)
	if err != nil {
		return nil, nil, err
	}
	in.presign, in.expires = true, secs
	st := getState()
	defer putState(st)
	if err := s.build(st, req, in); err != nil {
		return nil, nil, err
	}
	u := *req.URL
	if u.User != nil {
		u.User = nil
	}
	if st.hostChanged && req.Host == "" {
		u.Host = st.host
	}
	q := make([]byte, 0, len(u.RawQuery)+len(st.credential)+len(st.sh)+len(st.presignToken)*3/2+256)
	q = append(q, u.RawQuery...)
	param := func(name string, value []byte) {
		if len(q) > 0 {
			q = append(q, '&')
		}
		q = append(q, name...)
		q = append(q, '=')
		q = appendURIEncodeBytes(q, value, false)
	}
	param(qAlgorithm, []byte(in.p.Algorithm.String()))
	param(qCredential, []byte(st.credential))
	param(qDate, st.amzDate)
	param(qExpires, strconv.AppendInt(nil, secs, 10))
	param(qSignedHeaders, st.sh)
	if st.tokenInQuery {
		param(qToken, []byte(st.presignToken))
	}
	if st.regionSetInQuery {
		param(qRegionSet, []byte(in.p.Region))
	}
	param(qSignature, st.sig)
	if st.appendToken {
		param(qToken, []byte(st.presignToken))
	}
	u.RawQuery = string(q)
	u.ForceQuery = false
	if st.rewritePath {
		st.rewriteWire(&u)
	}
	return &u, st.explanation(), nil
}

// rewriteWire makes the URL send exactly the canonical (strictly encoded)
// path that an S3-family signature covers.
func (st *state) rewriteWire(u *url.URL) {
	canon := string(st.buf[st.uri0:st.uri1])
	if u.Opaque != "" {
		u.Opaque = st.opaquePrefix + canon
		return
	}
	u.RawPath = canon
	if u.EscapedPath() != canon {
		// Path and canonical disagree (should not happen); fall back to
		// a path that decodes to the same bytes.
		if p, err := url.PathUnescape(canon); err == nil {
			u.Path = p
			u.RawPath = canon
		}
	}
}

// Explanation says what a signature covers. It never contains the secret
// or the signing key.
type Explanation struct {
	Algorithm        string
	CanonicalRequest string
	StringToSign     string
	Scope            string // YYYYMMDD/region/service/aws4_request (SigV4a: no region)
	Credential       string // AKID/Scope
	SignedHeaders    string // a;b;c
	Date             string // X-Amz-Date value signed for
	PayloadHash      string
	Signature        string
	// Authorization is the header value SignHTTP would set (header mode).
	Authorization string
}

// stringToSign returns the string to sign of the last build.
func (st *state) stringToSign() []byte {
	if m := st.memo; m != nil { // the SHA-NI path: prefix and hex digest
		st.sts = append(append(st.sts[:0], m.prefix...), st.innerTail[m.hexAt:m.hexAt+2*sha256.Size]...)
	}
	return st.sts
}

func (st *state) explanation() *Explanation {
	e := &Explanation{
		Algorithm:        st.alg.String(),
		CanonicalRequest: string(st.buf),
		StringToSign:     string(st.stringToSign()),
		Scope:            st.scope,
		Credential:       st.credential,
		SignedHeaders:    string(st.sh),
		Date:             string(st.amzDate),
		PayloadHash:      st.payloadHash,
		Signature:        string(st.sig),
	}
	e.Authorization = e.Algorithm + " Credential=" + e.Credential + ", SignedHeaders=" + e.SignedHeaders + ", Signature=" + e.Signature
	return e
}

// Explain returns what SignHTTP would sign for req, without modifying req.
func (s *Signer) Explain(req *http.Request, creds aws.Credentials, payloadHash string, p Params) (*Explanation, error) {
	st := getState()
	defer putState(st)
	if err := s.build(st, req, &signInput{akid: creds.AccessKeyID, secret: creds.SecretAccessKey, token: creds.SessionToken, payloadHash: payloadHash, p: p}); err != nil {
		return nil, err
	}
	return st.explanation(), nil
}

// ExplainPresign returns what Presign would sign for req, with the URL.
func (s *Signer) ExplainPresign(req *http.Request, creds aws.Credentials, payloadHash string, p Params, expires time.Duration) (*url.URL, *Explanation, error) {
	return s.presign(req, &signInput{akid: creds.AccessKeyID, secret: creds.SecretAccessKey, token: creds.SessionToken, payloadHash: payloadHash, p: p}, expires)
}
