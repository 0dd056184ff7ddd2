package command_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sigrun-dev/sigrun/report"
)

// generatedCollection writes requests requests in parts connected parts
// of uneven sizes, spread over three files and declared out of order:
// chains through response references, fans through depends_on, and a few
// requests that fail so that their dependents are skipped. It returns the
// folder and each request's part.
func generatedCollection(t *testing.T, requests, parts int) (string, map[string]int) {
	t.Helper()
	sizes := make([]int, parts)
	for i := range sizes {
		sizes[i] = 1
	}
	for i := 0; i < requests-parts; i++ {
		sizes[(i*7)%(parts/2+1)]++ // the first half of the parts are bigger
	}
	partOf := map[string]int{}
	files := map[string]*strings.Builder{}
	name := func(p, i int) string { return fmt.Sprintf("p%02d_r%03d", p, i) }
	n := 0
	for i := 0; ; i++ {
		placed := false
		for p := range parts {
			if i >= sizes[p] {
				continue
			}
			placed = true
			nm := name(p, i)
			partOf[nm] = p
			file := fmt.Sprintf("part%d.hcl", (p+i)%3)
			if files[file] == nil {
				files[file] = &strings.Builder{}
			}
			b := files[file]
			path := fmt.Sprintf("/%s", nm)
			if (p+i)%37 == 5 {
				path = "/fail" + path
			}
			fmt.Fprintf(b, "request %q {\n", nm)
			switch {
			case i == 0:
				fmt.Fprintf(b, "  url = \"${var.base_url}%s\"\n", path)
			case p%2 == 0: // a chain through the previous response
				fmt.Fprintf(b, "  url = \"${var.base_url}%s?after=${request.%s.response.status}\"\n", path, name(p, i-1))
			default: // a fan out of the first
				fmt.Fprintf(b, "  url        = \"${var.base_url}%s\"\n  depends_on = [request.%s]\n", path, name(p, 0))
			}
			b.WriteString("}\n\n")
			n++
		}
		if !placed {
			break
		}
	}
	if n != requests {
		t.Fatalf("generated %d requests", n)
	}
	src := map[string]string{"main.hcl": "variable \"base_url\" { type = string }\n"}
	for f, b := range files {
		src[f] = b.String()
	}
	return writeCollection(t, src), partOf
}

// hitCounter answers every request (500 under /fail/) and counts each
// path.
type hitCounter struct {
	mu   sync.Mutex
	hits map[string]int
}

func (h *hitCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.hits[r.URL.Path]++
	h.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/fail/") {
		w.WriteHeader(500)
	}
}

func (h *hitCounter) reset() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.hits
	h.hits = map[string]int{}
	return old
}

// A collection of 200 requests in 30 connected parts, run as 4 shards:
// every request runs exactly once over the shards, no part is split, and
// `sigrun report merge` gives the unsharded run's counts.
func TestShardedRunEqualsUnsharded(t *testing.T) {
	dir, partOf := generatedCollection(t, 200, 30)
	hc := &hitCounter{hits: map[string]int{}}
	srv := httptest.NewServer(hc)
	defer srv.Close()
	out := t.TempDir()
	base := []string{"run", dir, "--var", "base_url=" + srv.URL}

	whole := run(t, context.Background(), nil, append(base, "--report", "json="+filepath.Join(out, "whole.json"))...)
	if whole.code != 1 {
		t.Fatalf("unsharded: exit %d\n%s", whole.code, whole.stderr)
	}
	wholeRep := checkReports(t, lastLine(whole.stdout), filepath.Join(out, "whole.json"), "")
	if wholeRep.Summary.Total != 200 || wholeRep.Summary.Failed == 0 || wholeRep.Summary.Skipped == 0 {
		t.Fatalf("the unsharded run: %+v", wholeRep.Summary)
	}
	wholeHits := hc.reset()

	shardOf := map[string]int{}
	partShard := map[int]int{}
	var reports []string
	for k := 1; k <= 4; k++ {
		name := filepath.Join(out, fmt.Sprintf("shard-%d.json", k))
		reports = append(reports, name)
		res := run(t, context.Background(), nil, append(base, "--shard", fmt.Sprintf("%d/4", k), "--report", "json="+name)...)
		if res.code != 0 && res.code != 1 {
			t.Fatalf("shard %d: exit %d\n%s", k, res.code, res.stderr)
		}
		rep := checkReports(t, lastLine(res.stdout), name, "")
		if rep.Shard == nil || *rep.Shard != (report.Shard{Index: k, Count: 4}) {
			t.Errorf("shard %d's report says shard %v", k, rep.Shard)
		}
		if rep.Summary.Total == 0 {
			t.Errorf("shard %d ran nothing", k)
		}
		for _, r := range rep.Requests {
			if prev, dup := shardOf[r.Name]; dup {
				t.Errorf("%s ran in shards %d and %d", r.Name, prev, k)
			}
			shardOf[r.Name] = k
			p := partOf[r.Name]
			if s, ok := partShard[p]; ok && s != k {
				t.Errorf("part %d is split between shards %d and %d", p, s, k)
			}
			partShard[p] = k
		}
	}
	if len(shardOf) != 200 {
		t.Errorf("%d requests over the shards, want 200", len(shardOf))
	}
	// On the wire: each path that the unsharded run sent was sent once
	// over the shards, and nothing else was.
	shardHits := hc.reset()
	if len(shardHits) != len(wholeHits) {
		t.Errorf("the shards sent %d paths, the unsharded run %d", len(shardHits), len(wholeHits))
	}
	for path, n := range shardHits {
		if n != 1 || wholeHits[path] != 1 {
			t.Errorf("%s sent %d times over the shards, %d unsharded", path, n, wholeHits[path])
		}
	}

	merged := filepath.Join(out, "merged.json")
	junit := filepath.Join(out, "merged.xml")
	slices.Reverse(reports) // in any order
	res := run(t, context.Background(), nil, append([]string{"report", "merge", "--report", "json=" + merged, "--report", "junit=" + junit,
		"--report", "html=" + filepath.Join(out, "merged.html")}, reports...)...)
	if res.code != 1 {
		t.Fatalf("merge: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if lastLine(res.stdout) != lastLine(whole.stdout) {
		t.Errorf("merged %q, unsharded %q", lastLine(res.stdout), lastLine(whole.stdout))
	}
	mergedRep := checkReports(t, lastLine(res.stdout), merged, junit)
	s, w := mergedRep.Summary, wholeRep.Summary
	if s.Total != w.Total || s.Passed != w.Passed || s.Failed != w.Failed || s.Skipped != w.Skipped || s.NotRun != w.NotRun || s.OK != w.OK {
		t.Errorf("merged summary %+v, unsharded %+v", s, w)
	}
	var got, want []string
	for _, r := range mergedRep.Requests {
		got = append(got, r.Name+" "+r.Outcome)
	}
	for _, r := range wholeRep.Requests {
		want = append(want, r.Name+" "+r.Outcome)
	}
	if !slices.Equal(got, want) {
		t.Error("the merged requests differ from the unsharded run's (names, order or outcomes)")
	}

	// Merge refuses an incomplete set.
	res = run(t, context.Background(), nil, append([]string{"report", "merge"}, reports[:3]...)...)
	if res.code != 2 || !strings.Contains(res.stderr, "is missing") {
		t.Errorf("merge of 3 of 4 shards: exit %d %s", res.code, res.stderr)
	}
}

// With more shards than parts, a shard runs nothing, passes, and still
// writes its report, which merges with the others.
func TestEmptyShard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	dir := writeCollection(t, map[string]string{"main.hcl": `
variable "base_url" { type = string }
request "a" { url = var.base_url }
request "b" { url = "${var.base_url}/${request.a.response.status}" }
request "c" { url = var.base_url }
`})
	out := t.TempDir()
	var reports []string
	total := 0
	for k := 1; k <= 3; k++ {
		name := filepath.Join(out, fmt.Sprintf("s%d.json", k))
		reports = append(reports, name)
		res := run(t, context.Background(), nil, "run", dir, "--var", "base_url="+srv.URL, "--shard", fmt.Sprintf("%d/3", k), "--report", "json="+name)
		if res.code != 0 {
			t.Fatalf("shard %d: exit %d\n%s%s", k, res.code, res.stdout, res.stderr)
		}
		rep := checkReports(t, lastLine(res.stdout), name, "")
		total += rep.Summary.Total
		if k == 3 && (rep.Summary.Total != 0 || !strings.Contains(res.stderr, "shard 3/3 has no requests")) {
			t.Errorf("shard 3/3: %+v %q", rep.Summary, res.stderr)
		}
	}
	if total != 3 {
		t.Errorf("%d requests over the shards", total)
	}
	res := run(t, context.Background(), nil, append([]string{"report", "merge"}, reports...)...)
	if res.code != 0 || lastLine(res.stdout) != "3 passed, 0 failed, 0 skipped" {
		t.Errorf("merge: exit %d %s %s", res.code, res.stdout, res.stderr)
	}
}
