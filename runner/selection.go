package runner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// selection is the part of the graph a run walks, from --target and
// --tags: the chosen requests and everything they depend on. nil means
// everything.
type selection []bool

func (s selection) has(v int) bool { return s == nil || s[v] }

// selectNodes computes the selection: each target (request.NAME, or
// module.M.request.NAME; a bare NAME is accepted) and each request with
// one of tags, plus everything they depend on. tagsOf returns a request
// vertex's tags.
func (r *Runner) selectNodes(targets, tags []string, tagsOf func(v int) []string) (selection, hcl.Diagnostics) {
	if len(targets) == 0 && len(tags) == 0 {
		return nil, nil
	}
	var diags hcl.Diagnostics
	var roots []int
	for _, t := range targets {
		key := t
		if !strings.Contains(key, "request.") {
			key = "request." + key
		}
		v, ok := r.plan.index[key]
		if !ok || r.plan.nodes[v].kind != nodeRequest {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown target",
				Detail:   fmt.Sprintf("--target %s names no request of the collection; write request.NAME (or module.M.request.NAME).", t),
			})
			continue
		}
		roots = append(roots, v)
	}
	if len(tags) > 0 {
		for _, v := range r.plan.requestOrder {
			for _, tag := range tagsOf(v) {
				if slices.Contains(tags, tag) {
					roots = append(roots, v)
					break
				}
			}
		}
	}
	sel := make(selection, len(r.plan.nodes))
	stack := roots
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if sel[v] {
			continue
		}
		sel[v] = true
		stack = append(stack, r.plan.g.Deps(v)...)
	}
	return sel, diags
}
