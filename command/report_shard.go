package command

import (
	"fmt"
	"io"

	"github.com/sigrun-dev/sigrun/report"
	"github.com/sigrun-dev/sigrun/runner"
)

// noRequests is a tag no request can have (tags are HCL strings, and this
// one is not written in any collection by chance): selecting it selects
// nothing, which is what an empty shard runs.
const noRequests = "\x00sigrun: empty shard"

// prepare loads and checks the collection as the package's prepare does
// and, with --shard K/N, restricts the run to shard K: the request blocks
// of the run (all of them, or those --target and --tags chose) are split
// with report.Partition, every connected part of the graph whole, and the
// runner is made again with the shard's blocks as its targets (targets
// bring what they depend on, and a part holds all of that). A shard with
// no request runs nothing and passes.
func (f *reportFlags) prepare(p *Process, dir string, flags *collectionFlags, opts runner.Options) (*runner.Runner, error) {
	r, err := prepare(p, dir, flags, opts)
	if err != nil || f == nil || f.shardOf == nil {
		return r, err
	}
	blocks := planBlocks(r)
	keep, err := report.Select(blocks, *f.shardOf)
	if err != nil {
		return nil, exitf(ExitInvalid, "--shard %s: %s", f.shardOf, err)
	}
	sub := *flags
	sub.targets, sub.tags = nil, nil
	for _, b := range blocks {
		if keep[b.Name] {
			sub.targets = append(sub.targets, b.Name)
		}
	}
	if len(sub.targets) == 0 {
		sub.tags = []string{noRequests}
		fmt.Fprintf(p.Stderr, "sigrun: shard %s has no requests: the collection has fewer independent parts than shards.\n", f.shardOf)
	}
	// The collection was checked and its diagnostics shown: the second
	// pass shows nothing again.
	quiet := *p
	quiet.Stderr = io.Discard
	return prepare(&quiet, dir, &sub, opts)
}
