package dsl

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A large file is parsed in pieces, in parallel: a generated suite is one
// file of thousands of request blocks, and HCL's lexer and parser run on
// one core. The pieces are cut between top-level blocks and parsed with
// hclsyntax.ParseConfig, each from its own position in the file, so that
// every range is the one a parse of the whole file gives; their blocks are
// then joined into one body.
//
// A piece parses as the same part of the whole file does when HCL's
// scanner and parser are in their initial state at the piece's start: at
// the start of the file, or between two top-level items. That is checked
// after parsing rather than assumed: every piece must parse without a
// diagnostic and hold blocks only (every piece but the last, at least one).
// A piece ends with a newline, and it parses cleanly only when everything
// it opens (a block, a bracket, a string, a heredoc, a comment) closes
// within it: one cut short is a syntax error (an unclosed block, string or
// heredoc; an unterminated /* lexes as / and *, which no expression
// allows). So the scanner leaves a piece in the state it entered it, and
// the next piece is parsed as the whole file would parse it. When a check
// fails (a syntax error, a heredoc or a comment that runs over a cut, a
// top-level argument), the whole file is parsed again as one, so that the
// diagnostics are exactly those of a parse of the whole file.
//
// The pieces also stand in for checkNesting. Each piece is cut with at
// most MaxNesting opening brackets, braces and parentheses, so the parser
// cannot recurse deeper than that on it; when the pieces check out, the
// nesting of the file at each token is the nesting within its piece (a
// clean piece closes all it opens), which therefore stays within
// MaxNesting too, and the lexer's pass of checkNesting over the whole file
// would find nothing. The file is lexed once rather than twice.

// minSplitSize is the smallest file parsed in pieces; smaller files are
// parsed whole, the way they always were.
const minSplitSize = 64 << 10

// pieceSize is about the size of a piece: some twenty blocks of a
// generated suite. Small pieces keep the lexer's token slices small: each
// grows by appending, and the copies left behind by a long slice's growth
// were most of the garbage of parsing a large file whole. Much smaller
// pieces cost more in parsers set up than they save.
const pieceSize = 2 << 10

// parseSource checks the nesting of src and parses it as a configuration
// file: what checkNesting and then hclsyntax.ParseConfig do, in pieces
// when src is large.
func parseSource(src []byte, display string) (*hcl.File, hcl.Diagnostics) {
	if len(src) >= minSplitSize {
		if f, ok := parsePieces(src, display, pieceSize, max(runtime.GOMAXPROCS(0), 1)); ok {
			return f, nil
		}
	}
	if diags := checkNesting(src, display, false); diags.HasErrors() {
		return nil, diags
	}
	return hclsyntax.ParseConfig(src, display, hcl.InitialPos)
}

// piece is one part of a file parsed on its own.
type piece struct {
	start, end int
	pos        hcl.Pos
	file       *hcl.File
	diags      hcl.Diagnostics
}

// splitPieces cuts src at line starts that may begin a top-level block
// (a letter or an underscore in the first column) into pieces of about
// size bytes, each with at most MaxNesting opening brackets and each
// starting a block (the first may start with comments). ok is false when
// src cannot be cut that way.
func splitPieces(src []byte, size int) (pieces []piece, ok bool) {
	if len(src) == 0 || len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		return nil, false // a byte order mark: leave it to the whole-file parse
	}
	cur := piece{pos: hcl.InitialPos}
	opens := 0
	// started is set once the current piece has a line that may begin a
	// block, so that a cut does not leave a piece of comments alone.
	started := isIdentStart(src[0])
	// The last possible cut in the current piece, and the opening brackets
	// before it.
	lastCut, lastPos, opensAtLast := -1, hcl.Pos{}, 0
	cut := func(at int, pos hcl.Pos) {
		cur.end = at
		pieces = append(pieces, cur)
		cur = piece{start: at, pos: pos}
		lastCut = -1
	}
	line := 1
	for i, c := range src {
		switch c {
		case '{', '[', '(':
			opens++
		case '\n':
			line++
			if next := i + 1; next < len(src) && isIdentStart(src[next]) {
				pos := hcl.Pos{Line: line, Column: 1, Byte: next}
				switch {
				case !started:
					started = true
				case next-cur.start >= size:
					cut(next, pos)
					opens = 0
				default:
					lastCut, lastPos, opensAtLast = next, pos, opens
				}
			}
		}
		if opens > MaxNesting {
			if lastCut < 0 {
				return nil, false
			}
			opens -= opensAtLast
			cut(lastCut, lastPos)
			if opens > MaxNesting {
				return nil, false
			}
		}
	}
	cur.end = len(src)
	return append(pieces, cur), len(pieces) > 0
}

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// parsePieces parses src in pieces of about size bytes on up to procs
// goroutines. ok is false when src must be parsed whole instead.
func parsePieces(src []byte, display string, size, procs int) (*hcl.File, bool) {
	pieces, ok := splitPieces(src, size)
	if !ok {
		return nil, false
	}
	// A few workers take the pieces in turn: the parser is recursive, and
	// a worker's stack grows once, where a goroutine per piece would grow
	// a fresh stack for each.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(procs, len(pieces)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(pieces) {
					return
				}
				p := &pieces[i]
				p.file, p.diags = hclsyntax.ParseConfig(src[p.start:p.end:p.end], display, p.pos)
			}
		})
	}
	wg.Wait()

	bodies := make([]*hclsyntax.Body, len(pieces))
	for i, p := range pieces {
		if len(p.diags) > 0 || p.file == nil {
			return nil, false
		}
		body, ok := p.file.Body.(*hclsyntax.Body)
		if !ok || len(body.Attributes) > 0 {
			return nil, false
		}
		if i < len(pieces)-1 && len(body.Blocks) == 0 {
			return nil, false
		}
		bodies[i] = body
	}

	// The first piece's file becomes the whole file's.
	f, root := pieces[0].file, bodies[0]
	for _, b := range bodies[1:] {
		root.Blocks = append(root.Blocks, b.Blocks...)
	}
	last := bodies[len(bodies)-1]
	root.SrcRange.End = last.SrcRange.End
	root.EndRange = last.EndRange
	f.Bytes = src
	return f, true
}
