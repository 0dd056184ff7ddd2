package dsl

import (
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestValidName: validName agrees with hclsyntax.ValidIdentifier.
func TestValidName(t *testing.T) {
	names := []string{"", "a", "A", "_", "-", "1", "a1", "1a", "a-b", "a--", "-a", "_1", "get_item", "r9999",
		"true", "null", "for", "in", "a b", "a.b", "a\"", "a\n", "a\t", "a$", "a{", "é", "aé", "éa", "a-é", "日本",
		"a\u0301", "\u00a0", "a\u200d", "a\x00", "\xff", "a\xff", "ǅ", "ⅰ", "a·b", "a٣"}
	// Every one- and two-byte ASCII string.
	for c := range 128 {
		names = append(names, string(rune(c)), "a"+string(rune(c)), string(rune(c))+"a")
	}
	for _, n := range names {
		if got, want := validName(n), hclsyntax.ValidIdentifier(n); got != want {
			t.Errorf("validName(%q) = %v, ValidIdentifier says %v", n, got, want)
		}
	}
}

// FuzzValidName: validName agrees with hclsyntax.ValidIdentifier.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"a", "a-b_1", "1a", "é", "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validName(s), hclsyntax.ValidIdentifier(s); got != want {
			t.Errorf("validName(%q) = %v, ValidIdentifier says %v", s, got, want)
		}
	})
}
