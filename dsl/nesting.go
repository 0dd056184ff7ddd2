package dsl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxNesting bounds how deep brackets, braces, parentheses and template
// interpolations may nest in a file or in a value given as text. HCL's
// parser is recursive: some 100,000 levels (a 200 KB file) overflow the
// goroutine stack, a fatal error that no recover catches. Collections nest
// a few levels; a thousand is far beyond any.
const MaxNesting = 1000

// checkNesting refuses src when it nests deeper than MaxNesting. It runs
// HCL's scanner, which is not recursive, so brackets inside strings and
// comments do not count. expr says src is one expression (a --var value)
// rather than a file.
// CheckNesting refuses a file nested more than MaxNesting levels deep,
// before HCL's recursive parser would overflow its stack on it.
func CheckNesting(src []byte, filename string) hcl.Diagnostics {
	return checkNesting(src, filename, false)
}

func checkNesting(src []byte, filename string, expr bool) hcl.Diagnostics {
	var tokens hclsyntax.Tokens
	if expr {
		tokens, _ = hclsyntax.LexExpression(src, filename, hcl.InitialPos)
	} else {
		tokens, _ = hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	}
	depth := 0
	for _, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
			if depth > MaxNesting {
				return hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Nesting too deep",
					Detail: fmt.Sprintf("Brackets, braces, parentheses or template interpolations nest more than %d levels deep here. "+
						"sigrun refuses this rather than risk overflowing the parser's stack.", MaxNesting),
					Subject: tok.Range.Ptr(),
				}}
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenTemplateSeqEnd:
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}
