package dsl

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// LoadPath loads the collection at p: every *.hcl file directly in p when p
// is a folder (sub-folders are not read), or the single file p.
func LoadPath(p string) (*Collection, hcl.Diagnostics) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read collection",
			Detail:   fmt.Sprintf("%s. Name a folder of .hcl files or one .hcl file.", cleanPathError(err)),
		}}
	}
	if info.IsDir() {
		return loadTree(os.DirFS(p), p, p, nil, nil)
	}
	dir := filepath.Dir(p)
	return loadTree(os.DirFS(dir), dir, dir, []string{filepath.Base(p)}, nil)
}

// cleanPathError turns an *fs.PathError into "open x: no such file or
// directory" without Go's syntax noise.
func cleanPathError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return fmt.Sprintf("%s: %s", pe.Path, pe.Err)
	}
	return err.Error()
}

// Load reads a collection from fsys, whose root is the collection folder.
// dir is how the folder is shown in diagnostics. When only is non-empty just
// those files are read; otherwise every *.hcl file at the root of fsys is.
// Files are read in name order, which fixes the position order used to break
// ties in the run order.
func Load(fsys fs.FS, dir string, only []string) (*Collection, hcl.Diagnostics) {
	return loadTree(fsys, dir, "", only, nil)
}

// maxModuleDepth bounds module nesting.
const maxModuleDepth = 16

// loadTree loads a collection and, recursively, its child modules. stack
// holds the identities of the collections being loaded above this one, to
// report a module cycle instead of recursing forever.
func loadTree(fsys fs.FS, dir, osDir string, only []string, stack []string) (*Collection, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	names := append([]string(nil), only...)
	if len(names) == 0 {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Cannot read collection",
				Detail:   cleanPathError(err),
			}}
		}
		for _, e := range entries {
			// Hidden files (editor lock files such as .#main.hcl) are not
			// part of a collection, as the shell's *.hcl would not list them.
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		if len(names) == 0 {
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "No collection files",
				Detail:   fmt.Sprintf("The folder %s has no .hcl files. A collection is the *.hcl files directly in one folder.", displayDir(dir)),
			}}
		}
	}
	sort.Strings(names)

	c := newCollection(dir)
	c.osDir = osDir
	c.Files = make(map[string]*hcl.File, len(names))
	// Files are read and parsed in parallel (parsing is most of the cost of
	// a large suite), then decoded one by one in name order, so positions
	// and diagnostics do not depend on timing.
	parsed := make([]parsedFile, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			parsed[i] = parseFile(fsys, name, displayName(dir, name))
		}()
	}
	wg.Wait()
	for _, pf := range parsed {
		diags = append(diags, pf.diags...)
		if pf.file == nil {
			continue
		}
		c.Files[pf.file.filename] = pf.file.File
		if pf.diags.HasErrors() {
			continue
		}
		diags = append(diags, c.decodeFile(pf.file.File)...)
	}
	if diags.HasErrors() {
		return c, diags
	}
	diags = append(diags, c.loadModules(fsys, append(stack, moduleIdentity(dir, osDir)))...)
	if diags.HasErrors() {
		return c, diags
	}
	diags = append(diags, c.validate()...)
	return c, diags
}

func moduleIdentity(dir, osDir string) string {
	if osDir != "" {
		if abs, err := filepath.Abs(osDir); err == nil {
			return abs
		}
		return filepath.Clean(osDir)
	}
	return path.Clean(filepath.ToSlash(dir))
}

// loadModules loads the child collection of every module call. Sources are
// local paths relative to the collection's folder.
func (c *Collection) loadModules(fsys fs.FS, stack []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, m := range c.Modules {
		childDir := path.Join(filepath.ToSlash(c.Dir), m.Source)
		var childFS fs.FS
		childOS := ""
		if c.osDir != "" {
			childOS = filepath.Join(c.osDir, filepath.FromSlash(m.Source))
			info, err := os.Stat(childOS)
			if err != nil || !info.IsDir() {
				diags = append(diags, moduleSourceDiag(m, fmt.Sprintf("%s is not a folder", childDir)))
				continue
			}
			childFS = os.DirFS(childOS)
		} else {
			sub := path.Clean(m.Source)
			if !fs.ValidPath(sub) {
				diags = append(diags, moduleSourceDiag(m, "a module outside this collection's folder can be loaded only from disk"))
				continue
			}
			var err error
			if childFS, err = fs.Sub(fsys, sub); err != nil {
				diags = append(diags, moduleSourceDiag(m, err.Error()))
				continue
			}
		}
		id := moduleIdentity(childDir, childOS)
		for i, s := range stack {
			if s == id {
				cycle := append(append([]string(nil), stack[i:]...), id)
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Module cycle",
					Detail:   fmt.Sprintf("Module %q loads a collection that is already being loaded: %s.", m.Name, strings.Join(cycle, " → ")),
					Subject:  m.SourceRange.Ptr(),
				})
				return diags
			}
		}
		if len(stack) >= maxModuleDepth {
			diags = append(diags, moduleSourceDiag(m, fmt.Sprintf("modules are nested more than %d deep", maxModuleDepth)))
			continue
		}
		child, moreDiags := loadTree(childFS, childDir, childOS, nil, stack)
		diags = append(diags, moreDiags...)
		if child == nil {
			continue
		}
		m.Child = child
		for name, f := range child.Files {
			c.Files[name] = f
		}
	}
	return diags
}

func moduleSourceDiag(m *ModuleCall, why string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid module source",
		Detail:   fmt.Sprintf("Module %q cannot be loaded from %q: %s.", m.Name, m.Source, why),
		Subject:  m.SourceRange.Ptr(),
	}
}

func displayDir(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

func displayName(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return path.Join(filepath.ToSlash(dir), name)
}

func newCollection(dir string) *Collection {
	return &Collection{
		Dir:               dir,
		variablesByName:   map[string]*Variable{},
		localsByName:      map[string]*Local{},
		credentialsByName: map[string]*Credentials{},
		endpointsByName:   map[string]*Endpoint{},
		requestsByName:    map[string]*Request{},
		outputsByName:     map[string]*Output{},
		modulesByName:     map[string]*ModuleCall{},
	}
}

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "credentials", LabelNames: []string{"name"}},
		{Type: "endpoint", LabelNames: []string{"name"}},
		{Type: "request", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
	},
}

func (c *Collection) decodeFile(f *hcl.File) hcl.Diagnostics {
	content, diags := bodyContent(f.Body, fileSchema)
	requests := decodeRequestBlocks(content.Blocks)
	for i, block := range content.Blocks {
		switch block.Type {
		case "variable":
			v, moreDiags := decodeVariableBlock(block)
			diags = append(diags, moreDiags...)
			if v != nil && !c.checkDuplicate(&diags, "variable", v.Name, block, c.variablesByName[v.Name] != nil, rangeOfVar(c.variablesByName[v.Name])) {
				c.Variables = append(c.Variables, v)
				c.variablesByName[v.Name] = v
			}
		case "locals":
			locals, moreDiags := decodeLocalsBlock(block)
			diags = append(diags, moreDiags...)
			for _, l := range locals {
				if prev := c.localsByName[l.Name]; prev != nil {
					diags = append(diags, duplicateDiag("local value", l.Name, l.DeclRange, prev.DeclRange))
					continue
				}
				l.Pos = c.nextPos()
				c.Locals = append(c.Locals, l)
				c.localsByName[l.Name] = l
			}
		case "credentials":
			cr, moreDiags := decodeCredentialsBlock(block)
			diags = append(diags, moreDiags...)
			if cr != nil {
				if prev := c.credentialsByName[cr.Name]; prev != nil {
					diags = append(diags, duplicateDiag("credentials", cr.Name, cr.DeclRange, prev.DeclRange))
					break
				}
				cr.Pos = c.nextPos()
				c.Credentials = append(c.Credentials, cr)
				c.credentialsByName[cr.Name] = cr
			}
		case "endpoint":
			e, moreDiags := decodeEndpointBlock(block)
			diags = append(diags, moreDiags...)
			if e != nil {
				if prev := c.endpointsByName[e.Name]; prev != nil {
					diags = append(diags, duplicateDiag("endpoint", e.Name, e.DeclRange, prev.DeclRange))
					break
				}
				e.Pos = c.nextPos()
				c.Endpoints = append(c.Endpoints, e)
				c.endpointsByName[e.Name] = e
			}
		case "request":
			r, moreDiags := requests[i].r, requests[i].diags
			diags = append(diags, moreDiags...)
			if r != nil {
				if prev := c.requestsByName[r.Name]; prev != nil {
					diags = append(diags, duplicateDiag("request", r.Name, r.DeclRange, prev.DeclRange))
					break
				}
				r.Pos = c.nextPos()
				c.Requests = append(c.Requests, r)
				c.requestsByName[r.Name] = r
			}
		case "module":
			m, moreDiags := decodeModuleBlock(block)
			diags = append(diags, moreDiags...)
			if m != nil {
				if prev := c.modulesByName[m.Name]; prev != nil {
					diags = append(diags, duplicateDiag("module", m.Name, m.DeclRange, prev.DeclRange))
					break
				}
				m.Pos = c.nextPos()
				c.Modules = append(c.Modules, m)
				c.modulesByName[m.Name] = m
			}
		case "output":
			o, moreDiags := decodeOutputBlock(block)
			diags = append(diags, moreDiags...)
			if o != nil {
				if prev := c.outputsByName[o.Name]; prev != nil {
					diags = append(diags, duplicateDiag("output", o.Name, o.DeclRange, prev.DeclRange))
					break
				}
				o.Pos = c.nextPos()
				c.Outputs = append(c.Outputs, o)
				c.outputsByName[o.Name] = o
			}
		}
	}
	return diags
}

// decodedRequest is a request block decoded ahead of its turn.
type decodedRequest struct {
	r     *Request
	diags hcl.Diagnostics
}

// minParallel is the fewest blocks worth checking on more than one core.
const minParallel = 256

// decodeRequestBlocks decodes the request blocks among blocks, by index;
// the other entries are left empty. Decoding a block depends on nothing
// but the block, so a file's requests are decoded on every core, then
// taken in file order.
func decodeRequestBlocks(blocks hcl.Blocks) []decodedRequest {
	out := make([]decodedRequest, len(blocks))
	inParallel(len(blocks), func(i int) {
		if blocks[i].Type == "request" {
			out[i].r, out[i].diags = decodeRequestBlock(blocks[i])
		}
	})
	return out
}

// inParallel calls f for 0 ≤ i < n, on every core when n is large. f must
// touch only what belongs to its i.
func inParallel(n int, f func(i int)) {
	workers := max(runtime.GOMAXPROCS(0), 1)
	if workers == 1 || n < minParallel {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w * n / workers; i < (w+1)*n/workers; i++ {
				f(i)
			}
		})
	}
	wg.Wait()
}

// nextPos numbers blocks in file order, across files in name order.
func (c *Collection) nextPos() int {
	return len(c.Locals) + len(c.Credentials) + len(c.Endpoints) + len(c.Requests) + len(c.Outputs) + len(c.Modules)
}

func rangeOfVar(v *Variable) hcl.Range {
	if v == nil {
		return hcl.Range{}
	}
	return v.DeclRange
}

func (c *Collection) checkDuplicate(diags *hcl.Diagnostics, kind, name string, block *hcl.Block, dup bool, prev hcl.Range) bool {
	if !dup {
		return false
	}
	*diags = append(*diags, duplicateDiag(kind, name, block.DefRange, prev))
	return true
}

func duplicateDiag(kind, name string, rng, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s %q", kind, name),
		Detail: fmt.Sprintf("A %s named %q was already declared at %s:%d,%d. Names must be unique within a collection.",
			kind, name, prev.Filename, prev.Start.Line, prev.Start.Column),
		Subject: rng.Ptr(),
	}
}

type namedFile struct {
	*hcl.File
	filename string
}

type parsedFile struct {
	file  *namedFile
	diags hcl.Diagnostics
}

// parseFile reads and parses one file of a collection.
func parseFile(fsys fs.FS, name, display string) parsedFile {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return parsedFile{diags: hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read file",
			Detail:   cleanPathError(err),
		}}}
	}
	f, diags := parseSource(src, display)
	if f == nil {
		return parsedFile{diags: diags}
	}
	return parsedFile{file: &namedFile{File: f, filename: display}, diags: diags}
}
