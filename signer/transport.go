package signer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Transport is an http.RoundTripper that signs every request with SigV4/4a
// just before it is sent.
//
// Body: the payload hash is computed by reading req.GetBody() (so the body
// that is sent is a fresh reader, and retries and redirects can re-read it);
// a body without GetBody is read into memory once and given a GetBody.
//
// Redirects: net/http calls RoundTrip again for every hop, and Transport
// signs each hop for that hop's own host, never reusing a signature. A hop
// to a host other than the one the client asked for is sent without
// Authorization and without X-Amz-Security-Token unless the host is in
// AllowRedirectHosts; use CheckRedirect on clients that sign by hand.
//
// Clock skew: when an answer is a clock-skew rejection, the signer's skew
// offset is set from the server's time and the request is retried once.
type Transport struct {
	// Base sends the signed requests (nil: http.DefaultTransport).
	Base http.RoundTripper
	// Signer signs (nil: a new Signer).
	Signer *Signer
	// Credentials provides the credentials (required).
	Credentials aws.CredentialsProvider
	// Params, when set, are used for every request; otherwise they are
	// inferred from each request's host with InferParams.
	Params *Params
	// UnsignedPayload signs UNSIGNED-PAYLOAD instead of hashing the body
	// (S3 only).
	UnsignedPayload bool
	// DisableSkewRetry turns the one clock-skew retry off.
	DisableSkewRetry bool
	// AllowRedirectHosts lists hosts that redirect hops may be signed for.
	AllowRedirectHosts []string
}

// ErrNoCredentialsProvider is returned by a Transport without Credentials.
var ErrNoCredentialsProvider = errors.New("signer: Transport has no credentials provider")

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

func requestHost(req *http.Request) string {
	h := req.Host
	if h == "" && req.URL != nil {
		h = req.URL.Host
	}
	scheme := ""
	if req.URL != nil {
		scheme = req.URL.Scheme
	}
	return strings.ToLower(stripDefaultPort(h, scheme))
}

// redirectedAway reports whether req is a redirect hop to another host than
// the request the client started with.
func redirectedAway(req *http.Request) bool {
	first := req
	for first.Response != nil && first.Response.Request != nil {
		first = first.Response.Request
	}
	return first != req && requestHost(first) != requestHost(req)
}

// RoundTrip signs and sends req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if redirectedAway(req) && !containsFold(t.AllowRedirectHosts, requestHost(req)) {
		out := req.Clone(req.Context())
		stripAuth(out.Header)
		return t.base().RoundTrip(out)
	}
	if t.Credentials == nil {
		return nil, ErrNoCredentialsProvider
	}
	s := t.Signer
	if s == nil {
		s = New()
		t.Signer = s
	}
	creds, err := t.Credentials.Retrieve(req.Context())
	if err != nil {
		return nil, fmt.Errorf("signer: retrieving credentials: %w", err)
	}
	var p Params
	if t.Params != nil {
		p = *t.Params
	} else if p, err = InferParams(requestHost(req)); err != nil {
		return nil, err
	}

	// Make the body re-readable and hash it.
	getBody := req.GetBody
	length := req.ContentLength
	if req.Body != nil && req.Body != http.NoBody && getBody == nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		length = int64(len(b))
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	payload := EmptyPayloadHash
	if t.UnsignedPayload {
		payload = UnsignedPayload
	} else if getBody != nil && req.Body != nil && req.Body != http.NoBody {
		rc, err := getBody()
		if err != nil {
			return nil, err
		}
		payload, _, err = HashReader(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}

	send := func(retry bool) (*http.Response, error) {
		out := req.Clone(req.Context())
		if getBody != nil && req.Body != nil && req.Body != http.NoBody {
			rc, err := getBody()
			if err != nil {
				return nil, err
			}
			out.Body, out.GetBody, out.ContentLength = rc, getBody, length
		}
		stripAuth(out.Header)
		if retry {
			out.Header.Del("X-Amz-Date") // re-sign with the corrected clock
			out.Header.Del("Date")
		}
		if err := s.SignHTTP(out, creds, payload, p); err != nil {
			return nil, err
		}
		return t.base().RoundTrip(out)
	}
	resp, err := send(false)
	if err != nil || t.DisableSkewRetry || resp.StatusCode < 400 {
		return resp, err
	}
	// One retry for clock skew.
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
	if rerr != nil {
		return resp, nil
	}
	offset, ok := SkewFromResponse(resp, body, s.clock()())
	if !ok {
		return resp, nil
	}
	s.SetSkew(offset)
	resp.Body.Close()
	return send(true)
}

func stripAuth(h http.Header) {
	for k := range h {
		if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "X-Amz-Security-Token") {
			delete(h, k)
		}
	}
}

// CheckRedirect is an http.Client CheckRedirect function for clients that
// sign requests themselves: when a redirect leads to a host other than the
// original request's, it removes Authorization and X-Amz-Security-Token
// (net/http keeps Authorization for subdomains and never strips the token).
// It stops after 10 redirects, like net/http's default.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	// via holds the first request and one per redirect followed: the
	// 11th redirect is the first refused.
	if len(via) > 10 {
		return errors.New("stopped after 10 redirects")
	}
	if len(via) > 0 && requestHost(via[0]) != requestHost(req) {
		stripAuth(req.Header)
		// The Referer is the previous URL, which may carry a presigned
		// query or an API key.
		req.Header.Del("Referer")
	}
	return nil
}
