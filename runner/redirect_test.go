package runner_test

// Redirects (issue 9): followed up to 10 times for GET and HEAD only; a
// signature, token, password or API key is never sent to a host other than
// the one it was made for. A different host:port is another host. A
// redirect to the same host is signed again for its new path, and the
// server's own verification (signer.Verify) accepts it.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/signer"
)

// The secrets of the redirect tests: none of them may reach another host.
const (
	redirAccessKey    = "AKIDREDIRECTTEST0001"
	redirSecretKey    = "redirect/secret+access+key/0123456789"
	redirSessionToken = "redirect-session-token-0123456789"
	redirBearer       = "redirect-bearer-token-0123456789"
	redirUser         = "redirect-user"
	redirPassword     = "redirect-password-0123456789"
	redirHeaderKey    = "redirect-header-api-key-0123456789"
	redirQueryKey     = "redirect-query-api-key-0123456789"
)

// relCredentialHeaders may carry a credential; another host sees none.
var relCredentialHeaders = []string{"Authorization", "X-Amz-Security-Token", "X-Amz-Date", "X-Amz-Content-Sha256", "X-Api-Key", "Cookie"}

type relSeen struct {
	host, uri string
	header    http.Header
}

// relHostServer is a server on one loopback address that records what it
// receives.
type relHostServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []relSeen
}

// newRelHostServer starts a server on addr ("127.0.0.1:0", "127.0.0.2:0").
func newRelHostServer(t *testing.T, addr string, h func(hs *relHostServer, w http.ResponseWriter, r *http.Request)) *relHostServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	hs := &relHostServer{}
	hs.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.mu.Lock()
		hs.seen = append(hs.seen, relSeen{r.Host, r.URL.RequestURI(), r.Header.Clone()})
		hs.mu.Unlock()
		h(hs, w, r)
	}))
	hs.srv.Listener.Close()
	hs.srv.Listener = ln
	hs.srv.Start()
	t.Cleanup(hs.srv.Close)
	return hs
}

func (hs *relHostServer) requests() []relSeen {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]relSeen(nil), hs.seen...)
}

func relRedirectLookup(id string) (aws.Credentials, bool) {
	if id != redirAccessKey {
		return aws.Credentials{}, false
	}
	return aws.Credentials{AccessKeyID: redirAccessKey, SecretAccessKey: redirSecretKey, SessionToken: redirSessionToken}, true
}

// relRedirectAuth is every kind of credential, one request each.
var relRedirectAuth = map[string]string{
	"sigv4": `auth "aws_sigv4" {
    credentials = credentials.static
    service     = "execute-api"
    region      = "us-east-1"
  }`,
	"bearer":        `auth "bearer" { token = "` + redirBearer + `" }`,
	"basic":         "auth \"basic\" {\n    username = \"" + redirUser + "\"\n    password = \"" + redirPassword + "\"\n  }",
	"api_key":       "auth \"api_key\" {\n    name  = \"X-Api-Key\"\n    value = \"" + redirHeaderKey + "\"\n  }",
	"api_key_query": "auth \"api_key\" {\n    name  = \"api_key\"\n    value = \"" + redirQueryKey + "\"\n    in    = \"query\"\n  }",
}

const relRedirectCredentials = `
credentials "static" {
  access_key_id     = "` + redirAccessKey + `"
  secret_access_key = "` + redirSecretKey + `"
  session_token     = "` + redirSessionToken + `"
}
`

// A redirect to another host:port, on the same or another loopback
// address, carries no credential of any kind: no Authorization, no session
// token, no API key (header or query, Referer included), no signature.
func TestRedirectToAnotherHostDropsCredentials(t *testing.T) {
	for _, other := range []string{"127.0.0.1:0", "127.0.0.2:0"} {
		t.Run(other, func(t *testing.T) {
			b := newRelHostServer(t, other, func(hs *relHostServer, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"landed":true}`)
			})
			a := newRelHostServer(t, "127.0.0.1:0", func(hs *relHostServer, w http.ResponseWriter, r *http.Request) {
				kind := strings.TrimPrefix(r.URL.Path, "/cross/")
				http.Redirect(w, r, b.srv.URL+"/landed/"+kind, http.StatusFound)
			})
			var src strings.Builder
			src.WriteString(relRedirectCredentials)
			for kind, auth := range relRedirectAuth {
				fmt.Fprintf(&src, "request %q {\n  url = \"%s/cross/%s\"\n  %s\n  expect { json = { landed = true } }\n}\n", kind, a.srv.URL, kind, auth)
			}
			r := relNew(t, relLoad(t, src.String()), runner.Options{})
			sum := r.Run(context.Background())
			if sum.Passed != len(relRedirectAuth) {
				for _, rr := range sum.Results {
					t.Logf("%s: %v %s", rr.Name, rr.Outcome, relDetail(rr))
				}
				t.Fatalf("%d of %d requests passed", sum.Passed, len(relRedirectAuth))
			}
			// Every request did carry its credential to the first host.
			for _, req := range a.requests() {
				kind := strings.TrimPrefix(strings.SplitN(req.uri, "?", 2)[0], "/cross/")
				carried := req.header.Get("Authorization") != "" || req.header.Get("X-Api-Key") != "" || strings.Contains(req.uri, redirQueryKey)
				if !carried {
					t.Errorf("%s: the first host got no credential: the test proves nothing", kind)
				}
			}
			seen := b.requests()
			if len(seen) != len(relRedirectAuth) {
				t.Fatalf("the other host saw %d requests, want %d", len(seen), len(relRedirectAuth))
			}
			secrets := []string{redirSecretKey, redirSessionToken, redirBearer, redirPassword, redirHeaderKey, redirQueryKey, "Signature=", redirAccessKey}
			for _, req := range seen {
				for _, h := range relCredentialHeaders {
					if v := req.header.Get(h); v != "" {
						t.Errorf("%s: the other host got %s: %s", req.uri, h, v)
					}
				}
				all := req.uri
				for name, vs := range req.header {
					all += "\n" + name + ": " + strings.Join(vs, ", ")
				}
				for _, s := range secrets {
					if strings.Contains(all, s) {
						t.Errorf("%s: the other host saw %q in:\n%s", req.uri, s, all)
					}
				}
			}
		})
	}
}

// A redirect to the same host is signed again for the new path (and
// query): the server's verification accepts it, the session token goes
// with it, and the signature is not the one made for the first path. A
// request that goes to another host and comes back is signed again too.
// Bearer tokens stay on the same host.
func TestRedirectSameHostResigned(t *testing.T) {
	var mu sync.Mutex
	verified := map[string]error{}
	signatures := map[string]string{}
	var b *relHostServer
	a := newRelHostServer(t, "127.0.0.1:0", func(hs *relHostServer, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/new/path?x=1&a=b%20c", http.StatusMovedPermanently)
			return
		case "/away":
			http.Redirect(w, r, b.srv.URL+"/back", http.StatusFound)
			return
		}
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			fmt.Fprint(w, `{}`)
			return
		}
		err := signer.Verify(r, "", relRedirectLookup, time.Now())
		mu.Lock()
		verified[r.URL.Path] = err
		signatures[r.URL.Path] = r.Header.Get("Authorization")
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if r.Header.Get("X-Amz-Security-Token") != redirSessionToken {
			http.Error(w, "no session token", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, `{}`)
	})
	b = newRelHostServer(t, "127.0.0.1:0", func(hs *relHostServer, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, a.srv.URL+"/home", http.StatusFound)
	})
	c := relLoad(t, relRedirectCredentials+fmt.Sprintf(`
request "moved" {
  url = "%[1]s/old"
  %[2]s
}
request "there_and_back" {
  url = "%[1]s/away"
  %[2]s
}
request "bearer_same_host" {
  url = "%[1]s/old"
  %[3]s
}
`, a.srv.URL, relRedirectAuth["sigv4"], relRedirectAuth["bearer"]))
	sum := relNew(t, c, runner.Options{}).Run(context.Background())
	for _, rr := range sum.Results {
		if rr.Outcome != runner.Passed {
			t.Errorf("%s: %v\n%s", rr.Name, rr.Outcome, relDetail(rr))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range []string{"/new/path", "/home"} {
		if err, ok := verified[p]; !ok || err != nil {
			t.Errorf("%s: verified=%v err=%v", p, ok, err)
		}
	}
	for _, req := range a.requests() {
		if req.uri == "/old" && req.header.Get("Authorization") == signatures["/new/path"] {
			t.Error("the redirect reused the signature made for the first path")
		}
		if strings.HasPrefix(req.uri, "/new/path") && strings.HasPrefix(req.header.Get("Authorization"), "Bearer ") &&
			req.header.Get("Authorization") != "Bearer "+redirBearer {
			t.Errorf("bearer token changed on a same-host redirect: %s", req.header.Get("Authorization"))
		}
	}
	for _, req := range b.requests() {
		for _, h := range relCredentialHeaders {
			if v := req.header.Get(h); v != "" {
				t.Errorf("the other host got %s on the way back: %s", h, v)
			}
		}
	}
}

// GET and HEAD follow up to 10 redirects; the 11th fails the request with
// a message that says so. Other methods do not follow: the 3xx answer is
// the response.
func TestRedirectLimit(t *testing.T) {
	a := newRelHostServer(t, "127.0.0.1:0", func(hs *relHostServer, w http.ResponseWriter, r *http.Request) {
		prefix, count, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		n, _ := strconv.Atoi(count)
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/%s/%d", prefix, n-1), http.StatusFound)
			return
		}
		fmt.Fprint(w, "arrived")
	})
	c := relLoad(t, fmt.Sprintf(`
request "get_10" {
  url = "%[1]s/hops/10"
  expect { body_contains = "arrived" }
}
request "head_10" {
  method = "HEAD"
  url    = "%[1]s/hops/10"
  expect { status = 200 }
}
request "get_11" {
  url = "%[1]s/hops/11"
}
request "post" {
  method = "POST"
  url    = "%[1]s/post/3"
  body   = "x"
  expect { status = 302 }
}
`, a.srv.URL))
	sum := relNew(t, c, runner.Options{Parallel: 1}).Run(context.Background())
	for _, name := range []string{"get_10", "head_10", "post"} {
		if rr := relResult(t, sum, name); rr.Outcome != runner.Passed {
			t.Errorf("%s: %v\n%s", name, rr.Outcome, relDetail(rr))
		}
	}
	if rr := relResult(t, sum, "get_11"); rr.Outcome != runner.Failed || !strings.Contains(relDetail(rr), "stopped after 10 redirects") {
		t.Errorf("get_11: %v\n%s", rr.Outcome, relDetail(rr))
	}
	posts := 0
	for _, req := range a.requests() {
		if strings.HasPrefix(req.uri, "/post/") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("the POST's redirect was followed: %d requests", posts)
	}
}
