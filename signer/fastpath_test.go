package signer

import (
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Tests of the signing hot path's shortcuts against the plain way of
// computing the same thing.

func TestAppendHex(t *testing.T) {
	src := make([]byte, 256)
	for i := range src {
		src[i] = byte(i)
	}
	for n := 0; n <= len(src); n++ {
		if got, want := string(appendHex([]byte("p:"), src[:n])), "p:"+hex.EncodeToString(src[:n]); got != want {
			t.Fatalf("appendHex(%d bytes) = %s, want %s", n, got, want)
		}
	}
}

// cleanValueRef is isCleanValue one byte at a time.
func cleanValueRef(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' && (c != ' ' || i+1 < len(v) && v[i+1] == ' ') {
			return false
		}
	}
	return true
}

func TestIsCleanValue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	odd := []byte{' ', ' ', '\t', '\r', '\n', 0, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xa0, 0xff}
	for n := 0; n < 70; n++ {
		for k := 0; k < 2000; k++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = 'a' + byte(r.IntN(26))
				if r.IntN(10) == 0 {
					b[i] = odd[r.IntN(len(odd))]
				}
			}
			if got, want := isCleanValue(string(b)), cleanValueRef(string(b)); got != want {
				t.Fatalf("isCleanValue(%q) = %v, want %v", b, got, want)
			}
		}
	}
}

func TestNamePrefixOrder(t *testing.T) {
	s := "abcdefghijklmnopqrstuvwxyz"
	for i := 0; i <= len(s); i++ {
		for j := i; j <= len(s); j++ {
			if a, b := prefixAt(s, i, j), namePrefix(s[i:j]); a != b {
				t.Fatalf("prefixAt(%d, %d) = %x, namePrefix %x", i, j, a, b)
			}
		}
	}
	names := []string{"", "a", "a-b", "a-b-c", "ab", "abcdefgh", "abcdefghi", "abcdefgi", "x-amz-date", "x-amz-d", "x-amz-security-token", "~"}
	for _, a := range names {
		for _, b := range names {
			pa, pb := namePrefix(a), namePrefix(b)
			if pa != pb && (pa < pb) != (a < b) {
				t.Errorf("namePrefix orders %q and %q wrongly", a, b)
			}
		}
	}
}

// TestQueryFastPath checks that canonical query text split in place gives
// what decoding and re-encoding every component gives.
func TestQueryFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	alpha := []string{"a", "B", "0", "-", "_", "~", ".", "&", "=", "%20", "%2F", "%2f", "%41", "%3D", "+", "$", "%", "%G0", "&&", "é", "abcdefghij"}
	canonical := 0
	for k := 0; k < 50000; k++ {
		var sb strings.Builder
		for i := r.IntN(12); i > 0; i-- {
			sb.WriteString(alpha[r.IntN(len(alpha))])
		}
		raw := sb.String()
		// reference: the component-by-component path (a skip function that
		// accepts nothing forces it)
		scratch, pairs, err := addQuery(nil, nil, raw, func([]byte) bool { return false })
		pairs2, ok := splitCanonicalQuery(nil, raw, 0)
		if !ok {
			continue
		}
		canonical++
		if err != nil {
			t.Fatalf("%q: split as canonical, but the full path fails: %v", raw, err)
		}
		sortPairs(scratch, pairs)
		want := string(appendPairs(nil, scratch, pairs))
		src := []byte(raw)
		sortPairs(src, pairs2)
		if got := string(appendPairs(nil, src, pairs2)); got != want {
			t.Fatalf("%q: fast %q, full %q", raw, got, want)
		}
	}
	if canonical < 1000 {
		t.Fatalf("only %d canonical samples", canonical)
	}
}

// TestPlainPathFastPath checks that a plain path is its own canonical URI.
func TestPlainPathFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	alpha := []string{"a", "Z", "0", "-", "_", "~", ".", "..", "/", "//", "/.", "%20", "+", "$", "é"}
	for k := 0; k < 50000; k++ {
		var sb strings.Builder
		for i := r.IntN(8); i > 0; i-- {
			sb.WriteString(alpha[r.IntN(len(alpha))])
		}
		p := sb.String()
		if r.IntN(4) > 0 {
			p = "/" + p
		}
		if !isPlainPath(p) {
			continue
		}
		for _, m := range [][2]bool{{true, true}, {true, false}, {false, false}, {false, true}} {
			got, _, err := appendCanonicalURI(nil, p, m[0], m[1], nil)
			if err != nil || string(got) != p {
				t.Fatalf("%q (double %v, normalize %v): canonical %q, %v", p, m[0], m[1], got, err)
			}
		}
	}
}

// TestMemosFollowTheirInput signs requests that share leading canonical
// request blocks (or not), at dates that share the first block of the
// string to sign (or not), each a few times in a row so that the memos are
// recorded, filled and used, and checks every signature against a fresh
// signer's.
func TestMemosFollowTheirInput(t *testing.T) {
	s := New()
	p := Params{Service: "execute-api", Region: "us-east-1"}
	reqs := []string{
		"https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/42?limit=10&filter=name%20eq%20foo&sort=desc",
		"https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/43?limit=10&filter=name%20eq%20foo&sort=desc",
		"https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/42?limit=10&filter=name%20eq%20foo&sort=desc&x=1",
		"https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/42",
	}
	dates := []time.Time{t0, t0.Add(time.Second), t0.Add(time.Hour), t0}
	for round := 0; round < 2; round++ {
		for i, u := range reqs {
			for j, d := range dates {
				mk := func() *http.Request {
					req := mustReq(t, "GET", u, nil)
					// headers before x-amz-date and after it, and signing times
					// that repeat or move by a second or an hour (the memos per
					// key and second must follow them)
					req.Header.Set("Accept", "application/json"+strings.Repeat(";q", 30*(i%3)))
					req.Header.Set("X-Amz-Date", d.Format(amzDateLayout))
					req.Header.Set("X-Request-Id", strings.Repeat("r", 40*j))
					return req
				}
				for rep := 0; rep < 3; rep++ {
					got, want := mk(), mk()
					if err := s.SignHTTP(got, benchCreds, "", p); err != nil {
						t.Fatal(err)
					}
					if err := New().SignHTTP(want, benchCreds, "", p); err != nil {
						t.Fatal(err)
					}
					if a, b := got.Header.Get("Authorization"), want.Header.Get("Authorization"); a != b {
						t.Fatalf("round %d, %s at %v, rep %d:\n%s\nwant\n%s", round, u, d, rep, a, b)
					}
				}
			}
		}
	}
}

// TestSortHeadersShared checks the order sortHeaders produces and its
// report of names that occur more than once.
func TestSortHeadersShared(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	keys := []string{"X-Foo", "x-foo", "X-FOO", "Accept", "accept", "X-Amz-Date", "X-A", "X-A-B", "Zeta", "Content-Type", "x-amz-meta-abcdefgh", "X-Amz-Meta-Abcdefgh"}
	for k := 0; k < 20000; k++ {
		var hs []hentry
		seen := map[string]bool{}
		for i := r.IntN(8); i > 0; i-- {
			key := keys[r.IntN(len(keys))]
			if seen[key] {
				continue // map keys are unique
			}
			seen[key] = true
			lk := strings.ToLower(key)
			hs = append(hs, hentry{pre: namePrefix(lk), lk: lk, key: key, vals: []string{"v"}})
		}
		idx := make([]uint8, len(hs))
		for i := range idx {
			idx[i] = uint8(i)
		}
		shared := sortHeaders(hs, idx)
		want := false
		for i := range hs {
			for j := i + 1; j < len(hs); j++ {
				want = want || hs[i].lk == hs[j].lk
			}
		}
		if shared != want {
			t.Fatalf("%v: shared %v, want %v", hs, shared, want)
		}
		for i := 1; i < len(idx); i++ {
			a, b := hs[idx[i-1]], hs[idx[i]]
			if a.lk > b.lk || a.lk == b.lk && a.key > b.key {
				t.Fatalf("out of order: %q %q before %q %q", a.lk, a.key, b.lk, b.key)
			}
		}
	}
}
