package command

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/report"
	"github.com/sigrun-dev/sigrun/report/reporttest"
)

// docBlock is a fenced code block of a Markdown file.
type docBlock struct {
	lang string
	line int
	text string
}

func codeBlocks(t *testing.T, name string) []docBlock {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []docBlock
	var cur *docBlock
	for i, line := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &docBlock{lang: strings.TrimPrefix(trimmed, "```"), line: i + 2}
		case cur != nil && trimmed == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return out
}

var (
	// A sigrun command: at the start of a line, or after a space, a quote
	// or "<(" (run: sigrun ..., - sigrun ..., sh 'sigrun ...',
	// source <(sigrun ...)); not sigrun-dev/sigrun@latest.
	reSigrunCmd = regexp.MustCompile(`(?:^|[\s'"(])(sigrun\s[^)]*)`)
	// CI expressions stand for values: ${{ matrix.shard }}, ${CI_NODE_INDEX}.
	reCIExpr = regexp.MustCompile(`\$\{\{[^}]*\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)
)

// sigrunCommands finds the sigrun command lines of a code block, joining
// lines continued with a backslash.
func sigrunCommands(text string) []string {
	var out []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := reSigrunCmd.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		cmd := m[1]
		for strings.HasSuffix(strings.TrimSpace(cmd), `\`) && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(strings.TrimSpace(cmd), `\`) + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, cmd)
	}
	return out
}

// shellWords splits a command line as sh would (quotes, no expansion),
// stopping at a redirection, pipe or comment.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case (r == '>' || r == '|' || r == '#' || r == '<' || r == ';') && !inWord:
			return words
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// Every sigrun command line in docs/ci.md names real commands and flags,
// with values the flags accept: the CI examples can be copied as they are.
func TestCIDocsUseRealFlags(t *testing.T) {
	blocks := codeBlocks(t, "../docs/ci.md")
	checked := map[string]int{}
	for _, b := range blocks {
		for _, line := range sigrunCommands(b.text) {
			// A groovy sh '...' keeps its closing quote: drop it.
			line = strings.TrimRight(strings.TrimSpace(line), `'`)
			args := shellWords(reCIExpr.ReplaceAllString(line, "1"))[1:]
			root := newRoot(&Process{})
			cmd, rest, err := root.Find(terraformStyleFlags(args))
			if err != nil || cmd == root {
				t.Errorf("docs/ci.md:%d: %q: no such command (%v)", b.line, line, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("docs/ci.md:%d: %q: %v", b.line, line, err)
				continue
			}
			if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
				t.Errorf("docs/ci.md:%d: %q: %v", b.line, line, err)
			}
			if f := cmd.Flags().Lookup("report"); f != nil {
				specs, _ := cmd.Flags().GetStringArray("report")
				if _, err := report.ParseTargets(specs); err != nil {
					t.Errorf("docs/ci.md:%d: %q: %v", b.line, line, err)
				}
			}
			if f := cmd.Flags().Lookup("shard"); f != nil && f.Changed {
				if _, err := report.ParseShard(f.Value.String()); err != nil {
					t.Errorf("docs/ci.md:%d: %q: %v", b.line, line, err)
				}
			}
			checked[cmd.CommandPath()]++
		}
	}
	t.Logf("checked %v", checked)
	// The page shows what it is about.
	for _, want := range []string{"sigrun run", "sigrun report merge", "sigrun validate", "sigrun completion"} {
		if checked[want] == 0 {
			t.Errorf("docs/ci.md has no %s command line (found %v)", want, checked)
		}
	}
	yaml := 0
	for _, b := range blocks {
		if b.lang == "yaml" {
			yaml++
			if strings.Contains(b.text, "\t") {
				t.Errorf("docs/ci.md:%d: a tab in YAML", b.line)
			}
		}
		if b.lang == "json" {
			if err := reporttest.ValidateDef("request", []byte(b.text)); err != nil {
				t.Errorf("docs/ci.md:%d: the JSON example is not a report's request: %v", b.line, err)
			}
		}
	}
	if yaml < 4 {
		t.Errorf("%d YAML examples, want GitHub Actions and GitLab CI, with and without shards", yaml)
	}
	// The checker does catch a wrong flag.
	root := newRoot(&Process{})
	cmd, rest, _ := root.Find([]string{"run", "./smoke", "--reprot", "junit=x.xml"})
	if cmd.ParseFlags(rest) == nil {
		t.Error("a misspelt flag passes the check")
	}
}

func TestShellWords(t *testing.T) {
	got := shellWords(`sigrun run ./smoke --var 'a=b c' --report "junit=x y.xml" > out.txt`)
	want := []string{"sigrun", "run", "./smoke", "--var", "a=b c", "--report", "junit=x y.xml"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%q", got)
	}
}
