package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Block is a request block of a collection, with the request blocks it
// depends on (directly or through locals, endpoints and modules), as
// sharding sees it.
type Block struct {
	// Name is the block's address: NAME or module.M.request.NAME.
	Name      string
	DependsOn []string
	// Weight is how many requests the block stands for (its instances,
	// when known); 0 counts as 1.
	Weight int
	// Tags are the block's tags, when known before the run.
	Tags []string
}

// ParseShard reads K/N, 1 <= K <= N.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %q: write K/N, the shard K (from 1) of N, as --shard 2/4", s)
	}
	if ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("--shard %q: K must be from 1 to N and N at least 1", s)
	}
	return Shard{Index: ki, Count: ni}, nil
}

// Partition splits blocks into n shards so that each connected part of the
// dependency graph (two blocks are connected when one depends on the
// other) is whole in one shard, and the shards' weights are balanced: parts
// are placed heaviest first, each in the lightest shard so far (the lowest
// index on a tie), parts of equal weight in the order of their first
// block. The result depends only on the blocks and n, so every job of a CI
// matrix computes the same split. shards[i] lists the blocks of shard i+1
// in the order given; a shard may be empty when there are fewer parts than
// shards.
func Partition(blocks []Block, n int) ([][]string, error) {
	if n < 1 {
		return nil, fmt.Errorf("cannot split into %d shards", n)
	}
	parts := Components(blocks)
	type part struct {
		members []int
		weight  int
	}
	ps := make([]part, len(parts))
	for i, members := range parts {
		ps[i].members = members
		for _, m := range members {
			ps[i].weight += max(1, blocks[m].Weight)
		}
	}
	// Components lists parts by their first block: a stable sort keeps
	// that order among equal weights.
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].weight > ps[j].weight })
	load := make([]int, n)
	shardOf := make([]int, len(blocks))
	for _, p := range ps {
		best := 0
		for s := 1; s < n; s++ {
			if load[s] < load[best] {
				best = s
			}
		}
		load[best] += p.weight
		for _, m := range p.members {
			shardOf[m] = best
		}
	}
	out := make([][]string, n)
	for i := range out {
		out[i] = []string{}
	}
	for i, b := range blocks {
		out[shardOf[i]] = append(out[shardOf[i]], b.Name)
	}
	return out, nil
}

// Components returns the connected parts of the blocks' dependency graph,
// each as indexes into blocks in ascending order, the parts ordered by
// their first block. Dependencies on names that are not among the blocks
// still connect the blocks that share them.
func Components(blocks []Block) [][]int {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	add := func(x string) {
		if _, ok := parent[x]; !ok {
			parent[x] = x
		}
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[rb] = ra
		}
	}
	for _, b := range blocks {
		add(b.Name)
		for _, d := range b.DependsOn {
			add(d)
			union(b.Name, d)
		}
	}
	index := map[string]int{}
	var out [][]int
	for i, b := range blocks {
		root := find(b.Name)
		j, ok := index[root]
		if !ok {
			j = len(out)
			index[root] = j
			out = append(out, nil)
		}
		out[j] = append(out[j], i)
	}
	return out
}

// Select returns the blocks of shard s, as a set.
func Select(blocks []Block, s Shard) (map[string]bool, error) {
	shards, err := Partition(blocks, s.Count)
	if err != nil {
		return nil, err
	}
	if s.Index < 1 || s.Index > s.Count {
		return nil, fmt.Errorf("shard %s does not exist", s)
	}
	keep := map[string]bool{}
	for _, name := range shards[s.Index-1] {
		keep[name] = true
	}
	return keep, nil
}
