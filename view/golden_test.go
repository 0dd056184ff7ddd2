package view_test

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sigrun-dev/sigrun/demo"
	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/signer"
	"github.com/sigrun-dev/sigrun/view"
)

var update = flag.Bool("update", os.Getenv("UPDATE_GOLDEN") != "", "rewrite the golden files")

// fixed is the clock of every golden run, so that durations and signing
// dates do not change between runs.
var fixed = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return fixed }

// apiHandler answers the golden scenarios.
func apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-1")
		w.WriteHeader(403)
		w.Write([]byte(`{"message":"Forbidden","items":[{"id":"a"},{"id":"b"},{"id":"c"}],"count":3}`))
	})
	mux.HandleFunc("/poll", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		w.Write([]byte(`{"state":"pending"}`))
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"latency_ms":900,"items":[]}`))
	})
	return mux
}

var scenarios = map[string]string{
	"expect_each_key": `
request "items" {
  url = "${var.base_url}/items"
  expect {
    status        = 200
    headers       = { "content-type" = "text/plain", "x-missing" = "1" }
    json          = { message = "OK", items = [{ id = "a" }, { id = "x" }] }
    body_contains = "welcome"
    body_matches  = "^<html"
  }
}`,
	"assert_several_references": `
locals {
  limit = 2
}
request "items" {
  url = "${var.base_url}/items"
  expect { status = 403 }
  assert {
    condition     = response.status == 200 && length(response.json.items) <= local.limit && response.headers["x-request-id"] == "none"
    error_message = "expected at most ${local.limit} items, got ${response.json.count}"
  }
}`,
	"schema_failure": `
request "items" {
  url = "${var.base_url}/items"
  expect {
    status = 403
    json_schema = {
      type     = "object"
      required = ["message", "next"]
      properties = {
        count = { type = "integer", maximum = 2 }
        items = { type = "array", items = { required = ["id", "name"] } }
      }
    }
  }
}`,
	"retry_gives_up": `
request "poll" {
  url = "${var.base_url}/poll"
  retry {
    attempts = 3
    interval = "1ms"
    until    = response.status == 200
  }
  expect { status = 200 }
}`,
	"warning": `
request "ok" {
  url = "${var.base_url}/ok"
  assert {
    condition     = response.json.latency_ms < 500
    error_message = "the API reports ${response.json.latency_ms} ms of latency"
    severity      = "warning"
  }
}`,
	"explainer": `
credentials "demo" {
  access_key_id     = "` + demo.AccessKeyID + `"
  secret_access_key = "` + demo.SecretAccessKey + `"
}
request "list" {
  url     = "${var.demo_url}/items"
  query   = { limit = "5" }
  headers = { "x-team" = "smoke" }
  auth "aws_sigv4" {
    credentials = credentials.demo
    service     = "execute-api"
    region      = "us-east-1"
  }
  expect { status = 200 }
}`,
}

// tamper changes a header after signing, as a misbehaving proxy would.
type tamper struct{}

func (tamper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if req.Header.Get("X-Team") != "" {
		req.Header.Set("X-Team", "changed-by-a-proxy")
	}
	return http.DefaultTransport.RoundTrip(req)
}

var ports = regexp.MustCompile(`127\.0\.0\.1:\d+`)

func TestGolden(t *testing.T) {
	api := httptest.NewServer(apiHandler())
	defer api.Close()
	demoSrv := httptest.NewServer(demo.New(fixedNow))
	defer demoSrv.Close()

	for name, body := range scenarios {
		for _, color := range []bool{false, true} {
			file := name + ".txt"
			if color {
				file = name + ".color.txt"
			}
			t.Run(file, func(t *testing.T) {
				src := "variable \"base_url\" { type = string }\nvariable \"demo_url\" { type = string }\n" + body
				coll, diags := dsl.Load(fstest.MapFS{"main.hcl": {Data: []byte(src)}}, "", nil)
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				r, diags := runner.New(coll, runner.Options{
					Parallel: 1,
					Now:      fixedNow,
					Signer:   signer.New(signer.WithClock(fixedNow)),
					Client:   &http.Client{Transport: tamper{}},
					Vars: []dsl.VarSource{
						{Kind: dsl.VarFlag, Raw: "base_url=" + api.URL},
						{Kind: dsl.VarFlag, Raw: "demo_url=" + demoSrv.URL + "/demo"},
					},
				})
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				var out bytes.Buffer
				var names []string
				for _, req := range coll.Requests {
					names = append(names, req.Name)
				}
				r.SetObserver(view.NewRun(&out, view.NewStyles(&out, color), coll.Files, r.Redact, names))
				r.Run(context.Background())
				got := ports.ReplaceAllString(out.String(), "127.0.0.1:PORT")
				compareGolden(t, filepath.Join("testdata", "golden", file), got)
			})
		}
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// The coloured golden files must actually carry colour, and the plain ones
// none: a guard against both being written plain.
func TestGoldenColourDiffers(t *testing.T) {
	for name := range scenarios {
		plain, err1 := os.ReadFile(filepath.Join("testdata", "golden", name+".txt"))
		color, err2 := os.ReadFile(filepath.Join("testdata", "golden", name+".color.txt"))
		if err1 != nil || err2 != nil {
			t.Fatalf("%v %v", err1, err2)
		}
		if strings.Contains(string(plain), "\x1b[") || !strings.Contains(string(color), "\x1b[") {
			t.Errorf("%s: plain has escapes or colour has none", name)
		}
	}
}
