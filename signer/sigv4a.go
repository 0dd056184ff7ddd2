package signer

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"
	"sync"
)

// p256NMinus2 is the order n of P-256 minus 2, big-endian.
var p256NMinus2 = func() []byte {
	n := new(big.Int).Set(elliptic.P256().Params().N)
	n.Sub(n, big.NewInt(2))
	b := make([]byte, 32)
	return n.FillBytes(b)
}()

// DeriveSigV4AKey derives the SigV4a ECDSA P-256 private key from an access
// key pair with the NIST SP 800-108 counter-mode KDF (HMAC-SHA256, one
// 256-bit block): input key "AWS4A"+secret; for counter c = 1..254 the fixed
// input is 0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 || accessKeyID ||
// byte(c) || 0x00000100; the first k0 = HMAC(input, fixed) with k0 <= n-2
// gives d = k0 + 1. The key does not depend on date, region or service.
func DeriveSigV4AKey(accessKeyID, secret string) (*ecdsa.PrivateKey, error) {
	if accessKeyID == "" || secret == "" {
		return nil, ErrMissingCredentials
	}
	input := []byte("AWS4A" + secret)
	defer clear(input)
	fixed := make([]byte, 0, 4+len(algV4A)+1+len(accessKeyID)+1+4)
	for c := 1; c <= 254; c++ {
		fixed = fixed[:0]
		fixed = append(fixed, 0, 0, 0, 1)
		fixed = append(fixed, algV4A...)
		fixed = append(fixed, 0)
		fixed = append(fixed, accessKeyID...)
		fixed = append(fixed, byte(c))
		fixed = append(fixed, 0, 0, 1, 0)
		m := hmac.New(sha256.New, input)
		m.Write(fixed)
		k0 := m.Sum(nil)
		if bytes.Compare(k0, p256NMinus2) > 0 {
			continue
		}
		// d = k0 + 1 (no overflow: k0 <= n-2 < 2^256-1)
		for i := len(k0) - 1; i >= 0; i-- {
			k0[i]++
			if k0[i] != 0 {
				break
			}
		}
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), k0)
		clear(k0)
		return priv, err
	}
	return nil, errors.New("signer: SigV4a key derivation exhausted its counter")
}

type v4aKey struct {
	akid string
	fp   secretFingerprint
}

// v4aCache caches derived SigV4a keys per access key and secret fingerprint.
type v4aCache struct {
	mu sync.RWMutex
	m  map[v4aKey]*ecdsa.PrivateKey
}

func (c *v4aCache) get(akid, secret string) (*ecdsa.PrivateKey, error) {
	k := v4aKey{akid: akid, fp: fingerprint(secret)}
	c.mu.RLock()
	priv := c.m[k]
	c.mu.RUnlock()
	if priv != nil {
		return priv, nil
	}
	priv, err := DeriveSigV4AKey(akid, secret)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedKeys {
		c.m = make(map[v4aKey]*ecdsa.PrivateKey)
	}
	c.m[k] = priv
	c.mu.Unlock()
	return priv, nil
}

// sign returns the ASN.1 DER ECDSA signature over SHA-256(sts).
func (c *v4aCache) sign(akid, secret string, sts []byte) ([]byte, error) {
	priv, err := c.get(akid, secret)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(sts)
	return ecdsa.SignASN1(rand.Reader, priv, sum[:])
}
