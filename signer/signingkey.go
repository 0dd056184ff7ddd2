package signer

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ErrKeyDateMismatch is returned when a SigningKey is asked to sign a request
// for a date, region or service other than its own and cannot (strict mode,
// or no secret kept) derive a new one.
var ErrKeyDateMismatch = errors.New("signer: request date does not match the signing key's date")

// SigningKey is a SigV4 signing key derived for one (date, region, service),
// usable on its own: by default it does not keep the secret access key, only
// kSigning (as precomputed HMAC states), the access key id and the session
// token. With KeepSecret it can derive the key for a new day; with Strict it
// refuses any request whose date is not the key's date instead.
type SigningKey struct {
	akid, token string
	region      string
	service     string
	strict      bool

	mu     sync.Mutex
	secret string // only with KeepSecret
	e      *keyEntry
}

// SigningKeyOptions configures NewSigningKey.
type SigningKeyOptions struct {
	// KeepSecret keeps the secret in memory so that the key can be derived
	// again when the UTC date changes. Off by default.
	KeepSecret bool
	// Strict refuses requests whose date differs from the key's date.
	Strict bool
}

// NewSigningKey derives the signing key for the UTC date of t.
func NewSigningKey(creds aws.Credentials, t time.Time, region, service string, o SigningKeyOptions) (*SigningKey, error) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return nil, ErrMissingCredentials
	}
	if region == "" || service == "" {
		return nil, ErrMissingScope
	}
	t = t.UTC()
	date := t.Format("20060102")
	k := &SigningKey{akid: creds.AccessKeyID, token: creds.SessionToken, region: region, service: service, strict: o.Strict}
	k.e = newKeyEntry(k.akid, deriveSigningKey(creds.SecretAccessKey, date, region, service), date, dayNumber(t), region, service)
	if o.KeepSecret && !o.Strict {
		k.secret = creds.SecretAccessKey
	}
	return k, nil
}

// Date returns the key's scope date, YYYYMMDD.
func (k *SigningKey) Date() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.e.date
}

// Scope returns the key's credential scope.
func (k *SigningKey) Scope() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.e.scope
}

// KeepsSecret reports whether the secret is held in memory.
func (k *SigningKey) KeepsSecret() bool { return k.secret != "" }

func (k *SigningKey) entryFor(day int32, date []byte, region, service string) (*keyEntry, error) {
	if region != k.region || service != k.service {
		return nil, fmt.Errorf("%w: key is for %s/%s, request wants %s/%s", ErrKeyDateMismatch, k.region, k.service, region, service)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.e.day == day {
		return k.e, nil
	}
	if k.strict || k.secret == "" {
		return nil, fmt.Errorf("%w: key date %s, request date %s", ErrKeyDateMismatch, k.e.date, date)
	}
	ds := string(date)
	k.e = newKeyEntry(k.akid, deriveSigningKey(k.secret, ds, region, service), ds, day, region, service)
	return k.e, nil
}

// SignHTTPWithKey is SignHTTP using a SigningKey instead of credentials.
// p.Region and p.Service must be the key's; p.Algorithm must be SigV4.
func (s *Signer) SignHTTPWithKey(req *http.Request, key *SigningKey, payloadHash string, p Params) error {
	st := getState()
	defer putState(st)
	if err := s.build(st, req, &signInput{key: key, payloadHash: payloadHash, p: p}); err != nil {
		return err
	}
	st.apply(req, p.Algorithm, p.Region, key.token)
	return nil
}

// PresignWithKey is Presign using a SigningKey instead of credentials.
func (s *Signer) PresignWithKey(req *http.Request, key *SigningKey, payloadHash string, p Params, expires time.Duration) (*url.URL, error) {
	u, _, err := s.presign(req, &signInput{key: key, payloadHash: payloadHash, p: p}, expires)
	return u, err
}
