package demo_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigrun-dev/sigrun/demo"
	"github.com/sigrun-dev/sigrun/signer"
)

var demoCreds = aws.Credentials{AccessKeyID: demo.AccessKeyID, SecretAccessKey: demo.SecretAccessKey}

// sdkSign signs with the AWS SDK's signer, a client no one here wrote.
func sdkSign(t *testing.T, req *http.Request, body string, creds aws.Credentials) {
	t.Helper()
	err := v4.NewSigner().SignHTTP(context.Background(), creds, req, signer.HashBytes([]byte(body)), demo.Service, demo.Region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

func do(t *testing.T, req *http.Request) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("body %q: %v", raw, err)
		}
	}
	return resp.StatusCode, resp.Header, m
}

func newReq(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func TestDemoAnswers(t *testing.T) {
	srv := httptest.NewServer(demo.New(nil))
	defer srv.Close()
	base := srv.URL + "/" + demo.Stage

	t.Run("signed requests are served", func(t *testing.T) {
		body := `{"name":"widget"}`
		req := newReq(t, "POST", base+"/items", body)
		sdkSign(t, req, body, demoCreds)
		status, hdr, m := do(t, req)
		if status != 201 || m["name"] != "widget" || hdr.Get("Location") == "" {
			t.Fatalf("create: %d %v", status, m)
		}
		id := m["id"].(string)

		req = newReq(t, "GET", base+"/items/"+id, "")
		sdkSign(t, req, "", demoCreds)
		if status, _, m := do(t, req); status != 200 || m["id"] != id {
			t.Fatalf("get: %d %v", status, m)
		}

		req = newReq(t, "GET", base+"/items?limit=5&order=created%20asc", "")
		sdkSign(t, req, "", demoCreds)
		if status, _, m := do(t, req); status != 200 || m["count"] != float64(1) {
			t.Fatalf("list: %d %v", status, m)
		}

		req = newReq(t, "DELETE", base+"/items/"+id, "")
		sdkSign(t, req, "", demoCreds)
		if status, _, _ := do(t, req); status != 204 {
			t.Fatalf("delete: %d", status)
		}
		req = newReq(t, "GET", base+"/items/"+id, "")
		sdkSign(t, req, "", demoCreds)
		if status, _, _ := do(t, req); status != 404 {
			t.Fatalf("get after delete: %d", status)
		}
	})

	t.Run("unsigned requests get Missing Authentication Token", func(t *testing.T) {
		status, hdr, m := do(t, newReq(t, "GET", base+"/items", ""))
		if status != 403 || m["message"] != "Missing Authentication Token" {
			t.Fatalf("%d %v", status, m)
		}
		if hdr.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("error type %q", hdr.Get("x-amzn-ErrorType"))
		}
	})

	t.Run("a wrong signature gets the expected canonical string", func(t *testing.T) {
		req := newReq(t, "GET", base+"/items?a=1", "")
		bad := demoCreds
		bad.SecretAccessKey = "not-the-demo-secret"
		sdkSign(t, req, "", bad)
		status, hdr, m := do(t, req)
		msg, _ := m["message"].(string)
		if status != 403 || hdr.Get("x-amzn-ErrorType") != "InvalidSignatureException" {
			t.Fatalf("%d %s", status, hdr.Get("x-amzn-ErrorType"))
		}
		for _, want := range []string{
			"The request signature we calculated does not match the signature you provided.",
			"The Canonical String for this request should have been\n'GET\n/demo/items\na=1\n",
			"The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q:\n%s", want, msg)
			}
		}
		if strings.Contains(msg, demo.SecretAccessKey) {
			t.Error("the message shows the secret")
		}
	})

	t.Run("an unknown access key is refused", func(t *testing.T) {
		req := newReq(t, "GET", base+"/items", "")
		sdkSign(t, req, "", aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: "x"})
		status, hdr, _ := do(t, req)
		if status != 403 || hdr.Get("x-amzn-ErrorType") != "UnrecognizedClientException" {
			t.Fatalf("%d %s", status, hdr.Get("x-amzn-ErrorType"))
		}
	})

	t.Run("a tampered body is refused", func(t *testing.T) {
		req := newReq(t, "POST", base+"/items", `{"name":"evil"}`)
		sdkSign(t, req, `{"name":"good"}`, demoCreds)
		if status, _, _ := do(t, req); status != 403 {
			t.Fatalf("status %d", status)
		}
	})
}

func TestStartRefusesNonLoopback(t *testing.T) {
	if _, err := demo.Start("0.0.0.0:0"); err == nil {
		t.Fatal("the demo API must serve on loopback only")
	}
	s, err := demo.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/demo") {
		t.Fatalf("URL %q", s.URL())
	}
}
