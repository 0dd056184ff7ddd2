package importer_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sigrun-dev/sigrun/importer"
)

func TestSplitShell(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // words, $NAME for references
		rest string
	}{
		{`curl -X POST 'a b' "c d"`, []string{"curl", "-X", "POST", "a b", "c d"}, ""},
		{"curl \\\n  -H 'X: 1' \\\r\n  url", []string{"curl", "-H", "X: 1", "url"}, ""},
		{`a"b"'c'd`, []string{"abcd"}, ""},
		{`"say \"hi\" \$x \\ \n"`, []string{`say "hi" $x \ \n`}, ""},
		{`"Bearer $TOKEN" ${HOST}/x $1 '$NOT'`, []string{"Bearer $TOKEN", "$HOST/x", "$1", "$NOT"}, ""},
		{`$'a\nb\x41\''`, []string{"a\nbA'"}, ""},
		{`curl url # a comment`, []string{"curl", "url"}, ""},
		{`curl url | jq .`, []string{"curl", "url"}, "| jq ."},
		{`curl url > out.json`, []string{"curl", "url"}, "> out.json"},
		{`curl 'a&b' "c;d"`, []string{"curl", "a&b", "c;d"}, ""},
	} {
		words, rest, err := importer.SplitShell(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		var got []string
		for _, w := range words {
			got = append(got, w.String())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || rest != tc.rest {
			t.Errorf("%q: rest %q\n%s", tc.in, rest, diff)
		}
	}
	for _, bad := range []string{`'open`, `"open`, "echo `date`", `$(date)`, `"${A:-x}"`} {
		if _, _, err := importer.SplitShell(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// $NAME is kept apart from the text around it.
	words, _, _ := importer.SplitShell(`"user:$PASS!"`)
	if len(words) != 1 || len(words[0]) != 3 || words[0][1].Env != "PASS" {
		t.Errorf("parts %+v", words)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"a b":           "'a b'",
		"it's":          `'it'\''s'`,
		"":              "''",
		"https://x/y":   "https://x/y",
		"${UNKNOWN: x}": "'${UNKNOWN: x}'",
	} {
		if got := importer.ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
	w := importer.Word{{Text: `Bearer "x" $`}, {Env: "TOKEN"}, {Text: "_1"}}
	if got, want := importer.ShellQuoteWord(w), `"Bearer \"x\" \$${TOKEN}_1"`; got != want {
		t.Errorf("ShellQuoteWord = %s, want %s", got, want)
	}
	// What ShellQuoteWord writes, SplitShell reads back.
	words, _, err := importer.SplitShell(importer.ShellQuoteWord(w))
	if err != nil || len(words) != 1 || words[0].String() != w.String() {
		t.Errorf("round trip: %v %v", words, err)
	}
}

func TestImportCurlErrors(t *testing.T) {
	for cmd, want := range map[string]string{
		"curl -s":                      "no URL",
		"curl ftp://x/y":               "not http or https",
		"curl -F a=b -d c=d http://x/": "both -F",
		"curl -d @- http://x/":         "standard input",
		"curl -X":                      "needs a value",
		"curl 'unterminated":           "unterminated",
	} {
		_, err := importer.ImportCurl([]string{cmd}, importer.CurlOptions{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", cmd, err, want)
		}
	}
}

func TestImportPostmanErrors(t *testing.T) {
	for src, want := range map[string]string{
		`not json`:                           "not a Postman collection",
		`{"info": {"schema": "…/v1.0.0/…"}}`: "v2.0 and v2.1",
		`{"info": {"name": "x"}}`:            "not a Postman collection v2",
	} {
		_, err := importer.ImportPostman([]byte(src), importer.PostmanOptions{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", src, err, want)
		}
	}
}
