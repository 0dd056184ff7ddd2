package command

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/importer"
	"github.com/sigrun-dev/sigrun/runner"
)

func newExportCommand(p *Process) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Show a request in another tool's form",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return exitf(ExitInvalid, "export needs a format: sigrun export curl request.NAME [DIR]")
		},
	}
	cmd.AddCommand(newExportCurlCommand(p))
	return cmd
}

func newExportCurlCommand(p *Process) *cobra.Command {
	var flags collectionFlags
	cmd := &cobra.Command{
		Use:   "curl request.NAME [DIR]",
		Short: "Print a request as a curl command, secrets left as environment references",
		Long: "Export evaluates one request of the collection in DIR (default: the current folder) as it\n" +
			"would be sent and prints it as a curl command, for a bug report or a colleague without\n" +
			"sigrun. Nothing is sent and no credentials are resolved. Secrets never appear: AWS keys\n" +
			"are $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN (signed by curl's\n" +
			"--aws-sigv4), a bearer token, password, API key or sensitive variable is $NAME after its\n" +
			"variable. A value taken from another request's response is shown as\n" +
			"${UNKNOWN: request.NAME.response.…}, to fill in by hand.",
		Example: "  sigrun export curl request.create_item samples/quickstart --var base_url=http://127.0.0.1:8080/demo",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 2 {
				dir = args[1]
			}
			r, err := prepare(p, dir, &flags, runner.Options{})
			if err != nil {
				return err
			}
			d, diags := r.Describe(args[0])
			if printDiags(p, r.Collection().Files, diags, r.Redact) {
				return silentExit(ExitInvalid)
			}
			text, env := curlCommand(d)
			fmt.Fprint(p.Stdout, text)
			if len(env) > 0 {
				fmt.Fprintf(p.Stderr, "note: the command reads %s from the environment.\n", strings.Join(env, ", "))
			}
			for _, ref := range d.Unknown {
				fmt.Fprintf(p.Stderr, "note: %s is known only during a run: replace %s by hand.\n", ref, runner.Placeholder(ref))
			}
			return nil
		},
	}
	flags.register(cmd.Flags())
	return cmd
}

// curlCommand writes a described request as a curl command line (with
// comment lines above it when the credentials need explaining) and lists
// the environment variables it reads.
func curlCommand(d *runner.Description) (string, []string) {
	w := &curlWriter{secrets: d.Secrets, env: map[string]bool{}}
	var comments []string
	var args []string

	switch {
	case d.Method == "HEAD":
		args = append(args, "-I")
	case d.Method != "GET":
		args = append(args, "-X "+importer.ShellQuote(d.Method))
	}
	args = append(args, w.word(d.URL, true))

	// Headers, sorted; auth headers come after.
	names := make([]string, 0, len(d.Header))
	for k := range d.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if len(d.Parts) > 0 && strings.EqualFold(k, "Content-Type") && d.Header.Get(k) == "multipart/form-data" {
			continue // curl -F sets it, with its boundary
		}
		for _, v := range d.Header[k] {
			args = append(args, "-H "+w.word(k+": "+v, false))
		}
	}
	hasBody := len(d.Body) > 0 || d.BodyFile != "" || len(d.Parts) > 0
	if hasBody && len(d.Parts) == 0 && d.Header.Get("Content-Type") == "" {
		// curl -d adds a form Content-Type; sigrun sent none.
		args = append(args, "-H 'Content-Type:'")
	}

	if a := d.Auth; a != nil {
		switch a.Type {
		case "aws_sigv4":
			args = append(args, "--aws-sigv4 "+importer.ShellQuote(fmt.Sprintf("aws:amz:%s:%s", a.Region, a.Service)))
			args = append(args, `--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`)
			w.env["AWS_ACCESS_KEY_ID"], w.env["AWS_SECRET_ACCESS_KEY"] = true, true
			withToken := a.SessionToken || !a.StaticKeys
			if withToken {
				// Empty, curl sends no such header: safe for keys without one.
				args = append(args, `-H "x-amz-security-token: $AWS_SESSION_TOKEN"`)
				w.env["AWS_SESSION_TOKEN"] = true
			}
			comments = append(comments, awsComments(a)...)
		case "bearer":
			args = append(args, "-H "+w.word("Authorization: Bearer "+a.Token, false))
		case "basic":
			args = append(args, "--user "+w.word(a.Username+":"+a.Password, false))
		case "api_key":
			if a.KeyIn != "query" { // in the query, it is in the URL already
				args = append(args, "-H "+w.word(a.KeyName+": "+a.KeyValue, false))
			}
		}
	}

	switch {
	case len(d.Parts) > 0:
		for _, part := range d.Parts {
			if part.File {
				v := part.Name + "=@" + part.Path
				if part.ContentType != "" {
					v += ";type=" + part.ContentType
				}
				if part.Filename != "" {
					v += ";filename=" + part.Filename
				}
				args = append(args, "-F "+w.word(v, false))
				continue
			}
			if part.ContentType != "" {
				args = append(args, "-F "+w.word(part.Name+"="+part.Value+";type="+part.ContentType, false))
			} else {
				args = append(args, "--form-string "+w.word(part.Name+"="+part.Value, false))
			}
		}
	case d.BodyFile != "":
		args = append(args, "--data-binary "+w.word("@"+d.BodyFile, false))
	case len(d.Body) > 0:
		if !utf8.Valid(d.Body) || strings.ContainsRune(string(d.Body), 0) {
			comments = append(comments, fmt.Sprintf("The body is %d bytes of binary data: save it to body.bin.", len(d.Body)))
			args = append(args, "--data-binary @body.bin")
		} else {
			args = append(args, "--data-raw "+w.word(string(d.Body), false))
		}
	}

	var b strings.Builder
	for _, c := range comments {
		b.WriteString("# " + c + "\n")
	}
	// The method and the URL on the first line, one option a line after.
	b.WriteString("curl")
	first := 1
	if len(args) > 1 && (strings.HasPrefix(args[0], "-X ") || args[0] == "-I") {
		first = 2
	}
	for i, a := range args {
		if i < first {
			b.WriteString(" " + a)
			continue
		}
		b.WriteString(" \\\n  " + a)
	}
	b.WriteString("\n")
	env := make([]string, 0, len(w.env))
	for k := range w.env {
		env = append(env, k)
	}
	sort.Strings(env)
	return b.String(), env
}

func awsComments(a *runner.DescribedAuth) []string {
	var out []string
	switch {
	case a.Profile != "":
		out = append(out, fmt.Sprintf("Signed with the AWS profile %q: eval \"$(aws configure export-credentials --profile %s --format env)\"", a.Profile, a.Profile))
	case a.StaticKeys:
		var from []string
		add := func(env, v string) {
			if v != "" {
				from = append(from, fmt.Sprintf("%s = var.%s", env, v))
			}
		}
		add("AWS_ACCESS_KEY_ID", a.AccessKeyVar)
		add("AWS_SECRET_ACCESS_KEY", a.SecretKeyVar)
		add("AWS_SESSION_TOKEN", a.SessionTokenVar)
		if len(from) > 0 {
			out = append(out, "AWS keys: "+strings.Join(from, ", ")+".")
		}
	case a.Credentials == "":
		out = append(out, "Signed with the default AWS credentials: export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN),")
		out = append(out, "e.g. eval \"$(aws configure export-credentials --format env)\"")
	default:
		out = append(out, fmt.Sprintf("Signed with the keys of credentials %q: export them as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).", a.Credentials))
	}
	return out
}

// curlWriter quotes arguments, replacing secrets by environment references.
type curlWriter struct {
	secrets []runner.DescribedSecret
	env     map[string]bool
}

// word quotes s for the shell; every secret in it becomes $NAME. In a URL
// a secret may also appear percent-encoded.
func (w *curlWriter) word(s string, isURL bool) string {
	word := importer.Word{{Text: s}}
	for _, sec := range w.secrets {
		forms := []string{sec.Value}
		if isURL {
			for _, f := range []string{url.QueryEscape(sec.Value), url.PathEscape(sec.Value), strings.ReplaceAll(url.QueryEscape(sec.Value), "+", "%20")} {
				if f != sec.Value {
					forms = append(forms, f)
				}
			}
		}
		for _, f := range forms {
			word = replaceInWord(word, f, sec.Name, w.env)
		}
	}
	return importer.ShellQuoteWord(word)
}

func replaceInWord(w importer.Word, secret, name string, used map[string]bool) importer.Word {
	if secret == "" {
		return w
	}
	var out importer.Word
	for _, p := range w {
		if p.Env != "" || !strings.Contains(p.Text, secret) {
			out = append(out, p)
			continue
		}
		parts := strings.Split(p.Text, secret)
		for i, t := range parts {
			if i > 0 {
				out = append(out, importer.WordPart{Env: name})
				used[name] = true
			}
			if t != "" {
				out = append(out, importer.WordPart{Text: t})
			}
		}
	}
	return out
}
