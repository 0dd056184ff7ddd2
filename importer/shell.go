package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Word is one shell word: literal text with the environment variables it
// expands ($NAME, ${NAME}) kept apart, so that an imported command refers to
// them rather than to their values.
type Word []WordPart

// WordPart is literal text or an environment variable reference.
type WordPart struct {
	Text string
	Env  string // set: a reference to this variable
}

// String is the word with variables written as $NAME.
func (w Word) String() string {
	var b strings.Builder
	for _, p := range w {
		if p.Env != "" {
			b.WriteString("$" + p.Env)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// Literal is the word's text when it expands no variable.
func (w Word) Literal() (string, bool) {
	var b strings.Builder
	for _, p := range w {
		if p.Env != "" {
			return "", false
		}
		b.WriteString(p.Text)
	}
	return b.String(), true
}

func (w Word) appendText(s string) Word {
	if len(w) > 0 && w[len(w)-1].Env == "" {
		w[len(w)-1].Text += s
		return w
	}
	return append(w, WordPart{Text: s})
}

var reEnvName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`) })

// SplitShell splits a command line as a POSIX shell would, without running
// anything: quotes, backslash escapes, backslash-newline continuations,
// $'…' strings and comments. $NAME and ${NAME} are kept as references.
// The command ends at an unquoted |, ;, &, > or < (what follows is another
// command or a redirection); rest is that remainder, trimmed.
func SplitShell(s string) (words []Word, rest string, err error) {
	var cur Word
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur)
		}
		cur, inWord = nil, false
	}
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) && s[i+1] == '\n' {
				i += 2
				continue
			}
			if i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n' {
				i += 3
				continue
			}
			if i+1 < len(s) {
				cur = cur.appendText(string(s[i+1]))
				inWord = true
				i += 2
				continue
			}
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
			i++
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '|' || c == ';' || c == '&' || c == '>' || c == '<':
			flush()
			return words, strings.TrimSpace(s[i:]), nil
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, "", fmt.Errorf("unterminated single quote")
			}
			cur = cur.appendText(s[i+1 : i+1+end])
			inWord = true
			i += end + 2
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			text, n, err := ansiCString(s[i+2:])
			if err != nil {
				return nil, "", err
			}
			cur = cur.appendText(text)
			inWord = true
			i += 2 + n
		case c == '"':
			j := i + 1
			closed := false
			for j < len(s) {
				d := s[j]
				if d == '"' {
					closed = true
					j++
					break
				}
				if d == '\\' && j+1 < len(s) {
					switch s[j+1] {
					case '"', '\\', '$', '`':
						cur = cur.appendText(string(s[j+1]))
						j += 2
						continue
					case '\n':
						j += 2
						continue
					}
					cur = cur.appendText("\\")
					j++
					continue
				}
				if d == '$' {
					part, n, err := dollar(s[j:])
					if err != nil {
						return nil, "", err
					}
					cur = append(cur, part...)
					j += n
					continue
				}
				if d == '`' {
					return nil, "", fmt.Errorf("command substitution (`…`) cannot be imported: replace it with its value or a $VARIABLE")
				}
				cur = cur.appendText(string(d))
				j++
			}
			if !closed {
				return nil, "", fmt.Errorf("unterminated double quote")
			}
			inWord = true
			i = j
		case c == '$':
			part, n, err := dollar(s[i:])
			if err != nil {
				return nil, "", err
			}
			cur = append(cur, part...)
			inWord = true
			i += n
		case c == '`':
			return nil, "", fmt.Errorf("command substitution (`…`) cannot be imported: replace it with its value or a $VARIABLE")
		default:
			cur = cur.appendText(string(c))
			inWord = true
			i++
		}
	}
	flush()
	return words, "", nil
}

// dollar reads $NAME, ${NAME} or a lone $ at the start of s.
func dollar(s string) (Word, int, error) {
	if strings.HasPrefix(s, "${") {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return nil, 0, fmt.Errorf("unterminated ${")
		}
		name := s[2:end]
		if !reEnvName().MatchString(name) || reEnvName().FindString(name) != name {
			return nil, 0, fmt.Errorf("${%s}: only plain ${NAME} references can be imported", name)
		}
		return Word{{Env: name}}, end + 1, nil
	}
	if strings.HasPrefix(s, "$(") {
		return nil, 0, fmt.Errorf("command substitution ($(…)) cannot be imported: replace it with its value or a $VARIABLE")
	}
	if name := reEnvName().FindString(s[1:]); name != "" {
		return Word{{Env: name}}, 1 + len(name), nil
	}
	return Word{{Text: "$"}}, 1, nil
}

// ansiCString decodes the inside of $'…' up to the closing quote; n counts
// the bytes read, the quote included.
func ansiCString(s string) (string, int, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return b.String(), i + 1, nil
		}
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && strings.IndexByte("0123456789abcdefABCDEF", s[j]) >= 0 {
				j++
			}
			v, err := strconv.ParseUint(s[i+1:j], 16, 8)
			if err != nil {
				return "", 0, fmt.Errorf("invalid \\x escape in $'…'")
			}
			b.WriteByte(byte(v))
			i = j - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated $'…' string")
}

// ShellQuote quotes s for a POSIX shell: as it is when it needs no
// quoting, else in single quotes.
func ShellQuote(s string) string {
	if s != "" && reShellSafe().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var reShellSafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`) })

// ShellQuoteWord quotes a word that mixes text and environment references:
// in double quotes, with the references left for the shell to expand.
func ShellQuoteWord(w Word) string {
	if lit, ok := w.Literal(); ok {
		return ShellQuote(lit)
	}
	var b strings.Builder
	b.WriteByte('"')
	for i, p := range w {
		if p.Env != "" {
			// ${NAME} when a name character follows, else $NAME.
			next := ""
			if i+1 < len(w) {
				next = w[i+1].Text
			}
			if next != "" && isNameChar(next[0]) {
				b.WriteString("${" + p.Env + "}")
			} else {
				b.WriteString("$" + p.Env)
			}
			continue
		}
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(p.Text))
	}
	b.WriteByte('"')
	return b.String()
}

func isNameChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
