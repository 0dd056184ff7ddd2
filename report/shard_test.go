package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/report/reporttest"
	"github.com/sigrun-dev/sigrun/view"
)

// synthetic makes n request blocks in parts connected parts of uneven
// sizes: chains, fans and diamonds, declared interleaved (a part's blocks
// are not next to each other). It returns the blocks and each block's part.
func synthetic(n, parts int, seed uint64) ([]Block, map[string]int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	sizes := make([]int, parts)
	for i := range sizes {
		sizes[i] = 1
	}
	for left := n - parts; left > 0; left-- {
		// Uneven: earlier parts grow more often.
		sizes[min(parts-1, int(rng.ExpFloat64()*float64(parts)/3))]++
	}
	type member struct{ part, idx int }
	var order []member
	for p, size := range sizes {
		for i := range size {
			order = append(order, member{p, i})
		}
	}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	// Keep each part's members in index order among themselves, so that
	// a block's dependencies may be declared after it (as in HCL).
	name := func(p, i int) string { return fmt.Sprintf("p%02d_r%03d", p, i) }
	partOf := map[string]int{}
	var blocks []Block
	for _, m := range order {
		b := Block{Name: name(m.part, m.idx), Weight: 1 + rng.IntN(2)*rng.IntN(3)}
		if m.idx > 0 {
			switch m.part % 3 {
			case 0: // a chain
				b.DependsOn = []string{name(m.part, m.idx-1)}
			case 1: // a fan out of the first
				b.DependsOn = []string{name(m.part, 0)}
			default: // a diamond-ish mesh
				b.DependsOn = []string{name(m.part, rng.IntN(m.idx))}
				if m.idx > 1 {
					b.DependsOn = append(b.DependsOn, name(m.part, rng.IntN(m.idx)))
				}
			}
		}
		partOf[b.Name] = m.part
		blocks = append(blocks, b)
	}
	return blocks, partOf
}

func TestComponents(t *testing.T) {
	blocks := []Block{
		{Name: "a"}, {Name: "b", DependsOn: []string{"a"}}, {Name: "c"},
		{Name: "d", DependsOn: []string{"shared_missing"}}, {Name: "e", DependsOn: []string{"shared_missing"}},
		{Name: "f", DependsOn: []string{"c", "g"}}, {Name: "g"},
	}
	got := Components(blocks)
	want := [][]int{{0, 1}, {2, 5, 6}, {3, 4}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Components = %v, want %v", got, want)
	}
}

// 200 requests in 30 connected parts split 4 ways: every request in
// exactly one shard, no part split, the shards balanced.
func TestPartition(t *testing.T) {
	blocks, partOf := synthetic(200, 30, 7)
	if len(blocks) != 200 {
		t.Fatalf("%d blocks", len(blocks))
	}
	if n := len(Components(blocks)); n != 30 {
		t.Fatalf("%d parts, want 30", n)
	}
	shards, err := Partition(blocks, 4)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	partShard := map[int]int{}
	loads := make([]int, 4)
	weight := map[string]int{}
	for _, b := range blocks {
		weight[b.Name] = max(1, b.Weight)
	}
	for s, names := range shards {
		for _, n := range names {
			if prev, dup := seen[n]; dup {
				t.Errorf("%s is in shards %d and %d", n, prev+1, s+1)
			}
			seen[n] = s
			p := partOf[n]
			if ps, ok := partShard[p]; ok && ps != s {
				t.Errorf("part %d is split between shards %d and %d", p, ps+1, s+1)
			}
			partShard[p] = s
			loads[s] += weight[n]
		}
	}
	if len(seen) != 200 {
		t.Errorf("%d blocks placed, want 200", len(seen))
	}
	// Greedy placement, heaviest first: the shards differ by at most the
	// heaviest part.
	heaviest := 0
	partWeight := map[int]int{}
	for _, b := range blocks {
		partWeight[partOf[b.Name]] += weight[b.Name]
		heaviest = max(heaviest, partWeight[partOf[b.Name]])
	}
	if slices.Max(loads)-slices.Min(loads) > heaviest {
		t.Errorf("loads %v differ by more than the heaviest part (%d)", loads, heaviest)
	}
	t.Logf("loads %v, heaviest part %d", loads, heaviest)
	// Every job of the matrix computes the same split.
	again, _ := Partition(blocks, 4)
	if fmt.Sprint(again) != fmt.Sprint(shards) {
		t.Error("Partition is not deterministic")
	}
	// Select agrees with Partition.
	for k := 1; k <= 4; k++ {
		keep, err := Select(blocks, Shard{Index: k, Count: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(keep) != len(shards[k-1]) {
			t.Errorf("Select %d/4: %d blocks, Partition %d", k, len(keep), len(shards[k-1]))
		}
	}
}

func TestPartitionEdges(t *testing.T) {
	blocks := []Block{{Name: "a"}, {Name: "b"}}
	shards, _ := Partition(blocks, 3)
	if fmt.Sprint(shards) != "[[a] [b] []]" {
		t.Errorf("more shards than parts: %v", shards)
	}
	if _, err := Partition(blocks, 0); err == nil {
		t.Error("0 shards accepted")
	}
	shards, _ = Partition(nil, 2)
	if fmt.Sprint(shards) != "[[] []]" {
		t.Errorf("no blocks: %v", shards)
	}
	for in, want := range map[string]string{"1/4": "1/4", " 4/4 ": "4/4", "1/1": "1/1"} {
		s, err := ParseShard(in)
		if err != nil || s.String() != want {
			t.Errorf("ParseShard(%q) = %v, %v", in, s, err)
		}
	}
	for _, bad := range []string{"0/4", "5/4", "4", "a/b", "1/0", "-1/2", ""} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

// reportOf makes the report of a run of blocks: each block one request
// (two instances for blocks of weight 2), outcomes varied, timings spread.
func reportOf(blocks []Block, shard *Shard) *Report {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	rep := &Report{FormatVersion: FormatVersion, Tool: Tool, Collection: Collection{Name: "gen", Path: "gen"},
		Started: t0, Shard: shard, Requests: []*Request{}, Outputs: []*Output{}, Diagnostics: []*view.Diagnostic{}}
	end := t0
	for i, b := range blocks {
		h := 0 // the outcome is the block's own, whichever shard runs it
		for _, c := range b.Name {
			h = h*31 + int(c)
		}
		h &= 0xffff
		names := []string{b.Name}
		if b.Weight == 2 {
			names = []string{b.Name + `["x"]`, b.Name + `["y"]`}
		}
		for j, n := range names {
			start := t0.Add(time.Duration(i%17) * time.Millisecond)
			r := &Request{Name: n, Block: b.Name, Outcome: OutcomePassed, Method: "GET", Path: "/" + b.Name,
				Status: 200, Started: &start, DurationMS: float64(1 + i%5), Attempts: 1,
				Checks: []*Check{}, Diagnostics: []*view.Diagnostic{}, DependsOn: nonNil(b.DependsOn), Tags: []string{},
				Source: &view.Range{Filename: "main.hcl", Line: 1 + 5*i, Column: 1, EndLine: 1 + 5*i, EndCol: 10}}
			switch {
			case h%23 == 5:
				r.Outcome, r.Status = OutcomeFailed, 500
				r.Diagnostics = []*view.Diagnostic{{Severity: "error", Summary: "Unexpected status code", Detail: "Got 500."}}
			case h%31 == 7:
				r.Outcome, r.Status, r.Started, r.Method, r.Path, r.SkipReason = OutcomeSkipped, 0, nil, "", "", "skipped: request.x failed"
			}
			if j == 1 {
				r.Warnings = 1
			}
			if r.Started != nil && r.Started.Add(r.Duration()).After(end) {
				end = r.Started.Add(r.Duration())
			}
			rep.Requests = append(rep.Requests, r)
		}
	}
	rep.DurationMS = durationMS(end.Sub(t0))
	rep.Summary = Count(rep.Requests)
	rep.Outputs = append(rep.Outputs, &Output{Name: "first", Value: []byte(`"v"`)})
	return rep
}

// A run split 4 ways and merged back has the unsharded run's requests,
// in its order, and its counts.
func TestMergeShards(t *testing.T) {
	blocks, _ := synthetic(200, 30, 11)
	whole := reportOf(blocks, nil)
	shards, _ := Partition(blocks, 4)
	var reps []*Report
	for k := len(shards); k >= 1; k-- { // any order
		keep := map[string]bool{}
		for _, n := range shards[k-1] {
			keep[n] = true
		}
		var sub []Block
		for _, b := range blocks {
			if keep[b.Name] {
				sub = append(sub, b)
			}
		}
		rep := reportOf(sub, &Shard{Index: k, Count: 4})
		// Positions are the whole collection's, as the runner reports them.
		pos := map[string]*view.Range{}
		for _, r := range whole.Requests {
			pos[r.Name] = r.Source
		}
		for _, r := range rep.Requests {
			r.Source = pos[r.Name]
		}
		if k > 1 {
			rep.Outputs[0].Error, rep.Outputs[0].Value = "not computed", []byte("null")
		}
		var b bytes.Buffer
		if err := WriteJSON(&b, rep); err != nil {
			t.Fatal(err)
		}
		if err := reporttest.ValidateJSON(b.Bytes()); err != nil {
			t.Fatalf("shard %d: %v", k, err)
		}
		back, err := ReadJSON(&b)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, back)
	}
	merged, err := Merge(reps)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Summary != whole.Summary {
		t.Errorf("merged summary %+v, unsharded %+v", merged.Summary, whole.Summary)
	}
	var got, want []string
	for _, r := range merged.Requests {
		got = append(got, r.Name)
	}
	for _, r := range whole.Requests {
		want = append(want, r.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("merged order differs from the run's")
	}
	if len(merged.MergedShards) != 4 || merged.Shard != nil {
		t.Errorf("merged shards %v, shard %v", merged.MergedShards, merged.Shard)
	}
	if len(merged.Outputs) != 1 || merged.Outputs[0].Error != "" || string(merged.Outputs[0].Value) != `"v"` {
		t.Errorf("the output computed in one shard is not taken from it: %+v", merged.Outputs)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, merged); err != nil {
		t.Fatal(err)
	}
	if err := reporttest.ValidateJSON(b.Bytes()); err != nil {
		t.Fatalf("merged report: %v", err)
	}
	doc, err := reporttest.ParseJUnit(encode(t, "junit", merged))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Tests != whole.Summary.Total || doc.Failures+doc.Errors != whole.Summary.Failed || doc.Skipped != whole.Summary.Skipped {
		t.Errorf("merged JUnit counts %d/%d/%d, run %+v", doc.Tests, doc.Failures+doc.Errors, doc.Skipped, whole.Summary)
	}

	// What cannot be merged.
	for name, tc := range map[string]struct {
		reps []*Report
		want string
	}{
		"missing shard": {reps[:3], "shard 1/4 is missing"},
		"twice":         {append(reps[:3:3], reps[2]), "given twice"},
		"other count":   {[]*Report{reps[0], withShard(reps[1], Shard{Index: 1, Count: 3})}, "one of 4 shards"},
		"not a shard":   {[]*Report{reps[0], withShard(reps[1], Shard{})}, "not a shard's report"},
		"other coll":    {[]*Report{reps[0], withColl(reps[1], "other")}, "collection"},
		"ran twice":     {[]*Report{reportOf(blocks[:2], &Shard{1, 2}), reportOf(blocks[1:3], &Shard{2, 2})}, "ran twice"},
		"none":          {nil, "no reports"},
	} {
		_, err := Merge(tc.reps)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func withShard(r *Report, s Shard) *Report {
	c := *r
	if s.Count == 0 {
		c.Shard = nil
	} else {
		c.Shard = &s
	}
	return &c
}

func withColl(r *Report, name string) *Report {
	c := *r
	c.Collection.Name = name
	return &c
}
