package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"hash"
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// secretFingerprint identifies a secret access key in the cache without the
// cache keeping the secret. A rotated secret behind the same access key id
// gets a new entry.
type secretFingerprint uint64

var fpSeed = maphash.MakeSeed()

// fingerprint is a keyed 64-bit hash with a per-process random seed: it
// tells secrets apart (a collision between two secrets of one access key
// has probability 2^-64) and reveals nothing useful about them.
func fingerprint(secret string) secretFingerprint {
	return secretFingerprint(maphash.String(fpSeed, secret))
}

type cacheKey struct {
	akid, region, service string
	fp                    secretFingerprint
	day                   int32
}

// keyEntry is an immutable derived SigV4 signing key for one (access key,
// secret, UTC date, region, service), with everything per-request signing
// needs precomputed: the HMAC inner/outer hash states (so a signature costs
// no key schedule), the scope and the credential strings. Its one mutable
// part is sts, an atomically replaced cache.
type keyEntry struct {
	day        int32 // YYYYMMDD
	date       string
	region     string
	service    string
	scope      string    // YYYYMMDD/region/service/aws4_request
	credential string    // AKID/scope
	authPrefix string    // Authorization up to the signed headers: "AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders="
	inner      []byte    // marshalled SHA-256 state after the ipad block
	outer      []byte    // marshalled SHA-256 state after the opad block
	inner32    [8]uint32 // the same two states as words, for the SHA-NI driver
	outer32    [8]uint32

	// sts is the start of the string to sign for the last amz-date used.
	sts atomic.Pointer[stsMemo]
}

// stsMemo is, for one amz-date, the start of a request's string to sign,
// "AWS4-HMAC-SHA256\n" + amz-date + "\n" + scope + "\n", which is the same
// for every signature with the key in that second, and the inner HMAC
// state after its first block.
type stsMemo struct {
	date     [16]byte
	prefix   []byte // in buf while it fits
	state    []byte // in stateBuf; nil if prefix is shorter than a block
	buf      [128]byte
	stateBuf [128]byte

	// For the SHA-NI driver: the inner state after the ipad block and the
	// prefix's whole blocks, and the rest of the inner hash's input as a
	// template: the prefix's remaining bytes, a slot at hexAt for the
	// canonical request's hex digest, and the padding.
	state32 [8]uint32
	tail    [192]byte
	tailLen int
	hexAt   int
}

// stsStart returns the memo for amzDate, replacing the entry's memo with a
// new one at the first signature of a second.
func (e *keyEntry) stsStart(amzDate []byte, s *hmacState) *stsMemo {
	if m := e.sts.Load(); m != nil && string(m.date[:]) == string(amzDate) {
		return m
	}
	m := &stsMemo{date: [16]byte(amzDate)}
	m.prefix = append(m.buf[:0], algV4+"\n"...)
	m.prefix = append(m.prefix, amzDate...)
	m.prefix = append(m.prefix, '\n')
	m.prefix = append(m.prefix, e.scope...)
	m.prefix = append(m.prefix, '\n')
	if len(m.prefix) >= sha256.BlockSize {
		_ = s.um.UnmarshalBinary(e.inner)
		s.h.Write(m.prefix[:sha256.BlockSize])
		m.state, _ = s.ma.AppendBinary(m.stateBuf[:0])
	}
	if shaniOK {
		whole := len(m.prefix) &^ (sha256.BlockSize - 1)
		m.state32 = stateAfter(&e.inner32, m.prefix[:whole])
		m.hexAt = copy(m.tail[:], m.prefix[whole:])
		t := appendSHAPad(m.tail[:m.hexAt+2*sha256.Size], sha256.BlockSize+len(m.prefix)+2*sha256.Size)
		m.tailLen = len(t)
	}
	e.sts.Store(m)
	return m
}

// outerTail is the outer hash's input after the opad block, with the inner
// digest's slot (the first 32 bytes) empty: the padding of a 96-byte
// message.
var outerTail = func() (t [sha256.BlockSize]byte) {
	copy(t[sha256.Size:], appendSHAPad(nil, sha256.BlockSize+sha256.Size))
	return t
}()

// appendSigHex appends the hex HMAC, with e's key, of a string to sign
// that starts with m's prefix, with the SHA-NI driver. t is the rest of the
// inner hash's input: m's tail with the canonical request's hex digest in
// its slot. o is scratch space holding outerTail.
func (e *keyEntry) appendSigHex(dst []byte, m *stsMemo, t []byte, o *[sha256.BlockSize]byte) []byte {
	h := m.state32
	block(&h, t)
	putDigest((*[sha256.Size]byte)(o[:]), &h)
	h = e.outer32
	block(&h, o[:])
	return appendHexDigest(dst, &h)
}

func hmacSHA256(key []byte, data ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, d := range data {
		m.Write([]byte(d))
	}
	return m.Sum(nil)
}

// deriveSigningKey computes kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret,
// date), region), service), "aws4_request").
func deriveSigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func newKeyEntry(akid string, key []byte, date string, day int32, region, service string) *keyEntry {
	e := &keyEntry{day: day, date: date, region: region, service: service}
	e.scope = date + "/" + region + "/" + service + "/aws4_request"
	e.credential = akid + "/" + e.scope
	e.authPrefix = algV4 + authCredential + e.credential + authSignedHeaders
	var ipad, opad [sha256.BlockSize]byte
	copy(ipad[:], key) // the key is 32 bytes < block size
	copy(opad[:], key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	h := sha256.New()
	h.Write(ipad[:])
	e.inner, _ = h.(encoding.BinaryMarshaler).MarshalBinary()
	h.Reset()
	h.Write(opad[:])
	e.outer, _ = h.(encoding.BinaryMarshaler).MarshalBinary()
	if shaniOK {
		e.inner32 = stateAfter(&sha256IV, ipad[:])
		e.outer32 = stateAfter(&sha256IV, opad[:])
	}
	clear(ipad[:])
	clear(opad[:])
	return e
}

// hmacState is a reusable SHA-256 used to compute HMACs from a keyEntry's
// precomputed states.
type hmacState struct {
	h  hash.Hash
	um encoding.BinaryUnmarshaler
	ma encoding.BinaryAppender
}

func newHMACState() hmacState {
	h := sha256.New()
	return hmacState{h: h, um: h.(encoding.BinaryUnmarshaler), ma: h.(encoding.BinaryAppender)}
}

// sum appends HMAC(e's key, msg) to dst.
func (s *hmacState) sum(dst []byte, e *keyEntry, msg []byte) []byte {
	_ = s.um.UnmarshalBinary(e.inner)
	s.h.Write(msg)
	return s.finish(dst, e)
}

// sumSTS is sum for a request's string to sign msg, which starts with
// m.prefix: it resumes from m's state.
func (s *hmacState) sumSTS(dst []byte, e *keyEntry, m *stsMemo, msg []byte) []byte {
	if m.state == nil {
		return s.sum(dst, e, msg)
	}
	_ = s.um.UnmarshalBinary(m.state)
	s.h.Write(msg[sha256.BlockSize:])
	return s.finish(dst, e)
}

// finish appends the HMAC whose inner hash has absorbed the whole message.
func (s *hmacState) finish(dst []byte, e *keyEntry) []byte {
	n := len(dst)
	dst = s.h.Sum(dst)
	_ = s.um.UnmarshalBinary(e.outer)
	s.h.Write(dst[n:])
	return s.h.Sum(dst[:n])
}

// keyCache caches derived signing keys. A lock-free "last used" slot serves
// the common case of one identity signing repeatedly; the map behind a
// read-write lock serves the rest. Entries for past days are dropped when the
// map is refilled; the map is bounded.
type keyCache struct {
	last atomic.Pointer[lastSlot]
	mu   sync.RWMutex
	m    map[cacheKey]*keyEntry
}

type lastSlot struct {
	k cacheKey
	e *keyEntry
}

const maxCachedKeys = 512

// get returns the key for (akid, secret, day, region, service), deriving it on a miss.
func (c *keyCache) get(akid, secret string, day int32, date []byte, region, service string) *keyEntry {
	fp := fingerprint(secret)
	if l := c.last.Load(); l != nil && l.e.day == day && l.k.fp == fp &&
		l.k.akid == akid && l.k.region == region && l.k.service == service {
		return l.e
	}
	k := cacheKey{akid: akid, region: region, service: service, fp: fp, day: day}
	c.mu.RLock()
	e := c.m[k]
	c.mu.RUnlock()
	if e == nil {
		ds := string(date)
		e = newKeyEntry(akid, deriveSigningKey(secret, ds, region, service), ds, day, region, service)
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCachedKeys {
			old := c.m
			c.m = make(map[cacheKey]*keyEntry)
			for ok, oe := range old { // keep this day's keys, drop the rest
				if oe.day == day && len(c.m) < maxCachedKeys/2 {
					c.m[ok] = oe
				}
			}
		}
		if cur := c.m[k]; cur != nil {
			e = cur // another goroutine won the race; share its entry
		} else {
			c.m[k] = e
		}
		c.mu.Unlock()
	}
	c.last.Store(&lastSlot{k: k, e: e})
	return e
}

// size reports the number of cached SigV4 keys (tests).
func (c *keyCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
