package runner

import (
	"path/filepath"

	"github.com/zclconf/go-cty/cty/function"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/dsl/funcs"
)

// scope is one collection of the module tree: the root, or the child of a
// module call. Each has its own names, its own function table (file() is
// relative to its own folder) and its own values in a walk.
type scope struct {
	idx    int
	coll   *dsl.Collection
	parent int // -1 for the root
	call   *dsl.ModuleCall
	// prefix is prepended to addresses: "" for the root, "module.auth."
	// for a child, "module.auth.module.inner." for a grandchild.
	prefix string
	// baseDir is the folder relative paths are resolved against.
	baseDir  string
	funcs    map[string]function.Function
	children map[string]int // module name → scope index
}

// buildScopes lists the module tree, the root first, then each module's
// subtree in declaration order.
func (r *Runner) buildScopes(root *dsl.Collection) []*scope {
	var out []*scope
	var add func(c *dsl.Collection, parent int, call *dsl.ModuleCall, prefix, baseDir string)
	add = func(c *dsl.Collection, parent int, call *dsl.ModuleCall, prefix, baseDir string) {
		sc := &scope{idx: len(out), coll: c, parent: parent, call: call, prefix: prefix, baseDir: baseDir, children: map[string]int{}}
		readFile := r.opts.ReadFile
		if parent >= 0 && c.OSDir() != "" {
			readFile = nil // a module on disk reads its files from disk
		}
		sc.funcs = funcs.Functions(funcs.Options{BaseDir: baseDir, LookupEnv: r.opts.LookupEnv, ReadFile: readFile})
		out = append(out, sc)
		for _, m := range c.Modules {
			if m.Child == nil {
				continue
			}
			childBase := m.Child.OSDir()
			if childBase == "" {
				childBase = filepath.Join(baseDir, filepath.FromSlash(m.Source))
			}
			sc.children[m.Name] = len(out)
			add(m.Child, sc.idx, m, prefix+"module."+m.Name+".", childBase)
		}
	}
	add(root, -1, nil, "", r.opts.BaseDir)
	return out
}

// resolvePath resolves a path written in the scope's files.
func (sc *scope) resolvePath(p string) string {
	if filepath.IsAbs(p) || sc.baseDir == "" {
		return p
	}
	return filepath.Join(sc.baseDir, p)
}

// requestName is how an instance of a request of this scope is reported:
// its name in the root, module.auth.request.NAME in a module.
func (sc *scope) requestName(name string) string {
	if sc.prefix == "" {
		return name
	}
	return sc.prefix + "request." + name
}
