package importer

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// snakeName turns a name written for people ("Create item", "baseUrl",
// "X-API-Key") into an HCL identifier in lower snake case ("create_item",
// "base_url", "x_api_key"). It never returns an empty string.
func snakeName(s string) string {
	var b strings.Builder
	rs := []rune(s)
	underscore := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	for i, r := range rs {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if unicode.IsUpper(r) && i > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					underscore()
				}
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			underscore()
		}
	}
	out := strings.Trim(b.String(), "_")
	switch {
	case out == "":
		return "unnamed"
	case out[0] >= '0' && out[0] <= '9':
		out = "n" + out
	}
	if !hclsyntax.ValidIdentifier(out) {
		return "unnamed"
	}
	return out
}

// namer hands out unique names: the second "item" is "item_2".
type namer struct {
	used map[string]bool
}

func newNamer(reserved ...string) *namer {
	n := &namer{used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

func (n *namer) take(base string) string {
	name := base
	for i := 2; n.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n.used[name] = true
	return name
}

// secretName matches variable and field names that hold secrets.
var secretName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(secret|token|passw|pwd|api[_-]?key|access[_-]?key|private[_-]?key|credential|signature|session|bearer|auth)`)
})

// looksSecret reports whether a variable named name probably holds a
// secret, by its name alone.
func looksSecret(name string) bool {
	return secretName().MatchString(name)
}
