package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sigrun-dev/sigrun/view"
)

// Merge joins the JSON reports of the shards of one sharded run into the
// report of the whole run: the requests of every shard (each must be in
// exactly one), their counts, the outputs (an output computed in any shard
// is taken from it), the run-level diagnostics, and the time from the
// first shard's start to the last one's end. The reports must be of one
// collection and together be every shard from 1 to N, each once. A single
// report that is not a shard's is returned as it is.
func Merge(reps []*Report) (*Report, error) {
	if len(reps) == 0 {
		return nil, fmt.Errorf("no reports to merge")
	}
	if len(reps) == 1 && reps[0].Shard == nil {
		return reps[0], nil
	}
	name := reps[0].Collection.Name
	count := 0
	seenShard := map[int]bool{}
	for i, r := range reps {
		if r.Collection.Name != name {
			return nil, fmt.Errorf("report %d is of the collection %q, report 1 of %q: merge the shards of one run", i+1, r.Collection.Name, name)
		}
		if r.Shard == nil {
			return nil, fmt.Errorf("report %d is not a shard's report (it has no shard): merge the reports of sigrun run --shard K/N", i+1)
		}
		if count == 0 {
			count = r.Shard.Count
		}
		if r.Shard.Count != count {
			return nil, fmt.Errorf("report %d is shard %s, report 1 is one of %d shards: merge the shards of one run", i+1, r.Shard, count)
		}
		if seenShard[r.Shard.Index] {
			return nil, fmt.Errorf("shard %s is given twice", r.Shard)
		}
		seenShard[r.Shard.Index] = true
	}
	var missing []string
	for k := 1; k <= count; k++ {
		if !seenShard[k] {
			missing = append(missing, Shard{Index: k, Count: count}.String())
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the report of shard %s is missing: a merged report needs every shard", strings.Join(missing, ", "))
	}
	sorted := append([]*Report(nil), reps...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Shard.Index < sorted[j].Shard.Index })

	out := &Report{
		FormatVersion: FormatVersion,
		Tool:          Tool,
		Collection:    sorted[0].Collection,
		Requests:      []*Request{},
		Outputs:       []*Output{},
		Diagnostics:   []*view.Diagnostic{},
	}
	type placed struct {
		req    *Request
		module int
		order  int
	}
	var all []placed
	moduleRank := map[string]int{"": 0}
	where := map[string]Shard{}
	outputs := map[string]*Output{}
	var outputOrder []string
	seenDiag := map[string]bool{}
	var start, end time.Time
	interrupted := false
	for _, r := range sorted {
		out.MergedShards = append(out.MergedShards, *r.Shard)
		if start.IsZero() || r.Started.Before(start) {
			start = r.Started
		}
		if e := r.Started.Add(msDuration(r.DurationMS)); e.After(end) {
			end = e
		}
		interrupted = interrupted || r.Summary.Interrupted
		for _, req := range r.Requests {
			if s, dup := where[req.Name]; dup {
				return nil, fmt.Errorf("request %s is in shard %s and in shard %s: it ran twice", req.Name, s, r.Shard)
			}
			where[req.Name] = *r.Shard
			if _, ok := moduleRank[req.Module]; !ok {
				moduleRank[req.Module] = len(moduleRank)
			}
			all = append(all, placed{req: req, module: moduleRank[req.Module], order: len(all)})
		}
		for _, o := range r.Outputs {
			have, ok := outputs[o.Name]
			if !ok {
				outputs[o.Name] = o
				outputOrder = append(outputOrder, o.Name)
			} else if have.Error != "" && o.Error == "" {
				outputs[o.Name] = o
			}
		}
		for _, d := range r.Diagnostics {
			key := d.Severity + d.Summary + d.Detail
			if d.Range != nil {
				key += fmt.Sprintf("%s:%d:%d", d.Range.Filename, d.Range.Line, d.Range.Column)
			}
			if !seenDiag[key] {
				seenDiag[key] = true
				out.Diagnostics = append(out.Diagnostics, d)
			}
		}
	}
	// Back in the collection's order: the root's requests by their place
	// in the files (files in name order, as the runner orders them), then
	// each module's; instances of a block keep their order.
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.module != b.module {
			return a.module < b.module
		}
		sa, sb := a.req.Source, b.req.Source
		if sa != nil && sb != nil {
			if sa.Filename != sb.Filename {
				return sa.Filename < sb.Filename
			}
			if sa.Line != sb.Line {
				return sa.Line < sb.Line
			}
			if sa.Column != sb.Column {
				return sa.Column < sb.Column
			}
		}
		return a.order < b.order
	})
	for _, p := range all {
		out.Requests = append(out.Requests, p.req)
	}
	for _, name := range outputOrder {
		out.Outputs = append(out.Outputs, outputs[name])
	}
	out.Started = start.UTC()
	out.DurationMS = durationMS(end.Sub(start))
	out.Summary = Count(out.Requests)
	out.Summary.Interrupted = interrupted
	hasErr := false
	for _, d := range out.Diagnostics {
		hasErr = hasErr || d.Severity == "error"
	}
	out.Summary.OK = out.Summary.OK && !interrupted && !hasErr
	return out, nil
}
